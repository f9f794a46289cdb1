// Importing planners' data in the page: zipped or loose Shapefiles (in any
// coordinate system the importer knows) and households tables (CSV/XLSX),
// through crates/shequ-import-wasm (pkg-import/), which is fetched only when
// such a file arrives. The user checks the guesses in a dialog — the layer of
// each Shapefile layer, the column of each property, the coordinate system,
// the join key of a table — and the plan then loads through the component's
// own path: if anything fails, the current plan stays as it is. A households
// table picked with the Shapefiles goes into the import itself (the GIS
// office's compounds often have no households column): the importer joins it
// before checking the plan, and names in one problem the compounds it leaves
// without households. Which column is which is the importer's guess
// (crates/shequ-import/src/mapping.rs), never recomputed here.
import { el, fill } from '../dom.js';
import { addStrings, pick, t } from '../i18n.js';
import { dialog } from '../ui/dialog.js';
import { PLAN_LAYERS, problemList, showLoadError } from '../io.js';
import { isTrap } from '../engine.js';
import { storedZip } from './zip.js';

// Strings only this module shows (kept out of the start-up dictionary).
addStrings({
  import_from_table: ['— 取自户数表 {file} —', '— from the households table {file} —'],
});

const SHP_PART = /\.(shp|shx|dbf|prj|cpg)$/i;
const TABLE = /\.(csv|tsv|xlsx|xlsm|xls|ods)$/i;

// ---- the WASM module, loaded once, on first use -------------------------------------

let loading = null;
let instance = 0;

/** The importer module from `url` (the folder holding shequ_import_wasm.js). */
export function importer(url) {
  if (!loading) {
    instance += 1;
    loading = (async () => {
      const glue = new URL('shequ_import_wasm.js?instance=' + instance, url);
      const mod = await import(/* @vite-ignore */ glue.href);
      await mod.default({ module_or_path: new URL('shequ_import_wasm_bg.wasm', glue) });
      return mod;
    })();
    loading.catch(() => { loading = null; });
  }
  return loading;
}

/** Runs a call into the importer; after a trap the next call gets a fresh instance. */
function guard(fn) {
  try {
    return fn();
  } catch (e) {
    if (!isTrap(e)) throw e;
    loading = null;
    throw new Error(t('import_crashed', { err: e.message }));
  }
}

// ---- the whole flow -------------------------------------------------------------------

/**
 * Imports `files` (File objects: zips, loose Shapefile parts, tables, GeoJSON)
 * into `app`. Resolves true when a new plan is loaded.
 */
export async function importFiles(app, files) {
  const busy = app.toast(t('import_reading', { name: [...files].map((f) => f.name).join('、') }), 'info', 0, 'toast-import-reading');
  let mod, read;
  try {
    mod = await importer(app.options.importWasmUrl);
  } catch (e) {
    busy.remove();
    app.toast(t('import_missing', { err: e.message }), 'error', 12000, 'toast-import-missing');
    return false;
  }
  try {
    read = await Promise.all([...files].map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
  } catch (e) {
    busy.remove();
    app.toast(t('file_unreadable', { name: [...files].map((f) => f.name).join(', '), err: e.message }), 'error', 10000);
    return false;
  }
  // Let the toast paint before the synchronous inspection.
  await new Promise((r) => setTimeout(r, 0));
  const sources = [], tables = [], plans = [];
  const loose = new Map();
  for (const f of read) {
    if (SHP_PART.test(f.name)) {
      const stem = f.name.replace(SHP_PART, '');
      if (!loose.has(stem)) loose.set(stem, []);
      loose.get(stem).push(f);
    } else if (TABLE.test(f.name)) tables.push(f);
    else if (/\.zip$/i.test(f.name)) sources.push(f);
    else plans.push(f);
  }
  // Loose parts become one stored zip per layer, named after its .shp.
  for (const [stem, parts] of loose) sources.push({ name: parts.find((p) => /\.shp$/i.test(p.name))?.name ?? stem + '.shp', bytes: storedZip(parts) });

  try {
    let plan, name, notes = [];
    const joined = [], counts = [];
    const tableInfo = (tbl) => {
      const info = guard(() => mod.inspect(tbl.name, tbl.bytes));
      if (info.errors.length || !info.table) throw Object.assign(new Error(tbl.name), { name: 'ImportError', errors: info.errors });
      return info.table;
    };
    const say = (report, file) => {
      // Matched rows whose counts the plan already has change nothing.
      const changed = report.updated.filter((u) => u.households_after !== u.households_before || u.planned_after !== u.planned_before);
      joined.push(changed.length ? t('import_joined', { n: changed.length, file }) : t('import_unchanged', { file }));
      notes = notes.concat(report.notes);
      return changed;
    };
    if (sources.length) {
      const seen = sources.map((f) => ({ f, info: guard(() => mod.inspect(f.name, f.bytes)) }));
      const files = [...sources, ...plans];
      // The first table is joined in the import, before the plan is checked.
      const tbl = tables.shift();
      const info = tbl && tableInfo(tbl);
      busy.remove();
      const errors = seen.flatMap((s) => s.info.errors);
      if (errors.length) return failed(app, { errors, message: errors[0].message_en });
      const withTable = (layers, opts) => guard(() => mod.toPlan([...files, tbl], { layers, only_listed: true, households: { file: tbl.name, ...opts } }));
      const mapped = await mappingDialog(app, mod, seen, files, tbl && ((layers) => withTable(layers, {})), tbl?.name);
      if (!mapped) return false;
      let result = mapped.result;
      if (tbl) {
        const r = await joinDialog(app, (opts) => {
          const out = withTable(mapped.layers, opts);
          return { ...out, report: out.households };
        }, tbl, info, mapped);
        if (!r) return false;
        result = r;
        say(r.report, tbl.name);
      }
      plan = result.plan;
      notes = notes.concat(result.notes);
      name = files.map((f) => f.name).join(' + ');
    } else if (plans.length) {
      if (plans.length === 1) plan = new TextDecoder().decode(plans[0].bytes);
      else ({ plan, notes } = guard(() => mod.toPlan(plans, {})));
      name = plans.map((f) => f.name).join(' + ');
    } else if (app.state.loaded) {
      plan = app.bridge.call('exportPlan');
      name = null; // tables joined to the plan being edited: an edit, not a new plan
    } else {
      busy.remove();
      app.toast(t('import_table_needs_plan'), 'warn', 10000, 'toast-table-needs-plan');
      return false;
    }
    busy.remove();
    for (const tbl of tables) {
      const info = tableInfo(tbl);
      const before = plan;
      const r = await joinDialog(app, (opts) => mod.joinHouseholds(before, tbl.name, tbl.bytes, opts), tbl, info);
      if (!r) return false;
      plan = r.plan;
      for (const u of say(r.report, tbl.name)) counts.push({ id: u.compound_id, households: u.households_after, planned_households: u.planned_after });
    }
    if (name == null) {
      // Into the plan being edited: one undoable edit; the history and the
      // comparison with the plan as loaded stay. No counts changed: no edit.
      if (counts.length && !app.edit('setHouseholds', counts, tables.map((f) => f.name).join('、'))) return false;
    } else if (!(await app.loadText(plan, name))) return false;
    // Coordinate-system warnings were shown in the dialog, where the user chose.
    const warnings = notes.filter((n) => n.level === 'warning' && !n.code.startsWith('crs.'));
    if (joined.length || warnings.length) {
      app.toast([...joined, ...warnings.slice(0, 3).map((n) => pick(n, 'message'))].join('；'), warnings.length ? 'warn' : 'ok', 12000, 'toast-imported');
    }
    return true;
  } catch (e) {
    busy.remove();
    if (e?.name === 'ImportError' || e?.name === 'LoadError') return failed(app, e);
    app.toast(t('import_failed', { err: e?.message ?? String(e) }), 'error', 12000, 'toast-import-failed');
    return false;
  }
}

function failed(app, err) {
  showLoadError(app.root, err);
  app.fire('loaderror', { error: err });
  return false;
}

// ---- coordinate systems ---------------------------------------------------------------

const range = (a, b) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** The coordinate systems offered: [group label, [[code, label]…]]. */
function crsChoices() {
  const gk = (code, cm, zone) => [`EPSG:${code}`, zone ? t('crs_gk_zone', { cm, zone, code }) : t('crs_gk_cm', { cm, code })];
  return [
    [null, [['EPSG:4326', t('crs_wgs84')], ['gcj02', t('crs_gcj02')], ['bd09', t('crs_bd09')]]],
    [t('crs_gk3'), range(4534, 4554).map((c) => gk(c, 75 + 3 * (c - 4534)))],
    [t('crs_gk3z'), range(4513, 4533).map((c) => gk(c, 3 * (c - 4513 + 25), c - 4513 + 25))],
    [t('crs_gk6'), range(4502, 4512).map((c) => gk(c, 75 + 6 * (c - 4502)))],
    [t('crs_gk6z'), range(4491, 4501).map((c) => gk(c, 6 * (c - 4491 + 13) - 3, c - 4491 + 13))],
  ];
}

function crsSelect(guess, testid) {
  const guessed = guess.crs === 'EPSG:4490' ? 'EPSG:4326' : guess.crs;
  const mark = (code, label) => el('option', { value: code, text: code === guessed ? `${label} ${t('import_guessed')}` : label, selected: code === guessed });
  const groups = crsChoices();
  const known = groups.some(([, list]) => list.some(([c]) => c === guessed));
  return el('select', { testid },
    guessed ? null : el('option', { value: '', text: t('import_crs_choose'), selected: true }),
    guessed && !known ? el('option', { value: guessed, text: `${pick(guess, 'label')} ${t('import_guessed')}`, selected: true }) : null,
    groups.map(([label, list]) => (label ? el('optgroup', { label }, list.map(([c, l]) => mark(c, l))) : list.map(([c, l]) => mark(c, l)))));
}

/** A warning when the numbers cannot be in the chosen system (bbox [x0, y0, x1, y1]). */
export function crsWarning(bbox, code, swap) {
  if (!bbox || !code) return null;
  let [x0, y0, x1, y1] = bbox;
  if (swap) [x0, y0, x1, y1] = [y0, x0, y1, x1];
  const degrees = x0 >= -180 && x1 <= 180 && y0 >= -90 && y1 <= 90;
  const epsg = /^EPSG:(\d+)$/i.exec(code)?.[1] | 0;
  if (epsg === 4326 || epsg === 4490 || /^(gcj02|bd09)$/i.test(code)) return degrees ? null : t('crs_warn_metres');
  if (epsg < 4491 || epsg > 4554) return null;
  if (degrees) return t('crs_warn_degrees');
  const prefix = Math.floor(x0 / 1e6);
  const sameZone = prefix === Math.floor(x1 / 1e6);
  const zone = epsg <= 4501 ? epsg - 4491 + 13 : epsg >= 4513 && epsg <= 4533 ? epsg - 4513 + 25 : 0;
  if (zone) {
    if (x1 < 1e6) return t('crs_warn_no_prefix');
    if (sameZone && prefix !== zone) return t('crs_warn_zone', { z: prefix });
  } else if (x0 >= 1e6 && sameZone) return t('crs_warn_prefixed', { z: prefix });
  return null;
}

// ---- the mapping dialog -------------------------------------------------------------

const sampleText = (f) => (f.samples?.length ? ' — ' + f.samples.slice(0, 2).map(String).join('、').slice(0, 40) : '');

function layerRow(file, L, notes, targets, tableName) {
  const id = L.entry;
  const layerSel = el('select', { testid: `import-layer-of-${id}` },
    el('option', { value: '', text: t('import_skip') }),
    PLAN_LAYERS.map((l) => el('option', { value: l, text: `${t('layer_' + l)} (${l})`, selected: L.proposal.layer === l })));
  const crsSel = crsSelect(L.crs, `import-crs-${id}`);
  const swap = el('input', { type: 'checkbox', checked: !!L.crs.swap_xy, testid: `import-swap-${id}` });
  const crsNote = el('div', { class: 'shequ-import-note', testid: `import-crs-note-${id}` });
  const fieldsBox = el('div', { class: 'shequ-import-fields' });
  const chosen = new Map(Object.entries(L.proposal.mapping.fields ?? {})); // property → column
  const sels = new Map();
  const renderFields = () => {
    sels.clear();
    const layer = layerSel.value;
    if (!layer) return fill(fieldsBox);
    fill(fieldsBox, el('table', { class: 'shequ-table shequ-import-map' }, el('tbody', null, (targets[layer] ?? []).map((target) => {
      const sel = el('select', { testid: `import-field-${id}-${target}`, 'aria-label': t('prop_' + target) },
        // Unmapped households of compounds come from the table picked with them.
        el('option', { value: '', text: tableName && layer === 'compound' && /households$/.test(target) ? t('import_from_table', { file: tableName }) : t('import_unmapped') }),
        L.fields.map((f) => el('option', { value: f.name, text: f.name + sampleText(f), selected: chosen.get(target) === f.name })));
      sel.addEventListener('change', () => chosen.set(target, sel.value));
      sels.set(target, sel);
      return el('tr', null, el('td', { text: t('prop_' + target) }), el('td', { class: 'shequ-muted', text: target }), el('td', null, sel));
    }))));
  };
  const crsNotes = notes.filter((n) => n.entry === id && n.code.startsWith('crs.') && n.level === 'warning').map((n) => pick(n, 'message'));
  const checkCrs = () => {
    const w = crsWarning(L.bbox, crsSel.value, swap.checked);
    const lines = [...crsNotes, w, layerSel.value && !crsSel.value ? t('import_crs_needed', { entry: id }) : null].filter(Boolean);
    fill(crsNote, lines.map((x) => el('div', { text: x })));
    crsNote.hidden = !lines.length;
    crsNote.dataset.warn = w ? 'range' : '';
  };
  layerSel.addEventListener('change', () => { renderFields(); checkCrs(); });
  crsSel.addEventListener('change', checkCrs);
  swap.addEventListener('change', checkCrs);
  renderFields();
  checkCrs();
  const enc = L.encoding ? `${L.encoding.encoding} (${L.encoding.source === 'cpg' ? '.cpg' : t('import_enc_' + L.encoding.source)})` : null;
  const info = [t('import_geom_' + L.geometry), t('import_records', { n: L.records }), enc, L.crs.declared ? `.prj: ${L.crs.declared}` : null].filter(Boolean).join(' · ');
  const section = el('fieldset', { class: 'shequ-import-layer', testid: `import-section-${id}` },
    el('legend', { text: file.name === id ? id : `${file.name} › ${id}` }),
    el('div', { class: 'shequ-muted', text: info }),
    el('div', { class: 'shequ-field-row' },
      el('label', { class: 'shequ-field' }, el('span', { class: 'shequ-field-label', text: t('import_layer') }), layerSel),
      el('label', { class: 'shequ-field shequ-import-crs' }, el('span', { class: 'shequ-field-label', text: t('import_crs') }), crsSel),
      el('label', { class: 'shequ-check' }, swap, el('span', { text: t('import_swap') }))),
    crsNote, fieldsBox);
  return {
    entry: id, el: section,
    layer: () => layerSel.value || null,
    crs: () => crsSel.value || null,
    mapping: () => ({
      source: id, layer: layerSel.value || null, swap_xy: swap.checked, crs: crsSel.value || null,
      fields: Object.fromEntries([...sels].filter(([, s]) => s.value).map(([k, s]) => [k, s.value])),
    }),
  };
}

/**
 * The layers, fields and coordinate systems, checked by importing. With a
 * households table (`withTable(layers)` imports with it), compounds it leaves
 * without households are for the table's dialog to show: resolves with
 * `{layers, result}` or, then, `{layers, error}`; null when cancelled.
 */
function mappingDialog(app, mod, seen, files, withTable, tableName) {
  const rows = [];
  const fileNotes = [];
  for (const { f, info } of seen) {
    for (const L of info.layers) rows.push(layerRow(f, L, info.notes, info.targets, tableName));
    fileNotes.push(...info.notes.filter((n) => !n.code.startsWith('crs.')).map((n) => pick(n, 'message')));
  }
  const problems = el('div', { class: 'shequ-import-problems', testid: 'import-problems' });
  let result = null;
  return dialog(app.root, {
    title: t('import_title'), testid: 'import-dialog', wide: true,
    body: [
      el('p', { class: 'shequ-muted', text: t('import_body') }),
      rows.map((r) => r.el),
      fileNotes.length ? el('ul', { class: 'shequ-import-notes shequ-muted' }, fileNotes.slice(0, 8).map((x) => el('li', { text: x }))) : null,
      problems,
    ],
    buttons: [{ text: t('cancel'), value: 'cancel' }, { text: t('import'), value: 'ok', primary: true, testid: 'import-ok' }],
    onSubmit: () => {
      const say = (text) => { fill(problems, el('p', { class: 'shequ-problem-what', text })); problems.scrollIntoView?.({ block: 'nearest' }); return false; };
      if (!rows.some((r) => r.layer())) return say(t('import_nothing'));
      const missing = rows.find((r) => r.layer() && !r.crs());
      if (missing) return say(t('import_crs_needed', { entry: missing.entry }));
      const layers = rows.map((r) => r.mapping());
      try {
        result = { layers, result: withTable ? withTable(layers) : guard(() => mod.toPlan(files, { layers, only_listed: true })) };
      } catch (e) {
        if (e?.name !== 'ImportError') return say(e?.message ?? String(e));
        if (withTable && e.errors?.length && e.errors.every((p) => p.code === 'import.households_missing')) {
          result = { layers, error: e };
          return true;
        }
        fill(problems, el('p', { class: 'shequ-kept', text: t('load_failed_kept') }), problemList(e, 'import-problem-list'),
          e.more ? el('p', { class: 'shequ-muted', text: t('load_more', { n: e.more }) }) : null);
        problems.scrollIntoView?.({ block: 'nearest' });
        return false;
      }
      return true;
    },
  }).then((v) => (v === 'ok' ? result : null));
}

// ---- the households table -------------------------------------------------------------

/**
 * The households table's key and columns, shown with what joining them does
 * (`join(options)` → `{plan, report}`, or throws); `first` is a join already
 * made (`{result}` or `{error}`), shown without joining again.
 */
function joinDialog(app, join, tbl, info, first) {
  const colSel = (testid, optional) => el('select', { testid, dataset: { optional: optional ? '1' : '' } });
  const fillCols = (sel, columns, value) => {
    fill(sel, sel.dataset.optional ? el('option', { value: '', text: t('join_none') }) : el('option', { value: '', text: t('import_unmapped') }),
      columns.map((c) => el('option', { value: c, text: c })));
    sel.value = value ?? '';
  };
  const sheetSel = info.sheets.length > 1 ? el('select', { testid: 'join-sheet' }, info.sheets.map((s) => el('option', { value: s, text: s, selected: s === info.sheet }))) : null;
  const keySel = el('select', { testid: 'join-key' }, el('option', { value: 'id', text: t('join_key_id') }), el('option', { value: 'name', text: t('join_key_name') }));
  const keyCol = colSel('join-key-column'), hhSel = colSel('join-households', true), plannedSel = colSel('join-planned', true);
  let columns = info.columns;
  keySel.value = info.proposal.key_id ? 'id' : 'name';
  fillCols(keyCol, columns, info.proposal[keySel.value === 'id' ? 'key_id' : 'key_name']);
  fillCols(hhSel, columns, info.proposal.households);
  fillCols(plannedSel, columns, info.proposal.planned_households);
  const head = el('p', { class: 'shequ-muted', testid: 'join-file' });
  const summary = el('p', { class: 'shequ-join-summary', testid: 'join-summary' });
  const lists = el('div', { class: 'shequ-join-lists' });
  const problems = el('div', { class: 'shequ-import-problems', testid: 'join-problems' });
  head.textContent = t('join_file', { file: tbl.name, sheet: info.sheet ?? '—', row: info.header_row ?? '?' });
  let result = null;
  const run = (opts, done) => {
    try {
      if (done?.error) throw done.error;
      result = done?.result ? { ...done.result, report: done.result.report ?? done.result.households } : guard(() => join(opts));
    } catch (e) {
      result = null;
      fill(summary);
      fill(lists);
      fill(problems, problemList(e, 'join-problem-list'));
      return;
    }
    fill(problems);
    const r = result.report;
    columns = r.columns;
    keySel.value = r.key;
    fillCols(keyCol, columns, r.key_column);
    fillCols(hhSel, columns, r.households_column);
    fillCols(plannedSel, columns, r.planned_column);
    head.textContent = t('join_file', { file: r.file, sheet: r.sheet ?? '—', row: r.header_row });
    const rows = r.updated.length + r.unmatched_rows.length;
    summary.textContent = t('join_summary', { matched: r.updated.length, rows, without: r.compounds_without_row.length });
    summary.dataset.matched = r.updated.length;
    summary.dataset.unmatched = r.unmatched_rows.length;
    const list = (testid, title, items, text) => (items.length
      ? [el('h3', { text: title }), el('ul', { class: 'shequ-join-list', testid }, items.slice(0, 100).map((x) => el('li', { text: text(x) }))),
        items.length > 100 ? el('p', { class: 'shequ-muted', text: t('join_more', { n: items.length - 100 }) }) : null]
      : null);
    fill(lists,
      list('join-unmatched', t('join_unmatched', { n: r.unmatched_rows.length }), r.unmatched_rows, (u) => `${t('row_n', { n: u.row })}：${u.key}`),
      list('join-duplicates', t('join_duplicates', { n: r.duplicates.length }), r.duplicates, (d) => `${d.key}：${d.rows.map((n) => t('row_n', { n })).join('、')}`),
      list('join-without', t('join_without', { n: r.compounds_without_row.length }), r.compounds_without_row, (c) => `${c.name} (${c.id})`));
  };
  const current = () => ({
    key: keySel.value, key_column: keyCol.value || null, households_column: hhSel.value || null,
    planned_column: plannedSel.value || null, sheet: sheetSel?.value ?? null,
  });
  keySel.addEventListener('change', () => {
    keyCol.value = info.proposal[keySel.value === 'id' ? 'key_id' : 'key_name'] ?? '';
    run(current());
  });
  for (const s of [keyCol, hhSel, plannedSel]) s.addEventListener('change', () => run(current()));
  sheetSel?.addEventListener('change', () => run({ sheet: sheetSel.value }));
  run(sheetSel ? { sheet: sheetSel.value } : {}, first);
  const field = (label, input) => el('label', { class: 'shequ-field' }, el('span', { class: 'shequ-field-label', text: label }), input);
  return dialog(app.root, {
    title: t('join_title', { file: tbl.name }), testid: 'join-dialog', wide: true,
    body: [
      head,
      el('div', { class: 'shequ-field-row' },
        sheetSel ? field(t('join_sheet'), sheetSel) : null,
        field(t('join_key'), keySel), field(t('join_key_column'), keyCol),
        field(t('join_households'), hhSel), field(t('join_planned'), plannedSel)),
      summary, problems, lists,
    ],
    buttons: [{ text: t('cancel'), value: 'cancel' }, { text: t('join_ok'), value: 'ok', primary: true, testid: 'join-ok' }],
    onSubmit: () => !!result,
  }).then((v) => (v === 'ok' ? result : null));
}
