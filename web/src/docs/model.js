// What the official documents say, as data: the 四至 (engine's, with the
// planner's override), the procedure of section 四 of the plan with its
// checklist, and the plan-wide summary rows (shared by the printed table,
// the CSV and the sheets). No DOM here.
import { tIn } from '../i18n.js';

export const SIDES = ['east', 'south', 'west', 'north'];
const ZH = { east: '东至', south: '南至', west: '西至', north: '北至' };
const EN = { east: 'East', south: 'south', west: 'west', north: 'north' };

/**
 * The procedure of 调整程序 (section 四 of the Yangzhou 2022 plan): five
 * stages, each with the checklist the text asks for. `farmland`: only for
 * 涉农社区 (communities with collective farmland).
 */
export const STAGES = [
  { key: 'research', items: ['survey', 'consult', 'assets', 'disputes', 'risk'] },
  { key: 'draft', items: ['boundary', 'name', 'center', 'staffing'] },
  { key: 'review', items: ['submit', 'departments', 'final'] },
  { key: 'request', items: ['request', 'approved', 'filed'] },
  { key: 'formalities', items: ['elections', 'representatives', 'credit_code'] },
];
export const FARMLAND_ONLY = new Set(['research.assets']);

/** Every item key ('research.consult', …) in order. */
export const ITEMS = STAGES.flatMap((s) => s.items.map((i) => s.key + '.' + i));

/** The community's `procedure` property, read defensively (it comes from files). */
export function procedureOf(props) {
  const p = props?.procedure;
  const out = { farmland: false, done: new Set() };
  if (!p || typeof p !== 'object' || Array.isArray(p)) return out;
  out.farmland = p.farmland === true;
  for (const k of ITEMS) if (p[k] === true) out.done.add(k);
  return out;
}

/** The items that apply to a community (the collective-assets item only with farmland). */
export function applicable(proc) {
  return ITEMS.filter((k) => proc.farmland || !FARMLAND_ONLY.has(k));
}

/** {done, total, stage}: stage is the first stage with an open item, or null when all are done. */
export function progress(proc) {
  const items = applicable(proc);
  const done = items.filter((k) => proc.done.has(k)).length;
  const open = STAGES.find((s) => s.items.some((i) => items.includes(s.key + '.' + i) && !proc.done.has(s.key + '.' + i)));
  return { done, total: items.length, stage: open?.key ?? null };
}

/** The `procedure` property after ticking (or unticking) one item, or setting farmland. */
export function withItem(proc, key, on) {
  const next = {};
  if (proc.farmland) next.farmland = true;
  for (const k of ITEMS) if (proc.done.has(k)) next[k] = true;
  if (key === 'farmland') {
    if (on) next.farmland = true;
    else delete next.farmland;
  } else if (on) next[key] = true;
  else delete next[key];
  return next;
}

/** Splits the engine's `text_zh` ("东至…，南至…，西至…，北至…") into its four sides. */
export function splitZh(text) {
  return splitBy(text, SIDES.map((s, i) => (i ? '，' : '') + ZH[s]));
}

/** Splits the engine's `text_en` ("East: …; south: …; west: …; north: ….") into its four sides. */
export function splitEn(text) {
  const parts = splitBy(String(text ?? '').replace(/\.$/, ''), SIDES.map((s, i) => (i ? '; ' : '') + EN[s] + ': '));
  return parts;
}

function splitBy(text, marks) {
  const out = {};
  let at = String(text ?? '').indexOf(marks[0]);
  if (at < 0) return null;
  at += marks[0].length;
  for (let i = 0; i < 4; i++) {
    const end = i < 3 ? text.indexOf(marks[i + 1], at) : text.length;
    if (end < 0) return null;
    out[SIDES[i]] = text.slice(at, end);
    at = end + (i < 3 ? marks[i + 1].length : 0);
  }
  return out;
}

/** The community's `sizhi` override: only non-empty strings count. */
export function overrideOf(props) {
  const s = props?.sizhi;
  const out = {};
  if (!s || typeof s !== 'object' || Array.isArray(s)) return out;
  for (const k of SIDES) if (typeof s[k] === 'string' && s[k].trim()) out[k] = s[k].trim().slice(0, 200);
  return out;
}

/**
 * The 四至 to show: per side the override or the engine's words, and the
 * whole sentence. `engine` is `Engine.sizhi(id)` (or null if it failed).
 * {sides: {east: {zh, en, overridden}}, zh, en, overridden: bool}
 */
export function sizhiText(engine, props) {
  const o = overrideOf(props);
  const zh = (engine && splitZh(engine.text_zh)) ?? {};
  const en = (engine && splitEn(engine.text_en)) ?? {};
  const sides = {};
  for (const k of SIDES) {
    const over = k in o;
    sides[k] = { zh: over ? o[k] : zh[k] ?? '', en: over ? o[k] : en[k] ?? '', engine_zh: zh[k] ?? '', engine_en: en[k] ?? '', overridden: over };
  }
  const overridden = Object.keys(o).length > 0;
  const none = (lang) => tIn(lang, 'sizhi_none');
  return {
    sides, overridden,
    // Untouched, the sentence is exactly the engine's.
    zh: !overridden && engine ? engine.text_zh : SIDES.map((k) => ZH[k] + (sides[k].zh || none('zh'))).join('，'),
    en: !overridden && engine ? engine.text_en : SIDES.map((k) => EN[k] + ': ' + (sides[k].en || none('en'))).join('; ') + '.',
  };
}

/** Households before (as first loaded; null for a new community) and after. */
export function householdsBeforeAfter(state, c) {
  const cmp = state.comparison;
  const after = c.households_total;
  if (!cmp) return { before: after, after };
  if (cmp.communities_created?.includes(c.id)) return { before: null, after };
  const ch = cmp.households?.find((h) => h.id === c.id);
  return { before: ch ? ch.before : after, after };
}

/**
 * Findings of a community: the open ones (`all`, with the naming and facility
 * ones apart) and the deviations explained with a reason (`explained`).
 */
export function findingsFor(state, id) {
  const list = state.findingsOf(id);
  const all = list.filter((f) => !f.explained);
  return { naming: all.filter((f) => f.code.startsWith('plan.')), facility: all.filter((f) => f.code.startsWith('facility.')), all, explained: list.filter((f) => f.explained) };
}

/** Open findings of each severity and the explained ones, as the report's totals count them. */
export function findingCounts(list) {
  const n = { errors: 0, warnings: 0, infos: 0, explained: 0 };
  for (const f of list) n[f.explained ? 'explained' : f.severity === 'error' ? 'errors' : f.severity === 'warning' ? 'warnings' : 'infos']++;
  return n;
}

/** The summary columns: [key, header zh, header en]. */
export const COLUMNS = [
  ['id', '编号', 'id'], ['name', '名称', 'name'], ['kind', '类型', 'kind'],
  ['before', '调整前户数', 'households before'], ['after', '调整后户数', 'households after'],
  ['band', '目标户数', 'target band'], ['area_km2', '面积(km²)', 'area (km²)'],
  ['compounds', '小区数', 'compounds'], ['grid_cells', '网格数', 'grid cells'],
  ['sizhi', '四至', 'boundaries (sizhi)'], ['center', '党群服务中心', 'service centre'], ['floor_area', '用房面积(m²)', 'floor area (m²)'],
  ['committee', '两委人数', 'committee'], ['committee_range', '两委职数', 'committee range'],
  ['staff', '专职人员', 'full-time staff'], ['staff_recommended', '建议专职人员', 'recommended staff'], ['grid_workers', '建议网格员', 'recommended grid workers'],
  ['errors', '错误', 'errors'], ['warnings', '警告', 'warnings'], ['infos', '建议', 'suggestions'], ['explained', '已说明', 'explained'], ['status', '状态', 'status'],
  ['procedure', '调整程序', 'procedure'], ['stage', '当前阶段', 'current stage'],
];

/**
 * One row per community, in plan order: values keyed by COLUMNS, numbers as
 * numbers. `sizhiOf(id)` gives the engine's 四至 (or null).
 */
export function summaryRows(state, sizhiOf, lang = 'zh') {
  return state.list().map((c) => {
    const props = state.communityProps(c.id);
    const { before, after } = householdsBeforeAfter(state, c);
    const n = findingCounts(state.findingsOf(c.id));
    const center = props.service_center ? state.features.service_center.get(props.service_center)?.properties ?? null : null;
    const proc = procedureOf(props);
    const p = progress(proc);
    const s = c.staffing;
    return {
      id: c.id, name: c.name, kind: tIn(lang, 'kind_' + c.kind),
      before, after, band: `${c.band.target_min}-${c.band.target_max}`,
      area_km2: Math.round(c.area_m2 / 1e4) / 100,
      compounds: c.compounds.length, grid_cells: c.grid_cells.length,
      sizhi: sizhiText(sizhiOf(c.id), props)[lang],
      center: center ? String(center.name ?? props.service_center) : props.service_center ?? '',
      floor_area: typeof center?.floor_area_m2 === 'number' ? center.floor_area_m2 : null,
      committee: s.committee_size, committee_range: `${s.committee_min}-${s.committee_max}`,
      staff: s.full_time_staff, staff_recommended: s.full_time_staff_recommended, grid_workers: s.grid_workers_recommended,
      errors: n.errors, warnings: n.warnings, infos: n.infos, explained: n.explained,
      status: tIn(lang, 'status_' + c.status),
      procedure: `${p.done}/${p.total}`, stage: p.stage ? tIn(lang, 'proc_' + p.stage) : tIn(lang, 'proc_complete'),
    };
  });
}

/** CSV text (RFC 4180, CRLF) with a UTF-8 byte-order mark so that Excel reads Chinese. */
export function toCsv(rows, lang = 'zh') {
  const cell = (v) => {
    if (v == null) return '';
    const s = String(v);
    // A leading =, +, - or @ would be a formula in Excel: quote it as text.
    const safe = /^[=+\-@]/.test(s) && typeof v !== 'number' ? "'" + s : s;
    return /[",\r\n]/.test(safe) ? '"' + safe.replace(/"/g, '""') + '"' : safe;
  };
  const head = COLUMNS.map(([, zh, en]) => (lang === 'en' ? en : `${zh} ${en}`));
  const lines = [head.map(cell).join(',')];
  for (const r of rows) lines.push(COLUMNS.map(([k]) => cell(r[k])).join(','));
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
