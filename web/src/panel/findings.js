// Findings grouped by severity (错误, 警告, 建议), and apart from them the
// deviations the planner has explained (已说明, with the reason); each one zooms
// to and highlights its geometry. Items are keyed by finding id and
// added/removed/replaced as Deltas arrive.
import { el, setText } from '../dom.js';
import { pick, t } from '../i18n.js';

const GROUPS = ['error', 'warning', 'info', 'explained'];

/** The group a finding is listed in: its severity, or `explained`. */
export const groupOf = (f) => (f.explained ? 'explained' : f.severity === 'error' || f.severity === 'warning' ? f.severity : 'info');

/** `openExplain` or `withdraw` of ui/explain.js (loaded on first use) for finding `f`. */
const explain = (ctx, f, what = 'openExplain') => import('../ui/explain.js').then((m) => m[what](ctx, f));

/**
 * Below a finding: for an explained one its reason, Edit reason and Withdraw;
 * for an open warning or suggestion naming communities, Explain; nothing for
 * an error (a must cannot be explained away) or in a read-only plan. `prefix`
 * keeps the test ids of the detail apart from the panel's.
 */
export function findingExtras(ctx, f, prefix = '') {
  const editable = ctx.options?.editable !== false; // false in read-only plans too (consult.js)
  if (f.explained) {
    return el('div', { class: 'shequ-finding-extra' },
      el('p', { class: 'shequ-finding-reason', testid: prefix + 'explained-' + f.id, text: t('explained_reason', { reason: f.explained.reason }) }),
      editable ? el('p', { class: 'shequ-finding-actions' },
        el('button', { type: 'button', class: 'shequ-link', text: t('explain_edit'), testid: prefix + 'explain-edit-' + f.id, onclick: () => explain(ctx, f) }),
        el('button', { type: 'button', class: 'shequ-link', text: t('explain_withdraw'), testid: prefix + 'explain-withdraw-' + f.id, onclick: () => explain(ctx, f, 'withdraw') })) : null);
  }
  if (!editable || f.severity === 'error' || !f.community_ids.length) return null;
  return el('p', { class: 'shequ-finding-actions' },
    el('button', { type: 'button', class: 'shequ-link', text: t('explain'), testid: prefix + 'explain-' + f.id, onclick: () => explain(ctx, f) }));
}

/** The rules page (its code is loaded on first use). */
export function openRules(ctx) {
  return import('../ui/rules.js').then((m) => m.openRules(ctx));
}

export class Findings {
  constructor(ctx) {
    this._ctx = ctx;
    this._groups = {};
    this._items = new Map();
    this._shown = new Map(); // id → the finding object its item shows
    this._rules = el('button', { type: 'button', class: 'shequ-link', testid: 'open-rules', onclick: () => openRules(ctx) });
    this._adjust = el('div', { class: 'shequ-adjust', testid: 'adjustment' });
    this._empty = el('p', { class: 'shequ-muted', testid: 'no-findings' });
    this.el = el('div', { class: 'shequ-findings', testid: 'findings' }, el('p', { class: 'shequ-findings-head' }, this._rules), this._adjust, this._empty);
    for (const s of GROUPS) {
      const count = el('span', { class: 'shequ-count', testid: 'findings-count-' + s });
      const title = el('span');
      const list = el('ul', { class: 'shequ-finding-list' });
      const section = el('section', { class: 'shequ-finding-group', dataset: { severity: s }, testid: 'findings-' + s }, el('h3', null, el('span', { class: 'shequ-sev-dot', 'aria-hidden': 'true' }), title, count), list);
      this._groups[s] = { section, count, title, list };
      this.el.append(section);
    }
  }

  get count() { return this._items.size; }

  render() {
    this._items.clear();
    this._shown.clear();
    this._adjustKey = null;
    this._rank = null;
    for (const g of Object.values(this._groups)) g.list.replaceChildren();
    // All at once, in order: one append per group.
    const items = [...this._ctx.state.findings.values()].map((f) => [this._sortKey(f), f]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const frag = {};
    for (const [key, f] of items) (frag[groupOf(f)] ??= document.createDocumentFragment()).append(this._item(f, key));
    for (const [s, f] of Object.entries(frag)) this._groups[s].list.append(f);
    this._finish();
  }

  update(changes) {
    if (!changes.findings) return this._renderAdjust();
    const live = this._ctx.state.findings;
    // Gone, or replaced by a new version (the same id, explained or not): out.
    for (const [id, li] of this._items) {
      if (live.get(id) === this._shown.get(id)) continue;
      li.remove();
      this._items.delete(id);
      this._shown.delete(id);
    }
    if (changes.order) this._rank = null;
    for (const f of live.values()) if (!this._items.has(f.id)) this._add(f);
    this._finish();
  }

  _item(f, key) {
    const { state } = this._ctx;
    const where = f.community_ids.map((id) => state.name(id)).join('、');
    const li = el('li', { class: 'shequ-finding', dataset: { id: f.id, code: f.code, communities: f.community_ids.join(' '), key, explained: f.explained ? 'true' : null }, testid: 'finding-' + f.id },
      el('button', { class: 'shequ-finding-button', onclick: () => this._ctx.showFinding(f), title: t('show_on_map') },
        el('span', { class: 'shequ-finding-msg', text: pick(f, 'message') }),
        el('span', { class: 'shequ-finding-meta' }, where ? el('span', { class: 'shequ-finding-where', text: where }) : null, el('span', { class: 'shequ-finding-cite', text: pick(f, 'citation') }))),
      findingExtras(this._ctx, f));
    this._items.set(f.id, li);
    this._shown.set(f.id, f);
    return li;
  }

  _add(f) {
    const g = this._groups[groupOf(f)];
    // Keep the order stable: by first community in plan order, then code (binary search).
    const key = this._sortKey(f);
    const li = this._item(f, key);
    const kids = g.list.children;
    let lo = 0, hi = kids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (kids[mid].dataset.key > key) hi = mid;
      else lo = mid + 1;
    }
    g.list.insertBefore(li, kids[lo] ?? null);
  }

  _sortKey(f) {
    if (!this._rank) this._rank = new Map(this._ctx.state.order.map((id, i) => [id, i]));
    const i = this._rank.get(f.community_ids[0]) ?? -1;
    return String(i < 0 ? 9999 : i).padStart(4, '0') + f.code + f.id;
  }

  _finish() {
    for (const s of GROUPS) {
      const g = this._groups[s];
      setText(g.title, t('severity_' + s));
      setText(g.count, String(g.list.children.length));
      g.section.hidden = g.list.children.length === 0;
    }
    setText(this._rules, t('rules'));
    setText(this._empty, t('no_findings'));
    this._empty.hidden = this._items.size > 0;
    this._renderAdjust();
  }

  _renderAdjust() {
    const { state } = this._ctx;
    const list = state.adjustment ?? [];
    // Rebuilt only when it changed (names included: a rename shows).
    const key = list.map((a) => `${a.community_id}:${state.name(a.community_id)}:${a.conditions.join()}`).join('|');
    if (key === this._adjustKey) return;
    this._adjustKey = key;
    this._adjust.hidden = list.length === 0;
    if (!list.length) return;
    this._adjust.replaceChildren(el('h3', { text: t('adjustment') }), el('ul', null, list.map((a) =>
      el('li', null, el('button', { class: 'shequ-link', text: state.name(a.community_id), onclick: () => this._ctx.select(a.community_id, { zoom: true }) }),
        ' — ' + a.conditions.map((c) => t('cond_' + c)).join(t('list_sep'))))));
  }
}
