// Official documents out of the planner: the 四至 and the procedure tracker
// in the community detail, 一社区一方案 sheets to print, the summary table,
// and the CSV/XLSX/Shapefile exports. `new Docs(component)`; the detail calls
// `docs.sizhi(report)` and `docs.tracker(report)`, the file menu lists `docs.fileItems()`. The sheets
// and the exports are loaded on first use.
import '../docs.css';
import { el } from '../dom.js';
import { t } from '../i18n.js';

// The detail blocks are fetched with the first community shown; after that
// they render synchronously.
let blocks = null, loading = null;
function slot(fill) {
  const box = el('div', { class: 'shequ-docs-slot' });
  if (blocks) fill(box, blocks);
  else {
    loading ??= import('./blocks.js').then((m) => (blocks = m));
    loading.then((m) => fill(box, m), () => { loading = null; });
  }
  return box;
}

export class Docs {
  constructor(ctx) {
    this._ctx = ctx;
  }

  /** The 四至 of community report `c` and the button printing its sheet (detail panel). */
  sizhi(c) {
    const ctx = this._ctx;
    return el('div', { class: 'shequ-docs-detail' },
      slot((box, m) => box.append(m.sizhiBlock(ctx, c.id))),
      el('p', { class: 'shequ-field-row' }, el('button', { type: 'button', class: 'shequ-btn', text: t('sheet_print_one'), testid: 'print-sheet', onclick: () => this.print([c.id]) })));
  }

  /** The procedure tracker of community report `c` (detail panel). */
  tracker(c) {
    return slot((box, m) => box.append(m.procedureBlock(this._ctx, c.id)));
  }

  /** Opens the print preview of `ids` (all communities, after the summary, when omitted). */
  async print(ids) {
    const { openSheets } = await import('./sheet.js');
    return openSheets(this._ctx, ids);
  }

  async export(kind) {
    const m = await import('./export.js');
    if (kind === 'csv') return m.exportCsv(this._ctx);
    if (kind === 'xlsx') return m.exportXlsx(this._ctx);
    if (kind === 'shp') return m.exportShapefile(this._ctx, 'UTF-8');
    if (kind === 'shp-gbk') return m.exportShapefile(this._ctx, 'GBK');
    return false;
  }

  /** Items for the file menu. */
  fileItems() {
    const off = !this._ctx.state.loaded;
    return [
      { text: t('sheet_print_all'), testid: 'print-sheets', onselect: () => this.print(), disabled: off },
      { text: t('export_csv'), testid: 'export-csv', onselect: () => this.export('csv'), disabled: off },
      { text: t('export_xlsx'), testid: 'export-xlsx', onselect: () => this.export('xlsx'), disabled: off },
      { text: t('export_shp'), testid: 'export-shp', onselect: () => this.export('shp'), disabled: off },
      { text: t('export_shp_gbk'), testid: 'export-shp-gbk', onselect: () => this.export('shp-gbk'), disabled: off },
    ];
  }
}
