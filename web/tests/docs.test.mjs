// Official documents out of the planner, in real headless Chromium: the 四至
// in the detail and on the 一社区一方案 sheet (against the engine run in
// Node), the planner's override (undo, autosave, export → reimport), the
// procedure tracker, printing to PDF (one page per community), and the
// CSV / XLSX / Shapefile downloads read back with real readers (the XLSX and
// the Shapefile zip through shequ-import's own readers, calamine and the
// Shapefile importer, compiled to WASM and run in Node).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ARTIFACTS, DIST, demoText, launch, nodeEngine, startServer, watchedPage } from './harness.mjs';

let server, browser, context, page, watch, wasm, imp, demo, engine;
const numbers = {};
const ID = 'C001';

async function importWasm() {
  const pkg = join(DIST, 'pkg-import');
  if (!existsSync(join(pkg, 'shequ_import_wasm.js'))) throw new Error('dist/pkg-import missing: run `npm run wasm -- import && npm run build` first');
  const mod = await import(pathToFileURL(join(pkg, 'shequ_import_wasm.js')).href);
  mod.initSync({ module: readFileSync(join(pkg, 'shequ_import_wasm_bg.wasm')) });
  return mod;
}

const text = (sel) => page.textContent(sel).then((s) => s.trim());

async function selectCommunity(id) {
  await page.click('[data-testid="tab-balance"]');
  await page.click(`[data-testid="balance-row-${id}"]`);
  await page.click('[data-testid="tab-detail"]');
  await page.waitForSelector('[data-testid="detail-sizhi"]');
}

async function waitSaved() {
  await page.waitForSelector('[data-testid="save-state"][data-state="saved"]');
}

async function openSheetOf(id) {
  await page.click('[data-testid="print-sheet"]');
  await page.waitForSelector(`[data-testid="sheet-${id}"]`);
  const s = await text(`[data-testid="sheet-${id}"] [data-testid="sheet-sizhi"]`);
  return s;
}

async function closeSheets() {
  await page.click('[data-testid="sheets-close"]');
  await page.waitForSelector('[data-testid="sheets"]', { state: 'detached' });
}

/** A download started by clicking file-menu → `item`: {name, bytes}. */
async function download(item) {
  await page.click('[data-testid="file-menu"]');
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid="${item}"]`)]);
  const path = await d.path();
  return { name: d.suggestedFilename(), bytes: readFileSync(path) };
}

function pdfPages(buf) {
  return (buf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
}

/** RFC 4180 CSV → rows of cells. */
function parseCsv(s) {
  const rows = [];
  let row = [], cell = '', q = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (q) {
      if (ch === '"' && s[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') q = false; else cell += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { row.push(cell); cell = ''; }
    else if (ch === '\r' && s[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; }
    else cell += ch;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  wasm = await nodeEngine();
  imp = await importWasm();
  demo = demoText();
  engine = new wasm.Engine(demo, 'demo.geojson', '');
  server = await startServer();
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1500, height: 950 }, locale: 'zh-CN', acceptDownloads: true });
  ({ page, watch } = await watchedPage(context, server.origin));
});

after(async () => {
  console.log('measured:', JSON.stringify(numbers));
  await browser?.close();
  await server?.close();
});

describe('document data (no browser)', () => {
  test('the 四至 sentence splits into sides; an override replaces only its side', async () => {
    const { sizhiText, splitZh, splitEn } = await import('../src/docs/model.js');
    assert.deepEqual(splitZh('东至甲路、乙路，南至丙河，西至丁社区，北至扬州街道边界'), { east: '甲路、乙路', south: '丙河', west: '丁社区', north: '扬州街道边界' });
    assert.equal(splitZh('not a sizhi'), null);
    for (const c of engine.report().communities) {
      const s = engine.sizhi(c.id);
      assert.equal(sizhiText(s, {}).zh, s.text_zh);
      const sides = splitZh(s.text_zh);
      assert.equal('东至' + sides.east + '，南至' + sides.south + '，西至' + sides.west + '，北至' + sides.north, s.text_zh);
      assert.ok(splitEn(s.text_en), s.text_en);
    }
    const s = engine.sizhi(ID);
    const over = sizhiText(s, { sizhi: { north: ' 新河 ', east: 5, west: '' } });
    assert.equal(over.zh, s.text_zh.replace(/，北至.*$/, '，北至新河'));
    // Junk from a file is ignored rather than shown.
    assert.equal(sizhiText(s, { sizhi: ['x'] }).zh, s.text_zh);
    assert.equal(sizhiText(null, { sizhi: { east: '甲路' } }).zh, '东至甲路，南至无明显界线，西至无明显界线，北至无明显界线');
  });

  test('CSV cells are quoted, formulas defused, and the procedure counts what applies', async () => {
    const { toCsv, procedureOf, progress, withItem, ITEMS } = await import('../src/docs/model.js');
    const csv = toCsv([{ id: 'A', name: '甲,"乙"', after: -5, sizhi: '=HYPERLINK("x")', center: 'a\nb' }]);
    const line = csv.slice(csv.indexOf('\r\n') + 2);
    assert.ok(line.startsWith('A,"甲,""乙""",,,-5,'), line);
    assert.ok(line.includes(`"'=HYPERLINK(""x"")"`), line);
    assert.ok(line.includes('"a\nb"'), line);
    assert.equal(ITEMS.length, 18);
    let p = procedureOf({ procedure: { 'research.consult': true, 'research.assets': true, bogus: true } });
    assert.deepEqual(progress(p), { done: 1, total: 17, stage: 'research' });
    p = procedureOf({ procedure: withItem(p, 'farmland', true) });
    assert.deepEqual(progress(p), { done: 2, total: 18, stage: 'research' });
    const all = procedureOf({ procedure: Object.fromEntries(ITEMS.map((k) => [k, true])) });
    assert.deepEqual(progress(all), { done: 17, total: 17, stage: null });
    assert.equal(procedureOf({ procedure: 'yes' }).done.size, 0);
  });
});

describe('official documents', () => {
  let expectedZh; // the engine's 四至 of ID

  test('the detail and the sheet show the engine\'s 四至', async () => {
    await page.goto(server.origin + '/index.html');
    await page.waitForSelector('[data-testid="total-communities"]');
    expectedZh = engine.sizhi(ID).text_zh;
    assert.match(expectedZh, /^东至.+，南至.+，西至.+，北至.+$/);
    await selectCommunity(ID);
    assert.equal(await text('[data-testid="detail-sizhi"]'), expectedZh);
    assert.equal(await openSheetOf(ID), expectedZh);
    const name = engine.report().communities.find((c) => c.id === ID).name;
    assert.equal(await text(`[data-testid="sheet-${ID}"] [data-testid="sheet-name"]`), name);
    // The map is drawn from the plan: an outline, the four sides written round it, no image requests.
    assert.equal(await page.locator(`[data-testid="sheet-${ID}"] [data-testid="sheet-map-outline"]`).count(), 1);
    const sides = await page.$$eval(`[data-testid="sheet-${ID}"] text[data-side]`, (els) => els.map((e) => e.dataset.side + ':' + e.textContent));
    assert.equal(sides.length, 4);
    assert.ok(sides.some((s) => s === 'east:东至：' + expectedZh.split('，')[0].slice(2)), sides.join(' | '));
    await page.screenshot({ path: join(ARTIFACTS, 'docs-01-sheet.png') });
    await closeSheets();
  });

  test('every sheet of "print all" shows what the engine computes, after the summary', async () => {
    const t0 = Date.now();
    await page.click('[data-testid="file-menu"]');
    await page.click('[data-testid="print-sheets"]');
    await page.waitForSelector('[data-testid="sheet-summary"]');
    numbers.sheets_all_ms = Date.now() - t0;
    const report = engine.report();
    const shown = await page.$$eval('[data-testid="sheets"] section[data-id]', (els) => els.map((e) => [e.dataset.id, e.querySelector('[data-testid="sheet-sizhi"]').textContent]));
    assert.deepEqual(shown.map(([id]) => id), report.communities.map((c) => c.id));
    for (const [id, s] of shown) assert.equal(s, engine.sizhi(id).text_zh, id);
    assert.equal(await page.locator('[data-testid="summary-table"] tbody tr').count(), report.communities.length);
    const hh = await page.$$eval('[data-testid="summary-table"] tbody tr', (rows) => rows.map((r) => r.querySelector('[data-col="after"]').textContent.replace(/\D/g, '')));
    assert.deepEqual(hh.map(Number), report.communities.map((c) => c.households_total));
    await closeSheets();
  });

  test('editing a side of the 四至: on the sheet, undoable, autosaved', async () => {
    await selectCommunity(ID);
    await page.click('[data-testid="sizhi-edit"]');
    await page.fill('[data-testid="sizhi-input-east"]', '文昌中路（东侧围墙）');
    await page.click('[data-testid="sizhi-save"]');
    const edited = '东至文昌中路（东侧围墙），' + expectedZh.split('，').slice(1).join('，');
    await page.waitForFunction((t) => document.querySelector('[data-testid="detail-sizhi"]')?.textContent === t, edited);
    assert.equal(await openSheetOf(ID), edited);
    await closeSheets();
    await page.click('[data-testid="undo"]');
    await page.waitForFunction((t) => document.querySelector('[data-testid="detail-sizhi"]')?.textContent === t, expectedZh);
    await page.click('[data-testid="redo"]');
    await page.waitForFunction((t) => document.querySelector('[data-testid="detail-sizhi"]')?.textContent === t, edited);
    await waitSaved();
    await page.reload();
    await page.waitForSelector('[data-testid="toast-restored"]');
    await selectCommunity(ID);
    assert.equal(await text('[data-testid="detail-sizhi"]'), edited);
    assert.equal(await openSheetOf(ID), edited);
    await closeSheets();
  });

  test('the override survives export and reimport', async () => {
    const { bytes } = await download('export-plan');
    const plan = JSON.parse(bytes.toString('utf8'));
    const props = plan.features.find((f) => f.properties.layer === 'community' && f.properties.id === ID).properties;
    assert.deepEqual(props.sizhi, { east: '文昌中路（东侧围墙）' });
    // The engine reads it back and writes it out again unchanged.
    const again = JSON.parse(new wasm.Engine(bytes.toString('utf8'), 'x.geojson', '').exportPlan());
    assert.deepEqual(again.features.find((f) => f.properties.id === ID).properties.sizhi, props.sizhi);
    await page.click('[data-testid="file-menu"]');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid="open-plan"]')]);
    await chooser.setFiles({ name: 'reimported.geojson', mimeType: 'application/geo+json', buffer: bytes });
    await page.waitForFunction(() => document.querySelector('[data-testid="plan-name"]')?.textContent === 'reimported.geojson');
    await selectCommunity(ID);
    assert.match(await text('[data-testid="detail-sizhi"]'), /^东至文昌中路（东侧围墙），南至/);
    await page.click('[data-testid="sizhi-edit"]');
    await page.click('[data-testid="sizhi-reset"]');
    await page.waitForFunction((t) => document.querySelector('[data-testid="detail-sizhi"]')?.textContent === t, expectedZh);
  });

  test('the procedure tracker: tick, reload, still ticked; undo unticks; on the sheet', async () => {
    await selectCommunity(ID);
    // The collective-assets item applies only to communities with farmland.
    assert.equal(await page.isDisabled('[data-testid="proc-research.assets"]'), true);
    await page.check('[data-testid="proc-research.consult"]');
    await page.check('[data-testid="proc-farmland"]');
    await page.check('[data-testid="proc-research.assets"]');
    await page.check('[data-testid="proc-formalities.credit_code"]');
    assert.equal(await text('[data-testid="proc-progress"]'), '已完成 3/18');
    await waitSaved();
    await page.reload();
    await page.waitForSelector('[data-testid="toast-restored"]');
    await selectCommunity(ID);
    for (const k of ['research.consult', 'research.assets', 'formalities.credit_code', 'farmland']) assert.equal(await page.isChecked(`[data-testid="proc-${k}"]`), true, k);
    assert.equal(await page.isChecked('[data-testid="proc-research.risk"]'), false);
    await page.click('[data-testid="print-sheet"]');
    await page.waitForSelector(`[data-testid="sheet-${ID}"]`);
    const done = await page.$$eval(`[data-testid="sheet-${ID}"] [data-item]`, (els) => els.filter((e) => e.dataset.done === 'true').map((e) => e.dataset.item));
    assert.deepEqual(done.sort(), ['formalities.credit_code', 'research.assets', 'research.consult']);
    await closeSheets();
    await page.uncheck('[data-testid="proc-formalities.credit_code"]');
    await page.check('[data-testid="proc-research.risk"]');
    await page.click('[data-testid="undo"]');
    await page.waitForFunction(() => !document.querySelector('[data-testid="proc-research.risk"]')?.checked);
    assert.equal(await page.isChecked('[data-testid="proc-formalities.credit_code"]'), false);
    await page.click('[data-testid="undo"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="proc-formalities.credit_code"]')?.checked);
    assert.equal(await text('[data-testid="proc-progress"]'), '已完成 3/18');
    const plan = JSON.parse(await page.evaluate(() => window.shequ.getPlan()));
    assert.deepEqual(plan.features.find((f) => f.properties.id === ID).properties.procedure,
      { farmland: true, 'research.consult': true, 'research.assets': true, 'formalities.credit_code': true });
  });

  test('printing to PDF gives one A4 page per community', async () => {
    const ids = engine.report().communities.slice(0, 4).map((c) => c.id);
    await page.evaluate((ids) => window.shequ.printSheets(ids), ids);
    await page.waitForSelector(`[data-testid="sheet-${ids[3]}"]`);
    await page.emulateMedia({ media: 'print' });
    try {
      // Only the sheets print: the planner is hidden.
      assert.equal(await page.isVisible('[data-testid="toolbar"]'), false);
      assert.equal(await page.isVisible('[data-testid="sheets-print"]'), false);
      const breaks = await page.$$eval('[data-testid="sheets"] section.shequ-sheet', (els) => els.map((e) => getComputedStyle(e).breakAfter));
      assert.deepEqual(breaks, ['page', 'page', 'page', 'auto']);
      const t0 = Date.now();
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
      numbers.pdf_4_sheets_ms = Date.now() - t0;
      writeFileSync(join(ARTIFACTS, 'docs-sheets.pdf'), pdf);
      assert.equal(pdfPages(pdf), ids.length, 'one A4 page per community');
      // The same in English (longer words).
      await page.evaluate(() => window.shequ.setLanguage('en'));
      await page.evaluate((ids) => window.shequ.printSheets(ids), ids);
      await page.waitForSelector(`[data-testid="sheet-${ids[3]}"]`);
      assert.equal(pdfPages(await page.pdf({ preferCSSPageSize: true, printBackground: true })), ids.length, 'in English too');
    } finally {
      await page.evaluate(() => window.shequ.setLanguage('zh'));
      await page.emulateMedia({ media: 'screen' });
      await closeSheets();
    }
  });

  test('summary as CSV (UTF-8 with BOM) and XLSX, read back', async () => {
    const report = await page.evaluate(() => window.shequ.getReport());
    const csv = await download('export-csv');
    assert.match(csv.name, /\.csv$/);
    assert.deepEqual([...csv.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'starts with the UTF-8 byte-order mark');
    const rows = parseCsv(csv.bytes.toString('utf8').slice(1));
    assert.equal(rows.length, report.communities.length + 1);
    assert.equal(rows[0][0], '编号 id');
    const col = (name) => rows[0].findIndex((h) => h.startsWith(name));
    for (const [i, c] of report.communities.entries()) {
      assert.equal(rows[i + 1][col('编号')], c.id);
      assert.equal(rows[i + 1][col('名称')], c.name);
      assert.equal(Number(rows[i + 1][col('调整后户数')]), c.households_total);
    }
    const row = rows.find((r) => r[0] === ID);
    assert.equal(row[col('四至')], expectedZh);
    assert.equal(row[col('调整程序')], '3/18');

    const xlsx = await download('export-xlsx');
    assert.match(xlsx.name, /\.xlsx$/);
    assert.deepEqual([...xlsx.bytes.subarray(0, 2)], [0x50, 0x4b], 'a zip (OOXML)');
    const info = imp.inspect('summary.xlsx', xlsx.bytes);
    assert.equal(info.format, 'table');
    assert.deepEqual(info.table.sheets, ['社区 communities', '问题 findings', '小区 compounds']);
    assert.equal(info.table.rows, report.communities.length);
    // Values, read by calamine: compound households join back onto the plan one to one…
    const plan = await page.evaluate(() => window.shequ.getPlan());
    const joined = imp.joinHouseholds(plan, 'summary.xlsx', xlsx.bytes, { sheet: '小区 compounds', key: 'id', key_column: '编号 id', households_column: '现有户数 households', planned_column: '规划户数 planned' });
    const compounds = JSON.parse(plan).features.filter((f) => f.properties.layer === 'compound');
    assert.equal(joined.report.updated.length, compounds.length);
    assert.ok(joined.report.updated.every((u) => u.households_after === u.households_before && u.planned_after === u.planned_before));
    // …and the community sheet holds every community id, in order.
    const comm = imp.joinHouseholds(plan, 'summary.xlsx', xlsx.bytes, { sheet: '社区 communities', key: 'id', key_column: '编号 id', households_column: '计入户数 households_total' });
    assert.deepEqual(comm.report.unmatched_rows.map((r) => r.key), report.communities.map((c) => c.id));
  });

  test('the plan as a Shapefile zip re-imports to the same plan', async () => {
    const zip = await download('export-shp');
    assert.match(zip.name, /\.zip$/);
    const report = await page.evaluate(() => window.shequ.getReport());
    const out = imp.toPlan([{ name: zip.name, bytes: new Uint8Array(zip.bytes) }], {});
    const back = new wasm.Engine(out.plan, zip.name, '').report();
    assert.equal(back.communities.length, report.communities.length);
    assert.equal(back.totals.households_total, report.totals.households_total);
    for (const c of report.communities) {
      const b = back.communities.find((x) => x.id === c.id);
      assert.ok(b, c.id);
      assert.equal(b.name, c.name);
      assert.equal(b.households_total, c.households_total, c.id);
    }
    numbers.shp_zip_bytes = zip.bytes.length;
  });

  test('English, and nothing left the page', async () => {
    await page.click('[data-testid="lang-switch"]');
    await selectCommunity(ID);
    assert.equal(await text('[data-testid="detail-sizhi"]'), engine.sizhi(ID).text_en);
    await page.click('[data-testid="lang-switch"]');
    assert.deepEqual(watch.errors, []);
    assert.deepEqual(watch.csp, []);
    assert.deepEqual(watch.foreign(), []);
  });
});
