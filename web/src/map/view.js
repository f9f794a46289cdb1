// The Leaflet map: panes in drawing order, three canvas renderers, and
// the basemap (offline by default: the plan's own roads and rivers).
import L from 'leaflet';
import { t } from '../i18n.js';
import { ZCanvas } from './zcanvas.js';
import { basemapSpecs, tileLayer } from './basemap.js';

const PANES = [
  ['shequ-tiles', 200],
  ['shequ-barriers', 350],
  ['shequ-communities', 400],
  ['shequ-grid', 410],
  ['shequ-compounds', 420],
  ['shequ-street', 430],
  ['shequ-highlight', 440],
  ['shequ-draw', 450],
  ['shequ-handles', 460],
  ['shequ-centers', 470],
  ['shequ-labels', 480],
];

export class MapView {
  constructor(container, options) {
    this.options = options;
    this.map = L.map(container, {
      zoomControl: false,
      attributionControl: true,
      zoomSnap: 0.25,
      zoomDelta: 0.5,
      wheelPxPerZoomLevel: 90,
      maxZoom: 20,
      minZoom: 3,
      doubleClickZoom: false, // double-click finishes drawing; zoom with the wheel or +/-
      boxZoom: true,
      keyboard: true,
    });
    this.map.attributionControl.setPrefix(false);
    L.control.zoom({ position: 'bottomright', zoomInTitle: '+', zoomOutTitle: '−' }).addTo(this.map);
    L.control.scale({ position: 'bottomleft', imperial: false, maxWidth: 160 }).addTo(this.map);
    for (const [name, z] of PANES) {
      const pane = this.map.createPane(name);
      pane.style.zIndex = z;
    }
    // Three canvases instead of one per pane (see zcanvas.js): every canvas
    // costs a copy at each frame, and redrawing one re-rasterises all it
    // holds in the dirty rectangle. So: what never changes during an edit
    // (roads, rivers), the communities, and what lies over them (grid cells,
    // compounds, street, highlight, drawing, handles). A path's `pane` picks
    // its canvas and orders it there. Leaflet's default padding (0.1): a
    // smaller canvas to hand over each frame.
    const canvas = (pane) => new ZCanvas({ pane, padding: 0.1, tolerance: 0 });
    this._canvases = { base: canvas('shequ-barriers'), communities: canvas('shequ-communities'), over: canvas('shequ-grid') };
    this.map.getPane('shequ-labels').style.pointerEvents = 'none';
    this.map.setView([32.39, 119.42], 13); // Yangzhou, until a plan is loaded
    this._tiles = [];
    this.onTileProblem = null;
    this.cspBlocked = new Set(); // hosts refused by the page's CSP (filled by the component)
  }

  /** The canvas renderer for paths in `pane` (give them `pane` too: it orders them). */
  renderer(pane) {
    const c = this._canvases;
    return pane === 'shequ-barriers' || pane === 'shequ-tiles' ? c.base : pane === 'shequ-communities' ? c.communities : c.over;
  }

  /** Path options for drawing in `pane`: {renderer, pane}. */
  paint(pane) {
    return { renderer: this.renderer(pane), pane };
  }

  /** Collects canvas changes until flush() (one redraw per canvas, in this frame). */
  hold() {
    for (const c of Object.values(this._canvases)) c.hold();
  }

  /** Draws pending canvas changes now instead of at the next frame. */
  flush() {
    for (const c of Object.values(this._canvases)) c.flush();
  }

  /**
   * basemap: 'plan' (offline) | 'none' | 'osm' | 'tianditu' | 'tianditu_img' |
   * 'amap' | 'amap_img' | {url, attribution, subdomains, maxZoom, gcj02}.
   * Returns false (and says why) when it cannot be used: the offline basemap stays.
   */
  setBasemap(basemap, { tiandituKey = '' } = {}) {
    for (const l of this._tiles) l.remove();
    this._tiles = [];
    this._tileErrorShown = false;
    let specs = [];
    try {
      specs = basemapSpecs(basemap, { tiandituKey });
    } catch (e) {
      this.onTileProblem?.(t(e.message === 'tianditu_key' ? 'tianditu_key_missing' : 'basemap_unknown'));
      basemap = 'plan';
    }
    this.basemap = basemap;
    for (const s of specs) {
      const layer = tileLayer(s, 'shequ-tiles');
      layer.on('tileerror', () => this._tileError(s.url));
      layer.addTo(this.map);
      this._tiles.push(layer);
    }
    this.map.getContainer().classList.toggle('shequ-has-tiles', specs.length > 0);
    this.map.getContainer().classList.toggle('shequ-no-basemap', basemap === 'none');
    return specs.length > 0 || basemap === 'plan' || basemap === 'none';
  }

  _tileError(url) {
    if (this._tileErrorShown) return;
    this._tileErrorShown = true;
    let host = url;
    try { host = new URL(url.replace(/\{[a-z]\}/g, 'a')).host; } catch { /* keep */ }
    // The host with its {s} subdomain as a pattern: t{s}.tianditu.gov.cn, webrd0{s}.is.autonavi.com.
    const template = (/^https?:\/\/([^/?]+)/.exec(url)?.[1] ?? host).toLowerCase();
    const pattern = new RegExp('^' + template.split('{s}').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^.]+') + '$');
    // The CSP violation event may come after the tile error: decide a moment later.
    setTimeout(() => {
      const hit = [...this.cspBlocked].find((h) => pattern.test(h));
      if (hit) host = hit;
      const blocked = !!hit;
      if (blocked) {
        // Every further tile would be refused too: stop asking.
        for (const l of this._tiles) l.remove();
        this._tiles = [];
      }
      this.onTileProblem?.(blocked ? t('tiles_blocked', { host }) : t('tiles_failed'));
    }, 400);
  }

  /** Fits [w, s, e, n]. */
  fit(b, animate = false) {
    if (!b) return;
    this.map.invalidateSize(false); // the panel may have taken width since the map was made
    this.map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [24, 24], animate });
  }

  destroy() {
    this.map.remove();
  }
}
