// Community polygons, filled by status. Hit-testing is done here in JS (not by
// the canvas) so that stacked canvas panes never swallow each other's clicks.
import L from 'leaflet';
import { communityStyle } from './styles.js';
import { inBbox, inPolys } from './geo.js';

export class CommunityLayer {
  constructor(view, state) {
    this._view = view;
    this._state = state;
    this._group = L.layerGroup().addTo(view.map);
    this._polys = new Map();
    this.selected = null;
    this.neighbours = new Set();
    this.dragging = new Set();
  }

  /** Draws every community afresh (after a load). */
  reset() {
    this._group.clearLayers();
    this._polys.clear();
    for (const id of this._state.order) this._draw(id);
    if (this.selected) this._polys.get(this.selected)?.bringToFront();
  }

  /** Redraws the communities an edit changed. */
  update(changes) {
    for (const id of changes.removed) {
      this._polys.get(id)?.remove();
      this._polys.delete(id);
    }
    for (const id of changes.shapes) this._draw(id);
    for (const id of changes.reports) if (!changes.shapes.has(id)) this._restyle(id);
  }

  _draw(id) {
    const shape = this._state.shapes.get(id);
    if (!shape) return;
    const existing = this._polys.get(id);
    if (existing) {
      existing.setLatLngs(shape.polys);
      this._restyle(id);
      return;
    }
    const style = this._style(id);
    const poly = L.polygon(shape.polys, {
      ...style,
      ...this._view.paint('shequ-communities'),
      interactive: false,
    });
    poly._shequStyle = styleKey(style);
    this._polys.set(id, poly);
    this._group.addLayer(poly);
  }

  _style(id) {
    const c = this._state.communities.get(id);
    return communityStyle(c?.status, {
      selected: id === this.selected,
      neighbour: this.neighbours.has(id),
      dragging: this.dragging.has(id),
    });
  }

  /** Restyles a community when its style changed (a canvas redraw otherwise wasted). */
  _restyle(id) {
    const poly = this._polys.get(id);
    if (!poly) return;
    const style = this._style(id);
    const key = styleKey(style);
    if (poly._shequStyle === key) return;
    poly._shequStyle = key;
    poly.setStyle(style);
  }

  select(id) {
    const neighbours = new Set((this._state.communities.get(id)?.neighbours ?? []).map((n) => n.id));
    if (id === this.selected && neighbours.size === this.neighbours.size && [...neighbours].every((n) => this.neighbours.has(n))) return;
    const before = [this.selected, ...this.neighbours];
    const changed = id !== this.selected;
    this.selected = id;
    this.neighbours = neighbours;
    for (const x of new Set([...before, id, ...this.neighbours])) if (x) this._restyle(x);
    if (id && changed) this._polys.get(id)?.bringToFront();
  }

  /** The community at a point, or null. */
  at(latlng) {
    for (const id of [...this._state.order].reverse()) {
      const s = this._state.shapes.get(id);
      if (s && inBbox(latlng.lat, latlng.lng, s.bbox) && inPolys(latlng.lat, latlng.lng, s.polys)) return id;
    }
    return null;
  }

  setVisible(on) {
    if (on) this._group.addTo(this._view.map);
    else this._group.remove();
  }
}

function styleKey(s) {
  return `${s.color}|${s.weight}|${s.fillColor}|${s.fillOpacity}`;
}
