// The Content-Security-Policy the page must run under (government portals
// embed it with this policy). One source for the <meta> written into the built
// pages and for the header the test server sends (xtask/src/serve.rs sends the
// same for `cargo xtask serve`).
//
// A tile server is allowed only when configured at build time, by origin:
//   SHEQU_TILE_ORIGINS="https://*.tianditu.gov.cn https://*.is.autonavi.com" npm run build
// Nothing is added otherwise: the default basemap is offline.

/** The origins each built-in basemap loads tiles from (web/src/map/basemap.js). */
export const TILE_ORIGINS = {
  osm: 'https://tile.openstreetmap.org',
  tianditu: 'https://*.tianditu.gov.cn',
  tianditu_img: 'https://*.tianditu.gov.cn',
  amap: 'https://*.is.autonavi.com',
  amap_img: 'https://*.is.autonavi.com',
};

/**
 * The origins in SHEQU_TILE_ORIGINS, separated by spaces (as xtask/src/serve.rs reads them). Anything
 * that is not a plain http(s) origin (with an optional `*.` and port) is
 * refused, so that the variable cannot add other directives to the policy.
 */
export function tileOrigins(text = '') {
  const list = String(text).split(/\s+/).filter(Boolean);
  for (const o of list) {
    if (!/^https?:\/\/(\*\.)?[a-z0-9.-]+(:\d+)?\/?$/i.test(o)) {
      throw new Error(`SHEQU_TILE_ORIGINS: ${JSON.stringify(o)} is not an origin like https://*.tianditu.gov.cn`);
    }
  }
  return [...new Set(list)];
}

export function csp(origins = '') {
  const tiles = tileOrigins(origins).map((o) => ' ' + o).join('');
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    `img-src 'self' data:${tiles}`,
  ].join('; ');
}
