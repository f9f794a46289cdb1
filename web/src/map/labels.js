// Community labels (name and households), as DOM text in their own pane.
// Thinned by zoom: placed largest community first, skipped where they would
// overlap one already placed (a grid of screen cells makes that test cheap)
// or not fit inside their community. A label element is made once per
// community and only its text, visibility and position change; sizes are
// measured in one batch, and again only when a text's length changes.
import { el } from '../dom.js';
import { num, shownName, t } from '../i18n.js';
import { labelPoint } from './geo.js';

const CELL = 96; // px, collision grid
// No label is narrower or lower than this (px) × 0.7 / 0.9: smaller communities are not measured.
const MIN_W = 28, MIN_H = 24;
// Where a label may go from its anchor, in steps of half its width (x) and
// three quarters of its height (y): on it, below, above; when every community
// is to be labelled, to the sides and corners too.
const OFFSETS = [[0, 0], [0, 1], [0, -1]];
const OFFSETS_ALL = [...OFFSETS, [0, 0.5], [0, -0.5], [0.5, 0], [-0.5, 0], [1, 0], [-1, 0], [0.5, 0.5], [-0.5, 0.5], [0.5, -0.5], [-0.5, -0.5], [1, 1], [-1, 1], [1, -1], [-1, -1]];

class Boxes {
  constructor() {
    this._cells = new Map();
  }

  _keys(b) {
    const keys = [];
    for (let x = Math.floor(b[0] / CELL); x <= Math.floor(b[2] / CELL); x++) {
      for (let y = Math.floor(b[1] / CELL); y <= Math.floor(b[3] / CELL); y++) keys.push(x * 65536 + y);
    }
    return keys;
  }

  free(b) {
    for (const k of this._keys(b)) {
      for (const q of this._cells.get(k) ?? []) if (b[0] < q[2] && b[2] > q[0] && b[1] < q[3] && b[3] > q[1]) return false;
    }
    return true;
  }

  add(b) {
    for (const k of this._keys(b)) {
      const list = this._cells.get(k);
      if (list) list.push(b);
      else this._cells.set(k, [b]);
    }
  }
}

export class LabelLayer {
  constructor(view, state) {
    this._view = view;
    this._state = state;
    this._pane = view.map.getPane('shequ-labels');
    this._labels = new Map(); // id → {div, name, hh, anchor, w, h, len, shown, x, y}
    this._visible = true;
    this._raf = 0;
    this._order = null; // ids, most households first
    // The presentation view's (consult/present.js): {name(c), hh(c)}, the texts;
    // while set, every community in view is labelled where its label has room.
    this.present = null;
    view.map.on('zoomend moveend resize', () => this.layout());
    view.map.on('zoomstart', () => this._pane.classList.add('shequ-hidden'));
  }

  reset() {
    for (const l of this._labels.values()) l.div?.remove();
    this._labels.clear();
    for (const id of this._state.order) this._upsert(id, true);
    this._order = null;
    this._layoutNow();
  }

  /** After a Delta: the changed labels, then the placement, in this frame. */
  update(changes) {
    for (const id of changes.removed) {
      this._labels.get(id)?.div?.remove();
      this._labels.delete(id);
    }
    let n = changes.removed.length;
    for (const id of changes.reports) { this._upsert(id, changes.shapes.has(id)); n++; }
    for (const id of changes.shapes) if (!changes.reports.has(id)) { this._upsert(id, true); n++; }
    if (!n) return;
    if (changes.removed.length || changes.added.length || changes.order || this._order?.length !== this._labels.size) this._order = null;
    else this._resort = true;
    this._layoutNow();
  }

  _upsert(id, moved) {
    const c = this._state.communities.get(id);
    const shape = this._state.shapes.get(id);
    if (!c || !shape) return;
    let l = this._labels.get(id);
    if (!l) {
      // The element is made when the label is first a candidate (_dom).
      l = { div: null, name: null, hh: null, nameText: '', hhText: '', status: '', w: 0, h: 0, len: -1, shown: false, x: NaN, y: NaN, anchor: null, stale: true };
      this._labels.set(id, l);
    }
    l.hh_n = c.households_total;
    // Texts and anchor are worked out when the label is first a candidate
    // (_fill): at a city's zoom most communities are too small for one.
    l.stale = true;
    if (moved) l.anchor = null;
    if (l.div) this._fill(id, l);
  }

  /** The label's texts and anchor, if out of date. */
  _fill(id, l) {
    if (l.stale) {
      const c = this._state.communities.get(id);
      l.stale = false;
      l.nameText = this.present ? this.present.name(c) : shownName(c);
      l.hhText = this.present ? this.present.hh(c) : t('hh_long', { n: num(c.households_total) });
      l.status = c.status;
      // Digits are about as wide as each other: measure again when the length changes.
      const len = l.nameText.length * 1000 + l.hhText.length;
      if (len !== l.len) {
        l.len = len;
        l.w = 0;
      }
      if (l.div) this._text(l);
    }
    l.anchor ??= labelPoint(this._state.shapes.get(id).polys);
    return l.anchor;
  }

  _dom(l) {
    l.name = el('span', { class: 'shequ-label-name' });
    l.hh = el('span', { class: 'shequ-label-hh' });
    l.div = el('div', { class: 'shequ-label', hidden: true }, l.name, l.hh);
    this._text(l);
    this._pane.append(l.div);
  }

  _text(l) {
    if (l.name.textContent !== l.nameText) l.name.textContent = l.nameText;
    if (l.hh.textContent !== l.hhText) l.hh.textContent = l.hhText;
    if (l.div.dataset.status !== l.status) l.div.dataset.status = l.status;
  }

  /** Re-places the labels, at most once a frame. */
  layout() {
    if (this._raf) return;
    this._raf = requestAnimationFrame(() => {
      this._raf = 0;
      this._layout();
    });
  }

  _layoutNow() {
    if (this._raf) cancelAnimationFrame(this._raf);
    this._raf = 0;
    this._layout();
  }

  /** Label ids, most households first. After a drag step the order is nearly right: sorted again in about linear time. */
  _sorted() {
    const cmp = (a, b) => this._labels.get(b).hh_n - this._labels.get(a).hh_n;
    if (!this._order) {
      this._order = [...this._labels.keys()].sort(cmp);
      this._resort = false;
    } else if (this._resort) {
      this._order.sort(cmp);
      this._resort = false;
    }
    return this._order;
  }

  _layout() {
    this._pane.classList.toggle('shequ-hidden', !this._visible);
    if (!this._visible) return;
    const map = this._view.map;
    const size = map.getSize();
    const view = map.getBounds();
    const [w0, s0, e0, n0] = [view.getWest(), view.getSouth(), view.getEast(), view.getNorth()];
    const boxes = new Boxes();
    const all = !!this.present;
    // Service-centre markers are obstacles; a label that would cover one moves below or above it.
    // (Not when every community is to be labelled: the name comes first.)
    for (const ll of (all ? null : this.obstacles?.()) ?? []) {
      if (ll.lng < w0 || ll.lng > e0 || ll.lat < s0 || ll.lat > n0) continue;
      const q = map.latLngToContainerPoint(ll);
      boxes.add([q.x - 13, q.y - 13, q.x + 13, q.y + 13]);
    }
    // Candidates: communities in view and not too small on screen for any
    // label; those never measured are shown and measured in one batch.
    const cands = [];
    const measure = [];
    for (const id of this._sorted()) {
      const l = this._labels.get(id);
      const b = this._state.shapes.get(id)?.bbox;
      const inView = l && b && b[0] <= e0 && b[2] >= w0 && b[1] <= n0 && b[3] >= s0;
      if (!inView) {
        if (l) this._hide(l);
        continue;
      }
      const sw = map.latLngToContainerPoint([b[1], b[0]]), ne = map.latLngToContainerPoint([b[3], b[2]]);
      const bw = ne.x - sw.x, bh = sw.y - ne.y;
      const tiny = bw < MIN_W || bh < MIN_H;
      if ((tiny && !all && id !== this.selected) || !this._fill(id, l)) {
        this._hide(l);
        continue;
      }
      // Not measured yet: a generous guess of the width decides whether to measure at all.
      const w = l.w || Math.max(l.nameText.length * 15, l.hhText.length * 7) * 0.75;
      if ((bw < Math.max(MIN_W, w * 0.7) || bh < MIN_H) && !all && id !== this.selected) {
        this._hide(l);
        continue;
      }
      cands.push([id, l, bw, bh]);
      if (!l.div) this._dom(l);
      if (!l.w) measure.push(l);
    }
    if (measure.length) {
      for (const l of measure) l.div.hidden = false;
      for (const l of measure) {
        l.w = l.div.offsetWidth;
        l.h = l.div.offsetHeight;
      }
      for (const l of measure) l.div.hidden = !l.shown;
    }
    // Where each candidate's label goes ([l, point] or [l, null]), into `free` (a Boxes).
    const place = (order, free) => order.map(([id, l, bw, bh]) => {
      const fits = bw > l.w * 0.7 && bh > l.h * 0.9;
      if (!fits && !all && id !== this.selected) return [l, null];
      const p0 = map.latLngToContainerPoint(l.anchor);
      const dy = l.h * 0.75 + 6, dx = l.w * 0.5 + 6;
      for (const [ox, oy] of all ? OFFSETS_ALL : OFFSETS) {
        const q = [p0.x + ox * dx, p0.y + oy * dy];
        const bx = [q[0] - l.w / 2 - 3, q[1] - l.h / 2 - 2, q[0] + l.w / 2 + 3, q[1] + l.h / 2 + 2];
        if (!free.free(bx)) continue;
        const onScreen = bx[2] > 0 && bx[0] < size.x && bx[3] > 0 && bx[1] < size.y;
        if (!onScreen) break;
        free.add(bx);
        return [l, q];
      }
      return [l, null];
    });
    let placed = place(cands, boxes);
    if (all) {
      // Every community to be labelled: also the smallest on screen first, and whichever labels more.
      const bySize = place([...cands].sort((a, b) => a[2] * a[3] - b[2] * b[3]), new Boxes());
      const n = (list) => list.reduce((k, [, p]) => k + !!p, 0);
      if (n(bySize) > n(placed)) placed = bySize;
    }
    for (const [l, p] of placed) {
      if (!p) { this._hide(l); continue; }
      const at = map.containerPointToLayerPoint([p[0] - l.w / 2, p[1] - l.h / 2]).round();
      if (at.x !== l.x || at.y !== l.y) {
        l.x = at.x;
        l.y = at.y;
        // left/top, not a transform: no compositor layer or paint node per label.
        l.div.style.left = at.x + 'px';
        l.div.style.top = at.y + 'px';
      }
      if (!l.shown) {
        l.shown = true;
        l.div.hidden = false;
      }
    }
  }

  _hide(l) {
    if (!l.shown) return;
    l.shown = false;
    l.div.hidden = true;
  }

  setVisible(on) {
    this._visible = on;
    this.layout();
  }

  /** Communities without a label shown (after a layout). */
  hiddenCount() {
    let n = 0;
    for (const l of this._labels.values()) if (!l.shown) n++;
    return n;
  }

  /** After a language switch: texts change width. */
  refresh() {
    for (const id of this._labels.keys()) this._upsert(id, false);
    for (const l of this._labels.values()) l.w = 0;
    this.layout();
  }
}
