// What a reassign or a merge would do, shown before it is done (loaded on
// first use by editor.js). Reassign: the compound or grid cell picked is
// highlighted while its new community is chosen, and each choice says the
// households of the communities after ("A 2,310 → 2,050 户；B …"); a
// compound given as a point has no outline to move, so its grid cell is
// offered instead. Merge: the outline and households of the result, whether
// it would be in parts, then Confirm or Cancel.
import L from 'leaflet';
import { el } from '../dom.js';
import { num, t } from '../i18n.js';
import '../i18n-edit.js';
import { bboxOfGeometry, geojsonPolys, inBbox, inPolys, labelPoint } from '../map/geo.js';
import { highlightStyle } from '../map/styles.js';

const inner = new WeakMap(); // compound feature → its inner point
const hh = (n) => t('hh_long', { n: num(n) });

/** A click in the reassign tool: the menu of neighbours to give the compound or grid cell under it to. */
export function reassignPick(editor, latlng, point, shift) {
  const ctx = editor._ctx;
  const { state } = ctx;
  let layer = editor.reassignLayer;
  let fid = layer === 'grid' ? ctx.context.gridAt(latlng) : ctx.context.compoundAt(latlng);
  if (!fid) return;
  const compound = layer === 'compound' ? state.features.compound.get(fid) : null;
  let title, label = layer === 'grid' ? cellCode(state, fid) : state.compoundName(fid);
  if (compound?.geometry?.type === 'Point') {
    // No outline of its own to move: the engine moves areas. Its grid cell, said so.
    const [lng, lat] = compound.geometry.coordinates;
    const cell = ctx.context.gridAt(L.latLng(lat, lng)) ?? cellAt(state, lat, lng);
    const name = state.compoundName(fid);
    if (!cell) return ctx.toast(t('reassign_point_none', { name }), 'info', 8000, 'toast-point-compound');
    layer = 'grid';
    fid = cell;
    shift = false; // more than the compound moves: always ask
    label = cellCode(state, cell);
    title = (n) => t('reassign_point_title', { name, code: label, hh: hh(n) });
  } else if (layer === 'grid') {
    title = (n) => t('reassign_grid_title', { code: label, hh: hh(n) });
  } else {
    title = (n) => t('reassign_compound_title', { name: label, hh: hh(n) });
  }
  const owner = state.owner[layer].get(fid);
  const targets = (state.communities.get(owner)?.neighbours ?? []).map((n) => n.id);
  if (!owner) {
    // In no community yet: offer the community around it.
    const at = ctx.communities.at(latlng);
    if (at) targets.push(at);
  }
  const moving = layer === 'grid' ? compoundsIn(state, fid) : [fid];
  const total = moving.reduce((s, id) => s + state.compoundHouseholds(id), 0);
  if (!targets.length) return ctx.toast(t('reassign_none', { name: label }), 'info');
  // The community chosen last comes first (Enter takes it); Shift+click
  // gives to it without asking, as a districting tool's brush would.
  const last = targets.indexOf(editor._lastTarget);
  if (last >= 0 && shift) return editor._reassign(layer, fid, editor._lastTarget);
  if (last > 0) targets.unshift(...targets.splice(last, 1));
  const mark = highlight(ctx, layer === 'grid' ? state.features.grid.get(fid) : compound);
  const box = el('div', { class: 'shequ-menu shequ-menu-preview', role: 'menu', testid: 'reassign-menu' },
    el('div', { class: 'shequ-menu-title', text: title(total) }),
    targets.map((to) => el('button', {
      class: 'shequ-menu-item', role: 'menuitem', testid: 'reassign-target-' + to,
      onclick: () => { ctx.menu.close(); editor._reassign(layer, fid, to); },
    }, el('span', { text: state.name(to) }), el('span', { class: 'shequ-menu-note', testid: 'reassign-after-' + to, text: after(state, moving, to) }))));
  ctx.menu.openElement(point, box, () => mark.remove());
}

/** "A 2,310 → 2,050 户；B 1,800 → 2,060 户": the communities whose households change when `moving` goes to `to`. */
function after(state, moving, to) {
  const now = new Map();
  const add = (id, h) => now.set(id, (now.get(id) ?? state.communities.get(id)?.households_total ?? 0) + h);
  for (const id of moving) {
    const from = state.owner.compound.get(id);
    const h = state.compoundHouseholds(id);
    if (from === to) continue;
    if (from) add(from, -h);
    add(to, h);
  }
  if (!now.size) add(to, 0);
  return [...now].map(([id, n]) => t('reassign_after', { name: state.name(id), from: num(state.communities.get(id)?.households_total ?? 0), to: num(n) })).join(t('reassign_after_sep'));
}

/**
 * The compounds a grid cell takes with it: those whose inner point (the
 * point the map labels a shape at) lies in the cell. The engine decides a
 * compound's community by its largest share, which is the same unless a
 * compound straddles the cell's edge nearly half and half.
 */
function compoundsIn(state, cell) {
  const g = state.features.grid.get(cell)?.geometry;
  if (!g) return [];
  const box = bboxOfGeometry(g), polys = geojsonPolys(g);
  const out = [];
  for (const [id, f] of state.features.compound) {
    const geom = f.geometry;
    if (!geom) continue;
    const p = geom.type === 'Point' ? [geom.coordinates[1], geom.coordinates[0]] : innerPoint(f);
    if (p && inBbox(p[0], p[1], box) && inPolys(p[0], p[1], polys)) out.push(id);
  }
  return out;
}

function innerPoint(f) {
  if (!inner.has(f)) inner.set(f, labelPoint(geojsonPolys(f.geometry)));
  return inner.get(f);
}

/** The grid cell a point lies in, when the map does not show the grid. */
function cellAt(state, lat, lng) {
  for (const [id, f] of state.features.grid) {
    if (f.geometry && inBbox(lat, lng, bboxOfGeometry(f.geometry)) && inPolys(lat, lng, geojsonPolys(f.geometry))) return id;
  }
  return null;
}

const cellCode = (state, id) => state.features.grid.get(id)?.properties?.code ?? id;

/** The feature picked, drawn over the map until the menu closes. */
function highlight(ctx, feature) {
  const r = ctx.view.paint('shequ-highlight');
  return L.geoJSON(feature?.geometry ?? null, {
    style: { ...highlightStyle, fillOpacity: 0.35 }, ...r, interactive: false,
    pointToLayer: (f, ll) => L.circleMarker(ll, { ...highlightStyle, radius: 10, ...r, interactive: false }),
  }).addTo(ctx.view.map);
}

/** A click in the merge tool: the result of absorbing the community clicked into the one selected. */
export function mergePick(editor, latlng, point) {
  const ctx = editor._ctx;
  const { state } = ctx;
  const keep = ctx.communities.selected;
  const other = ctx.communities.at(latlng);
  if (!keep || !other || other === keep) {
    if (other) ctx.select(other);
    return;
  }
  showMerge(ctx, keep, other, point);
}

/** The merge of `other` into `keep` drawn on the map, with its households and parts, to confirm or cancel; at container point `point` (default: the map's upper left). */
export function showMerge(ctx, keep, other, point = { x: 12, y: 52 }) {
  const { state } = ctx;
  const A = state.communities.get(keep), B = state.communities.get(other);
  const a = state.name(keep), b = state.name(other);
  const adjacent = A.neighbours.some((n) => n.id === other);
  const shapes = [state.shapes.get(keep), state.shapes.get(other)];
  const map = ctx.view.map;
  const bounds = L.latLngBounds(shapes.flatMap((s) => [[s.bbox[1], s.bbox[0]], [s.bbox[3], s.bbox[2]]]));
  if (!map.getBounds().contains(bounds)) map.fitBounds(bounds, { padding: [40, 40], animate: false });
  const { outline, parts } = merged(shapes);
  const r = ctx.view.paint('shequ-highlight');
  const mark = L.layerGroup([
    L.polygon(shapes.flatMap((s) => s.polys), { stroke: false, fillColor: highlightStyle.color, fillOpacity: 0.3, ...r, interactive: false }),
    L.polyline(outline, { color: highlightStyle.color, weight: 4, opacity: 1, ...r, interactive: false }),
  ]).addTo(map);
  const total = A.households_total + B.households_total;
  const band = A.band;
  const lines = adjacent ? [
    el('p', { testid: 'merge-households', text: t('merge_households', { a, total: num(total), x: num(A.households_total), y: num(B.households_total) }) }),
    band && (total < band.target_min || total > band.target_max) && el('p', { class: 'shequ-merge-warn', testid: 'merge-band', text: t('merge_band', { min: num(band.target_min), max: num(band.target_max) }) }),
    el('p', { class: parts > 1 ? 'shequ-merge-warn' : null, testid: 'merge-parts', text: parts > 1 ? t('merge_parts', { n: parts }) : t('merge_one_part') }),
  ] : [el('p', { class: 'shequ-merge-warn', testid: 'merge-not-adjacent', text: t('merge_not_adjacent', { a, b }) })];
  const confirm = adjacent && el('button', {
    class: 'shequ-btn shequ-btn-primary', testid: 'merge-confirm', text: t('merge_do', { a }),
    onclick: () => {
      ctx.menu.close();
      if (ctx.edit('merge', keep, other)) ctx.setTool('select');
    },
  });
  const box = el('div', { class: 'shequ-menu shequ-merge-preview', role: 'dialog', 'aria-label': t('merge_title', { a, b }), testid: 'merge-preview', dataset: { parts: String(parts) } },
    el('div', { class: 'shequ-menu-title', text: t('merge_title', { a, b }) }), lines,
    el('div', { class: 'shequ-form-buttons' }, el('button', { class: 'shequ-btn', testid: 'merge-cancel', text: t('cancel'), onclick: () => ctx.menu.close() }), confirm));
  ctx.menu.openElement(point, box, () => mark.remove());
  if (confirm) confirm.focus();
}

/**
 * Two communities' outline taken together and how many parts it has: the
 * edges of their rings that are not shared, and their polygons joined where
 * they share an edge. The engine keeps shared boundaries as shared vertices
 * (the same coordinates in both), so a shared edge is the same pair in both.
 */
export function merged(shapes) {
  const polys = shapes.flatMap((s) => s?.polys ?? []);
  const edges = new Map(); // edge → the polygons having it
  const key = (p, q) => {
    const u = p[0] + ',' + p[1], v = q[0] + ',' + q[1];
    return u < v ? u + ' ' + v : v + ' ' + u;
  };
  polys.forEach((poly, i) => {
    for (const ring of poly) for (let j = 1; j < ring.length; j++) {
      const k = key(ring[j - 1], ring[j]);
      const list = edges.get(k);
      if (list) list.push(i);
      else edges.set(k, [i]);
    }
  });
  const up = polys.map((_, i) => i);
  const root = (i) => (up[i] === i ? i : (up[i] = root(up[i])));
  for (const list of edges.values()) if (list.length > 1) up[root(list[0])] = root(list[1]);
  const outline = [];
  for (const poly of polys) for (const ring of poly) {
    let run = [];
    for (let j = 1; j < ring.length; j++) {
      if (edges.get(key(ring[j - 1], ring[j])).length === 1) {
        if (!run.length) run.push(ring[j - 1]);
        run.push(ring[j]);
      } else if (run.length) {
        outline.push(run);
        run = [];
      }
    }
    if (run.length) outline.push(run);
  }
  return { outline, parts: new Set(polys.map((_, i) => root(i))).size };
}
