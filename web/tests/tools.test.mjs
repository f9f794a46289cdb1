// The planner's tools, used with the mouse and keyboard as a planner would, in
// English, in real headless Chromium against web/dist: split a community by
// drawing a line across it, merge two by picking the neighbour on the map,
// create one by drawing an area over a grid cell in no community, reassign
// compounds (the last choice first; Shift+click), nudge a shared vertex with
// the arrow keys; after each edit, and after Esc, the map is back in the
// select tool. A street's own rule profile from a TOML file re-checks the plan
// and keeps the undo history. Find goes to a compound, a community or a grid
// cell by name, id or code. Expected values come from the demo run through
// the engine in Node and from the plan the page exports.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, demoText, interiorPoint, launch, nodeEngine, selectCommunity as select, startServer, watchedPage } from './harness.mjs';

let server, browser, context, page, watch, wasm, report0;
const int = (s) => Number(String(s).replace(/[^\d-]/g, ''));
const communities = () => page.textContent('[data-testid="total-communities"]').then(int);
const report = () => page.evaluate(() => window.shequ.getReport());
const screen = (lng, lat) => page.evaluate(([x, y]) => window.shequ.toScreen(x, y), [lng, lat]);
const shot = (name) => page.screenshot({ path: join(ARTIFACTS, name + '.png') });
const waitCommunities = (n) => page.waitForFunction((k) => document.querySelector('[data-testid="total-communities"]').textContent.replace(/\D/g, '') === String(k), n);

/** The plan the page exports, evaluated afresh by the engine in Node. */
async function exported() {
  const text = await page.evaluate(() => window.shequ.getPlan()); // the plan as GeoJSON text
  const engine = new wasm.Engine(text, 'exported.geojson', '');
  try {
    return { plan: JSON.parse(text), report: engine.report() };
  } finally {
    engine.free();
  }
}

function bbox(geometry) {
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  for (const poly of polys) for (const [x, y] of poly[0]) {
    b[0] = Math.min(b[0], x); b[1] = Math.min(b[1], y); b[2] = Math.max(b[2], x); b[3] = Math.max(b[3], y);
  }
  return b;
}

const communityGeometry = (plan, id) => plan.features.find((f) => f.properties.layer === 'community' && f.properties.id === id).geometry;

/** The toolbar and the hint show the select tool, and no drawing is left on the map. */
async function assertSelectTool() {
  assert.equal(await page.getAttribute('[data-testid="tool-select"]', 'aria-pressed'), 'true');
  for (const tool of ['split', 'merge', 'create']) assert.equal(await page.getAttribute(`[data-testid="tool-${tool}"]`, 'aria-pressed'), 'false', tool);
  assert.match(await page.textContent('[data-testid="hint"]'), /^Click a community for details/);
  assert.equal(await page.$eval('[data-testid="map"]', (m) => m.classList.contains('shequ-drawing')), false);
}

const selectCommunity = (id) => select(page, id);

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  wasm = await nodeEngine();
  const engine = new wasm.Engine(demoText(), 'demo.geojson', '');
  report0 = engine.report();
  engine.free();
  server = await startServer();
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(() => localStorage.setItem('shequ.lang', 'en'));
  ({ page, watch } = await watchedPage(context, server.origin));
  await page.goto(server.origin + '/');
  await page.waitForSelector('[data-testid="total-communities"]');
  assert.equal(await communities(), report0.communities.length);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe('drawing tools on the map', () => {
  test('Esc while drawing a split line: nothing changes, the select tool is back', async () => {
    const big = report0.communities.reduce((a, b) => (b.households_total > a.households_total ? b : a));
    await selectCommunity(big.id);
    await page.click('[data-testid="tool-split"]');
    assert.equal(await page.getAttribute('[data-testid="tool-split"]', 'aria-pressed'), 'true');
    assert.match(await page.textContent('[data-testid="hint"]'), /^Draw a line across the selected community/);
    const map = await page.locator('[data-testid="map"]').boundingBox();
    await page.mouse.click(map.x + map.width / 2, map.y + map.height / 2);
    assert.equal(await page.$eval('[data-testid="map"]', (m) => m.classList.contains('shequ-drawing')), true);
    await page.keyboard.press('Escape');
    await assertSelectTool();
    assert.equal(await communities(), report0.communities.length);
    assert.equal(await page.isDisabled('[data-testid="undo"]'), true, 'no edit was made');
  });

  test('split: a line drawn across the largest community makes two, the households kept', async () => {
    const big = report0.communities.reduce((a, b) => (b.households_total > a.households_total ? b : a));
    assert.ok(big.households_total > 5000, 'the demo has a community above the split line');
    await selectCommunity(big.id);
    await page.click('[data-testid="tool-split"]');
    // A horizontal line through the middle of its box, from outside to outside.
    const { plan } = await exported();
    const [w, s, e, n] = bbox(communityGeometry(plan, big.id));
    const pad = (e - w) * 0.05;
    const a = await screen(w - pad, (s + n) / 2), b = await screen(e + pad, (s + n) / 2);
    await page.mouse.click(a.x, a.y);
    await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
    await page.mouse.dblclick(b.x, b.y);
    await waitCommunities(report0.communities.length + 1);
    await shot('t1-split');
    await assertSelectTool();
    const after = await exported();
    const r = await report();
    const parts = r.communities.filter((c) => c.id === big.id || !report0.communities.some((o) => o.id === c.id));
    assert.equal(parts.length, 2, 'the community and one new one');
    assert.equal(parts[0].households_total + parts[1].households_total, big.households_total, 'no household lost or counted twice');
    assert.ok(parts.every((p) => p.households_total > 0), 'the line went through the middle');
    // Areas are measured per community (each in its own local projection), so
    // the parts add up to the whole within a few parts in a million.
    const area = parts[0].area_m2 + parts[1].area_m2;
    assert.ok(Math.abs(area - big.area_m2) / big.area_m2 < 1e-4, `${area} vs ${big.area_m2} m²`);
    const seams = r.findings.filter((f) => /^boundary\.(gap|overlap)$/.test(f.code) && f.community_ids.some((id) => parts.some((p) => p.id === id)));
    assert.deepEqual(seams, [], 'no gap or overlap between the parts');
    // Every other community is as it was, and the page agrees with a fresh evaluation.
    for (const c of report0.communities.filter((c) => c.id !== big.id)) {
      assert.equal(r.communities.find((x) => x.id === c.id).households_total, c.households_total, c.id);
    }
    assert.deepEqual(r.totals, after.report.totals);
    assert.equal(r.totals.households_total, report0.totals.households_total);
    assert.equal(int(await page.textContent(`[data-testid="households-${parts[1].id}"]`)), parts[1].households_total);
    assert.match(await page.getAttribute('[data-testid="undo"]', 'title'), /split|Split/);
    await page.keyboard.press('Control+z');
    await waitCommunities(report0.communities.length);
    assert.equal((await report()).communities.find((c) => c.id === big.id).households_total, big.households_total);
  });

  test('merge: the smallest community absorbed by a neighbour picked on the map', async () => {
    const small = report0.communities.reduce((a, b) => (b.households_total < a.households_total ? b : a));
    assert.ok(small.households_total < 500, 'the demo has a community below the merge line');
    await selectCommunity(small.id);
    await page.click('[data-testid="tool-merge"]');
    assert.match(await page.textContent('[data-testid="hint"]'), /^Select the community to keep/);
    // The first neighbour with a point inside it on screen.
    const { plan } = await exported();
    const map = await page.locator('[data-testid="map"]').boundingBox();
    let other = null, at = null;
    for (const nb of small.neighbours) {
      const g = communityGeometry(plan, nb.id);
      const p = interiorPoint(g.type === 'Polygon' ? g.coordinates[0] : g.coordinates[0][0]);
      const q = await screen(p[0], p[1]);
      if (q.x > map.x + 20 && q.x < map.x + map.width - 60 && q.y > map.y + 60 && q.y < map.y + map.height - 60) { other = nb.id; at = q; break; }
    }
    assert.ok(other, 'a neighbour is on screen');
    await page.mouse.click(at.x, at.y);
    await page.waitForSelector('[data-testid="merge-confirm"]');
    assert.match(await page.textContent('[data-testid="merge-confirm"]'), new RegExp(small.name));
    await page.click('[data-testid="merge-confirm"]');
    await waitCommunities(report0.communities.length - 1);
    await assertSelectTool();
    const r = await report();
    const nbBefore = report0.communities.find((c) => c.id === other);
    const kept = r.communities.find((c) => c.id === small.id);
    assert.equal(r.communities.some((c) => c.id === other), false, 'the neighbour is absorbed');
    assert.equal(kept.households_total, small.households_total + nbBefore.households_total);
    assert.equal(int(await page.textContent(`[data-testid="households-${small.id}"]`)), kept.households_total);
    assert.deepEqual(r.totals, (await exported()).report.totals);
    await page.keyboard.press('Control+z');
    await waitCommunities(report0.communities.length);
  });

  test('create: an area drawn over a grid cell in no community becomes a community holding it', async () => {
    const orphan = report0.findings.find((f) => f.code === 'plan.unassigned' && f.details.layer === 'grid');
    assert.ok(orphan, 'the demo has a grid cell in no community');
    const cell = orphan.feature_ids[0];
    await page.click('[data-testid="tool-create"]');
    assert.match(await page.textContent('[data-testid="hint"]'), /^Draw the new community/);
    // The cell's box and three metres around it, corner by corner; Enter finishes.
    const [w, s, e, n] = bbox(orphan.geometry);
    const m = 3 / 111_000;
    for (const [x, y] of [[w - m, s - m], [e + m, s - m], [e + m, n + m], [w - m, n + m]]) {
      const q = await screen(x, y);
      await page.mouse.click(q.x, q.y);
    }
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="create-dialog"]');
    await page.fill('[data-testid="new-name"]', 'Riverside');
    await page.click('[data-testid="create-ok"]');
    await waitCommunities(report0.communities.length + 1);
    await shot('t2-create');
    await assertSelectTool();
    const r = await report();
    const made = r.communities.find((c) => !report0.communities.some((o) => o.id === c.id));
    assert.equal(made.name, 'Riverside');
    assert.ok(made.grid_cells.includes(cell), `${cell} in ${made.grid_cells}`);
    assert.equal(r.findings.some((f) => f.code === 'plan.unassigned' && f.feature_ids.includes(cell)), false, 'the cell is no longer in no community');
    assert.deepEqual(r.totals, (await exported()).report.totals);
    assert.equal(r.totals.households_total, report0.totals.households_total);
  });


  test('reassign: the community chosen last comes first, and Shift+click gives to it directly', async () => {
    // Three compounds of one community that can each go to the same neighbour,
    // not its first (the menu lists neighbours in order: the first is first anyway).
    const engine = new wasm.Engine(demoText(), 'demo.geojson', '');
    const geometry = new Map(engine.layer('compound').features.map((f) => [f.properties.id, f.geometry]));
    let pick = null;
    for (const c of report0.communities) {
      for (const n of c.neighbours.slice(1)) {
        const ok = c.compounds.filter((x) => {
          try {
            engine.reassign('compound', x, n.id);
          } catch {
            return false;
          }
          engine.undo();
          return true;
        });
        if (ok.length >= 3) { pick = { from: c, to: n.id, compounds: ok.slice(0, 3) }; break; }
      }
      if (pick) break;
    }
    engine.free();
    assert.ok(pick, 'a community with three compounds a neighbour can take');
    const at = async (id) => {
      const g = geometry.get(id);
      const p = interiorPoint(g.type === 'Polygon' ? g.coordinates[0] : g.coordinates[0][0]);
      return screen(p[0], p[1]);
    };
    const owner = async (id) => (await report()).communities.find((c) => c.compounds.includes(id))?.id;
    await selectCommunity(pick.from.id);
    await page.click('[data-testid="tool-reassign"]');
    assert.match(await page.textContent('[data-testid="hint"]'), /Shift\+click/);
    const [a, b, c] = pick.compounds;
    let q = await at(a);
    await page.mouse.click(q.x, q.y);
    await page.waitForSelector('[data-testid="reassign-menu"]');
    await page.click(`[data-testid="reassign-target-${pick.to}"]`);
    await page.waitForFunction(([x, to]) => window.shequ.getReport().communities.find((c) => c.compounds.includes(x))?.id === to, [a, pick.to]);
    // Shift+click: no menu, straight to the same neighbour.
    q = await at(b);
    await page.keyboard.down('Shift');
    await page.mouse.click(q.x, q.y);
    await page.keyboard.up('Shift');
    await page.waitForFunction(([x, to]) => window.shequ.getReport().communities.find((c) => c.compounds.includes(x))?.id === to, [b, pick.to]);
    assert.equal(await page.locator('[data-testid="reassign-menu"]').count(), 0, 'no menu for Shift+click');
    // A plain click asks, with that neighbour first.
    q = await at(c);
    await page.mouse.click(q.x, q.y);
    await page.waitForSelector('[data-testid="reassign-menu"]');
    assert.equal(await page.$eval('[data-testid="reassign-menu"] .shequ-menu-item', (e) => e.dataset.testid), `reassign-target-${pick.to}`);
    await page.keyboard.press('Escape');
    assert.equal(await owner(c), pick.from.id, 'Esc gives nothing');
    // Two edits, two undo steps.
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');
    await page.waitForFunction(([xs, from]) => xs.every((x) => window.shequ.getReport().communities.find((c) => c.compounds.includes(x))?.id === from), [[a, b], pick.from.id]);
    assert.equal((await report()).communities.find((x) => x.id === pick.from.id).households_total, pick.from.households_total);
    await page.click('[data-testid="tool-select"]');
  });

  test('arrow keys nudge a selected shared vertex, a pixel (Shift: ten) per press, each an edit', async () => {
    const c = report0.communities.find((x) => x.name && x.neighbours.length >= 2);
    const start = await report(); // after the edits above
    const title0 = await page.getAttribute('[data-testid="undo"]', 'title');
    await selectCommunity(c.id);
    const map = await page.locator('[data-testid="map"]').boundingBox();
    const inView = (p) => p.x > map.x + 80 && p.x < map.x + map.width - 80 && p.y > map.y + 120 && p.y < map.y + map.height - 80;
    const handles = await page.evaluate(() => window.shequ.handles().map((h) => ({ ...h, at: window.shequ.toScreen(h.lng, h.lat) })));
    const h = handles.find((x) => x.degree >= 3 && inView(x.at)) ?? handles.find((x) => x.degree >= 2 && inView(x.at));
    assert.ok(h, 'a shared vertex on screen');
    await page.mouse.click(h.at.x, h.at.y);
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+ArrowDown');
    await page.waitForFunction((t) => document.querySelector('[data-testid="undo"]').title !== t, title0);
    const now = await page.evaluate((id) => window.shequ.handles().find((x) => x.id === id), h.id);
    assert.ok(now, 'the vertex keeps its id and stays selected');
    const at = await screen(now.lng, now.lat);
    assert.ok(Math.abs(at.x - h.at.x - 3) < 0.6 && Math.abs(at.y - h.at.y - 10) < 0.6, `moved by ${at.x - h.at.x}, ${at.y - h.at.y} px`);
    // Every community that had the vertex has it at its new place: no gap opened.
    const { plan, report: fresh } = await exported();
    const rings = (g) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates).flat();
    const holders = plan.features.filter((f) => f.properties.layer === 'community' && rings(f.geometry).some((r) => r.some(([x, y]) => Math.abs(x - now.lng) < 1e-9 && Math.abs(y - now.lat) < 1e-9)));
    assert.ok(holders.length >= 2, `shared by ${holders.length}`);
    // No gap or overlap between communities (a vertex on the street's outline
    // may leave a sliver of the street in no community: that is reported apart).
    const seams = (r) => r.findings.filter((f) => /^boundary\.(gap|overlap)$/.test(f.code) && f.community_ids.length).map((f) => f.id).sort();
    assert.deepEqual(seams(fresh), seams(start));
    assert.match(await page.getAttribute('[data-testid="undo"]', 'title'), /move boundary vertex/);
    for (let i = 0; i < 4; i++) await page.keyboard.press('Control+z');
    await page.waitForFunction(([id, x]) => Math.abs(window.shequ.handles().find((n) => n.id === id)?.lng - x) < 1e-12, [h.id, h.lng]);
    assert.equal(await page.getAttribute('[data-testid="undo"]', 'title'), title0, 'four presses, four edits');
  });
});

describe('rule profiles', () => {
  test('a street\'s own profile from a TOML file: the plan is checked again, the undo history stays', async () => {
    const c = report0.communities.find((x) => x.name && x.households_total >= 2000 && x.households_total < 2500);
    assert.ok(c, 'a community in the standard band that a stricter band leaves out');
    await selectCommunity(c.id);
    await page.click('[data-testid="tab-detail"]');
    await page.fill('[data-testid="edit-committee-size"]', '12');
    await page.click('[data-testid="edit-save"]');
    await page.waitForFunction(() => /^Undo: edit/.test(document.querySelector('[data-testid="undo"]').title));
    const undoTitle = await page.getAttribute('[data-testid="undo"]', 'title');
    // A street office's profile: Yangzhou's with a band of 2,500–3,500.
    const toml = 'name = "street-2026"\nextends = "yangzhou-2022"\ntitle_zh = "某街道细则"\ntitle_en = "A street\'s rules"\n\n[scale]\ntarget_min = 2500\ntarget_max = 3500\n';
    const json = JSON.stringify({ name: 'street-2026', extends: 'yangzhou-2022', title_zh: '某街道细则', title_en: "A street's rules", scale: { target_min: 2500, target_max: 3500 } });
    await page.click('[data-testid="settings"]');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid="profile-file"]')]);
    await chooser.setFiles({ name: '街道细则.toml', mimeType: 'application/toml', buffer: Buffer.from(toml) });
    await page.waitForFunction(() => document.querySelector('[data-testid="profile-select"]').value === '__custom');
    await page.click('[data-testid="settings-apply"]');
    await page.waitForFunction(() => window.shequ.getReport().profile === 'street-2026');
    const r = await report();
    // The plan the page exports, read afresh with the same profile in Node.
    const engine = new wasm.Engine(await page.evaluate(() => window.shequ.getPlan()), 'exported.geojson', json);
    const fresh = engine.report();
    engine.free();
    assert.deepEqual(r.totals, fresh.totals);
    assert.deepEqual(r.findings.map((f) => f.id).sort(), fresh.findings.map((f) => f.id).sort());
    assert.equal(r.communities.find((x) => x.id === c.id).band.target_min, 2500);
    assert.notEqual(r.totals.in_band, report0.totals.in_band, 'the stricter band changes the count');
    assert.match(await page.textContent('[data-testid="band-legend"]'), /2,500–3,500/);
    // The edit before the switch is still the one to undo.
    assert.equal(await page.getAttribute('[data-testid="undo"]', 'title'), undoTitle);
    await page.keyboard.press('Control+z');
    await page.waitForFunction((id) => !/"committee_size":12/.test(JSON.stringify(JSON.parse(window.shequ.getPlan()).features.find((f) => f.properties.id === id).properties)), c.id);
    assert.equal((await report()).communities.find((x) => x.id === c.id).band.target_min, 2500, 'still read with the street\'s profile');
  });

  test('a profile with a wrong value: the message names the file and the setting; the rules stay', async () => {
    const totals = (await report()).totals;
    await page.click('[data-testid="settings"]');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid="profile-file"]')]);
    const toml = 'name = "bad"\nextends = "yangzhou-2022"\n\n[scale]\ntarget_min = "两千"\n';
    await chooser.setFiles({ name: '街道坏规则.toml', mimeType: 'application/toml', buffer: Buffer.from(toml) });
    await page.waitForFunction(() => document.querySelector('[data-testid="profile-select"]').value === '__custom');
    await page.click('[data-testid="settings-apply"]');
    await page.waitForSelector('[data-testid="load-error"]');
    const text = await page.textContent('[data-testid="load-error"]');
    assert.ok(text.includes('街道坏规则.toml') && text.includes('scale.target_min') && text.includes('两千'), text);
    await page.keyboard.press('Escape');
    const r = await report();
    assert.equal(r.profile, 'street-2026', 'the rules in use stay');
    assert.deepEqual(r.totals, totals);
  });
});

describe('find', () => {
  const results = () => page.$$eval('[data-testid^="search-result-"]', (els) => els.map((e) => ({ kind: e.dataset.kind, id: e.dataset.id, text: e.textContent })));
  /** Distance in px from the map's centre to a lon/lat. */
  async function offCentre([lng, lat]) {
    const map = await page.locator('[data-testid="map"]').boundingBox();
    const p = await screen(lng, lat);
    return Math.hypot(p.x - (map.x + map.width / 2), p.y - (map.y + map.height / 2));
  }

  test('"/" then part of a compound\'s name: Enter goes to it and selects its community', async () => {
    const engine = new wasm.Engine(demoText(), 'demo.geojson', '');
    const compounds = engine.layer('compound').features;
    engine.free();
    // A compound in a community, whose name no other compound, community or centre contains.
    const names = (x) => compounds.filter((f) => f.properties.name.includes(x)).length + report0.communities.filter((c) => c.name.includes(x)).length;
    const owner = new Map(report0.communities.flatMap((c) => c.compounds.map((id) => [id, c])));
    const f = compounds.find((f) => owner.has(f.properties.id) && names(f.properties.name.slice(0, 3)) === 1);
    const part = f.properties.name.slice(0, 3);
    const home = owner.get(f.properties.id);
    await page.click('[data-testid="tab-balance"]'); // focus outside any field
    await page.keyboard.press('/');
    await page.waitForSelector('[data-testid="search-input"]:focus');
    await page.keyboard.type(part);
    const found = await results();
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.equal(found[0].kind, 'compound');
    assert.equal(found[0].id, f.properties.id);
    const hh = f.properties.households + (f.properties.planned_households ?? 0);
    assert.ok(found[0].text.includes(f.properties.name) && found[0].text.includes(home.name) && found[0].text.includes(hh.toLocaleString('en')), found[0].text);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="search"]', { state: 'detached' });
    await page.waitForTimeout(900); // the map flies there
    assert.equal(await page.textContent('[data-testid="detail-name"]'), home.name);
    const [w, s, e, n] = bbox(f.geometry);
    assert.ok(await offCentre([(w + e) / 2, (s + n) / 2]) < 40, 'the map is centred on the compound');
    await shot('t3-find-compound');
  });

  test('a community by its id, a grid cell by its code chosen with the arrow keys; nothing found says so', async () => {
    const named = report0.communities.filter((x) => x.name && x.grid_cells.length);
    const c = named[3];
    await page.click('[data-testid="search-button"]');
    await page.waitForSelector('[data-testid="search-input"]:focus');
    await page.keyboard.type(c.id.toLowerCase());
    assert.deepEqual((await results())[0], { kind: 'community', id: c.id, text: `Community${c.name}${c.households_total.toLocaleString('en')} households` });
    await page.keyboard.press('Enter');
    await page.waitForTimeout(900);
    assert.equal(await page.textContent('[data-testid="detail-name"]'), c.name);

    const cell = named[7].grid_cells[0];
    const engine = new wasm.Engine(demoText(), 'demo.geojson', '');
    const code = engine.layer('grid').features.find((g) => g.properties.id === cell).properties.code;
    engine.free();
    await page.keyboard.press('/');
    await page.waitForSelector('[data-testid="search-input"]:focus');
    await page.keyboard.type(code);
    const found = await results();
    const k = found.findIndex((r) => r.kind === 'grid' && r.id === cell);
    assert.ok(k >= 0, JSON.stringify(found));
    for (let i = 0; i <= k; i++) await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.id), cell);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(900);
    assert.equal(await page.textContent('[data-testid="detail-name"]'), named[7].name);

    await page.keyboard.press('/');
    await page.waitForSelector('[data-testid="search-input"]:focus');
    await page.keyboard.type('no such place 12345');
    assert.equal(await page.textContent('[data-testid="search-none"]'), 'Nothing found');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="search"]', { state: 'detached' });
  });

  test('no console errors, CSP violations or foreign requests', () => {
    assert.deepEqual(watch.errors, []);
    assert.deepEqual(watch.csp, []);
    assert.deepEqual(watch.foreign(), []);
  });
});
