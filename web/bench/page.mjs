// The Chromium bench page: the engine alone (no map, no panel), driven by
// run.mjs through `window.bench`, with the same measurements as in Node. Not
// part of the site: run.mjs serves web/bench/ beside web/dist on the test
// server's origin (so the app's size budget does not count it).
import { dragSteps, engineNew, fullEval, rebuild, sharedNodeNearMiddle, warmUp } from './engine-bench.mjs';

// /bench/page.mjs → /pkg/: the wasm-pack output the app serves.
const PKG = new URL('../pkg/', import.meta.url);

let mod = null, wasm = null, text = null, engine = null, node = null;

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
};
document.body.dataset.ready = 'true';
