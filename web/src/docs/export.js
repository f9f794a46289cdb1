// Exports for offices: the summary as CSV (UTF-8 with a byte-order mark, so
// that Excel shows Chinese) and XLSX, and the plan as a zip of Shapefiles.
// XLSX and Shapefile come from the importer's WASM (pkg-import/), fetched on
// first use.
import { i18n, t } from '../i18n.js';
import { download, stamp } from '../io.js';
import { importer } from '../import/index.js';
import { isTrap } from '../engine.js';
import { summaryRows, toCsv } from './model.js';
import { engineSizhi } from './sizhi.js';

function base(ctx) {
  return (ctx.fileName ?? 'plan').replace(/\.(geo)?json$/i, '').replace(/[\\/:*?"<>|]+/g, '_').slice(0, 60);
}

function saveBytes(bytes, name, type) {
  download(bytes, name, type);
}

/** The summary table as CSV text (what `exportCsv` downloads). */
export function summaryCsv(ctx) {
  return toCsv(summaryRows(ctx.state, (id) => engineSizhi(ctx, id), i18n.lang), i18n.lang);
}

export function exportCsv(ctx) {
  saveBytes(summaryCsv(ctx), `${base(ctx)}-summary-${stamp()}.csv`, 'text/csv;charset=utf-8');
}

async function withImporter(ctx, what, fn) {
  let mod;
  try {
    mod = await importer(ctx.options.importWasmUrl);
  } catch (e) {
    ctx.toast(t('docs_importer_missing', { err: e?.message ?? e }), 'error', 12000, 'toast-export-failed');
    return false;
  }
  try {
    fn(mod);
    return true;
  } catch (e) {
    const msg = e?.errors?.length ? e.errors.map((p) => (i18n.lang === 'en' ? p.message_en : p.message_zh) || p.problem_en).join('; ') : e?.message ?? String(e);
    ctx.toast(t('docs_export_failed', { what, err: msg }) + (isTrap(e) ? ' (trap)' : ''), 'error', 12000, 'toast-export-failed');
    return false;
  }
}

export function exportXlsx(ctx) {
  const report = JSON.stringify(ctx.getReport());
  const plan = ctx.bridge.call('exportPlan');
  return withImporter(ctx, 'XLSX', (mod) => {
    saveBytes(mod.summaryXlsx(report, plan), `${base(ctx)}-summary-${stamp()}.xlsx`, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  });
}

/** encoding: 'UTF-8' (with .cpg) or 'GBK' (for older desktop GIS). */
export function exportShapefile(ctx, encoding = 'UTF-8') {
  const plan = ctx.bridge.call('exportPlan');
  return withImporter(ctx, 'Shapefile', (mod) => {
    const bytes = mod.planShapefileZip(plan, { encoding });
    saveBytes(bytes, `${base(ctx)}-shp${encoding === 'GBK' ? '-gbk' : ''}-${stamp()}.zip`, 'application/zip');
  });
}
