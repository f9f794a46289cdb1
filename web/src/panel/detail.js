// The selected community (metrics, compounds, grid cells, findings, staffing,
// properties form, merge/split/delete) or the selected service centre.
import { el, fill } from '../dom.js';
import { num, pick, shownName, t } from '../i18n.js';
import { STATUS_SYMBOL } from '../map/styles.js';
import { centerForm, communityForm } from '../edit/forms.js';
import { findingExtras } from './findings.js';

export class Detail {
  constructor(ctx) {
    this._ctx = ctx;
    this._info = el('div', { class: 'shequ-detail-info' });
    this._form = el('div', { class: 'shequ-detail-form' });
    this.el = el('div', { class: 'shequ-detail', testid: 'detail' }, this._info, this._form);
    this._shown = null;
    this._dirty = false;
  }

  render() {
    this._shown = null;
    this.update(null);
  }

  update(changes) {
    const { communities, state } = this._ctx;
    const sel = this._ctx.selectedCenter ? 'center:' + this._ctx.selectedCenter : communities.selected;
    const selChanged = sel !== this._shown;
    if (!selChanged && changes && !changes.reports.has(sel) && !changes.removed.includes(sel)) return;
    this._shown = sel;
    if (selChanged && this.el.parentElement) this.el.parentElement.scrollTop = 0;
    if (this._ctx.selectedCenter) return this._center(this._ctx.selectedCenter, selChanged);
    const c = sel && state.communities.get(sel);
    if (!c) {
      fill(this._info, el('p', { class: 'shequ-muted', text: t('detail_none'), testid: 'detail-none' }));
      this._form.replaceChildren();
      return;
    }
    this._community(c);
    if (this._ctx.options.editable && (selChanged || !this._dirty || changes?.committed)) {
      this._dirty = false;
      fill(this._form, communityForm(this._ctx, c.id, this._props(c), () => { this._dirty = true; }), this._actions(c));
    } else if (!this._ctx.options.editable) this._form.replaceChildren();
  }

  _props(c) {
    const f = this._ctx.state.communityProps?.(c.id) ?? {};
    return {
      name: c.name, kind: c.kind,
      committee_size: c.staffing.committee_size, full_time_staff: c.staffing.full_time_staff,
      committees: f.committees ?? null, service_center: f.service_center ?? null,
    };
  }

  _community(c) {
    const { state } = this._ctx;
    const row = (k, v, testid) => el('div', null, el('dt', { text: k }), el('dd', { text: v, testid }));
    const km2 = c.area_m2 / 1e6;
    const s = c.staffing;
    const findings = state.findingsOf(c.id);
    // Open findings first; deviations explained with a reason apart (not counted as open).
    const open = findings.filter((f) => !f.explained), explained = findings.filter((f) => f.explained);
    const dist = c.center_distance_mean_m == null ? t('unknown') : `${num(c.center_distance_mean_m)} / ${num(c.center_distance_max_m)} m`;
    fill(this._info, 
      el('header', { class: 'shequ-detail-head', dataset: { status: c.status } },
        el('span', { class: 'shequ-status-sym', text: STATUS_SYMBOL[c.status], 'aria-hidden': 'true' }),
        el('h2', { text: shownName(c), testid: 'detail-name' }),
        el('span', { class: 'shequ-chip', text: t('status_' + c.status) })),
      el('p', { class: 'shequ-detail-hh' }, el('strong', { text: num(c.households_total), testid: 'detail-households' }), ' ', t('hh_long', { n: '' }).trim(),
        el('span', { class: 'shequ-muted', text: ' · ' + t('band_of', { min: num(c.band.target_min), max: num(c.band.target_max) }) + ' · ' + t('kind_' + c.kind) })),
      el('dl', { class: 'shequ-metrics' },
        row(t('households'), num(c.households)),
        row(t('planned_households'), num(c.planned_households)),
        row(t('area'), t('km2', { n: num(km2, 2) })),
        row(t('perimeter'), t('m', { n: num(c.perimeter_m) })),
        row(t('compactness'), num(c.polsby_popper, 2)),
        row(t('parts'), num(c.parts)),
        row(t('barrier_share'), t('pct', { n: num(c.barrier_share * 100) })),
        row(t('center_distance'), dist),
        c.share_beyond_radius != null ? row(t('beyond_radius'), t('pct', { n: num(c.share_beyond_radius * 100) })) : null),
      this._ctx.docs?.sizhi(c), // 四至 and the print button (web/src/docs/)
      el('h3', { text: t('staffing') }),
      el('dl', { class: 'shequ-metrics' },
        row(t('committee_range', { min: s.committee_min, max: s.committee_max }), s.committee_size == null ? t('unknown') : num(s.committee_size)),
        row(t('full_time_staff', { n: s.full_time_staff_recommended }), s.full_time_staff == null ? t('unknown') : num(s.full_time_staff)),
        row(t('grid_workers'), num(s.grid_workers_recommended))),
      open.length ? el('h3', { text: t('findings_here') }) : null,
      open.length ? el('ul', { class: 'shequ-finding-list', testid: 'detail-findings' }, open.map((f) => this._finding(f))) : null,
      explained.length ? el('h3', { text: t('severity_explained') }) : null,
      explained.length ? el('ul', { class: 'shequ-finding-list', testid: 'detail-explained', dataset: { severity: 'explained' } }, explained.map((f) => this._finding(f))) : null,
      el('h3', { text: t('neighbours') }),
      el('p', { class: 'shequ-chips' }, c.neighbours.map((n) => el('button', { class: 'shequ-chip shequ-chip-button', text: `${state.name(n.id)} · ${num(n.shared_m)} m`, onclick: () => this._ctx.select(n.id) }))),
      el('h3', { text: t('compounds_list', { n: c.compounds.length }) }),
      el('table', { class: 'shequ-table', testid: 'detail-compounds' }, el('tbody', null, c.compounds.map((id) =>
        el('tr', null, el('td', { text: state.compoundName(id) }), el('td', { class: 'shequ-num', text: num(state.compoundHouseholds(id)) }))))),
      el('h3', { text: t('grid_list', { n: c.grid_cells.length }) }),
      el('p', { class: 'shequ-chips' }, c.grid_cells.map((g) => el('span', { class: 'shequ-chip' + (c.grid_cells_cut.includes(g) ? ' shequ-chip-warn' : ''), text: g + (c.grid_cells_cut.includes(g) ? ' · ' + t('grid_cut') : '') }))),
      this._ctx.docs?.tracker(c), // the procedure tracker (web/src/docs/)
    );
  }

  _finding(f) {
    return el('li', { class: 'shequ-finding', dataset: { severity: f.explained ? 'explained' : f.severity, code: f.code }, testid: 'detail-finding-' + f.id },
      el('button', { class: 'shequ-finding-button', onclick: () => this._ctx.showFinding(f) }, el('span', { class: 'shequ-finding-msg', text: pick(f, 'message') })),
      findingExtras(this._ctx, f, 'detail-'));
  }

  _actions(c) {
    const ctx = this._ctx, { state } = ctx;
    const pickN = el('select', { testid: 'merge-select', 'aria-label': t('merge_pick') }, c.neighbours.map((n) => el('option', { value: n.id, text: state.name(n.id) })));
    // Suggest (adjust/, loaded on first use) for a community outside its scale; locks kept by the component.
    const scale = state.findingsOf(c.id).some((f) => /^scale\.(too_|split_r|below_t)/.test(f.code));
    return el('div', { class: 'shequ-actions' },
      el('div', { class: 'shequ-field-row' },
        scale ? el('button', { class: 'shequ-btn', text: t('suggest_open'), testid: 'suggest-button', onclick: () => ctx.adjust('suggest', c.id) }) : null,
        el('label', { class: 'shequ-check' }, el('input', { type: 'checkbox', testid: 'lock-community', checked: ctx.locked.has(c.id), onchange: (e) => ctx.adjust('lock', c.id, e.target.checked) }), t('lock_community'))),
      el('div', { class: 'shequ-field-row' }, pickN,
        el('button', { class: 'shequ-btn', text: t('merge_into_this'), testid: 'merge-button', disabled: !c.neighbours.length, onclick: () => pickN.value && this._ctx.edit('merge', c.id, pickN.value) })),
      el('div', { class: 'shequ-field-row' },
        el('button', { class: 'shequ-btn', text: t('split_this'), testid: 'split-button', onclick: () => this._ctx.setTool('split') }),
        el('button', { class: 'shequ-btn shequ-btn-danger', text: t('delete_community'), testid: 'delete-community', onclick: () => this._ctx.deleteCommunity(c.id) })));
  }

  _center(id, selChanged) {
    const f = this._ctx.state.features.service_center.get(id);
    const p = f?.properties ?? {};
    fill(this._info, el('header', { class: 'shequ-detail-head' }, el('span', { class: 'shequ-center-sym', 'aria-hidden': 'true' }), el('h2', { text: p.name ?? id, testid: 'detail-name' }), el('span', { class: 'shequ-chip', text: t('center') })),
      el('p', { class: 'shequ-muted', text: (p.services ?? []).map((s) => t('s_' + s)).join(t('list_sep')) }));
    if (this._ctx.options.editable && selChanged) fill(this._form, centerForm(this._ctx, id, p));
  }
}
