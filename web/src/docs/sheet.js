// 一社区一方案: one print-ready A4 sheet per community (section 四(二) of the
// plan asks each community's plan to state its boundary, name, service-centre
// site and 两委/staffing), and the plan-wide summary table. Shown as a
// full-window preview above the page; the browser prints it (to PDF) with
// one page per community (docs.css, @media print), each with the plan's
// sign-off and a footer naming the plan by its title (signoff.js); the
// summary prints on a landscape page of its own.
import { el, fill } from '../dom.js';
import { i18n, num, pick, t } from '../i18n.js';
import { refocus, trapTab } from '../ui/dialog.js';
import { COLUMNS, findingsFor, householdsBeforeAfter, summaryRows } from './model.js';
import { engineSizhi, sizhiFor } from './sizhi.js';
import { procedureSheet } from './procedure.js';
import { sheetMap } from './map.js';
import { sheetFooter, signoffBlock, signoffForm, signoffOf } from './signoff.js';
import '../i18n-rules.js';
import '../i18n-docs.js';

const SEVERITY_MARK = { error: '✕', warning: '!', info: 'i', explained: '✓' };
const SEVERITY_WORD = { error: 'status_error', warning: 'status_warning', info: 'sev_info', explained: 'severity_explained' }; // 错误, 警告, 建议, 已说明

function row(label, value, testid) {
  return el('tr', null, el('th', { scope: 'row', text: label }), el('td', { text: value, testid }));
}

/** Findings with their severity named (错误 / 警告 / 建议), or, explained, with the reason. */
function findingList(list, testid, emptyText) {
  if (!list.length) return el('p', { class: 'shequ-sheet-none', testid, text: emptyText });
  return el('ul', { class: 'shequ-sheet-findings', testid }, list.map((f) => {
    const s = f.explained ? 'explained' : SEVERITY_MARK[f.severity] ? f.severity : 'info';
    return el('li', { dataset: { severity: s, code: f.code } },
      el('span', { class: 'shequ-sheet-sev', text: SEVERITY_MARK[s] }), ' ',
      el('strong', { class: 'shequ-sheet-sev-word', text: t(SEVERITY_WORD[s]) }), ' ', pick(f, 'message'),
      f.explained ? el('span', { class: 'shequ-sheet-reason', testid: 'sheet-reason', text: t('explained_reason', { reason: f.explained.reason }) }) : null);
  }));
}

/** The sheet of community `id`; `signoff`: the plan's sign-off (signoffOf), read once for all sheets. */
export function communitySheet(ctx, id, signoff = signoffOf(ctx)) {
  const { state } = ctx;
  const c = state.communities.get(id);
  if (!c) return null;
  const lang = i18n.lang;
  const sep = lang === 'en' ? ', ' : '、';
  const props = state.communityProps(id);
  const s = sizhiFor(ctx, id);
  const engine = engineSizhi(ctx, id);
  const { before, after } = householdsBeforeAfter(state, c);
  const f = findingsFor(state, id);
  const st = c.staffing;
  const centre = props.service_center ? state.features.service_center.get(props.service_center)?.properties ?? null : null;
  const services = Array.isArray(centre?.services) ? centre.services.map((x) => t('s_' + x)).join(sep) : '';
  const dist = c.center_distance_mean_m == null ? t('unknown') : t('sheet_distance', { mean: num(c.center_distance_mean_m), max: num(c.center_distance_max_m) });
  const delta = before == null ? t('sheet_new_community') : after - before === 0 ? t('sheet_unchanged') : (after > before ? '+' : '') + num(after - before);
  const sides = ['east', 'south', 'west', 'north'];
  const compoundText = c.compounds.map((k) => `${state.compoundName(k)} (${num(state.compoundHouseholds(k))})`).join(sep);
  const committees = Array.isArray(props.committees) ? props.committees.map((x) => t('c_' + x)).join(sep) : t('unknown');

  return el('section', { class: 'shequ-sheet', testid: 'sheet-' + id, dataset: { id } },
    el('header', { class: 'shequ-sheet-head shequ-sheet-head-row' },
      el('h1', null, el('span', { testid: 'sheet-name', text: c.name }), el('span', { class: 'shequ-sheet-id', text: ' · ' + c.id })),
      el('p', { class: 'shequ-sheet-kicker', text: t('sheet_kicker') })),
    el('div', { class: 'shequ-sheet-top' },
      sheetMap(ctx, id, engine, Object.fromEntries(sides.map((k) => [k, s.sides[k][lang]]))),
      el('div', null,
        el('h2', { text: t('sheet_s1') }),
        el('p', { class: 'shequ-sheet-sizhi', testid: 'sheet-sizhi', text: s[lang] }),
        s.overridden ? el('p', { class: 'shequ-sheet-note', text: t('sizhi_overridden') }) : null,
        el('table', { class: 'shequ-sheet-table' }, el('tbody', null,
          row(t('area'), t('km2', { n: num(c.area_m2 / 1e6, 2) })),
          row(t('barrier_share'), t('pct', { n: num(c.barrier_share * 100) })),
          row(t('parts'), num(c.parts)))),
        el('h2', { text: t('sheet_households') }),
        el('table', { class: 'shequ-sheet-table' }, el('tbody', null,
          row(t('sheet_before'), before == null ? '—' : num(before), 'sheet-before'),
          row(t('sheet_after'), num(after), 'sheet-after'),
          row(t('sheet_change'), delta),
          row(t('sheet_band'), t('sheet_band_value', { min: num(c.band.target_min), max: num(c.band.target_max) })))))),
    el('div', { class: 'shequ-sheet-cols' },
      el('div', null,
        el('h2', { text: t('sheet_s2') }),
        // The name and, on the same line when there is nothing to say, that its checks found nothing.
        el('div', { class: f.naming.length ? null : 'shequ-sheet-inline' },
          el('p', { class: 'shequ-sheet-strong', text: c.name }),
          findingList(f.naming, 'sheet-naming', t('sheet_naming_ok'))),
        el('h2', { text: t('sheet_s3') }),
        el('table', { class: 'shequ-sheet-table' }, el('tbody', null,
          row(t('sheet_center_name'), centre ? String(centre.name ?? props.service_center) : t('none'), 'sheet-center'),
          row(t('floor_area'), typeof centre?.floor_area_m2 === 'number' ? t('docs_m2', { n: num(centre.floor_area_m2) }) : t('unknown')),
          row(t('services'), services || t('unknown')),
          row(t('sheet_distance_label'), dist),
          c.share_beyond_radius != null ? row(t('sheet_beyond_label'), t('pct', { n: num(c.share_beyond_radius * 100) })) : null))),
      el('div', null,
        el('h2', { text: t('sheet_s4') }),
        el('table', { class: 'shequ-sheet-table' }, el('tbody', null,
          row(t('committee_range', { min: st.committee_min, max: st.committee_max }), st.committee_size == null ? t('unknown') : num(st.committee_size), 'sheet-committee'),
          row(t('full_time_staff', { n: st.full_time_staff_recommended }), st.full_time_staff == null ? t('unknown') : num(st.full_time_staff), 'sheet-staff'),
          row(t('grid_workers'), num(st.grid_workers_recommended)),
          row(t('committees'), committees))))),
    el('h2', { text: t('sheet_findings', { n: f.all.length }) }),
    findingList(f.all, 'sheet-findings', t('sheet_no_findings')),
    f.explained.length ? el('h2', { text: t('sheet_explained', { n: f.explained.length }) }) : null,
    f.explained.length ? findingList(f.explained, 'sheet-explained') : null,
    el('h2', { text: t('compounds_list', { n: c.compounds.length }) }),
    el('p', { class: 'shequ-sheet-list', testid: 'sheet-compounds', text: compoundText || t('none') }),
    el('h2', { text: t('grid_list', { n: c.grid_cells.length }) }),
    el('p', { class: 'shequ-sheet-list', testid: 'sheet-grid', text: c.grid_cells.map((g) => g + (c.grid_cells_cut.includes(g) ? ` (${t('grid_cut')})` : '')).join(sep) || t('none') }),
    el('h2', { text: t('procedure') }),
    procedureSheet(ctx, id),
    signoffBlock(ctx, signoff, sheetFooter(ctx)));
}

/** The plan-wide summary table (a page of its own, or more for a long plan). */
export function summarySheet(ctx) {
  const lang = i18n.lang;
  const rows = summaryRows(ctx.state, (id) => engineSizhi(ctx, id), lang);
  const cols = COLUMNS.filter(([k]) => !['kind', 'band', 'committee_range', 'grid_workers', 'stage'].includes(k));
  const t0 = ctx.state.totals;
  return el('section', { class: 'shequ-sheet shequ-sheet-summary', testid: 'sheet-summary' },
    el('header', { class: 'shequ-sheet-head' },
      el('p', { class: 'shequ-sheet-kicker', text: t('sheet_kicker') }),
      el('h1', { text: t('summary_title') }),
      el('p', { class: 'shequ-sheet-meta', text: t('summary_meta', { n: num(t0.communities), hh: num(t0.households_total), e: num(t0.errors), w: num(t0.warnings), i: num(t0.infos), x: num(t0.explained ?? 0) }) })),
    el('table', { class: 'shequ-sheet-grid', testid: 'summary-table' },
      el('thead', null, el('tr', null, cols.map(([k, zh, en]) => el('th', { scope: 'col', dataset: { col: k } }, el('span', { text: lang === 'en' ? en[0].toUpperCase() + en.slice(1) : zh }))))),
      el('tbody', null, rows.map((r) => el('tr', { dataset: { id: r.id } }, cols.map(([k]) => el('td', {
        class: typeof r[k] === 'number' ? 'shequ-num' : null, dataset: { col: k },
        // An unnamed community as the page names it, not a blank.
        text: k === 'name' ? ctx.state.name(r.id) : r[k] == null ? '—' : typeof r[k] === 'number' ? num(r[k], k === 'area_km2' ? 2 : 0) : r[k],
      })))))),
    sheetFooter(ctx));
}

let open = null;

/**
 * Opens the sheets of `ids` (in plan order; all communities when omitted,
 * with the summary table first) in the print preview.
 */
export function openSheets(ctx, ids, { summary = !ids } = {}) {
  closeSheets();
  const list = (ids ?? ctx.state.order).filter((id) => ctx.state.communities.has(id));
  const pages = el('div', { class: 'shequ-sheets-pages' });
  const draw = () => {
    const signoff = signoffOf(ctx);
    fill(pages, summary ? summarySheet(ctx) : null, list.map((id) => communitySheet(ctx, id, signoff)));
  };
  // The sign-off, entered here: saved with the plan, the sheets drawn again with it.
  const formSlot = el('div', { class: 'shequ-sheets-formslot' });
  const signoffButton = el('button', {
    type: 'button', class: 'shequ-btn', text: t('signoff_edit'), title: t('signoff_edit_title'), testid: 'sheets-signoff',
    'aria-expanded': 'false', disabled: !!ctx.consult?.readOnly,
    onclick: () => (formSlot.firstChild ? closeForm() : openForm()),
  });
  const closeForm = (focus = true) => {
    fill(formSlot);
    signoffButton.setAttribute('aria-expanded', 'false');
    if (focus) signoffButton.focus();
  };
  const openForm = () => {
    fill(formSlot, signoffForm(ctx, { onSaved: () => { closeForm(); draw(); }, onCancel: () => closeForm() }));
    signoffButton.setAttribute('aria-expanded', 'true');
    formSlot.querySelector('input')?.focus();
  };
  const bar = el('div', { class: 'shequ-sheets-bar', role: 'toolbar', 'aria-label': t('sheets_title') },
    el('strong', { text: t('sheets_title') }),
    el('span', { class: 'shequ-sheets-count', testid: 'sheets-count', text: t('sheets_count', { n: list.length }) }),
    el('span', { class: 'shequ-sheets-spacer' }),
    signoffButton,
    el('button', { class: 'shequ-btn shequ-btn-primary', text: t('docs_print'), testid: 'sheets-print', onclick: () => window.print() }),
    el('button', { class: 'shequ-btn', text: t('close'), testid: 'sheets-close', onclick: () => closeSheets() }));
  const root = el('div', { class: 'shequ-docs', testid: 'sheets', role: 'dialog', 'aria-modal': 'true', 'aria-label': t('sheets_title'), lang: i18n.lang === 'en' ? 'en' : 'zh-CN' }, el('div', { class: 'shequ-sheets-head' }, bar, formSlot), pages);
  draw();
  document.body.append(root);
  document.documentElement.classList.add('shequ-printing');
  // Esc closes the sign-off form if it is open, else the preview; Tab goes round inside (a modal dialog).
  const onKey = (e) => {
    if (e.key === 'Tab') trapTab(root, e);
    if (e.key !== 'Escape') return;
    e.stopPropagation();
    if (formSlot.firstChild) closeForm();
    else closeSheets();
  };
  document.addEventListener('keydown', onKey, true);
  open = { root, onKey, focus: document.activeElement };
  bar.querySelector('[data-testid="sheets-print"]').focus();
  return root;
}

export function closeSheets() {
  if (!open) return;
  open.root.remove();
  document.removeEventListener('keydown', open.onKey, true);
  document.documentElement.classList.remove('shequ-printing');
  refocus(open.focus);
  open = null;
}
