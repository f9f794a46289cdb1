// End-to-end tests of the planner in real headless Chromium, against web/dist
// served on 127.0.0.1 with the page's CSP as a header. Expected values are
// computed independently: from the demo file itself and from the engine run
// in Node on the plan the page exports.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, demoText, dragMovingOne, interiorPoint, launch, metres, nodeEngine, ringsOf, selectCommunity as select, startServer, watchedPage } from './harness.mjs';

const VIEWPORT = { width: 1600, height: 1000 };
let server, browser, context, page, watch, wasm, demo;
const numbers = {};

const int = (s) => Number(String(s).replace(/[^\d-]/g, ''));
const hh = (id) => page.textContent(`[data-testid="households-${id}"]`).then(int);
const shot = (name) => page.screenshot({ path: join(ARTIFACTS, name + '.png') });
const key = (p) => p[0] + ',' + p[1];

function engineFor(text, name = 'plan.geojson') {
  return new wasm.Engine(text, name, '');
}

/** Finding codes shown in the panel for a community, sorted. */
async function panelCodes(id) {
  return page.$$eval('[data-testid="findings"] li.shequ-finding', (els, id) =>
    els.filter((e) => e.dataset.communities.split(' ').includes(id)).map((e) => e.dataset.code).sort(), id);
}
function reportCodes(report, id) {
  return report.findings.filter((f) => f.community_ids.includes(id)).map((f) => f.code).sort();
}

async function waitSaved() {
  await page.waitForSelector('[data-testid="save-state"][data-state="saved"]');
}

const selectCommunity = (id) => select(page, id);

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  wasm = await nodeEngine();
  demo = demoText();
  server = await startServer();
  browser = await launch();
  context = await browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN', acceptDownloads: true });
  ({ page, watch } = await watchedPage(context, server.origin));
});

after(async () => {
  console.log('measured:', JSON.stringify(numbers));
  await browser?.close();
  await server?.close();
});

describe('the planner', () => {
  let report0;
  let dragged; // {from, to, compound, after: {from, to}}
  let reassigned; // {from, to, grid, before, after}

  test('loads the demo district', async () => {
    const t0 = Date.now();
    await page.goto(server.origin + '/index.html');
    await page.waitForSelector('[data-testid="total-communities"]');
    numbers.load_wall_ms = Date.now() - t0;
    numbers.load_ms = await page.evaluate(() => Math.round(performance.getEntriesByName('shequ:loaded')[0]?.startTime));
    report0 = engineFor(demo, 'demo.geojson').report();
    assert.equal(int(await page.textContent('[data-testid="total-communities"]')), report0.totals.communities);
    assert.equal(int(await page.textContent('[data-testid="total-households"]')), report0.totals.households_total);
    assert.equal(await page.locator('[data-testid="balance"] li').count(), report0.communities.length);
    for (const c of report0.communities) assert.equal(await hh(c.id), c.households_total, c.id);
    assert.equal(await page.locator('[data-testid="findings"] li.shequ-finding').count(), report0.findings.length);
    await shot('01-loaded');
  });

  test('dragging a shared vertex with the mouse moves a compound; panel and neighbour follow', async () => {
    // Choose, with the engine in Node, a shared vertex whose move takes exactly one compound across.
    const eng = engineFor(demo, 'demo.geojson');
    const pick = dragMovingOne(eng);
    assert.ok(pick, 'the demo has a shared vertex whose drag moves one compound');
    const moving = pick.c.hh;
    const beforeFrom = await hh(pick.from), beforeTo = await hh(pick.to);

    await selectCommunity(pick.from);
    if ((await page.getAttribute('[data-testid="snap-toggle"]', 'aria-pressed')) === 'true') await page.click('[data-testid="snap-toggle"]');
    const handles = await page.evaluate(() => window.shequ.handles());
    const handle = handles.reduce((b, h) => (metres([h.lng, h.lat], pick.n) < metres([b.lng, b.lat], pick.n) ? h : b));
    assert.ok(metres([handle.lng, handle.lat], pick.n) < 0.01, 'a handle is drawn on the shared vertex');
    const a = await page.evaluate(([x, y]) => window.shequ.toScreen(x, y), pick.n);
    const b = await page.evaluate(([x, y]) => window.shequ.toScreen(x, y), pick.T);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    const steps = 40;
    for (let i = 1; i <= steps; i++) await page.mouse.move(a.x + ((b.x - a.x) * i) / steps, a.y + ((b.y - a.y) * i) / steps);
    // The engine answers each frame's dragTo in its own time: wait for the last one to show.
    const toName = report0.communities.find((c) => c.id === pick.to).name;
    await page.waitForFunction((name) => document.querySelector('[data-testid="drag-badge"]')?.textContent.includes(name), toName, { timeout: 5000 });
    const badge = await page.textContent('[data-testid="drag-badge"]');
    assert.ok(badge.includes(toName), `badge names the receiving community: ${badge}`);
    assert.ok(badge.replace(/[,\s]/g, '').includes(String(moving)), `badge gives the households: ${badge}`);
    await shot('02-dragging');
    await page.mouse.up();

    // Expected, independently: the demo's own household counts, and the engine run on the exported plan.
    await page.waitForFunction(([id, v]) => document.querySelector(`[data-testid="households-${id}"]`)?.textContent.replace(/\D/g, '') === String(v), [pick.from, beforeFrom - moving]);
    assert.equal(await hh(pick.from), beforeFrom - moving);
    assert.equal(await hh(pick.to), beforeTo + moving);
    const plan = await page.evaluate(() => window.shequ.getPlan());
    const check = engineFor(plan).report();
    for (const id of [pick.from, pick.to]) {
      assert.equal(await hh(id), check.communities.find((c) => c.id === id).households_total, id);
      assert.deepEqual(await panelCodes(id), reportCodes(check, id), `findings of ${id}`);
    }
    assert.ok(check.communities.find((c) => c.id === pick.to).compounds.includes(pick.c.id));
    // The shared vertex moved for both communities.
    const now = ringsOf(engineFor(plan).geometry());
    const keys = (id, r) => new Set(r.get(id).flat().map(key));
    const oldFrom = keys(pick.from, ringsOf(engineFor(demo).geometry()));
    const newFrom = keys(pick.from, now), newTo = keys(pick.to, now);
    assert.ok(!newFrom.has(key(pick.n)) && !newTo.has(key(pick.n)), 'the old vertex is gone from both');
    const moved = [...newFrom].filter((k) => !oldFrom.has(k) && newTo.has(k)).map((k) => k.split(',').map(Number));
    assert.ok(moved.some((q) => metres(q, pick.T) < 15), 'both communities share the new vertex position');
    numbers.drag = await page.evaluate(() => window.shequ.stats());
    dragged = { ...pick, after: { from: beforeFrom - moving, to: beforeTo + moving } };
  });

  test('reassigning a grid cell by clicking', async () => {
    const plan = await page.evaluate(() => window.shequ.getPlan());
    const eng = engineFor(plan);
    const rep = eng.report();
    const grid = new Map(eng.layer('grid').features.map((f) => [String(f.properties.id), f]));
    let pick = null;
    for (const c of rep.communities) {
      for (const g of c.grid_cells) {
        for (const n of c.neighbours) {
          try {
            eng.reassign('grid', g, n.id);
          } catch {
            continue;
          }
          const r = eng.report();
          const a = r.communities.find((x) => x.id === c.id), b = r.communities.find((x) => x.id === n.id);
          if (a && b && a.households_total !== c.households_total) pick = { grid: g, from: c.id, to: n.id, expected: r };
          eng.undo();
          if (pick) break;
        }
        if (pick) break;
      }
      if (pick) break;
    }
    assert.ok(pick, 'a grid cell that can be reassigned');
    const before = { from: await hh(pick.from), to: await hh(pick.to) };
    await selectCommunity(pick.from);
    await page.click('[data-testid="tool-reassign"]');
    await page.click('[data-testid="reassign-layer-grid"]');
    const g = grid.get(pick.grid).geometry;
    const inside = interiorPoint(g.type === 'Polygon' ? g.coordinates[0] : g.coordinates[0][0]);
    const at = await page.evaluate(([x, y]) => window.shequ.toScreen(x, y), inside);
    await page.mouse.click(at.x, at.y);
    await page.waitForSelector('[data-testid="reassign-menu"]');
    await shot('03-reassign-menu');
    await page.click(`[data-testid="reassign-target-${pick.to}"]`);
    const want = (id) => pick.expected.communities.find((c) => c.id === id).households_total;
    await page.waitForFunction(([id, v]) => document.querySelector(`[data-testid="households-${id}"]`)?.textContent.replace(/\D/g, '') === String(v), [pick.from, want(pick.from)]);
    assert.equal(await hh(pick.to), want(pick.to));
    const report = await page.evaluate(() => window.shequ.getReport());
    assert.ok(report.communities.find((c) => c.id === pick.to).grid_cells.includes(pick.grid));
    for (const id of [pick.from, pick.to]) assert.deepEqual(await panelCodes(id), reportCodes(pick.expected, id));
    await page.click('[data-testid="tool-select"]');
    reassigned = { ...pick, before, after: { from: want(pick.from), to: want(pick.to) } };
  });

  test('undo and redo, with the buttons and the keyboard', async () => {
    const { from, to, before, after: post } = reassigned;
    await page.keyboard.press('Control+z');
    await page.waitForFunction(([id, v]) => document.querySelector(`[data-testid="households-${id}"]`)?.textContent.replace(/\D/g, '') === String(v), [from, before.from]);
    assert.equal(await hh(to), before.to);
    await page.click('[data-testid="redo"]');
    assert.equal(await hh(from), post.from);
    assert.equal(await hh(to), post.to);
    await page.click('[data-testid="undo"]');
    assert.equal(await hh(from), before.from);
    await page.keyboard.press('Control+Shift+z');
    assert.equal(await hh(from), post.from);
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+y');
    assert.equal(await hh(from), post.from);
    assert.equal(await hh(to), post.to);
  });

  test('reload restores the autosaved plan and its comparison', async () => {
    await waitSaved();
    const plan = await page.evaluate(() => window.shequ.getPlan());
    await page.reload();
    await page.waitForSelector('[data-testid="toast-restored"]');
    await page.waitForSelector('[data-testid="total-communities"]');
    assert.equal(await hh(reassigned.from), reassigned.after.from);
    assert.equal(await hh(reassigned.to), reassigned.after.to);
    const eng = engineFor(plan);
    eng.setBaseline(demo, 'demo.geojson');
    const expected = eng.report().comparison;
    await page.click('[data-testid="tab-compare"]');
    assert.equal(int(await page.textContent('[data-testid="compounds-moved"]')), expected.compounds_moved);
    assert.equal(int(await page.textContent('[data-testid="households-moved"]')), expected.households_moved);
    await shot('04-restored-comparison');
  });

  test('a broken file shows the engine\'s message and leaves the plan unchanged', async () => {
    const totals = await page.textContent('[data-testid="totals"]');
    const broken = JSON.stringify({ type: 'FeatureCollection', features: [
      { type: 'Feature', properties: { layer: 'compound', id: 'X1', name: '坏小区', households: -5 }, geometry: { type: 'Point', coordinates: [119.4, 32.4] } },
    ] });
    let message;
    try {
      engineFor(broken, 'broken.geojson');
    } catch (e) {
      message = e.errors[0].problem_zh;
    }
    assert.ok(message, 'the engine refuses the file');
    await page.click('[data-testid="file-menu"]');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid="open-plan"]')]);
    await chooser.setFiles({ name: 'broken.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(broken) });
    await page.waitForSelector('[data-testid="load-error"]');
    const text = await page.textContent('[data-testid="load-error"]');
    assert.ok(text.includes(message), `shows the engine's message: ${text}`);
    assert.ok(text.includes('broken.geojson') && text.includes('households'), 'names the file and the field');
    await shot('05-load-error');
    await page.keyboard.press('Escape');
    assert.equal(await page.textContent('[data-testid="totals"]'), totals);
    assert.equal(await hh(reassigned.from), reassigned.after.from);
  });

  test('switching to English, remembered across a reload', async () => {
    await page.click('[data-testid="lang-switch"]');
    assert.match(await page.textContent('[data-testid="tab-balance"]'), /Households/);
    const report = await page.evaluate(() => window.shequ.getReport());
    const f = report.findings[0];
    if (f) {
      await page.click('[data-testid="tab-findings"]');
      assert.equal(await page.textContent(`[data-testid="finding-${f.id}"] .shequ-finding-msg`), f.message_en);
    }
    await shot('06-english');
    await page.reload();
    await page.waitForSelector('[data-testid="total-communities"]');
    assert.match(await page.textContent('[data-testid="tab-balance"]'), /Households/);
    await page.click('[data-testid="lang-switch"]');
    assert.match(await page.textContent('[data-testid="tab-balance"]'), /户数/);
  });

  test('the toolbar keeps to one row at every width, in both languages, labels moving to tooltips', async () => {
    const size = page.viewportSize();
    const measure = () => {
      const bar = document.querySelector('[data-testid="toolbar"]');
      const first = bar.firstElementChild, last = bar.lastElementChild;
      return { wraps: last.offsetTop >= first.offsetTop + first.offsetHeight, labels: [...bar.querySelectorAll('.shequ-tools .shequ-tb-label')].filter((e) => e.offsetWidth > 0).length };
    };
    // The toolbar refits on the frame after a resize is observed, and says at which width.
    const oneRow = async () => {
      await page.waitForFunction(() => {
        const bar = document.querySelector('[data-testid="toolbar"]');
        return bar.dataset.fitWidth === String(bar.clientWidth);
      }, null, { timeout: 5000 });
      return page.evaluate(measure);
    };
    try {
      for (const lang of ['zh', 'en']) {
        const seen = new Set();
        for (const width of [1920, 1400, 1200, 1024, 820]) { // 820: a tablet
          await page.setViewportSize({ width, height: size.height });
          const r = await oneRow();
          assert.equal(r.wraps, false, `${lang} at ${width} px: one row`);
          seen.add(r.labels);
        }
        assert.ok(seen.size > 1, `${lang}: the tools' labels show where there is room and hide where there is not`);
        assert.ok(await page.getAttribute('[data-testid="tool-split"]', 'aria-label'), 'a tool without its label keeps its accessible name');
        await page.click('[data-testid="lang-switch"]');
      }
    } finally {
      await page.setViewportSize(size);
    }
  });

  test('drag latency at the demo size', async () => {
    // A long drag of a vertex of the selected community, then Esc to cancel it.
    await selectCommunity(dragged.from);
    const map = await page.locator('[data-testid="map"]').boundingBox();
    const visible = await page.evaluate(() => window.shequ.handles().map((h) => ({ ...h, at: window.shequ.toScreen(h.lng, h.lat) })));
    const inside = visible.filter((h) => h.at.x > map.x + 80 && h.at.x < map.x + map.width - 80 && h.at.y > map.y + 80 && h.at.y < map.y + map.height - 80);
    const a = (inside.find((x) => x.degree === 2) ?? inside[0]).at;
    const totals = await page.textContent('[data-testid="totals"]');
    await page.evaluate(() => window.shequ.stats()); // warm
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    for (let i = 0; i < 240; i++) await page.mouse.move(a.x + 30 * Math.sin(i / 12), a.y + 20 * Math.cos(i / 17) - 20);
    await page.keyboard.press('Escape');
    await page.mouse.up();
    numbers.long_drag = await page.evaluate(() => window.shequ.stats());
    assert.equal(await page.textContent('[data-testid="totals"]'), totals, 'Esc cancels the drag');
    assert.ok(numbers.long_drag.n > 20);
  });

  test('a trap in the engine: a fresh instance, the last autosaved plan, and a message', async () => {
    await waitSaved();
    const totals = await page.textContent('[data-testid="totals"]');
    const plan = await page.evaluate(() => window.shequ.getPlan());
    // What a Rust panic looks like from JavaScript: a RuntimeError out of an engine call.
    await page.evaluate(async () => {
      const m = await import(new URL('pkg/shequ_wasm.js?instance=' + window.shequ.engineInstance, document.baseURI).href);
      m.Engine.prototype.dragTo = () => { throw new WebAssembly.RuntimeError('unreachable'); };
    });
    await selectCommunity(dragged.from);
    const map = await page.locator('[data-testid="map"]').boundingBox();
    const visible = await page.evaluate(() => window.shequ.handles().map((h) => ({ ...h, at: window.shequ.toScreen(h.lng, h.lat) })));
    const h = visible.find((x) => x.at.x > map.x + 80 && x.at.x < map.x + map.width - 80 && x.at.y > map.y + 80 && x.at.y < map.y + map.height - 80);
    await page.mouse.move(h.at.x, h.at.y);
    await page.mouse.down();
    for (let i = 1; i <= 5; i++) await page.mouse.move(h.at.x + i * 5, h.at.y + i * 3);
    await page.mouse.up();
    await page.waitForSelector('[data-testid="toast-crashed"]');
    assert.equal(await page.evaluate(() => window.shequ.engineInstance), 2);
    assert.equal(await page.textContent('[data-testid="totals"]'), totals);
    assert.equal(await page.evaluate(() => window.shequ.getPlan()), plan);
    assert.ok(server.log.some((r) => r.path === '/pkg/shequ_wasm.js?instance=2'), 'a new module instance was loaded');
    // The new instance edits as before.
    await page.click('[data-testid="tool-reassign"]');
    await page.click('[data-testid="tool-select"]');
    const h2 = (await page.evaluate(() => window.shequ.handles().map((x) => ({ ...x, at: window.shequ.toScreen(x.lng, x.lat) })))).find((x) => x.id === h.id) ?? h;
    await page.mouse.move(h2.at.x, h2.at.y);
    await page.mouse.down();
    for (let i = 1; i <= 5; i++) await page.mouse.move(h2.at.x + i * 2, h2.at.y + i * 2);
    await page.keyboard.press('Escape');
    await page.mouse.up();
    assert.equal(await page.textContent('[data-testid="totals"]'), totals);
  });

  test('the portal example embeds the component', async () => {
    const { page: portal, watch: w } = await watchedPage(context, server.origin);
    await portal.goto(server.origin + '/examples/portal.html');
    await portal.waitForFunction(() => /\d+ 个社区/.test(document.querySelector('[data-testid="portal-summary"]')?.textContent ?? ''));
    assert.match(await portal.textContent('[data-testid="portal-summary"]'), new RegExp(`${report0.totals.communities} 个社区`));
    await portal.screenshot({ path: join(ARTIFACTS, '07-portal.png') });
    assert.deepEqual(w.errors, []);
    assert.deepEqual(w.csp, []);
    assert.deepEqual(w.foreign(), []);
    await portal.close();
  });

  test('no console errors, no CSP violations, no request off the page', async () => {
    assert.deepEqual(watch.errors, []);
    assert.deepEqual(watch.csp, []);
    assert.deepEqual(watch.foreign(), []);
    assert.ok(server.log.some((r) => r.path.endsWith('.wasm')), 'the wasm came from the test server');
  });
});
