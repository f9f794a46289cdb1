// Basemaps: which tile layers each choice means, and the tile layer for maps
// drawn in GCJ-02 (高德). The plan is WGS 84; 高德's tiles put a place at its
// GCJ-02 position, some 500 m away inside China. GcjTileLayer moves the
// corners of each tile by the offset there, so that the WGS-84 plan sits on
// the right street (tests/basemap.test.mjs: within a pixel at the published
// reference points).
import L from 'leaflet';

const TDT = (layer) => `https://t{s}.tianditu.gov.cn/${layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}`;
const TDT_OPTS = { subdomains: '01234567', attribution: '© 天地图', maxZoom: 18, key: 'tianditu' };
const AMAP_OPTS = { subdomains: '1234', attribution: '© 高德地图', maxZoom: 18, gcj02: true };

/** Tile layers of each named basemap, bottom first ('plan' and 'none' have none). */
export const BASEMAPS = {
  plan: [],
  none: [],
  osm: [{ url: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png', attribution: '© OpenStreetMap contributors', maxZoom: 19 }],
  tianditu: [{ ...TDT_OPTS, url: TDT('vec') }, { ...TDT_OPTS, url: TDT('cva'), attribution: '' }],
  tianditu_img: [{ ...TDT_OPTS, url: TDT('img') }, { ...TDT_OPTS, url: TDT('cia'), attribution: '' }],
  amap: [{ ...AMAP_OPTS, url: 'https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}' }],
  amap_img: [
    { ...AMAP_OPTS, url: 'https://webst0{s}.is.autonavi.com/appmaptile?style=6&x={x}&y={y}&z={z}' },
    { ...AMAP_OPTS, url: 'https://webst0{s}.is.autonavi.com/appmaptile?style=8&x={x}&y={y}&z={z}', attribution: '' },
  ],
};

/**
 * The tile layer specs for `basemap` ('plan' | 'none' | a BASEMAPS name |
 * {url, attribution, subdomains, maxZoom, gcj02}). Throws Error('tianditu_key')
 * when 天地图 has no key, Error('basemap_unknown') for anything else.
 */
export function basemapSpecs(basemap, { tiandituKey = '' } = {}) {
  if (basemap && typeof basemap === 'object') {
    if (typeof basemap.url !== 'string' || !/^https?:\/\//.test(basemap.url)) throw new Error('basemap_unknown');
    return [{ ...basemap }];
  }
  const specs = BASEMAPS[basemap ?? 'plan'];
  if (!specs) throw new Error('basemap_unknown');
  return specs.map((s) => {
    if (s.key !== 'tianditu') return { ...s };
    if (!tiandituKey.trim()) throw new Error('tianditu_key');
    return { ...s, url: s.url.replace('{key}', encodeURIComponent(tiandituKey.trim())) };
  });
}

// ---- GCJ-02 (same formulas as crates/shequ-import/src/mars.rs) -------------------

const A = 6378245.0;
const EE = 0.006693421622965943;

export function outOfChina(lon, lat) {
  return !(lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271);
}

function dLat(x, y) {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  r += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  return r;
}

function dLon(x, y) {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  r += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return r;
}

/** WGS 84 → GCJ-02, [lon, lat] in degrees; unchanged outside China. */
export function wgs84ToGcj02(lon, lat) {
  if (!Number.isFinite(lon) || !Number.isFinite(lat) || outOfChina(lon, lat)) return [lon, lat];
  const rad = (lat / 180) * Math.PI;
  const magic = 1 - EE * Math.sin(rad) ** 2;
  const sq = Math.sqrt(magic);
  const la = (dLat(lon - 105, lat - 35) * 180) / (((A * (1 - EE)) / (magic * sq)) * Math.PI);
  const lo = (dLon(lon - 105, lat - 35) * 180) / ((A / sq) * Math.cos(rad) * Math.PI);
  return [lon + lo, lat + la];
}

/** GCJ-02 → WGS 84 by fixed-point iteration (to 1e-9°, at most 30 steps). */
export function gcj02ToWgs84(lon, lat) {
  if (!Number.isFinite(lon) || !Number.isFinite(lat) || outOfChina(lon, lat)) return [lon, lat];
  let x = lon, y = lat;
  for (let i = 0; i < 30; i++) {
    const [gx, gy] = wgs84ToGcj02(x, y);
    const dx = gx - lon, dy = gy - lat;
    x -= dx;
    y -= dy;
    if (Math.abs(dx) < 1e-9 && Math.abs(dy) < 1e-9) break;
  }
  return [x, y];
}

/**
 * A tile layer of GCJ-02 tiles on the WGS-84 map. Each tile corner (a GCJ-02
 * pixel) is drawn where the WGS-84 point of that pixel is, rounded to whole
 * pixels; a tile is stretched (by a pixel at most) to meet the corners of its
 * right and lower neighbours, so the offset is followed piecewise-linearly
 * with no seams. The tile range asked for is shifted the same way, so that
 * no strip at the edge of the view stays empty.
 */
export const GcjTileLayer = L.TileLayer.extend({
  /** Pixel offset (at zoom z) from GCJ-02 pixel `c` to where its place is on this map. */
  gcjShift(c, z) {
    const g = this._map.unproject(c, z);
    const [lng, lat] = gcj02ToWgs84(g.lng, g.lat);
    return this._map.project(L.latLng(lat, lng), z).subtract(c);
  },

  _corner(x, y, z) {
    const size = this.getTileSize();
    return this.gcjShift(L.point(x * size.x, y * size.y), z).round();
  },

  createTile(coords, done) {
    const tile = L.TileLayer.prototype.createTile.call(this, coords, done);
    tile._shequCoords = coords;
    return tile;
  },

  _getTilePos(coords) {
    return L.TileLayer.prototype._getTilePos.call(this, coords).add(this._corner(coords.x, coords.y, coords.z));
  },

  _initTile(tile) {
    L.TileLayer.prototype._initTile.call(this, tile);
    const c = tile._shequCoords;
    if (!c) return;
    const size = this.getTileSize();
    const a = this._corner(c.x, c.y, c.z), right = this._corner(c.x + 1, c.y, c.z), below = this._corner(c.x, c.y + 1, c.z);
    tile.style.width = size.x + right.x - a.x + 'px';
    tile.style.height = size.y + below.y - a.y + 'px';
  },

  _pxBoundsToTileRange(bounds) {
    const d = this.gcjShift(bounds.getCenter(), this._tileZoom);
    return L.TileLayer.prototype._pxBoundsToTileRange.call(this, L.bounds(bounds.min.subtract(d), bounds.max.subtract(d)));
  },
});

/** The Leaflet layer for one spec. */
export function tileLayer(spec, pane) {
  const Layer = spec.gcj02 ? GcjTileLayer : L.TileLayer;
  return new Layer(spec.url, {
    pane, attribution: spec.attribution ?? '', subdomains: spec.subdomains || 'abc',
    maxZoom: 20, maxNativeZoom: spec.maxZoom ?? 18, crossOrigin: false, referrerPolicy: 'no-referrer',
  });
}
