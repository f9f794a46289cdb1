// Retakes the README's screenshots (docs/screenshots/*.png) from web/dist:
// headless Chromium (Debian's, through playwright-core and the tests'
// harness), the app in Chinese at 1400×860, a fresh browser context (nothing
// autosaved, so the demo district loads) for each picture:
//
//   planner.png       a community selected, a shared vertex dragged part-way
//                     across a compound (the badge and the panel mid-drag; Esc after)
//   sheet.png         the 一社区一方案 print preview of one community
//   before-after.png  the before/after swipe after one grid cell was given to a neighbour
//   import.png        the import dialog for the hand-over fixture (tests/import/:
//                     zipped Shapefiles in EPSG:4549, GBK, and the households CSV)
//
// Run after `npm run build`: `node scripts/screenshots.mjs`, or only some:
// `node scripts/screenshots.mjs planner import` (CHROMIUM=path to use another
// Chromium). A CJK font (fonts-wqy-microhei or Noto CJK) must be
// installed, or the Chinese is drawn as boxes.
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WEB, demoText, dragMovingOne, interiorPoint, launch, metres, nodeEngine, ringsOf, selectCommunity, startServer, watchedPage } from '../tests/harness.mjs';

const OUT = join(WEB, '..', 'docs', 'screenshots');
const FIXTURES = join(WEB, '..', 'tests', 'import');
const VIEWPORT = { width: 1400, height: 860 };
const SHEET_ID = 'C001';

const key = (p) => p[0] + ',' + p[1];
// `node scripts/screenshots.mjs planner import`: only those.
const only = process.argv.slice(2);
const want = (name) => !only.length || only.includes(name);

/**
 * A shared vertex (two communities, degree 2) and a point beyond a compound
 * of one of them such that dragging there moves exactly that compound to the
 * other community — found with the engine in Node on the demo.
 */
function pickDrag(wasm, demo) {
  const eng = new wasm.Engine(demo, 'demo.geojson', '');
  const rep = eng.report();
  // A drag long enough to see, short enough to stay on screen; the most households first: a badge worth reading.
  const pick = dragMovingOne(eng, { min: 60, max: 250, order: (a, b) => b.c.hh - a.c.hh || a.d - b.d, factors: [1.4, 1.6, 1.3], limit: Infinity });
  if (pick) return { ...pick, toName: rep.communities.find((c) => c.id === pick.to).name };
  throw new Error('no shared vertex in the demo whose drag moves one compound');
}

/**
 * A grid cell that, given to a neighbour it borders, changes both
 * communities' households: of those, the one nearest the district's middle
 * (neighbours on every side of it in the picture).
 */
function pickReassign(wasm, demo) {
  const eng = new wasm.Engine(demo, 'demo.geojson', '');
  const rep = eng.report();
  const all = [...ringsOf(eng.geometry()).values()].flat(2);
  const mid = (pts, k) => (Math.min(...pts.map((p) => p[k])) + Math.max(...pts.map((p) => p[k]))) / 2;
  const centre = [mid(all, 0), mid(all, 1)];
  const cells = new Map(eng.layer('grid').features.map((f) => {
    const g = f.geometry;
    const pts = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates).flat(2);
    return [String(f.properties.id), { middle: [mid(pts, 0), mid(pts, 1)], at: interiorPoint(g.type === 'Polygon' ? g.coordinates[0] : g.coordinates[0][0]) }];
  }));
  const parts = (e) => new Map([...ringsOf(e.geometry())].map(([id, rings]) => [id, rings.length]));
  const before = parts(eng);
  const tries = rep.communities.flatMap((c) => c.grid_cells.flatMap((g) => c.neighbours.map((n) => ({ c, g, n, d: metres(cells.get(g).middle, centre) }))));
  tries.sort((a, b) => a.d - b.d);
  for (const { c, g, n } of tries) {
    try { eng.reassign('grid', g, n.id); } catch { continue; }
    const after = eng.report().communities.find((x) => x.id === c.id);
    const now = after && after.households_total !== c.households_total ? parts(eng) : null;
    eng.undo();
    // Both communities still in one piece: the cell borders the neighbour.
    if (now && now.get(c.id) <= before.get(c.id) && now.get(n.id) <= before.get(n.id)) {
      return { grid: g, from: c.id, to: n.id, after: after.households_total, ...cells.get(g) };
    }
  }
  throw new Error('no grid cell in the demo to reassign');
}

async function settle(page) {
  await page.evaluate(() => document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))));
}

/** Waits until no toast is showing (the "loaded" toast lasts a few seconds). */
async function noToasts(page) {
  await page.waitForFunction(() => ![...document.querySelectorAll('.shequ-toast')].some((e) => e.offsetParent !== null), null, { timeout: 15000 }).catch(() => {});
}

async function shoot(page, name) {
  await settle(page);
  const path = join(OUT, name);
  await page.screenshot({ path, type: 'png' });
  const kb = statSync(path).size / 1024;
  console.log(`${name}: ${kb.toFixed(0)} KB${kb > 500 ? '  (over 500 KB)' : ''}`);
}

const server = await startServer();
const browser = await launch();
const wasm = await nodeEngine();
const demo = demoText();
const problems = [];

/** A fresh context (no autosave: the demo district loads), the app in Chinese. */
async function fresh() {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, locale: 'zh-CN' });
  const { page, watch } = await watchedPage(context, server.origin);
  await page.goto(server.origin + '/index.html');
  await page.waitForSelector('[data-testid="total-communities"]');
  await page.evaluate(() => window.shequ.setLanguage('zh'));
  await noToasts(page);
  return { context, page, watch };
}

function done({ context, watch }, name) {
  for (const e of watch.errors) problems.push(`${name}: ${e}`);
  for (const e of watch.csp) problems.push(`${name}: CSP ${e}`);
  for (const u of watch.foreign()) problems.push(`${name}: request to ${u}`);
  return context.close();
}

try {
  mkdirSync(OUT, { recursive: true });

  // 1. The planner, mid-drag.
  if (want('planner')) {
    const s = await fresh();
    const { page } = s;
    const pick = pickDrag(wasm, demo);
    await selectCommunity(page, pick.from);
    if ((await page.getAttribute('[data-testid="snap-toggle"]', 'aria-pressed')) === 'true') await page.click('[data-testid="snap-toggle"]');
    // The drag in the middle of the map: Leaflet's keyboard panning, 80 px a
    // press (ignored while the last one is still animating).
    const toScreen = (p) => page.evaluate(([x, y]) => window.shequ.toScreen(x, y), p);
    const map = await page.locator('[data-testid="map"]').boundingBox();
    const [a0, b0] = [await toScreen(pick.n), await toScreen(pick.T)];
    const dx = Math.round((map.x + map.width * 0.45 - (a0.x + b0.x) / 2) / 80), dy = Math.round((map.y + map.height * 0.55 - (a0.y + b0.y) / 2) / 80);
    if (dx || dy) {
      await page.$eval('[data-testid="map"]', (e) => (e.classList.contains('leaflet-container') ? e : e.querySelector('.leaflet-container')).focus());
      const press = async (k) => { await page.keyboard.press(k); await page.waitForTimeout(400); };
      for (let i = 0; i < Math.abs(dx); i++) await press(dx > 0 ? 'ArrowLeft' : 'ArrowRight');
      for (let i = 0; i < Math.abs(dy); i++) await press(dy > 0 ? 'ArrowUp' : 'ArrowDown');
      await page.evaluate(() => document.activeElement?.blur());
      await page.waitForTimeout(600);
    }
    const a = await toScreen(pick.n), b = await toScreen(pick.T);
    const hh = () => page.evaluate(([f, t]) => [f, t].map((id) => document.querySelector(`[data-testid="households-${id}"]`)?.textContent), [pick.from, pick.to]);
    const before = await hh();
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    const steps = 30;
    for (let i = 1; i <= steps; i++) await page.mouse.move(a.x + ((b.x - a.x) * i) / steps, a.y + ((b.y - a.y) * i) / steps);
    await page.waitForFunction((name) => document.querySelector('[data-testid="drag-badge"]')?.textContent.includes(name), pick.toName, { timeout: 5000 });
    await shoot(page, 'planner.png');
    console.log(`  dragging ${pick.from} → ${pick.to}: ${(await page.textContent('[data-testid="drag-badge"]')).trim()}; panel ${before.join(', ')} → ${(await hh()).join(', ')}`);
    await page.keyboard.press('Escape'); // cancels the drag: the plan as it was
    await page.mouse.up();
    const back = await hh();
    if (back.join() !== before.join()) problems.push(`planner: after Esc the panel shows ${back.join(', ')}, not ${before.join(', ')}`);
    await done(s, 'planner');
  }

  // 2. The 一社区一方案 sheet of one community.
  if (want('sheet')) {
    const s = await fresh();
    const { page } = s;
    await selectCommunity(page, SHEET_ID);
    await page.click('[data-testid="tab-detail"]');
    await page.waitForSelector('[data-testid="detail-sizhi"]');
    await page.click('[data-testid="print-sheet"]');
    await page.waitForSelector(`[data-testid="sheet-${SHEET_ID}"] [data-testid="sheet-map-outline"]`);
    await shoot(page, 'sheet.png');
    await done(s, 'sheet');
  }

  // 3. Before/after: one grid cell given to a neighbour, then the swipe.
  if (want('before-after')) {
    const s = await fresh();
    const { page } = s;
    const pick = pickReassign(wasm, demo);
    await selectCommunity(page, pick.from);
    await page.click('[data-testid="tool-reassign"]');
    await page.click('[data-testid="reassign-layer-grid"]');
    const at = await page.evaluate(([x, y]) => window.shequ.toScreen(x, y), pick.at);
    await page.mouse.click(at.x, at.y);
    await page.click(`[data-testid="reassign-target-${pick.to}"]`);
    await page.waitForFunction(([id, v]) => document.querySelector(`[data-testid="households-${id}"]`)?.textContent.replace(/\D/g, '') === String(v), [pick.from, pick.after]);
    await page.click('[data-testid="tool-select"]');
    // The swipe map is a Leaflet map of its own, caught as it is made
    // (window.L is the app's Leaflet) to bring the grid cell under the divider.
    await page.evaluate(() => window.L.Map.addInitHook(function () { window.__swipeMap = this; }));
    await page.click('[data-testid="consult-compare"]');
    await page.waitForSelector('[data-testid="consult-compare"][data-mode="swipe"]');
    // Closer, the grid cell that changed hands in the middle, under the divider.
    await page.evaluate(([lng, lat]) => {
      const m = window.__swipeMap;
      m.setView([lat, lng], m.getZoom() + 1.5, { animate: false });
    }, pick.middle);
    await page.waitForTimeout(300);
    await noToasts(page);
    await shoot(page, 'before-after.png');
    await done(s, 'before-after');
  }

  // 4. The import dialog for the usual hand-over.
  if (want('import')) {
    const s = await fresh();
    const { page } = s;
    await page.click('[data-testid="file-menu"]');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid="open-plan"]')]);
    await chooser.setFiles(['handover_4549_gbk.zip', 'handover_households.csv'].map((name) => ({ name, mimeType: 'application/octet-stream', buffer: readFileSync(join(FIXTURES, name)) })));
    await page.waitForSelector('[data-testid="import-dialog"]');
    // Scrolled to the compounds: their households to come from the table.
    await page.$eval('[data-testid="import-field-小区范围.shp-households"]', (e) => e.scrollIntoView({ block: 'center' }));
    await shoot(page, 'import.png');
    await done(s, 'import');
  }
} finally {
  await browser.close();
  await server.close();
}
if (problems.length) {
  console.error('the page reported:\n  ' + problems.join('\n  '));
  process.exitCode = 1;
}
