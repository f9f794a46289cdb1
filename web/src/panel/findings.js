// Findings grouped by severity; each one zooms to and highlights its geometry.
// Items are keyed by finding id and added/removed as Deltas arrive.
import { el, setText } from '../dom.js';
import { pick, t } from '../i18n.js';

const SEVERITIES = ['error', 'warning', 'info'];

export class Findings {
  constructor(ctx) {
    this._ctx = ctx;
    this._groups = {};
    this._items = new Map();
    this._adjust = el('div', { class: 'shequ-adjust', testid: 'adjustment' });
    this._empty = el('p', { class: 'shequ-muted', testid: 'no-findings' });
    this.el = el('div', { class: 'shequ-findings', testid: 'findings' }, this._adjust, this._empty);
    for (const s of SEVERITIES) {
      const count = el('span', { class: 'shequ-count' });
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
    for (const g of Object.values(this._groups)) g.list.replaceChildren();
    for (const f of this._ctx.state.findings.values()) this._add(f);
    this._finish();
  }

  update(changes) {
    if (!changes.findings) return this._renderAdjust();
    const live = this._ctx.state.findings;
    for (const [id, li] of this._items) if (!live.has(id)) { li.remove(); this._items.delete(id); }
    for (const f of live.values()) if (!this._items.has(f.id)) this._add(f);
    this._finish();
  }

  _add(f) {
    const { state } = this._ctx;
    const g = this._groups[f.severity] ?? this._groups.info;
    const where = f.community_ids.map((id) => state.name(id)).join('、');
    const li = el('li', { class: 'shequ-finding', dataset: { id: f.id, code: f.code, communities: f.community_ids.join(' ') }, testid: 'finding-' + f.id },
      el('button', { class: 'shequ-finding-button', onclick: () => this._ctx.showFinding(f), title: t('show_on_map') },
        el('span', { class: 'shequ-finding-msg', text: pick(f, 'message') }),
        el('span', { class: 'shequ-finding-meta' }, where ? el('span', { class: 'shequ-finding-where', text: where }) : null, el('span', { text: t('section', { s: f.section }) }), el('code', { text: f.code }))));
    // Keep the order stable: by first community in plan order, then code.
    const key = this._sortKey(f);
    li.dataset.key = key;
    const next = [...g.list.children].find((x) => x.dataset.key > key);
    g.list.insertBefore(li, next ?? null);
    this._items.set(f.id, li);
  }

  _sortKey(f) {
    const i = this._ctx.state.order.indexOf(f.community_ids[0]);
    return String(i < 0 ? 9999 : i).padStart(4, '0') + f.code + f.id;
  }

  _finish() {
    for (const s of SEVERITIES) {
      const g = this._groups[s];
      setText(g.title, t('severity_' + s));
      setText(g.count, String(g.list.children.length));
      g.section.hidden = g.list.children.length === 0;
    }
    setText(this._empty, t('no_findings'));
    this._empty.hidden = this._items.size > 0;
    this._renderAdjust();
  }

  _renderAdjust() {
    const { state } = this._ctx;
    const list = state.adjustment ?? [];
    this._adjust.hidden = list.length === 0;
    if (!list.length) return;
    this._adjust.replaceChildren(el('h3', { text: t('adjustment') }), el('ul', null, list.map((a) =>
      el('li', null, el('button', { class: 'shequ-link', text: state.name(a.community_id), onclick: () => this._ctx.select(a.community_id, { zoom: true }) }),
        ' — ' + a.conditions.map((c) => t('cond_' + c)).join('、')))));
  }
}
