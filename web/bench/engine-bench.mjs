// Measurements of the engine through its JavaScript API (`Engine`, the
// wasm-pack output), shared by the Node runner (run.mjs) and the Chromium
// bench page (page.mjs), so that both time exactly the same calls.
//
// - engine_new: `new Engine(text)`: parse, topology and evaluation (what a
//   page pays to open a plan, rendering aside).
// - full_eval: `engine.fullEvaluation()`, a from-scratch evaluation of the
//   loaded plan (shequ_core::evaluate, as `shequ check` runs it): the same
//   work as Criterion's `full_eval`, no parsing and nothing handed back but a
//   count, so that the WASM/native ratio compares like with like.
// - rebuild: `undo()` of a reassignment, which the session answers by
//   rebuilding the topology and the whole evaluation and handing every
//   community back (its Delta says `nodes_changed`): what the page pays for an
//   undo of an edit that changed the shape of the map.
// - drag_step: one `dragTo` of a vertex shared by two communities near the
//   middle of the district, including the Delta handed back, along the same
//   path as the Criterion bench (16 points on a circle of 0.0002°).

export const now = () => performance.now();

/** Percentile of a sorted list (nearest rank, as the app's stats() does). */
export function pct(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** {value: median, n, p25, p75, min, max} of samples (ms). */
export function summary(samples, value = 0.5) {
  const s = [...samples].sort((a, b) => a - b);
  return { value: pct(s, value), n: s.length, p25: pct(s, 0.25), p75: pct(s, 0.75), min: s[0], max: s[s.length - 1] };
}

/** A vertex shared by two communities nearest the mean of all vertices (as benches/evaluate.rs chooses). */
export function sharedNodeNearMiddle(engine) {
  const { ids, coords, degree } = engine.nodes(-180, -90, 180, 90);
  let sx = 0, sy = 0;
  for (let i = 0; i < ids.length; i++) {
    sx += coords[2 * i];
    sy += coords[2 * i + 1];
  }
  const mx = sx / ids.length, my = sy / ids.length;
  let best = -1, bestD = Infinity;
  for (let i = 0; i < ids.length; i++) {
    if (degree[i] !== 2) continue;
    const d = (coords[2 * i] - mx) ** 2 + (coords[2 * i + 1] - my) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  if (best < 0) throw new Error('the plan has no vertex shared by two communities');
  const lon = coords[2 * best], lat = coords[2 * best + 1];
  return { id: ids[best], lon, lat, owners: ownersOf(engine.geometry(), lon, lat) };
}

/** Communities with a vertex exactly at lon, lat. */
function ownersOf(packed, lon, lat) {
  const { ids, coords, rings, polygons, communities } = packed;
  const out = [];
  for (let c = 0; c < ids.length; c++) {
    const from = rings[polygons[communities[c]]], to = rings[polygons[communities[c + 1]]];
    for (let k = from; k < to; k++) {
      if (coords[2 * k] === lon && coords[2 * k + 1] === lat) {
        out.push(ids[c]);
        break;
      }
    }
  }
  return out;
}

/** Point k of the drag path around `node` (the Criterion bench's circle). */
export function dragPoint(node, k) {
  const t = ((k % 16) / 16) * 2 * Math.PI;
  return [node.lon + 0.0002 * Math.cos(t), node.lat + 0.0002 * Math.sin(t)];
}

/** Reads what the page reads of a Delta, so that nothing stays lazy. */
function touch(d) {
  let n = (d.order?.length ?? 0) + d.communities.length + d.findings.added.length + d.findings.removed.length;
  for (const c of d.communities) n += c.households_total > 0 ? 1 : 0;
  n += d.geometry.coords.length + d.geometry.ids.length;
  return n;
}

/**
 * Runs every measured call once on a small plan so that V8 has optimised the
 * engine's code before the measurements: a single long first call runs in
 * V8's baseline code throughout (see `load` for what a fresh page pays).
 * Returns the cold first `new Engine` time.
 */
export function warmUp(mod, text) {
  const t0 = now();
  const engine = new mod.Engine(text, 'warm-up.geojson', '');
  const cold = now() - t0;
  const node = sharedNodeNearMiddle(engine);
  fullEval(engine, 2);
  rebuild(engine, node, 4);
  dragSteps(engine, node, 48, { budgetMs: 5000 });
  engine.free();
  return cold;
}

/** `new Engine(text)` `reps` times, or fewer (at least once) past `budgetMs`; keeps the last engine. */
export function engineNew(mod, text, reps, budgetMs = Infinity) {
  const samples = [];
  let engine = null;
  const start = now();
  for (let i = 0; i < reps && (i === 0 || now() - start < budgetMs); i++) {
    if (engine) engine.free();
    const t0 = now();
    engine = new mod.Engine(text, 'plan.geojson', '');
    samples.push(now() - t0);
  }
  return { engine, samples };
}

/** `reps` timed `fullEvaluation()` calls; checks the count against the report. */
export function fullEval(engine, reps) {
  const expected = engine.report().findings.length;
  const samples = [];
  for (let i = 0; i < reps; i++) {
    const t0 = now();
    const n = engine.fullEvaluation();
    samples.push(now() - t0);
    if (n !== expected) throw new Error(`fullEvaluation found ${n} findings, the session's report ${expected}`);
  }
  return { samples, findings: expected };
}

/**
 * `reps` rebuilds: reassign a compound of one owner of
 * `node` to the other (untimed: it rebuilds too, and warms up), then time
 * undo and redo in turn, which the session answers by rebuilding.
 */
export function rebuild(engine, node, reps) {
  const report = engine.report();
  const [a, b] = node.owners;
  const from = report.communities.find((c) => c.id === a);
  let compound = null;
  for (const id of from?.compounds ?? []) {
    try {
      engine.reassign('compound', id, b);
      compound = id;
      break;
    } catch (e) {
      if (e?.name !== 'EditError') throw e;
    }
  }
  if (compound == null) throw new Error(`no compound of ${a} can be given to ${b}`);
  const samples = [];
  let rebuilt = true;
  for (let i = 0; i < reps; i++) {
    const t0 = now();
    const d = i % 2 === 0 ? engine.undo() : engine.redo();
    touch(d);
    samples.push(now() - t0);
    rebuilt &&= d.nodes_changed === true;
  }
  if (reps % 2 === 0) engine.undo(); // back to the plan as loaded
  return { samples, rebuilt, compound, from: a, to: b };
}

/**
 * `steps` timed dragTo calls (fewer, at least `minSteps`, once `budgetMs` is
 * spent), after up to 16 untimed ones (at most ~2 s of them); the drag is
 * cancelled after.
 */
export function dragSteps(engine, node, steps, { budgetMs = Infinity, minSteps = 20 } = {}) {
  engine.beginDrag(node.id);
  const samples = [];
  let k = 0;
  try {
    const move = () => {
      const [x, y] = dragPoint(node, ++k);
      const t0 = now();
      const d = engine.dragTo(x, y, 0);
      touch(d);
      return now() - t0;
    };
    for (let spent = 0; k < 16 && (k < 2 || spent < 2000);) spent += move();
    const start = now();
    while (samples.length < steps && (samples.length < minSteps || now() - start < budgetMs)) samples.push(move());
  } finally {
    engine.cancelDrag();
  }
  return { samples, capped: samples.length < steps };
}
