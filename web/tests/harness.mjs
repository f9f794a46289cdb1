// Test harness: a tiny static server for web/dist (correct MIME types, the
// page's CSP as a header, a log of every request), headless Chromium through
// playwright-core, and the engine loaded in Node to compute expected values
// independently of the page.
import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { csp } from '../scripts/csp.mjs';

export const WEB = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(WEB, 'dist');
export const ARTIFACTS = join(WEB, 'tests', 'artifacts');

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.geojson': 'application/geo+json',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.map': 'application/json',
};

export function startServer(root = DIST) {
  const log = [];
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    log.push({ method: req.method, path: url.pathname + url.search });
    let path = normalize(join(root, decodeURIComponent(url.pathname)));
    if (!path.startsWith(root)) { res.writeHead(403).end(); return; }
    try {
      if ((await stat(path)).isDirectory()) path = join(path, 'index.html');
      const body = await readFile(path);
      res.writeHead(200, {
        'Content-Type': MIME[extname(path)] ?? 'application/octet-stream',
        'Content-Security-Policy': csp(),
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-cache',
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    resolve({ origin: `http://127.0.0.1:${port}`, log, close: () => new Promise((r) => server.close(r)) });
  }));
}

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/**
 * A page that records console errors, page errors, CSP violations and every
 * request, so a test can assert none happened and nothing left 127.0.0.1.
 */
export async function watchedPage(context, origin) {
  const page = await context.newPage();
  const watch = { errors: [], requests: [], csp: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') watch.errors.push(m.text());
    if (process.env.SHEQU_DEBUG) console.log(`[page ${m.type()}] ${m.text().slice(0, 300)}`);
  });
  page.on('pageerror', (e) => watch.errors.push('pageerror: ' + e.message));
  page.on('request', (r) => watch.requests.push(r.url()));
  await page.exposeFunction('__cspViolation', (v) => watch.csp.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolation(`${e.violatedDirective} ${e.blockedURI}`));
  });
  watch.foreign = () => watch.requests.filter((u) => !u.startsWith(origin + '/') && !u.startsWith('data:') && !u.startsWith('blob:'));
  return { page, watch };
}

/** Selects community `id` from the balance list and waits for the map to fly there. */
export async function selectCommunity(page, id) {
  await page.click('[data-testid="tab-balance"]');
  await page.click(`[data-testid="balance-row-${id}"]`);
  await page.waitForTimeout(900); // the map flies there
}

/** The engine in Node (the same wasm-pack output the page serves). */
export async function nodeEngine() {
  const pkg = join(DIST, 'pkg');
  if (!existsSync(join(pkg, 'shequ_wasm.js'))) throw new Error('dist/pkg missing: run `npm run wasm && npm run build` first');
  const mod = await import(pathToFileURL(join(pkg, 'shequ_wasm.js')).href);
  mod.initSync({ module: readFileSync(join(pkg, 'shequ_wasm_bg.wasm')) });
  return mod;
}

export function demoText() {
  return readFileSync(join(DIST, 'demo.geojson'), 'utf8');
}

// ---- geometry for choosing test edits --------------------------------------------

export function ringsOf(packed) {
  const out = new Map();
  const { ids, coords, rings, polygons, communities } = packed;
  for (let c = 0; c < ids.length; c++) {
    const list = [];
    for (let p = communities[c]; p < communities[c + 1]; p++) {
      for (let r = polygons[p]; r < polygons[p + 1]; r++) {
        const ring = [];
        for (let k = rings[r]; k < rings[r + 1]; k++) ring.push([coords[2 * k], coords[2 * k + 1]]);
        list.push(ring);
      }
    }
    out.set(ids[c], list);
  }
  return out;
}

export function metres(a, b) {
  const k = Math.PI / 180, R = 6371008.8;
  const x = (b[0] - a[0]) * k * Math.cos(((a[1] + b[1]) / 2) * k), y = (b[1] - a[1]) * k;
  return Math.hypot(x, y) * R;
}

export function inRing([x, y], ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i], [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** A point inside a polygon (the middle of the widest horizontal run). */
export function interiorPoint(ring) {
  let s = Infinity, n = -Infinity;
  for (const [, y] of ring) { s = Math.min(s, y); n = Math.max(n, y); }
  let best = null, widest = -1;
  for (const f of [0.5, 0.35, 0.65, 0.25, 0.75]) {
    const y = s + (n - s) * f;
    const xs = [];
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i], [xj, yj] = ring[j];
      if ((yi > y) !== (yj > y)) xs.push(xi + ((y - yi) * (xj - xi)) / (yj - yi));
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) if (xs[k + 1] - xs[k] > widest) { widest = xs[k + 1] - xs[k]; best = [(xs[k] + xs[k + 1]) / 2, y]; }
  }
  return best;
}

export function centroid(geometry) {
  if (geometry.type === 'Point') return geometry.coordinates;
  const ring = geometry.type === 'Polygon' ? geometry.coordinates[0] : geometry.coordinates[0][0];
  return interiorPoint(ring);
}

/**
 * A shared vertex (two communities, degree 2) and a point `T` beyond a compound
 * of one of them such that dragging the vertex to T — or to within a few metres
 * of it: the mouse lands within a pixel or so — moves exactly that compound to
 * the other community; found with `eng` (an Engine on the plan, left as it
 * was). Candidates `min`–`max` metres from the vertex, tried in `order`, T at
 * each of `factors` times the way to the compound. Returns {node, n, c: {id,
 * at, hh}, from, to, d, T} or null.
 */
export function dragMovingOne(eng, { min = 0, max = 300, order = (a, b) => a.d - b.d, factors = [1.6, 1.3, 2.0], limit = 400 } = {}) {
  const key = (p) => p[0] + ',' + p[1];
  const owners = new Map();
  for (const [id, list] of ringsOf(eng.geometry())) for (const ring of list) for (const p of ring) {
    if (!owners.has(key(p))) owners.set(key(p), new Set());
    owners.get(key(p)).add(id);
  }
  const ownerOf = new Map();
  for (const c of eng.report().communities) for (const x of c.compounds) ownerOf.set(x, c.id);
  const compounds = eng.layer('compound').features.map((f) => ({ id: String(f.properties.id), at: centroid(f.geometry), hh: (+f.properties.households || 0) + (+f.properties.planned_households || 0) }));
  const nodes = eng.nodes(-180, -90, 180, 90);
  const candidates = [];
  for (let i = 0; i < nodes.ids.length; i++) {
    const n = [nodes.coords[2 * i], nodes.coords[2 * i + 1]];
    const own = owners.get(key(n));
    if (nodes.degree[i] !== 2 || own?.size !== 2) continue;
    for (const c of compounds) {
      const from = ownerOf.get(c.id);
      const d = own.has(from) ? metres(n, c.at) : Infinity;
      if (d >= min && d <= max) candidates.push({ node: nodes.ids[i], n, c, from, to: [...own].find((x) => x !== from), d });
    }
  }
  candidates.sort(order);
  const movesOne = (cand, T) => {
    eng.beginDrag(cand.node);
    eng.dragTo(T[0], T[1], 0);
    const d = eng.endDrag();
    const moved = d.reverted ? [] : eng.report().comparison?.moves ?? [];
    while (eng.canUndo()) eng.undo();
    return moved.length === 1 && moved[0].compound_id === cand.c.id && moved[0].to === cand.to;
  };
  const m = 4 / 111000;
  for (const cand of candidates.slice(0, limit)) {
    for (const f of factors) {
      const T = [cand.n[0] + (cand.c.at[0] - cand.n[0]) * f, cand.n[1] + (cand.c.at[1] - cand.n[1]) * f];
      if ([[0, 0], [m, 0], [-m, 0], [0, m], [0, -m]].every(([dx, dy]) => movesOne(cand, [T[0] + dx, T[1] + dy]))) return { ...cand, T };
    }
  }
  return null;
}
