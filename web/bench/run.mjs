// The JavaScript side of `cargo xtask bench`: the engine (wasm-pack output in
// web/dist/pkg) in Node and in headless Chromium, the app itself driven with a
// real mouse, and the turf.js baseline, on the plan files `shequ generate`
// wrote. Writes an array of records {scenario, metric, engine, value, unit,
// n, p25, p75, min, max, …} as JSON.
//
//   node bench/run.mjs <part> [--plans DIR] [--scenarios S:5,M:5,L:5,XL:3] [--drag N] [--out FILE]
//
// parts: node (wasm in Node), turf (turf.js in Node), chromium (bench page and
// app), size (gzipped .wasm), adjust (suggest and repair with pkg-adjust, on
// the bench page and in the app, with the main thread's long tasks), all
// (every part; `npm run bench`).
// Each scenario runs in a fresh Node process or a fresh browser context.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { DIST, WEB, launch, nodeEngine, startServer } from '../tests/harness.mjs';
import { csp } from '../scripts/csp.mjs';
import { dragSteps, engineNew, fullEval, rebuild, sharedNodeNearMiddle, summary, warmUp } from './engine-bench.mjs';

const SELF = fileURLToPath(import.meta.url);
const VIEWPORT = { width: 1600, height: 1000 };
const LONG = 15 * 60 * 1000; // no single wait should come near this
// Time budgets, so that a slow engine still finishes: a capped measurement has
// fewer samples than asked for (at least 20) and says so (`capped`).
const BUDGET = { engineNew: 8000, dragNode: 10_000, dragPage: 40_000, dragApp: 20_000 };

// ---- arguments and records ---------------------------------------------------------

function parseArgs(argv) {
  const o = { part: argv[0] && !argv[0].startsWith('--') ? argv[0] : 'all', plans: join(WEB, '..', 'bench', 'tmp'), scenarios: 'S:5,M:5,L:5,XL:3', drag: 240, out: null };
  for (let i = argv[0] === o.part ? 1 : 0; i < argv.length; i++) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === '--plans') o.plans = resolve(v);
    else if (k === '--scenarios') o.scenarios = v;
    else if (k === '--drag') o.drag = Number(v);
    else if (k === '--out') o.out = resolve(v);
    else if (k === '--scenario' || k === '--reps' || k === '--plan' || k === '--warm') o[k.slice(2)] = v;
    else throw new Error(`unknown argument ${k}`);
    i++;
  }
  // Every engine measurement starts with a warm-up on the small plan S.
  o.warm ??= join(o.plans, 'S.geojson');
  o.list = o.scenarios.split(',').filter(Boolean).map((s) => {
    const [name, reps] = s.split(':');
    return { name, reps: Number(reps || 5), plan: join(o.plans, name + '.geojson') };
  });
  return o;
}

const r3 = (x) => (x == null || !Number.isFinite(x) ? x ?? null : Math.round(x * 1000) / 1000);

/** A record; `s` is a summary() (value and spread) or a bare value. */
function rec(scenario, metric, engine, unit, s, extra = {}) {
  const base = typeof s === 'number' ? { value: r3(s) } : { value: r3(s.value), n: s.n, p25: r3(s.p25), p75: r3(s.p75), min: r3(s.min), max: r3(s.max) };
  return { scenario, metric, engine, ...base, unit, ...extra };
}

const log = (...a) => console.error('   ', ...a);
const secs = (ms) => (ms / 1000).toFixed(1) + ' s';

/** Runs this script as a child for one scenario; returns the records it prints. */
function child(args, heapMb = 8192) {
  const r = spawnSync(process.execPath, [`--max-old-space-size=${heapMb}`, SELF, ...args], { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status ?? r.signal})`);
  const line = r.stdout.trim().split('\n').pop();
  return JSON.parse(line);
}

// ---- wasm in Node --------------------------------------------------------------------

async function nodeOne(o) {
  const mod = await nodeEngine();
  const cold = warmUp(mod, readFileSync(o.warm, 'utf8'));
  const text = readFileSync(o.plan, 'utf8');
  const reps = Number(o.reps);
  const { engine, samples } = engineNew(mod, text, reps, BUDGET.engineNew);
  log(`wasm-node ${o.scenario}: new Engine ${samples.map((x) => x.toFixed(0)).join(', ')} ms (cold first call on S: ${cold.toFixed(0)} ms)`);
  const node = sharedNodeNearMiddle(engine);
  const fe = fullEval(engine, reps);
  const rb = rebuild(engine, node, reps);
  log(`wasm-node ${o.scenario}: full evaluation ${fe.samples.map((x) => x.toFixed(0)).join(', ')} ms; rebuild ${rb.samples.map((x) => x.toFixed(0)).join(', ')} ms`);
  const drag = dragSteps(engine, node, Number(o.drag), { budgetMs: BUDGET.dragNode });
  engine.free();
  const d = summary(drag.samples), p95 = summary(drag.samples, 0.95).value;
  log(`wasm-node ${o.scenario}: dragTo p50 ${d.value.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms over ${drag.samples.length}${drag.capped ? ' (time cap)' : ''}`);
  const dx = { node: node.id, capped: drag.capped, spread_of: 'samples' };
  return [
    rec(o.scenario, 'engine_new', 'wasm-node', 'ms', summary(samples), { spread_of: 'repetitions', cold_first_call_on_S_ms: r3(cold), note: ENGINE_NEW }),
    rec(o.scenario, 'full_eval', 'wasm-node', 'ms', summary(fe.samples), { spread_of: 'repetitions', note: FULL_EVAL }),
    rec(o.scenario, 'rebuild', 'wasm-node', 'ms', summary(rb.samples), rebuildNote(rb)),
    rec(o.scenario, 'drag_step_p50', 'wasm-node', 'ms', d, dx),
    rec(o.scenario, 'drag_step_p95', 'wasm-node', 'ms', { ...d, value: p95 }, dx),
  ];
}

const ENGINE_NEW = 'new Engine(text): parse, topology, evaluation (after a warm-up on S; a fresh module\'s first call is slower, see cold_first_call_on_S_ms and load)';

const FULL_EVAL = 'Engine.fullEvaluation(): shequ_core::evaluate of the loaded plan, as Criterion times it natively (no parsing, a count handed back)';

function rebuildNote(rb) {
  const note = `undo/redo of a reassignment (${rb.compound}: ${rb.from}→${rb.to}): topology and evaluation rebuilt, Delta to JS, no parsing`;
  return rb.rebuilt ? { spread_of: 'repetitions', note } : { spread_of: 'repetitions', note: note + ' — the Delta did not say nodes_changed: undo may no longer rebuild from scratch', warning: 'not a full rebuild' };
}

// ---- turf.js in Node ---------------------------------------------------------------

async function turfOne(o) {
  const { checkPlan } = await import('./turf-checks.mjs');
  const text = readFileSync(o.plan, 'utf8');
  const t0 = performance.now();
  const fc = JSON.parse(text);
  const parseMs = performance.now() - t0;
  const samples = [];
  let result;
  for (let i = 0; i < Number(o.reps); i++) {
    const t = performance.now();
    result = checkPlan(fc);
    samples.push(performance.now() - t);
    log(`turf ${o.scenario}: run ${i + 1}/${o.reps} ${secs(samples[i])}`);
  }
  // Same checks? Compare with the engine's report on the same file (untimed).
  const mod = await nodeEngine();
  const engine = new mod.Engine(text, 'plan.geojson', '');
  const report = engine.report();
  engine.free();
  let same = 0, total = 0;
  const areaErr = [];
  for (const c of report.communities) {
    const f = result.facts.get(c.id);
    if (!f) continue;
    const mine = new Set(f.compounds);
    for (const x of c.compounds) {
      total++;
      if (mine.has(x)) same++;
    }
    areaErr.push(Math.abs(f.area_m2 - c.area_m2) / c.area_m2);
  }
  areaErr.sort((a, b) => a - b);
  const check = {
    compounds_same_community: r3(same / Math.max(1, total)),
    area_rel_diff_p50: areaErr[areaErr.length >> 1] ?? null,
    non_contiguous: { turf: result.non_contiguous, engine: report.communities.filter((c) => c.parts > 1).length },
    overlaps: { turf: result.overlaps.length, engine: report.findings.filter((f) => f.code === 'boundary.overlap').length },
    unassigned: { turf: result.unassigned, engine: report.totals.unassigned_compounds ?? null },
  };
  log(`turf ${o.scenario}: agrees with the engine: ${JSON.stringify(check)}`);
  return [rec(o.scenario, 'full_eval', 'turf', 'ms', summary(samples), {
    spread_of: 'repetitions', parse_ms: r3(parseMs), check,
    note: 'turf 7: areas, flatten for contiguity, compound shares (R-tree, booleanWithin, else booleanIntersects + intersect + area), overlaps of box-meeting pairs (intersect + area); a subset of the engine\'s checks',
  })];
}

// ---- Chromium: the bench page and the app --------------------------------------------

async function renderers(browser) {
  try {
    const s = await browser.newBrowserCDPSession();
    const { processInfo } = await s.send('SystemInfo.getProcessInfo');
    await s.detach();
    return processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
  } catch {
    return [];
  }
}

/** Peak resident memory (VmHWM) of the largest renderer process, MB. */
async function rendererPeakMb(browser) {
  let best = null;
  for (const pid of await renderers(browser)) {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) best = Math.max(best ?? 0, Number(m[1]) / 1024);
    } catch { /* gone */ }
  }
  return best;
}

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const TYPES = { html: 'text/html; charset=utf-8', mjs: 'text/javascript; charset=utf-8' };

async function benchPage(browser, origin, sc, o) {
  const context = await browser.newContext();
  // The bench page and its modules come from web/bench/, under the app's CSP.
  await context.route(/\/bench\/(page\.html|page\.mjs|engine-bench\.mjs)$/, (route) => {
    const name = new URL(route.request().url()).pathname.split('/').pop();
    route.fulfill({ path: join(BENCH_DIR, name), headers: { 'Content-Type': TYPES[name.split('.').pop()], 'Content-Security-Policy': csp() } });
  });
  await context.route('**/bench-plan.geojson', (route) => route.fulfill({ path: sc.plan, contentType: 'application/geo+json' }));
  await context.route('**/warm-up.geojson', (route) => route.fulfill({ path: o.warm, contentType: 'application/geo+json' }));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(origin + '/bench/page.html');
  await page.waitForSelector('body[data-ready="true"]');
  await page.evaluate((u) => window.bench.load(u), 'bench-plan.geojson');
  const cold = await page.evaluate((u) => window.bench.warmUp(u), 'warm-up.geojson');
  const en = await page.evaluate(([r, b]) => window.bench.engineNew(r, b), [sc.reps, BUDGET.engineNew]);
  log(`wasm-chromium ${sc.name}: new Engine ${en.samples.map((x) => x.toFixed(0)).join(', ')} ms (cold first call on S: ${cold.toFixed(0)} ms)`);
  const fe = await page.evaluate((r) => window.bench.fullEval(r), sc.reps);
  const rb = await page.evaluate((r) => window.bench.rebuild(r), sc.reps);
  log(`wasm-chromium ${sc.name}: full evaluation ${fe.samples.map((x) => x.toFixed(0)).join(', ')} ms; rebuild ${rb.samples.map((x) => x.toFixed(0)).join(', ')} ms`);
  const drag = await page.evaluate(([n, b]) => window.bench.dragSteps(n, { budgetMs: b }), [o.drag, BUDGET.dragPage]);
  const d = summary(drag.samples), p95 = summary(drag.samples, 0.95).value;
  log(`wasm-chromium ${sc.name}: dragTo p50 ${d.value.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms over ${drag.samples.length}${drag.capped ? ' (time cap)' : ''}`);
  const wasmMb = (await page.evaluate(() => window.bench.wasmMemoryBytes())) / 2 ** 20;
  await context.close();
  if (errors.length) throw new Error(`bench page errors: ${errors.join('; ')}`);
  const dx = { node: en.node.id, capped: drag.capped, spread_of: 'samples', wasm_memory_mb: r3(wasmMb) };
  return {
    node: en.node,
    records: [
      rec(sc.name, 'engine_new', 'wasm-chromium', 'ms', summary(en.samples), { spread_of: 'repetitions', cold_first_call_on_S_ms: r3(cold), note: ENGINE_NEW }),
      rec(sc.name, 'full_eval', 'wasm-chromium', 'ms', summary(fe.samples), { spread_of: 'repetitions', note: FULL_EVAL }),
      rec(sc.name, 'rebuild', 'wasm-chromium', 'ms', summary(rb.samples), rebuildNote(rb)),
      rec(sc.name, 'drag_step_p50', 'wasm-chromium', 'ms', d, dx),
      rec(sc.name, 'drag_step_p95', 'wasm-chromium', 'ms', { ...d, value: p95 }, dx),
    ],
  };
}

/**
 * One run of the app: load the scenario's plan (served where the page looks
 * for its start plan), then drag the middle vertex with the mouse and read
 * the app's own latency samples (window.shequ.stats()).
 */
async function appRun(browser, origin, sc, node, perRun) {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN' });
  // The app page opens `planUrl: 'demo.geojson'` (main.js): serve the scenario there.
  await context.route('**/demo.geojson', (route) => route.fulfill({ path: sc.plan, contentType: 'application/geo+json' }));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push('pageerror: ' + e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  // "First render": the frame after the app's 'shequ:loaded' mark has been painted.
  await page.addInitScript(() => {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.name === 'shequ:loaded') requestAnimationFrame(() => setTimeout(() => performance.mark('bench:painted')));
      }
    }).observe({ type: 'mark' });
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const heap = { used: 0, total: 0 };
  const sampleHeap = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
    heap.used = Math.max(heap.used, m.JSHeapUsedSize ?? 0);
    heap.total = Math.max(heap.total, m.JSHeapTotalSize ?? 0);
  };

  const t0 = Date.now();
  await page.goto(origin + '/index.html');
  await page.waitForFunction(() => performance.getEntriesByName('bench:painted').length > 0, null, { timeout: LONG, polling: 50 });
  const wallMs = Date.now() - t0;
  await sampleHeap();
  const marks = await page.evaluate(() => Object.fromEntries(['shequ:read', 'shequ:parsed', 'shequ:loaded', 'bench:painted'].map((n) => [n, performance.getEntriesByName(n)[0]?.startTime])));
  const shown = await page.textContent('[data-testid="total-communities"]');
  // The autosave (IndexedDB) runs right after the load: let it finish, or fail, before the drag.
  const t1 = Date.now();
  const saved = await page.waitForSelector('[data-testid="save-state"][data-state="saved"], [data-testid="toast-error"]', { state: 'attached', timeout: 120_000 })
    .then((e) => e.textContent(), () => 'no answer after 120 s');
  const autosaveMs = Date.now() - t1;
  const autosave = /^(Autosaved|已自动保存)$/.test(saved.trim()) ? 'saved' : saved.replace(/×$/, '').trim();
  await sampleHeap();

  // Select a community owning the vertex (the map flies to it) and find its handle.
  await page.click('[data-testid="tab-balance"]');
  await page.click(`[data-testid="balance-row-${node.owners[0]}"]`, { timeout: LONG });
  await page.waitForTimeout(900); // the flight
  const target = await page.waitForFunction((id) => window.shequ.handles().find((h) => h.id === id), node.id, { timeout: 120_000, polling: 250 })
    .then((h) => h.jsonValue(), () => null);
  if (!target) throw new Error(`${sc.name}: vertex ${node.id} has no handle after selecting ${node.owners[0]}`);
  await page.waitForTimeout(300);
  const path = await page.evaluate(({ lng, lat, n }) => {
    const pts = [window.shequ.toScreen(lng, lat)];
    for (let k = 1; k <= n; k++) {
      const t = ((k % 16) / 16) * 2 * Math.PI;
      pts.push(window.shequ.toScreen(lng + 0.0002 * Math.cos(t), lat + 0.0002 * Math.sin(t)));
    }
    return pts;
  }, { lng: target.lng, lat: target.lat, n: 16 });
  const radiusPx = Math.hypot(path[4].x - path[0].x, path[4].y - path[0].y);
  // Too small a circle on screen would not start a drag (4 px slop): widen it.
  const scale = radiusPx < 8 ? 8 / radiusPx : 1;
  const at = (k) => (k === 0 ? path[0] : { x: path[0].x + (path[(k % 16) || 16].x - path[0].x) * scale, y: path[0].y + (path[(k % 16) || 16].y - path[0].y) * scale });

  const before = await page.textContent('[data-testid="totals"]');
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((x) => [x.name, x.value]));
  const m0 = await metrics();
  await page.mouse.move(at(0).x, at(0).y);
  await page.mouse.down();
  let moves = 0;
  const moveMs = [];
  const tDrag = Date.now();
  while (moves < perRun && Date.now() - tDrag < BUDGET.dragApp) {
    const t = Date.now();
    await page.mouse.move(at(++moves).x, at(moves).y);
    moveMs.push(Date.now() - t);
    if (moves % 40 === 0) await sampleHeap();
  }
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r))));
  const stats = await page.evaluate(() => window.shequ.stats());
  const m1 = await metrics();
  await page.keyboard.press('Escape');
  await page.mouse.up();
  const dragWallMs = Date.now() - tDrag;
  await sampleHeap();
  const after = await page.textContent('[data-testid="totals"]');
  const wasmBytes = await page.evaluate(async (n) => {
    const m = await import(new URL('pkg/shequ_wasm.js?instance=' + n, location.href).href);
    return m.initSync().memory.buffer.byteLength;
  }, await page.evaluate(() => window.shequ.engineInstance));
  const uasm = await page.evaluate(() => (self.crossOriginIsolated && performance.measureUserAgentSpecificMemory ? 'available' : 'unavailable (the page is not cross-origin isolated)'));
  const vmhwm = await rendererPeakMb(browser);
  await context.close();
  if (before !== after) errors.push('Esc did not cancel the drag (the totals changed)');
  return {
    load: marks['bench:painted'] - marks['shequ:read'],
    engine: marks['shequ:parsed'] - marks['shequ:read'],
    render: marks['bench:painted'] - marks['shequ:parsed'],
    wallMs, autosaveMs, autosave, errors, shown, stats, moves, dragWallMs, radiusPx, scale, capped: moves < perRun,
    moveMs: summary(moveMs).value, taskMs: ((m1.TaskDuration - m0.TaskDuration) * 1000) / moves, scriptMs: ((m1.ScriptDuration - m0.ScriptDuration) * 1000) / moves,
    memMb: (heap.used + wasmBytes) / 2 ** 20, heapMb: heap.used / 2 ** 20, heapTotalMb: heap.total / 2 ** 20, wasmMb: wasmBytes / 2 ** 20, vmhwm, uasm,
  };
}

async function chromiumPart(o) {
  const server = await startServer();
  const browser = await launch();
  const out = [];
  try {
    for (const sc of o.list) {
      const { node, records } = await benchPage(browser, server.origin, sc, o);
      out.push(...records);
      const runs = [];
      for (let i = 0; i < sc.reps; i++) {
        // The drag moves are spread over the runs: at least `drag` in all.
        const r = await appRun(browser, server.origin, sc, node, Math.max(40, Math.ceil(o.drag / sc.reps)));
        runs.push(r);
        log(`app ${sc.name} run ${i + 1}/${sc.reps}: load ${r.load.toFixed(0)} ms (engine ${r.engine.toFixed(0)}, render ${r.render.toFixed(0)}; page ${secs(r.wallMs)}; autosave ${r.autosave === 'saved' ? secs(r.autosaveMs) : 'FAILED: ' + r.autosave}), `
          + `drag ${r.moves} moves → ${r.stats.n} frames${r.capped ? ' (time cap)' : ''} in ${secs(r.dragWallMs)} (main thread ${r.taskMs.toFixed(0)} ms/move, script ${r.scriptMs.toFixed(0)}), p50 ${r.stats.p50} ms, p95 ${r.stats.p95} ms (engine p95 ${r.stats.engine_p95}, wait p95 ${r.stats.wait_p95}, canvas p95 ${r.stats.canvas_p95}), memory ${r.memMb.toFixed(0)} MB (renderer peak RSS ${r.vmhwm?.toFixed(0) ?? '?'} MB)`);
      }
      const over = (f) => summary(runs.map(f));
      const med = (f) => r3(over(f).value);
      out.push(rec(sc.name, 'pointer_to_panel_p95', 'wasm-chromium', 'ms', over((r) => r.stats.p95), {
        spread_of: 'runs', p50: med((r) => r.stats.p50), engine_p95: med((r) => r.stats.engine_p95),
        wait_p95: med((r) => r.stats.wait_p95 ?? NaN), canvas_p95: med((r) => r.stats.canvas_p95 ?? NaN), frames_total: runs.reduce((a, r) => a + r.stats.n, 0), moves_total: runs.reduce((a, r) => a + r.moves, 0),
        mouse_move_wall_ms_p50: med((r) => r.moveMs), main_thread_ms_per_move: med((r) => r.taskMs), script_ms_per_move: med((r) => r.scriptMs),
        radius_px: r3(runs[0].radiusPx * runs[0].scale), capped: runs.some((r) => r.capped), note: 'app page, page.mouse drag of the middle shared vertex, a fresh page per run; value: median over runs of the p95 of window.shequ.stats() (pointer event timeStamp → panel DOM, labels and map canvases updated, before paint; the first move of a frame interval is handled at once, from pointerrawupdate; further ones at the next frame; wait_p95: event → handling starts); Esc cancels',
      }));
      const problems = [...new Set(runs.flatMap((r) => [...r.errors, ...(r.autosave === 'saved' ? [] : ['autosave failed: ' + r.autosave])]))];
      out.push(rec(sc.name, 'load', 'wasm-chromium', 'ms', over((r) => r.load), {
        spread_of: 'runs', engine_ms: med((r) => r.engine), render_ms: med((r) => r.render), page_wall_ms: med((r) => r.wallMs), autosave_wait_ms: med((r) => r.autosaveMs),
        ...(problems.length ? { warning: problems.join('; ') } : {}),
        note: "app page: 'shequ:read' mark → the frame after 'shequ:loaded' painted (parse + first evaluation + first render)",
      }));
      out.push(rec(sc.name, 'memory_peak_mb', 'wasm-chromium', 'MB', over((r) => r.memMb), {
        spread_of: 'runs', js_heap_peak_mb: med((r) => r.heapMb), js_heap_total_peak_mb: med((r) => r.heapTotalMb), wasm_memory_mb: med((r) => r.wasmMb),
        renderer_peak_rss_mb: runs[0].vmhwm == null ? null : med((r) => r.vmhwm), measureUserAgentSpecificMemory: runs[0].uasm,
        note: 'max of CDP Performance.getMetrics JSHeapUsedSize sampled after load and during the drag, plus WebAssembly.Memory byteLength (it only grows)',
      }));
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return out;
}

// ---- Chromium: suggest and repair (pkg-adjust) --------------------------------------

// Calls per measurement: suggest is timed 5 times, a repair 3 times, the app's repair run 3 times.
const ADJUST = { suggest: 5, repair: 3, app: 3 };

/** The pkg-adjust engine alone on the bench page: suggest on the largest community, repair of the plan. */
async function adjustEngine(browser, origin, sc) {
  const context = await browser.newContext();
  await context.route(/\/bench\/(page\.html|page\.mjs|engine-bench\.mjs)$/, (route) => {
    const name = new URL(route.request().url()).pathname.split('/').pop();
    route.fulfill({ path: join(BENCH_DIR, name), headers: { 'Content-Type': TYPES[name.split('.').pop()], 'Content-Security-Policy': csp() } });
  });
  await context.route('**/bench-plan.geojson', (route) => route.fulfill({ path: sc.plan, contentType: 'application/geo+json' }));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(origin + '/bench/page.html');
  await page.waitForSelector('body[data-ready="true"]');
  const l = await page.evaluate((u) => window.bench.adjustLoad(u), 'bench-plan.geojson');
  const sg = await page.evaluate(([id, n]) => window.bench.adjustSuggest(id, 3, n), [l.community, ADJUST.suggest]);
  log(`adjust ${sc.name}: suggest ${l.community} (${l.households} households): ${sg.samples.map((x) => x.toFixed(0)).join(', ')} ms → ${sg.kinds.join(', ')}`);
  const rp = await page.evaluate((n) => window.bench.adjustRepair(n), ADJUST.repair);
  const u = rp.summary.unresolved;
  log(`adjust ${sc.name}: repair ${rp.samples.map((x) => x.toFixed(0)).join(', ')} ms → ${rp.summary.moved_households} households moved, ${rp.summary.communities_before} → ${rp.summary.communities_after} communities, ${u.length} unresolved`);
  await context.close();
  if (errors.length) throw new Error(`bench page errors: ${errors.join('; ')}`);
  return [
    rec(sc.name, 'suggest', 'wasm-chromium', 'ms', summary(sg.samples), {
      spread_of: 'repetitions', community: l.community, households: l.households, first_call_ms: r3(sg.samples[0]), kinds: sg.kinds, households_moved: sg.moved,
      note: 'pkg-adjust on the bench page: Engine.suggest(id, 3) on the community with the most households, the same engine called repeatedly (the first call on a fresh module runs baseline code: first_call_ms)',
    }),
    rec(sc.name, 'repair', 'wasm-chromium', 'ms', summary(rp.samples), {
      spread_of: 'repetitions', progress_calls: rp.progressCalls,
      note: 'pkg-adjust on the bench page: Engine.repair({strict: false, locked: [], seed: 1}, progress) on the loaded plan (main thread; the app runs it in a worker)',
    }),
    rec(sc.name, 'repair_moved_households', 'wasm-chromium', 'households', rp.summary.moved_households, {
      moved_compounds: rp.summary.moved_compounds, communities_before: rp.summary.communities_before, communities_after: rp.summary.communities_after,
      unresolved: u.length, unresolved_list: u.map((x) => `${x.code}:${x.community_ids.join('|')}`),
    }),
  ];
}

/**
 * One repair in the app: load the plan, click 整体优化 (repair-button), then
 * run (repair-run) and wait for the result (repair-summary), recording the
 * main thread's long tasks (PerformanceObserver 'longtask', buffered) from the
 * click on run to the summary in the DOM.
 */
async function adjustAppRun(browser, origin, sc) {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN' });
  await context.route('**/demo.geojson', (route) => route.fulfill({ path: sc.plan, contentType: 'application/geo+json' }));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push('pageerror: ' + e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.addInitScript(() => {
    window.__bench = { longtasks: [], runAt: null, summaryAt: null };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__bench.longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.name === 'shequ:loaded') requestAnimationFrame(() => setTimeout(() => performance.mark('bench:painted')));
      }
    }).observe({ type: 'mark' });
    // The click on run (its event time) and the moment the summary enters the DOM.
    document.addEventListener('click', (e) => {
      if (e.target.closest?.('[data-testid="repair-run"]')) window.__bench.runAt = e.timeStamp;
    }, true);
    new MutationObserver(() => {
      if (window.__bench.runAt != null && window.__bench.summaryAt == null && document.querySelector('[data-testid="repair-summary"]')) window.__bench.summaryAt = performance.now();
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(origin + '/index.html');
  await page.waitForFunction(() => performance.getEntriesByName('bench:painted').length > 0, null, { timeout: LONG, polling: 50 });
  // The autosave runs right after the load: let it finish before the repair.
  await page.waitForSelector('[data-testid="save-state"][data-state="saved"], [data-testid="toast-error"]', { state: 'attached', timeout: 120_000 }).catch(() => null);
  const openAt = await page.evaluate(() => performance.now());
  await page.click('[data-testid="repair-button"]:not([disabled])', { timeout: LONG });
  await page.waitForSelector('[data-testid="repair-run"]', { timeout: LONG });
  await page.click('[data-testid="repair-run"]');
  await page.waitForSelector('[data-testid="repair-summary"]', { timeout: LONG });
  // Long task entries are delivered after the task: give the observer a moment.
  await page.waitForTimeout(300);
  const b = await page.evaluate(() => window.__bench);
  const summaryText = await page.textContent('[data-testid="repair-summary"]');
  const unresolved = await page.$$eval('[data-testid="repair-unresolved"] li', (l) => l.length);
  await context.close();
  const overlaps = (t, from, to) => t.start + t.duration > from && t.start < to;
  const during = b.longtasks.filter((t) => overlaps(t, b.runAt, b.summaryAt));
  const opening = b.longtasks.filter((t) => overlaps(t, openAt, b.runAt));
  return {
    wallMs: b.summaryAt - b.runAt, errors, summaryText, unresolved,
    longMax: Math.max(0, ...during.map((t) => t.duration)), longCount: during.length, longTotal: during.reduce((a, t) => a + t.duration, 0),
    openLongMax: Math.max(0, ...opening.map((t) => t.duration)),
    // [start after the click on run, duration], ms: where in the run the page blocked.
    longAt: during.map((t) => [Math.round(t.start - b.runAt), Math.round(t.duration)]),
  };
}

async function adjustPart(o) {
  const server = await startServer();
  const browser = await launch();
  const out = [];
  try {
    for (const sc of o.list) {
      out.push(...(await adjustEngine(browser, server.origin, sc)));
      const runs = [];
      for (let i = 0; i < ADJUST.app; i++) {
        const r = await adjustAppRun(browser, server.origin, sc);
        runs.push(r);
        log(`app ${sc.name} repair ${i + 1}/${ADJUST.app}: run → summary ${r.wallMs.toFixed(0)} ms, long tasks meanwhile: ${r.longCount} (max ${r.longMax.toFixed(0)} ms, total ${r.longTotal.toFixed(0)} ms${r.longCount ? '; [start, duration]: ' + JSON.stringify(r.longAt) : ''}); opening the panel: max ${r.openLongMax.toFixed(0)} ms; «${r.summaryText.trim()}»`);
      }
      const over = (f) => summary(runs.map(f));
      const problems = [...new Set(runs.flatMap((r) => r.errors))];
      const warn = problems.length ? { warning: problems.join('; ') } : {};
      out.push(rec(sc.name, 'repair_app', 'wasm-chromium', 'ms', over((r) => r.wallMs), {
        spread_of: 'runs', unresolved_shown: runs[0].unresolved, ...warn,
        note: "app page (zh): 整体优化 (repair-button) → run (repair-run): the click's event time → repair-summary in the DOM (plan exported to the worker, pkg-adjust loaded there on first use, Engine built, repair, the proposal compared); a fresh page per run",
      }));
      out.push(rec(sc.name, 'repair_long_task_max_ms', 'wasm-chromium', 'ms', over((r) => r.longMax), {
        spread_of: 'runs', long_tasks: runs.map((r) => r.longCount), long_tasks_at_ms: runs.map((r) => r.longAt), long_task_total_ms: runs.map((r) => r3(r.longTotal)), opening_long_task_max_ms: runs.map((r) => r3(r.openLongMax)), ...warn,
        note: "app page: the longest main-thread task (PerformanceObserver 'longtask', buffered; only tasks over 50 ms are reported, so 0 = none) overlapping click on run → repair-summary; opening_…: from the click on 整体优化 to the click on run",
      }));
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return out;
}

// ---- size --------------------------------------------------------------------------

function sizePart() {
  const wasm = join(DIST, 'pkg', 'shequ_wasm_bg.wasm');
  const bytes = readFileSync(wasm);
  return [rec('all', 'wasm_gzip_bytes', 'wasm', 'bytes', gzipSync(bytes, { level: 9 }).length, { raw_bytes: bytes.length })];
}

// ---- main --------------------------------------------------------------------------

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.part === 'node-one') return nodeOne(o);
  if (o.part === 'turf-one') return turfOne(o);
  for (const sc of o.list) if (!existsSync(sc.plan)) throw new Error(`${sc.plan} is missing: generate the plans first (cargo xtask bench does)`);
  if (!existsSync(join(DIST, 'pkg', 'shequ_wasm_bg.wasm'))) throw new Error('web/dist has no engine: run `npm run wasm && npm run build`');
  const one = (part, sc) => child([part, '--scenario', sc.name, '--plan', sc.plan, '--warm', o.warm, '--reps', String(sc.reps), '--drag', String(o.drag)]);
  const parts = {
    node: () => o.list.flatMap((sc) => one('node-one', sc)),
    turf: () => o.list.flatMap((sc) => one('turf-one', sc)),
    chromium: () => chromiumPart(o),
    size: () => sizePart(),
    adjust: () => adjustPart(o),
  };
  const names = o.part === 'all' ? Object.keys(parts) : [o.part];
  const out = [];
  for (const name of names) {
    if (!parts[name]) throw new Error(`unknown part ${name}: node, turf, chromium, size, adjust or all`);
    if (name === 'adjust' && !existsSync(join(DIST, 'pkg-adjust', 'shequ_wasm_bg.wasm'))) throw new Error('web/dist has no pkg-adjust: run `node scripts/wasm.mjs adjust && npm run build`');
    const t = Date.now();
    out.push(...(await parts[name]()));
    if (o.part === 'all') log(`${name}: ${secs(Date.now() - t)}`);
  }
  return out;
}

main().then(
  (records) => {
    const o = parseArgs(process.argv.slice(2));
    const text = JSON.stringify(records);
    if (o.out) {
      mkdirSync(dirname(o.out), { recursive: true });
      writeFileSync(o.out, JSON.stringify(records, null, 1) + '\n');
    } else {
      process.stdout.write(text + '\n');
    }
  },
  (e) => {
    console.error('bench:', e?.stack ?? e);
    process.exit(1);
  },
);
