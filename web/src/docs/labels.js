// Where the sheet map's labels go, in frame pixels (y down). A label is a box
// — its text measured in the font the sheet prints with — that must lie inside
// a region (a community's part of the map less everything already written on
// it). Regions are cut with polyclip-ts (the clipper under turf's boolean
// operations); the spot inside one is the pole of inaccessibility that
// polylabel finds, taken with the map stretched vertically by the label's
// aspect ratio, so that the circle it finds bounds a box of the label's shape.
// Outlines are simplified first (simplify-js, to half a pixel).
import { difference, intersection } from 'polyclip-ts';
import polylabel from 'polylabel';
import simplify from 'simplify-js';

/** [x0, y0, x1, y1] → a polygon (for polyclip-ts). */
export const boxPolygon = ([x0, y0, x1, y1]) => [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]];

export const boxesMeet = (a, b) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];

function bboxOf(multi) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  for (const poly of multi) for (const [x, y] of poly[0]) {
    if (x < b[0]) b[0] = x;
    if (y < b[1]) b[1] = y;
    if (x > b[2]) b[2] = x;
    if (y > b[3]) b[3] = y;
  }
  return b;
}

let family = null, ctx2d = null;

/**
 * Measures `text` at `size` px and `weight` in the font family the sheets use
 * (read once from the style sheet, so that there is one source for it):
 * {w, ascent, descent}.
 */
export function measure(text, size, weight = 400) {
  if (!ctx2d) {
    const probe = document.createElement('div');
    probe.className = 'shequ-docs';
    probe.hidden = true;
    document.body.append(probe);
    family = getComputedStyle(probe).fontFamily || 'sans-serif';
    probe.remove();
    ctx2d = document.createElement('canvas').getContext('2d');
  }
  ctx2d.font = `${weight} ${size}px ${family}`;
  const m = ctx2d.measureText(text);
  return { w: m.width, ascent: m.fontBoundingBoxAscent ?? size * 0.9, descent: m.fontBoundingBoxDescent ?? size * 0.25 };
}

/**
 * `polys` (polygons of rings of [x, y]) simplified to within `tolerance`
 * pixels (simplify-js): an outline of thousands of surveyed vertices clips as
 * fast as the demo's; rings that shrink to nothing are dropped.
 */
export function simplified(polys, tolerance = 0.5) {
  const out = [];
  for (const poly of polys) {
    const rings = [];
    for (const ring of poly) {
      const r = simplify(ring.map(([x, y]) => ({ x, y })), tolerance, true).map(({ x, y }) => [x, y]);
      if (r.length >= 4) rings.push(r);
      else if (!rings.length) break; // the outer ring is gone: so is the polygon
    }
    if (rings.length) out.push(rings);
  }
  return out;
}

/**
 * The label layout of one map: `frame` is [x0, y0, x1, y1], the part of the
 * map labels may use. `take(box)` marks a box as written on; `exclude(polys)`
 * keeps every later label out of those polygons.
 */
export class Layout {
  constructor(frame) {
    this.frame = frame;
    this.taken = [];
    this._free = [boxPolygon(frame)];
  }

  take(box) {
    this.taken.push(box);
    return box;
  }

  exclude(polys) {
    try {
      this._free = difference(this._free, polys);
    } catch {
      this._free = []; // the clipper refused the outline: no more labels rather than one on it
    }
  }

  /** Whether `box` is inside the frame and clear of every box taken. */
  free(box) {
    const f = this.frame;
    return box[0] >= f[0] && box[1] >= f[1] && box[2] <= f[2] && box[3] <= f[3] && !this.taken.some((t) => boxesMeet(t, box));
  }

  /**
   * A `w`×`h` box inside `polys` (polygons in frame pixels, simplified) less
   * what is excluded and the boxes taken, within the frame, as centred as it
   * fits; null when it fits nowhere. With `force`, the best spot even if the
   * box sticks out (for the map's own community).
   */
  placeIn(polys, w, h, { force = false } = {}) {
    let region;
    try {
      region = intersection(polys, this._free);
      if (!region.length) return null;
      const b = bboxOf(region);
      const near = this.taken.filter((t) => boxesMeet(t, b)).map(boxPolygon);
      if (near.length) region = difference(region, ...near);
    } catch {
      return null; // a degenerate outline the clipper refuses: no label rather than a wrong one
    }
    // Stretch y by w/h: the box becomes a square, inside any circle of radius w/√2 about its centre.
    const k = w / h;
    let best = null;
    for (const poly of region) {
      const p = polylabel(poly.map((r) => r.map(([x, y]) => [x, y * k])), 0.5);
      if (!best || p.distance > best.d) best = { x: p[0], y: p[1] / k, d: p.distance };
    }
    if (!best) return null;
    const box = [best.x - w / 2, best.y - h / 2, best.x + w / 2, best.y + h / 2];
    if (best.d >= (w / 2) * Math.SQRT2 || force) return box;
    // Not certain from the circle alone: the box fits if nothing of it is outside the region.
    if (best.d >= w / 2) {
      try {
        if (!difference(boxPolygon(box), region).length) return box;
      } catch { /* refused: treated as not fitting */ }
    }
    return null;
  }

  /** The first of `points` ([x, y], in order of preference) where a `w`×`h` box centred on it is free. */
  placeAt(points, w, h) {
    for (const [x, y] of points) {
      const box = [x - w / 2, y - h / 2, x + w / 2, y + h / 2];
      if (this.free(box)) return box;
    }
    return null;
  }
}
