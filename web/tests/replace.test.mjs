// "Work is never lost without a word": replacing a plan with unsaved edits
// (the demo, a file, the host API) asks first — Cancel / Export first, then
// load / Replace — and the plan left stays restorable (a toast, the file
// menu, across a reload). In real Chromium against web/dist.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, demoText, launch, nodeEngine, selectCommunity, startServer, watchedPage } from './harness.mjs';

const VIEWPORT = { width: 1600, height: 1000 };
let server, browser, demo, c; // c: the demo community renamed in these tests
const watches = [];
const EDITED = '（改）';

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const wasm = await nodeEngine();
  demo = demoText();
  c = new wasm.Engine(demo, 'demo.geojson', '').report().communities.find((x) => x.name);
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(locale) {
  const context = await browser.newContext({ viewport: VIEWPORT, locale, acceptDownloads: true });
  const { page, watch } = await watchedPage(context, server.origin);
  watches.push(watch);
  await page.goto(server.origin + '/index.html');
  await page.waitForSelector('[data-testid="total-communities"]');
  return page;
}

/** The name the balance list shows for community `id`. */
const rowName = (page, id = c.id) => page.textContent(`[data-testid="balance-row-${id}"] .shequ-bar-name`);
const waitName = (page, name, id = c.id) => page.waitForFunction(([id, name]) =>
  document.querySelector(`[data-testid="balance-row-${id}"] .shequ-bar-name`)?.textContent === name, [id, name]);
const unsaved = (page) => page.evaluate(() => window.shequ.unsavedEdits);
const dialogs = (page) => page.locator('[data-testid="replace-dialog"]').count();
const planName = (page) => page.textContent('[data-testid="plan-name"]');

/** Renames community `id` with its detail form (one committed edit). */
async function rename(page, name, id = c.id) {
  await selectCommunity(page, id);
  await page.click('[data-testid="tab-detail"]');
  await page.fill('[data-testid="edit-name"]', name);
  await page.click('[data-testid="edit-save"]');
  await waitName(page, name, id);
}

/** An autosave record as stored in IndexedDB ('shequ' or 'shequ:previous'), plan as text. */
function stored(page, key) {
  return page.evaluate((key) => new Promise((resolve, reject) => {
    const req = indexedDB.open('shequ');
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const db = req.result;
      const get = db.transaction('autosave').objectStore('autosave').get(key);
      get.onerror = () => reject(get.error);
      get.onsuccess = async () => {
        const r = get.result;
        db.close();
        resolve(r ? { fileName: r.fileName, edited: r.edited, plan: typeof r.plan === 'string' ? r.plan : await r.plan.text() } : null);
      };
    };
  }), key);
}

async function until(what, fn, timeout = 5000) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeout) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const nameIn = (planText, id = c.id) => JSON.parse(planText).features.find((f) => f.properties.layer === 'community' && f.properties.id === id)?.properties.name;

async function fileMenu(page) {
  await page.click('[data-testid="file-menu"]');
  await page.waitForSelector('[data-testid="file-items"]');
}

describe('replacing an edited plan (中文)', () => {
  let page;

  test('an unedited plan is replaced without a question: the demo again, a file opened', async () => {
    page = await open('zh-CN');
    assert.equal(await unsaved(page), false);
    await fileMenu(page);
    assert.equal(await page.isDisabled('[data-testid="restore-previous"]'), true, 'nothing to restore yet');
    assert.equal((await page.textContent('[data-testid="restore-previous"]')).trim(), '恢复上一方案');
    await page.evaluate(() => { window.__loads = 0; window.shequ.on('load', () => window.__loads++); });
    await page.click('[data-testid="load-demo"]');
    await page.waitForFunction(() => window.__loads === 1);
    await fileMenu(page);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid="open-plan"]')]);
    await chooser.setFiles({ name: 'other.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(demo) });
    await page.waitForFunction(() => window.__loads === 2);
    assert.equal(await planName(page), 'other.geojson');
    assert.equal(await dialogs(page), 0, 'no question');
    await fileMenu(page);
    assert.equal(await page.isDisabled('[data-testid="restore-previous"]'), true, 'an unedited plan left is not kept');
    await page.keyboard.press('Escape');
  });

  test('after an edit, 载入示例街道 asks; Cancel (and Esc) keep the plan, its edit, its undo and its autosave', async () => {
    await rename(page, c.name + EDITED);
    assert.equal(await unsaved(page), true);
    await until('the edit autosaved', async () => nameIn((await stored(page, 'shequ'))?.plan ?? '{"features":[]}') === c.name + EDITED);
    await fileMenu(page);
    await page.click('[data-testid="load-demo"]');
    await page.waitForSelector('[data-testid="replace-dialog"]');
    const text = await page.textContent('[data-testid="replace-dialog"]');
    assert.ok(text.includes('尚未导出的修改') && text.includes('载入「示例街道」将替换它') && text.includes('other.geojson'), text);
    assert.deepEqual(await page.$$eval('[data-testid="replace-dialog"] button', (bs) => bs.map((b) => b.textContent)), ['取消', '先导出再载入', '替换']);
    assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'replace-cancel', 'Cancel is the default');
    await page.screenshot({ path: join(ARTIFACTS, 'r1-replace-dialog.png') });
    await page.click('[data-testid="replace-cancel"]');
    await page.waitForSelector('[data-testid="replace-dialog"]', { state: 'detached' });
    // Esc declines too.
    await fileMenu(page);
    await page.click('[data-testid="load-demo"]');
    await page.waitForSelector('[data-testid="replace-dialog"]');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="replace-dialog"]', { state: 'detached' });
    await page.waitForTimeout(300); // a load would have happened by now
    assert.equal(await rowName(page), c.name + EDITED);
    assert.equal(await page.textContent('[data-testid="detail-name"]'), c.name + EDITED, 'the selection stays');
    assert.equal(await planName(page), 'other.geojson');
    assert.equal(await page.evaluate(() => window.__loads), 2, 'nothing loaded');
    const saved = await stored(page, 'shequ');
    assert.equal(saved.fileName, 'other.geojson');
    assert.equal(nameIn(saved.plan), c.name + EDITED, 'the autosave still holds the edit');
    assert.equal(await stored(page, 'shequ:previous'), null);
    // The undo history is intact; undoing every edit leaves nothing unsaved, redoing brings it back.
    await page.keyboard.press('Control+z');
    await waitName(page, c.name);
    assert.equal(await unsaved(page), false);
    await page.keyboard.press('Control+Shift+z');
    await waitName(page, c.name + EDITED);
    assert.equal(await unsaved(page), true);
  });

  test('Replace loads the unedited demo; after a reload the file menu restores the edited plan', async () => {
    await fileMenu(page);
    await page.click('[data-testid="load-demo"]');
    await page.click('[data-testid="replace-ok"]');
    await waitName(page, c.name);
    await page.waitForFunction(() => window.__loads === 3);
    assert.equal(await planName(page), 'demo.geojson');
    assert.equal(await unsaved(page), false);
    assert.equal(await page.isDisabled('[data-testid="undo"]'), true, 'a new plan, a new history');
    await page.waitForSelector('[data-testid="toast-previous"] [data-testid="toast-restore"]');
    assert.equal(await page.textContent('[data-testid="toast-restore"]'), '恢复上一方案');
    const prev = await until('the previous plan stored', () => stored(page, 'shequ:previous'));
    assert.equal(prev.fileName, 'other.geojson');
    assert.equal(prev.edited, true);
    assert.equal(nameIn(prev.plan), c.name + EDITED);
    await until('the demo autosaved', async () => (await stored(page, 'shequ'))?.fileName === 'demo.geojson');
    await page.screenshot({ path: join(ARTIFACTS, 'r2-replaced.png') });

    await page.reload();
    await page.waitForSelector('[data-testid="total-communities"]');
    assert.equal(await rowName(page), c.name, 'the autosave is the demo');
    await fileMenu(page);
    assert.equal(await page.isDisabled('[data-testid="restore-previous"]'), false, 'the previous plan survived the reload');
    await page.click('[data-testid="restore-previous"]');
    await waitName(page, c.name + EDITED);
    assert.equal(await dialogs(page), 0, 'the demo had no edits: no question');
    await page.waitForSelector('[data-testid="toast-previous-restored"]');
    assert.equal(await planName(page), 'other.geojson');
    assert.equal(await unsaved(page), true, 'the restored edits are still not exported');
    // The demo left had no edits: nothing more to restore.
    await until('the previous plan forgotten', async () => (await stored(page, 'shequ:previous')) === null);
    await fileMenu(page);
    assert.equal(await page.isDisabled('[data-testid="restore-previous"]'), true);
    await page.keyboard.press('Escape');
  });

  test('Export first downloads the plan with its edit, then loads; the toast brings the plan back', async () => {
    await page.evaluate(() => { window.__loads = 0; window.shequ.on('load', () => window.__loads++); });
    await fileMenu(page);
    await page.click('[data-testid="load-demo"]');
    await page.waitForSelector('[data-testid="replace-dialog"]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="replace-export"]')]);
    assert.match(download.suggestedFilename(), /^other-.*\.geojson$/);
    const text = readFileSync(await download.path(), 'utf8');
    assert.equal(nameIn(text), c.name + EDITED, 'the download holds the edit');
    await waitName(page, c.name);
    await page.waitForFunction(() => window.__loads === 1);
    assert.equal(await planName(page), 'demo.geojson');
    // The plan left (exported just now) is kept all the same.
    await page.click('[data-testid="toast-previous"] [data-testid="toast-restore"]');
    await waitName(page, c.name + EDITED);
    assert.equal(await dialogs(page), 0);
    assert.equal(await planName(page), 'other.geojson');
    assert.equal(await unsaved(page), false, 'it was exported: nothing unsaved');
  });
});

describe('the host API (English)', () => {
  let page;

  test('load() on an edited plan asks; {confirm: false} does not; a failed load replaces nothing', async () => {
    page = await open('en-GB');
    await page.evaluate(() => window.shequ.setLanguage('en'));
    await rename(page, c.name + ' (edited)');
    const asked = page.evaluate((text) => window.shequ.load(text, 'x.geojson'), demo);
    await page.waitForSelector('[data-testid="replace-dialog"]');
    const text = await page.textContent('[data-testid="replace-dialog"]');
    assert.ok(text.includes('Replace the current plan?') && text.includes('have not been exported') && text.includes('Loading “x.geojson” will replace it'), text);
    assert.deepEqual(await page.$$eval('[data-testid="replace-dialog"] button', (bs) => bs.map((b) => b.textContent)), ['Cancel', 'Export first, then load', 'Replace']);
    await page.click('[data-testid="replace-cancel"]');
    assert.equal(await asked, false, 'declined: load() resolves false');
    assert.equal(await rowName(page), c.name + ' (edited)');
    assert.equal(await planName(page), 'demo.geojson');

    // A file the engine refuses: no question asked, no replacement, nothing kept.
    const broken = JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { layer: 'compound', id: 'X', households: -5 }, geometry: { type: 'Point', coordinates: [119.4, 32.4] } }] });
    assert.equal(await page.evaluate((b) => window.shequ.load(b, 'broken.geojson', { confirm: false }), broken), false);
    await page.waitForSelector('[data-testid="load-error"]');
    await page.keyboard.press('Escape');
    assert.equal(await rowName(page), c.name + ' (edited)');
    assert.equal(await unsaved(page), true);
    assert.equal(await page.locator('[data-testid="toast-previous"]').count(), 0);

    assert.equal(await page.evaluate((text) => window.shequ.load(text, 'x.geojson', { confirm: false }), demo), true);
    assert.equal(await dialogs(page), 0, 'confirm: false does not ask');
    assert.equal(await planName(page), 'x.geojson');
    assert.equal(await rowName(page), c.name);
    assert.equal(await page.textContent('[data-testid="toast-previous"] [data-testid="toast-restore"]'), 'Restore previous plan');
  });

  test('restoring swaps: the edited plan it leaves becomes the previous one', async () => {
    await rename(page, c.name + ' (x)');
    const restored = page.evaluate(() => window.shequ.restorePrevious());
    await page.waitForSelector('[data-testid="replace-dialog"]');
    await page.click('[data-testid="replace-ok"]');
    assert.equal(await restored, true);
    await waitName(page, c.name + ' (edited)');
    assert.equal(await planName(page), 'demo.geojson');
    assert.equal(await page.evaluate(() => window.shequ.restorePrevious({ confirm: false })), true);
    await waitName(page, c.name + ' (x)');
    assert.equal(await planName(page), 'x.geojson');
    assert.equal(await dialogs(page), 0);
  });

  test('no console errors, CSP violations or foreign requests', () => {
    for (const w of watches) {
      assert.deepEqual(w.errors, []);
      assert.deepEqual(w.csp, []);
      assert.deepEqual(w.foreign(), []);
    }
  });
});
