// The presentation view for residents' meetings: the map full-window with
// large labels, no editing tools, and a simple panel — totals, each
// community's households against its band, and what changes against the plan
// as loaded. Esc (or the button) leaves it.
import { el } from '../dom.js';
import { num, t } from '../i18n.js';
import { STATUS_SYMBOL } from '../map/styles.js';

export class Presentation {
  constructor(ctx) {
    this._ctx = ctx;
    this.active = false;
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
    this._compare = el('button', { class: 'shequ-btn', testid: 'present-compare', onclick: () => ctx.consult.compare.toggle() });
    this._title = el('h1', { class: 'shequ-present-title' });
    this.head = el('header', { class: 'shequ-present-head', testid: 'present-head' }, this._title, el('span', { class: 'shequ-tb-spacer' }), this._compare, this._leave);
    this.panel = el('aside', { class: 'shequ-present-panel', testid: 'present-panel', 'aria-live': 'polite' });
    ctx.root.classList.add('shequ-presenting');
    ctx.root.insertBefore(this.head, ctx.body);
    ctx.body.append(this.panel);
    document.addEventListener('keydown', this._onKey, true);
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
    ctx.labels.reset(); // the labels changed size
    if (ctx.consult.compare.open) ctx.consult.compare.show();
  }

  _key(e) {
    if (e.key !== 'Escape' || this._ctx.root.querySelector('dialog[open]')) return;
    e.preventDefault();
    e.stopPropagation();
    if (this._ctx.consult.compare.open) this._ctx.consult.compare.close();
    else this.leave();
  }

  relabel() {
    if (this.active) this.render();
  }

  render() {
    const ctx = this._ctx;
    const { state } = ctx;
    this._title.textContent = ctx.options.title || ctx.fileName || t('app_title');
    this._leave.textContent = t('consult_leave');
    this._compare.textContent = t('consult_compare');
    const list = state.list();
    const tot = state.totals;
    const std = list.find((c) => c.kind === 'standard') ?? list[0];
    const band = std?.band;
    const inBand = list.filter((c) => c.households_total >= c.band.target_min && c.households_total <= c.band.target_max).length;
    const max = Math.max(band ? band.split_from * 1.1 : 0, ...list.map((c) => c.households_total), 1);
    const pct = (v) => Math.max(0, Math.min(100, (v / max) * 100)) + '%';
    const rows = list.map((c) => {
      const b = c.band;
      const bandEl = el('span', { class: 'shequ-present-band' });
      bandEl.style.left = pct(b.target_min);
      bandEl.style.width = `calc(${pct(b.target_max)} - ${pct(b.target_min)})`;
      const fillEl = el('span', { class: 'shequ-present-fill' });
      fillEl.style.width = pct(c.households_total);
      return el('li', { class: 'shequ-present-row', testid: 'present-row-' + c.id, dataset: { status: c.status } },
        el('span', { class: 'shequ-present-name' }, el('span', { class: 'shequ-status-sym', 'aria-hidden': 'true', text: STATUS_SYMBOL[c.status] ?? '' }), ' ', c.name),
        el('span', { class: 'shequ-present-hh', testid: 'present-hh-' + c.id, text: num(c.households_total) }),
        el('span', { class: 'shequ-present-track', 'aria-hidden': 'true' }, bandEl, fillEl));
    });
    this.panel.replaceChildren(
      el('div', { class: 'shequ-present-totals', testid: 'present-totals' },
        el('p', { class: 'shequ-present-big', text: t('consult_totals', { c: num(tot.communities), h: num(tot.households_total) }) }),
        band ? el('p', { testid: 'present-in-band', text: t('consult_in_band', { n: num(inBand), c: num(list.length), min: num(band.target_min), max: num(band.target_max) }) }) : null),
      el('h2', { text: t('consult_changes') }),
      this._changes(),
      el('h2', { text: t('consult_communities') }),
      band ? el('p', { class: 'shequ-muted', text: t('consult_band_legend', { min: num(band.target_min), max: num(band.target_max) }) }) : null,
      el('ol', { class: 'shequ-present-list', testid: 'present-list' }, rows));
  }

  _changes() {
    const ctx = this._ctx;
    const cmp = ctx.state.comparison;
    const name = (id) => ctx.state.name(id);
    const items = [];
    if (cmp) {
      if (cmp.compounds_moved) items.push(t('consult_moves', { n: num(cmp.compounds_moved), h: num(cmp.households_moved) }));
      for (const h of cmp.households ?? []) {
        if (h.before !== h.after) items.push(t('consult_hh_change', { name: name(h.id), before: num(h.before), after: num(h.after) }));
      }
      if (cmp.communities_created?.length) items.push(t('consult_created', { names: cmp.communities_created.map(name).join('、') }));
      if (cmp.communities_removed?.length) items.push(t('consult_removed', { names: cmp.communities_removed.join('、') }));
      for (const r of cmp.communities_renamed ?? []) items.push(t('consult_renamed', { from: r.from, to: r.to }));
    }
    if (!items.length) return el('p', { class: 'shequ-muted', testid: 'present-changes', text: t('consult_no_changes') });
    return el('ul', { class: 'shequ-present-changes', testid: 'present-changes' }, items.map((s) => el('li', { text: s })));
  }
}
