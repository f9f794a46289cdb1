// No data lost, nothing let in — in real headless Chromium against web/dist
// with the page's CSP:
// - a tab killed without pagehide (the renderer crashed through CDP) comes
//   back with the last edit once the save indicator said so;
// - a real trap in the engine (a Rust panic, not a simulated error) right
//   after an edit: a fresh instance, that edit kept, the user told;
// - names holding HTML and script are shown as text everywhere and nothing
//   runs, loads or violates the CSP;
// - a plan exported by the page (a real download) re-imports to the same plan
//   and the same report.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, demoText, launch, nodeEngine, startServer, watchedPage } from './harness.mjs';

let server, browser, context, page, watch, wasm, demo;
const dialogs = [];
const int = (s) => Number(String(s).replace(/[^\d-]/g, ''));
const communities = () => page.textContent('[data-testid="total-communities"]').then(int);
const plan = () => page.evaluate(() => window.shequ.getPlan());

async function newPage() {
  const w = await watchedPage(context, server.origin);
  w.page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  return w;
}

async function waitSaved(p = page) {
  await p.waitForSelector('[data-testid="save-state"][data-state="saved"]');
}

/** Merges a community into its first neighbour with the detail panel's buttons. */
async function mergeOne() {
  const report = await page.evaluate(() => window.shequ.getReport());
  const c = report.communities.find((x) => x.neighbours.length);
  const before = await communities();
  await page.click('[data-testid="tab-balance"]');
  await page.click(`[data-testid="balance-row-${c.id}"]`);
  await page.click('[data-testid="tab-detail"]');
  await page.selectOption('[data-testid="merge-select"]', c.neighbours[0].id);
  await page.click('[data-testid="merge-button"]');
  await page.waitForFunction((n) => document.querySelector('[data-testid="total-communities"]')?.textContent.replace(/\D/g, '') === String(n), before - 1);
  return { keep: c.id, absorbed: c.neighbours[0].id, count: before - 1 };
}

async function openFile(name, buffer) {
  await page.click('[data-testid="file-menu"]');
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid="open-plan"]')]);
  await chooser.setFiles({ name, mimeType: 'application/geo+json', buffer });
}

/** Features keyed by layer and id; coordinates compared within 1e-9°. */
function assertSamePlan(a, b, what) {
  const byKey = (text) => new Map(JSON.parse(text).features.map((f) => [`${f.properties.layer}:${f.properties.id}`, f]));
  const A = byKey(a), B = byKey(b);
  assert.deepEqual([...A.keys()].sort(), [...B.keys()].sort(), `${what}: the same features`);
  const close = (x, y, path) => {
    if (typeof x === 'number' && typeof y === 'number') {
      assert.ok(Math.abs(x - y) <= 1e-9, `${what}: ${path}: ${x} vs ${y}`);
    } else if (Array.isArray(x)) {
      assert.ok(Array.isArray(y) && x.length === y.length, `${what}: ${path}: lengths`);
      x.forEach((v, i) => close(v, y[i], `${path}[${i}]`));
    } else {
      assert.deepEqual(x, y, `${what}: ${path}`);
    }
  };
  for (const [k, f] of A) {
    const g = B.get(k);
    assert.deepEqual(f.properties, g.properties, `${what}: properties of ${k}`);
    assert.equal(f.geometry?.type, g.geometry?.type, `${what}: geometry type of ${k}`);
    close(f.geometry?.coordinates, g.geometry?.coordinates, k);
  }
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  wasm = await nodeEngine();
  demo = demoText();
  server = await startServer();
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe('no data lost, nothing let in', () => {
  let killedPlan;

  test('a tab killed without pagehide comes back with the last saved edit', async () => {
    const first = await newPage();
    page = first.page;
    await page.goto(server.origin + '/index.html');
    await page.waitForSelector('[data-testid="total-communities"]');
    const demoCount = await communities();
    await waitSaved();
    const merged = await mergeOne();
    await page.waitForSelector('[data-testid="save-state"][data-state="saving"], [data-testid="save-state"][data-state="saved"]');
    await waitSaved();
    killedPlan = await plan();
    assert.notEqual(killedPlan, null);
    // The renderer dies: no pagehide, no beforeunload, no flush.
    const cdp = await context.newCDPSession(page);
    const crash = page.waitForEvent('crash', { timeout: 10000 });
    cdp.send('Page.crash').catch(() => {}); // never answers: the renderer is gone
    await crash;
    await page.close().catch(() => {});
    assert.deepEqual(first.watch.csp, []);

    ({ page, watch } = await newPage());
    await page.goto(server.origin + '/index.html');
    await page.waitForSelector('[data-testid="toast-restored"]');
    await page.waitForSelector('[data-testid="total-communities"]');
    assert.equal(await communities(), merged.count);
    assert.equal(merged.count, demoCount - 1);
    assert.equal(await plan(), killedPlan, 'the restored plan is the one saved before the crash');
    assert.equal(await page.locator(`[data-testid="balance-row-${merged.absorbed}"]`).count(), 0, 'the absorbed community stays gone');
  });

  test('a real trap in the engine after an edit: a fresh instance, the edit kept, the user told', async () => {
    const merged = await mergeOne();
    // The page promises the last autosaved plan: edits are exported and saved
    // 250 ms after they pause (the save indicator says when).
    await waitSaved();
    const edited = await plan();
    const instance = await page.evaluate(() => window.shequ.engineInstance);
    await page.evaluate(async (i) => {
      const m = await import(new URL('pkg/shequ_wasm.js?instance=' + i, document.baseURI).href);
      // The next call into the engine panics inside the WebAssembly, as a bug would.
      m.Engine.prototype.exportPlan = function exportPlan() { return this.__trapForTests(); };
    }, instance);
    const thrown = await page.evaluate(() => {
      try {
        window.shequ.getPlan();
        return null;
      } catch (e) {
        return { name: e.name, cause: String(e.cause) };
      }
    });
    assert.equal(thrown?.name, 'EngineCrashed', JSON.stringify(thrown));
    assert.match(thrown.cause, /RuntimeError|unreachable/);
    await page.waitForSelector('[data-testid="toast-crashed"]');
    assert.match(await page.textContent('[data-testid="toast-crashed"]'), /规则引擎发生内部错误，已重新启动并从最近自动保存的方案恢复/);
    assert.equal(await page.evaluate(() => window.shequ.engineInstance), instance + 1);
    assert.equal(await plan(), edited, 'the edit made just before the trap survives');
    assert.equal(await communities(), merged.count);
    // The Rust panic message is the only console error, and it is the trap's.
    const errors = watch.errors.splice(0);
    assert.ok(errors.length >= 1 && errors.every((e) => /trap requested by a test|unreachable|panicked/.test(e)), JSON.stringify(errors));
    // And it is on disk: a reload finds it.
    await waitSaved();
    await page.reload();
    await page.waitForSelector('[data-testid="toast-restored"]');
    await page.waitForSelector('[data-testid="total-communities"]');
    assert.equal(await plan(), edited);
  });

  test('a trap before the edit was autosaved: the edit is redone on the fresh instance', async () => {
    await waitSaved();
    const saved = await plan();
    const instance = await page.evaluate(() => window.shequ.engineInstance);
    // Every export on this instance traps: the autosave that follows the
    // merge (250 ms later) is the call that fails, so the merge was never saved.
    await page.evaluate(async (i) => {
      const m = await import(new URL('pkg/shequ_wasm.js?instance=' + i, document.baseURI).href);
      m.Engine.prototype.exportPlan = function exportPlan() { return this.__trapForTests(); };
    }, instance);
    const merged = await mergeOne();
    await page.waitForSelector('[data-testid="toast-crashed"]');
    assert.match(await page.textContent('[data-testid="toast-crashed"]'), /重做了其后的 1 步编辑/);
    assert.equal(await page.evaluate(() => window.shequ.engineInstance), instance + 1);
    assert.equal(await communities(), merged.count, 'the merge is still there');
    const now = await plan();
    assert.notEqual(now, saved);
    assert.equal(await page.locator(`[data-testid="balance-row-${merged.absorbed}"]`).count(), 0);
    watch.errors.splice(0); // the trap's own panic message
    await waitSaved();
    await page.reload();
    await page.waitForSelector('[data-testid="toast-restored"]');
    await page.waitForSelector('[data-testid="total-communities"]');
    assert.equal(await plan(), now, 'and it was saved');
  });

  const HOSTILE = ['<img src=x onerror=alert(1)>', '<script>alert(2)</script>', '"><svg onload=alert(3)> & 中心', "'><iframe src=javascript:alert(4)>"];
  let hostilePlan;

  test('names holding HTML and script show as text and nothing runs', async () => {
    const fc = JSON.parse(demo);
    const byLayer = (l) => fc.features.filter((f) => f.properties.layer === l);
    const [c0, c1, c2] = byLayer('community');
    c0.properties.name = HOSTILE[0];
    c1.properties.name = HOSTILE[1];
    c2.properties.name = HOSTILE[3];
    byLayer('service_center')[0].properties.name = HOSTILE[2];
    const compounds = byLayer('compound');
    compounds[0].properties.name = HOSTILE[1];
    compounds[1].properties.name = HOSTILE[0];
    compounds[0].properties['备注'] = '<b id="bold">bold</b><img src=y onerror=alert(5)>';
    const text = JSON.stringify(fc);
    const expected = new wasm.Engine(text, 'hostile.geojson', '').report();
    await openFile('hostile.geojson', Buffer.from(text));
    // The plan holds the edits of the tests before, never exported: opening another file asks first.
    await page.click('[data-testid="replace-ok"]');
    await page.waitForFunction((n) => document.querySelector('[data-testid="total-communities"]')?.textContent.replace(/\D/g, '') === String(n), expected.totals.communities);
    hostilePlan = await plan();

    // Balance bars, labels on the map, the detail panel, the findings.
    for (const [c, name] of [[c0, HOSTILE[0]], [c1, HOSTILE[1]], [c2, HOSTILE[3]]]) {
      const id = c.properties.id;
      await page.click('[data-testid="tab-balance"]');
      assert.ok((await page.textContent(`[data-testid="balance-row-${id}"]`)).includes(name), `balance row of ${id}`);
      await page.click(`[data-testid="balance-row-${id}"]`);
      // The selected community's label is always shown (others are thinned
      // by zoom, and a long name may not fit its community on screen).
      const labelShown = (n) => [...document.querySelectorAll('.shequ-label-name')].some((e) => e.textContent === n && !e.closest('[hidden]'));
      await page.waitForFunction(labelShown, name, { timeout: 15000 }).catch(() => { /* asserted next */ });
      assert.ok(await page.evaluate(labelShown, name), `a map label reads ${name}`);
      await page.click('[data-testid="tab-detail"]');
      assert.equal(await page.textContent('[data-testid="detail-name"]'), name);
      assert.ok((await page.innerHTML('[data-testid="detail-name"]')).includes('&lt;'), 'escaped in the DOM');
      await page.click('[data-testid="tab-balance"]');
    }
    const compoundRows = async (id) => {
      await page.click('[data-testid="tab-balance"]');
      await page.click(`[data-testid="balance-row-${id}"]`);
      await page.click('[data-testid="tab-detail"]');
      const t = await page.textContent('[data-testid="detail-compounds"]').catch(() => '');
      await page.click('[data-testid="tab-balance"]');
      return t;
    };
    const owner = (x) => expected.communities.find((c) => c.compounds.includes(String(x.properties.id)))?.id;
    if (owner(compounds[0])) assert.ok((await compoundRows(owner(compounds[0]))).includes(HOSTILE[1]), 'the compound table shows the name as text');
    await page.click('[data-testid="tab-findings"]');
    await page.screenshot({ path: join(ARTIFACTS, 'safety-hostile-names.png') });

    // Nothing was parsed as HTML, nothing ran, nothing was fetched.
    const injected = await page.evaluate(() => ({
      img: document.querySelectorAll('img[src="x"], img[src="y"]').length,
      svg: document.querySelectorAll('svg[onload]').length,
      iframe: document.querySelectorAll('iframe').length,
      bold: document.querySelectorAll('#bold').length,
      scripts: [...document.scripts].filter((s) => /alert/.test(s.textContent)).length,
    }));
    assert.deepEqual(injected, { img: 0, svg: 0, iframe: 0, bold: 0, scripts: 0 });
    assert.deepEqual(dialogs, [], 'no alert ran');
    assert.ok(!server.log.some((r) => r.path === '/x' || r.path === '/y'), 'no image was requested for a name');
    assert.deepEqual(watch.csp, []);
    assert.deepEqual(watch.errors, []);
    assert.deepEqual(watch.foreign(), []);
  });

  test('a plan exported by the page re-imports to the same plan and report', async () => {
    await mergeOne(); // an edited plan, hostile names and all
    const before = await plan();
    const reportBefore = await page.evaluate(() => window.shequ.getReport());
    await page.click('[data-testid="file-menu"]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-plan"]')]);
    const name = download.suggestedFilename();
    assert.match(name, /^hostile-\d{8}-\d{4}\.geojson$/);
    const exported = readFileSync(await download.path(), 'utf8');
    assertSamePlan(exported, before, 'the download');
    for (const h of HOSTILE) assert.ok(exported.includes(JSON.stringify(h).slice(1, -1)), `the name ${h} is kept verbatim`);

    await openFile(name, Buffer.from(exported));
    await page.waitForFunction((n) => window.shequ.getPlan() && document.querySelector('[data-testid="total-communities"]')?.textContent.replace(/\D/g, '') === String(n), reportBefore.totals.communities);
    const after = await plan();
    assertSamePlan(after, before, 'after re-import');
    assert.equal(after, before, 'byte for byte, even');
    const reportAfter = await page.evaluate(() => window.shequ.getReport());
    // The comparison is against the plan as loaded, which a re-import resets; all else is equal.
    // Findings come in the order they were found (edits append): compare them by id.
    const norm = (r) => ({ ...r, comparison: undefined, findings: [...r.findings].sort((a, b) => (a.id < b.id ? -1 : 1)), communities: [...r.communities].sort((a, b) => (a.id < b.id ? -1 : 1)) });
    assert.deepEqual(norm(reportAfter), norm(reportBefore));
    // And the engine, independently, reads the download to the same report.
    const fresh = new wasm.Engine(exported, name, '').report();
    assert.equal(fresh.totals.households_total, reportAfter.totals.households_total);
    assert.deepEqual(fresh.findings.map((f) => f.id).sort(), reportAfter.findings.map((f) => f.id).sort());
    assert.ok(hostilePlan);
  });

  test('a community without a name is listed, labelled and titled by its id', async () => {
    const fc = JSON.parse(demo);
    const c = fc.features.filter((f) => f.properties.layer === 'community')[3];
    c.properties.name = '';
    const id = c.properties.id;
    await openFile('unnamed.geojson', Buffer.from(JSON.stringify(fc)));
    await page.click('[data-testid="tab-balance"]');
    await page.waitForSelector(`[data-testid="balance-row-${id}"]`);
    const shown = `（未命名 ${id}）`;
    assert.ok((await page.textContent(`[data-testid="balance-row-${id}"]`)).includes(shown), 'the balance row names the id');
    await page.click(`[data-testid="balance-row-${id}"]`);
    await page.click('[data-testid="tab-detail"]');
    assert.equal(await page.textContent('[data-testid="detail-name"]'), shown);
    await page.click('[data-testid="tab-findings"]');
    assert.ok((await page.textContent('.shequ-panel')).includes(shown), 'findings name it the same way');
    await page.click('[data-testid="tab-balance"]');
  });

  test('no console errors, no CSP violations, no request off the page, no dialog', async () => {
    assert.deepEqual(watch.errors, []);
    assert.deepEqual(watch.csp, []);
    assert.deepEqual(watch.foreign(), []);
    assert.deepEqual(dialogs, []);
  });
});
