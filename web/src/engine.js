// The bridge to the WebAssembly engine (crates/shequ-wasm, served verbatim from
// pkg/). Every call goes through `call()`, which tells a refused edit
// (EditError, thrown on) from a trap inside the engine (a Rust panic becomes
// `RuntimeError: unreachable`). After a trap the instance is unusable: the
// bridge marks itself dead, fires 'crash', and `recover()` imports the glue
// again under a new query string — a new module, a new wasm instance — and
// rebuilds the Engine from the last autosaved plan, then replays the edits
// made since that save (the journal), so that a trap loses nothing but the
// call that trapped.
import { Evented } from './events.js';

/** Thrown instead of the trap itself, so that callers can stop what they were doing. */
export class EngineCrashed extends Error {
  constructor(cause) {
    super('the engine crashed: ' + (cause?.message ?? cause));
    this.name = 'EngineCrashed';
    this.cause = cause;
  }
}

/** Engine methods that change the plan: journalled until the next checkpoint. */
const EDITS = new Set([
  'insertVertex', 'deleteVertex', 'reassign', 'split', 'merge', 'createCommunity', 'deleteCommunity',
  'updateCommunity', 'updateCenter', 'setHouseholds', 'replaceCommunities', 'setPlanInfo', 'undo', 'redo', 'setBaseline', 'setProfile',
]);

export function isTrap(e) {
  if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) return true;
  if (e instanceof RangeError && /call stack|memory/i.test(e.message)) return true;
  // wasm-bindgen's borrow flag stays set after a trap mid-call.
  return e instanceof Error && /recursive use of an object|null pointer passed to rust/i.test(e.message);
}

export class EngineBridge extends Evented {
  /** options.wasmUrl: URL of the folder holding shequ_wasm.js and shequ_wasm_bg.wasm. */
  constructor(options) {
    super();
    this.options = options;
    this._instance = 0;
    this._mod = null;
    this._warmed = null; // the module warmUp() ran on
    this.warmUpRuns = 0; // for the tests
    this._engine = null;
    this._dead = false;
    this._journal = []; // [method, args] since the last checkpoint
    this._drag = null; // the drag in progress: [beginDrag args, last dragTo args]
  }

  get ready() { return !!this._engine && !this._dead; }

  async init() {
    this._mod = await this._import();
    return this;
  }

  async _import() {
    this._instance += 1;
    const glue = new URL('shequ_wasm.js?instance=' + this._instance, this.options.wasmUrl);
    const mod = await import(/* @vite-ignore */ glue.href);
    await mod.default({ module_or_path: new URL('shequ_wasm_bg.wasm', glue) });
    return mod;
  }

  /**
   * Runs the engine on a small plan shipped beside the module (warmup.geojson)
   * while the page waits for something else — a plan downloading, a planner
   * choosing a file — until `until()` says stop (checked between runs of a
   * few tens of ms) or `budgetMs` has gone by. A fresh module runs its first
   * call on code from the browser's baseline compiler (V8's Liftoff: 2–3×
   * slower), which stays in use for the whole of a long call; calls like these
   * get the hot functions recompiled by the optimising compiler first, so the
   * real plan meets optimised code. It starts only after `delayMs`: a plan
   * that arrives sooner is small, loads in a blink anyway, and should not
   * wait for a warm-up run. Once per module; never throws.
   */
  async warmUp(until = () => false, { delayMs = 200, budgetMs = 600 } = {}) {
    if (!this._mod || this._warmed === this._mod) return;
    this._warmed = this._mod;
    // Fetched during the delay (15 kB gzipped, beside the module); a host that
    // never waits for anything never fetches it.
    this._warmupPlan ??= fetch(new URL('warmup.geojson', this.options.wasmUrl))
      .then((res) => (res.ok ? res.arrayBuffer() : null))
      .then((buf) => buf && new Uint8Array(buf), () => null); // not served: no warm-up
    const [bytes] = await Promise.all([this._warmupPlan, new Promise((r) => setTimeout(r, delayMs))]);
    const mod = this._mod;
    const t0 = performance.now();
    while (bytes && !until() && !this._dead && mod === this._mod && performance.now() - t0 < budgetMs) {
      try {
        this.evaluateAside(bytes, 'warmup.geojson');
        this.warmUpRuns += 1;
      } catch {
        return; // a trap leaves the module dead: the next real call finds out and recovers
      }
      await new Promise((r) => setTimeout(r, 0));
    }
  }

  /**
   * The report and outlines of `plan` from a throwaway Engine beside the
   * planner's, which is not touched (the comparison's "before", the warm-up).
   * Throws the engine's LoadError for a plan it cannot read.
   */
  evaluateAside(plan, fileName, profile = '') {
    if (!this._mod) throw new Error('engine not ready');
    const engine = new this._mod.Engine(plan, fileName, profile);
    try {
      return { report: engine.report(), geometry: engine.geometry() };
    } finally {
      engine.free();
    }
  }

  profiles() {
    return this._guard(() => this._mod.Engine.profiles());
  }

  /** Loads a plan into a new Engine; the current one is kept if this throws (LoadError). */
  load(text, fileName, profile = '') {
    return this.adopt(this.prepare(text, fileName, profile));
  }

  /** A new Engine for a plan, beside the current one (untouched; LoadError thrown): `adopt()` it or `free()` it. */
  prepare(text, fileName, profile = '') {
    return this._guard(() => new this._mod.Engine(text, fileName, profile));
  }

  prepareLayers(files, profile = '') {
    return this._guard(() => this._mod.Engine.fromLayers(files, profile));
  }

  /** The prepared Engine becomes the planner's; the old one is freed. */
  adopt(engine) {
    this.checkpoint();
    const old = this._engine;
    this._engine = engine;
    this._dead = false;
    if (old) try { old.free(); } catch { /* already gone */ }
    return engine;
  }

  /** engine[method](...args), with traps turned into a crash. */
  call(method, ...args) {
    if (!this._engine) throw new Error('no plan loaded');
    if (this._dead) throw new EngineCrashed('the engine is restarting');
    const out = this._guard(() => this._engine[method](...args));
    this._log(method, args);
    return out;
  }

  /** The plan file's own record (its top-level `shequ` member): {title, signoff, locked} or {}. */
  planInfo() {
    return this.call('planInfo') ?? {};
  }

  /** Sets keys of that record (null removes one): one undoable edit, checked as the loader checks it; the Delta. */
  setPlanInfo(patch) {
    return this.call('setPlanInfo', patch);
  }

  /** Records a successful call that changed the plan; a drag counts once it ends. */
  _log(method, args) {
    if (EDITS.has(method)) this._journal.push([method, args]);
    else if (method === 'beginDrag') this._drag = [args, null];
    else if (method === 'dragTo' && this._drag) this._drag[1] = args;
    else if (method === 'cancelDrag') this._drag = null;
    else if (method === 'endDrag' && this._drag) {
      const [begin, to] = this._drag;
      this._drag = null;
      if (to) this._journal.push(['beginDrag', begin], ['dragTo', to], ['endDrag', []]);
    }
  }

  /** The plan as it is now has been saved: edits before this need no replay. */
  checkpoint() {
    this._journal = [];
  }

  /** Edits since the last checkpoint (for tests and the recovery message). */
  get unsaved() { return this._journal.length; }

  _guard(fn) {
    try {
      return fn();
    } catch (e) {
      if (!isTrap(e)) throw e;
      this._dead = true;
      this.fire('crash', { error: e });
      throw new EngineCrashed(e);
    }
  }

  /**
   * A fresh module instance and an Engine rebuilt from `saved`
   * ({plan, fileName, profile, baseline, baselineName}).
   */
  async recover(saved) {
    const journal = this._journal;
    this._engine = null; // the old one lives in the dead instance's memory: don't free it
    this._drag = null;
    let replayed = 0;
    for (const attempt of [journal, []]) {
      this._mod = await this._import();
      const engine = new this._mod.Engine(saved.plan, saved.fileName, saved.profile ?? '');
      if (saved.baseline) engine.setBaseline(saved.baseline, saved.baselineName ?? saved.fileName);
      try {
        // An edit refused now was refused then too: it changed nothing, skip it.
        for (const [method, args] of attempt) {
          try {
            engine[method](...args);
            replayed += 1;
          } catch (e) {
            if (isTrap(e)) throw e;
          }
        }
      } catch {
        replayed = 0;
        continue; // the replay itself trapped: start again from the saved plan alone
      }
      this._engine = engine;
      this._dead = false;
      this._journal = attempt === journal ? journal : [];
      return { engine, replayed, lost: attempt === journal ? 0 : journal.length };
    }
    throw new Error('the engine could not be restarted from the saved plan');
  }

  get instance() { return this._instance; }

  destroy() {
    if (this._engine && !this._dead) try { this._engine.free(); } catch { /* ignore */ }
    this._engine = null;
  }
}
