// The Content-Security-Policy the page must run under (government portals
// embed it with this policy). One source for the <meta> written into the built
// pages and for the header the test server sends.
//
// A tile server is allowed only when configured at build time:
//   SHEQU_TILE_ORIGINS="https://*.tile.openstreetmap.org https://*.tianditu.gov.cn" npm run build
export function csp(tileOrigins = '') {
  const tiles = tileOrigins.trim() ? ' ' + tileOrigins.trim() : '';
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    `img-src 'self' data:${tiles}`,
  ].join('; ');
}
