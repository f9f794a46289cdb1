// Suggest and repair in the page, loaded on first use (component.js
// `adjust(what, …)`): the detail panel's 建议调整 / Suggest (suggest.js), the
// toolbar's 整体优化 / Repair the plan (repair.js), and the community locks a
// repair leaves alone. The work runs in a worker (worker.js) over the engine
// built with the cargo feature `adjust` (pkg-adjust/, ~630 KB gzipped, fetched
// by the worker when first asked for; never at start).
import '../i18n-adjust.js';
import './adjust.css';
import { i18n } from '../i18n.js';
import { AdjustClient } from './client.js';
import { SuggestMode } from './suggest.js';
import { RepairPanel } from './repair.js';

const parts = new WeakMap(); // component → {client, suggest, repair}

function of(app) {
  let p = parts.get(app);
  if (!p) {
    const client = new AdjustClient(app);
    p = { client, suggest: new SuggestMode(app, client), repair: new RepairPanel(app, client) };
    p.relabel = () => { p.suggest.render(); p.repair.relabel(); };
    i18n.on('change', p.relabel);
    parts.set(app, p);
  }
  return p;
}

/** Suggest mode for community `id`. */
export function suggest(app, id) {
  return of(app).suggest.open(id);
}

/** The Repair the plan panel. */
export function repair(app) {
  return of(app).repair.open();
}

/**
 * Locks community `id` (a repair leaves it as it is) or unlocks it: the
 * plan's own record (`locked`), saved in the plan file; one undoable edit.
 */
export function lock(app, id, on) {
  const locked = app.locked;
  if (on) locked.add(id);
  else locked.delete(id);
  app.edit('setPlanInfo', { locked: locked.size ? [...locked] : null });
  const r = parts.get(app)?.repair;
  if (r?.step === 'options') r._view();
}

/** Stops the worker and removes what is shown (the component is destroyed). */
export function destroy(app) {
  const p = parts.get(app);
  if (!p) return;
  p.suggest.destroy();
  p.repair.close();
  p.client.stop();
  i18n.off('change', p.relabel);
  parts.delete(app);
}
