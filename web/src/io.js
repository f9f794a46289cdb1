// Files in and out: the file picker, drag-and-drop, one file per layer,
// profile files, load-error reports and downloads. Nothing leaves the browser.
import { el } from './dom.js';
import { pick, t } from './i18n.js';
import { dialog } from './ui/dialog.js';

export const PLAN_LAYERS = ['community', 'compound', 'grid', 'barrier', 'service_center', 'street'];

export function pickFiles({ accept = '.geojson,.json,.toml', multiple = false } = {}) {
  return new Promise((resolve) => {
    const input = el('input', { type: 'file', accept, multiple, class: 'shequ-hidden' });
    input.addEventListener('change', () => {
      resolve([...input.files]);
      input.remove();
    });
    input.addEventListener('cancel', () => { resolve([]); input.remove(); });
    document.body.append(input);
    input.click();
  });
}

/**
 * [{name, bytes, head, text}]. A plan goes to the engine as its bytes, which
 * checks the encoding itself (GBK and UTF-16 exports are named as such, with
 * the fix); `head`, the first 4 KB, tells plans from profiles; `text` is
 * decoded when first asked for (a profile's TOML or JSON), strictly: a profile
 * that is not UTF-8 throws a ProfileError naming the file.
 */
export async function readFiles(files) {
  return Promise.all([...files].map(async (f) => {
    const bytes = new Uint8Array(await f.arrayBuffer());
    let text = null;
    return {
      name: f.name,
      bytes,
      head: new TextDecoder().decode(bytes.subarray(0, 4096)),
      get text() {
        try {
          return (text ??= new TextDecoder('utf-8', { fatal: true }).decode(bytes));
        } catch {
          const err = new Error(`${f.name}: not UTF-8 text; save the profile as UTF-8`);
          err.name = 'ProfileError';
          throw err;
        }
      },
    };
  }));
}

/**
 * Files for the importer (web/src/import/): zipped or loose Shapefiles and
 * households tables. Told by name, before reading: they are binary.
 */
export const IMPORT_ACCEPT = '.zip,.shp,.shx,.dbf,.prj,.cpg,.csv,.tsv,.xlsx,.xlsm,.xls,.ods';
const IMPORT_RE = new RegExp('(' + IMPORT_ACCEPT.split(',').map((e) => '\\' + e).join('|') + ')$', 'i');
export function isImportFile(file) {
  return IMPORT_RE.test(file.name);
}

/** 'profile' for TOML or a JSON object that is not GeoJSON; else 'geojson'. */
export function classify(file) {
  if (/\.toml$/i.test(file.name)) return 'profile';
  const head = file.head;
  if (/"type"\s*:\s*"FeatureCollection"|"features"\s*:/.test(head)) return 'geojson';
  if (/\.json$/i.test(file.name) && /^\s*\{/.test(head) && !/"(type|features)"\s*:/.test(head)) return 'profile';
  return 'geojson';
}

const GUESS = [
  ['community', /communit|社区|居委/i],
  ['compound', /compound|小区|住宅|estate/i],
  ['grid', /grid|网格/i],
  ['barrier', /barrier|road|lane|river|street_?net|道路|街巷|河|水系/i],
  ['service_center', /cent(er|re)|服务中心|党群/i],
  ['street', /street|街道|subdistrict/i],
];

export function guessLayer(name) {
  return GUESS.find(([, re]) => re.test(name))?.[0] ?? null;
}

/** Asks the layer of each file. Resolves with LayerFile[] or null. */
export function layerDialog(root, files) {
  const rows = files.map((f) => {
    const sel = el('select', { testid: 'layer-of-' + f.name },
      el('option', { value: '', text: t('layer_per_feature') }),
      PLAN_LAYERS.map((l) => el('option', { value: l, text: `${t('layer_' + l)} (${l})`, selected: guessLayer(f.name) === l })));
    return { f, sel, row: el('tr', null, el('td', { text: f.name }), el('td', null, sel)) };
  });
  return dialog(root, {
    title: t('layers_dialog_title'), testid: 'layers-dialog', wide: true,
    body: [el('p', { text: t('layers_dialog_body') }), el('table', { class: 'shequ-table' }, el('tbody', null, rows.map((r) => r.row)))],
    buttons: [{ text: t('cancel'), value: 'cancel' }, { text: t('import'), value: 'ok', primary: true, testid: 'layers-import' }],
  }).then((v) => (v === 'ok' ? rows.map(({ f, sel }) => ({ layer: sel.value || null, name: f.name, text: f.bytes })) : null));
}

/** Where a problem is: file, zip entry, feature/record/row, layer, field. */
function where(p) {
  return [p.file, p.entry,
    p.feature_index != null ? t('feature_n', { n: p.feature_index, n1: p.feature_index + 1 }) + (p.feature_id ? ` (${p.feature_id})` : '') : null,
    p.record != null ? t('record_n', { n: p.record }) : null, p.row != null ? t('row_n', { n: p.row }) : null,
    p.layer ? t('layer_x', { l: p.layer }) : null, p.field ? t('field_x', { f: p.field }) : null].filter(Boolean).join(' · ');
}

/** The problems of a LoadError or ImportError as a list (or its message). */
export function problemList(err, testid = 'load-problems') {
  const problems = err.errors ?? [];
  return problems.length
    ? el('ol', { class: 'shequ-problems', testid }, problems.map((p) => el('li', { class: 'shequ-problem', dataset: { code: p.code } },
      el('div', { class: 'shequ-problem-where', text: where(p) }),
      el('div', { class: 'shequ-problem-what', text: pick(p, 'problem') || pick(p, 'message') }),
      el('div', { class: 'shequ-problem-fix' }, el('span', { class: 'shequ-muted', text: t('problem_fix') + '：' }), pick(p, 'fix')))))
    : el('p', { class: 'shequ-problem-what', testid, text: err.message });
}

/** Shows a LoadError's (or ImportError's) problems (file, feature, field, fix) in the UI language. */
export function showLoadError(root, err) {
  return dialog(root, {
    title: t('load_failed_title'), testid: 'load-error', wide: true,
    body: [el('p', { class: 'shequ-kept', text: t('load_failed_kept') }), problemList(err), err.more ? el('p', { class: 'shequ-muted', text: t('load_more', { n: err.more }) }) : null],
  });
}

export function download(text, name, type = 'application/geo+json') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: name, class: 'shequ-hidden' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Drag-and-drop of files anywhere on `target`. */
export function dropZone(target, onFiles) {
  const overlay = el('div', { class: 'shequ-drop', hidden: true, testid: 'drop-overlay' }, el('div', { class: 'shequ-drop-box' }));
  target.append(overlay);
  let depth = 0;
  const hasFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes('Files');
  target.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    depth++;
    overlay.firstChild.textContent = t('drop_here');
    overlay.hidden = false;
  });
  target.addEventListener('dragleave', () => { if (--depth <= 0) { depth = 0; overlay.hidden = true; } });
  target.addEventListener('dragover', (e) => { if (hasFiles(e)) e.preventDefault(); });
  target.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    overlay.hidden = true;
    onFiles([...e.dataTransfer.files]);
  });
}

export function stamp() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}`;
}
