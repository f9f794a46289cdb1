// 规则说明 / Rules, loaded on first use: every rule of the profile in use as
// the engine reads it (`Engine.rules()`): the document and article it cites,
// the sentence quoted, how strongly the plan words it (必须 / 原则上 / 可以)
// and what that makes a finding (错误 / 警告 that may be explained / 建议),
// and each threshold with its value and where it comes from. A modal dialog:
// Esc closes it, focus returns to where it was.
import { el } from '../dom.js';
import { i18n, num, pick, t } from '../i18n.js';
import { dialog } from './dialog.js';
import '../i18n-rules.js';

const STRENGTHS = ['must', 'in_principle', 'may'];
const SEVERITY_OF = { must: 'error', in_principle: 'warning', may: 'info' };
const SEVERITY_WORD = { error: 'status_error', warning: 'status_warning', info: 'sev_info' }; // 错误, 警告, 建议

/** English text shown on its own starts with a capital (the engine quotes fragments). */
const cap = (s) => (i18n.lang === 'en' && s ? s[0].toUpperCase() + s.slice(1) : s);

function shown(key, v) {
  if (v == null) return '—';
  if (typeof v === 'boolean') return v ? '✓' : '✗';
  if (typeof v === 'number') return Number.isInteger(v) ? num(v) : String(v);
  if (Array.isArray(v)) {
    const prefix = /committees$/.test(key) ? 'c_' : /services$/.test(key) ? 's_' : '';
    return v.map((x) => (prefix ? t(prefix + x) : String(x))).join(i18n.lang === 'en' ? ', ' : '、');
  }
  return String(v);
}

function profileTitle(ctx) {
  const name = ctx.state.profile || ctx.profileName || '';
  let list = [];
  try { list = ctx.bridge.profiles(); } catch { /* engine restarting */ }
  const p = list.find((x) => x.name === name);
  return p ? `${i18n.lang === 'en' ? p.title_en : p.title_zh} (${name})` : name;
}

function strengthChip(s, testid) {
  return el('span', { class: 'shequ-strength', dataset: { strength: s }, testid, text: t('strength_' + s) });
}

function rule(r) {
  const quote = pick(r, 'quote');
  const custom = r.severity !== SEVERITY_OF[r.strength];
  return el('li', { class: 'shequ-rule', dataset: { code: r.code, strength: r.strength, severity: r.severity }, testid: 'rule-' + r.code },
    el('h3', { class: 'shequ-rule-head' }, el('span', { class: 'shequ-rule-cite', text: pick(r, 'citation') }), el('code', { text: r.code })),
    el('p', { class: 'shequ-rule-strength' }, strengthChip(r.strength, 'rule-strength-' + r.code), ' ',
      el('span', { text: t('means_' + r.strength) }),
      custom ? el('span', { class: 'shequ-rule-custom', text: ' · ' + t('rules_severity', { sev: t(SEVERITY_WORD[r.severity]) }) }) : null),
    el('blockquote', { class: 'shequ-rule-quote' + (quote ? '' : ' shequ-muted'), testid: 'rule-quote-' + r.code, text: quote ? '“' + cap(quote) + '”' : t('rules_no_quote') }),
    // Each threshold: setting, value, where it comes from (a document, or 本地设定: the profile's own choice).
    r.thresholds.length ? el('table', { class: 'shequ-table shequ-rule-thresholds', 'aria-label': t('rules_thresholds') },
      el('tbody', null, r.thresholds.map((th) => el('tr', { dataset: { key: th.key, origin: th.origin }, testid: `threshold-${r.code}-${th.key}` },
        el('td', null, el('code', { text: th.key })),
        el('td', { class: 'shequ-num', text: shown(th.key, th.value) }),
        el('td', { class: th.origin === 'local' ? 'shequ-rule-local' : null, text: cap(pick(th, 'origin')) }))))) : null);
}

/** Opens the rules page of the profile in use. */
export function openRules(ctx) {
  let rules = [], failed = null;
  try {
    rules = JSON.parse(ctx.bridge.call('rules'));
  } catch (e) {
    failed = e?.message ?? String(e); // no plan loaded, or the engine restarting
  }
  const body = el('div', { class: 'shequ-rules', testid: 'rules-page' },
    el('p', { text: t('rules_intro') }),
    el('ul', { class: 'shequ-rules-legend', testid: 'rules-legend' }, STRENGTHS.map((s) =>
      el('li', { dataset: { strength: s } }, strengthChip(s), ' ', t('means_' + s)))),
    failed ? el('p', { class: 'shequ-problem-what', testid: 'rules-failed', text: failed }) : null,
    el('ol', { class: 'shequ-rules-list', testid: 'rules-list' }, rules.map(rule)));
  return dialog(ctx.root, { title: t('rules_title', { profile: profileTitle(ctx) }), body, testid: 'rules-dialog', wide: true,
    buttons: [{ text: t('close'), value: 'close', primary: true, testid: 'rules-close' }] });
}
