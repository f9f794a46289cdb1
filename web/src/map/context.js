// The plan's other layers: compounds, grid cells, roads/lanes/rivers (the
// offline basemap), service centres and the street outline. Drawn from the
// engine's layer() collections; hit-tested in JS.
import L from 'leaflet';
import { barrierStyles, compoundMovingStyle, compoundStyle, gridCutStyle, gridStyle, streetStyle } from './styles.js';
import { bboxOfGeometry, geojsonPolys, inBbox, inPolys } from './geo.js';
import { householdsOf } from '../state.js';

export const CONTEXT_LAYERS = ['compound', 'grid', 'barrier', 'service_center', 'street'];

// A marker placed with left/top, not a transform: a transform per marker is a
// paint property node per marker, and with hundreds of centres the browser's
// layerisation at every frame grew with them. (The pane hides while zooming.)
const CenterMarker = L.Marker.extend({
  _setPos(pos) {
    L.Marker.prototype._setPos.call(this, pos);
    const s = this._icon?.style;
    if (s) {
      s.transform = '';
      s.left = pos.x + 'px';
      s.top = pos.y + 'px';
    }
  },
  // No z-index per marker (a stacking context each): document order will do.
  _updateZIndex() {},
  _resetZIndex() {},
});

// Above this many features, compounds and grid cells are drawn only when
// zoomed in enough that about this many fall in view, and their Leaflet
// layers are built in slices after the first paint.
export const DETAIL_MAX = 3000;
const SLICE_MS = 8;
const CENTERS_MAX = 400;
// Below this zoom a centre's marker is small (12 px, not 22): at a district's
// overview it would sit where people click to select its community.
const CENTER_FULL_ZOOM = 16;

/** A compound drawn as a point: its marker grows with its households. */
const pointRadius = (hh) => Math.min(14, 3 + Math.sqrt(hh) / 7);

export class ContextLayers {
  constructor(view, state) {
    this._view = view;
    this._state = state;
    this._groups = {};
    for (const name of CONTEXT_LAYERS) this._groups[name] = L.layerGroup();
    this._visible = { compound: true, grid: true, barrier: true, service_center: true, street: true };
    this._minZoom = { compound: 0, grid: 0, service_center: 0 };
    this._compounds = new Map(); // id → {layer, polys, bbox, point, hh}
    this._grid = new Map(); // id → {layer, polys, bbox}
    this._centers = new Map(); // id → marker
    this._moving = new Set();
    this._cut = new Set();
    this._jobs = []; // building compounds and grid cells, a slice at a time
    this._queued = { compound: false, grid: false };
    this._ready = { compound: false, grid: false };
    this._timer = 0;
    view.map.on('moveend', () => {
      this._showByZoom();
      this._syncCenters();
    });
    const centres = view.map.getPane('shequ-centers');
    view.map.on('zoomstart', () => centres.classList.add('shequ-hidden'));
    view.map.on('zoomend', () => centres.classList.remove('shequ-hidden'));
  }

  reset() {
    for (const g of Object.values(this._groups)) g.remove().clearLayers();
    this._compounds.clear();
    this._grid.clear();
    this._centers.clear();
    this._moving.clear();
    this._cut.clear();
    clearTimeout(this._timer);
    this._timer = 0;
    this._jobs = [];
    this._queued = { compound: false, grid: false };
    this._ready = { compound: false, grid: false };
    const layers = this._state.layers ?? {};
    const r = (p) => this._view.paint(p);

    // Roads, lanes and rivers: one path per kind and stroke (not one per
    // feature): a few canvas paths to keep, clip and stroke instead of thousands.
    // Read packed, and made LatLngs once for all the strokes of a kind.
    const byKind = new Map();
    const bl = this._state.barrierLines?.();
    for (let i = 0; bl && i < bl.kind.length; i++) {
      const kind = bl.kinds[bl.kind[i]];
      const list = byKind.get(kind) ?? byKind.set(kind, []).get(kind);
      const line = [];
      for (let p = bl.lines[i]; p < bl.lines[i + 1]; p++) line.push(L.latLng(bl.coords[2 * p + 1], bl.coords[2 * p]));
      list.push(line);
    }
    // A road's casing and its fill: one path stroked twice (ZCanvas `strokes`),
    // every casing of the kind under every fill, projected and clipped once.
    for (const [kind, latlngs] of byKind) {
      const strokes = barrierStyles[kind] ?? barrierStyles.road;
      const weight = Math.max(...strokes.map((x) => x.weight)); // Leaflet pads the path's pixel bounds by it
      this._groups.barrier.addLayer(L.polyline(latlngs, { ...strokes[0], weight, strokes, lineCap: 'round', lineJoin: 'round', ...r('shequ-barriers'), interactive: false }));
    }
    for (const f of layers.street?.features ?? []) {
      this._groups.street.addLayer(L.polygon(geojsonPolys(f.geometry), { ...streetStyle, ...r('shequ-street'), interactive: false }));
    }
    for (const f of this._state.features.service_center.values()) this._addCenter(f);
    // Compounds and grid cells: drawn when zoomed in enough (large plans),
    // read from the engine and built after the first paint, a few ms at a time.
    // Service centres likewise, above a lower count (a DOM element each).
    const totals = this._state.totals ?? {};
    const fitZoom = this._fitZoom();
    const minZoom = (n, max) => (n > max ? fitZoom + Math.ceil(Math.log(n / max) / Math.log(4)) : 0);
    this._minZoom = { compound: minZoom(totals.compounds ?? 0, DETAIL_MAX), grid: minZoom(totals.grid_cells ?? 0, DETAIL_MAX), service_center: minZoom(this._centers.size, CENTERS_MAX) };
    this._syncCenters();
    this._cut = this._cutCells();
    for (const [name, on] of Object.entries(this._visible)) this.setVisible(name, on);
  }

  /** The zoom that fits the whole plan. */
  _fitZoom() {
    const b = this._state.bbox();
    if (!b) return this._view.map.getZoom();
    return this._view.map.getBoundsZoom([[b[1], b[0]], [b[3], b[2]]]);
  }

  /**
   * Compounds and grid cells, when shown: their data read from the engine once
   * (then kept for hit-testing), and Leaflet layers only for those in view
   * (added and removed as the view moves), built a few ms at a time.
   */
  _ensureDetail() {
    for (const name of ['grid', 'compound']) {
      if (!this._shown(name)) continue;
      if (!this._queued[name]) {
        this._queued[name] = true;
        this._jobs.push(this._readJob(name));
      } else if (this._ready[name]) {
        // A new view: replace a pending sync of this layer.
        this._jobs = this._jobs.filter((j) => j.name !== name);
        this._jobs.push(Object.assign(this._syncJob(name), { name }));
      }
    }
    if (this._jobs.length && !this._timer) {
      this._timer = -1;
      // After the next paint.
      requestAnimationFrame(() => { this._timer = setTimeout(() => this._step(), 0); });
    }
  }

  _step() {
    const t0 = performance.now();
    while (this._jobs.length && performance.now() - t0 < SLICE_MS) {
      if (this._jobs[0].next().done) this._jobs.shift();
    }
    this._timer = this._jobs.length ? setTimeout(() => this._step(), 0) : 0;
  }

  *_readJob(name) {
    const fc = this._state.layer(name);
    yield;
    const items = name === 'grid' ? this._grid : this._compounds;
    let k = 0;
    for (const f of fc?.features ?? []) {
      const id = String(f.properties?.id ?? f.id);
      const it = { f, layer: null, added: false, polys: null, bbox: null, point: null, hh: 0 };
      if (f.geometry?.type === 'Point') {
        const [lng, lat] = f.geometry.coordinates;
        it.point = L.latLng(lat, lng);
      } else {
        it.bbox = bboxOfGeometry(f.geometry);
      }
      if (name === 'compound') it.hh = householdsOf(f.properties);
      items.set(id, it);
      if (++k % 1000 === 0) yield;
    }
    this._ready[name] = true;
    yield* this._syncJob(name);
  }

  /** Adds the layers of items in view (with a margin), removes those out of it. */
  *_syncJob(name) {
    if (!this._shown(name)) return;
    const items = name === 'grid' ? this._grid : this._compounds;
    const group = this._groups[name];
    const v = this._view.map.getBounds().pad(0.5);
    const [w, s, e, n] = [v.getWest(), v.getSouth(), v.getEast(), v.getNorth()];
    let k = 0;
    for (const [id, it] of items) {
      const b = it.bbox ?? [it.point.lng, it.point.lat, it.point.lng, it.point.lat];
      const inView = b[0] <= e && b[2] >= w && b[1] <= n && b[3] >= s;
      if (inView && !it.added) {
        it.layer ??= this._makeLayer(name, id, it);
        group.addLayer(it.layer);
        it.added = true;
        yield;
      } else if (!inView && it.added) {
        group.removeLayer(it.layer);
        it.added = false;
      }
      if (++k % 2000 === 0) yield;
    }
  }

  _makeLayer(name, id, it) {
    if (name === 'grid') {
      return L.polygon(this._polys(it), { ...(this._cut.has(id) ? gridCutStyle : gridStyle), ...this._view.paint('shequ-grid'), interactive: false });
    }
    const style = this._moving.has(id) ? compoundMovingStyle : compoundStyle;
    const r = this._view.paint('shequ-compounds');
    return it.point
      ? L.circleMarker(it.point, { ...style, radius: pointRadius(it.hh), ...r, interactive: false })
      : L.polygon(this._polys(it), { ...style, ...r, interactive: false });
  }

  _polys(it) {
    return (it.polys ??= geojsonPolys(it.f.geometry));
  }

  /** Whether a layer is shown at the current zoom (hit-tests follow this). */
  _shown(name) {
    if (!this._visible[name]) return false;
    if (name !== 'compound' && name !== 'grid') return true;
    return this._view.map.getZoom() >= this._minZoom[name];
  }

  /** Whether a layer's group is on the map (it fills in slices after a load). */
  _drawn(name) {
    return this._shown(name);
  }

  _showByZoom() {
    for (const name of ['compound', 'grid']) {
      const on = this._drawn(name);
      const g = this._groups[name];
      if (on && !this._view.map.hasLayer(g)) g.addTo(this._view.map);
      else if (!on && this._view.map.hasLayer(g)) g.remove();
    }
    this._ensureDetail();
  }

  /** After compounds' household counts changed: their markers' sizes. */
  updateCounts(ids) {
    for (const id of ids) {
      const it = this._compounds.get(id);
      if (!it) continue;
      it.hh = householdsOf(it.f.properties);
      if (it.point) it.layer?.setRadius(pointRadius(it.hh));
    }
  }

  /** Rebuilds the service centres only (after an edit changed them). */
  resetCenters() {
    this._groups.service_center.clearLayers();
    this._centers.clear();
    for (const f of this._state.features.service_center.values()) this._addCenter(f);
    this._syncCenters();
  }

  /** Only the centres in view (with a margin) are on the map: a DOM element each. */
  _syncCenters() {
    const group = this._groups.service_center;
    const v = this._view.map.getBounds().pad(0.25);
    // Too many to tell apart at this zoom: only the selected one.
    const dense = this._view.map.getZoom() < (this._minZoom.service_center ?? 0);
    this.smallCenters = this._view.map.getZoom() < CENTER_FULL_ZOOM;
    this._view.map.getPane('shequ-centers').classList.toggle('shequ-centers-small', this.smallCenters);
    for (const [id, m] of this._centers) {
      const inView = (!dense || id === this._selectedCenter) && v.contains(m.getLatLng());
      if (inView && !group.hasLayer(m)) {
        group.addLayer(m);
        if (id === this._selectedCenter) m.getElement()?.classList.add('shequ-center-selected');
      } else if (!inView && group.hasLayer(m)) group.removeLayer(m);
    }
  }

  _addCenter(f) {
    const id = String(f.properties?.id ?? f.id);
    const [lng, lat] = f.geometry.coordinates;
    const marker = new CenterMarker([lat, lng], {
      pane: 'shequ-centers',
      interactive: false,
      keyboard: false,
      icon: L.divIcon({ className: 'shequ-center', iconSize: null }), // sized by CSS (shequ-centers-small)
    });
    this._centers.set(id, marker);
  }

  _cutCells() {
    const cut = new Set();
    for (const c of this._state.communities.values()) for (const g of c.grid_cells_cut ?? []) cut.add(g);
    return cut;
  }

  /** Grid cells cut by a community boundary are drawn in the warning style (only changes are redrawn). */
  restyleGrid() {
    const cut = this._cutCells();
    for (const id of cut) if (!this._cut.has(id)) this._grid.get(id)?.layer?.setStyle(gridCutStyle);
    for (const id of this._cut) if (!cut.has(id)) this._grid.get(id)?.layer?.setStyle(gridStyle);
    this._cut = cut;
  }

  /** Compounds changing sides during a drag. */
  setMoving(ids) {
    for (const id of this._moving) if (!ids.has(id)) this._compounds.get(id)?.layer?.setStyle(compoundStyle);
    for (const id of ids) if (!this._moving.has(id)) this._compounds.get(id)?.layer?.setStyle(compoundMovingStyle);
    this._moving = new Set(ids);
  }

  moveCenter(id, latlng) {
    const m = this._centers.get(id);
    if (!m) return;
    m.setLatLng(latlng);
    if (!this._groups.service_center.hasLayer(m)) this._groups.service_center.addLayer(m);
  }

  /** Where the centres shown are (label obstacles). */
  centerLatLngs() {
    const g = this._groups.service_center;
    return [...this._centers.values()].filter((m) => g.hasLayer(m)).map((m) => m.getLatLng());
  }

  centerLatLng(id) {
    return this._centers.get(id)?.getLatLng();
  }

  selectCenter(id) {
    const prev = this._selectedCenter;
    this._selectedCenter = id;
    this._centers.get(prev)?.getElement()?.classList.remove('shequ-center-selected');
    this._centers.get(id)?.getElement()?.classList.add('shequ-center-selected');
    if (prev !== id && this._view.map.getZoom() < this._minZoom.service_center) this._syncCenters();
  }

  /**
   * Hit tests: a centre whose marker is under the point (its square and a
   * pixel around it, nothing more: a click beside it selects the community),
   * a compound, a grid cell.
   */
  centerAt(latlng) {
    if (!this._visible.service_center) return null;
    const map = this._view.map;
    const p = map.latLngToContainerPoint(latlng);
    const half = this.smallCenters ? 7 : 12;
    let best = null, bestD = Infinity;
    for (const [id, m] of this._centers) {
      if (!this._groups.service_center.hasLayer(m)) continue;
      const q = map.latLngToContainerPoint(m.getLatLng());
      const d = Math.max(Math.abs(p.x - q.x), Math.abs(p.y - q.y));
      if (d <= half && d < bestD) { bestD = d; best = id; }
    }
    return best;
  }

  compoundAt(latlng, px = 10) {
    if (!this._shown('compound')) return null;
    const map = this._view.map;
    const p = map.latLngToContainerPoint(latlng);
    for (const [id, c] of this._compounds) {
      if (c.point) {
        const r = pointRadius(c.hh) + px / 2;
        if (p.distanceTo(map.latLngToContainerPoint(c.point)) <= r) return id;
      } else if (inBbox(latlng.lat, latlng.lng, c.bbox) && inPolys(latlng.lat, latlng.lng, this._polys(c))) return id;
    }
    return null;
  }

  gridAt(latlng) {
    if (!this._shown('grid')) return null;
    for (const [id, g] of this._grid) if (inBbox(latlng.lat, latlng.lng, g.bbox) && inPolys(latlng.lat, latlng.lng, this._polys(g))) return id;
    return null;
  }

  featureBbox(layer, id) {
    const x = (layer === 'grid' ? this._grid : this._compounds).get(id);
    if (!x) return null;
    if (x.bbox) return x.bbox;
    return [x.point.lng, x.point.lat, x.point.lng, x.point.lat];
  }

  isVisible(name) {
    return this._visible[name];
  }

  setVisible(name, on) {
    this._visible[name] = on;
    if (this._drawn(name)) this._groups[name].addTo(this._view.map);
    else this._groups[name].remove();
    if (name === 'compound' || name === 'grid') this._ensureDetail();
  }
}
