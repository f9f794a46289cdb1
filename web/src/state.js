// What the page knows of the plan: the engine's report, kept current by
// applying each edit's Delta, and the community outlines unpacked for Leaflet.

import { shownName } from './i18n.js';

/** PackedGeometry → Map(id → {polys: [[[lat, lng], …ring], …poly], bbox: [w, s, e, n]}). */
export function unpack(p) {
  const out = new Map();
  const { coords, rings, polygons, communities, ids } = p;
  for (let c = 0; c < ids.length; c++) {
    const polys = [];
    let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
    for (let pi = communities[c]; pi < communities[c + 1]; pi++) {
      const poly = [];
      for (let r = polygons[pi]; r < polygons[pi + 1]; r++) {
        const ring = [];
        for (let k = rings[r]; k < rings[r + 1]; k++) {
          const lon = coords[2 * k], lat = coords[2 * k + 1];
          ring.push([lat, lon]);
          if (lon < w) w = lon;
          if (lon > e) e = lon;
          if (lat < s) s = lat;
          if (lat > n) n = lat;
        }
        poly.push(ring);
      }
      polys.push(poly);
    }
    out.set(ids[c], { polys, bbox: [w, s, e, n] });
  }
  return out;
}

/** Households (existing + planned) in a compound's feature properties. */
export const householdsOf = (p) => (+p?.households || 0) + (+p?.planned_households || 0);

export class PlanState {
  constructor() {
    this.clear();
  }

  clear() {
    this.profile = '';
    this.order = [];
    this.communities = new Map(); // id → CommunityReport
    this.shapes = new Map(); // id → {polys, bbox}
    this.findings = new Map(); // id → Finding
    this.totals = null;
    this.adjustment = [];
    this.comparison = null;
    this.pending = [];
    this.owner = { compound: new Map(), grid: new Map() };
    this.layers = {};
    this._fetch = null;
    this.planProps = null; // id → properties, read from the engine on first use
    const state = this;
    const lazy = {};
    // features.compound and features.grid are read from the engine on first use
    // (a large plan's compounds are not needed for the first paint).
    this.features = {
      service_center: new Map(),
      get compound() { return lazy.compound ??= state._index('compound'); },
      get grid() { return lazy.grid ??= state._index('grid'); },
    };
    this.revision = 0;
  }

  /** A context layer (FeatureCollection), asked from the engine the first time. */
  layer(name) {
    if (!(name in this.layers) && this._fetch) {
      try {
        this.layers[name] = this._fetch('layer', name);
      } catch {
        return null; // the engine is restarting: asked again later
      }
    }
    return this.layers[name] ?? null;
  }

  /** Roads, lanes and rivers packed for drawing (BarrierLines), from the engine; null while it restarts. */
  barrierLines() {
    try {
      return this._fetch?.('barrierLines') ?? null;
    } catch {
      return null;
    }
  }

  _index(name) {
    const m = new Map();
    for (const f of this.layer(name)?.features ?? []) {
      const id = f.properties?.id ?? f.id;
      if (id != null) m.set(String(id), f);
    }
    return m;
  }

  get loaded() { return this.totals !== null; }

  /**
   * After a load: the full report, all geometry and the context layers
   * (those not in `layers` come from fetch(name) when first needed).
   */
  setAll(report, packed, layers, fetch = null) {
    this.clear();
    this.profile = report.profile;
    this.order = report.communities.map((c) => c.id);
    for (const c of report.communities) this.communities.set(c.id, c);
    this.shapes = unpack(packed);
    for (const f of report.findings) this.findings.set(f.id, f);
    this.totals = report.totals;
    this.adjustment = report.adjustment;
    this.comparison = report.comparison;
    this.layers = { ...layers };
    this._fetch = fetch;
    this.features.service_center = this._index('service_center');
    this._owners();
    this.revision++;
  }

  /**
   * Applies an edit's Delta. Returns what changed, for the views:
   * {reports: Set, shapes: Set, removed: [], added: [], findings: bool, order: bool,
   *  compounds: Set (compounds whose community may have changed), centers: bool}.
   * Work here is proportional to the Delta, not to the plan.
   */
  apply(delta) {
    const changes = {
      reports: new Set(), shapes: new Set(), removed: delta.removed ?? [], added: delta.added ?? [],
      findings: false, order: false, compounds: new Set(), centers: false,
      prevOwner: new Map(), // compound → its community before this Delta, for the compounds it may move
    };
    const gone = [];
    for (const id of changes.removed) {
      const old = this.communities.get(id);
      if (old) gone.push(old);
      this.communities.delete(id);
      this.shapes.delete(id);
      this.planProps?.delete(id);
    }
    const fresh = delta.communities ?? [];
    for (const c of fresh) {
      const old = this.communities.get(c.id);
      if (old) gone.push(old);
      this.communities.set(c.id, c);
      changes.reports.add(c.id);
    }
    // Owners: forget what the old reports said, then learn the new ones.
    for (const old of gone) {
      for (const id of old.compounds) {
        if (!changes.compounds.has(id)) changes.prevOwner.set(id, this.owner.compound.get(id));
        changes.compounds.add(id);
        if (this.owner.compound.get(id) === old.id) this.owner.compound.delete(id);
      }
      for (const id of old.grid_cells) if (this.owner.grid.get(id) === old.id) this.owner.grid.delete(id);
    }
    for (const c of fresh) {
      for (const id of c.compounds) {
        if (!changes.compounds.has(id)) changes.prevOwner.set(id, this.owner.compound.get(id));
        changes.compounds.add(id);
        this.owner.compound.set(id, c.id);
      }
      for (const id of c.grid_cells) this.owner.grid.set(id, c.id);
    }
    if (delta.geometry?.ids?.length) {
      for (const [id, shape] of unpack(delta.geometry)) {
        this.shapes.set(id, shape);
        changes.shapes.add(id);
      }
    }
    if (delta.order && !sameList(delta.order, this.order)) {
      this.order = delta.order.slice();
      changes.order = true;
    }
    for (const id of delta.findings?.removed ?? []) changes.findings = this.findings.delete(id) || changes.findings;
    for (const f of delta.findings?.added ?? []) {
      this.findings.set(f.id, f);
      changes.findings = true;
    }
    this.totals = delta.totals ?? this.totals;
    this.adjustment = delta.adjustment ?? this.adjustment;
    this.comparison = delta.comparison !== undefined ? delta.comparison : this.comparison;
    this.pending = delta.pending ?? [];
    // Properties the report does not carry (committees, service centre), and
    // the service centres when the edit moved or changed one.
    if (delta.properties && this.planProps) {
      for (const p of delta.properties) this.planProps.set(String(p.id), p);
    }
    if (delta.centers) changes.centers = this.setCenters(delta.centers);
    if (delta.compounds) changes.counts = this.setCounts(delta.compounds);
    this.revision++;
    return changes;
  }

  _owners() {
    this.owner.compound.clear();
    this.owner.grid.clear();
    for (const c of this.communities.values()) {
      for (const id of c.compounds) this.owner.compound.set(id, c.id);
      for (const id of c.grid_cells) this.owner.grid.set(id, c.id);
    }
  }

  /** Communities in plan order. */
  list() {
    return this.order.map((id) => this.communities.get(id)).filter(Boolean);
  }

  name(id) {
    const c = this.communities.get(id);
    return c ? shownName(c) : id ?? '';
  }

  /** Households (existing + planned) of a compound, from its feature. */
  compoundHouseholds(id) {
    return householdsOf(this.features.compound.get(id)?.properties);
  }

  compoundName(id) {
    return this.features.compound.get(id)?.properties?.name ?? id;
  }

  /**
   * The plan as exported (after a load): community properties the report
   * does not carry (committees, service centre) and the centres.
   */
  setPlanText(text) {
    const plan = JSON.parse(text);
    this.planProps = new Map();
    const centers = [];
    for (const f of plan.features ?? []) {
      const p = f.properties ?? {};
      if (p.layer === 'community') this.planProps.set(String(p.id), p);
      else if (p.layer === 'service_center') centers.push(f);
    }
    return this.setCenters({ features: centers });
  }

  /** Community properties the report does not carry, from the engine's community layer. */
  setProps(fc) {
    this.planProps = new Map();
    for (const f of fc?.features ?? []) {
      const p = f.properties ?? {};
      this.planProps.set(String(p.id ?? f.id), p);
    }
  }

  /**
   * New household counts of compounds (`[{id, households, planned_households}]`),
   * into their features when read already; returns the ids.
   */
  setCounts(counts) {
    const features = this.layers.compound ? this.features.compound : null;
    for (const c of counts) {
      const p = features?.get(String(c.id))?.properties;
      if (p) Object.assign(p, { households: c.households, planned_households: c.planned_households });
    }
    return counts.map((c) => String(c.id));
  }

  /** The service centres (a FeatureCollection); returns whether any changed. */
  setCenters(fc) {
    const centers = new Map();
    for (const f of fc.features ?? []) centers.set(String(f.properties?.id ?? f.id), f);
    const moved = centers.size !== this.features.service_center.size ||
      [...centers].some(([id, f]) => JSON.stringify(f) !== JSON.stringify(this.features.service_center.get(id)));
    this.features.service_center = centers;
    return moved;
  }

  communityProps(id) {
    // Read once, when first asked (then kept current by the Deltas).
    if (!this.planProps && this._fetch) {
      try {
        this.setProps(this._fetch('layer', 'community'));
      } catch { /* the engine is restarting */ }
    }
    return this.planProps?.get(id) ?? {};
  }

  findingsOf(communityId) {
    return [...this.findings.values()].filter((f) => f.community_ids.includes(communityId));
  }

  /** [w, s, e, n] of all communities. */
  bbox() {
    let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
    for (const { bbox } of this.shapes.values()) {
      w = Math.min(w, bbox[0]); s = Math.min(s, bbox[1]);
      e = Math.max(e, bbox[2]); n = Math.max(n, bbox[3]);
    }
    return Number.isFinite(w) ? [w, s, e, n] : null;
  }
}

function sameList(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
