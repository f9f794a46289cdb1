// The bad-input corpus (tests/corpus/, described by its manifest.json) through
// the page, in real headless Chromium: every file is opened with the file
// picker as a planner would, after the demo district is loaded. A refused file
// must show its specific problem — the code, the file, the feature, the field,
// the fix — and leave the plan exactly as it was; a repairable file loads and
// says what was repaired. The large inputs (a 50 MB plan, a million-vertex
// outline) are generated here and get a test each, with their timings.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTIFACTS, WEB, demoText, launch, nodeEngine, startServer, watchedPage } from './harness.mjs';

const CORPUS = join(WEB, '..', 'tests', 'corpus');
const manifest = JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8'));
const MIME = { '.geojson': 'application/geo+json', '.json': 'application/json', '.csv': 'text/csv', '.zip': 'application/zip' };

let server, browser, context, page, watch, wasm, demo, tmp;
const numbers = {};
const int = (s) => Number(String(s).replace(/[^\d-]/g, ''));

/** Opens `file` ({name, buffer} or {name, path}) with the file menu, as a planner would. */
async function openFile(file) {
  await page.click('[data-testid="file-menu"]');
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid="open-plan"]')]);
  const ext = file.name.slice(file.name.lastIndexOf('.'));
  await chooser.setFiles(file.path ?? { name: file.name, mimeType: MIME[ext] ?? 'application/octet-stream', buffer: file.buffer });
}

async function open(file, timeout) {
  const outcome = page.evaluate((k) => new Promise((resolve) => {
    const check = () => (window.__outcomes.length > k ? resolve(window.__outcomes[k]) : setTimeout(check, 20));
    check();
  }), await page.evaluate(() => window.__outcomes.length));
  const t0 = Date.now();
  await openFile(file);
  // Shapefiles, ZIPs and tables go to the importer (web/src/import/), which opens its own dialog.
  const importer = page.waitForSelector('[data-testid="import-dialog"], [data-testid="join-dialog"]', { timeout: (timeout ?? 20000) + 1000 })
    .then(async (h) => ({ kind: 'importer', dialog: await h.getAttribute('data-testid') }), () => new Promise(() => {}));
  const got = await Promise.race([outcome, importer, new Promise((_, reject) => setTimeout(() => reject(new Error(`${file.name}: no load or load error within ${timeout ?? 20000} ms`)), timeout ?? 20000))]);
  return { ...got, ms: Date.now() - t0 };
}

async function snapshot() {
  return page.evaluate(() => ({
    plan: window.shequ.getPlan(),
    totals: document.querySelector('[data-testid="totals"]')?.textContent,
    communities: document.querySelector('[data-testid="total-communities"]')?.textContent,
    households: document.querySelector('[data-testid="total-households"]')?.textContent,
    instance: window.shequ.engineInstance,
  }));
}

async function closeDialog() {
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid="load-error"]', { state: 'detached' });
}

/** The problems listed in the load-error dialog. */
function shownProblems() {
  return page.$$eval('[data-testid="load-error"] li.shequ-problem', (els) => els.map((li) => ({
    code: li.dataset.code,
    where: li.querySelector('.shequ-problem-where')?.textContent ?? '',
    what: li.querySelector('.shequ-problem-what')?.textContent ?? '',
    fix: li.querySelector('.shequ-problem-fix')?.textContent ?? '',
  })));
}

/** Every way the page's message for one manifest entry falls short, in the UI language `lang`. */
async function dialogProblems(entry, lang, outcome) {
  const bad = [];
  if (outcome.kind !== 'error') return [`${entry.file}: ${outcome.kind}, expected the error ${entry.code}`];
  if (outcome.codes?.[0] !== entry.code) bad.push(`${entry.file}: the engine said ${outcome.codes?.[0]}, expected ${entry.code}`);
  const shown = await shownProblems();
  const first = shown[0];
  if (!first) return [...bad, `${entry.file}: the dialog lists no problem: ${await page.textContent('[data-testid="load-error"]')}`];
  if (first.code !== entry.code) bad.push(`${entry.file}: shows ${first.code}, expected ${entry.code}`);
  const where = [entry.file];
  if (entry.feature_index != null) where.push(lang === 'zh' ? `第 ${entry.feature_index + 1} 个要素` : `feature #${entry.feature_index}`);
  if (entry.feature_id != null) where.push(`(${entry.feature_id})`);
  if (entry.field != null) where.push(lang === 'zh' ? `字段 ${entry.field}` : `field ${entry.field}`);
  for (const w of where) if (!first.where.includes(w)) bad.push(`${entry.file} [${lang}]: the place lacks ${JSON.stringify(w)}: ${first.where}`);
  const text = first.what + ' ' + first.fix;
  for (const s of entry[lang]) if (!text.includes(s)) bad.push(`${entry.file} [${lang}]: lacks ${JSON.stringify(s)}: ${text}`);
  const label = lang === 'zh' ? '修改建议：' : 'How to fix：';
  if (!first.fix.startsWith(label) || first.fix.length <= label.length + 3) bad.push(`${entry.file} [${lang}]: no fix: ${first.fix}`);
  const kept = await page.textContent('[data-testid="load-error"] .shequ-kept');
  if (!kept?.includes(lang === 'zh' ? '当前方案保持不变' : 'The current plan is unchanged')) bad.push(`${entry.file}: does not say the plan is kept`);
  return bad;
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  tmp = mkdtempSync(join(tmpdir(), 'shequ-corpus-'));
  wasm = await nodeEngine();
  demo = demoText();
  server = await startServer();
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'zh-CN' });
  ({ page, watch } = await watchedPage(context, server.origin));
  page.on('response', (r) => { if (r.status() >= 400) watch.errors.push(`${r.status()} ${r.url()}`); });
  await page.goto(server.origin + '/index.html');
  await page.waitForSelector('[data-testid="total-communities"]');
  await page.evaluate(() => {
    window.__outcomes = [];
    window.shequ.on('load', (e) => window.__outcomes.push({ kind: 'load', file: e.fileName }));
    window.shequ.on('loaderror', (e) => window.__outcomes.push({ kind: 'error', codes: (e.error?.errors ?? []).map((p) => p.code), message: e.error?.message }));
  });
});

after(async () => {
  console.log('measured:', JSON.stringify(numbers));
  await browser?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the bad-input corpus in the page', () => {
  const errors = manifest.filter((e) => e.expect === 'error');
  const loads = manifest.filter((e) => e.expect === 'ok');
  let demoState;

  test('the demo is loaded', async () => {
    demoState = await snapshot();
    const report = new wasm.Engine(demo, 'demo.geojson', '').report();
    assert.equal(int(demoState.communities), report.totals.communities);
    assert.equal(int(demoState.households), report.totals.households_total);
    assert.ok(errors.length >= 40, `${errors.length} refused files`);
  });

  for (const lang of ['zh', 'en']) {
    test(`every refused file shows its specific problem (${lang}) and the plan stays exactly as it was`, async () => {
      const zh = /户数/.test(await page.textContent('[data-testid="tab-balance"]'));
      if (zh !== (lang === 'zh')) await page.click('[data-testid="lang-switch"]');
      const bad = [], imported = [];
      let slowest = { ms: 0 };
      for (const entry of errors) {
        const outcome = await open({ name: entry.file, buffer: readFileSync(join(CORPUS, entry.file)) });
        if (outcome.ms > slowest.ms) slowest = { file: entry.file, ms: outcome.ms };
        if (outcome.kind === 'importer') {
          // Not GeoJSON but a format the importer reads: its dialog, cancelled here, changes nothing.
          if (!/\.(shp|dbf|zip|csv|xlsx?)$/i.test(entry.file)) bad.push(`${entry.file}: went to the importer`);
          imported.push(entry.file);
          await page.keyboard.press('Escape');
          await page.waitForSelector(`[data-testid="${outcome.dialog}"]`, { state: 'detached' });
        } else if (outcome.kind === 'error') {
          await page.waitForSelector('[data-testid="load-error"]');
          bad.push(...await dialogProblems(entry, lang, outcome));
          if (entry === errors[0] && lang === 'zh') await page.screenshot({ path: join(ARTIFACTS, 'corpus-broken-json.png') });
          await closeDialog();
        } else {
          bad.push(`${entry.file}: loaded, expected the error ${entry.code}`);
        }
        const now = await snapshot();
        if (now.plan !== demoState.plan) bad.push(`${entry.file}: the plan changed`);
        if (now.totals !== demoState.totals && lang === 'zh') bad.push(`${entry.file}: the totals changed: ${now.totals}`);
        if (now.instance !== 1) bad.push(`${entry.file}: the engine trapped (instance ${now.instance})`);
        if (bad.length && !outcome.kind) break;
      }
      numbers[`slowest_refusal_${lang}`] = slowest;
      numbers.refused_in_page = errors.length - imported.length;
      numbers.handed_to_importer = imported;
      assert.deepEqual(bad, []);
      assert.equal(await page.locator('[data-testid="toast-crashed"]').count(), 0);
    });
  }

  test('every repairable or valid file loads, with the repairs said', async () => {
    // Back to Chinese.
    if (!/户数/.test(await page.textContent('[data-testid="tab-balance"]'))) await page.click('[data-testid="lang-switch"]');
    const bad = [];
    for (const entry of loads) {
      const bytes = readFileSync(join(CORPUS, entry.file));
      const expected = new wasm.Engine(new TextDecoder().decode(bytes), entry.file, '');
      const outcome = await open({ name: entry.file, buffer: bytes });
      if (outcome.kind !== 'load') {
        bad.push(`${entry.file}: ${outcome.kind} ${outcome.codes}, expected it to load`);
        await closeDialog().catch(() => {});
        continue;
      }
      const now = await snapshot();
      if (int(now.communities) !== expected.report().totals.communities) bad.push(`${entry.file}: ${now.communities} communities`);
      if (int(now.households) !== expected.report().totals.households_total) bad.push(`${entry.file}: ${now.households} households`);
      if (now.plan !== expected.exportPlan()) bad.push(`${entry.file}: the page's plan is not the engine's`);
      const toast = page.locator('[data-testid="toast-notes"]');
      if (entry.notes.length) {
        const notes = expected.notes();
        const n = notes.reduce((s, x) => s + (x.count || 1), 0);
        const text = (await toast.count()) ? await toast.last().textContent() : '';
        if (!text.includes(`载入时自动修正了 ${n} 处`)) bad.push(`${entry.file}: the repairs are not said: ${JSON.stringify(text)}`);
        if (!text.includes(notes[0].message_zh)) bad.push(`${entry.file}: the toast lacks ${notes[0].message_zh}`);
        await toast.last().locator('.shequ-toast-close').click().catch(() => {});
      } else if (await toast.count()) {
        bad.push(`${entry.file}: repairs reported for a file that needed none`);
      }
    }
    assert.deepEqual(bad, []);
  });

  test('a 50 MB plan with one bad count at its very end: the message, quickly, and the plan kept', async () => {
    const demoBack = await open({ name: 'demo.geojson', buffer: Buffer.from(demo) });
    assert.equal(demoBack.kind, 'load');
    const before = await snapshot();
    let text = bigPlan(50);
    const at = text.lastIndexOf('"households": ');
    text = text.slice(0, at) + '"households": -' + text.slice(at + '"households": '.length);
    const features = text.split('"type": "Feature"').length - 1;
    const path = join(tmp, 'big-bad.geojson');
    writeFileSync(path, text);
    await startFreezeMeter();
    const outcome = await open({ name: 'big-bad.geojson', path }, 120000);
    const freeze = await stopFreezeMeter();
    numbers.big_bad = { mb: +(text.length / 1048576).toFixed(1), features, ms: outcome.ms, longest_freeze_ms: freeze };
    assert.equal(outcome.kind, 'error');
    assert.deepEqual(outcome.codes, ['load.negative']);
    const [first] = await shownProblems();
    assert.ok(first.where.includes('big-bad.geojson') && first.where.includes(`第 ${features} 个要素`) && first.where.includes('字段 households'), first.where);
    assert.match(first.what, /-60\d 为负数/);
    await closeDialog();
    assert.deepEqual(await snapshot(), before);
    assert.ok(outcome.ms < 60000, `${outcome.ms} ms`);
    assert.ok(freeze < 20000, `the page froze for ${freeze} ms`);
  });

  test('a million-vertex outline is refused within seconds, the plan kept', async () => {
    const before = await snapshot();
    const n = 1_000_000;
    const ring = new Array(n + 1);
    for (let i = 0; i <= n; i++) {
      const a = ((i % n) / n) * 2 * Math.PI;
      ring[i] = `[${119.4 + 0.01 * Math.cos(a)},${32.39 + 0.01 * Math.sin(a)}]`;
    }
    const text = `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"layer":"community","id":"C01","name":"巨型社区"},"geometry":{"type":"Polygon","coordinates":[[${ring.join(',')}]]}}]}`;
    const path = join(tmp, 'million.geojson');
    writeFileSync(path, text);
    await startFreezeMeter();
    const outcome = await open({ name: 'million.geojson', path }, 60000);
    const freeze = await stopFreezeMeter();
    numbers.million_vertices = { mb: +(text.length / 1048576).toFixed(1), ms: outcome.ms, longest_freeze_ms: freeze };
    assert.equal(outcome.kind, 'error');
    assert.deepEqual(outcome.codes, ['load.too_many_vertices']);
    const [first] = await shownProblems();
    for (const s of ['million.geojson', '第 1 个要素', '(C01)', '字段 geometry']) assert.ok(first.where.includes(s), first.where);
    assert.ok(first.what.includes('1,000,001') && first.fix.includes('简化'), first.what + first.fix);
    await closeDialog();
    assert.deepEqual(await snapshot(), before);
    assert.ok(outcome.ms < 15000, `${outcome.ms} ms`);
    assert.ok(freeze < 10000, `the page froze for ${freeze} ms`);
  });

  test('a valid 50 MB plan loads in bounded time and the page answers again', async () => {
    const text = bigPlan(50);
    const path = join(tmp, 'big.geojson');
    writeFileSync(path, text);
    const expectedCommunities = text.split('"layer": "community"').length - 1;
    await startFreezeMeter();
    const outcome = await open({ name: 'big.geojson', path }, 180000);
    const freeze = await stopFreezeMeter();
    numbers.big_valid = { mb: +(text.length / 1048576).toFixed(1), communities: expectedCommunities, ms: outcome.ms, longest_freeze_ms: freeze };
    assert.equal(outcome.kind, 'load', JSON.stringify(outcome));
    await page.waitForSelector('[data-testid="total-communities"]');
    assert.equal(int(await page.textContent('[data-testid="total-communities"]')), expectedCommunities);
    // The page answers: the language switch re-renders the panel.
    const t0 = Date.now();
    await page.click('[data-testid="lang-switch"]', { timeout: 30000 });
    await page.waitForFunction(() => /Households/.test(document.querySelector('[data-testid="tab-balance"]')?.textContent ?? ''), null, { timeout: 30000 });
    numbers.big_valid.switch_language_ms = Date.now() - t0;
    await page.click('[data-testid="lang-switch"]');
    await page.screenshot({ path: join(ARTIFACTS, 'corpus-50mb.png') });
    // Quiet machine: ~5 s, most of it one task (the engine reads and checks on
    // the main thread; there is no worker). Bounded here for a busy one.
    assert.ok(outcome.ms < 120000, `${outcome.ms} ms`);
    assert.ok(freeze < 60000, `the page froze for ${freeze} ms`);
  });

  test('per-layer GeoJSON files: the layers dialog guesses each file\'s layer, and they load as the demo does', async () => {
    // The demo split as planners' data often comes: one file per layer, named
    // in Chinese, features without a `layer` property.
    const NAMES = { community: '社区.geojson', compound: '小区.geojson', grid: '网格.geojson', barrier: '道路.geojson', service_center: '党群服务中心.geojson', street: '街道.geojson' };
    const byLayer = new Map();
    for (const f of JSON.parse(demo).features) {
      const { layer, ...properties } = f.properties;
      if (!byLayer.has(layer)) byLayer.set(layer, []);
      byLayer.get(layer).push({ ...f, properties });
    }
    assert.deepEqual([...byLayer.keys()].sort(), Object.keys(NAMES).sort());
    const files = [...byLayer].map(([layer, features]) => ({
      name: NAMES[layer], mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify({ type: 'FeatureCollection', features })),
    }));
    const loads = await page.evaluate(() => window.__outcomes.length);
    await page.click('[data-testid="file-menu"]');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid="import-layers"]')]);
    await chooser.setFiles(files);
    await page.waitForSelector('[data-testid="layers-dialog"]');
    for (const [layer, name] of Object.entries(NAMES)) {
      assert.equal(await page.$eval(`[data-testid="layer-of-${name}"]`, (e) => e.value), layer, name);
    }
    await page.click('[data-testid="layers-import"]');
    await page.waitForFunction((k) => window.__outcomes.length > k, loads);
    const outcome = await page.evaluate((k) => window.__outcomes[k], loads);
    assert.equal(outcome.kind, 'load', JSON.stringify(outcome));
    const report = new wasm.Engine(demo, 'demo.geojson', '').report();
    const state = await snapshot();
    assert.equal(int(state.communities), report.totals.communities);
    assert.equal(int(state.households), report.totals.households_total);
    const count = (text) => JSON.parse(text).features.reduce((m, f) => m.set(f.properties.layer, (m.get(f.properties.layer) ?? 0) + 1), new Map());
    assert.deepEqual(count(state.plan), count(demo), 'every feature of every layer');
  });

  test('no console errors, no CSP violations, no request off the page', async () => {
    assert.deepEqual(watch.errors, []);
    assert.deepEqual(watch.csp, []);
    assert.deepEqual(watch.foreign(), []);
  });
});

// ---- helpers ------------------------------------------------------------------------

/** The longest time the page's main thread did not answer, from a 20 ms heartbeat. */
function startFreezeMeter() {
  return page.evaluate(() => {
    const m = (window.__freeze = { last: performance.now(), max: 0 });
    m.timer = setInterval(() => {
      const now = performance.now();
      m.max = Math.max(m.max, now - m.last);
      m.last = now;
    }, 20);
  });
}

function stopFreezeMeter() {
  return page.evaluate(() => {
    const m = window.__freeze;
    clearInterval(m.timer);
    return Math.round(Math.max(m.max, performance.now() - m.last));
  });
}

/** The core corpus test's 50 MB plan (crates/shequ-core/tests/corpus.rs). */
function bigPlan(mb) {
  const parts = ['{"type": "FeatureCollection", "features": [\n'];
  let len = parts[0].length;
  for (let k = 0; len < mb * 1024 * 1024; k++) {
    const x = 119.3 + (k % 100) * 0.01, y = 32.3 + Math.floor(k / 100) * 0.01, x1 = x + 0.01, y1 = y + 0.01;
    let s = `${k > 0 ? ',\n' : ''}{"type": "Feature", "properties": {"layer": "community", "id": "C${k}", "name": "第${k}社区"}, "geometry": {"type": "Polygon", "coordinates": [[[${x}, ${y}], [${x1}, ${y}], [${x1}, ${y1}], [${x}, ${y1}], [${x}, ${y}]]]}}`;
    for (let j = 0; j < 8; j++) {
      const cx = x + 0.002 + (j % 4) * 0.002, cy = y + 0.003 + Math.floor(j / 4) * 0.004, r = 0.0009;
      const pts = [];
      for (let i = 0; i <= 200; i++) {
        const a = ((i % 200) / 200) * 2 * Math.PI;
        pts.push(`[${cx + r * Math.cos(a)}, ${cy + r * Math.sin(a)}]`);
      }
      s += `,\n{"type": "Feature", "properties": {"layer": "compound", "id": "X${k}-${j}", "name": "第${k}社区${j}号小区", "households": ${600 + j}}, "geometry": {"type": "Polygon", "coordinates": [[${pts.join(', ')}]]}}`;
    }
    parts.push(s);
    len += s.length;
  }
  parts.push('\n]}\n');
  return parts.join('');
}
