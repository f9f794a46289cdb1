// The map does what the hand means, and says what it does in words (issue 13,
// points 4 and 5), in real headless Chromium against web/dist, in Chinese and
// English: a click on a community's middle selects the community, not the
// service centre drawn there; a centre's marker opens the centre when aimed
// at; the selected community's vertices stand out from its neighbours'; the
// dragged vertex is drawn above the labels; Esc puts a dragged vertex back;
// the drag badge names the check it defers in words; reassign highlights what
// it moves and gives the households after for each choice (a compound given
// as a point: its grid cell, said so); merge shows the result first, says
// when it would be in parts, and waits for Confirm or Cancel; identical
// toasts show once, three at most, clear of the panel and the zoom buttons.
// Expected values come from the demo run through the engine in Node.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, demoText, inRing, interiorPoint, launch, nodeEngine, ringsOf, selectCommunity, startServer, watchedPage } from './harness.mjs';

let server, browser, wasm, engine, report0, layers, rings0;
const pages = []; // {page, watch}
const CODE = /[a-z]+\.[a-z_]+/; // a rule code (boundary.gap), which a person should never read
const fmt = (n) => n.toLocaleString('en-GB');
const shot = (page, name) => page.screenshot({ path: join(ARTIFACTS, name + '.png') });
const byId = (id) => report0.communities.find((c) => c.id === id);
const outer = (g) => (g.type === 'Polygon' ? g.coordinates[0] : g.coordinates[0][0]);

/** A page with the demo at its default view, in `lang`; its selection recorded in window.__sel. */
async function open(lang, viewport = { width: 1400, height: 860 }) {
  const context = await browser.newContext({ viewport });
  await context.addInitScript((l) => localStorage.setItem('shequ.lang', l), lang);
  const w = await watchedPage(context, server.origin);
  pages.push(w);
  const { page } = w;
  await page.goto(server.origin + '/');
  await page.waitForSelector('[data-testid="total-communities"]');
  await page.evaluate(() => window.shequ.on('select', (e) => { window.__sel = e.id; }));
  // The load toast: closed, so that it covers nothing clicked.
  await page.$$eval('[data-testid="toasts"] .shequ-toast-close', (els) => els.forEach((e) => e.click()));
  return page;
}

const screen = (page, [lng, lat]) => page.evaluate(([x, y]) => window.shequ.toScreen(x, y), [lng, lat]);

/** Whether a click at page point p reaches the map itself (not a control, the hint, a toast or off the map). */
const onMap = (page, p) => page.evaluate(({ x, y }) => {
  const e = document.elementFromPoint(x, y);
  return !!e?.closest('[data-testid="map"]') && !e.closest('.leaflet-control, .shequ-hint, .shequ-toasts, .shequ-menu, .shequ-badge');
}, p);

/** The RGBA of the map's upper canvas (compounds, grid, highlights, handles) at page point p. */
const overPixel = (page, p) => page.evaluate(({ x, y }) => {
  const c = document.querySelector('[data-testid="map"] .leaflet-shequ-grid-pane canvas');
  const r = c.getBoundingClientRect();
  const k = c.width / r.width;
  return [...c.getContext('2d').getImageData(Math.round((x - r.left) * k), Math.round((y - r.top) * k), 1, 1).data];
}, p);
const MAGENTA = [170, 51, 119];
const isMagenta = (px) => px[3] > 240 && px.slice(0, 3).every((v, i) => Math.abs(v - MAGENTA[i]) < 30);

/** A handle of the selected community well inside the map, nearest `near` (page point) if given. */
async function handleOf(page, id, near) {
  const map = await page.locator('[data-testid="map"]').boundingBox();
  const mine = new Set(rings0.get(id).flat().map((p) => p.join(',')));
  const list = await page.evaluate(() => window.shequ.handles().map((h) => ({ ...h, at: window.shequ.toScreen(h.lng, h.lat) })));
  const ok = list.filter((h) => mine.has(h.lng + ',' + h.lat) && h.degree >= 2 && h.at.x > map.x + 90 && h.at.x < map.x + map.width - 90 && h.at.y > map.y + 110 && h.at.y < map.y + map.height - 90);
  if (near) ok.sort((a, b) => Math.hypot(a.at.x - near.x, a.at.y - near.y) - Math.hypot(b.at.x - near.x, b.at.y - near.y));
  assert.ok(ok.length, 'a vertex of the selected community well inside the map');
  return ok[0];
}

/** Presses on a handle and moves by (dx, dy) in `steps`, without releasing. */
async function dragBy(page, h, dx, dy, steps = 12) {
  await page.mouse.move(h.at.x, h.at.y);
  await page.mouse.down();
  for (let i = 1; i <= steps; i++) await page.mouse.move(h.at.x + (dx * i) / steps, h.at.y + (dy * i) / steps);
  await page.waitForFunction(() => !document.querySelector('[data-testid="drag-badge"]').hidden);
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  wasm = await nodeEngine();
  engine = new wasm.Engine(demoText(), 'demo.geojson', ''); // edits are tried on it and undone
  report0 = engine.report();
  rings0 = ringsOf(engine.geometry());
  layers = { community: engine.layer('community'), compound: engine.layer('compound'), grid: engine.layer('grid'), service_center: engine.layer('service_center') };
  server = await startServer();
  browser = await launch();
});

after(async () => {
  engine?.free();
  await browser?.close();
  await server?.close();
});

describe('the map does what the hand means', () => {
  for (const viewport of [{ width: 1400, height: 860 }, { width: 1024, height: 768 }]) {
    test(`a click on a community's middle selects the community, not the centre drawn there (${viewport.width}×${viewport.height})`, async () => {
      const page = await open('zh', viewport);
      // Three middles of each community, as a hand would aim: the middle of its
      // widest run, its centroid and the middle of its box (those inside it).
      let clicks = 0, selected = 0;
      const missed = [];
      for (const f of layers.community.features) {
        const ring = outer(f.geometry);
        let a = 0, cx = 0, cy = 0;
        for (let i = 0; i + 1 < ring.length; i++) {
          const [x0, y0] = ring[i], [x1, y1] = ring[i + 1], k = x0 * y1 - x1 * y0;
          a += k; cx += (x0 + x1) * k; cy += (y0 + y1) * k;
        }
        const xs = ring.map((p) => p[0]), ys = ring.map((p) => p[1]);
        const middles = [interiorPoint(ring), [cx / (3 * a), cy / (3 * a)], [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2]];
        for (const m of middles.filter((p) => inRing(p, ring))) {
          const p = await screen(page, m);
          if (!(await onMap(page, p))) continue;
          await page.keyboard.press('Escape');
          await page.mouse.click(p.x, p.y);
          clicks += 1;
          const got = await page.evaluate(() => ({ id: window.__sel, center: !!document.querySelector('.shequ-center-selected') }));
          if (got.id === f.properties.id && !got.center) selected += 1;
          else missed.push(`${f.properties.id}→${got.center ? 'centre' : got.id}`);
        }
      }
      assert.ok(clicks >= layers.community.features.length * 2, `${clicks} clicks`);
      assert.ok(selected >= clicks * 0.95, `${selected} of ${clicks} clicks selected the community; missed: ${missed.join(' ')}`);
      await shot(page, `i1-overview-${viewport.width}`);
    });
  }

  test('a centre\'s marker opens the centre when aimed at: at once when zoomed in, once its community is selected at the overview', async () => {
    const page = await open('en');
    const centres = layers.service_center.features.map((f) => ({ id: String(f.properties.id), at: f.geometry.coordinates }));
    const sizeOf = (id) => page.evaluate(() => document.querySelector('.shequ-center')?.getBoundingClientRect().width);
    assert.ok((await sizeOf()) <= 12, 'small markers at the overview');
    // The overview: the first click on the marker selects the community around it, the second the centre.
    const owner = (c) => layers.community.features.find((f) => inRing(c.at, outer(f.geometry)))?.properties.id;
    const c = centres.find((x) => owner(x));
    let p = await screen(page, c.at);
    await page.mouse.click(p.x, p.y);
    assert.equal(await page.evaluate(() => window.__sel), owner(c));
    await page.mouse.click(p.x, p.y);
    await page.waitForSelector('.shequ-center-selected');
    assert.equal(await page.textContent('[data-testid="detail-name"]'), layers.service_center.features.find((f) => String(f.properties.id) === c.id).properties.name);
    // Zoomed in (the balance list flies to a community): the marker is full size and a click on it opens it at once.
    await selectCommunity(page, owner(c));
    for (let i = 0; i < 3 && (await sizeOf()) < 20; i++) {
      await page.click('.leaflet-control-zoom-in');
      await page.waitForTimeout(500);
    }
    assert.ok((await sizeOf()) >= 20, 'full-size markers when zoomed in');
    p = await screen(page, c.at);
    await page.keyboard.press('Escape');
    await page.evaluate(() => { window.__sel = undefined; });
    await page.mouse.click(p.x + 6, p.y - 6); // on the marker, off its centre
    await page.waitForSelector('.shequ-center-selected');
    // Beside it (well clear of its square): the community.
    await page.keyboard.press('Escape');
    const beside = [[24, 0], [-24, 0], [0, 24], [0, -24]].map(([dx, dy]) => ({ x: p.x + dx, y: p.y + dy }));
    let done = false;
    for (const q of beside) {
      if (!(await onMap(page, q))) continue;
      await page.mouse.click(q.x, q.y);
      const got = await page.evaluate(() => ({ id: window.__sel, center: !!document.querySelector('.shequ-center-selected') }));
      assert.equal(got.center, false, 'a click beside the marker does not open the centre');
      if (got.id === owner(c)) { done = true; break; }
    }
    assert.ok(done, 'a click beside the marker selects its community');
  });

  test('the selected community\'s vertices are handles; its neighbours\' faint dots, and none at the overview', async () => {
    const page = await open('zh');
    const c = report0.communities.find((x) => x.name && x.neighbours.length >= 3);
    const mine = new Set(rings0.get(c.id).flat().map((p) => p.join(',')));
    // At the overview: a click on its middle; only its own vertices, small.
    const p = await screen(page, interiorPoint(outer(layers.community.features.find((f) => f.properties.id === c.id).geometry)));
    await page.mouse.click(p.x, p.y);
    let list = await page.evaluate(() => window.shequ.handles());
    assert.ok(list.length > 0, 'handles drawn');
    assert.deepEqual(list.filter((h) => !mine.has(h.lng + ',' + h.lat)).map((h) => h.id), [], 'no neighbour\'s vertex at the overview');
    await shot(page, 'i2-selected-overview');
    // Zoomed in: its vertices as handles, the neighbours' other vertices as faint dots.
    await selectCommunity(page, c.id);
    list = await page.evaluate(() => window.shequ.handles());
    const own = list.filter((h) => mine.has(h.lng + ',' + h.lat)), others = list.filter((h) => !mine.has(h.lng + ',' + h.lat));
    assert.ok(own.length && others.length, `${own.length} own, ${others.length} neighbours' vertices`);
    const minOwn = Math.min(...own.map((h) => h.radius)), maxOther = Math.max(...others.map((h) => h.radius));
    assert.ok(minOwn >= 4 && maxOther <= 3 && maxOther < minOwn / 1.5, `own ≥ ${minOwn} px, neighbours' ≤ ${maxOther} px`);
    await shot(page, 'i3-selected-zoomed');
  });

  test('the dragged vertex is drawn above the labels, at the pointer', async () => {
    const page = await open('zh');
    const c = report0.communities.find((x) => x.name && x.neighbours.length >= 3 && x.households_total > 1500);
    await selectCommunity(page, c.id);
    if ((await page.getAttribute('[data-testid="snap-toggle"]', 'aria-pressed')) === 'true') await page.click('[data-testid="snap-toggle"]');
    // A vertex of the selected community, dragged onto the nearest label of a
    // community that does not have that vertex (a label that stays where it is
    // while the shapes having the vertex change).
    const owners = (h) => [...rings0].filter(([, rs]) => rs.some((r) => r.some(([x, y]) => x === h.lng && y === h.lat))).map(([id]) => byId(id)?.name);
    const labels = await page.$$eval('.shequ-label:not([hidden])', (els) => els.map((e) => {
      const r = e.getBoundingClientRect();
      return { name: e.querySelector('.shequ-label-name').textContent, x: r.left + r.width / 2, y: r.top + r.height / 2 };
    }));
    const map = await page.locator('[data-testid="map"]').boundingBox();
    const list = await page.evaluate(() => window.shequ.handles().map((h) => ({ ...h, at: window.shequ.toScreen(h.lng, h.lat) })));
    let best = null;
    for (const h of list.filter((x) => x.radius >= 4 && x.at.x > map.x + 40 && x.at.x < map.x + map.width - 40 && x.at.y > map.y + 90 && x.at.y < map.y + map.height - 60)) {
      const own = owners(h);
      for (const l of labels.filter((x) => !own.includes(x.name) && x.y > map.y + 90)) {
        const d = Math.hypot(l.x - h.at.x, l.y - h.at.y);
        if (!best || d < best.d) best = { h, l, d };
      }
    }
    assert.ok(best, 'a vertex and another community\'s label on screen');
    const { h, l: label } = best;
    await dragBy(page, h, label.x - h.at.x, label.y - h.at.y, 20);
    await page.waitForTimeout(200);
    const v = await page.evaluate((name) => {
      const e = document.querySelector('.shequ-drag-vertex');
      const l = [...document.querySelectorAll('.shequ-label')].find((x) => !x.hidden && x.querySelector('.shequ-label-name').textContent === name);
      if (!e || !l) return null;
      const r = e.getBoundingClientRect(), b = l.getBoundingClientRect();
      const z = (x) => Number(getComputedStyle(x.closest('.leaflet-pane')).zIndex);
      const x = r.left + r.width / 2, y = r.top + r.height / 2;
      return { x, y, z: z(e), labels: z(l), on: x > b.left && x < b.right && y > b.top && y < b.bottom };
    }, label.name);
    assert.ok(v, 'the dragged vertex has its own marker, and the label is shown');
    assert.ok(v.on, 'the vertex is on the label');
    assert.ok(v.z > v.labels, `its pane (${v.z}) above the labels' (${v.labels})`);
    assert.ok(Math.hypot(v.x - label.x, v.y - label.y) < 3, `at the pointer: ${v.x},${v.y} vs ${label.x},${label.y}`);
    await shot(page, 'i4-drag-over-label');
    await page.keyboard.press('Escape');
    await page.mouse.up();
    assert.equal(await page.locator('.shequ-drag-vertex').count(), 0, 'gone after the drag');
  });

  test('Esc mid-drag puts the vertex back where it was, and leaves no undo step', async () => {
    const page = await open('en');
    const c = report0.communities.find((x) => x.name && x.neighbours.length >= 2);
    await selectCommunity(page, c.id);
    const h = await handleOf(page, c.id);
    await dragBy(page, h, 45, 30);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.querySelector('[data-testid="drag-badge"]').hidden);
    // The mouse goes on moving and is released: nothing more happens.
    for (let i = 1; i <= 5; i++) await page.mouse.move(h.at.x + 45 + i * 5, h.at.y + 30 + i * 4);
    await page.mouse.up();
    await page.waitForTimeout(200);
    const now = await page.evaluate((id) => window.shequ.handles().find((n) => n.id === id), h.id);
    assert.ok(now, 'the vertex keeps its handle');
    assert.deepEqual([now.lng, now.lat], [h.lng, h.lat], 'the handle is back where it was');
    assert.equal(await page.isDisabled('[data-testid="undo"]'), true, 'no undo step');
    const plan = JSON.parse(await page.evaluate(() => window.shequ.getPlan()));
    const vertex = plan.features.filter((f) => f.properties.layer === 'community' && JSON.stringify(f.geometry.coordinates).includes(`[${h.lng},${h.lat}]`));
    assert.ok(vertex.length >= 2, 'every community sharing the vertex has it where it was');
    assert.equal(await page.locator('.shequ-drag-vertex').count(), 0);
  });
});

describe('feedback in words', () => {
  for (const [lang, words] of [['zh', '松开后检查：社区之间的空隙'], ['en', 'Checked on release: gaps between communities']]) {
    test(`the drag badge names the check it defers in words, no code (${lang})`, async () => {
      const page = await open(lang);
      const c = report0.communities.find((x) => x.name && x.neighbours.length >= 2);
      await selectCommunity(page, c.id);
      const h = await handleOf(page, c.id);
      await dragBy(page, h, 20, 14);
      const badge = await page.textContent('[data-testid="drag-badge"]');
      await page.keyboard.press('Escape');
      await page.mouse.up();
      assert.ok(badge.includes(words), badge);
      assert.doesNotMatch(badge, CODE, badge);
    });
  }

  /** In Node: the households of each community after giving `fid` (layer) to `to`, or null if refused. */
  function afterReassign(layer, fid, to) {
    let d;
    try {
      d = engine.reassign(layer, fid, to);
    } catch {
      return null;
    }
    engine.undo();
    return new Map(d.communities.map((c) => [c.id, c.households_total]));
  }
  /** The preview line the menu should give: the communities whose households change, as the engine has them after. */
  function expectedLine(lang, owners, to, hh) {
    const ids = [...owners.filter((id) => id !== to), to];
    return ids.map((id) => (lang === 'zh' ? `${byId(id).name} ${fmt(byId(id).households_total)} → ${fmt(hh.get(id))} 户` : `${byId(id).name} ${fmt(byId(id).households_total)} → ${fmt(hh.get(id))}`)).join(lang === 'zh' ? '；' : '; ');
  }

  for (const lang of ['zh', 'en']) {
    test(`reassign a compound: it is highlighted while the community is chosen, each choice gives the households after (${lang})`, async () => {
      const page = await open(lang);
      const owner = new Map(report0.communities.flatMap((c) => c.compounds.map((x) => [x, c.id])));
      let pick = null;
      for (const f of layers.compound.features) {
        if (f.geometry.type === 'Point') continue;
        const from = byId(owner.get(String(f.properties.id)) ?? '');
        if (!from?.name || from.neighbours.length < 2 || from.neighbours.some((n) => !byId(n.id).name)) continue;
        const results = new Map(from.neighbours.map((n) => [n.id, afterReassign('compound', String(f.properties.id), n.id)]));
        if ([...results.values()].every(Boolean)) { pick = { f, from, results }; break; }
      }
      assert.ok(pick, 'a compound two neighbours can take');
      const id = String(pick.f.properties.id);
      await selectCommunity(page, pick.from.id);
      await page.click('[data-testid="tool-reassign"]');
      const p = await screen(page, interiorPoint(outer(pick.f.geometry)));
      await page.waitForTimeout(200);
      const bare = await overPixel(page, p);
      await page.mouse.click(p.x, p.y);
      await page.waitForSelector('[data-testid="reassign-menu"]');
      await page.waitForTimeout(100);
      assert.notDeepEqual(await overPixel(page, p), bare, 'the compound is highlighted');
      const title = await page.textContent('[data-testid="reassign-menu"] .shequ-menu-title');
      assert.ok(title.includes(pick.f.properties.name), title);
      for (const [to, hh] of pick.results) {
        const line = await page.textContent(`[data-testid="reassign-after-${to}"]`);
        assert.equal(line, expectedLine(lang, [pick.from.id], to, hh));
        assert.doesNotMatch(line, CODE);
      }
      await shot(page, `i5-reassign-${lang}`);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(100);
      assert.deepEqual(await overPixel(page, p), bare, 'the highlight goes with the menu');
      // Chosen: the households are those the menu said.
      await page.mouse.click(p.x, p.y);
      const [to, hh] = [...pick.results][1];
      await page.click(`[data-testid="reassign-target-${to}"]`);
      await page.waitForFunction(([x, t]) => window.shequ.getReport().communities.find((c) => c.compounds.includes(x))?.id === t, [id, to]);
      const r = await page.evaluate(() => window.shequ.getReport());
      for (const c of [pick.from.id, to]) assert.equal(r.communities.find((x) => x.id === c).households_total, hh.get(c), c);
    });
  }

  test('reassign a grid cell: each choice gives the households after, as the engine then has them', async () => {
    const page = await open('zh');
    const cellOwner = new Map(report0.communities.flatMap((c) => c.grid_cells.map((x) => [x, c.id])));
    let pick = null;
    for (const f of layers.grid.features) {
      const from = byId(cellOwner.get(String(f.properties.id)) ?? '');
      if (!from?.name || from.neighbours.some((n) => !byId(n.id).name)) continue;
      if (from.neighbours.length < 2) continue;
      const results = new Map(from.neighbours.map((n) => [n.id, afterReassign('grid', String(f.properties.id), n.id)]));
      // Households leave this community only, for every choice.
      const simple = [...results].every(([to, m]) => m && m.get(from.id) < from.households_total &&
        [...m].every(([id, n]) => id === from.id || id === to || n === byId(id)?.households_total));
      if (simple) { pick = { f, from, results }; break; }
    }
    assert.ok(pick, 'a grid cell with households that two neighbours can take');
    await selectCommunity(page, pick.from.id);
    await page.click('[data-testid="tool-reassign"]');
    await page.click('[data-testid="reassign-layer-grid"]');
    const p = await screen(page, interiorPoint(outer(pick.f.geometry)));
    await page.mouse.click(p.x, p.y);
    await page.waitForSelector('[data-testid="reassign-menu"]');
    assert.ok((await page.textContent('[data-testid="reassign-menu"] .shequ-menu-title')).includes(pick.f.properties.code));
    for (const [to, hh] of pick.results) assert.equal(await page.textContent(`[data-testid="reassign-after-${to}"]`), expectedLine('zh', [pick.from.id], to, hh));
    await page.keyboard.press('Escape');
  });

  test('a compound given as a point: its grid cell is offered, said so, and moving it moves the compound', async () => {
    const page = await open('zh');
    const owner = new Map(report0.communities.flatMap((c) => c.compounds.map((x) => [x, c.id])));
    const cellOwner = new Map(report0.communities.flatMap((c) => c.grid_cells.map((x) => [x, c.id])));
    let pick = null;
    for (const f of layers.compound.features.filter((x) => x.geometry.type === 'Point')) {
      const cell = layers.grid.features.find((g) => inRing(f.geometry.coordinates, outer(g.geometry)));
      const from = byId(cellOwner.get(String(cell?.properties.id)) ?? '');
      if (!cell || !from?.name || owner.get(String(f.properties.id)) !== from.id) continue;
      const to = from.neighbours.find((n) => byId(n.id).name && afterReassign('grid', String(cell.properties.id), n.id));
      if (to) { pick = { f, cell, from, to: to.id }; break; }
    }
    assert.ok(pick, 'a point compound in a grid cell a neighbour can take');
    await selectCommunity(page, pick.from.id);
    await page.click('[data-testid="tool-reassign"]');
    const p = await screen(page, pick.f.geometry.coordinates);
    await page.mouse.click(p.x, p.y);
    await page.waitForSelector('[data-testid="reassign-menu"]');
    const title = await page.textContent('[data-testid="reassign-menu"] .shequ-menu-title');
    assert.ok(title.includes(pick.f.properties.name) && title.includes('只有点位') && title.includes(pick.cell.properties.code), title);
    await page.click(`[data-testid="reassign-target-${pick.to}"]`);
    const id = String(pick.f.properties.id);
    await page.waitForFunction(([x, t]) => window.shequ.getReport().communities.find((c) => c.compounds.includes(x))?.id === t, [id, pick.to]);
    assert.equal(await page.locator('[data-testid="toast-refused"]').count(), 0, 'no refusal');
  });

  /** Two communities' shared and unshared edges (page points of their midpoints) in Node, from the engine's geometry. */
  function edgesOf(keep, other) {
    const g = rings0;
    const key = (p, q) => [p.join(','), q.join(',')].sort().join(' ');
    const edges = (id) => g.get(id).flatMap((ring) => ring.slice(1).map((q, i) => ({ k: key(ring[i], q), mid: [(ring[i][0] + q[0]) / 2, (ring[i][1] + q[1]) / 2] })));
    const b = new Set(edges(other).map((e) => e.k));
    return { shared: edges(keep).filter((e) => b.has(e.k)), outer: edges(keep).filter((e) => !b.has(e.k)) };
  }

  /** Selects `keep`, takes the merge tool and clicks a point of `other` on screen; resolves when the preview shows. */
  async function previewMerge(page, keep, other) {
    await selectCommunity(page, keep);
    await page.click('[data-testid="tool-merge"]');
    const map = await page.locator('[data-testid="map"]').boundingBox();
    const ring = outer(layers.community.features.find((f) => f.properties.id === other).geometry);
    // A point of it on screen, clear of the map's edges (a grid over its box, the middle first).
    const [w, s, e, n] = [Math.min(...ring.map((p) => p[0])), Math.min(...ring.map((p) => p[1])), Math.max(...ring.map((p) => p[0])), Math.max(...ring.map((p) => p[1]))];
    const steps = [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9];
    let at = null;
    for (const f of steps) {
      for (const g of steps) {
        const m = [w + (e - w) * g, s + (n - s) * f];
        if (!inRing(m, ring)) continue;
        const q = await screen(page, m);
        if (q.x > map.x + 20 && q.x < map.x + map.width - 60 && q.y > map.y + 60 && q.y < map.y + map.height - 60 && (await onMap(page, q))) { at = q; break; }
      }
      if (at) break;
    }
    assert.ok(at, `${other} is on screen`);
    await page.mouse.click(at.x, at.y);
    await page.waitForSelector('[data-testid="merge-preview"]');
    await page.waitForTimeout(150);
  }

  test('merge: the outline and households of the result first, then Confirm (en)', async () => {
    const page = await open('en');
    const keep = report0.communities.find((c) => c.name && c.parts === 1 && c.neighbours.some((n) => byId(n.id).name && byId(n.id).parts === 1));
    const other = byId(keep.neighbours.find((n) => byId(n.id).name && byId(n.id).parts === 1).id);
    await previewMerge(page, keep.id, other.id);
    const total = keep.households_total + other.households_total;
    assert.equal(await page.textContent('[data-testid="merge-households"]'), `After the merge “${keep.name}” has ${fmt(total)} households (${fmt(keep.households_total)} + ${fmt(other.households_total)})`);
    assert.equal(await page.textContent('[data-testid="merge-parts"]'), 'The merged community is in one piece');
    assert.match(await page.textContent('[data-testid="merge-confirm"]'), new RegExp(keep.name));
    assert.equal(await page.locator('[data-testid="merge-cancel"]').count(), 1);
    assert.doesNotMatch(await page.textContent('[data-testid="merge-preview"]'), /\?|？/, 'a statement, not a question');
    // The outline drawn: on an edge of the kept community not shared with the other, none on a shared one.
    const map = await page.locator('[data-testid="map"]').boundingBox();
    const inside = (q) => q.x > map.x + 30 && q.x < map.x + map.width - 30 && q.y > map.y + 30 && q.y < map.y + map.height - 30;
    const { shared, outer: rim } = edgesOf(keep.id, other.id);
    const firstOnScreen = async (list) => {
      for (const e of list) {
        const q = await screen(page, e.mid);
        if (inside(q) && (await onMap(page, q))) return q;
      }
      return null;
    };
    const [r, s] = [await firstOnScreen(rim), await firstOnScreen(shared)];
    assert.ok(r && s, 'edges on screen');
    assert.ok(isMagenta(await overPixel(page, r)), 'the merged outline is drawn along the outer edge');
    assert.ok(!isMagenta(await overPixel(page, s)), 'and not along the edge the two share');
    await shot(page, 'i6-merge-preview-en');
    await page.click('[data-testid="merge-confirm"]');
    await page.waitForFunction((id) => !window.shequ.getReport().communities.some((c) => c.id === id), other.id);
    const kept = (await page.evaluate(() => window.shequ.getReport())).communities.find((c) => c.id === keep.id);
    assert.equal(kept.households_total, total);
    assert.equal(kept.parts, 1);
    assert.equal(await page.getAttribute('[data-testid="tool-select"]', 'aria-pressed'), 'true');
  });

  test('merge that would leave the community in two parts says so; Cancel leaves the plan (zh)', async () => {
    const page = await open('zh');
    // In Node: a merge the engine makes into two parts.
    let pair = null;
    for (const c of report0.communities.filter((x) => x.name && x.parts > 1)) {
      for (const n of c.neighbours) {
        if (!byId(n.id).name) continue;
        const parts = engine.merge(c.id, n.id).communities.find((x) => x.id === c.id).parts;
        engine.undo();
        if (parts > 1) { pair = { keep: c, other: byId(n.id), parts }; break; }
      }
      if (pair) break;
    }
    assert.ok(pair, 'the demo has a merge into two parts');
    await previewMerge(page, pair.keep.id, pair.other.id);
    assert.equal(await page.textContent('[data-testid="merge-parts"]'), `合并后的社区分为 ${pair.parts} 块，互不相连`);
    assert.equal(await page.getAttribute('[data-testid="merge-preview"]', 'data-parts'), String(pair.parts));
    assert.equal(await page.textContent('[data-testid="merge-households"]'), `合并后“${pair.keep.name}”共 ${fmt(pair.keep.households_total + pair.other.households_total)} 户（${fmt(pair.keep.households_total)} + ${fmt(pair.other.households_total)}）`);
    assert.doesNotMatch(await page.textContent('[data-testid="merge-preview"]'), CODE);
    await shot(page, 'i7-merge-parts-zh');
    await page.click('[data-testid="merge-cancel"]');
    assert.equal(await page.locator('[data-testid="merge-preview"]').count(), 0);
    assert.equal(await page.isDisabled('[data-testid="undo"]'), true, 'nothing merged');
    assert.ok((await page.evaluate(() => window.shequ.getReport())).communities.some((c) => c.id === pair.other.id));
    // Esc closes it too.
    await page.keyboard.press('Escape'); // (leaves the merge tool)
    await previewMerge(page, pair.keep.id, pair.other.id);
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('[data-testid="merge-preview"]').count(), 0);
    assert.equal(await page.isDisabled('[data-testid="undo"]'), true);
  });

  for (const viewport of [{ width: 1024, height: 768 }, { width: 1400, height: 860 }]) {
    test(`identical toasts show once, three at most, in a corner clear of the panel and the zoom buttons (${viewport.width})`, async () => {
      const page = await open('zh', viewport);
      // "Select a community first", three times.
      for (let i = 0; i < 3; i++) {
        await page.click('[data-testid="tool-merge"]');
        await page.click('[data-testid="tool-select"]');
      }
      await page.waitForSelector('[data-testid="toast-info"]');
      assert.equal(await page.locator('[data-testid="toasts"] > *').count(), 1, 'one toast for three identical messages');
      // Four different messages: three stay.
      const text = demoText();
      for (const name of ['a.geojson', 'b.geojson', 'c.geojson', 'd.geojson']) {
        await page.evaluate(([t, n]) => window.shequ.load(t, n, { confirm: false }), [text, name]);
      }
      const shown = await page.$$eval('[data-testid="toasts"] > *', (els) => els.map((e) => e.textContent));
      assert.ok(shown.length <= 3, shown.join(' | '));
      assert.ok(shown.some((s) => s.includes('d.geojson')), 'the latest is shown');
      const box = await page.locator('[data-testid="toasts"]').boundingBox();
      const zoom = await page.locator('.leaflet-control-zoom').boundingBox();
      const panel = await page.locator('[data-testid="panel"]').boundingBox();
      const apart = (a, b) => a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
      for (const t of await page.locator('[data-testid="toasts"] > *').all()) {
        const r = await t.boundingBox();
        assert.ok(apart(r, zoom), `a toast ${JSON.stringify(r)} over the zoom buttons ${JSON.stringify(zoom)}`);
        assert.ok(apart(r, panel), `a toast ${JSON.stringify(r)} over the panel ${JSON.stringify(panel)}`);
      }
      assert.ok(box.x < zoom.x, 'in the map\'s left corner');
      await shot(page, `i8-toasts-${viewport.width}`);
    });
  }
});

test('no console errors, CSP violations or foreign requests', () => {
  for (const { watch } of pages) {
    assert.deepEqual(watch.errors, []);
    assert.deepEqual(watch.csp, []);
    assert.deepEqual(watch.foreign(), []);
  }
});
