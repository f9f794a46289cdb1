// Drag handles on boundary vertices (topology nodes): those of the selected
// community and its neighbours, or every node in view when zoomed in. The
// selected community's are drawn as handles, every other vertex as a small
// faint dot (still draggable), so that the shape selected shows.
import L from 'leaflet';

export const ALL_NODES_ZOOM = 16.5;
const MAX_HANDLES = 4000;

const STYLE = {
  1: { radius: 4.5, color: '#2b2f36', weight: 1.5, fillColor: '#ffffff', fillOpacity: 1 },
  2: { radius: 5.5, color: '#111111', weight: 2, fillColor: '#ffffff', fillOpacity: 1 },
  3: { radius: 6.5, color: '#ffffff', weight: 2, fillColor: '#111111', fillOpacity: 1 },
};
const SELECTED = { radius: 8, color: '#ffffff', weight: 2.5, fillColor: '#AA3377', fillOpacity: 1 };
// At a district's overview vertices are a few pixels apart: smaller handles, and the neighbours' left out.
export const OVERVIEW_ZOOM = 15;
const SMALL = {
  1: { ...STYLE[1], radius: 2.5, weight: 1.25 },
  2: { ...STYLE[2], radius: 3, weight: 1.25 },
  3: { ...STYLE[3], radius: 4, weight: 1.5 },
};
const FAINT = { radius: 2.5, color: '#2b2f36', weight: 1, opacity: 0.5, fillColor: '#ffffff', fillOpacity: 0.6 };

export class Handles {
  constructor(ctx) {
    this._ctx = ctx;
    this._group = L.layerGroup().addTo(ctx.view.map);
    this._nodes = []; // {id, latlng, degree, marker}
    this._byId = new Map();
    this.selectedNode = null;
    ctx.view.map.on('moveend zoomend', () => this.refresh());
  }

  get count() { return this._nodes.length; }

  /** The communities whose vertices get handles, or null for "all in view". */
  _scope() {
    const { view, communities } = this._ctx;
    if (view.map.getZoom() >= ALL_NODES_ZOOM) return null;
    if (!communities.selected) return new Set();
    return new Set([communities.selected, ...communities.neighbours]);
  }

  refresh() {
    const { bridge, view, state, options } = this._ctx;
    this._group.clearLayers();
    this._nodes = [];
    this._byId.clear();
    if (!options.editable || !bridge.ready || !state.loaded || this._ctx.mode !== 'select') return;
    const scope = this._scope();
    if (scope && scope.size === 0) return;
    const b = view.map.getBounds().pad(0.05);
    let w = b.getWest(), s = b.getSouth(), e = b.getEast(), n = b.getNorth();
    const ringKeys = (id, set) => {
      for (const poly of state.shapes.get(id)?.polys ?? []) for (const ring of poly) for (const [lat, lng] of ring) set.add(lng + ',' + lat);
      return set;
    };
    // The selected community's vertices (every other one drawn faint), whatever the zoom.
    const selected = this._ctx.communities.selected;
    const own = selected ? ringKeys(selected, new Set()) : null;
    let keys = null;
    if (scope) {
      keys = new Set(own);
      for (const id of scope) ringKeys(id, keys);
    }
    let nodes;
    try {
      nodes = bridge.call('nodes', w, s, e, n);
    } catch {
      return; // a crash is reported by the bridge
    }
    const { ids, coords, degree } = nodes;
    const small = view.map.getZoom() < OVERVIEW_ZOOM;
    for (let i = 0; i < ids.length && this._nodes.length < MAX_HANDLES; i++) {
      const lng = coords[2 * i], lat = coords[2 * i + 1];
      if (keys && !keys.has(lng + ',' + lat)) continue;
      const faint = own && !own.has(lng + ',' + lat);
      if (faint && small) continue;
      const latlng = L.latLng(lat, lng);
      const node = { id: ids[i], latlng, degree: degree[i], style: faint ? FAINT : (small ? SMALL : STYLE)[Math.min(3, degree[i])] };
      node.marker = L.circleMarker(latlng, { ...(ids[i] === this.selectedNode ? SELECTED : node.style), ...view.paint('shequ-handles'), interactive: false });
      this._group.addLayer(node.marker);
      this._nodes.push(node);
      this._byId.set(node.id, node);
    }
    if (this.selectedNode != null && !this._byId.has(this.selectedNode)) this.selectedNode = null;
  }

  /** The node under a container point, within px. */
  nodeAt(point, px = 10) {
    const map = this._ctx.view.map;
    let best = null, bestD = px * px;
    for (const node of this._nodes) {
      const q = map.latLngToContainerPoint(node.latlng);
      const d = (q.x - point.x) ** 2 + (q.y - point.y) ** 2;
      if (d <= bestD) { bestD = d; best = node; }
    }
    return best;
  }

  node(id) {
    return this._byId.get(id);
  }

  move(id, latlng) {
    const node = this.node(id);
    if (!node) return;
    node.latlng = L.latLng(latlng);
    node.marker.setLatLng(node.latlng);
  }

  select(id) {
    const prev = this.node(this.selectedNode);
    if (prev) prev.marker.setStyle(prev.style);
    this.selectedNode = id;
    const node = this.node(id);
    if (node) {
      node.marker.setStyle(SELECTED);
      node.marker.bringToFront();
    }
  }

  /** Every node drawn, for tests and tools: [{id, lng, lat, degree, radius}] (radius: as drawn, px). */
  list() {
    return this._nodes.map((n) => ({ id: n.id, lng: n.latlng.lng, lat: n.latlng.lat, degree: n.degree, radius: n.marker.options.radius }));
  }
}
