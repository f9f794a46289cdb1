// The side panel: plan totals, then tabs for the household balance, the
// findings, the comparison and the selected community.
import { el, fill, setText } from '../dom.js';
import { num, t } from '../i18n.js';
import { Balance } from './balance.js';
import { Findings } from './findings.js';
import { Compare } from './compare.js';
import { Detail } from './detail.js';

const TABS = ['balance', 'findings', 'compare', 'detail'];
const DEFER_MS = 150;

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
    // As the WAI-ARIA tabs pattern: arrows move round, Home and End to the first and last tab.
    const next = { ArrowRight: TABS[(i + 1) % TABS.length], ArrowLeft: TABS[(i + TABS.length - 1) % TABS.length], Home: TABS[0], End: TABS.at(-1) }[e.key];
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
    this._badges();
    // The comparison and the detail re-render only when seen, and during a
    // drag at most every DEFER_MS (each would rebuild its whole table).
    if (changes.drag) {
      this._detailPending ||= this._ctx.communities.selected != null && changes.reports.has(this._ctx.communities.selected);
      this._deferred ??= setTimeout(() => this._flushDeferred(), DEFER_MS);
      return;
    }
    clearTimeout(this._deferred);
    this._deferred = null;
    this._detailPending = false;
    if (this.tab === 'compare') this.compare.render();
    if (this.tab === 'detail') this.detail.update(changes);
    else this._detailDirty = true;
  }

  _flushDeferred() {
    this._deferred = null;
    if (this.tab === 'compare' && this.compare.dirty) this.compare.render();
    if (!this._detailPending) return;
    this._detailPending = false;
    if (this.tab === 'detail') this.detail.update({ reports: new Set([this._ctx.communities.selected]), removed: [] });
    else this._detailDirty = true;
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

  /** The totals: built once, then only their texts change. */
  _renderTotals() {
    const tot = this._ctx.state.totals;
    if (!tot) {
      this._tot = null;
      return this._totals.replaceChildren();
    }
    if (!this._tot) {
      const stat = (testid) => {
        const value = el('strong', { testid });
        const label = el('span');
        return { box: el('div', { class: 'shequ-total' }, value, label), value, label };
      };
      this._tot = {
        communities: stat('total-communities'), households: stat('total-households'), in_band: stat('total-in-band'),
        errors: stat('total-errors'), warnings: stat('total-warnings'),
        // Suggestions and the deviations explained with a reason, on a line of their own.
        infos: stat('total-infos'), explained: stat('total-explained'),
        unassigned: el('p', { class: 'shequ-unassigned', testid: 'total-unassigned' }),
      };
      const x = this._tot;
      x.more = el('div', { class: 'shequ-totals-more' }, x.infos.box, x.explained.box);
      fill(this._totals, x.communities.box, x.households.box, x.in_band.box, x.errors.box, x.warnings.box, x.more);
    }
    const x = this._tot;
    const set = (s, value, label, cls = '') => {
      setText(s.value, value);
      setText(s.label, label);
      const c = 'shequ-total' + (cls ? ' ' + cls : '');
      if (s.box.className !== c) s.box.className = c;
    };
    set(x.communities, num(tot.communities), t('totals_communities'));
    set(x.households, num(tot.households_total), t('totals_households'));
    set(x.in_band, `${num(tot.in_band)}/${num(tot.communities)}`, t('totals_in_band'));
    set(x.errors, num(tot.errors), t('totals_errors'), tot.errors ? 'shequ-total-error' : '');
    set(x.warnings, num(tot.warnings), t('totals_warnings'), tot.warnings ? 'shequ-total-warning' : '');
    set(x.infos, num(tot.infos), t('severity_info'), 'shequ-total-small');
    set(x.explained, num(tot.explained ?? 0), t('severity_explained'), 'shequ-total-small' + (tot.explained ? ' shequ-total-explained' : ''));
    if (tot.unassigned_compounds) {
      setText(x.unassigned, t('totals_unassigned', { n: num(tot.unassigned_compounds), h: num(tot.unassigned_households) }));
      if (x.unassigned.parentNode !== this._totals) this._totals.append(x.unassigned);
    } else if (x.unassigned.parentNode === this._totals) x.unassigned.remove();
  }
}
