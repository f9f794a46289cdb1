// Rules read as the plan reads them, in real headless Chromium: one vocabulary
// of severities (错误 / 警告 / 建议, 已说明), an in-principle warning explained
// with a reason (the panel, the counts, the community's sheet, the exported
// plan read again by the engine in Node, undo), no Explain for an error, the
// 规则说明 page against `Engine.rules()`, and one pass in English.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { ARTIFACTS, demoText, launch, nodeEngine, selectCommunity, startServer, watchedPage } from './harness.mjs';

const REASON = '老城区，平房为主，居民不愿拆并；保留现有 1,459 户';
let server, browser, context, page, watch, wasm, demo, report0, rules;

const int = (s) => Number(String(s).replace(/[^\d-]/g, ''));
const text = (sel) => page.textContent(sel).then((s) => s.trim());
const count = (sel) => text(sel).then(int);
const shot = (name) => page.screenshot({ path: join(ARTIFACTS, 'rules-' + name + '.png') });
const tid = (id) => `[data-testid="${id}"]`;

/** The open warning to explain: scale.below_target, else any warning of one community. */
function warningToExplain(report) {
  const open = report.findings.filter((f) => f.severity === 'warning' && !f.explained && f.community_ids.length);
  return open.find((f) => f.code === 'scale.below_target') ?? open.find((f) => f.strength === 'in_principle' && f.community_ids.length === 1);
}

async function totals() {
  return { errors: await count(tid('total-errors')), warnings: await count(tid('total-warnings')), infos: await count(tid('total-infos')), explained: await count(tid('total-explained')) };
}

/** A download started by clicking file-menu → `item`: {name, bytes}. */
async function download(item) {
  await page.click(tid('file-menu'));
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(tid(item))]);
  return { name: d.suggestedFilename(), bytes: readFileSync(await d.path()) };
}

/** The entries of a zip (an XLSX): name → bytes. */
function unzip(buf) {
  const out = new Map();
  let end = buf.length - 22;
  while (end >= 0 && buf.readUInt32LE(end) !== 0x06054b50) end--;
  let at = buf.readUInt32LE(end + 16);
  for (let n = buf.readUInt16LE(end + 10); n > 0; n--) {
    const method = buf.readUInt16LE(at + 10), size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28), skip = nameLen + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    out.set(buf.subarray(at + 46, at + 46 + nameLen).toString('utf8'), method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + skip;
  }
  return out;
}

async function closeSheets() {
  await page.click(tid('sheets-close'));
  await page.waitForSelector(tid('sheets'), { state: 'detached' });
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  wasm = await nodeEngine();
  demo = demoText();
  const engine = new wasm.Engine(demo, 'demo.geojson', '');
  report0 = engine.report();
  rules = JSON.parse(engine.rules());
  engine.free();
  server = await startServer();
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1500, height: 950 }, locale: 'zh-CN', acceptDownloads: true });
  ({ page, watch } = await watchedPage(context, server.origin));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe('rules as the plan reads them', () => {
  let f; // the warning explained

  test('severities are named 错误, 警告, 建议; the totals are the report\'s', async () => {
    await page.goto(server.origin + '/index.html');
    await page.waitForSelector(tid('total-communities'));
    const t = report0.totals;
    assert.deepEqual(await totals(), { errors: t.errors, warnings: t.warnings, infos: t.infos, explained: 0 });
    assert.ok(t.errors && t.warnings && t.infos, 'the demo has findings of every severity');
    await page.click(tid('tab-findings'));
    for (const [s, word, n] of [['error', '错误', t.errors], ['warning', '警告', t.warnings], ['info', '建议', t.infos]]) {
      assert.match(await text(`${tid('findings-' + s)} h3`), new RegExp('^' + word));
      assert.equal(await count(tid('findings-count-' + s)), n, s);
    }
    assert.equal(await page.isVisible(tid('findings-explained')), false, 'nothing explained yet');
    const panel = await text(tid('panel'));
    assert.ok(!panel.includes('提示') && !panel.includes('信息'), 'the old words are gone');
    assert.match(await text(tid('total-warnings') + ' + span'), /^警告$/);
    // The band legend says what the plan says, ticks where it says it.
    const legend = await text(tid('band-legend'));
    for (const s of ['2,000–3,000', '少于 500 户原则上合并', '多于 3,000 户原则上拆分', '5,000 户以上可以拆分']) assert.ok(legend.includes(s), `${s} in ${legend}`);
  });

  test('an error has no Explain button: a must cannot be explained away', async () => {
    const e = report0.findings.find((x) => x.severity === 'error' && x.community_ids.length);
    assert.ok(e);
    await page.waitForSelector(tid('finding-' + e.id));
    assert.equal(await page.locator(tid('explain-' + e.id)).count(), 0);
    // Every open warning or suggestion naming communities has one.
    const open = report0.findings.filter((x) => x.severity !== 'error' && x.community_ids.length);
    for (const x of open) assert.equal(await page.locator(tid('explain-' + x.id)).count(), 1, x.id);
  });

  test('an open warning explained with a reason: 已说明, the counts, the sheet, the export, the engine, undo', async () => {
    f = warningToExplain(report0);
    assert.ok(f, 'the demo has an in-principle warning of a community');
    const id = f.community_ids[0];
    const t0 = await totals();
    await page.click(tid('explain-' + f.id));
    await page.waitForSelector(tid('explain-dialog'));
    // Saving without a reason (blanks are none) is refused in the dialog.
    await page.fill(tid('explain-reason'), '   ');
    await page.click(tid('explain-save'));
    assert.equal(await page.isVisible(tid('explain-dialog')), true);
    assert.equal(await page.$eval(tid('explain-reason'), (e) => e.validity.valueMissing), true);
    assert.equal(await page.getAttribute(tid('explain-reason'), 'maxlength'), '500');
    await page.fill(tid('explain-reason'), REASON);
    await shot('01-explain');
    await page.click(tid('explain-save'));
    await page.waitForSelector(tid('explain-dialog'), { state: 'detached' });
    await page.waitForSelector(tid('explained-' + f.id));
    assert.equal(await text(tid('explained-' + f.id)), '理由：' + REASON);
    // Listed apart, under 已说明, with Edit and Withdraw, no longer with an Explain button.
    assert.equal(await page.locator(`${tid('findings-explained')} ${tid('finding-' + f.id)}`).count(), 1);
    assert.equal(await page.locator(`${tid('findings-warning')} ${tid('finding-' + f.id)}`).count(), 0);
    assert.match(await text(`${tid('findings-explained')} h3`), /^已说明/);
    assert.equal(await page.locator(tid('explain-' + f.id)).count(), 0);
    assert.equal(await page.locator(tid('explain-edit-' + f.id)).count(), 1);
    assert.equal(await page.locator(tid('explain-withdraw-' + f.id)).count(), 1);
    assert.deepEqual(await totals(), { ...t0, warnings: t0.warnings - 1, explained: 1 });
    assert.equal(await count(tid('findings-count-warning')), t0.warnings - 1);
    assert.equal(await count(tid('findings-count-explained')), 1);
    const report = await page.evaluate(() => window.shequ.getReport());
    assert.equal(report.totals.explained, 1);
    assert.equal(report.totals.warnings, t0.warnings - 1);
    await shot('02-explained');

    // The community's detail and its 一社区一方案 sheet show the reason, apart from the open findings.
    await selectCommunity(page, id);
    await page.click(tid('tab-detail'));
    await page.waitForSelector(tid('detail-explained-' + f.id));
    assert.equal(await text(tid('detail-explained-' + f.id)), '理由：' + REASON);
    await page.click(tid('print-sheet'));
    await page.waitForSelector(tid('sheet-' + id));
    const sheet = `${tid('sheet-' + id)}`;
    assert.ok((await text(`${sheet} ${tid('sheet-explained')}`)).includes(REASON));
    assert.ok((await text(`${sheet} ${tid('sheet-explained')}`)).includes('已说明'));
    assert.equal(await page.locator(`${sheet} ${tid('sheet-findings')} li[data-code="${f.code}"]`).count(), 0, 'not among the open findings');
    assert.match(await text(sheet), /已说明的偏离（1）/);
    await shot('03-sheet');
    await closeSheets();

    // The CSV and XLSX summaries use the same words and count the explained deviation apart.
    const csv = (await download('export-csv')).bytes.toString('utf8').slice(1).split('\r\n').map((l) => l.split(','));
    const col = (h) => csv[0].indexOf(h);
    for (const h of ['错误 errors', '警告 warnings', '建议 suggestions', '已说明 explained']) assert.ok(col(h) >= 0, h);
    const line = csv.find((r) => r[0] === id);
    assert.equal(line[col('已说明 explained')], '1');
    assert.equal(Number(line[col('警告 warnings')]), report.findings.filter((x) => x.community_ids.includes(id) && x.severity === 'warning' && !x.explained).length);
    const strings = unzip((await download('export-xlsx')).bytes).get('xl/sharedStrings.xml').toString('utf8');
    const cells = [...strings.matchAll(/<t[^>]*>([^<]*)<\/t>/g)].map((m) => m[1]);
    for (const w of ['错误 Error', '警告 Warning', '建议 Suggestion', '已说明 Explained', '符合 OK']) assert.ok(cells.includes(w), w);
    for (const w of ['info', 'warning', 'error', 'ok']) assert.ok(!cells.includes(w), `no bare ${w}`);
    assert.ok(cells.some((c) => c.endsWith('（理由：' + REASON + '）')), 'the reason after the message');

    // Exported with the plan; the engine in Node reads it back explained.
    const plainDownload = await download('export-plan');
    const exported = plainDownload.bytes.toString('utf8');
    const props = JSON.parse(exported).features.find((x) => x.properties.layer === 'community' && x.properties.id === id).properties;
    assert.deepEqual(props.explanations, { [f.code]: REASON });
    const back = new wasm.Engine(exported, plainDownload.name, '');
    const r = back.report();
    back.free();
    const g = r.findings.find((x) => x.id === f.id);
    assert.deepEqual(g.explained, { reason: REASON });
    assert.equal(r.totals.explained, 1);
    assert.equal(r.totals.warnings, report0.totals.warnings - 1);

    // Undo takes the reason back.
    await page.click(tid('undo'));
    await page.waitForSelector(tid('explained-' + f.id), { state: 'detached' });
    await page.click(tid('tab-findings'));
    await page.waitForSelector(tid('explain-' + f.id));
    assert.deepEqual(await totals(), t0);
    assert.equal(await page.isVisible(tid('findings-explained')), false);
    const plan = JSON.parse(await page.evaluate(() => window.shequ.getPlan()));
    const after = plan.features.find((x) => x.properties.layer === 'community' && x.properties.id === id).properties;
    assert.ok(!after.explanations || !(f.code in after.explanations), JSON.stringify(after.explanations));
  });

  test('edit the reason, then withdraw it', async () => {
    await page.click(tid('redo'));
    await page.waitForSelector(tid('explained-' + f.id));
    await page.click(tid('explain-edit-' + f.id));
    await page.waitForSelector(tid('explain-dialog'));
    assert.equal(await page.inputValue(tid('explain-reason')), REASON, 'the dialog starts from the reason given');
    await page.fill(tid('explain-reason'), '另一个理由');
    await page.click(tid('explain-save'));
    await page.waitForFunction((s) => document.querySelector(s)?.textContent === '理由：另一个理由', tid('explained-' + f.id));
    await page.click(tid('explain-withdraw-' + f.id));
    await page.waitForSelector(tid('explain-' + f.id));
    assert.equal(await count(tid('total-explained')), 0);
    assert.equal(await count(tid('total-warnings')), report0.totals.warnings);
  });

  test('the rules page lists every rule of the engine, with strength, quote and thresholds', async () => {
    await page.click(tid('tab-findings'));
    await page.click(tid('open-rules'));
    await page.waitForSelector(tid('rules-dialog'));
    assert.equal(await page.locator(`${tid('rules-list')} > li`).count(), rules.length);
    assert.equal(rules.length, 27);
    assert.equal(await text(tid('rule-strength-scale.too_large')), '原则上（一般）');
    assert.equal(await text(tid('rule-strength-boundary.cuts_grid')), '必须（不得／须）');
    assert.equal(await text(tid('rule-strength-scale.split_required')), '可以');
    assert.ok((await text(tid('rule-quote-boundary.cuts_grid'))).includes('不得打破现有网格划分'));
    for (const r of rules) {
      const q = await text(tid('rule-quote-' + r.code));
      assert.equal(q, r.quote_zh ? '“' + r.quote_zh + '”' : '（未摘录条文，见所引文件）', r.code);
      assert.ok((await text(tid('rule-' + r.code))).includes(r.citation_zh), r.code);
    }
    // A local threshold is marked as such; one from the plan names the plan.
    const local = rules.flatMap((r) => r.thresholds.map((th) => [r.code, th])).find(([, th]) => th.origin === 'local');
    assert.ok(local);
    const row = tid(`threshold-${local[0]}-${local[1].key}`);
    assert.equal(await page.getAttribute(row, 'data-origin'), 'local');
    assert.ok((await text(row)).includes('本地设定'));
    const target = tid('threshold-scale.below_target-scale.target_min');
    assert.ok((await text(target)).includes('2,000'));
    assert.ok((await text(target)).includes('《扬州市社区规模优化调整工作方案》'));
    // What each strength means.
    const legend = await text(tid('rules-legend'));
    for (const s of ['错误', '警告', '建议', '说明理由', '不能以理由豁免']) assert.ok(legend.includes(s), s);
    await shot('04-rules');
    // Esc closes it and gives the focus back.
    await page.keyboard.press('Escape');
    await page.waitForSelector(tid('rules-dialog'), { state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.dataset?.testid), 'open-rules');
    // Also from the settings, beside the rule profile.
    await page.click(tid('settings'));
    await page.click(tid('open-rules-settings'));
    await page.waitForSelector(tid('rules-dialog'));
    await page.keyboard.press('Escape');
    await page.waitForSelector(tid('rules-dialog'), { state: 'detached' });
    assert.equal(await page.isVisible(tid('settings-dialog')), true, 'Esc closed only the rules');
    await page.keyboard.press('Escape');
    await page.waitForSelector(tid('settings-dialog'), { state: 'detached' });
  });

  test('in English: the rules page, the Explain button, and no sentence in the panel starts lower-case', async () => {
    await page.click(tid('lang-switch'));
    try {
      await page.click(tid('tab-findings'));
      assert.equal(await text(tid('explain-' + f.id)), 'Explain');
      assert.match(await text(`${tid('findings-info')} h3`), /^Suggestions/);
      assert.match(await text(`${tid('findings-warning')} h3`), /^Warnings/);
      // Explained, in English too.
      await page.click(tid('explain-' + f.id));
      await page.fill(tid('explain-reason'), 'Old town, mostly bungalows');
      await page.click(tid('explain-save'));
      await page.waitForSelector(tid('explained-' + f.id));
      assert.equal(await text(tid('explained-' + f.id)), 'Reason: Old town, mostly bungalows');
      assert.equal(await text(tid('explain-edit-' + f.id)), 'Edit reason');
      assert.equal(await text(tid('explain-withdraw-' + f.id)), 'Withdraw');
      assert.match(await text(`${tid('findings-explained')} h3`), /^Explained/);
      // No sentence in the panel (totals, balance, findings, detail) starts with a small letter.
      const lower = [];
      for (const tab of ['balance', 'findings', 'detail']) {
        if (tab === 'detail') await selectCommunity(page, f.community_ids[0]);
        await page.click(tid('tab-' + tab));
        lower.push(...await page.evaluate(() => {
          const out = [];
          const panel = document.querySelector('[data-testid="panel"]');
          for (const e of panel.querySelectorAll('*')) {
            if (!e.offsetParent || e.closest('code, select, option')) continue;
            // An element with text of its own: what it reads as, from its start.
            if (![...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
            const full = e.textContent.trim();
            if (/^[a-z]/.test(full)) out.push(full.slice(0, 60));
          }
          return out;
        }));
      }
      assert.deepEqual(lower, []);
      // The rules page.
      await page.click(tid('tab-findings'));
      await page.click(tid('open-rules'));
      await page.waitForSelector(tid('rules-dialog'));
      assert.match(await text(`${tid('rules-dialog')} h2`), /^Rules: Yangzhou/);
      assert.equal(await text(tid('rule-strength-scale.too_large')), 'In principle');
      assert.equal(await text(tid('rule-strength-boundary.cuts_grid')), 'Must');
      assert.equal(await text(tid('rule-quote-boundary.cuts_grid')), '“The existing grid cells must not be broken”');
      const local = rules.flatMap((r) => r.thresholds.map((th) => [r.code, th])).find(([, th]) => th.origin === 'local');
      assert.ok((await text(tid(`threshold-${local[0]}-${local[1].key}`))).includes('Local setting'));
      const sentences = await page.$$eval('[data-testid="rules-dialog"] p, [data-testid="rules-dialog"] li, [data-testid="rules-dialog"] blockquote, [data-testid="rules-dialog"] h2', (els) => els.map((e) => e.textContent.trim()).filter((s) => /^[a-z]/.test(s)));
      assert.deepEqual(sentences, []);
      await shot('05-rules-en');
      await page.keyboard.press('Escape');
      await page.waitForSelector(tid('rules-dialog'), { state: 'detached' });
    } finally {
      await page.click(tid('lang-switch'));
    }
    assert.deepEqual(watch.errors, []);
    assert.deepEqual(watch.csp, []);
    assert.deepEqual(watch.foreign(), []);
  });
});
