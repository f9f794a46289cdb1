// Where the app's time goes: loads a scenario's plan in the app page (served
// as demo.geojson, like run.mjs), then drags the middle shared vertex with the
// mouse, recording a Chromium trace (main-thread events by name) and a CPU
// profile (JS self time by function) for the load and for the drag.
//
//   node bench/profile.mjs [S|M|L|…] [--moves N] [--plans DIR] [--top N]
//
// Prints a summary; writes the raw trace and profiles to bench/tmp/profile-<S>-*.json
// (open them in Chromium's DevTools Performance panel).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WEB, launch, nodeEngine, startServer } from '../tests/harness.mjs';
import { sharedNodeNearMiddle } from './engine-bench.mjs';
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const opt = { scenario: args[0] && !args[0].startsWith('--') ? args[0] : 'S', moves: 60, plans: join(WEB, '..', 'bench', 'tmp'), top: 18 };
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--moves') opt.moves = Number(args[++i]);
  else if (args[i] === '--plans') opt.plans = resolve(args[++i]);
  else if (args[i] === '--top') opt.top = Number(args[++i]);
}
const plan = join(opt.plans, opt.scenario + '.geojson');
const OUT = join(WEB, '..', 'bench', 'tmp');
mkdirSync(OUT, { recursive: true });

/** Self time per event name on the renderer main thread, and totals per thread. */
function traceSummary(events, top) {
  const names = new Map();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
  const main = [...names].filter(([, n]) => n === 'CrRendererMain').map(([k]) => k);
  const threads = new Map();
  const self = new Map();
  const byThread = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || e.dur == null) continue;
    const k = `${e.pid}:${e.tid}`;
    (byThread.get(k) ?? byThread.set(k, []).get(k)).push(e);
  }
  for (const [k, list] of byThread) {
    list.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    // Self time: duration minus direct children's.
    const stack = [];
    let total = 0;
    for (const e of list) {
      while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur <= e.ts) stack.pop();
      const parent = stack[stack.length - 1];
      if (parent) parent.child = (parent.child ?? 0) + e.dur;
      else total += e.dur;
      stack.push(e);
    }
    threads.set(names.get(k) ?? k, (threads.get(names.get(k) ?? k) ?? 0) + total / 1000);
    if (!main.includes(k)) continue;
    for (const e of list) self.set(e.name, (self.get(e.name) ?? 0) + (e.dur - (e.child ?? 0)) / 1000);
  }
  const round = (x) => Math.round(x * 10) / 10;
  return {
    threads: Object.fromEntries([...threads].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => [k, round(v)])),
    main_self_ms: Object.fromEntries([...self].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => [k, round(v)])),
  };
}

/** JS self time by function from a CDP Profiler profile. */
function profileSummary(profile, top) {
  const dt = new Map();
  const { nodes, samples, timeDeltas } = profile;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (let i = 0; i < samples.length; i++) dt.set(samples[i], (dt.get(samples[i]) ?? 0) + (timeDeltas[i] ?? 0));
  const fn = new Map();
  for (const [id, us] of dt) {
    const n = byId.get(id);
    const f = n.callFrame;
    const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    fn.set(key, (fn.get(key) ?? 0) + us / 1000);
  }
  return Object.fromEntries([...fn].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => [k, Math.round(v * 10) / 10]));
}

async function main() {
  const mod = await nodeEngine();
  const engine = new mod.Engine(readFileSync(plan, 'utf8'), 'plan.geojson', '');
  const node = sharedNodeNearMiddle(engine);
  engine.free();
  const server = await startServer();
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, locale: 'zh-CN' });
    await context.route('**/demo.geojson', (route) => route.fulfill({ path: plan, contentType: 'application/geo+json' }));
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('pageerror', e.message));
    await page.addInitScript(() => {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (e.name === 'shequ:loaded') requestAnimationFrame(() => setTimeout(() => performance.mark('bench:painted')));
      }).observe({ type: 'mark' });
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    const cats = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink', 'cc', 'gpu', 'toplevel'];

    // ---- load
    await browser.startTracing(page, { categories: cats });
    await cdp.send('Profiler.start');
    await page.goto(server.origin + '/index.html');
    await page.waitForFunction(() => performance.getEntriesByName('bench:painted').length > 0, null, { timeout: 600_000, polling: 50 });
    const loadProfile = (await cdp.send('Profiler.stop')).profile;
    const loadTrace = JSON.parse((await browser.stopTracing()).toString());
    const marks = await page.evaluate(() => Object.fromEntries(['shequ:read', 'shequ:parsed', 'shequ:loaded', 'bench:painted'].map((n) => [n, performance.getEntriesByName(n)[0]?.startTime])));
    const userMarks = await page.evaluate(() => performance.getEntriesByType('measure').map((m) => [m.name, Math.round(m.duration * 10) / 10]));
    console.log(`${opt.scenario} load: read→parsed ${(marks['shequ:parsed'] - marks['shequ:read']).toFixed(0)} ms, parsed→loaded ${(marks['shequ:loaded'] - marks['shequ:parsed']).toFixed(0)} ms, loaded→painted ${(marks['bench:painted'] - marks['shequ:loaded']).toFixed(0)} ms`);
    if (userMarks.length) console.log('measures', userMarks);
    console.log('load trace', JSON.stringify(traceSummary(loadTrace.traceEvents, opt.top), null, 1));
    console.log('load js', JSON.stringify(profileSummary(loadProfile, opt.top), null, 1));
    writeFileSync(join(OUT, `profile-${opt.scenario}-load.json`), JSON.stringify(loadTrace));
    writeFileSync(join(OUT, `profile-${opt.scenario}-load.cpuprofile`), JSON.stringify(loadProfile));

    await page.waitForSelector('[data-testid="save-state"][data-state="saved"]', { state: 'attached', timeout: 120_000 }).catch(() => {});
    await page.click('[data-testid="tab-balance"]');
    await page.click(`[data-testid="balance-row-${node.owners[0]}"]`);
    await page.waitForTimeout(900);
    const target = await page.waitForFunction((id) => window.shequ.handles().find((h) => h.id === id), node.id, { timeout: 60_000, polling: 250 }).then((h) => h.jsonValue());
    await page.waitForTimeout(300);
    const path = await page.evaluate(({ lng, lat }) => {
      const pts = [window.shequ.toScreen(lng, lat)];
      for (let k = 1; k <= 16; k++) {
        const t = ((k % 16) / 16) * 2 * Math.PI;
        pts.push(window.shequ.toScreen(lng + 0.0002 * Math.cos(t), lat + 0.0002 * Math.sin(t)));
      }
      return pts;
    }, target);
    const r = Math.hypot(path[4].x - path[0].x, path[4].y - path[0].y);
    const s = r < 8 ? 8 / r : 1;
    const at = (k) => (k === 0 ? path[0] : { x: path[0].x + (path[(k % 16) || 16].x - path[0].x) * s, y: path[0].y + (path[(k % 16) || 16].y - path[0].y) * s });

    // ---- drag
    await cdp.send('Performance.enable');
    const m0 = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((x) => [x.name, x.value]));
    await page.mouse.move(at(0).x, at(0).y);
    await page.mouse.down();
    await browser.startTracing(page, { categories: cats });
    await cdp.send('Profiler.start');
    const wall = [];
    for (let k = 1; k <= opt.moves; k++) {
      const t = Date.now();
      await page.mouse.move(at(k).x, at(k).y);
      wall.push(Date.now() - t);
    }
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r))));
    const dragProfile = (await cdp.send('Profiler.stop')).profile;
    const dragTrace = JSON.parse((await browser.stopTracing()).toString());
    const stats = await page.evaluate(() => window.shequ.stats());
    const m1 = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((x) => [x.name, x.value]));
    await page.keyboard.press('Escape');
    await page.mouse.up();
    wall.sort((a, b) => a - b);
    const per = (k) => (((m1[k] - m0[k]) * 1000) / opt.moves).toFixed(1);
    console.log(`${opt.scenario} drag: ${opt.moves} moves, stats ${JSON.stringify(stats)}, mouse.move wall p50 ${wall[wall.length >> 1]} ms; per move: task ${per('TaskDuration')} ms, script ${per('ScriptDuration')}, layout ${per('LayoutDuration')}, style ${per('RecalcStyleDuration')}`);
    console.log('drag trace (ms per move)', JSON.stringify(Object.fromEntries(Object.entries(traceSummary(dragTrace.traceEvents, opt.top)).map(([k, v]) => [k, Object.fromEntries(Object.entries(v).map(([n, x]) => [n, Math.round((x / opt.moves) * 100) / 100]))])), null, 1));
    console.log('drag js (ms total)', JSON.stringify(profileSummary(dragProfile, opt.top), null, 1));
    writeFileSync(join(OUT, `profile-${opt.scenario}-drag.json`), JSON.stringify(dragTrace));
    writeFileSync(join(OUT, `profile-${opt.scenario}-drag.cpuprofile`), JSON.stringify(dragProfile));
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
