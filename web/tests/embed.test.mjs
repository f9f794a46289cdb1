// Embedding in a portal, in real Chromium (web/dist, the page's CSP as a header):
// the <shequ-planner> custom element (examples/element.html) and the iframe +
// postMessage bridge (examples/iframe.html framing embed.html).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, demoText, launch, nodeEngine, startServer, watchedPage } from './harness.mjs';

const VIEWPORT = { width: 1500, height: 1100 };
let server, browser, context, wasm, report0;
const watches = [];
const int = (s) => Number(String(s).replace(/[^\d-]/g, ''));

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  wasm = await nodeEngine();
  report0 = new wasm.Engine(demoText(), 'demo.geojson', '').report();
  server = await startServer();
  browser = await launch();
  context = await browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN' });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe('<shequ-planner> custom element', () => {
  let page;
  test('loads the demo from plan-url', async () => {
    let w;
    ({ page, watch: w } = await watchedPage(context, server.origin));
    watches.push(w);
    await page.goto(server.origin + '/examples/element.html');
    await page.waitForSelector('shequ-planner [data-testid="total-communities"]');
    assert.equal(int(await page.textContent('shequ-planner [data-testid="total-communities"]')), report0.totals.communities);
    assert.equal(int(await page.textContent('shequ-planner [data-testid="total-households"]')), report0.totals.households_total);
    // Methods on the element.
    const r = await page.evaluate(() => document.querySelector('shequ-planner').getReport().totals.communities);
    assert.equal(r, report0.totals.communities);
    const plan = await page.evaluate(() => document.querySelector('shequ-planner').getPlan());
    assert.equal(JSON.parse(plan).features.length, JSON.parse(demoText()).features.length);
    assert.match(await page.textContent('[data-testid="host-summary"]'), new RegExp(`${report0.totals.communities} 个社区`));
  });

  test('an attribute change relabels (lang=en)', async () => {
    assert.equal((await page.textContent('shequ-planner [data-testid="file-menu"]')).trim(), '文件');
    await page.click('[data-testid="host-lang-en"]');
    assert.equal(await page.getAttribute('shequ-planner', 'lang'), 'en');
    await page.waitForFunction(() => document.querySelector('shequ-planner [data-testid="file-menu"]').textContent.trim() === 'File');
    assert.match(await page.textContent('shequ-planner [data-testid="tab-balance"]'), /Households/);
    await page.evaluate(() => document.querySelector('shequ-planner').setAttribute('lang', 'zh'));
    await page.waitForFunction(() => document.querySelector('shequ-planner [data-testid="file-menu"]').textContent.trim() === '文件');
  });

  test('shequ-change fires after an edit', async () => {
    const c = report0.communities.find((x) => x.name);
    await page.evaluate(() => {
      window.__changes = [];
      document.querySelector('shequ-planner').addEventListener('shequ-change', (e) => window.__changes.push(e.detail));
    });
    const count0 = int(await page.textContent('[data-testid="host-change-count"]'));
    await page.click('shequ-planner [data-testid="tab-balance"]');
    await page.click(`shequ-planner [data-testid="balance-row-${c.id}"]`);
    await page.click('shequ-planner [data-testid="tab-detail"]');
    await page.fill('shequ-planner [data-testid="edit-name"]', c.name + '（新）');
    await page.click('shequ-planner [data-testid="edit-save"]');
    await page.waitForFunction(() => window.__changes.length > 0);
    const changes = await page.evaluate(() => window.__changes);
    assert.equal(changes.at(-1).reason, 'edit');
    assert.equal(changes.at(-1).totals.communities, report0.totals.communities);
    assert.equal(int(await page.textContent('[data-testid="host-change-count"]')), count0 + changes.length);
    const plan = JSON.parse(await page.evaluate(() => document.querySelector('shequ-planner').getPlan()));
    assert.equal(plan.features.find((f) => f.properties.layer === 'community' && f.properties.id === c.id).properties.name, c.name + '（新）');
    await page.screenshot({ path: join(ARTIFACTS, 'e1-element.png') });
  });

  test('editable="false" takes the editing tools away, and back', async () => {
    assert.equal(await page.locator('shequ-planner [data-testid="tool-reassign"]').count(), 1);
    await page.click('[data-testid="host-toggle-edit"]');
    assert.equal(await page.getAttribute('shequ-planner', 'editable'), 'false');
    assert.equal(await page.locator('shequ-planner [data-testid="tool-reassign"]').count(), 0);
    assert.equal(await page.locator('shequ-planner [data-testid="community-form"]').count(), 0);
    await page.click('[data-testid="host-toggle-edit"]');
    assert.equal(await page.locator('shequ-planner [data-testid="tool-reassign"]').count(), 1);
    await page.evaluate(() => document.querySelector('shequ-planner').setAttribute('readonly', ''));
    assert.equal(await page.isVisible('shequ-planner [data-testid="read-only-banner"]'), true);
    assert.equal(await page.locator('shequ-planner [data-testid="tool-reassign"]').count(), 0);
    await page.evaluate(() => document.querySelector('shequ-planner').removeAttribute('readonly'));
    assert.equal(await page.isVisible('shequ-planner [data-testid="read-only-banner"]'), false);
  });
});

describe('iframe + postMessage', () => {
  let page, frame;
  const log = () => page.evaluate(() => window.hostLog);
  const waitFor = (pred, arg) => page.waitForFunction(pred, arg);

  test('the host gets ready, sends load, receives change', async () => {
    let w;
    ({ page, watch: w } = await watchedPage(context, server.origin));
    watches.push(w);
    await page.goto(server.origin + '/examples/iframe.html');
    await waitFor(() => window.hostLog?.some((m) => m.type === 'change'));
    const msgs = await log();
    assert.equal(msgs[0].type, 'ready');
    assert.equal(msgs[0].protocol, 'shequ-embed/1');
    const loaded = msgs.find((m) => m.type === 'loaded');
    assert.equal(loaded.ok, true);
    const change = msgs.find((m) => m.type === 'change');
    assert.equal(change.summary.reason, 'load');
    assert.equal(change.summary.communities, report0.totals.communities);
    assert.equal(change.summary.households_total, report0.totals.households_total);
    frame = page.frame({ url: /embed\.html/ });
    assert.ok(frame, 'the planner frame');
    assert.equal(int(await frame.textContent('[data-testid="total-communities"]')), report0.totals.communities);
    assert.match(await page.textContent('[data-testid="host-summary"]'), new RegExp(`${report0.totals.communities} 个社区`));
  });

  test('getPlan and getReport replies; an edit in the frame sends change', async () => {
    await page.click('[data-testid="host-get-plan"]');
    await page.click('[data-testid="host-get-report"]');
    await waitFor(() => window.hostLog.some((m) => m.type === 'plan') && window.hostLog.some((m) => m.type === 'report'));
    const msgs = await log();
    const plan = msgs.find((m) => m.type === 'plan');
    assert.equal(JSON.parse(plan.plan).features.length, JSON.parse(demoText()).features.length);
    const report = msgs.find((m) => m.type === 'report').report;
    assert.equal(report.communities.length, report0.communities.length);
    // Replies carry the request's id.
    assert.ok(plan.id > 0 && msgs.find((m) => m.type === 'report').id === plan.id + 1);
    // An unknown message type gets an error reply.
    await page.evaluate(() => window.hostSend({ type: 'frobnicate' }));
    await waitFor(() => window.hostLog.some((m) => m.type === 'error'));
    assert.match((await log()).find((m) => m.type === 'error').message, /frobnicate/);
    // An edit inside the frame.
    const c = report0.communities.find((x) => x.name);
    const n0 = (await log()).filter((m) => m.type === 'change').length;
    await frame.click(`[data-testid="balance-row-${c.id}"]`);
    await frame.click('[data-testid="tab-detail"]');
    await frame.fill('[data-testid="edit-name"]', c.name + '（改）');
    await frame.click('[data-testid="edit-save"]');
    await waitFor((n) => window.hostLog.filter((m) => m.type === 'change').length > n, n0);
    assert.equal((await log()).filter((m) => m.type === 'change').at(-1).summary.reason, 'edit');
    await page.screenshot({ path: join(ARTIFACTS, 'e2-iframe.png') });
    // A plan the engine refuses: ok false, the problems named, the plan kept.
    const broken = JSON.stringify({ type: 'FeatureCollection', features: [
      { type: 'Feature', properties: { layer: 'compound', id: 'X1', households: -5 }, geometry: { type: 'Point', coordinates: [119.4, 32.4] } },
    ] });
    await page.evaluate((plan) => window.hostSend({ type: 'load', plan, fileName: 'broken.geojson' }), broken);
    await waitFor(() => window.hostLog.some((m) => m.type === 'loaded' && !m.ok));
    const bad = (await log()).find((m) => m.type === 'loaded' && !m.ok);
    assert.equal(bad.fileName, 'broken.geojson');
    assert.match(bad.problems[0].message_en, /households/);
    assert.equal(int(await frame.textContent('[data-testid="total-communities"]')), report0.totals.communities);
  });

  test('a message from a wrong origin is ignored', async () => {
    // A second frame that allows only http://localhost:<port>; this page is http://127.0.0.1:<port>.
    const other = server.origin.replace('127.0.0.1', 'localhost');
    await page.evaluate((allowed) => {
      window.otherLog = [];
      const f = document.createElement('iframe');
      f.src = '../embed.html?origin=' + encodeURIComponent(allowed);
      f.className = 'portal-embed';
      f.height = '400';
      f.dataset.testid = 'other-frame';
      document.body.append(f);
      window.otherFrame = f;
      window.addEventListener('message', (e) => { if (e.source === f.contentWindow) window.otherLog.push(e.data); });
    }, other);
    await page.waitForFunction(() => window.otherFrame.contentDocument?.querySelector('[data-testid="empty"]'));
    const second = page.frames().find((f) => f.url().includes(encodeURIComponent(other)));
    await page.evaluate(async () => {
      const demo = await (await fetch('../demo.geojson')).text();
      const w = window.otherFrame.contentWindow;
      w.postMessage({ type: 'load', plan: demo, id: 1 }, '*');
      w.postMessage({ type: 'getPlan', id: 2 }, '*');
      w.postMessage({ type: 'hello' }, '*');
    });
    await page.waitForTimeout(1500);
    assert.deepEqual(await page.evaluate(() => window.otherLog), [], 'no reply, not even ready');
    assert.equal(await second.locator('[data-testid="total-communities"]').count(), 0, 'the plan was not loaded');
    assert.equal(await second.isVisible('[data-testid="empty"]'), true);
    // The first frame, from its allowed origin, still answers.
    await page.click('[data-testid="host-get-report"]');
    await waitFor(() => window.hostLog.filter((m) => m.type === 'report').length === 2);
  });
});

describe('embedding', () => {
  test('no console errors, no CSP violations, no request off the page', () => {
    for (const w of watches) {
      assert.deepEqual(w.errors, []);
      assert.deepEqual(w.csp, []);
      assert.deepEqual(w.foreign(), []);
    }
  });
});
