// Drawing a line (split) or an area (create): click to add points,
// double-click or Enter to finish, Backspace to drop the last point, Esc to cancel.
import L from 'leaflet';
import { drawStyle } from '../map/styles.js';
import { t } from '../i18n.js';

export class DrawTool {
  constructor(ctx) {
    this._ctx = ctx;
    this._points = [];
    this._kind = null;
    this._line = null;
    this._dots = L.layerGroup();
  }

  get active() { return !!this._kind; }

  /** kind: 'line' | 'polygon'; onDone(Float64Array of lon,lat pairs). */
  start(kind, onDone) {
    this.cancel();
    this._kind = kind;
    this._onDone = onDone;
    this._points = [];
    const r = this._ctx.view.paint('shequ-draw');
    this._line = (kind === 'polygon' ? L.polygon([], { ...drawStyle, fillOpacity: 0.1, ...r }) : L.polyline([], { ...drawStyle, ...r })).addTo(this._ctx.view.map);
    this._dots.addTo(this._ctx.view.map);
    this._ctx.mapEl.classList.add('shequ-drawing');
  }

  add(latlng) {
    if (!this.active) return;
    const map = this._ctx.view.map;
    const last = this._points.at(-1);
    if (last && map.latLngToContainerPoint(last).distanceTo(map.latLngToContainerPoint(latlng)) < 4) return;
    this._points.push(latlng);
    this._dots.addLayer(L.circleMarker(latlng, { radius: 4, color: '#111', weight: 2, fillColor: '#fff', fillOpacity: 1, ...this._ctx.view.paint('shequ-draw'), interactive: false }));
    this._line.setLatLngs(this._points);
  }

  hover(latlng) {
    if (this.active && this._points.length) this._line.setLatLngs([...this._points, latlng]);
  }

  undoPoint() {
    if (!this.active || !this._points.length) return;
    this._points.pop();
    const dots = this._dots.getLayers();
    if (dots.length) this._dots.removeLayer(dots.at(-1));
    this._line.setLatLngs(this._points);
  }

  finish() {
    if (!this.active) return;
    const need = this._kind === 'polygon' ? 3 : 2;
    if (this._points.length < need) {
      this._ctx.toast(t('draw_need_points', { n: need }), 'warn');
      return;
    }
    const pts = this._points; // an area's ring is passed open: the engine closes it
    const coords = new Float64Array(pts.length * 2);
    pts.forEach((p, i) => { coords[2 * i] = p.lng; coords[2 * i + 1] = p.lat; });
    const done = this._onDone;
    this.cancel();
    done(coords);
  }

  cancel() {
    this._kind = null;
    this._line?.remove();
    this._line = null;
    this._dots.clearLayers();
    this._dots.remove();
    this._points = [];
    this._ctx.mapEl.classList.remove('shequ-drawing');
  }
}
