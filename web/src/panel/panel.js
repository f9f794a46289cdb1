// The side panel: plan totals, then tabs for the household balance, the
// findings, the comparison and the selected community.
import { el, fill, setText } from '../dom.js';
import { num, t } from '../i18n.js';
import { Balance } from './balance.js';
import { Findings } from './findings.js';
import { Compare } from './compare.js';
import { Detail } from './detail.js';

const TABS = ['balance', 'findings', 'compare', 'detail'];

export class Panel {
  constructor(ctx, parent) {
    this._ctx = ctx;
    this.balance = new Balance(ctx);
    this.findings = new Findings(ctx);
    this.compare = new Compare(ctx);
    this.detail = new Detail(ctx);
    this._totals = el('div', { class: 'shequ-totals', testid: 'totals' });
    this._tabs = el('div', { class: 'shequ-tabs', role: 'tablist' });
    this._buttons = {};
    this._bodies = {};
    this.tab = 'balance';
    const bodies = [];
    for (const id of TABS) {
      const badge = el('span', { class: 'shequ-tab-badge' });
      const label = el('span');
      const b = el('button', { class: 'shequ-tab', role: 'tab', id: 'shequ-tab-' + id, 'aria-controls': 'shequ-tabpanel-' + id, testid: 'tab-' + id, onclick: () => this.show(id), onkeydown: (e) => this._tabKey(e) }, label, badge);
      this._buttons[id] = { b, label, badge };
      this._tabs.append(b);
      const body = el('div', { class: 'shequ-tabpanel', role: 'tabpanel', id: 'shequ-tabpanel-' + id, 'aria-labelledby': 'shequ-tab-' + id, testid: 'tabpanel-' + id, tabindex: 0 }, this[this._part(id)].el);
      this._bodies[id] = body;
      bodies.push(body);
    }
    this.el = el('aside', { class: 'shequ-panel', testid: 'panel' }, this._totals, this._tabs, ...bodies);
    parent.append(this.el);
    this.show('balance');
  }

  _part(id) {
    return id;
  }

  _tabKey(e) {
    const i = TABS.indexOf(this.tab);
    const next = e.key === 'ArrowRight' ? TABS[(i + 1) % TABS.length] : e.key === 'ArrowLeft' ? TABS[(i + TABS.length - 1) % TABS.length] : null;
    if (next) {
      e.preventDefault();
      this.show(next);
      this._buttons[next].b.focus();
    }
  }

  show(id) {
    this.tab = id;
    for (const x of TABS) {
      const on = x === id;
      this._buttons[x].b.setAttribute('aria-selected', String(on));
      this._buttons[x].b.tabIndex = on ? 0 : -1;
      this._bodies[x].hidden = !on;
    }
    if (id === 'compare' && this.compare.dirty) this.compare.render();
    if (id === 'detail' && this._detailDirty) {
      this._detailDirty = false;
      this.detail.update(null);
    }
  }

  render() {
    this._el_labels();
    this._renderTotals();
    this.balance.render();
    this.findings.render();
    this.compare.render();
    this.detail.render();
    this._badges();
  }

  update(changes) {
    this._renderTotals();
    this.balance.update(changes);
    this.findings.update(changes);
    this.compare.dirty = true;
    if (this.tab === 'compare') this.compare.render();
    // The detail re-renders only when seen (during a drag it would every frame).
    if (this.tab === 'detail') this.detail.update(changes);
    else this._detailDirty = true;
    this._badges();
  }

  select() {
    this.balance.select();
    this.detail.update(null);
  }

  _el_labels() {
    for (const id of TABS) setText(this._buttons[id].label, t('tab_' + id));
    this.el.setAttribute('aria-label', t('panel_label'));
  }

  _badges() {
    const tot = this._ctx.state.totals;
    setText(this._buttons.findings.badge, tot ? String(tot.errors + tot.warnings) : '');
    this._buttons.findings.badge.dataset.severity = tot?.errors ? 'error' : tot?.warnings ? 'warning' : 'ok';
    const moved = this._ctx.state.comparison?.compounds_moved;
    setText(this._buttons.compare.badge, moved ? String(moved) : '');
  }

  _renderTotals() {
    const tot = this._ctx.state.totals;
    if (!tot) return this._totals.replaceChildren();
    const stat = (value, label, testid, cls) => el('div', { class: 'shequ-total ' + (cls ?? '') }, el('strong', { text: value, testid }), el('span', { text: label }));
    fill(this._totals, 
      stat(num(tot.communities), t('totals_communities'), 'total-communities'),
      stat(num(tot.households_total), t('totals_households'), 'total-households'),
      stat(`${num(tot.in_band)}/${num(tot.communities)}`, t('totals_in_band'), 'total-in-band'),
      stat(num(tot.errors), t('totals_errors'), 'total-errors', tot.errors ? 'shequ-total-error' : ''),
      stat(num(tot.warnings), t('totals_warnings'), 'total-warnings', tot.warnings ? 'shequ-total-warning' : ''),
      tot.unassigned_compounds ? el('p', { class: 'shequ-unassigned', testid: 'total-unassigned', text: t('totals_unassigned', { n: num(tot.unassigned_compounds), h: num(tot.unassigned_households) }) }) : null,
    );
  }
}
