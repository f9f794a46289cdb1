// Suggest and repair in the page, in real headless Chromium: the worker over
// pkg-adjust/ (fetched on first use, never at start), Suggest for the
// community with the most households (alternatives listed, outlines on the
// map, ← → to switch, Enter applies as one undoable edit), a lock, Repair the
// plan (run, untick one change, accept; the result checked against the
// engine built with `adjust` run in Node on the same plan, and the exported
// plan read back), Cancel leaving the plan byte-identical, and one pass of
// the suggest panel in English.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ARTIFACTS, DIST, demoText, launch, nodeEngine, selectCommunity, startServer, watchedPage } from './harness.mjs';

let server, browser, context, page, watch, wasm, adjustWasm, demo, report0;

const int = (s) => Number(String(s).replace(/[^\d-]/g, ''));
const tid = (id) => `[data-testid="${id}"]`;
const text = (sel) => page.textContent(sel).then((s) => s.trim());
const shot = (name) => page.screenshot({ path: join(ARTIFACTS, 'adjust-' + name + '.png') });
const hh = (id) => page.textContent(tid('households-' + id)).then(int);
const report = () => page.evaluate(() => window.shequ.getReport());
const SCALE_OUT = new Set(['scale.too_large', 'scale.too_small']);
// What no proposal may add (shequ_core::adjust::BOUNDARY).
const STRUCTURAL = new Set(['boundary.non_contiguous', 'boundary.overlap', 'boundary.gap', 'boundary.cuts_grid', 'boundary.cuts_compound', 'plan.unassigned']);
/** Boundary findings by code: a change may rename one (the communities around a gap), never add one. */
function boundaryCounts(r) {
  const m = {};
  for (const f of r.findings) if (f.code.startsWith('boundary.')) m[f.code] = (m[f.code] ?? 0) + 1;
  return m;
}
function noNewBoundaryFinding(after, before = report0) {
  const a = boundaryCounts(after), b = boundaryCounts(before);
  for (const code in a) assert.ok(a[code] <= (b[code] ?? 0), `${code}: ${a[code]} now, ${b[code] ?? 0} before`);
}
const outliers = (r) => new Set(r.findings.filter((f) => SCALE_OUT.has(f.code)).flatMap((f) => f.community_ids));
const pathsOnMap = () => page.locator('.leaflet-shequ-suggest-pane path').count();

/** The engine built with the cargo feature `adjust`, in Node (the page runs the same files in its worker). */
async function adjustEngine() {
  const pkg = join(DIST, 'pkg-adjust');
  if (!existsSync(join(pkg, 'shequ_wasm.js'))) throw new Error('dist/pkg-adjust missing: run `npm run wasm -- adjust && npm run build` first');
  const mod = await import(pathToFileURL(join(pkg, 'shequ_wasm.js')).href);
  mod.initSync({ module: readFileSync(join(pkg, 'shequ_wasm_bg.wasm')) });
  return mod;
}

/** A download started by clicking file-menu → `item`: {name, text}. */
async function download(item) {
  await page.click(tid('file-menu'));
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(tid(item))]);
  return { name: d.suggestedFilename(), text: readFileSync(await d.path(), 'utf8') };
}

async function openDetail(id) {
  await selectCommunity(page, id);
  await page.click(tid('tab-detail'));
  await page.waitForSelector(tid('lock-community'));
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  wasm = await nodeEngine();
  adjustWasm = await adjustEngine();
  demo = demoText();
  const e = new wasm.Engine(demo, 'demo.geojson', '');
  report0 = e.report();
  e.free();
  server = await startServer();
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1500, height: 950 }, locale: 'zh-CN', acceptDownloads: true });
  ({ page, watch } = await watchedPage(context, server.origin));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe('suggest and repair', () => {
  let big; // the community with the most households
  const LOCKED = 'C002';

  test('the demo loads without the adjust module', async () => {
    await page.goto(server.origin + '/index.html');
    await page.waitForSelector(tid('total-communities'));
    assert.equal(int(await text(tid('total-communities'))), report0.totals.communities);
    const r = await report();
    big = r.communities.reduce((a, c) => (c.households_total > a.households_total ? c : a));
    assert.ok(big.households_total > 3000, `${big.id}: ${big.households_total}`);
    assert.equal(server.log.filter((x) => /pkg-adjust|worker-|adjust-/.test(x.path)).length, 0, 'nothing of suggest and repair fetched at start');
  });

  test('Suggest lists alternatives, draws them, → switches, Enter applies one undoable edit', async () => {
    await openDetail(big.id);
    await page.click(tid('suggest-button'));
    await page.waitForSelector(tid('suggest-alt-0'), { timeout: 30000 });
    assert.ok(server.log.some((x) => x.path.startsWith('/pkg-adjust/shequ_wasm_bg.wasm')), 'pkg-adjust fetched on first use');
    const n = await page.locator('[data-testid^="suggest-alt-"]').count();
    assert.ok(n >= 1, 'at least one alternative');
    assert.match(await text(tid('suggest-current')), new RegExp(`^方案 1／${n}$`));
    assert.ok(await pathsOnMap() >= 1, 'the parts outlined on the map');
    const parts = await page.locator(`${tid('suggest-parts')} tr`).count();
    assert.equal(await page.locator('.shequ-suggest-label').count(), parts, 'a label per part');
    assert.match(await text(tid('suggest-numbers')), /^迁移 [\d,]+ 户（\d+ 个小区）；新边界 [\d,]+ 米，沿道路、河流 \d+%$/);
    assert.ok(await page.locator(`${tid('suggest-clears')} li[data-code="scale.too_large"]`).count() >= 1, 'it clears the too-large finding');
    await shot('01-suggest');
    if (n > 1) {
      const first = await text(tid('suggest-parts')), numbers = await text(tid('suggest-numbers'));
      await page.evaluate(() => document.activeElement?.blur());
      await page.keyboard.press('ArrowRight');
      await page.waitForSelector(`${tid('suggest-detail')}[data-k="1"]`);
      assert.match(await text(tid('suggest-current')), new RegExp(`^方案 2／${n}$`));
      assert.equal(await page.getAttribute('[data-testid="suggest-list"] li:nth-child(2)', 'aria-current'), 'true');
      assert.equal(await page.getAttribute('[data-testid="suggest-list"] li:nth-child(1)', 'aria-current'), null);
      assert.notEqual(await text(tid('suggest-numbers')) + await text(tid('suggest-parts')), numbers + first, 'another alternative shown');
      await shot('02-next');
    }
    const keptId = await page.getAttribute(`${tid('suggest-parts')} tr[data-created="false"]`, 'data-id');
    const expected = await page.$$eval(`${tid('suggest-parts')} tr`, (rows) => rows.map((r) => [r.dataset.id, Number(r.children[1].textContent.replace(/\D/g, ''))]));
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press('Enter');
    await page.waitForSelector(tid('toast-suggest-applied'));
    assert.equal(await page.locator(tid('suggest')).count(), 0, 'suggest mode left');
    assert.equal(await pathsOnMap(), 0, 'the outlines removed');
    assert.equal(keptId, big.id);
    const r = await report();
    for (const [id, households] of expected) {
      assert.equal(await hh(id), households, id);
      assert.equal(r.communities.find((c) => c.id === id).households_total, households, id);
    }
    assert.ok(await hh(big.id) <= 3000, `${big.id} now ${await hh(big.id)}`);
    noNewBoundaryFinding(r);
    assert.ok(!r.findings.some((f) => f.community_ids.includes(big.id) && (f.code === 'scale.too_large' || f.code === 'scale.split_required')));
    // One edit: undo names it, Ctrl+Z restores the community.
    assert.match(await page.getAttribute(tid('undo'), 'aria-label'), /建议：/);
    await shot('03-applied');
    // Where the engine has nothing to suggest (a part below its target that no move of whole cells
    // fixes without a boundary finding), the page says what the engine says.
    const node = new adjustWasm.Engine(await page.evaluate(() => window.shequ.getPlan()), 'plan.geojson', '');
    const stuck = r.findings.filter((f) => /^scale\.(too_|split_r|below_t)/.test(f.code)).flatMap((f) => f.community_ids).map((id) => {
      try {
        node.suggest(id, 3);
        return null;
      } catch (e) {
        return { id, code: e.code, message: e.message_zh };
      }
    }).find(Boolean);
    node.free();
    if (stuck) {
      await openDetail(stuck.id);
      await page.click(tid('suggest-button'));
      await page.waitForSelector(tid('suggest-none'));
      assert.equal(await text(tid('suggest-none')), stuck.message);
      assert.equal(await page.getAttribute(tid('suggest-none'), 'data-code'), stuck.code);
      await shot('03-nothing-to-suggest');
      await page.click(tid('suggest-leave'));
      await page.waitForSelector(tid('suggest'), { state: 'detached' });
    }
    await page.keyboard.press('Control+z');
    await page.waitForFunction(([id, v]) => document.querySelector(`[data-testid="households-${id}"]`)?.textContent.replace(/\D/g, '') === String(v), [big.id, big.households_total]);
    assert.equal(int(await text(tid('total-communities'))), report0.totals.communities);
    assert.equal((await report()).communities.length, report0.communities.length);
  });

  test('a lock is saved in the plan file, survives a reload and is listed by Repair', async () => {
    await openDetail(LOCKED);
    await page.check(tid('lock-community'));
    await page.waitForTimeout(800); // the lock's module loads, then the autosave
    await page.waitForSelector('[data-testid="save-state"][data-state="saved"]');
    const saved = JSON.parse(await page.evaluate(() => window.shequ.getPlan()));
    assert.deepEqual(saved.shequ?.locked, [LOCKED], 'the lock is in the plan file');
    await page.reload();
    await page.waitForSelector(tid('toast-restored'));
    await openDetail(LOCKED);
    assert.equal(await page.isChecked(tid('lock-community')), true, 'the lock survives a reload');
    await page.click(tid('repair-button'));
    await page.waitForSelector(tid('repair'));
    assert.deepEqual(await page.$$eval(`${tid('repair-locked')} .shequ-chip`, (els) => els.map((e) => e.dataset.id)), [LOCKED]);
  });

  test('Repair: run, untick one change, accept; checked against the engine in Node', async () => {
    const planBefore = await page.evaluate(() => window.shequ.getPlan());
    // The expected result: the engine with `adjust` in Node, on the same plan and options.
    const node = new adjustWasm.Engine(planBefore, 'plan.geojson', '');
    // The lock travels in the plan: the engine honours it without being told.
    const summary = JSON.parse(node.repair(JSON.stringify({ strict: false, locked: [], seed: 1 }), null));
    await page.click(tid('repair-run'));
    await page.waitForSelector(tid('repair-summary'), { timeout: 60000 });
    assert.equal(await text(tid('repair-summary')), `迁移 ${summary.moved_households.toLocaleString('en')} 户（${summary.moved_compounds} 个小区）；社区 ${summary.communities_before} → ${summary.communities_after} 个`);
    const ids = await page.$$eval('[data-testid^="repair-change-"]', (els) => els.map((e) => [e.value, e.checked]));
    assert.ok(ids.length > 0, 'changes listed');
    assert.ok(ids.every(([, on]) => on), 'accepted by default');
    assert.ok(!ids.some(([id]) => id === LOCKED), 'the locked community is not changed');
    for (const id of summary.created) assert.ok(ids.some(([x]) => x === id), id);
    const unresolved = await page.locator(`${tid('repair-unresolved')} li`).count();
    assert.equal(unresolved, summary.unresolved.length);
    await shot('04-repair-result');
    // Leaving out any one change adds no boundary finding the demo lacks: the engine leaves out
    // what depended on it too (a split's other part, a move from a community it no longer holds).
    const partial = (rejected) => {
      const { plan, also_left_out } = node.repairPlan(rejected);
      const e = new wasm.Engine(plan, 'proposal.geojson', '');
      const r = e.report();
      e.free();
      return Object.assign(r, { also: also_left_out });
    };
    const adds = (r) => {
      const a = boundaryCounts(r), b = boundaryCounts(report0);
      return Object.keys(a).filter((code) => a[code] > (b[code] ?? 0));
    };
    const changed = ids.map(([id]) => id);
    for (const id of changed) assert.deepEqual(adds(partial([id])).filter((code) => STRUCTURAL.has(code)), [], `leaving out ${id}`);
    // One adding no boundary finding at all (not even a service radius), with others depending on it
    // when there is one: the toast names them.
    const clean = changed.filter((id) => adds(partial([id])).length === 0);
    assert.ok(clean.length, 'a change that can be left out cleanly');
    const unticked = clean.find((id) => partial([id]).also.length > 0) ?? clean[0];
    const also = partial([unticked]).also;
    await page.uncheck(tid('repair-change-' + unticked));
    await page.click(tid('repair-accept'));
    await page.waitForSelector(tid('toast-repair-applied'));
    if (also.length) assert.match(await text(tid('toast-repair-applied')), /一并保留原状/);
    assert.equal(await page.locator(tid('repair')).count(), 0);
    const r = await report();
    const allowed = new Set([unticked, ...also, ...[unticked, ...also].map((id) => id.replace(/-\d+$/, '')), ...summary.unresolved.flatMap((u) => u.community_ids)]);
    for (const id of outliers(r)) assert.ok(allowed.has(id), `${id} still outside 500–3,000`);
    assert.ok(outliers(r).size < outliers(report0).size, 'fewer communities outside 500–3,000');
    // The page's result is the Node engine's proposal without that change.
    const households = (rep) => rep.communities.map((c) => [c.id, c.households_total]).sort();
    assert.deepEqual(households(r), households(partial([unticked])));
    assert.notDeepEqual(households(r), households(partial([])), 'the unticked change left out');
    node.free();
    // The toast opens the result in the before/after view (the plan as loaded against now).
    await page.click(tid('repair-compare'));
    await page.waitForSelector('.shequ-consult[data-mode="swipe"]');
    assert.ok(await page.locator('.shequ-consult-label[data-changed="true"]').count() > 0, 'the changed communities marked');
    await shot('06-repair-compare');
    await page.click(tid('consult-close'));
    await page.waitForSelector('.shequ-consult', { state: 'detached' });
    // The exported plan read back in Node: no boundary finding the demo did not have.
    const exported = await download('export-plan');
    const back = new wasm.Engine(exported.text, exported.name, '');
    const rb = back.report();
    back.free();
    noNewBoundaryFinding(rb);
    assert.equal(rb.communities.length, r.communities.length);
    await shot('07-repair-accepted');
    // One undoable edit.
    assert.match(await page.getAttribute(tid('undo'), 'aria-label'), /整体优化/);
    await page.keyboard.press('Control+z');
    await page.waitForFunction((n) => window.shequ.getReport().communities.length === n, report0.communities.length);
    assert.equal((await report()).communities.find((c) => c.id === big.id).households_total, big.households_total);
  });

  test('Cancel leaves the plan byte-identical; the next run starts a fresh worker', async () => {
    const planBefore = await page.evaluate(() => window.shequ.getPlan());
    await page.click(tid('repair-button'));
    await page.waitForSelector(tid('repair-run'));
    const shown = await page.evaluate(() => {
      document.querySelector('[data-testid="repair-run"]').click();
      const running = !!document.querySelector('[data-testid="repair-progress"]');
      document.querySelector('[data-testid="repair-cancel"]').click();
      return running;
    });
    assert.equal(shown, true, 'progress shown at once');
    assert.equal(await text(tid('repair-note')), '已取消，方案未改动。');
    await page.waitForTimeout(500);
    assert.equal(await page.locator(tid('repair-summary')).count(), 0, 'no result after a cancel');
    assert.equal(await page.evaluate(() => window.shequ.getPlan()), planBefore);
    // Run again: a new worker, a result.
    await page.click(tid('repair-run'));
    await page.waitForSelector(tid('repair-summary'), { timeout: 60000 });
    await page.click(tid('repair-discard'));
    await page.waitForSelector(tid('repair-run'));
    await page.click(tid('repair-close'));
    assert.equal(await page.locator(tid('repair')).count(), 0);
    assert.equal(await page.evaluate(() => window.shequ.getPlan()), planBefore);
  });

  test('the suggest panel in English; Esc leaves', async () => {
    await page.evaluate(() => window.shequ.setLanguage('en'));
    await openDetail(big.id);
    await page.click(tid('suggest-button'));
    await page.waitForSelector(tid('suggest-alt-0'), { timeout: 30000 });
    const n = await page.locator('[data-testid^="suggest-alt-"]').count();
    assert.match(await text(`${tid('suggest')} h3`), /^Suggestions: /);
    assert.equal(await text(tid('suggest-current')), `Alternative 1 of ${n}`);
    assert.match(await text(tid('suggest-numbers')), /^[\d,]+ households move \(\d+ compounds\); new boundary [\d,]+ m, \d+% along roads and rivers$/);
    assert.match(await text(tid('suggest-alt-0')), /^(Split|Merge|Move) .+ · [\d,]+( \/ [\d,]+)* households · [\d,]+ households move \(\d+ compounds\)$/);
    assert.equal(await text(tid('suggest-apply')), 'Apply this one');
    const cleared = await page.$$eval(`${tid('suggest-clears')} .shequ-finding-msg`, (els) => els.map((e) => e.textContent));
    assert.ok(cleared.length && cleared.every((m) => /[A-Za-z]/.test(m) && !/户/.test(m)), cleared.join(' | '));
    await shot('08-suggest-en');
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press('Escape');
    await page.waitForSelector(tid('suggest'), { state: 'detached' });
    assert.equal(await pathsOnMap(), 0);
    await page.evaluate(() => window.shequ.setLanguage('zh'));
  });

  test('without pkg-adjust/ served, Repair says so and the plan stays', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1500, height: 950 }, locale: 'zh-CN' });
    try {
      await ctx.route('**/pkg-adjust/**', (r) => r.fulfill({ status: 404, body: 'not found' }));
      const p = await ctx.newPage();
      await p.goto(server.origin + '/index.html');
      await p.waitForSelector(tid('total-communities'));
      const plan = await p.evaluate(() => window.shequ.getPlan());
      await p.click(tid('repair-button'));
      await p.click(tid('repair-run'));
      await p.waitForSelector(tid('repair-note'));
      assert.match(await p.textContent(tid('repair-note')), /^调整模块 \(pkg-adjust\/\) 无法载入：.+请运行 npm run wasm 后重新构建。$/);
      assert.equal(await p.evaluate(() => window.shequ.getPlan()), plan);
    } finally {
      await ctx.close();
    }
  });

  test('no errors, no CSP violations, nothing requested beyond the page', () => {
    assert.deepEqual(watch.errors, []);
    assert.deepEqual(watch.csp, []);
    assert.deepEqual(watch.foreign(), []);
  });
});
