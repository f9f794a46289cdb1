// Readable and operable (issue 13, point 7), in real headless Chromium against
// web/dist, in Chinese and English: every text and every button the page
// shows — toolbar, panel, menus, dialogs, the print preview, the presentation
// view, the repair panel — has a contrast of 4.5:1 (3:1 for large text; WCAG
// AA), computed here from the rendered colours with WCAG's relative
// luminance; the toolbar keeps to one row on a tablet (820 px); the tools'
// hint over the map can be closed, stays closed, and comes back from
// Settings; modal dialogs keep the focus (Tab and Shift+Tab go round, Esc
// closes, the focus goes back to what opened them); Find + Enter leaves the
// focus on the Find button; Home and End in the panel's tab list; a toast
// still showing is said again in the new language.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, launch, selectCommunity, startServer, watchedPage } from './harness.mjs';

let server, browser;
const pages = []; // {page, watch}
const measured = {};
const tid = (id) => `[data-testid="${id}"]`;
const shot = (page, name) => page.screenshot({ path: join(ARTIFACTS, name + '.png') });

/** A page with the demo, in `lang`. */
async function open(lang, viewport = { width: 1400, height: 860 }) {
  const context = await browser.newContext({ viewport });
  await context.addInitScript((l) => localStorage.setItem('shequ.lang', l), lang);
  const w = await watchedPage(context, server.origin);
  pages.push(w);
  await w.page.goto(server.origin + '/');
  await w.page.waitForSelector(tid('total-communities'));
  return w.page;
}

/**
 * In the page: every visible element under `sel` with text of its own, and
 * every enabled button, with the contrast ratio of its text colour (its
 * opacity and its ancestors' applied) over the background colours it is
 * drawn on (ancestors' composited; white below all), and the ratio it needs.
 */
function contrasts(sel) {
  const parse = (s) => {
    const m = /rgba?\(([^)]+)\)/.exec(s);
    if (!m) return null;
    const v = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return [v[0], v[1], v[2], v[3] ?? 1];
  };
  const over = (top, below) => [0, 1, 2].map((i) => top[i] * top[3] + below[i] * (1 - top[3])).concat(1);
  // WCAG 2: relative luminance and contrast ratio.
  const lin = (v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
  const lum = ([r, g, b]) => 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const out = [];
  for (const root of document.querySelectorAll(sel)) {
    for (const e of [root, ...root.querySelectorAll('*')]) {
      const button = e.matches('button, [role=tab], a[href]');
      const text = [...e.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim();
      if (!text && !button) continue;
      // Disabled controls are exempt (WCAG 1.4.3); map labels have their own halo; symbols hidden from readers are graphics.
      if (e.closest('button:disabled, [aria-hidden="true"], svg, .leaflet-pane, option, script, style')) continue;
      const cs = getComputedStyle(e);
      const r = e.getBoundingClientRect();
      if (!r.width || !r.height || cs.visibility !== 'visible' || r.bottom < 0 || r.right < 0 || r.top > innerHeight || r.left > innerWidth) continue;
      const chain = [];
      for (let n = e; n && n.nodeType === 1; n = n.parentElement) chain.push(n);
      let bg = [255, 255, 255, 1], opacity = 1;
      for (const n of chain.slice().reverse()) {
        const c = parse(getComputedStyle(n).backgroundColor);
        if (c && c[3] > 0) bg = over(c, bg);
      }
      for (const n of chain) opacity *= Number(getComputedStyle(n).opacity);
      const c = parse(cs.color);
      const fg = over([c[0], c[1], c[2], c[3] * opacity], bg);
      const px = parseFloat(cs.fontSize), bold = Number(cs.fontWeight) >= 700;
      out.push({
        what: e.dataset.testid ?? e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : ''),
        text: (text || e.getAttribute('aria-label') || '').slice(0, 24), button,
        ratio: Math.round(ratio(fg, bg) * 100) / 100, need: px >= 24 || (bold && px >= 18.66) ? 3 : 4.5,
        color: cs.color, background: `rgb(${bg.slice(0, 3).map(Math.round).join(', ')})`,
      });
    }
  }
  return out;
}

/** Checks what `sel` shows; returns the list, for named buttons' ratios. */
async function readable(page, where, sel = 'body') {
  const list = await page.evaluate(contrasts, sel);
  assert.ok(list.length, `${where}: something to check`);
  const low = list.filter((x) => x.ratio < x.need);
  const seen = new Set();
  const say = low.filter((x) => !seen.has(x.what + x.color + x.background) && seen.add(x.what + x.color + x.background))
    .map((x) => `${x.what} "${x.text}" ${x.ratio}:1 (${x.color} on ${x.background}, needs ${x.need})`);
  assert.equal(low.length, 0, `${where}: ${say.join('; ')}`);
  return list;
}

/** The ratio of the button `testid` in `list`, recorded. */
function ratioOf(list, testid, lang) {
  const b = list.find((x) => x.what === testid);
  assert.ok(b, `${testid} checked`);
  measured[`${testid}/${lang}`] = b.ratio;
  return b.ratio;
}

/** Where the focus is: the testid of the focused element (or of the nearest one with one), '#body' on the page itself. */
const focused = (page) => page.evaluate(() => {
  const a = document.activeElement;
  if (!a || a === document.body) return '#body';
  return a.closest('[data-testid]')?.dataset.testid ?? a.tagName;
});
const focusInside = (page, sel) => page.evaluate((sel) => !!document.querySelector(sel)?.contains(document.activeElement), sel);

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startServer();
  browser = await launch();
});

after(async () => {
  console.log('contrast ratios measured:', JSON.stringify(measured));
  await browser?.close();
  await server?.close();
  for (const { watch } of pages) {
    assert.deepEqual(watch.errors, [], 'no console errors');
    assert.deepEqual(watch.foreign(), [], 'nothing requested off 127.0.0.1');
  }
});

describe('readable', () => {
  for (const lang of ['zh', 'en']) {
    test(`every text and button has a contrast of 4.5:1 (large text 3:1): page, menus, dialogs, print preview, presentation, repair (${lang})`, async () => {
      const page = await open(lang);
      await readable(page, 'the page');
      // The tool pressed, and the pointer over it.
      await page.click(tid('tool-select'));
      await page.hover(tid('tool-select'));
      ratioOf(await readable(page, 'the pressed tool under the pointer', tid('toolbar')), 'tool-select', lang);
      await page.click(tid('tab-findings'));
      await readable(page, 'findings', tid('panel'));
      await page.click(tid('open-rules'));
      await page.waitForSelector('dialog[open] .shequ-rule');
      await readable(page, 'the rules', 'dialog[open]');
      await page.keyboard.press('Escape');
      await selectCommunity(page, 'C001');
      await page.click(tid('tab-detail'));
      await readable(page, 'the community detail', tid('panel'));
      await page.click(tid('tab-compare'));
      await readable(page, 'the comparison', tid('panel'));
      await page.click(tid('file-menu'));
      await readable(page, 'the file menu', tid('file-items'));
      await page.keyboard.press('Escape');
      await page.click(tid('search-button'));
      await page.fill(tid('search-input'), lang === 'zh' ? '社区' : 'C00');
      await page.waitForSelector(tid('search-result-0'));
      await readable(page, 'Find', tid('search'));
      await page.keyboard.press('Escape');

      await page.click(tid('settings'));
      await page.waitForSelector(tid('settings-apply'));
      ratioOf(await readable(page, 'the settings', tid('settings-dialog')), 'settings-apply', lang);
      await page.keyboard.press('Escape');

      await page.click(tid('tab-detail'));
      await page.click(tid('print-sheet'));
      await page.waitForSelector(tid('sheets'));
      ratioOf(await readable(page, 'the print preview', tid('sheets')), 'sheets-print', lang);
      await page.click(tid('sheets-signoff'));
      await readable(page, 'the sign-off form', '.shequ-sheets-head');
      await page.click(tid('sheets-close'));

      await page.click(tid('consult-compare'));
      await page.waitForSelector(tid('consult-swipe-map'));
      await page.hover(tid('consult-compare'));
      await readable(page, 'before/after, its button under the pointer');
      await page.click(tid('consult-close'));
      await page.click(tid('consult-present'));
      await page.waitForSelector(tid('present-leave'));
      ratioOf(await readable(page, 'the presentation view'), 'present-leave', lang);
      await page.click(tid('present-leave'));

      await page.click(tid('repair-button'));
      await page.waitForSelector(tid('repair-run'));
      ratioOf(await readable(page, 'the repair panel', tid('repair')), 'repair-run', lang);
      await page.click(tid('repair-close'));

      // The question before an edited plan is replaced (its default, Cancel, is the primary button).
      await page.click(tid('tab-detail'));
      await page.fill(tid('edit-name'), lang === 'zh' ? '测试社区' : 'Test');
      await page.click(tid('edit-save'));
      await page.click(tid('file-menu'));
      await page.click(tid('load-demo'));
      await page.waitForSelector(tid('replace-dialog'));
      ratioOf(await readable(page, 'the replace question', tid('replace-dialog')), 'replace-cancel', lang);
      await shot(page, `a1-contrast-${lang}`);
      await page.click(tid('replace-cancel'));
    });
  }
});

describe('operable', () => {
  test('the toolbar keeps to one row on a tablet (820×1180) and at 768, in both languages, the language button on it and named', async () => {
    const page = await open('zh', { width: 820, height: 1180 });
    for (const lang of ['zh', 'en']) {
      for (const width of [820, 768]) {
        await page.setViewportSize({ width, height: 1180 });
        await page.waitForFunction(() => {
          const bar = document.querySelector('[data-testid="toolbar"]');
          return bar.dataset.fitWidth === String(bar.clientWidth);
        }, null, { timeout: 5000 });
        const r = await page.evaluate(() => {
          const bar = document.querySelector('[data-testid="toolbar"]');
          const rows = new Set([...bar.children].filter((c) => c.offsetWidth).map((c) => {
            const b = c.getBoundingClientRect();
            return Math.round((b.top + b.bottom) / 2 / 20); // a row: its middle, to 20 px
          }));
          const lang = bar.querySelector('[data-testid="lang-switch"]').getBoundingClientRect();
          const first = bar.firstElementChild.getBoundingClientRect();
          return { rows: rows.size, height: bar.offsetHeight, langTop: lang.top, firstBottom: first.bottom, right: lang.right, width: bar.clientWidth };
        });
        assert.equal(r.rows, 1, `${lang} at ${width} px: one row (${JSON.stringify(r)})`);
        assert.ok(r.langTop < r.firstBottom && r.right <= r.width, `${lang} at ${width} px: the language button on the row, inside it`);
        if (width === 820) await shot(page, `a2-toolbar-820-${lang}`);
      }
      const name = await page.locator(tid('lang-switch')).evaluate((b) => b.innerText.trim());
      assert.equal(name, lang === 'zh' ? 'EN' : '中文', 'the language button, short, still says which language');
      await page.click(tid('lang-switch'));
    }
  });

  test('the hint over the map closes with its ×, stays closed after a reload; another tool shows its own; Settings brings them back', async () => {
    const page = await open('zh');
    const hint = () => page.evaluate(() => {
      const h = document.querySelector('[data-testid="hint"]');
      return h && h.offsetWidth ? h.textContent : null;
    });
    assert.match(await hint(), /点击社区查看详情/);
    const box = await page.locator(tid('hint')).boundingBox();
    await page.click(tid('hint-close'));
    assert.equal(await hint(), null, 'closed');
    // What it covered is the map now.
    const under = await page.evaluate(({ x, y }) => !!document.elementFromPoint(x, y)?.closest('[data-testid="map"]') && !document.elementFromPoint(x, y).closest('[data-testid="hint"]'), { x: box.x + 20, y: box.y + box.height / 2 });
    assert.ok(under, 'the top of the map uncovered');
    await page.reload();
    await page.waitForSelector(tid('total-communities'));
    assert.equal(await hint(), null, 'still closed after a reload');
    await page.click(tid('tool-split'));
    assert.match(await hint(), /在所选社区内画一条/, 'another tool: its own hint');
    await page.click(tid('tool-select'));
    assert.equal(await hint(), null);
    await page.click(tid('settings'));
    assert.equal(await page.isChecked(tid('settings-hints')), false, 'Settings: the hints are off (some)');
    await page.check(tid('settings-hints'));
    await page.click(tid('settings-apply'));
    assert.match(await hint(), /点击社区查看详情/, 'back after Settings');
    // In English too, with its name.
    await page.click(tid('lang-switch'));
    assert.match(await hint(), /^Click a community for details/);
    assert.match(await page.getAttribute(tid('hint-close'), 'aria-label'), /Close this tool’s hint/);
  });

  /** Presses Tab (or Shift+Tab) `n` times; the focus must stay inside `sel`; returns where it went. */
  async function tabRound(page, sel, n, shift = false) {
    const seen = [];
    for (let i = 0; i < n; i++) {
      await page.keyboard.press(shift ? 'Shift+Tab' : 'Tab');
      assert.ok(await focusInside(page, sel), `${shift ? 'Shift+Tab' : 'Tab'} ${i + 1}: the focus stays in ${sel} (it is on ${await focused(page)})`);
      seen.push(await page.evaluate(() => document.activeElement.dataset.testid ?? document.activeElement.outerHTML.slice(0, 60)));
    }
    return seen;
  }

  /** The number of controls Tab stops at in `sel`. */
  const stops = (page, sel) => page.evaluate((sel) => [...document.querySelector(sel).querySelectorAll('button, input, select, textarea, a[href], [tabindex]')]
    .filter((x) => !x.disabled && x.tabIndex >= 0 && (x.type !== 'radio' || x.checked) && x.getClientRects().length).length, sel);

  test('modal dialogs keep the focus: Tab and Shift+Tab go round inside, Esc closes, the focus goes back to what opened them (settings, replace question, print preview)', async () => {
    const page = await open('en');
    // Settings, from its toolbar button.
    await page.focus(tid('settings'));
    await page.keyboard.press('Enter');
    await page.waitForSelector(tid('settings-dialog'));
    const n = await stops(page, tid('settings-dialog'));
    const forth = await tabRound(page, tid('settings-dialog'), n + 2);
    assert.equal(forth[n], forth[0], 'Tab goes round: after the last control, the first again');
    await tabRound(page, tid('settings-dialog'), n + 2, true);
    await page.keyboard.press('Escape');
    assert.equal(await page.locator(tid('settings-dialog')).count(), 0, 'Esc closes');
    assert.equal(await focused(page), 'settings', 'the focus back on Settings');

    // The question before an edited plan is replaced, from the File menu.
    await selectCommunity(page, 'C001');
    await page.click(tid('tab-detail'));
    await page.fill(tid('edit-name'), 'Focus');
    await page.click(tid('edit-save'));
    await page.focus(tid('file-menu'));
    await page.keyboard.press('Enter');
    await page.waitForSelector(tid('load-demo'));
    await page.focus(tid('load-demo'));
    await page.keyboard.press('Enter');
    await page.waitForSelector(tid('replace-dialog'));
    assert.equal(await focused(page), 'replace-cancel', 'the safe answer has the focus');
    await tabRound(page, tid('replace-dialog'), 5);
    await tabRound(page, tid('replace-dialog'), 5, true);
    await page.keyboard.press('Escape');
    assert.equal(await page.locator(tid('replace-dialog')).count(), 0, 'Esc closes (and keeps the plan)');
    assert.equal(await focused(page), 'file-menu', 'the focus back on the File menu');
    assert.match(await page.textContent(tid('balance-row-C001')), /Focus/);

    // The print preview, from the community's detail.
    await page.click(tid('tab-detail'));
    await page.focus(tid('print-sheet'));
    await page.keyboard.press('Enter');
    await page.waitForSelector(tid('sheets'));
    await page.waitForFunction(() => document.activeElement?.dataset.testid === 'sheets-print');
    const m = await stops(page, tid('sheets'));
    const round = await tabRound(page, tid('sheets'), m + 2);
    assert.equal(round[m], round[0], 'Tab goes round the preview');
    await tabRound(page, tid('sheets'), m + 2, true);
    await page.keyboard.press('Escape');
    assert.equal(await page.locator(tid('sheets')).count(), 0, 'Esc closes the preview');
    assert.equal(await focused(page), 'print-sheet', 'the focus back on the button that opened it');
  });

  test('Find + Enter goes to the place and leaves the focus on the Find button, not on the page; so does Esc', async () => {
    const page = await open('zh');
    await page.keyboard.press('/');
    await page.waitForSelector(tid('search-input'));
    await page.keyboard.type('C002');
    await page.waitForSelector(tid('search-result-0'));
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !document.querySelector('[data-testid="search"]'));
    assert.equal(await page.evaluate(() => document.querySelector('[data-testid="tab-detail"]').getAttribute('aria-selected')), 'true', 'the community found, in the detail');
    assert.equal(await focused(page), 'search-button', 'the focus on Find');
    // Enter again opens Find again, where the planner left off.
    await page.keyboard.press('Enter');
    await page.waitForSelector(tid('search-input'));
    assert.equal(await focused(page), 'search-input');
    await page.keyboard.press('Escape');
    assert.equal(await focused(page), 'search-button', 'Esc: the focus on Find');
  });

  test('the panel\'s tab list: Home to the first tab, End to the last, the arrows round', async () => {
    const page = await open('en');
    await page.focus(tid('tab-balance'));
    const at = async () => ({ focus: await focused(page), selected: await page.evaluate(() => document.querySelector('[role="tab"][aria-selected="true"]').dataset.testid) });
    await page.keyboard.press('End');
    assert.deepEqual(await at(), { focus: 'tab-detail', selected: 'tab-detail' }, 'End: the last tab');
    await page.keyboard.press('Home');
    assert.deepEqual(await at(), { focus: 'tab-balance', selected: 'tab-balance' }, 'Home: the first tab');
    await page.keyboard.press('ArrowLeft');
    assert.deepEqual(await at(), { focus: 'tab-detail', selected: 'tab-detail' }, 'ArrowLeft from the first: the last');
    await page.keyboard.press('ArrowRight');
    assert.deepEqual(await at(), { focus: 'tab-balance', selected: 'tab-balance' }, 'ArrowRight from the last: the first');
    await page.keyboard.press('ArrowRight');
    assert.deepEqual(await at(), { focus: 'tab-findings', selected: 'tab-findings' });
  });

  test('a toast still showing is said again in the new language (the load toast)', async () => {
    const page = await open('zh');
    const toast = tid('toast-ok');
    await page.waitForSelector(toast);
    assert.match(await page.textContent(toast), /已载入/);
    await page.click(tid('lang-switch'));
    assert.match(await page.textContent(toast), /^Loaded/, 'in English now');
    assert.equal(await page.getAttribute(`${toast} .shequ-toast-close`, 'aria-label'), 'Close');
    await page.click(tid('lang-switch'));
    assert.match(await page.textContent(toast), /已载入/, 'and back');
    assert.equal(await page.locator(toast).count(), 1, 'said again, not shown twice');
  });
});
