// The presentation view for residents' meetings: the map full-window with
// large labels, every community labelled, no editing tools, and a simple
// panel — totals, each community's households against its band, and what
// changes against the plan as loaded. Esc (or the button) leaves it.
// What it says is said to the public: every count states the band it used
// (one band, or each kind's), and every community is named, never shown by
// its id (names.js).
import { el } from '../dom.js';
import { num, t } from '../i18n.js';
import { STATUS_SYMBOL } from '../map/styles.js';
import { publicNames } from './names.js';

// Label sizes tried, largest first, until every community's label has room.
const LABEL_PX = [22, 20, 18, 16];

/** Communities grouped by band: [{kind, min, max, n (in band), c (all)}], in the order of the kinds first met. */
export function bandGroups(list) {
  const groups = new Map();
  for (const x of list) {
    const b = x.band;
    const key = `${x.kind}:${b.target_min}:${b.target_max}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { kind: x.kind, min: b.target_min, max: b.target_max, n: 0, c: 0 }));
    g.c += 1;
    if (x.households_total >= b.target_min && x.households_total <= b.target_max) g.n += 1;
  }
  return [...groups.values()];
}

export class Presentation {
  constructor(ctx, compare) {
    this._ctx = ctx;
    this._compareView = compare;
    this.active = false;
    this._names = publicNames(ctx);
    this._onKey = (e) => this._key(e);
    this._onChange = () => { if (this.active) this.render(); };
    ctx.on('change', this._onChange);
  }

  enter() {
    const ctx = this._ctx;
    if (this.active || !ctx.state.loaded) return;
    this.active = true;
    ctx.menu.close();
    ctx.rootMenu.close();
    this._leave = el('button', { class: 'shequ-btn shequ-btn-primary', testid: 'present-leave', onclick: () => this.leave() });
    this._compare = el('button', { class: 'shequ-btn', testid: 'present-compare', onclick: () => this._compareView.toggle() });
    this._title = el('h1', { class: 'shequ-present-title', testid: 'present-title' });
    this.head = el('header', { class: 'shequ-present-head', testid: 'present-head' }, this._title, el('span', { class: 'shequ-tb-spacer' }), this._compare, this._leave);
    this.panel = el('aside', { class: 'shequ-present-panel', testid: 'present-panel', 'aria-live': 'polite' });
    ctx.root.classList.add('shequ-presenting');
    ctx.root.insertBefore(this.head, ctx.body);
    ctx.body.append(this.panel);
    document.addEventListener('keydown', this._onKey, true);
    // Every community labelled, by the name a meeting reads; in English the
    // households as a number (the unit is in the panel), so that labels fit.
    ctx.labels.present = {
      name: (c) => (c.name?.trim() ? c.name : t('consult_unnamed_label')),
      hh: (c) => (ctx.lang === 'en' ? num(c.households_total) : t('hh_long', { n: num(c.households_total) })),
    };
    ctx.consult._apply(true);
    this.render();
    this._refit();
    this._leave.focus();
    ctx.fire('consult', { present: true });
  }

  leave() {
    const ctx = this._ctx;
    if (!this.active) return;
    this.active = false;
    document.removeEventListener('keydown', this._onKey, true);
    ctx.root.classList.remove('shequ-presenting');
    ctx.root.style.removeProperty('--present-label');
    ctx.labels.present = null;
    this.head.remove();
    this.panel.remove();
    ctx.consult._apply(true);
    this._refit();
    ctx.root.querySelector('[data-testid="consult-present"]')?.focus();
    ctx.fire('consult', { present: false });
  }

  _refit() {
    const ctx = this._ctx;
    ctx.view.fit(ctx.state.bbox());
    this._layoutLabels();
    if (this._compareView.open) this._compareView.show();
  }

  /** Lays the labels out (they changed size), in smaller type if some found no room. */
  _layoutLabels() {
    const ctx = this._ctx;
    const sizes = this.active ? LABEL_PX : [null];
    for (const px of sizes) {
      if (px) ctx.root.style.setProperty('--present-label', px + 'px');
      ctx.labels.reset();
      if (!px || ctx.labels.hiddenCount() === 0) break;
    }
  }

  _key(e) {
    if (e.key !== 'Escape' || this._ctx.root.querySelector('dialog[open]')) return;
    e.preventDefault();
    e.stopPropagation();
    if (this._compareView.open) this._compareView.close();
    else this.leave();
  }

  relabel() {
    if (!this.active) return;
    this.render();
    this._layoutLabels();
  }

  render() {
    const ctx = this._ctx;
    const { state } = ctx;
    this._title.textContent = ctx.planTitle() || t('app_title');
    this._leave.textContent = t('consult_leave');
    this._compare.textContent = t('consult_compare');
    const list = state.list();
    const tot = state.totals;
    const groups = bandGroups(list);
    const std = list.find((c) => c.kind === 'standard')?.band ?? list[0]?.band;
    const max = Math.max(std ? std.split_from * 1.1 : 0, ...list.map((c) => c.households_total), 1);
    const pct = (v) => Math.max(0, Math.min(100, (v / max) * 100)) + '%';
    const rows = list.map((c) => {
      const b = c.band;
      const bandEl = el('span', { class: 'shequ-present-band' });
      bandEl.style.left = pct(b.target_min);
      bandEl.style.width = `calc(${pct(b.target_max)} - ${pct(b.target_min)})`;
      const fillEl = el('span', { class: 'shequ-present-fill' });
      fillEl.style.width = pct(c.households_total);
      return el('li', { class: 'shequ-present-row', testid: 'present-row-' + c.id, dataset: { status: c.status } },
        el('span', { class: 'shequ-present-name' }, el('span', { class: 'shequ-status-sym', 'aria-hidden': 'true', text: STATUS_SYMBOL[c.status] ?? '' }), ' ', this._names(c.id)),
        el('span', { class: 'shequ-present-hh', testid: 'present-hh-' + c.id, text: num(c.households_total) }),
        el('span', { class: 'shequ-present-track', 'aria-hidden': 'true' }, bandEl, fillEl));
    });
    const kind = (g) => t('consult_kind_' + g.kind);
    const n = groups.reduce((s, g) => s + g.n, 0);
    const inBand = groups.length === 1
      ? el('p', { testid: 'present-in-band', text: t('consult_in_band', { n: num(n), c: num(list.length), min: num(groups[0].min), max: num(groups[0].max) }) })
      : groups.length ? el('div', { testid: 'present-in-band' },
        el('p', { text: t('consult_in_own_band', { n: num(n), c: num(list.length) }) }),
        el('ul', { class: 'shequ-present-kinds' }, groups.map((g) => el('li', { testid: 'present-in-band-' + g.kind,
          text: t('consult_kind_in_band', { kind: kind(g), n: num(g.n), c: num(g.c), min: num(g.min), max: num(g.max) }) })))) : null;
    const legend = groups.length === 1
      ? t('consult_band_legend', { min: num(groups[0].min), max: num(groups[0].max) })
      : t('consult_band_legend_kinds', { bands: groups.map((g) => t('consult_kind_band', { kind: kind(g), min: num(g.min), max: num(g.max) })).join(t('consult_list_sep')) });
    this.panel.replaceChildren(
      el('div', { class: 'shequ-present-totals', testid: 'present-totals' },
        el('p', { class: 'shequ-present-big', text: t('consult_totals', { c: num(tot.communities), h: num(tot.households_total) }) }),
        inBand),
      el('h2', { text: t('consult_changes') }),
      this._changes(),
      el('h2', { text: t('consult_communities') }),
      groups.length ? el('p', { class: 'shequ-muted', testid: 'present-legend', text: legend }) : null,
      ctx.lang === 'en' ? el('p', { class: 'shequ-muted', text: t('consult_map_key') }) : null,
      el('ol', { class: 'shequ-present-list', testid: 'present-list' }, rows));
  }

  _changes() {
    const ctx = this._ctx;
    const cmp = ctx.state.comparison;
    const name = this._names;
    const items = [];
    if (cmp) {
      const created = new Set(cmp.communities_created ?? []), removed = new Set(cmp.communities_removed ?? []);
      const hh = new Map((cmp.households ?? []).map((h) => [h.id, h]));
      if (cmp.compounds_moved) items.push(t('consult_moves', { n: num(cmp.compounds_moved), h: num(cmp.households_moved) }));
      for (const h of cmp.households ?? []) {
        if (h.before !== h.after && !created.has(h.id) && !removed.has(h.id)) items.push(t('consult_hh_change', { name: name(h.id), before: num(h.before), after: num(h.after) }));
      }
      for (const id of created) items.push(t('consult_created', { name: name(id), after: num(hh.get(id)?.after ?? ctx.state.communities.get(id)?.households_total ?? 0) }));
      for (const id of removed) items.push(t('consult_removed', { name: name(id), before: num(hh.get(id)?.before ?? 0) }));
      for (const r of cmp.communities_renamed ?? []) items.push(t('consult_renamed', { from: r.from.trim() || t('consult_unnamed'), to: name(r.id) }));
    }
    if (!items.length) return el('p', { class: 'shequ-muted', testid: 'present-changes', text: t('consult_no_changes') });
    return el('ul', { class: 'shequ-present-changes', testid: 'present-changes' }, items.map((s) => el('li', { text: s })));
  }
}
