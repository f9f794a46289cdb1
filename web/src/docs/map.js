// The sheet's map: an SVG of one community with its neighbours, the roads,
// lanes and rivers around it, its service centre and its 四至 — drawn from
// the plan alone (no tiles), so it prints offline. All text goes in as text
// nodes; all styling is attributes and classes (the page's CSP forbids
// inline styles).
import { num, t } from '../i18n.js';
import { Layout, measure, simplified } from './labels.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 640, H = 390, PAD = 46;

function svg(tag, attrs, ...children) {
  const e = document.createElementNS(NS, tag);
  for (const k in attrs ?? {}) if (attrs[k] != null) e.setAttribute(k, String(attrs[k]));
  for (const c of children) if (c != null) e.append(c instanceof Node ? c : String(c));
  return e;
}

/** A projection of [w, s, e, n] (lon/lat) onto the frame, metres kept square. */
function projection(bbox) {
  const [w, s, e, n] = bbox;
  const k = Math.cos(((s + n) / 2) * Math.PI / 180);
  const spanX = Math.max((e - w) * k, 1e-9), spanY = Math.max(n - s, 1e-9);
  const scale = Math.min((W - 2 * PAD) / spanX, (H - 2 * PAD) / spanY);
  const ox = W / 2 - ((w + e) / 2) * k * scale, oy = H / 2 + ((s + n) / 2) * scale;
  const metresPerUnit = (111320 * 1) / scale; // one degree of latitude ≈ 111.32 km
  return { x: (lon) => ox + lon * k * scale, y: (lat) => oy - lat * scale, metresPerUnit };
}

function ringPath(ring, p) {
  // ring: [[lat, lng], …] (PlanState shapes)
  return ring.map(([lat, lng], i) => (i ? 'L' : 'M') + p.x(lng).toFixed(1) + ' ' + p.y(lat).toFixed(1)).join('') + 'Z';
}

function polysPath(polys, p) {
  return polys.map((poly) => poly.map((r) => ringPath(r, p)).join('')).join('');
}

function lines(geometry) {
  if (!geometry) return [];
  if (geometry.type === 'LineString') return [geometry.coordinates];
  if (geometry.type === 'MultiLineString') return geometry.coordinates;
  if (geometry.type === 'Polygon') return geometry.coordinates;
  if (geometry.type === 'MultiPolygon') return geometry.coordinates.flat();
  return [];
}

function lineBbox(ls) {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  for (const l of ls) for (const [x, y] of l) { w = Math.min(w, x); e = Math.max(e, x); s = Math.min(s, y); n = Math.max(n, y); }
  return [w, s, e, n];
}

const overlaps = (a, b) => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];

/** A "nice" scale-bar length (1, 2 or 5 × 10^k metres) near `m`. */
function niceMetres(m) {
  const p = 10 ** Math.floor(Math.log10(m));
  return [5, 2, 1].map((f) => f * p).find((v) => v <= m) ?? p;
}

/**
 * The map of community `id`. `sizhi`: the engine's `Engine.sizhi(id)` (to
 * emphasise what bounds it); `text`: the 四至 per side to write around it.
 */
export function sheetMap(ctx, id, sizhi, text) {
  const { state } = ctx;
  const shape = state.shapes.get(id);
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'shequ-sheet-map', role: 'img', 'aria-label': t('sheet_map_label', { name: state.name(id) }), 'data-testid': 'sheet-map' });
  if (!shape) return root;
  const [w, s, e, n] = shape.bbox;
  const mx = (e - w) * 0.18 + 1e-4, my = (n - s) * 0.18 + 1e-4;
  const view = [w - mx, s - my, e + mx, n + my];
  const p = projection(view);
  const clipId = 'shequ-clip-' + id.replace(/[^\w-]/g, '_');
  root.append(svg('defs', null, svg('clipPath', { id: clipId }, svg('rect', { x: 0, y: 0, width: W, height: H }))));
  const g = svg('g', { 'clip-path': `url(#${clipId})` });
  root.append(svg('rect', { x: 0, y: 0, width: W, height: H, class: 'shequ-sm-paper' }), g);

  // Neighbouring communities (anything whose box meets the view), outlined.
  // In frame pixels, to a tenth, simplified (the clipper computes in decimals: few, short numbers are fast).
  const tenth = (v) => Math.round(v * 10) / 10;
  const frame = (polys) => simplified(polys.map((poly) => poly.map((r) => r.map(([lat, lng]) => [tenth(p.x(lng)), tenth(p.y(lat))]))));
  const neighbours = [];
  for (const [other, sh] of state.shapes) {
    if (other === id || !overlaps(sh.bbox, view)) continue;
    g.append(svg('path', { d: polysPath(sh.polys, p), class: 'shequ-sm-neighbour', 'fill-rule': 'evenodd', 'data-id': other }));
    neighbours.push([other, sh]);
  }

  // Roads, lanes and rivers; those that bound this community stand out.
  const bounding = new Set();
  for (const side of ['east', 'south', 'west', 'north']) for (const b of sizhi?.[side] ?? []) if (b.kind !== 'community' && b.kind !== 'street') bounding.add(b.name ? 'name:' + b.name : 'id:' + b.id);
  const named = new Map(); // road name → its visible lines, in frame pixels
  for (const f of state.layer?.('barrier')?.features ?? []) {
    const ls = lines(f.geometry);
    if (!ls.length || !overlaps(lineBbox(ls), view)) continue;
    const pr = f.properties ?? {};
    const kind = ['road', 'lane', 'river'].includes(pr.kind) ? pr.kind : 'road';
    const key = pr.name ? 'name:' + pr.name : 'id:' + pr.id;
    const hit = bounding.has(key);
    const d = ls.map((l) => l.map(([x, y], i) => (i ? 'L' : 'M') + p.x(x).toFixed(1) + ' ' + p.y(y).toFixed(1)).join('')).join('');
    g.append(svg('path', { d, class: `shequ-sm-barrier shequ-sm-${kind}${hit ? ' shequ-sm-bounds' : ''}` }));
    if (hit && pr.name) {
      const entry = named.get(pr.name) ?? named.set(pr.name, { kind, lines: [] }).get(pr.name);
      for (const l of ls) entry.lines.push(l.map(([x, y]) => [p.x(x), p.y(y)]));
    }
  }

  // The community itself.
  const own = frame(shape.polys);
  g.append(svg('path', { d: polysPath(shape.polys, p), class: 'shequ-sm-community', 'fill-rule': 'evenodd', 'data-testid': 'sheet-map-outline' }));

  // What labels must keep clear of: the 四至 along the edges, the north arrow, the scale bar, the centre.
  const layout = new Layout([30, 27, W - 30, H - 24]);
  layout.take([W - 52, 22, W - 28, 64]);
  const barM = niceMetres(p.metresPerUnit * 120);
  const barPx = barM / p.metresPerUnit;
  layout.take([PAD - 22, H - 46, PAD - 18 + barPx, H - 22]);

  // Its service centre.
  const cid = state.communityProps(id).service_center;
  const centre = cid && state.features.service_center.get(cid);
  if (centre?.geometry?.type === 'Point') {
    const [x, y] = centre.geometry.coordinates;
    g.append(svg('circle', { cx: p.x(x).toFixed(1), cy: p.y(y).toFixed(1), r: 6, class: 'shequ-sm-center' }));
    layout.take([p.x(x) - 8, p.y(y) - 8, p.x(x) + 8, p.y(y) + 8]);
  }

  // Labels, most important first, each where nothing is written yet: the
  // community's own name inside it, the names of the roads and rivers that
  // bound it along them, then each neighbour's name inside the part of that
  // neighbour the map shows (and never inside this community).
  const write = (box, m, pad, cls, label, attrs = {}) => g.append(svg('text', {
    x: ((box[0] + box[2]) / 2).toFixed(1), y: (box[1] + pad + m.ascent).toFixed(1), class: cls, 'text-anchor': 'middle', ...attrs,
  }, label));
  const sized = (label, size, weight, pad) => {
    const m = measure(label, size, weight);
    return { m, w: m.w + 2 * pad, h: m.ascent + m.descent + 2 * pad };
  };

  const name = state.name(id);
  const nm = sized(name, 16, 700, 3);
  const nameBox = layout.placeIn(own, nm.w, nm.h, { force: true })
    ?? [p.x((w + e) / 2) - nm.w / 2, p.y((s + n) / 2) - nm.h / 2, p.x((w + e) / 2) + nm.w / 2, p.y((s + n) / 2) + nm.h / 2];
  write(layout.take(nameBox), nm.m, 3, 'shequ-sm-name', name, { 'data-testid': 'sheet-map-name' });

  const [cx, cy] = [(nameBox[0] + nameBox[2]) / 2, (nameBox[1] + nameBox[3]) / 2];
  for (const [label, { kind, lines: ls }] of named) {
    const r = sized(label, 12, 600, 2.5);
    // Points along the road every few pixels, nearest the community's middle first.
    const pts = [];
    for (const l of ls) for (let i = 1; i < l.length; i++) {
      const [[x0, y0], [x1, y1]] = [l[i - 1], l[i]];
      const k = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / 6));
      for (let j = 0; j <= k; j++) pts.push([x0 + ((x1 - x0) * j) / k, y0 + ((y1 - y0) * j) / k]);
    }
    pts.sort((a, b) => Math.hypot(a[0] - cx, a[1] - cy) - Math.hypot(b[0] - cx, b[1] - cy));
    const box = layout.placeAt(pts, r.w, r.h);
    if (box) write(layout.take(box), r.m, 2.5, 'shequ-sm-blabel shequ-sm-' + kind + '-label', label);
  }

  layout.exclude(own);
  for (const [other, sh] of neighbours) {
    const label = state.name(other);
    const polys = frame(sh.polys);
    for (const [size, cls] of [[12, 'shequ-sm-nlabel'], [10, 'shequ-sm-nlabel shequ-sm-nlabel-small']]) {
      const r = sized(label, size, 400, 2);
      const box = layout.placeIn(polys, r.w, r.h);
      if (box) {
        write(layout.take(box), r.m, 2, cls, label, { 'data-for': other });
        break;
      }
    }
  }

  // 四至 along the frame.
  const side = (k, x, y, anchor, rotate) => svg('text', { x, y, class: 'shequ-sm-side', 'text-anchor': anchor, transform: rotate ? `rotate(${rotate} ${x} ${y})` : null, 'data-side': k },
    t('sizhi_' + k + '_short') + (text?.[k] || t('sizhi_none')));
  root.append(
    side('north', W / 2, 20, 'middle'), side('south', W / 2, H - 10, 'middle'),
    side('west', 20, H / 2, 'middle', -90), side('east', W - 20, H / 2, 'middle', 90));

  // North arrow and scale bar.
  root.append(svg('g', { class: 'shequ-sm-north', transform: `translate(${W - 40} 40)` },
    svg('path', { d: 'M0 -14 L6 6 L0 2 L-6 6 Z' }), svg('text', { x: 0, y: 20, 'text-anchor': 'middle' }, t('north_short'))));
  root.append(svg('g', { class: 'shequ-sm-scale', transform: `translate(${PAD - 20} ${H - 30})` },
    svg('path', { d: `M0 0 V6 H${barPx.toFixed(1)} V0` }),
    svg('text', { x: (barPx / 2).toFixed(1), y: -4, 'text-anchor': 'middle' }, barM >= 1000 ? `${num(barM / 1000)} km` : `${num(barM)} m`)));
  root.append(svg('rect', { x: 0.5, y: 0.5, width: W - 1, height: H - 1, class: 'shequ-sm-frame' }));
  return root;
}
