// Highlights a finding's geometry (or a feature) and zooms to it.
import L from 'leaflet';
import { highlightStyle } from './styles.js';

export class Highlight {
  constructor(view) {
    this._view = view;
    this._layer = null;
  }

  /** geometry: GeoJSON geometry; fallback: [w, s, e, n] when there is none. */
  show(geometry, fallback) {
    this.clear();
    const map = this._view.map;
    if (geometry) {
      this._layer = L.geoJSON(geometry, {
        style: highlightStyle,
        pointToLayer: (f, ll) => L.circleMarker(ll, { ...highlightStyle, radius: 12, ...this._view.paint('shequ-highlight') }),
        ...this._view.paint('shequ-highlight'),
        interactive: false,
      }).addTo(map);
      const b = this._layer.getBounds();
      if (b.isValid()) map.flyToBounds(b.pad(0.6), { maxZoom: 17, duration: 0.6 });
    } else if (fallback) {
      map.flyToBounds([[fallback[1], fallback[0]], [fallback[3], fallback[2]]], { padding: [40, 40], maxZoom: 17, duration: 0.6 });
    }
  }

  clear() {
    this._layer?.remove();
    this._layer = null;
  }
}
