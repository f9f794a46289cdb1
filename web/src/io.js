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

export async function readFiles(files) {
  return Promise.all([...files].map(async (f) => ({ name: f.name, text: await f.text() })));
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
  }).then((v) => (v === 'ok' ? rows.map(({ f, sel }) => ({ layer: sel.value || null, name: f.name, text: f.text })) : null));
}

/** Shows a LoadError's problems (file, feature, field, fix) in the UI language. */
export function showLoadError(root, err) {
  const problems = err.errors ?? [];
  const where = (p) => [p.file, p.feature_index != null ? t('feature_n', { n: p.feature_index, n1: p.feature_index + 1 }) + (p.feature_id ? ` (${p.feature_id})` : '') : null,
    p.layer ? t('layer_x', { l: p.layer }) : null, p.field ? t('field_x', { f: p.field }) : null].filter(Boolean).join(' · ');
  const list = problems.length
    ? el('ol', { class: 'shequ-problems', testid: 'load-problems' }, problems.map((p) => el('li', { class: 'shequ-problem', dataset: { code: p.code } },
      el('div', { class: 'shequ-problem-where', text: where(p) }),
      el('div', { class: 'shequ-problem-what', text: pick(p, 'problem') || pick(p, 'message') }),
      el('div', { class: 'shequ-problem-fix' }, el('span', { class: 'shequ-muted', text: t('problem_fix') + '：' }), pick(p, 'fix')))))
    : el('p', { class: 'shequ-problem-what', testid: 'load-problems', text: err.message });
  return dialog(root, {
    title: t('load_failed_title'), testid: 'load-error', wide: true,
    body: [el('p', { class: 'shequ-kept', text: t('load_failed_kept') }), list, err.more ? el('p', { class: 'shequ-muted', text: t('load_more', { n: err.more }) }) : null],
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
