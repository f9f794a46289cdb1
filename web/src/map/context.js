// The plan's other layers: compounds, grid cells, roads/lanes/rivers (the
// offline basemap), service centres and the street outline. Drawn from the
// engine's layer() collections; hit-tested in JS.
import L from 'leaflet';
import { barrierStyles, compoundMovingStyle, compoundStyle, gridCutStyle, gridStyle, streetStyle } from './styles.js';
import { bboxOfPolys, geojsonPolys, inBbox, inPolys } from './geo.js';

export const CONTEXT_LAYERS = ['compound', 'grid', 'barrier', 'service_center', 'street'];

export class ContextLayers {
  constructor(view, state) {
    this._view = view;
    this._state = state;
    this._groups = {};
    for (const name of CONTEXT_LAYERS) this._groups[name] = L.layerGroup();
    this._visible = { compound: true, grid: true, barrier: true, service_center: true, street: true };
    this._compounds = new Map(); // id → {layer, polys, bbox, point}
    this._grid = new Map();
    this._centers = new Map(); // id → marker
    this._moving = new Set();
    this._cut = new Set();
  }

  reset() {
    // The groups are filled off the map and added once: one projection pass, one redraw.
    for (const g of Object.values(this._groups)) g.remove().clearLayers();
    this._compounds.clear();
    this._grid.clear();
    this._centers.clear();
    this._moving.clear();
    const layers = this._state.layers ?? {};
    const r = (p) => this._view.renderer(p);
    const lines = (g) => (g?.type === 'LineString' ? [g.coordinates] : g?.type === 'MultiLineString' ? g.coordinates : []).map((l) => l.map(([x, y]) => [y, x]));

    for (const f of layers.barrier?.features ?? []) {
      const latlngs = lines(f.geometry);
      for (const style of barrierStyles[f.properties?.kind] ?? barrierStyles.road) {
        this._groups.barrier.addLayer(L.polyline(latlngs, { ...style, lineCap: 'round', lineJoin: 'round', renderer: r('shequ-barriers'), interactive: false }));
      }
    }
    for (const f of layers.street?.features ?? []) {
      this._groups.street.addLayer(L.polygon(geojsonPolys(f.geometry), { ...streetStyle, renderer: r('shequ-street'), interactive: false }));
    }
    for (const f of layers.grid?.features ?? []) {
      const id = String(f.properties?.id ?? f.id);
      const polys = geojsonPolys(f.geometry);
      const layer = L.polygon(polys, { ...gridStyle, renderer: r('shequ-grid'), interactive: false });
      this._grid.set(id, { layer, polys, bbox: bboxOfPolys(polys) });
      this._groups.grid.addLayer(layer);
    }
    for (const f of layers.compound?.features ?? []) {
      const id = String(f.properties?.id ?? f.id);
      const hh = this._state.compoundHouseholds(id);
      let layer, polys = null, point = null;
      if (f.geometry?.type === 'Point') {
        const [lng, lat] = f.geometry.coordinates;
        point = L.latLng(lat, lng);
        layer = L.circleMarker(point, { ...compoundStyle, radius: Math.min(14, 3 + Math.sqrt(hh) / 7), renderer: r('shequ-compounds'), interactive: false });
      } else {
        polys = geojsonPolys(f.geometry);
        layer = L.polygon(polys, { ...compoundStyle, renderer: r('shequ-compounds'), interactive: false });
      }
      this._compounds.set(id, { layer, polys, bbox: polys ? bboxOfPolys(polys) : null, point });
      this._groups.compound.addLayer(layer);
    }
    for (const f of layers.service_center?.features ?? []) this._addCenter(f);
    this.restyleGrid();
    for (const [name, on] of Object.entries(this._visible)) this.setVisible(name, on);
  }

  _addCenter(f) {
    const id = String(f.properties?.id ?? f.id);
    const [lng, lat] = f.geometry.coordinates;
    const marker = L.marker([lat, lng], {
      pane: 'shequ-centers',
      interactive: false,
      keyboard: false,
      icon: L.divIcon({ className: 'shequ-center', iconSize: [22, 22], iconAnchor: [11, 11] }),
    });
    this._centers.set(id, marker);
    this._groups.service_center.addLayer(marker);
  }

  /** Grid cells cut by a community boundary are drawn in the warning style. */
  restyleGrid() {
    const cut = new Set();
    for (const c of this._state.communities.values()) for (const g of c.grid_cells_cut ?? []) cut.add(g);
    for (const id of new Set([...cut, ...this._cut])) this._grid.get(id)?.layer.setStyle(cut.has(id) ? gridCutStyle : gridStyle);
    this._cut = cut;
  }

  /** Compounds changing sides during a drag. */
  setMoving(ids) {
    for (const id of this._moving) if (!ids.has(id)) this._compounds.get(id)?.layer.setStyle(compoundStyle);
    for (const id of ids) if (!this._moving.has(id)) this._compounds.get(id)?.layer.setStyle(compoundMovingStyle);
    this._moving = new Set(ids);
  }

  moveCenter(id, latlng) {
    this._centers.get(id)?.setLatLng(latlng);
  }

  centerLatLngs() {
    return [...this._centers.values()].map((m) => m.getLatLng());
  }

  centerLatLng(id) {
    return this._centers.get(id)?.getLatLng();
  }

  selectCenter(id) {
    for (const [cid, m] of this._centers) m.getElement()?.classList.toggle('shequ-center-selected', cid === id);
  }

  /** Hit tests, nearest first: a centre within px, a compound, a grid cell. */
  centerAt(latlng, px = 14) {
    if (!this._visible.service_center) return null;
    const map = this._view.map;
    const p = map.latLngToContainerPoint(latlng);
    let best = null, bestD = px * px;
    for (const [id, m] of this._centers) {
      const d = p.distanceTo(map.latLngToContainerPoint(m.getLatLng())) ** 2;
      if (d <= bestD) { bestD = d; best = id; }
    }
    return best;
  }

  compoundAt(latlng, px = 10) {
    if (!this._visible.compound) return null;
    const map = this._view.map;
    const p = map.latLngToContainerPoint(latlng);
    for (const [id, c] of this._compounds) {
      if (c.point) {
        const r = (c.layer.options.radius ?? 5) + px / 2;
        if (p.distanceTo(map.latLngToContainerPoint(c.point)) <= r) return id;
      } else if (inBbox(latlng.lat, latlng.lng, c.bbox) && inPolys(latlng.lat, latlng.lng, c.polys)) return id;
    }
    return null;
  }

  gridAt(latlng) {
    if (!this._visible.grid) return null;
    for (const [id, g] of this._grid) if (inBbox(latlng.lat, latlng.lng, g.bbox) && inPolys(latlng.lat, latlng.lng, g.polys)) return id;
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
    if (on) this._groups[name].addTo(this._view.map);
    else this._groups[name].remove();
  }
}
