// One bar per community: households against its target band, the way
// districting tools show population balance. Rows are keyed and updated in
// place during a drag.
import { el, setText } from '../dom.js';
import { num, shownName, t } from '../i18n.js';
import { STATUS_SYMBOL } from '../map/styles.js';

export class Balance {
  constructor(ctx) {
    this._ctx = ctx;
    this._rows = new Map();
    this.sort = 'plan';
    this._list = el('ol', { class: 'shequ-bars', testid: 'balance' });
    this._legend = el('p', { class: 'shequ-legend', testid: 'band-legend' });
    this._sortSel = el('select', { class: 'shequ-select-small', testid: 'balance-sort', onchange: () => { this.sort = this._sortSel.value; this.render(); } });
    this.el = el('div', { class: 'shequ-balance' },
      el('div', { class: 'shequ-row-between' }, this._legend, el('label', { class: 'shequ-inline' }, el('span', { class: 'shequ-muted', 'data-i18n': 'sort_by' }), this._sortSel)),
      this._list);
  }

  render() {
    const { state } = this._ctx;
    this._sortSel.replaceChildren(...['plan', 'households', 'status'].map((v) => el('option', { value: v, text: t('sort_' + v), selected: v === this.sort })));
    this.el.querySelector('[data-i18n=sort_by]').textContent = t('sort_by');
    this._rows.clear();
    this._list.replaceChildren();
    this._scale = this._computeScale();
    const std = state.list().find((c) => c.kind === 'standard') ?? state.list()[0];
    // As the plan words it: 三（一） the target band (in principle), 二（一） fewer than
    // merge_below / more than adjust_above in principle merged / split, 三（一）
    // split_from or more may be split. Ticks at those three.
    const b = std?.band;
    if (b) setText(this._legend, t('band_legend', { min: num(b.target_min), max: num(b.target_max), merge: num(b.merge_below), adjust: num(b.adjust_above), split: num(b.split_from) }));
    for (const c of this._sorted()) {
      const row = this._row(c.id);
      this._list.append(row.li);
      this._fillRow(row, c);
    }
    this._markSelected();
  }

  _sorted() {
    const list = this._ctx.state.list();
    const rank = { error: 0, warning: 1, ok: 2 };
    if (this.sort === 'households') list.sort((a, b) => b.households_total - a.households_total);
    if (this.sort === 'status') list.sort((a, b) => rank[a.status] - rank[b.status] || b.households_total - a.households_total);
    return list;
  }

  _computeScale() {
    let m = 0;
    for (const c of this._ctx.state.communities.values()) m = Math.max(m, c.households_total, c.band.split_from);
    return Math.ceil((m * 1.08) / 500) * 500 || 1;
  }

  update(changes) {
    const { state } = this._ctx;
    if (changes.order || changes.added.length || changes.removed.length || this._computeScale() > this._scale) return this.render();
    for (const id of changes.reports) {
      const row = this._rows.get(id);
      const c = state.communities.get(id);
      if (row && c) this._fillRow(row, c);
    }
  }

  _row(id) {
    const name = el('span', { class: 'shequ-bar-name' });
    const sym = el('span', { class: 'shequ-status-sym', 'aria-hidden': 'true' });
    const value = el('span', { class: 'shequ-bar-value', testid: 'households-' + id });
    const band = el('span', { class: 'shequ-bar-band' });
    const fill = el('span', { class: 'shequ-bar-fill' });
    const merge = el('span', { class: 'shequ-bar-tick' });
    const adjust = el('span', { class: 'shequ-bar-tick' });
    const split = el('span', { class: 'shequ-bar-tick shequ-bar-tick-may' });
    const track = el('span', { class: 'shequ-bar-track', 'aria-hidden': 'true' }, band, fill, merge, adjust, split);
    const button = el('button', { class: 'shequ-bar-button', testid: 'balance-row-' + id, onclick: () => this._ctx.select(id, { zoom: true }) },
      el('span', { class: 'shequ-bar-head' }, sym, name, value), track);
    const li = el('li', { class: 'shequ-bar', dataset: { id } }, button);
    const row = { li, button, name, sym, value, band, fill, merge, adjust, split };
    this._rows.set(id, row);
    return row;
  }

  /** Writes only what differs from what the row shows (no style or attribute churn during a drag). */
  _fillRow(row, c) {
    const pct = (v) => Math.max(0, Math.min(100, (v / this._scale) * 100)) + '%';
    setText(row.name, shownName(c));
    setText(row.sym, STATUS_SYMBOL[c.status]);
    setText(row.value, num(c.households_total));
    if (row.li.dataset.status !== c.status) row.li.dataset.status = c.status;
    const put = (k, node, prop, v) => {
      if (row[k] === v) return;
      row[k] = v;
      node.style[prop] = v;
    };
    put('_bandLeft', row.band, 'left', pct(c.band.target_min));
    put('_bandWidth', row.band, 'width', `calc(${pct(c.band.target_max)} - ${pct(c.band.target_min)})`);
    put('_fill', row.fill, 'width', pct(c.households_total));
    put('_merge', row.merge, 'left', pct(c.band.merge_below));
    put('_adjust', row.adjust, 'left', pct(c.band.adjust_above));
    put('_split', row.split, 'left', pct(c.band.split_from));
    const label = `${shownName(c)}: ${t('hh_long', { n: num(c.households_total) })}, ${t('band_of', { min: num(c.band.target_min), max: num(c.band.target_max) })}, ${t('status_' + c.status)}`;
    if (row._label !== label) {
      row._label = label;
      row.button.setAttribute('aria-label', label);
    }
  }

  _markSelected() {
    for (const [id, row] of this._rows) row.li.classList.toggle('shequ-selected', id === this._ctx.communities.selected);
  }

  select() {
    this._markSelected();
    this._rows.get(this._ctx.communities.selected)?.li.scrollIntoView({ block: 'nearest' });
  }
}
