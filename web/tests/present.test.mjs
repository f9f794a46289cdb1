// What the page says to the people around the planner is true and plain
// (issue 13): the presentation view states the band every count used, names
// communities and never shows their ids (a removed one by the name it had,
// an unnamed one as 未命名社区), labels every community on the map in both
// languages; the plan's title (set by the planner, saved in the plan file)
// heads it instead of the file name; findings cite the plan, not a rule
// code; English reads as English (capitals, "1 compound"). In real Chromium
// against web/dist; expected numbers from the engine run in Node.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, demoText, launch, nodeEngine, startServer, watchedPage } from './harness.mjs';

const VIEWPORT = { width: 1600, height: 1000 };
const ID = /\bC\d{3}\b/; // the demo's community ids
let server, browser, wasm, demo, report;
const watches = [];
const shot = (p, name) => p.screenshot({ path: join(ARTIFACTS, name + '.png') });
const fmt = (lang, n) => n.toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN');
const KIND = {
  zh: { standard: '一般社区', old_town: '老城区社区', apartment: '独立楼盘/公寓社区' },
  en: { standard: 'Standard communities', old_town: 'Old-town communities', apartment: 'Apartment communities' },
};

/** Per kind (in the order first met): its band and how many of its communities are in it, from the engine's report. */
function bandCounts(rep) {
  const out = new Map();
  for (const c of rep.communities) {
    const g = out.get(c.kind) ?? { min: c.band.target_min, max: c.band.target_max, n: 0, c: 0 };
    assert.deepEqual([g.min, g.max], [c.band.target_min, c.band.target_max], 'one band per kind');
    g.c += 1;
    if (c.households_total >= c.band.target_min && c.households_total <= c.band.target_max) g.n += 1;
    out.set(c.kind, g);
  }
  return out;
}

/**
 * A plan file: the demo with `edit(engine)` applied, carrying the demo as the
 * plan it is compared with (the `shequ.baseline` a handed-out file has).
 */
function editedPlan(edit) {
  const eng = new wasm.Engine(demo, 'demo.geojson', '');
  const info = edit(eng);
  const plan = JSON.parse(eng.exportPlan());
  plan.shequ = { ...(plan.shequ ?? {}), baseline: JSON.parse(demo) };
  return { text: JSON.stringify(plan), info, report: new wasm.Engine(JSON.stringify(plan), 'x.geojson', '').report() };
}

async function open({ lang = 'zh', plan } = {}) {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: lang === 'en' ? 'en-GB' : 'zh-CN', acceptDownloads: true });
  const { page, watch } = await watchedPage(context, server.origin);
  watches.push(watch);
  await page.goto(server.origin + '/index.html');
  await page.waitForSelector('[data-testid="total-communities"]');
  if (lang === 'en') {
    await page.click('[data-testid="lang-switch"]');
    await page.waitForSelector('html[lang="en"]');
  }
  if (plan) await openFile(page, 'edited.geojson', plan);
  return page;
}

async function openFile(page, name, text) {
  await page.click('[data-testid="file-menu"]');
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid="open-plan"]')]);
  await chooser.setFiles({ name, mimeType: 'application/geo+json', buffer: Buffer.from(text) });
  await page.waitForFunction((n) => document.querySelector('[data-testid="plan-name"]')?.textContent === n, name);
}

async function present(page) {
  await page.click('[data-testid="consult-present"]');
  await page.waitForSelector('[data-testid="present-panel"]');
  await page.waitForTimeout(300);
}

/** Every text of the presentation view a person reads: header, panel, map labels shown. */
const presentedText = (page) => page.evaluate(() => [
  document.querySelector('[data-testid="present-head"]').innerText,
  document.querySelector('[data-testid="present-panel"]').innerText,
  ...[...document.querySelectorAll('.shequ-label')].filter((l) => !l.hidden).map((l) => l.innerText),
].join('\n'));

/**
 * Sentences of the English UI under `selector` that start in lower case or
 * say "1 …s" (each block element's text: its own blocks are checked apart).
 */
const englishProblems = (page, selector) => page.evaluate((selector) => {
  const BLOCK = 'p, li, h1, h2, h3, h4, dt, dd, td, th, button, label, legend, caption, .shequ-label';
  const out = [];
  for (const root of document.querySelectorAll(selector)) {
    for (const e of root.querySelectorAll(BLOCK)) {
      if (!e.checkVisibility() || e.querySelector(BLOCK)) continue;
      const s = e.innerText.replace(/\s+/g, ' ').trim();
      if (/^[a-z]/.test(s) || /(?<!\b(?:Dept|e\.g|i\.e|etc|No))[.!?]\s+[a-z]/.test(s)) out.push('lower case: ' + s);
      if (/(^|[^\d.,])1 (?!(?:is|has|was|its|this|plus|as)\b)[a-z]+s\b/.test(s)) out.push('1 …s: ' + s);
    }
  }
  return out;
}, selector);

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  wasm = await nodeEngine();
  demo = demoText();
  report = new wasm.Engine(demo, 'demo.geojson', '').report();
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe('the presentation view tells the truth', () => {
  for (const lang of ['zh', 'en']) {
    test(`every count states the band it used, from the engine's report (${lang})`, async () => {
      const groups = bandCounts(report);
      assert.ok(groups.size > 1, 'the demo has communities of several kinds, with different bands');
      const page = await open({ lang });
      await present(page);
      const said = await page.textContent('[data-testid="present-in-band"]');
      const n = [...groups.values()].reduce((s, g) => s + g.n, 0), all = report.communities.length;
      assert.ok(said.includes(lang === 'zh' ? `${n} / ${all} 个社区户数在各自标准区间内` : `${n} of ${all} communities are within their own band`), said);
      for (const [kind, g] of groups) {
        const line = await page.textContent(`[data-testid="present-in-band-${kind}"]`);
        const want = lang === 'zh'
          ? `${KIND.zh[kind]}（${fmt(lang, g.min)}–${fmt(lang, g.max)} 户）：${g.n} / ${g.c} 个`
          : `${KIND.en[kind]} (${fmt(lang, g.min)}–${fmt(lang, g.max)} households): ${g.n} of ${g.c}`;
        assert.equal(line, want);
      }
      // Whatever band a sentence names, the count it gives is the count in that band.
      const text = await presentedText(page);
      const re = lang === 'zh' ? /(\d+) \/ (\d+) 个社区户数在 ([\d,]+)–([\d,]+) 户之间/g : /(\d+) of (\d+) communities have ([\d,]+)–([\d,]+) households/g;
      for (const m of text.matchAll(re)) {
        const [lo, hi] = [m[3], m[4]].map((s) => Number(s.replace(/,/g, '')));
        const within = report.communities.filter((c) => c.households_total >= lo && c.households_total <= hi).length;
        assert.equal(Number(m[1]), within, `"${m[0]}": ${within} communities have ${lo}–${hi} households`);
      }
      // The shading each row shows is its own kind's band, and the legend says so.
      const legend = await page.textContent('[data-testid="present-legend"]');
      for (const [kind, g] of groups) assert.ok(legend.includes(KIND[lang][kind]) && legend.includes(fmt(lang, g.min) + '–' + fmt(lang, g.max)), legend);
      await page.context().close();
    });

    test(`names, never ids; every community labelled on the map (${lang})`, async () => {
      // The demo has a community without a name (C017); here also one merged into its neighbour.
      const unnamed = report.communities.find((c) => !c.name.trim());
      assert.ok(unnamed, 'the demo has an unnamed community');
      const keep = report.communities.find((c) => c.name.trim() && c.neighbours.some((n) => report.communities.find((x) => x.id === n.id)?.name.trim()));
      const gone = report.communities.find((c) => c.id === keep.neighbours.find((n) => report.communities.find((x) => x.id === n.id)?.name.trim()).id);
      const plan = editedPlan((eng) => eng.merge(keep.id, gone.id));
      const page = await open({ lang, plan: plan.text });
      await present(page);
      const text = await presentedText(page);
      assert.doesNotMatch(text, ID, 'no community id in what the meeting sees');
      const changes = await page.textContent('[data-testid="present-changes"]');
      const before = fmt(lang, gone.households_total);
      assert.ok(changes.includes(lang === 'zh' ? `撤销：${gone.name}（原 ${before} 户）` : `Removed: ${gone.name} (had ${before} households)`), changes);
      assert.ok(text.includes(lang === 'zh' ? '未命名社区' : 'Unnamed community'), 'the unnamed community is called so');
      // Every community labelled, with the name the panel gives it.
      const labels = await page.$$eval('.shequ-label', (ls) => ls.filter((l) => !l.hidden).map((l) => l.querySelector('.shequ-label-name').textContent));
      assert.equal(labels.length, plan.report.communities.length, `labels shown: ${labels.length} of ${plan.report.communities.length}`);
      for (const c of plan.report.communities) if (c.name.trim()) assert.ok(labels.includes(c.name), c.name);
      const size = await page.$eval('.shequ-label-name', (e) => parseFloat(getComputedStyle(e).fontSize));
      assert.ok(size >= 20, `large type: ${size}px`);
      await shot(page, `present-names-${lang}`);
      // The planner's own comparison names the removed community too.
      await page.keyboard.press('Escape');
      await page.waitForSelector('[data-testid="present-panel"]', { state: 'detached' });
      await page.click('[data-testid="tab-compare"]');
      const panel = await page.textContent('[data-testid="comparison"]');
      assert.ok(panel.includes(gone.name), panel);
      assert.doesNotMatch(panel, ID);
      await page.context().close();
    });
  }

  test('English reads as English: capitals and "1 compound", in the panel, the findings and the presentation view', async () => {
    // One compound moved: the counts are one.
    const plan = editedPlan((eng) => {
      for (const c of report.communities) {
        for (const k of c.compounds) {
          for (const n of c.neighbours) {
            try { eng.reassign('compound', k, n.id); } catch { continue; }
            const cmp = eng.report().comparison;
            if (cmp?.compounds_moved === 1) return { compound: k, from: c.id, to: n.id };
            eng.undo();
          }
        }
      }
      throw new Error('no compound could be moved alone');
    });
    const page = await open({ lang: 'en', plan: plan.text });
    const problems = [];
    for (const tab of ['balance', 'findings', 'compare']) {
      await page.click(`[data-testid="tab-${tab}"]`);
      problems.push(...(await englishProblems(page, '[data-testid="panel"]')).map((s) => `${tab}: ${s}`));
    }
    for (const id of [plan.info.from, plan.info.to, ...report.communities.slice(0, 6).map((c) => c.id)]) {
      await page.evaluate((id) => window.shequ.select(id), id);
      await page.click('[data-testid="tab-detail"]');
      problems.push(...(await englishProblems(page, '[data-testid="panel"]')).map((s) => `detail ${id}: ${s}`));
    }
    await present(page);
    const changes = await page.textContent('[data-testid="present-changes"]');
    assert.match(changes, /^1 compound \([\d,]+ households?\) changes community/, changes);
    problems.push(...(await englishProblems(page, '[data-testid="present-head"], [data-testid="present-panel"], .shequ-labels-pane, [data-testid="map"]')).map((s) => `present: ${s}`));
    assert.deepEqual(problems, []);
    await page.context().close();
  });

  test('findings cite the plan, never a rule code', async () => {
    const page = await open({ lang: 'zh' });
    await page.click('[data-testid="tab-findings"]');
    const metas = await page.$$eval('.shequ-finding', (ls) => ls.map((l) => ({ id: l.dataset.id, meta: l.querySelector('.shequ-finding-meta')?.innerText ?? '' })));
    assert.ok(metas.length > 10);
    const byId = new Map(report.findings.map((f) => [f.id, f]));
    for (const { id, meta } of metas) {
      const f = byId.get(id);
      assert.ok(!meta.includes(f.code), `${id}: ${meta}`);
      assert.ok(meta.includes(f.citation_zh), `${id}: ${meta}`);
    }
    await page.click('[data-testid="lang-switch"]');
    const en = await page.$$eval('.shequ-finding-meta', (ls) => ls.map((l) => l.innerText));
    for (const m of en) assert.doesNotMatch(m, /\b(scale|boundary|org|facility|plan)\.[a-z_]+/, m);
    await page.context().close();
  });
});

describe("the plan's title", () => {
  let exported;

  test("heads the page: the street's name by default, then the title the planner sets; exported with the plan; undoable", async () => {
    const street = JSON.parse(demo).features.find((f) => f.properties.layer === 'street').properties.name;
    const page = await open({ lang: 'zh' });
    assert.equal(await page.textContent('[data-testid="plan-title"]'), street);
    assert.equal(await page.evaluate(() => window.shequ.planTitle()), street);
    await present(page);
    assert.equal(await page.textContent('[data-testid="present-title"]'), street, 'not the file name');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="present-panel"]', { state: 'detached' });
    // Set it: a click on the title.
    const title = '琼华街道社区规模优化调整方案（征求意见稿）';
    await page.click('[data-testid="plan-title"]');
    await page.waitForSelector('[data-testid="plan-title-dialog"]');
    assert.equal(await page.getAttribute('[data-testid="plan-title-input"]', 'placeholder'), street, 'the default shown');
    await page.fill('[data-testid="plan-title-input"]', title);
    await page.press('[data-testid="plan-title-input"]', 'Enter');
    await page.waitForSelector('[data-testid="plan-title-dialog"]', { state: 'detached' });
    assert.equal(await page.textContent('[data-testid="plan-title"]'), title);
    assert.equal(await page.evaluate(() => window.shequ.planTitle()), title);
    await present(page);
    assert.equal(await page.textContent('[data-testid="present-title"]'), title);
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="present-panel"]', { state: 'detached' });
    // Saved in the plan file.
    await page.click('[data-testid="file-menu"]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-plan"]')]);
    exported = readFileSync(await download.path(), 'utf8');
    assert.equal(JSON.parse(exported).shequ.title, title);
    assert.equal(new wasm.Engine(exported, 'x.geojson', '').planInfo().title, title, 'the engine reads it back');
    // Undo takes it back, redo brings it again.
    await page.click('[data-testid="undo"]');
    await page.waitForFunction((s) => document.querySelector('[data-testid="plan-title"]')?.textContent === s, street);
    assert.equal(JSON.parse(await page.evaluate(() => window.shequ.getPlan())).shequ?.title, undefined);
    await page.click('[data-testid="redo"]');
    await page.waitForFunction((s) => document.querySelector('[data-testid="plan-title"]')?.textContent === s, title);
    // The autosave keeps it across a reload.
    await page.waitForSelector('[data-testid="save-state"][data-state="saved"]', { state: 'attached' });
    await page.reload();
    await page.waitForSelector('[data-testid="toast-restored"]');
    assert.equal(await page.textContent('[data-testid="plan-title"]'), title);
    // Emptied, the default again.
    await page.click('[data-testid="plan-title"]');
    await page.fill('[data-testid="plan-title-input"]', '');
    await page.click('[data-testid="plan-title-save"]');
    await page.waitForFunction((s) => document.querySelector('[data-testid="plan-title"]')?.textContent === s, street);
    await page.context().close();
  });

  test('the exported plan opened in another browser shows its title', async () => {
    assert.ok(exported);
    const page = await open({ lang: 'en', plan: exported });
    const title = JSON.parse(exported).shequ.title;
    assert.equal(await page.textContent('[data-testid="plan-title"]'), title);
    await present(page);
    assert.equal(await page.textContent('[data-testid="present-title"]'), title);
    await page.context().close();
  });

  test('no console errors, no CSP violations, no request off the page', () => {
    for (const w of watches) {
      assert.deepEqual(w.errors, []);
      assert.deepEqual(w.csp, []);
      assert.deepEqual(w.foreign(), []);
    }
  });
});
