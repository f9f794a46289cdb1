// The sheet's map: an SVG of one community with its neighbours, the roads,
// lanes and rivers around it, its service centre and its 四至 — drawn from
// the plan alone (no tiles), so it prints offline. All text goes in as text
// nodes; all styling is attributes and classes (the page's CSP forbids
// inline styles).
import { num, t } from '../i18n.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 640, H = 410, PAD = 46;

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
  const labels = [];
  for (const [other, sh] of state.shapes) {
    if (other === id || !overlaps(sh.bbox, view)) continue;
    g.append(svg('path', { d: polysPath(sh.polys, p), class: 'shequ-sm-neighbour', 'fill-rule': 'evenodd' }));
    const b = [Math.max(sh.bbox[0], view[0]), Math.max(sh.bbox[1], view[1]), Math.min(sh.bbox[2], view[2]), Math.min(sh.bbox[3], view[3])];
    labels.push({ x: p.x((b[0] + b[2]) / 2), y: p.y((b[1] + b[3]) / 2), text: state.name(other), cls: 'shequ-sm-nlabel' });
  }

  // Roads, lanes and rivers; those that bound this community stand out.
  const bounding = new Set();
  for (const side of ['east', 'south', 'west', 'north']) for (const b of sizhi?.[side] ?? []) if (b.kind !== 'community' && b.kind !== 'street') bounding.add(b.name ? 'name:' + b.name : 'id:' + b.id);
  const named = new Map();
  for (const f of state.layer?.('barrier')?.features ?? []) {
    const ls = lines(f.geometry);
    if (!ls.length || !overlaps(lineBbox(ls), view)) continue;
    const pr = f.properties ?? {};
    const kind = ['road', 'lane', 'river'].includes(pr.kind) ? pr.kind : 'road';
    const key = pr.name ? 'name:' + pr.name : 'id:' + pr.id;
    const hit = bounding.has(key);
    const d = ls.map((l) => l.map(([x, y], i) => (i ? 'L' : 'M') + p.x(x).toFixed(1) + ' ' + p.y(y).toFixed(1)).join('')).join('');
    g.append(svg('path', { d, class: `shequ-sm-barrier shequ-sm-${kind}${hit ? ' shequ-sm-bounds' : ''}` }));
    if (hit && pr.name && !named.has(pr.name)) {
      // Label at the visible vertex nearest the community's outline centre-ish.
      const cx = (w + e) / 2, cy = (s + n) / 2;
      let best = null, bd = Infinity;
      for (const l of ls) for (const [x, y] of l) {
        if (x < view[0] || x > view[2] || y < view[1] || y > view[3]) continue;
        const dd = (x - cx) ** 2 + (y - cy) ** 2;
        if (dd < bd) { bd = dd; best = [x, y]; }
      }
      if (best) named.set(pr.name, { x: p.x(best[0]), y: p.y(best[1]), text: pr.name, cls: 'shequ-sm-blabel shequ-sm-' + kind + '-label' });
    }
  }

  // The community itself.
  g.append(svg('path', { d: polysPath(shape.polys, p), class: 'shequ-sm-community', 'fill-rule': 'evenodd', 'data-testid': 'sheet-map-outline' }));

  // Its service centre.
  const cid = state.communityProps(id).service_center;
  const centre = cid && state.features.service_center.get(cid);
  if (centre?.geometry?.type === 'Point') {
    const [x, y] = centre.geometry.coordinates;
    g.append(svg('circle', { cx: p.x(x).toFixed(1), cy: p.y(y).toFixed(1), r: 6, class: 'shequ-sm-center' }));
  }

  for (const l of [...labels, ...named.values()]) {
    if (l.x < 8 || l.x > W - 8 || l.y < 8 || l.y > H - 8) continue;
    g.append(svg('text', { x: l.x.toFixed(1), y: l.y.toFixed(1), class: l.cls, 'text-anchor': 'middle' }, l.text));
  }
  // The community's own name, at its box centre.
  g.append(svg('text', { x: p.x((w + e) / 2).toFixed(1), y: p.y((s + n) / 2).toFixed(1), class: 'shequ-sm-name', 'text-anchor': 'middle' }, state.name(id)));

  // 四至 along the frame.
  const side = (k, x, y, anchor, rotate) => svg('text', { x, y, class: 'shequ-sm-side', 'text-anchor': anchor, transform: rotate ? `rotate(${rotate} ${x} ${y})` : null, 'data-side': k },
    t('sizhi_' + k + '_short') + (text?.[k] || t('sizhi_none')));
  root.append(
    side('north', W / 2, 20, 'middle'), side('south', W / 2, H - 10, 'middle'),
    side('west', 20, H / 2, 'middle', -90), side('east', W - 20, H / 2, 'middle', 90));

  // North arrow and scale bar.
  root.append(svg('g', { class: 'shequ-sm-north', transform: `translate(${W - 40} 40)` },
    svg('path', { d: 'M0 -14 L6 6 L0 2 L-6 6 Z' }), svg('text', { x: 0, y: 20, 'text-anchor': 'middle' }, t('north_short'))));
  const barM = niceMetres(p.metresPerUnit * 120);
  const barPx = barM / p.metresPerUnit;
  root.append(svg('g', { class: 'shequ-sm-scale', transform: `translate(${PAD - 20} ${H - 30})` },
    svg('path', { d: `M0 0 V6 H${barPx.toFixed(1)} V0` }),
    svg('text', { x: (barPx / 2).toFixed(1), y: -4, 'text-anchor': 'middle' }, barM >= 1000 ? `${num(barM / 1000)} km` : `${num(barM)} m`)));
  root.append(svg('rect', { x: 0.5, y: 0.5, width: W - 1, height: H - 1, class: 'shequ-sm-frame' }));
  return root;
}
