// Consultation mode in real Chromium (web/dist, the page's CSP as a header):
// before/after (swipe and side by side), the presentation view, and the
// read-only plan file handed out and opened again. Expected numbers come from
// the engine run in Node on the demo and on the plans the page exports.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, demoText, interiorPoint, launch, nodeEngine, startServer, watchedPage } from './harness.mjs';

const VIEWPORT = { width: 1600, height: 1000 };
let server, browser, context, page, watch, wasm, demo;
const watches = [];
const int = (s) => Number(String(s).replace(/[^\d-]/g, ''));
const shot = (p, name) => p.screenshot({ path: join(ARTIFACTS, name + '.png') });

/** Reassigns a grid cell with the mouse (reassign tool) so that two communities' households change. */
async function reassignGridCell(p) {
  const plan = await p.evaluate(() => window.shequ.getPlan());
  const eng = new wasm.Engine(plan, 'plan.geojson', '');
  const rep = eng.report();
  const grid = new Map(eng.layer('grid').features.map((f) => [String(f.properties.id), f]));
  let pick = null;
  for (const c of rep.communities) {
    for (const g of c.grid_cells) {
      for (const n of c.neighbours) {
        try { eng.reassign('grid', g, n.id); } catch { continue; }
        const r = eng.report();
        const a = r.communities.find((x) => x.id === c.id), b = r.communities.find((x) => x.id === n.id);
        if (a && b && a.households_total !== c.households_total) {
          pick = { grid: g, from: c.id, to: n.id, before: { from: c.households_total, to: rep.communities.find((x) => x.id === n.id).households_total }, after: { from: a.households_total, to: b.households_total } };
        }
        eng.undo();
        if (pick) break;
      }
      if (pick) break;
    }
    if (pick) break;
  }
  assert.ok(pick, 'a grid cell that can be reassigned');
  await p.click('[data-testid="tab-balance"]');
  await p.click(`[data-testid="balance-row-${pick.from}"]`);
  await p.waitForTimeout(900);
  await p.click('[data-testid="tool-reassign"]');
  await p.click('[data-testid="reassign-layer-grid"]');
  const g = grid.get(pick.grid).geometry;
  const inside = interiorPoint(g.type === 'Polygon' ? g.coordinates[0] : g.coordinates[0][0]);
  const at = await p.evaluate(([x, y]) => window.shequ.toScreen(x, y), inside);
  await p.mouse.click(at.x, at.y);
  await p.click(`[data-testid="reassign-target-${pick.to}"]`);
  await p.waitForFunction(([id, v]) => document.querySelector(`[data-testid="households-${id}"]`)?.textContent.replace(/\D/g, '') === String(v), [pick.from, pick.after.from]);
  await p.click('[data-testid="tool-select"]');
  return pick;
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  wasm = await nodeEngine();
  demo = demoText();
  server = await startServer();
  browser = await launch();
  context = await browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN', acceptDownloads: true });
  ({ page, watch } = await watchedPage(context, server.origin));
  watches.push(watch);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe('consultation mode', () => {
  let edit; // {from, to, before, after}
  let readOnlyText;

  test('before/after with a swipe divider shows the plan as loaded and the current plan', async () => {
    await page.goto(server.origin + '/index.html');
    await page.waitForSelector('[data-testid="total-communities"]');
    edit = await reassignGridCell(page);
    await page.click('[data-testid="consult-compare"]');
    await page.waitForSelector('[data-testid="consult-compare"][data-mode="swipe"]');
    const text = (sel) => page.textContent(sel).then(int);
    for (const side of ['before', 'after']) {
      for (const which of ['from', 'to']) {
        assert.equal(await text(`[data-testid="consult-${side}-hh-${edit[which]}"]`), edit[side][which], `${side} ${which}`);
      }
    }
    // Both plans have every demo community labelled with its name.
    const report0 = new wasm.Engine(demo, 'demo.geojson', '').report();
    const c0 = report0.communities.find((c) => c.id === edit.from);
    assert.equal(await page.textContent(`[data-testid="consult-before-label-${edit.from}"] .shequ-consult-label-name`), c0.name);
    assert.equal(await page.locator('[data-testid^="consult-before-label-"]').count(), report0.communities.length);
    // The edited communities are labelled even where labels are thinned.
    assert.equal(await page.isVisible(`[data-testid="consult-after-label-${edit.from}"]`), true);
    // The divider clips "before" to its left and "after" to its right.
    const clips = () => page.evaluate(() => {
      const m = document.querySelector('[data-testid="consult-swipe-map"]');
      const x = (pane) => m.querySelector('.leaflet-pane.leaflet-consult-' + pane + '-pane').style.clip;
      return { before: x('before'), after: x('after'), value: +document.querySelector('[data-testid="consult-divider"]').getAttribute('aria-valuenow') };
    });
    const c1 = await clips();
    assert.equal(c1.value, 50);
    assert.match(c1.before, /^rect\(/);
    const box = await page.locator('[data-testid="consult-swipe-map"]').boundingBox();
    const handle = await page.locator('[data-testid="consult-divider"]').boundingBox();
    await page.mouse.move(handle.x + handle.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.25, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    const c2 = await clips();
    assert.ok(Math.abs(c2.value - 25) <= 1, `divider at ${c2.value}%`);
    const right = (clip) => Number(clip.match(/rect\(([-\d.]+)px, ([-\d.]+)px/)[2]);
    const left = (clip) => Number(clip.match(/([-\d.]+)px\)$/)[1]);
    assert.ok(right(c2.before) < right(c1.before), 'before shrinks to the left');
    assert.equal(right(c2.before), left(c2.after), 'before ends where after starts');
    await page.focus('[data-testid="consult-divider"]');
    await page.keyboard.press('End');
    assert.equal((await clips()).value, 100);
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    assert.equal((await clips()).value, 5);
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await shot(page, 'c1-swipe');
  });

  test('side by side: two maps in step', async () => {
    await page.click('[data-testid="consult-mode-side"]');
    await page.waitForSelector('[data-testid="consult-compare"][data-mode="side"]');
    const before = page.locator('[data-testid="consult-before-map"]');
    const after = page.locator('[data-testid="consult-after-map"]');
    assert.equal(int(await before.locator(`[data-testid="consult-before-hh-${edit.from}"]`).textContent()), edit.before.from);
    assert.equal(int(await after.locator(`[data-testid="consult-after-hh-${edit.from}"]`).textContent()), edit.after.from);
    assert.equal(await before.locator('[data-testid^="consult-after-label-"]').count(), 0, 'only the plan as loaded on the left');
    // The same view: the after map's label of the edited community sits where the before map's does.
    const pos = async (side) => {
      const b = await page.locator(`[data-testid="consult-${side}-label-${edit.from}"]`).boundingBox();
      const m = await page.locator(`[data-testid="consult-${side}-map"]`).boundingBox();
      return [b.x + b.width / 2 - m.x, b.y + b.height / 2 - m.y];
    };
    const near = (a, b) => Math.abs(a[0] - b[0]) < 3 && Math.abs(a[1] - b[1]) < 3;
    const p0 = await pos('before');
    assert.ok(near(p0, await pos('after')), 'in step when opened');
    await before.locator('.leaflet-control-zoom-in').click();
    await page.waitForTimeout(300);
    const p1 = await pos('before');
    assert.ok(!near(p0, p1), `the before map zoomed: ${p0} → ${p1}`);
    assert.ok(near(p1, await pos('after')), 'the after map followed the zoom');
    const m = await after.boundingBox();
    await page.mouse.move(m.x + m.width / 2, m.y + m.height / 2);
    await page.mouse.down();
    await page.mouse.move(m.x + m.width / 2 - 120, m.y + m.height / 2 + 50, { steps: 6 });
    await page.mouse.up();
    await page.waitForTimeout(200);
    const p2 = await pos('after');
    assert.ok(Math.abs(p2[0] - p1[0] + 120) < 4 && Math.abs(p2[1] - p1[1] - 50) < 4, `the after map panned: ${p1} → ${p2}`);
    assert.ok(near(p2, await pos('before')), 'the before map followed the pan');
    await shot(page, 'c2-side-by-side');
    await page.click('[data-testid="consult-close"]');
    assert.equal(await page.locator('[data-testid="consult-compare"].shequ-consult').count(), 0);
  });

  test('the presentation view: large type, no editing tools, totals and changes; Esc leaves', async () => {
    assert.equal(await page.isVisible('[data-testid="tool-reassign"]'), true);
    const fontBefore = await page.$eval('.shequ-label-name', (e) => parseFloat(getComputedStyle(e).fontSize));
    await page.click('[data-testid="consult-present"]');
    await page.waitForSelector('[data-testid="present-panel"]');
    assert.equal(await page.isVisible('[data-testid="toolbar"]'), false);
    assert.equal(await page.locator('[data-testid^="tool-"]').count(), 0, 'no editing tools');
    assert.equal(await page.isVisible('[data-testid="panel"]'), false);
    const fontAfter = await page.$eval('.shequ-label-name', (e) => parseFloat(getComputedStyle(e).fontSize));
    assert.ok(fontAfter >= fontBefore * 1.3, `labels larger: ${fontBefore} → ${fontAfter}`);
    const report = await page.evaluate(() => window.shequ.getReport());
    assert.match(await page.textContent('[data-testid="present-totals"]'), new RegExp(`${report.totals.communities} 个社区`));
    assert.equal(int(await page.textContent(`[data-testid="present-hh-${edit.from}"]`)), edit.after.from);
    assert.equal(await page.locator('[data-testid="present-list"] li').count(), report.communities.length);
    const changes = await page.textContent('[data-testid="present-changes"]');
    const name = report.communities.find((c) => c.id === edit.from).name;
    assert.ok(changes.includes(`${name}：${edit.before.from.toLocaleString('zh-CN')} → ${edit.after.from.toLocaleString('zh-CN')} 户`), changes);
    // No editing: Ctrl+Z does nothing, no vertex handles.
    await page.keyboard.press('Control+z');
    assert.equal(int(await page.textContent(`[data-testid="present-hh-${edit.from}"]`)), edit.after.from);
    assert.deepEqual(await page.evaluate(() => window.shequ.handles()), []);
    await shot(page, 'c3-presentation');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="present-panel"]', { state: 'detached' });
    assert.equal(await page.isVisible('[data-testid="toolbar"]'), true);
    assert.equal(await page.isVisible('[data-testid="tool-reassign"]'), true);
  });

  test('export a read-only plan file', async () => {
    await page.click('[data-testid="file-menu"]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-read-only"]')]);
    assert.match(download.suggestedFilename(), /-read-only-.*\.geojson$/);
    readOnlyText = readFileSync(await download.path(), 'utf8');
    const file = JSON.parse(readOnlyText);
    assert.equal(file.shequ.read_only, true);
    assert.equal(file.shequ.baseline.type, 'FeatureCollection', 'carries the plan as loaded');
    // The engine reads it (the marker is a foreign member it keeps) and it is the edited plan.
    const eng = new wasm.Engine(readOnlyText, 'ro.geojson', '');
    assert.equal(eng.report().communities.find((c) => c.id === edit.from).households_total, edit.after.from);
    assert.equal(JSON.parse(eng.exportPlan()).shequ.read_only, true, 'the engine writes the marker back');
  });

  test('the read-only file opens read-only and refuses edits; export still works', async () => {
    const ctx2 = await browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN', acceptDownloads: true });
    const { page: p, watch: w } = await watchedPage(ctx2, server.origin);
    watches.push(w);
    await p.goto(server.origin + '/index.html');
    await p.waitForSelector('[data-testid="total-communities"]');
    assert.equal(await p.isVisible('[data-testid="read-only-banner"]'), false);
    await p.click('[data-testid="file-menu"]');
    const [chooser] = await Promise.all([p.waitForEvent('filechooser'), p.click('[data-testid="open-plan"]')]);
    await chooser.setFiles({ name: 'plan-read-only.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(readOnlyText) });
    await p.waitForSelector('[data-testid="read-only-banner"]:visible');
    assert.match(await p.textContent('[data-testid="read-only-banner"]'), /只读方案/);
    assert.equal(int(await p.textContent(`[data-testid="households-${edit.from}"]`)), edit.after.from);
    assert.equal(await p.locator('[data-testid^="tool-"]').count(), 0, 'no editing tools');
    assert.equal(await p.locator('[data-testid="undo"]').count(), 0);
    assert.equal(await p.evaluate(() => window.shequ.readOnly), true);
    // The comparison came with the file.
    await p.click('[data-testid="tab-compare"]');
    assert.ok(int(await p.textContent('[data-testid="households-moved"]')) > 0);
    await p.click('[data-testid="consult-compare"]');
    assert.equal(int(await p.textContent(`[data-testid="consult-before-hh-${edit.from}"]`)), edit.before.from);
    await p.click('[data-testid="consult-close"]');
    // Edits are refused: no handles to drag, a right-click offers nothing, the form is gone.
    await p.click('[data-testid="tab-balance"]');
    await p.click(`[data-testid="balance-row-${edit.from}"]`);
    await p.waitForTimeout(900);
    assert.deepEqual(await p.evaluate(() => window.shequ.handles()), []);
    await p.click('[data-testid="tab-detail"]');
    assert.equal(await p.locator('[data-testid="community-form"]').count(), 0);
    const c = await p.evaluate((id) => { const r = window.shequ.getReport().communities.find((x) => x.id === id); return r; }, edit.from);
    const eng = new wasm.Engine(readOnlyText, 'ro.geojson', '');
    const ring = [...new wasm.Engine(readOnlyText, 'ro.geojson', '').nodesOf([edit.from]).coords];
    const at = await p.evaluate(([x, y]) => window.shequ.toScreen(x, y), [ring[0], ring[1]]);
    await p.mouse.move(at.x, at.y);
    await p.mouse.down();
    await p.mouse.move(at.x + 60, at.y + 40, { steps: 6 });
    await p.mouse.up();
    await p.keyboard.press('Control+z');
    const plan = await p.evaluate(() => window.shequ.getPlan());
    assert.equal(plan, eng.exportPlan(), 'the plan is unchanged');
    assert.equal(int(await p.textContent(`[data-testid="households-${edit.from}"]`)), c.households_total);
    await shot(p, 'c4-read-only');
    // Export still works, and stays read-only.
    await p.click('[data-testid="file-menu"]');
    const [download] = await Promise.all([p.waitForEvent('download'), p.click('[data-testid="export-plan"]')]);
    const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
    assert.equal(exported.shequ.read_only, true);
    // A reload restores it read-only.
    await p.waitForSelector('[data-testid="save-state"][data-state="saved"]', { state: 'attached' });
    await p.reload();
    await p.waitForSelector('[data-testid="toast-restored"]');
    assert.equal(await p.isVisible('[data-testid="read-only-banner"]'), true);
    assert.equal(await p.locator('[data-testid^="tool-"]').count(), 0);
    // Opening an ordinary plan makes the page editable again.
    await p.click('[data-testid="file-menu"]');
    await p.click('[data-testid="load-demo"]');
    await p.waitForSelector('[data-testid="read-only-banner"]', { state: 'hidden' });
    assert.equal(await p.isVisible('[data-testid="tool-reassign"]'), true);
    await ctx2.close();
  });

  test('a read-only file as the start plan, read as bytes while the engine warms up, opens read-only', async () => {
    const ctx3 = await browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN' });
    // A slow download (the page's start plan): the engine warms up meanwhile on pkg/warmup.geojson.
    await ctx3.route('**/demo.geojson', async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.fulfill({ body: readOnlyText, contentType: 'application/geo+json' });
    });
    const { page: p, watch: w } = await watchedPage(ctx3, server.origin);
    watches.push(w);
    await p.goto(server.origin + '/index.html');
    await p.waitForSelector('[data-testid="read-only-banner"]:visible');
    assert.equal(await p.evaluate(() => window.shequ.readOnly), true);
    assert.equal(int(await p.textContent(`[data-testid="households-${edit.from}"]`)), edit.after.from);
    await p.click('[data-testid="tab-compare"]');
    assert.ok(int(await p.textContent('[data-testid="households-moved"]')) > 0, 'the baseline came with the file');
    assert.ok(w.requests.some((u) => u.endsWith('/pkg/warmup.geojson')));
    assert.ok(await p.evaluate(() => window.shequ.warmUpRuns) > 0, 'the engine warmed up while the plan downloaded');
    await ctx3.close();
  });

  test('no console errors, no CSP violations, no request off the page', () => {
    for (const w of watches) {
      assert.deepEqual(w.errors, []);
      assert.deepEqual(w.csp, []);
      assert.deepEqual(w.foreign(), []);
    }
  });
});
