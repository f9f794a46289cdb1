// The Leaflet map: panes in drawing order, one canvas renderer per pane, and
// the basemap (offline by default: the plan's own roads and rivers).
import L from 'leaflet';
import { t } from '../i18n.js';

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

export const TILES = {
  osm: {
    url: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
    attribution: '© OpenStreetMap contributors',
    maxZoom: 19,
  },
  tianditu: {
    url: 'https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}',
    labels: 'https://t{s}.tianditu.gov.cn/cva_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=cva&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}',
    subdomains: '01234567',
    attribution: '© 天地图',
    maxZoom: 18,
  },
};

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
    this.renderers = {};
    for (const [name, z] of PANES) {
      const pane = this.map.createPane(name);
      pane.style.zIndex = z;
      if (name !== 'shequ-labels' && name !== 'shequ-centers' && name !== 'shequ-tiles') {
        this.renderers[name] = L.canvas({ pane: name, padding: 0.3, tolerance: 0 });
      }
    }
    this.map.getPane('shequ-labels').style.pointerEvents = 'none';
    this.map.setView([32.39, 119.42], 13); // Yangzhou, until a plan is loaded
    this._tiles = [];
    this.onTileProblem = null;
    this.cspBlocked = new Set(); // hosts refused by the page's CSP (filled by the component)
  }

  renderer(pane) {
    return this.renderers[pane];
  }

  /** basemap: 'plan' | 'osm' | 'tianditu' | 'none' | {url, attribution, subdomains, maxZoom}. */
  setBasemap(basemap, { tiandituKey = '' } = {}) {
    for (const l of this._tiles) l.remove();
    this._tiles = [];
    this._tileErrorShown = false;
    this.basemap = basemap;
    let specs = [];
    if (basemap === 'osm') specs = [TILES.osm];
    else if (basemap === 'tianditu') {
      const tk = encodeURIComponent(tiandituKey);
      specs = [TILES.tianditu, { ...TILES.tianditu, url: TILES.tianditu.labels, attribution: '' }].map((s) => ({ ...s, url: s.url.replace('{key}', tk) }));
    } else if (basemap && typeof basemap === 'object' && basemap.url) specs = [basemap];
    for (const s of specs) {
      const layer = L.tileLayer(s.url, {
        pane: 'shequ-tiles', attribution: s.attribution ?? '', subdomains: s.subdomains ?? 'abc',
        maxZoom: 20, maxNativeZoom: s.maxZoom ?? 18, crossOrigin: false, referrerPolicy: 'no-referrer',
      });
      layer.on('tileerror', () => this._tileError(s.url));
      layer.addTo(this.map);
      this._tiles.push(layer);
    }
    this.map.getContainer().classList.toggle('shequ-has-tiles', specs.length > 0);
    this.map.getContainer().classList.toggle('shequ-no-basemap', basemap === 'none');
  }

  _tileError(url) {
    if (this._tileErrorShown) return;
    this._tileErrorShown = true;
    let host = url;
    try { host = new URL(url.replace(/\{[a-z]\}/g, 'a')).host; } catch { /* keep */ }
    // The CSP violation event may come after the tile error: decide a moment later.
    setTimeout(() => {
      const blocked = this.cspBlocked.has(host);
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
