// Small planar geometry for hit-testing and label placement. Rings here are
// [lat, lng] arrays as Leaflet takes them; GeoJSON is [lng, lat].

/** Even-odd point in ring; ring = [[y, x], …] ([lat, lng]). */
function inRing(lat, lng, ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [yi, xi] = ring[i], [yj, xj] = ring[j];
    if ((yi > lat) !== (yj > lat) && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Point in a community shape ({polys}), holes respected. */
export function inPolys(lat, lng, polys) {
  for (const poly of polys) {
    if (!inRing(lat, lng, poly[0])) continue;
    let hole = false;
    for (let r = 1; r < poly.length; r++) if (inRing(lat, lng, poly[r])) { hole = true; break; }
    if (!hole) return true;
  }
  return false;
}

export function inBbox(lat, lng, b) {
  return lng >= b[0] && lng <= b[2] && lat >= b[1] && lat <= b[3];
}

/** GeoJSON polygon coordinates ([[lng, lat]…]…) → Leaflet-style polys. */
export function geojsonPolys(g) {
  if (!g) return [];
  const flip = (ring) => ring.map(([x, y]) => [y, x]);
  if (g.type === 'Polygon') return [g.coordinates.map(flip)];
  if (g.type === 'MultiPolygon') return g.coordinates.map((p) => p.map(flip));
  return [];
}

export function bboxOfPolys(polys) {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  for (const poly of polys) for (const [lat, lng] of poly[0]) {
    if (lng < w) w = lng;
    if (lng > e) e = lng;
    if (lat < s) s = lat;
    if (lat > n) n = lat;
  }
  return [w, s, e, n];
}

/** [w, s, e, n] of a GeoJSON geometry's coordinates (any nesting), without copying them. */
export function bboxOfGeometry(g) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      if (c[0] < b[0]) b[0] = c[0];
      if (c[0] > b[2]) b[2] = c[0];
      if (c[1] < b[1]) b[1] = c[1];
      if (c[1] > b[3]) b[3] = c[1];
    } else for (const x of c) walk(x);
  };
  if (g?.coordinates) walk(g.coordinates);
  return b;
}

function ringArea(ring) {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][1] + ring[i][1]) * (ring[j][0] - ring[i][0]);
  return Math.abs(a / 2);
}

/**
 * A point well inside the largest polygon, for a label: the middle of the
 * widest horizontal run through the polygon, tried at several heights.
 */
export function labelPoint(polys) {
  let best = null, bestA = -1;
  for (const p of polys) {
    const a = ringArea(p[0]);
    if (a > bestA) { bestA = a; best = p; }
  }
  if (!best) return null;
  const [, s, , n] = bboxOfPolys([best]);
  let pick = null, widest = -1;
  for (const f of [0.5, 0.4, 0.6, 0.3, 0.7]) {
    const lat = s + (n - s) * f;
    const xs = [];
    for (const ring of best) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [yi, xi] = ring[i], [yj, xj] = ring[j];
        if ((yi > lat) !== (yj > lat)) xs.push(xi + ((lat - yi) * (xj - xi)) / (yj - yi));
      }
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const w = xs[k + 1] - xs[k];
      // Prefer the middle height unless another is clearly wider.
      if (w > widest * 1.25) { widest = w; pick = [lat, (xs[k] + xs[k + 1]) / 2]; }
    }
  }
  return pick;
}

/** Squared distance from p to segment ab, all {x, y}. */
export function segDist2(p, a, b) {
  const dx = b.x - a.x, dy = b.y - a.y;
  const l2 = dx * dx + dy * dy;
  let t = l2 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / l2 : 0;
  t = Math.max(0, Math.min(1, t));
  const x = a.x + t * dx - p.x, y = a.y + t * dy - p.y;
  return x * x + y * y;
}

/** Metres per CSS pixel at a latitude and zoom (Web Mercator). */
export function metresPerPixel(lat, zoom) {
  return (40075016.686 * Math.cos((lat * Math.PI) / 180)) / 2 ** (zoom + 8);
}
