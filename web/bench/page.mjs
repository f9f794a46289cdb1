// The Chromium bench page: the engine alone (no map, no panel), driven by
// run.mjs through `window.bench`, with the same measurements as in Node. Not
// part of the site: run.mjs serves web/bench/ beside web/dist on the test
// server's origin (so the app's size budget does not count it).
import { dragSteps, engineNew, fullEval, rebuild, sharedNodeNearMiddle, warmUp } from './engine-bench.mjs';

// /bench/page.mjs → /pkg/: the wasm-pack output the app serves.
const PKG = new URL('../pkg/', import.meta.url);

let mod = null, wasm = null, text = null, engine = null, node = null;
// The engine built with suggest and repair (pkg-adjust/, as the page's worker loads it).
let adjust = null;

window.bench = {
  /** Instantiates the engine and fetches the plan; returns the plan's size in bytes. */
  async load(planUrl) {
    mod = await import(new URL('shequ_wasm.js', PKG).href);
    wasm = await mod.default({ module_or_path: new URL('shequ_wasm_bg.wasm', PKG) });
    text = await (await fetch(planUrl)).text();
    return text.length;
  },
  /** The cold first `new Engine` on a small plan, then every call once (ms of the cold one). */
  async warmUp(planUrl) {
    return warmUp(mod, await (await fetch(planUrl)).text());
  },
  engineNew(reps, budgetMs) {
    const r = engineNew(mod, text, reps, budgetMs);
    engine = r.engine;
    node = sharedNodeNearMiddle(engine);
    return { samples: r.samples, node };
  },
  fullEval(reps) {
    return fullEval(engine, reps);
  },
  rebuild(reps) {
    return rebuild(engine, node, reps);
  },
  dragSteps(steps, opts) {
    return dragSteps(engine, node, steps, opts);
  },
  wasmMemoryBytes() {
    return wasm.memory.buffer.byteLength;
  },
  /**
   * pkg-adjust: instantiates it and builds an Engine on the plan at `planUrl`;
   * returns {engineNewMs, community: the id with the most households, households}.
   */
  async adjustLoad(planUrl) {
    const dir = new URL('../pkg-adjust/', import.meta.url);
    const m = await import(new URL('shequ_wasm.js', dir).href);
    await m.default({ module_or_path: new URL('shequ_wasm_bg.wasm', dir) });
    const plan = await (await fetch(planUrl)).text();
    const t = performance.now();
    const e = new m.Engine(plan, 'plan.geojson', '');
    const engineNewMs = performance.now() - t;
    const top = e.report().communities.reduce((a, c) => (c.households_total > a.households_total ? c : a));
    adjust = e;
    return { engineNewMs, community: top.id, households: top.households_total };
  },
  /** `reps` calls of Engine.suggest(id, n): their times (ms) and the kinds of the last answer. */
  adjustSuggest(id, n, reps) {
    const samples = [];
    let alts = [];
    for (let i = 0; i < reps; i++) {
      const t = performance.now();
      alts = JSON.parse(adjust.suggest(id, n));
      samples.push(performance.now() - t);
    }
    return { samples, kinds: alts.map((a) => a.kind), moved: alts.map((a) => a.households_moved) };
  },
  /** `reps` calls of Engine.repair (default goal, seed 1, a progress callback as the worker passes): times (ms) and the last summary. */
  adjustRepair(reps) {
    const samples = [];
    let summary = null, calls = 0;
    for (let i = 0; i < reps; i++) {
      const t = performance.now();
      summary = JSON.parse(adjust.repair(JSON.stringify({ strict: false, locked: [], seed: 1 }), () => { calls++; return true; }));
      samples.push(performance.now() - t);
    }
    return { samples, summary, progressCalls: calls / reps };
  },
};
document.body.dataset.ready = 'true';
