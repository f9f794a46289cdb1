// The 一社区一方案 sheet as it is filed, in real headless Chromium: the map's
// labels (neighbours' names outside the community described, inside the part
// of each neighbour the map shows, no two labels overlapping, measured on the
// SVG the page draws), the sign-off block (entered in the print preview, in
// the exported plan, printed again after a reload), the footer naming the
// plan by its title and the rules by their name, the summary's name column,
// and English words. Printed to PDF; where poppler's pdftoppm is installed,
// the first page is also rendered to PNG in tests/artifacts/ for review.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, demoText, launch, nodeEngine, startServer, watchedPage } from './harness.mjs';

let server, browser, context, page, watch, wasm, demo, engine;
const numbers = {};

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  wasm = await nodeEngine();
  demo = demoText();
  engine = new wasm.Engine(demo, 'demo.geojson', '');
  server = await startServer();
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1500, height: 950 }, locale: 'zh-CN', acceptDownloads: true });
  ({ page, watch } = await watchedPage(context, server.origin));
  await page.goto(server.origin + '/index.html');
  await page.waitForSelector('[data-testid="total-communities"]');
});

after(async () => {
  console.log('measured:', JSON.stringify(numbers));
  await browser?.close();
  await server?.close();
});

async function openAll() {
  await page.evaluate(() => window.shequ.printSheets());
  await page.waitForSelector('[data-testid="sheet-summary"]');
}

async function closeSheets() {
  await page.click('[data-testid="sheets-close"]');
  await page.waitForSelector('[data-testid="sheets"]', { state: 'detached' });
}

/**
 * Every sheet map's labels, measured in the page: for each sheet, the
 * neighbour labels whose box has a point inside the community's outline
 * (sampled every 1.5 px, the outline's own fill rule), the pairs of labels
 * whose boxes overlap, the neighbour labels not inside the neighbour they
 * name, the subject's name meeting a road label, and the counts.
 */
function mapLabels() {
  return page.$$eval('[data-testid="sheets"] section[data-id]', (sections) => sections.map((sec) => {
    const id = sec.dataset.id;
    const outline = sec.querySelector('[data-testid="sheet-map-outline"]');
    const box = (e) => { const b = e.getBBox(); return { x0: b.x, y0: b.y, x1: b.x + b.width, y1: b.y + b.height, text: e.textContent, cls: e.getAttribute('class'), for: e.dataset.for }; };
    const meet = (a, b) => a.x0 < b.x1 - 0.5 && b.x0 < a.x1 - 0.5 && a.y0 < b.y1 - 0.5 && b.y0 < a.y1 - 0.5;
    const inside = (el, x, y) => el.isPointInFill(new DOMPoint(x, y));
    const nb = [...sec.querySelectorAll('text.shequ-sm-nlabel')].map(box);
    const roads = [...sec.querySelectorAll('text.shequ-sm-blabel')].map(box);
    const name = [...sec.querySelectorAll('text.shequ-sm-name')].map(box);
    const all = [...name, ...roads, ...nb];
    const inSubject = nb.filter((b) => {
      for (let x = b.x0; x <= b.x1; x += 1.5) for (let y = b.y0; y <= b.y1; y += 1.5) if (inside(outline, x, y)) return true;
      return inside(outline, b.x1, b.y1);
    }).map((b) => b.text);
    const overlapping = [];
    for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) if (meet(all[i], all[j])) overlapping.push(all[i].text + ' × ' + all[j].text);
    const outsideOwn = nb.filter((b) => {
      const path = b.for && sec.querySelector(`path.shequ-sm-neighbour[data-id="${CSS.escape(b.for)}"]`);
      return !path || !inside(path, (b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2);
    }).map((b) => b.text);
    const nameOnRoad = name.flatMap((n) => roads.filter((r) => meet(n, r)).map((r) => r.text));
    return { id, inSubject, overlapping, outsideOwn, nameOnRoad, labels: nb.length, neighbours: sec.querySelectorAll('path.shequ-sm-neighbour').length, names: name.length };
  }));
}

function checkLabels(sheets, lang) {
  const bad = (k) => sheets.filter((s) => s[k].length).map((s) => `${s.id}: ${s[k].join(', ')}`);
  assert.equal(sheets.length, engine.report().communities.length);
  assert.deepEqual(bad('inSubject'), [], `${lang}: neighbour labels inside the community described`);
  assert.deepEqual(bad('overlapping'), [], `${lang}: labels overlapping`);
  assert.deepEqual(bad('outsideOwn'), [], `${lang}: neighbour labels outside the neighbour they name`);
  assert.deepEqual(bad('nameOnRoad'), [], `${lang}: the community's name over a road's name`);
  assert.ok(sheets.every((s) => s.names === 1), `${lang}: each map names its community once`);
  const labels = sheets.reduce((a, s) => a + s.labels, 0), neighbours = sheets.reduce((a, s) => a + s.neighbours, 0);
  numbers[`neighbour_labels_${lang}`] = `${labels}/${neighbours}`;
  // Not a layout that keeps clear by leaving the neighbours unnamed.
  assert.ok(labels >= 0.8 * neighbours, `${lang}: ${labels} labels for ${neighbours} neighbours shown`);
}

describe('the sheet map', () => {
  test('neighbours are named outside the community, inside their own part of the map, no two labels overlapping (zh, en)', async () => {
    for (const lang of ['zh', 'en']) {
      await page.evaluate((l) => window.shequ.setLanguage(l), lang);
      const t0 = Date.now();
      await openAll();
      numbers[`sheets_all_ms_${lang}`] = Date.now() - t0;
      checkLabels(await mapLabels(), lang);
      await closeSheets();
    }
    await page.evaluate(() => window.shequ.setLanguage('zh'));
  });
});

/** A download started by clicking file-menu → `item`: {name, bytes}. */
async function download(item) {
  await page.click('[data-testid="file-menu"]');
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid="${item}"]`)]);
  return { name: d.suggestedFilename(), bytes: readFileSync(await d.path()) };
}

const ID = 'C001';
const SIGNOFF = { unit: '扬州市广陵区琼华街道办事处', contact: '王明 0514-87654321', reviewer: '广陵区民政局' };
const signoffShown = (id) => page.$$eval(`[data-testid="sheet-${id}"] [data-testid="sheet-signoff"] [data-field]`, (els) => Object.fromEntries(els.map((e) => [e.dataset.field, e.textContent])));

describe('the sign-off', () => {
  test('entered in the print preview, undoable, in the exported plan, printed again after a reload; empty entries are lines to fill in', async () => {
    await page.evaluate((id) => window.shequ.printSheets([id]), ID);
    await page.waitForSelector(`[data-testid="sheet-${ID}"]`);
    // Before: every entry a blank line, and the box for the seal.
    assert.deepEqual(await signoffShown(ID), { unit: '', contact: '', reviewer: '', date: '' });
    assert.equal(await page.textContent(`[data-testid="sheet-${ID}"] [data-testid="sheet-seal"]`), '盖章处');
    const labels = await page.$$eval(`[data-testid="sheet-${ID}"] .shequ-sheet-sign-label`, (els) => els.map((e) => e.textContent));
    assert.deepEqual(labels, ['编制单位', '联系人', '审核', '日期']);
    const blank = await page.$eval(`[data-testid="sheet-${ID}"] [data-field="date"]`, (e) => ({ w: e.getBoundingClientRect().width, line: getComputedStyle(e).borderBottomStyle }));
    assert.ok(blank.w > 100 && blank.line === 'solid', JSON.stringify(blank));

    await page.click('[data-testid="sheets-signoff"]');
    for (const [k, v] of Object.entries(SIGNOFF)) await page.fill(`[data-testid="signoff-input-${k}"]`, v);
    await page.click('[data-testid="signoff-save"]');
    await page.waitForSelector('[data-testid="signoff-form"]', { state: 'detached' });
    assert.deepEqual(await signoffShown(ID), { ...SIGNOFF, date: '' });
    await page.click('[data-testid="sheets-close"]');

    // One undoable edit.
    await page.click('[data-testid="undo"]');
    await page.evaluate((id) => window.shequ.printSheets([id]), ID);
    assert.deepEqual(await signoffShown(ID), { unit: '', contact: '', reviewer: '', date: '' });
    await closeSheets();
    await page.click('[data-testid="redo"]');

    // In the plan file, as the plan's own record.
    const { bytes } = await download('export-plan');
    const plan = JSON.parse(bytes.toString('utf8'));
    assert.deepEqual(plan.shequ?.signoff, SIGNOFF);
    assert.deepEqual(new wasm.Engine(bytes.toString('utf8'), 'x.geojson', '').planInfo().signoff, SIGNOFF);

    // Autosaved: after a reload the sheet prints it.
    await page.waitForSelector('[data-testid="save-state"][data-state="saved"]');
    await page.reload();
    await page.waitForSelector('[data-testid="total-communities"]');
    await page.evaluate((id) => window.shequ.printSheets([id]), ID);
    await page.waitForSelector(`[data-testid="sheet-${ID}"]`);
    assert.deepEqual(await signoffShown(ID), { ...SIGNOFF, date: '' });
    // The form shows what is saved; a date added; every sheet of "print all" carries it.
    await page.click('[data-testid="sheets-signoff"]');
    assert.equal(await page.inputValue('[data-testid="signoff-input-unit"]'), SIGNOFF.unit);
    await page.fill('[data-testid="signoff-input-date"]', '2025年6月1日');
    await page.press('[data-testid="signoff-input-date"]', 'Enter');
    await page.waitForSelector('[data-testid="signoff-form"]', { state: 'detached' });
    await closeSheets();
    await openAll();
    const all = await page.$$eval('[data-testid="sheets"] section[data-id] [data-field="date"]', (els) => els.map((e) => e.textContent));
    assert.equal(all.length, engine.report().communities.length);
    assert.ok(all.every((d) => d === '2025年6月1日'));
    await closeSheets();
  });

  test('in English: the same block, its words in English', async () => {
    await page.evaluate(() => window.shequ.setLanguage('en'));
    try {
      await page.evaluate((id) => window.shequ.printSheets([id]), ID);
      await page.waitForSelector(`[data-testid="sheet-${ID}"]`);
      const labels = await page.$$eval(`[data-testid="sheet-${ID}"] .shequ-sheet-sign-label`, (els) => els.map((e) => e.textContent));
      assert.deepEqual(labels, ['Prepared by', 'Contact', 'Reviewed by', 'Date']);
      assert.equal(await page.textContent(`[data-testid="sheet-${ID}"] [data-testid="sheet-seal"]`), 'Seal');
      assert.deepEqual(await signoffShown(ID), { ...SIGNOFF, date: '2025年6月1日' });
      await closeSheets();
    } finally {
      await page.evaluate(() => window.shequ.setLanguage('zh'));
    }
  });
});

describe('the footer and the summary', () => {
  test('the footer names the plan by its title and the rules by their name, not the files', async () => {
    const profile = (await page.evaluate(() => window.shequ.getReport())).profile;
    const street = JSON.parse(demo).features.find((f) => f.properties.layer === 'street').properties.name;
    const footers = async () => {
      await openAll();
      const all = await page.$$eval('[data-testid="sheets"] [data-testid="sheet-footer"]', (els) => els.map((e) => e.textContent));
      await closeSheets();
      return all;
    };
    // No title of its own: the street's name.
    let all = await footers();
    assert.equal(all.length, engine.report().communities.length + 1, 'every sheet and the summary');
    for (const f of all) {
      assert.ok(f.startsWith(street + ' · '), f);
      assert.ok(f.includes('规则：扬州市2022年社区居民委员会规模优化调整工作方案'), f);
      assert.ok(!f.includes('demo.geojson') && !f.includes(profile), f);
    }
    assert.ok(!(await page.textContent('body')).includes('方案文件：'));
    // A title set with the plan.
    await page.evaluate(() => window.shequ.setPlanTitle('琼华街道社区规模优化调整方案（征求意见稿）'));
    all = await footers();
    assert.ok(all.every((f) => f.startsWith('琼华街道社区规模优化调整方案（征求意见稿） · ')), all[0]);
    await page.evaluate(() => window.shequ.setLanguage('en'));
    try {
      all = await footers();
      assert.ok(all.every((f) => f.startsWith('琼华街道社区规模优化调整方案（征求意见稿） · Rules: Yangzhou 2022 plan for optimising community scale · Printed ')), all[0]);
    } finally {
      await page.evaluate(() => window.shequ.setLanguage('zh'));
    }
  });

  test('the summary, printed, has a six-character name on one line', async () => {
    const plan = JSON.parse(demo);
    const six = '文昌阁东社区';
    plan.features.find((f) => f.properties.layer === 'community' && f.properties.id === ID).properties.name = six;
    assert.equal(await page.evaluate((p) => window.shequ.load(p, 'renamed.geojson', { confirm: false }), JSON.stringify(plan)), true);
    // The summary prints on a landscape A4 page: 297 mm less the margins.
    await page.setViewportSize({ width: Math.round(((297 - 24) / 25.4) * 96), height: 700 });
    for (const lang of ['zh', 'en']) {
      await page.evaluate((l) => window.shequ.setLanguage(l), lang);
      await openAll();
      await page.emulateMedia({ media: 'print' });
      try {
        const lines = await page.$$eval('[data-testid="summary-table"] tbody td[data-col="name"]', (tds) => tds.map((td) => {
          const r = document.createRange();
          r.selectNodeContents(td);
          return [td.textContent, new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size];
        }));
        assert.equal(lines.length, engine.report().communities.length);
        assert.deepEqual(lines.find(([n]) => n === six), [six, 1], lang);
        assert.deepEqual(lines.filter(([, k]) => k !== 1), [], `${lang}: names on more than one line`);
        const headerLines = await page.$eval('[data-testid="summary-table"] th[data-col="name"]', (th) => {
          const r = document.createRange();
          r.selectNodeContents(th);
          return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size;
        });
        assert.equal(headerLines, 1, lang);
        // The table fits the page's width.
        const [tw, pw] = await page.$eval('[data-testid="summary-table"]', (t) => [t.getBoundingClientRect().width, t.closest('section').getBoundingClientRect().width]);
        assert.ok(tw <= pw + 1, `${lang}: table ${tw} px on a page of ${pw} px`);
      } finally {
        await page.emulateMedia({ media: 'screen' });
        await closeSheets();
      }
    }
    await page.evaluate(() => window.shequ.setLanguage('zh'));
    await page.setViewportSize({ width: 1500, height: 950 });
    assert.equal(await page.evaluate((p) => window.shequ.load(p, 'demo.geojson', { confirm: false }), demo), true);
  });
});

describe('English on the sheet', () => {
  test('no lower-case "band", no "1 compounds", values that start as sentences do', async () => {
    await page.evaluate(() => window.shequ.setLanguage('en'));
    try {
      await page.evaluate((id) => window.shequ.printSheets([id]), ID);
      await page.waitForSelector(`[data-testid="sheet-${ID}"]`);
      assert.equal(await page.textContent('[data-testid="sheets-count"]'), '1 community');
      const c = engine.report().communities.find((x) => x.id === ID);
      const cells = await page.$$eval(`[data-testid="sheet-${ID}"] .shequ-sheet-table td`, (tds) => tds.map((td) => td.textContent));
      assert.ok(cells.includes(`${c.band.target_min.toLocaleString('en-GB')}–${c.band.target_max.toLocaleString('en-GB')} households`), cells.join(' | '));
      assert.deepEqual(cells.filter((v) => /^[a-z]/.test(v)), [], 'table values starting in lower case');
      const text = await page.textContent(`[data-testid="sheet-${ID}"]`);
      assert.ok(!/\bband\b/.test(text), 'no "band" on the sheet');
      assert.deepEqual(text.match(/(?<![\d.,])1 [a-z]+s\b/g) ?? [], []);
      await closeSheets();
    } finally {
      await page.evaluate(() => window.shequ.setLanguage('zh'));
    }
  });
});

describe('printed', () => {
  test('to PDF, one A4 page per community with its sign-off; the first page as PNG for review', async () => {
    const ids = engine.report().communities.map((c) => c.id);
    await page.evaluate((ids) => window.shequ.printSheets(ids), ids);
    await page.waitForSelector(`[data-testid="sheet-${ids.at(-1)}"]`);
    await page.emulateMedia({ media: 'print' });
    try {
      for (const lang of ['zh', 'en']) {
        if (lang === 'en') {
          await page.evaluate(() => window.shequ.setLanguage('en'));
          await page.evaluate((ids) => window.shequ.printSheets(ids), ids);
          await page.waitForSelector(`[data-testid="sheet-${ids.at(-1)}"]`);
        }
        assert.equal(await page.locator('[data-testid="sheets"] section[data-id] [data-testid="sheet-signoff"]').count(), ids.length);
        const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
        const file = join(ARTIFACTS, `sheet-${lang}.pdf`);
        writeFileSync(file, pdf);
        const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
        assert.equal(pages, ids.length, `${lang}: one page per community, the sign-off included`);
        try {
          execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', file, join(ARTIFACTS, `sheet-${lang}`)]);
        } catch { /* poppler-utils not installed: the PNG is for a person to look at, not asserted */ }
      }
    } finally {
      await page.evaluate(() => window.shequ.setLanguage('zh'));
      await page.emulateMedia({ media: 'screen' });
      await closeSheets();
    }
    assert.deepEqual(watch.errors, []);
    assert.deepEqual(watch.csp, []);
  });
});
