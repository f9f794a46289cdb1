// The page's side of the suggest-and-repair worker (worker.js): one worker per
// planner, started on the first request, sent the plan (exportPlan) and the
// rule profile whenever the plan changed since its last request — `version`
// counts the loads and committed edits (the component's 'change' events).
// Cancel = terminate the worker; the next request starts a fresh one.

/** An Error carrying the worker's error fields (name EditError/LoadError/…, code, message_zh/_en). */
function rebuilt(e) {
  return Object.assign(new Error(e.message), e);
}

export class AdjustClient {
  constructor(app) {
    this._app = app;
    this.version = 0;
    this._worker = null;
    this._sent = null; // the version the worker holds
    this._calls = new Map();
    this._n = 0;
    app.on('change', () => { this.version += 1; });
    const base = new URL(app.options.adjustWasmUrl ?? '../pkg-adjust/', app.options.adjustWasmUrl ? document.baseURI : app.options.wasmUrl);
    this._urls = { glue: new URL('shequ_wasm.js', base).href, wasm: new URL('shequ_wasm_bg.wasm', base).href };
  }

  get busy() { return this._calls.size > 0; }

  _start() {
    const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    w.onmessage = ({ data }) => {
      const call = this._calls.get(data.id);
      if (!call) return;
      if ('progress' in data) return call.progress?.(data.progress);
      this._calls.delete(data.id);
      if (data.error) {
        if (call.sentPlan) this._sent = null; // the worker may not hold it
        call.reject(rebuilt(data.error));
      } else call.resolve(data.result);
    };
    // A worker that cannot start (its script, a trap): every pending request fails, the next starts afresh.
    w.onerror = (e) => {
      e.preventDefault?.();
      this.stop(new Error(e.message || 'worker error'));
    };
    this._worker = w;
    this._sent = null;
  }

  /** Sends request `type` with `args`; resolves with its result. `progress(fraction)` for a repair. */
  call(type, args = {}, progress = null) {
    if (!this._worker) this._start();
    const app = this._app;
    const msg = { id: ++this._n, type, ...args, ...this._urls };
    const sentPlan = this._sent !== this.version;
    if (sentPlan) {
      // The autosave's export when it is current (no second export of a city on the main thread).
      msg.plan = (!app._exportDue && app._lastGood?.plan) || app.bridge.call('exportPlan');
      msg.fileName = app.fileName;
      msg.profile = app.profileText ?? '';
      this._sent = this.version;
    }
    return new Promise((resolve, reject) => {
      this._calls.set(msg.id, { resolve, reject, progress, sentPlan });
      this._worker.postMessage(msg);
    });
  }

  /** Terminates the worker (Cancel): pending requests reject with `error` (an Error named Cancelled by default). */
  stop(error) {
    this._worker?.terminate();
    this._worker = null;
    this._sent = null;
    if (!error) {
      error = new Error('cancelled');
      error.name = 'Cancelled';
    }
    const calls = [...this._calls.values()];
    this._calls.clear();
    for (const c of calls) c.reject(error);
  }
}
