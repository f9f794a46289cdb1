// The comparison with the plan as loaded (or the baseline set).
import { el } from '../dom.js';
import { num, t } from '../i18n.js';
import { publicNames } from '../consult/names.js';

export class Compare {
  constructor(ctx) {
    this._ctx = ctx;
    this.el = el('div', { class: 'shequ-compare', testid: 'comparison' });
    this.dirty = true;
    this._names = publicNames(ctx); // a removed community by the name it had, never its id
  }

  render() {
    this.dirty = false;
    const { state } = this._ctx;
    const c = state.comparison;
    // Rebuilt only when the comparison (or the language) changed.
    const key = t('compare_title') + JSON.stringify(c);
    if (key === this._key) return;
    this._key = key;
    const name = (id) => (id ? this._names(id) : t('nowhere'));
    const parts = [el('h3', { text: t('compare_title') })];
    const changed = c && (c.compounds_moved || c.communities_created.length || c.communities_removed.length || c.communities_renamed.length || c.compounds_added?.length || c.compounds_removed?.length);
    if (!changed) {
      parts.push(el('p', { class: 'shequ-muted', text: t('compare_none'), testid: 'compare-none' }));
      this.el.replaceChildren(...parts);
      return;
    }
    parts.push(el('dl', { class: 'shequ-stats' },
      el('div', null, el('dt', { text: t('compounds_moved') }), el('dd', { text: num(c.compounds_moved), testid: 'compounds-moved' })),
      el('div', null, el('dt', { text: t('households_moved') }), el('dd', { text: num(c.households_moved), testid: 'households-moved' }))));
    if (c.moves.length) {
      parts.push(el('h4', { text: t('moves') }), el('table', { class: 'shequ-table', testid: 'moves' },
        el('tbody', null, c.moves.map((m) => el('tr', null,
          el('td', { text: m.name }), el('td', { class: 'shequ-num', text: num(m.households_total) }),
          el('td', { class: 'shequ-move', text: `${name(m.from)} → ${name(m.to)}` }))))));
    }
    const list = (key, ids) => ids.length && parts.push(el('h4', { text: t(key) }), el('p', { text: ids.map(name).join(t('list_sep')) }));
    list('created', c.communities_created);
    list('removed', c.communities_removed);
    if (c.communities_renamed.length) parts.push(el('h4', { text: t('renamed') }), el('ul', null, c.communities_renamed.map((r) => el('li', { text: `${r.from.trim() || t('consult_unnamed')} → ${r.to.trim() ? r.to : this._names(r.id)}` }))));
    const hh = c.households.filter((h) => h.before !== h.after);
    if (hh.length) {
      parts.push(el('h4', { text: t('households_change') }), el('table', { class: 'shequ-table', testid: 'households-change' },
        el('thead', null, el('tr', null, el('th', { text: t('community') }), el('th', { class: 'shequ-num', text: t('before') }), el('th', { class: 'shequ-num', text: t('after') }), el('th', { class: 'shequ-num', text: t('change') }))),
        el('tbody', null, hh.map((h) => {
        const d = h.after - h.before;
        return el('tr', null, el('td', { text: name(h.id) }), el('td', { class: 'shequ-num', text: num(h.before) }), el('td', { class: 'shequ-num', text: num(h.after) }),
          el('td', { class: 'shequ-num ' + (d > 0 ? 'shequ-up' : 'shequ-down'), text: (d > 0 ? '+' : '') + num(d) }));
      }))));
    }
    this.el.replaceChildren(...parts);
  }
}
