// The suggest-and-repair worker: the engine built with the cargo feature
// `adjust` (pkg-adjust/, imported at run time from the URL the page sends),
// holding its own Engine with a copy of the page's plan, off the main thread
// so that the map stays usable while a repair runs.
//
// Messages in: {id, type, glue, wasm, plan?, fileName?, profile?, …}; `plan`
// (GeoJSON text) is sent when the page's plan changed since the last call.
//   suggest {community, n}  → the alternatives (JSON text)
//   apply {k}               → the plan with alternative k applied (GeoJSON text);
//                             this engine's plan stays as it was
//   repair {options}        → {summary, changes} (progress messages on the way)
//   repairPlan {rejected}   → {plan: the proposal without the rejected changes
//                             (GeoJSON text), alsoLeftOut: the changes that
//                             depended on them (ids), raised: the boundary findings it
//                             would add (leaving a change out can leave a
//                             community in pieces: checked here, not applied)}
// Out: {id, progress} while a repair runs, then {id, result} or {id, error}.
let mod = null, engine = null, profile = '';

// What no proposal may add (shequ_core::adjust::BOUNDARY).
const STRUCTURAL = ['boundary.non_contiguous', 'boundary.overlap', 'boundary.gap', 'boundary.cuts_grid', 'boundary.cuts_compound', 'plan.unassigned'];

function load(glue, wasm) {
  mod ??= import(/* @vite-ignore */ glue).then(async (m) => {
    await m.default({ module_or_path: wasm });
    return m;
  });
  return mod;
}

/** The communities a repair changes: [{id, name, before, after}] (before/after: households, null when absent). */
function changes(m, full) {
  const was = new Map(engine.report().communities.map((c) => [c.id, c]));
  const proposal = new m.Engine(full, 'proposal.geojson', profile);
  let now;
  try {
    now = proposal.report().communities;
  } finally {
    proposal.free();
  }
  const same = (a, b) => a.households_total === b.households_total && a.compounds.join() === b.compounds.join() && a.grid_cells.join() === b.grid_cells.join();
  const out = [];
  for (const c of now) {
    const o = was.get(c.id);
    was.delete(c.id);
    if (!o || !same(o, c)) out.push({ id: c.id, name: c.name, before: o ? o.households_total : null, after: c.households_total });
  }
  for (const o of was.values()) out.push({ id: o.id, name: o.name, before: o.households_total, after: null });
  return out;
}

/** The findings of STRUCTURAL codes `plan` has more of than the plan now (those not there now). */
function raised(m, plan) {
  const now = engine.report().findings;
  const proposal = new m.Engine(plan, 'proposal.geojson', profile);
  let after;
  try {
    after = proposal.report().findings;
  } finally {
    proposal.free();
  }
  const ids = new Set(now.map((f) => f.id));
  const count = (list, code) => list.filter((f) => f.code === code).length;
  return STRUCTURAL.filter((code) => count(after, code) > count(now, code))
    .flatMap((code) => after.filter((f) => f.code === code && !ids.has(f.id)))
    .map(({ id, code, severity, message_zh, message_en }) => ({ id, code, severity, message_zh, message_en }));
}

function run(m, msg) {
  if (msg.plan != null) {
    engine?.free();
    engine = null;
    profile = msg.profile ?? '';
    engine = new m.Engine(msg.plan, msg.fileName || 'plan.geojson', profile);
  }
  if (!engine) throw new Error('no plan');
  switch (msg.type) {
    case 'suggest':
      return engine.suggest(msg.community, msg.n);
    case 'apply': {
      engine.applySuggestion(msg.k);
      const text = engine.exportPlan();
      engine.undo();
      return text;
    }
    case 'repair': {
      const summary = JSON.parse(engine.repair(JSON.stringify(msg.options), (f) => {
        postMessage({ id: msg.id, progress: f });
        return true;
      }));
      return { summary, changes: changes(m, engine.repairPlan([]).plan) };
    }
    case 'repairPlan': {
      const { plan, also_left_out: alsoLeftOut } = engine.repairPlan(msg.rejected);
      return { plan, raised: raised(m, plan), alsoLeftOut };
    }
    default:
      throw new Error('unknown request ' + msg.type);
  }
}

onmessage = async ({ data: msg }) => {
  let m;
  try {
    m = await load(msg.glue, msg.wasm);
  } catch (e) {
    mod = null; // not built or not served: said so (AdjustMissing), tried again next time
    postMessage({ id: msg.id, error: { name: 'AdjustMissing', message: e?.message ?? String(e) } });
    return;
  }
  try {
    postMessage({ id: msg.id, result: run(m, msg) });
  } catch (e) {
    const { name, message, code, message_zh, message_en } = e ?? {};
    postMessage({ id: msg.id, error: { name, message: message ?? String(e), code, message_zh, message_en } });
  }
};
