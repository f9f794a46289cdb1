// Files in and out: the file picker, drag-and-drop, one file per layer,
// profile files, load-error reports and downloads. Nothing leaves the browser.
import { el } from './dom.js';
import { pick, t, tIn } from './i18n.js';
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
 * [{name, text, error?}]. Text is decoded strictly: bytes that are not UTF-8
 * (a GBK or UTF-16 export) would otherwise reach the engine as U+FFFD and a
 * GBK plan would load with its names garbled; such a file gets `error`, a
 * LoadError like the engine's (code load.not_utf8). Binary formats the engine
 * recognises by their first bytes (ZIP, GeoPackage, shapefile, PDF) are left
 * to it.
 */
export async function readFiles(files) {
  return Promise.all([...files].map(async (f) => {
    const bytes = new Uint8Array(await f.arrayBuffer());
    try {
      // The text is read to check the encoding and tell plans from profiles;
      // a plan goes to the engine as its bytes (no re-encoding for it).
      return { name: f.name, bytes, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
    } catch {
      return { name: f.name, bytes, text: new TextDecoder().decode(bytes), error: notUtf8(f.name, bytes) };
    }
  }));
}

const NAMED_BY_ENGINE = ['PK', 'SQLite format 3', '\0\0\x27\n', '%PDF'];

function notUtf8(file, bytes) {
  if (NAMED_BY_ENGINE.some((m) => [...m].every((c, i) => bytes[i] === c.charCodeAt(0)))) return null;
  let kind = 'other', at = 0;
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    kind = 'utf16';
  } else {
    at = firstNonUtf8(bytes);
    try {
      new TextDecoder('gb18030', { fatal: true }).decode(bytes.subarray(0, 65536), { stream: true });
      kind = 'gbk';
    } catch { /* neither */ }
  }
  let line = 1;
  for (let i = 0; i < at; i++) if (bytes[i] === 10) line++;
  const params = { line, at };
  const err = new Error(tIn('en', 'not_utf8_' + kind, params));
  err.name = 'LoadError';
  err.errors = [{
    file, code: 'load.not_utf8', feature_index: null, feature_id: null, layer: null, field: null,
    problem_zh: tIn('zh', 'not_utf8_' + kind, params), problem_en: tIn('en', 'not_utf8_' + kind, params),
    fix_zh: tIn('zh', `not_utf8_${kind}_fix`), fix_en: tIn('en', `not_utf8_${kind}_fix`),
  }];
  err.more = 0;
  return err;
}

/** Offset of the first byte that does not begin a well-formed UTF-8 sequence. */
function firstNonUtf8(b) {
  for (let i = 0; i < b.length;) {
    const c = b[i];
    const n = c < 0x80 ? 0 : c >= 0xc2 && c < 0xe0 ? 1 : c >= 0xe0 && c < 0xf0 ? 2 : c >= 0xf0 && c < 0xf5 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return b.length;
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
  const head = file.text.slice(0, 4096);
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
