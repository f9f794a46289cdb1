// Basemaps in real Chromium. No network here: tile requests are intercepted
// with page.route and answered with a 256×256 PNG, and the page's CSP is the
// one a build with SHEQU_TILE_ORIGINS would have (scripts/csp.mjs), put into
// the served index.html — except in the first test, which checks that an
// unconfigured page refuses tile servers and says so.
//
// 高德 (GCJ-02): the expected screen position comes from published WGS-84 →
// GCJ-02 pairs (the reference points of crates/shequ-import/src/mars.rs):
// the tile pixel of the GCJ-02 coordinates must be drawn where the page puts
// the WGS-84 coordinates.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { ARTIFACTS, launch, startServer, watchedPage } from './harness.mjs';
import { csp, TILE_ORIGINS } from '../scripts/csp.mjs';

const ORIGINS = [...new Set([TILE_ORIGINS.osm, TILE_ORIGINS.tianditu, TILE_ORIGINS.amap, 'https://tiles.example.test'])].join(' ');
const TILE_HOSTS = /(tianditu\.gov\.cn|is\.autonavi\.com|tile\.openstreetmap\.org|tiles\.example\.test)$/;

// Published pairs (WGS 84 → GCJ-02): googollee/eviltransform's test table and
// wandergis/coordtransform's Tiananmen example, as used in mars.rs.
const REFERENCE = [
  { place: 'Shanghai', wgs: [121.5272106, 31.1774276], gcj: [121.531541859215, 31.17530398364597] },
  { place: 'Shenzhen', wgs: [113.912316, 22.543847], gcj: [113.9171764808363, 22.540796131694766] },
  { place: 'Beijing', wgs: [116.377817, 39.911954], gcj: [116.38404722455657, 39.91334545536069] },
  { place: 'Tiananmen', wgs: [116.404, 39.915], gcj: [116.41024449916938, 39.91640428150164] },
];

let server, browser;
const numbers = {};

function png(size = 256) {
  const row = Buffer.alloc(size * 3 + 1, 0xd8);
  row[0] = 0;
  const raw = Buffer.concat(Array.from({ length: size }, () => row));
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
const PNG = png();

/** A page; with `configured`, index.html is served with the CSP of a build allowing the tile origins. */
async function open({ configured, path = '/index.html', rewrite } = {}) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'zh-CN' });
  const { page, watch } = await watchedPage(context, server.origin);
  const tiles = [];
  await page.route((url) => TILE_HOSTS.test(url.hostname), (route) => {
    tiles.push(route.request().url());
    return route.fulfill({ status: 200, contentType: 'image/png', body: PNG });
  });
  if (configured) {
    const policy = csp(ORIGINS);
    await page.route((url) => url.origin === server.origin && /\.html$/.test(url.pathname), async (route) => {
      const res = await route.fetch();
      const body = (await res.text()).replace(/(<meta http-equiv="Content-Security-Policy" content=")[^"]*"/, (_, a) => a + policy.replace(/'/g, '&#39;') + '"');
      assert.ok(body.includes(TILE_ORIGINS.amap), 'the meta CSP was replaced');
      await route.fulfill({ response: res, body, headers: { ...res.headers(), 'content-security-policy': policy } });
    });
  }
  if (rewrite) await page.route(rewrite.match, async (route) => {
    const res = await route.fetch();
    const text = await res.text();
    const body = rewrite.edit(text);
    assert.notEqual(body, text, 'the embedding page was rewritten');
    await route.fulfill({ response: res, body });
  });
  await page.goto(server.origin + path);
  await page.waitForSelector('[data-testid="total-communities"]', { timeout: 90000 });
  return { context, page, watch, tiles };
}

async function settings(page, choose, fill = {}) {
  await page.click('[data-testid="settings"]');
  await page.waitForSelector('[data-testid="settings-dialog"]');
  for (const [testid, v] of Object.entries(fill)) await page.fill(`[data-testid="${testid}"]`, v);
  await page.check(`[data-testid="basemap-${choose}"]`);
  await page.click('[data-testid="settings-apply"]');
}

/** Loaded tile images of the basemap pane: [{src, left, top, width, height}]. */
const tileImages = (page, re) => page.$$eval('.leaflet-shequ-tiles-pane img.leaflet-tile', (imgs, src) => imgs
  .filter((i) => i.complete && i.naturalWidth === 256 && new RegExp(src).test(i.src))
  .map((i) => { const r = i.getBoundingClientRect(); return { src: i.src, left: r.left, top: r.top, width: r.width, height: r.height }; }), re.source);

/** Global Web Mercator pixel of lon/lat at zoom z. */
function mercator([lon, lat], z) {
  const n = 256 * 2 ** z, s = Math.sin((lat * Math.PI) / 180);
  return [((lon + 180) / 360) * n, (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * n];
}

/** Where the page draws the tile pixel of `at` (lon/lat in the tiles' own system): [x, y], or null. */
async function tilePixelOnScreen(page, re, xyz, at) {
  const imgs = await tileImages(page, re);
  for (const img of imgs) {
    const [x, y, z] = xyz(img.src);
    const [px, py] = mercator(at, z);
    if (Math.floor(px / 256) !== x || Math.floor(py / 256) !== y) continue;
    return [img.left + ((px - 256 * x) / 256) * img.width, img.top + ((py - 256 * y) / 256) * img.height];
  }
  return null;
}

const amapXYZ = (src) => { const u = new URL(src); return ['x', 'y', 'z'].map((k) => Number(u.searchParams.get(k))); };
const osmXYZ = (src) => { const [z, x, y] = new URL(src).pathname.match(/\d+/g).map(Number); return [x, y, z]; };

function squarePlan([lon, lat], name) {
  const d = 0.004;
  const ring = (r) => [[lon - r, lat - r], [lon + r, lat - r], [lon + r, lat + r], [lon - r, lat + r], [lon - r, lat - r]];
  return JSON.stringify({ type: 'FeatureCollection', features: [
    { type: 'Feature', properties: { layer: 'community', id: 'T1', name }, geometry: { type: 'Polygon', coordinates: [ring(d)] } },
    { type: 'Feature', properties: { layer: 'compound', id: 'K1', name: name + '小区', households: 1800 }, geometry: { type: 'Polygon', coordinates: [ring(d / 2)] } },
  ] });
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startServer();
  browser = await launch();
});

after(async () => {
  console.log('measured:', JSON.stringify(numbers));
  await browser?.close();
  await server?.close();
});

describe('basemaps', () => {
  test('the CSP names tile origins only when configured, and only origins', () => {
    assert.doesNotMatch(csp(), /https:/);
    assert.match(csp('https://*.tianditu.gov.cn'), /img-src 'self' data: https:\/\/\*\.tianditu\.gov\.cn$/);
    assert.throws(() => csp("https://x.test; script-src 'unsafe-inline'"), /SHEQU_TILE_ORIGINS/);
  });

  test('unconfigured, the page’s CSP refuses a tile server and the page says so', async () => {
    const { context, page, watch, tiles } = await open({ configured: false });
    await settings(page, 'osm');
    const toast = await page.waitForSelector('.shequ-toast:has-text("tile.openstreetmap.org")', { timeout: 15000 });
    assert.match(await toast.textContent(), /CSP/);
    assert.equal(tiles.length, 0, 'no tile request got out');
    assert.ok(watch.csp.some((v) => /img-src/.test(v) && /openstreetmap/.test(v)), watch.csp.join('\n'));
    await context.close();
  });

  test('天地图: a key is required; with one, vector + labels and imagery + labels come from the tianditu origin', async () => {
    const { context, page, watch, tiles } = await open({ configured: true });
    // No key: the settings say so and stay open.
    await page.click('[data-testid="settings"]');
    await page.check('[data-testid="basemap-tianditu"]');
    await page.fill('[data-testid="tianditu-key"]', '');
    await page.click('[data-testid="settings-apply"]');
    assert.equal(await page.isVisible('[data-testid="settings-problem"]'), true);
    assert.match(await page.textContent('[data-testid="settings-problem"]'), /密钥/);
    await page.fill('[data-testid="tianditu-key"]', 'KEY-123');
    await page.click('[data-testid="settings-apply"]');
    await page.waitForSelector('[data-testid="settings-dialog"]', { state: 'detached' });
    await page.waitForFunction(() => document.querySelectorAll('.leaflet-shequ-tiles-pane img.leaflet-tile[src*="cva_w"]').length > 0);
    const vec = tiles.filter((u) => /^https:\/\/t[0-7]\.tianditu\.gov\.cn\/vec_w\/wmts\?/.test(u));
    const cva = tiles.filter((u) => /^https:\/\/t[0-7]\.tianditu\.gov\.cn\/cva_w\/wmts\?/.test(u));
    assert.ok(vec.length > 0 && cva.length > 0, tiles.slice(0, 5).join('\n'));
    for (const u of [...vec, ...cva]) {
      const q = new URL(u).searchParams;
      assert.equal(q.get('tk'), 'KEY-123');
      assert.equal(q.get('TILEMATRIXSET'), 'w');
      assert.ok(Number(q.get('TILEMATRIX')) <= 18);
    }
    await page.waitForFunction(() => [...document.querySelectorAll('.leaflet-shequ-tiles-pane img.leaflet-tile')].some((i) => i.complete && i.naturalWidth === 256));
    numbers.tianditu_tiles = vec.length + cva.length;
    await page.screenshot({ path: join(ARTIFACTS, 'basemap-01-tianditu.png') });
    // Imagery: img_w + cia_w; the key is remembered.
    tiles.length = 0;
    await settings(page, 'tianditu_img');
    await page.waitForFunction(() => document.querySelectorAll('.leaflet-shequ-tiles-pane img.leaflet-tile[src*="cia_w"]').length > 0);
    assert.ok(tiles.some((u) => /\/img_w\/wmts\?.*LAYER=img.*tk=KEY-123/.test(u)), tiles[0]);
    assert.ok(tiles.some((u) => /\/cia_w\/wmts\?.*LAYER=cia.*tk=KEY-123/.test(u)));
    assert.ok(!tiles.some((u) => /vec_w|cva_w/.test(u)), 'the vector layers are gone');
    assert.deepEqual(watch.csp, []);
    await context.close();
  });

  test('mount options: basemap and tiandituKey from the embedding page', async () => {
    const { context, page, tiles } = await open({
      configured: true, path: '/examples/portal.html',
      rewrite: { match: /\/assets\/portal-[^/]*\.js$/, edit: (s) => s.replace(/autosaveKey:\s*([`"'])portal-example\1/, 'autosaveKey:"portal-example",basemap:"tianditu",tiandituKey:"MOUNT-KEY"') },
    });
    await page.waitForFunction(() => document.querySelectorAll('.leaflet-shequ-tiles-pane img.leaflet-tile[src*="vec_w"]').length > 0);
    assert.ok(tiles.length > 0 && tiles.every((u) => new URL(u).searchParams.get('tk') === 'MOUNT-KEY'), tiles[0]);
    await context.close();
  });

  test('高德 (GCJ-02): tiles are moved by the offset, onto the WGS-84 plan, at the published reference points', async () => {
    const { context, page, watch, tiles } = await open({ configured: true });
    const results = [];
    for (const ref of REFERENCE) {
      await page.evaluate(([text, name]) => window.shequ.load(text, name), [squarePlan(ref.wgs, ref.place), ref.place + '.geojson']);
      await page.waitForTimeout(300);
      const want = await page.evaluate(([lng, lat]) => window.shequ.toScreen(lng, lat), ref.wgs);
      const naive = await page.evaluate(([lng, lat]) => window.shequ.toScreen(lng, lat), ref.gcj);
      // Control: OpenStreetMap (WGS 84) tiles are not moved.
      await page.evaluate(() => window.shequ.setBasemap('osm'));
      await page.waitForFunction(() => [...document.querySelectorAll('.leaflet-shequ-tiles-pane img.leaflet-tile')].filter((i) => i.complete && i.naturalWidth === 256).length > 4);
      const osm = await tilePixelOnScreen(page, /openstreetmap/, osmXYZ, ref.wgs);
      assert.ok(osm, 'an OSM tile under the point');
      assert.ok(Math.hypot(osm[0] - want.x, osm[1] - want.y) < 1, `OSM at ${osm}, plan at ${want.x},${want.y}`);
      // 高德: the tile pixel of the GCJ-02 coordinates lands on the WGS-84 point.
      tiles.length = 0;
      assert.equal(await page.evaluate(() => window.shequ.setBasemap('amap')), true);
      await page.waitForFunction(() => [...document.querySelectorAll('.leaflet-shequ-tiles-pane img.leaflet-tile[src*="autonavi"]')].filter((i) => i.complete && i.naturalWidth === 256).length > 4);
      await page.waitForTimeout(200);
      const got = await tilePixelOnScreen(page, /autonavi/, amapXYZ, ref.gcj);
      assert.ok(got, `an amap tile holding the GCJ-02 point was requested and drawn (${tiles.length} requests; tiles already seen come from the cache)`);
      const error = Math.hypot(got[0] - want.x, got[1] - want.y);
      const shift = Math.hypot(naive.x - want.x, naive.y - want.y);
      const z = amapXYZ((await tileImages(page, /autonavi/))[0].src)[2];
      results.push({ place: ref.place, z, error_px: +error.toFixed(2), offset_px: +shift.toFixed(1) });
      assert.ok(shift > 50, `the GCJ-02 offset is visible at this zoom (${shift} px)`);
      assert.ok(error < 1.2, `${ref.place}: tile pixel at ${got}, plan point at ${want.x},${want.y} (${error.toFixed(2)} px)`);
      // Every request is a 高德 tile URL of that zoom; the view is covered by loaded tiles (no empty edge).
      assert.ok(tiles.every((u) => /^https:\/\/webrd0[1-4]\.is\.autonavi\.com\/appmaptile\?/.test(u)), tiles[0]);
      const map = await page.locator('[data-testid="map"]').boundingBox();
      const imgs = await tileImages(page, /autonavi/);
      for (let i = 0; i <= 8; i++) for (let j = 0; j <= 8; j++) {
        const x = map.x + 1 + ((map.width - 2) * i) / 8, y = map.y + 1 + ((map.height - 2) * j) / 8;
        assert.ok(imgs.some((r) => x >= r.left && x <= r.left + r.width && y >= r.top && y <= r.top + r.height), `no tile at ${x},${y}`);
      }
      if (ref.place === 'Shanghai') await page.screenshot({ path: join(ARTIFACTS, 'basemap-02-amap.png') });
    }
    numbers.gcj = results;
    assert.deepEqual(watch.csp, []);
    await context.close();
  });

  test('a custom tile URL: its origin, its maximum zoom, its attribution', async () => {
    const { context, page, tiles } = await open({ configured: true });
    assert.equal(await page.evaluate(() => window.shequ.setBasemap({ url: 'https://tiles.example.test/{z}/{x}/{y}.png', attribution: '© 示例瓦片', maxZoom: 12 })), true);
    await page.waitForFunction(() => document.querySelectorAll('.leaflet-shequ-tiles-pane img.leaflet-tile').length > 0);
    assert.ok(tiles.length > 0 && tiles.every((u) => /^https:\/\/tiles\.example\.test\/(\d+)\//.test(u) && Number(/\/(\d+)\//.exec(u)[1]) <= 12), tiles[0]);
    assert.match(await page.textContent('.leaflet-control-attribution'), /示例瓦片/);
    // Back to the offline basemap: no tile layer left.
    await settings(page, 'plan');
    assert.equal(await page.locator('.leaflet-shequ-tiles-pane img.leaflet-tile').count(), 0);
    await context.close();
  });
});
