// The foot of every printed sheet: the sign-off block (编制单位、联系人、审核、
// 日期 and an empty 盖章处 box for the seal) and the footer naming the plan by
// its title and the rules by their name. The sign-off is the plan's own record
// (`shequ.signoff` in the plan file, Engine.setPlanInfo): entered once in the
// print preview, one undoable edit, exported and autosaved with the plan.
import { el } from '../dom.js';
import { i18n, t } from '../i18n.js';

export const SIGNOFF = ['unit', 'contact', 'reviewer', 'date'];
const MAX = 200; // characters per entry (the engine checks it too)

/** The plan's own record, asked of the engine (the component's copy if it is restarting). */
function planInfo(ctx) {
  try {
    return ctx.bridge.planInfo() ?? {};
  } catch {
    return ctx.planInfo ?? {};
  }
}

/** The sign-off as saved: each entry a string ('' when not given). */
export function signoffOf(ctx) {
  const s = planInfo(ctx).signoff;
  return Object.fromEntries(SIGNOFF.map((k) => [k, typeof s?.[k] === 'string' ? s[k] : '']));
}

/** The plan's name for a person: its title, else the street's name, else the file name. */
export function planTitle(ctx) {
  return ctx.planTitle?.() || ctx.fileName || '';
}

/** The rule profile's name as its document is called (a custom profile: its name). */
export function profileTitle(ctx) {
  const name = ctx.state.profile || ctx.profileName || '';
  let list = [];
  try { list = ctx.bridge.profiles(); } catch { /* restarting */ }
  const p = list.find((x) => x.name === name);
  return p ? (i18n.lang === 'en' ? p.title_en : p.title_zh) : name;
}

const today = () => new Intl.DateTimeFormat(i18n.lang === 'en' ? 'en-GB' : 'zh-CN', { year: 'numeric', month: 'long', day: 'numeric' }).format(new Date());

/** The footer line: plan title · rules · date printed. */
export function sheetFooter(ctx) {
  return el('footer', { class: 'shequ-sheet-foot', testid: 'sheet-footer', text: t('sheet_footer', { plan: planTitle(ctx), profile: profileTitle(ctx), date: today() }) });
}

/**
 * The printed sign-off block: each entry on its line (a blank line to fill in
 * by hand when not given), `below` them (the footer), and the seal box.
 */
export function signoffBlock(ctx, signoff = signoffOf(ctx), below = null) {
  return el('div', { class: 'shequ-sheet-sign', testid: 'sheet-signoff' },
    el('div', null,
      el('div', { class: 'shequ-sheet-sign-fields' }, SIGNOFF.map((k) => el('div', { class: 'shequ-sheet-sign-field' },
        el('span', { class: 'shequ-sheet-sign-label', text: t('signoff_' + k) }),
        el('span', { class: 'shequ-sheet-sign-line', dataset: { field: k }, testid: 'signoff-' + k, text: signoff[k] })))),
      below),
    el('div', { class: 'shequ-sheet-seal', testid: 'sheet-seal' }, el('span', { text: t('signoff_seal') })));
}

/**
 * The form of the print preview that fills the sign-off: `onSaved()` after
 * the plan took it (the sheets are drawn again), `onCancel()`.
 */
export function signoffForm(ctx, { onSaved, onCancel }) {
  const now = signoffOf(ctx);
  const inputs = Object.fromEntries(SIGNOFF.map((k) => [k, el('input', {
    type: 'text', value: now[k], maxlength: MAX, autocomplete: 'off', testid: 'signoff-input-' + k,
    placeholder: k === 'date' ? t('signoff_date_hint', { date: today() }) : '',
  })]));
  const status = el('span', { class: 'shequ-sheets-form-status', role: 'status' });
  const save = (e) => {
    e.preventDefault();
    const entries = SIGNOFF.map((k) => [k, inputs[k].value.trim().slice(0, MAX)]).filter(([, v]) => v);
    const delta = ctx.edit('setPlanInfo', { signoff: entries.length ? Object.fromEntries(entries) : null });
    if (delta) onSaved();
    else status.textContent = t('signoff_not_saved');
  };
  return el('form', { class: 'shequ-sheets-form', testid: 'signoff-form', onsubmit: save, 'aria-label': t('signoff_title') },
    el('p', { class: 'shequ-sheets-form-hint', text: t('signoff_edit_title') }),
    el('div', { class: 'shequ-sheets-form-fields' }, SIGNOFF.map((k) => el('label', null, el('span', { text: t('signoff_' + k) }), inputs[k]))),
    el('div', { class: 'shequ-sheets-form-actions' },
      el('button', { type: 'submit', class: 'shequ-btn shequ-btn-primary', text: t('save'), testid: 'signoff-save' }),
      el('button', { type: 'button', class: 'shequ-btn', text: t('cancel'), testid: 'signoff-cancel', onclick: onCancel }),
      status));
}
