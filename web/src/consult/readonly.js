// The read-only plan file: the plan's GeoJSON with a top-level foreign member
//   "shequ": {"read_only": true, "format": 1, "exported": "…", "title": "…",
//             "profile": "…", "baseline": {FeatureCollection}|absent}
// The engine's loader keeps foreign members (Plan.meta) and writes them back
// on export, so the marker survives a load, the autosave and an export.
// `baseline` is the plan as first loaded, so that whoever opens the file sees
// the same before/after as the planner who handed it out.

export const MEMBER = 'shequ';

/** The `shequ` member of a plan (text, bytes or parsed object), or null. */
export function marker(plan) {
  if (plan instanceof Uint8Array) {
    // A file's bytes: decoded only when the member's name occurs in them.
    if (!includesBytes(plan, MEMBER_BYTES)) return null;
    plan = new TextDecoder().decode(plan);
  }
  if (typeof plan === 'string') {
    // Cheap test first: most plans carry no marker, and may be large.
    if (!plan.includes('"' + MEMBER + '"')) return null;
    try { plan = JSON.parse(plan); } catch { return null; }
  }
  const m = plan && typeof plan === 'object' && !Array.isArray(plan) ? plan[MEMBER] : null;
  return m && typeof m === 'object' && !Array.isArray(m) ? m : null;
}

const MEMBER_BYTES = new TextEncoder().encode('"' + MEMBER + '"');

/** Whether `needle` (a few bytes) occurs in `bytes`: found by its rarest-looking byte, the 'q'. */
function includesBytes(bytes, needle) {
  const k = needle.indexOf(0x71), first = Math.max(k, 0);
  for (let i = bytes.indexOf(needle[first], first); i !== -1; i = bytes.indexOf(needle[first], i + 1)) {
    const at = i - first;
    let j = 0;
    while (j < needle.length && bytes[at + j] === needle[j]) j++;
    if (j === needle.length) return true;
  }
  return false;
}

export function isReadOnly(plan) {
  return marker(plan)?.read_only === true;
}

/**
 * The read-only file for `planText` (the engine's export). `baselineText` (text or bytes), when
 * it differs from the plan, travels along so the comparison can be shown.
 */
export function readOnlyFile(planText, { baselineText, title = '', profile = '' } = {}) {
  const plan = JSON.parse(planText);
  const meta = { read_only: true, format: 1, exported: new Date().toISOString() };
  if (title) meta.title = title;
  if (profile) meta.profile = profile;
  if (baselineText && baselineText !== planText) {
    const base = JSON.parse(typeof baselineText === 'string' ? baselineText : new TextDecoder().decode(baselineText));
    delete base[MEMBER]; // never a baseline inside a baseline
    meta.baseline = base;
  }
  plan[MEMBER] = { ...(marker(plan) ?? {}), ...meta };
  if (!meta.baseline) delete plan[MEMBER].baseline;
  return JSON.stringify(plan);
}

/** The baseline a marker (see `marker`) carries, as text, or null. */
export function baselineOf(meta) {
  const b = meta?.baseline;
  return b && typeof b === 'object' && b.type === 'FeatureCollection' ? JSON.stringify(b) : null;
}
