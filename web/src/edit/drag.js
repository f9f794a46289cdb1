// Dragging a boundary vertex. The first pointer move of a frame interval is
// handled at once (from `pointerrawupdate` where the browser has it, so that
// it does not wait for the next frame); further moves in the same interval
// are coalesced into one update at the next animation frame. Each update's
// Delta is applied in full, so the colours, labels, bars and findings follow
// the pointer. A badge says which compounds change sides and how many households.
import L from 'leaflet';
import { el } from '../dom.js';
import { num, t } from '../i18n.js';
import { metresPerPixel } from '../map/geo.js';

export const SNAP_PX = 10;
const SAMPLES = 2000;

export class VertexDrag {
  constructor(ctx) {
    this._ctx = ctx;
    this._badge = el('div', { class: 'shequ-badge', testid: 'drag-badge', hidden: true, 'aria-live': 'off' });
    ctx.mapEl.append(this._badge);
    // The vertex being dragged, drawn above the labels (the handles' canvas is below them).
    const map = ctx.view.map;
    if (!map.getPane('shequ-drag')) map.createPane('shequ-drag').style.zIndex = 490;
    this._vertex = L.marker([0, 0], { pane: 'shequ-drag', interactive: false, keyboard: false, icon: L.divIcon({ className: 'shequ-drag-vertex', iconSize: [16, 16] }) });
    this._raf = 0;
    this._latest = null;
    this.active = null;
    this.resetStats();
  }

  resetStats() {
    this.samples = [];
    this.engineSamples = [];
    this.waitSamples = []; // pointer event → this frame's start
    this.canvasSamples = []; // the canvas redraw at the end of the frame
  }

  /** Starts dragging `node` ({id, latlng}); pointer events come from the editor. */
  start(node) {
    const { bridge } = this._ctx;
    bridge.call('beginDrag', node.id);
    // before: compound → its community at the start, for the compounds an edit touched so far.
    this.active = { node, from: node.latlng, before: new Map(), moved: false, badgeKey: '', mapWidth: this._ctx.mapEl.clientWidth };
  }

  move(e) {
    if (!this.active) return;
    this._latest = { latlng: this._ctx.view.map.mouseEventToLatLng(e), point: this._ctx.view.map.mouseEventToContainerPoint(e), t: e.timeStamp };
    if (this._raf) return; // already updated in this frame interval: the next frame takes the latest
    this._frame();
    this._raf = requestAnimationFrame(() => this._tick());
  }

  _tick() {
    this._raf = 0;
    if (!this._latest || !this.active) return;
    this._frame();
    this._raf = requestAnimationFrame(() => this._tick());
  }

  _frame() {
    const m = this._latest;
    this._latest = null;
    if (!m || !this.active) return;
    const { bridge, view, state } = this._ctx;
    const snap = this._ctx.snapping ? SNAP_PX * metresPerPixel(m.latlng.lat, view.map.getZoom()) : 0;
    let delta;
    const t0 = performance.now();
    this.waitSamples.push(t0 - m.t);
    try {
      delta = bridge.call('dragTo', m.latlng.lng, m.latlng.lat, snap);
      this.engineSamples.push(performance.now() - t0);
    } catch (e) {
      // Refused (or the engine crashed, which the bridge reports): stop dragging.
      this._ctx.refused(e);
      if (bridge.ready) this.cancel();
      else this._finish();
      return;
    }
    this.active.moved = true;
    view.hold();
    try {
      const changes = this._ctx.apply(delta, { drag: true });
      const { before } = this.active;
      for (const [id, was] of changes?.prevOwner ?? []) if (!before.has(id)) before.set(id, was);
      const at = delta.snapped ? L.latLng(delta.snapped.lat, delta.snapped.lon) : m.latlng;
      this._ctx.handles.move(this.active.node.id, at);
      this._vertex.setLatLng(at).addTo(view.map);
      this._ctx.mapEl.classList.toggle('shequ-snapped', !!delta.snapped?.kind);
      this._showBadge(m.point, this._moves(state), delta.pending);
    } finally {
      // The map's canvases in this frame too, not at the next one.
      const t1 = performance.now();
      view.flush();
      this.canvasSamples.push(performance.now() - t1);
    }
    this.samples.push(performance.now() - m.t);
    if (this.samples.length > SAMPLES) this.samples.shift();
    for (const list of [this.engineSamples, this.waitSamples, this.canvasSamples]) if (list.length > SAMPLES) list.shift();
  }

  /** Compounds whose community differs from the start of the drag, by destination. */
  _moves(state) {
    const to = new Map();
    const moving = new Set();
    for (const [id, was] of this.active.before) {
      const now = state.owner.compound.get(id);
      if (now === was) continue;
      moving.add(id);
      const g = to.get(now ?? '') ?? { n: 0, h: 0 };
      g.n += 1;
      g.h += state.compoundHouseholds(id);
      to.set(now ?? '', g);
    }
    this._ctx.context.setMoving(moving);
    return to;
  }

  /** The badge beside the pointer; its text is rebuilt only when it changes, and nothing is measured. */
  _showBadge(point, to, pending) {
    const lines = [];
    for (const [id, g] of to) lines.push(['shequ-badge-line', t('badge_plus', { n: num(g.n), h: num(g.h), name: id ? this._ctx.state.name(id) : t('nowhere') })]);
    if (!lines.length) lines.push(['shequ-badge-quiet', t('badge_none')]);
    // In words: gaps are the check a drag defers; any other is "the other checks", never its code.
    if (pending?.length) lines.push(['shequ-badge-pending', t('badge_pending', { what: [...new Set(pending.map((c) => t(c === 'boundary.gap' ? 'check_gaps' : 'check_others')))].join(t('list_sep')) })]);
    const key = lines.map((l) => l.join(':')).join('\n');
    if (key !== this.active.badgeKey) {
      this.active.badgeKey = key;
      this._badge.replaceChildren(...lines.map(([cls, text]) => el('div', { class: cls, text })));
    }
    this._badge.hidden = false;
    // Above right of the pointer; left of it near the right edge, below it near the top.
    const left = point.x > this.active.mapWidth - 320;
    const below = point.y < 110;
    const b = this._badge.style;
    b.left = Math.round(point.x + (left ? -18 : 18)) + 'px';
    b.top = Math.round(point.y + (below ? 18 : -18)) + 'px';
    b.transform = `translate(${left ? '-100%' : '0'}, ${below ? '0' : '-100%'})`;
  }

  /** Ends the drag: flushes the last move, commits one undo step. */
  end() {
    if (!this.active) return;
    if (this._raf) cancelAnimationFrame(this._raf);
    this._raf = 0;
    if (this._latest) this._frame();
    const { bridge } = this._ctx;
    const moved = this.active.moved;
    this._finish();
    const delta = moved ? bridge.call('endDrag') : bridge.call('cancelDrag');
    this._ctx.apply(delta, { committed: moved });
    if (delta.reverted) this._ctx.toast(t('drag_reverted', { msg: this._ctx.pick(delta.reverted, 'message') }), 'warn');
  }

  /** Moves `node` to `latlng` as one edit, without snapping: the arrow keys. */
  nudge(node, latlng) {
    const { bridge } = this._ctx;
    try {
      bridge.call('beginDrag', node.id);
    } catch (e) {
      this._ctx.refused(e);
      return;
    }
    let delta;
    try {
      this._ctx.apply(bridge.call('dragTo', latlng.lng, latlng.lat, 0), { drag: true });
      delta = bridge.call('endDrag');
    } catch (e) {
      this._ctx.refused(e);
      if (bridge.ready) this._ctx.apply(bridge.call('cancelDrag'), {});
      return;
    }
    this._ctx.apply(delta, { committed: true });
    if (delta.reverted) this._ctx.toast(t('drag_reverted', { msg: this._ctx.pick(delta.reverted, 'message') }), 'warn');
  }

  cancel() {
    if (!this.active) return;
    if (this._raf) cancelAnimationFrame(this._raf);
    this._raf = 0;
    const { node, from } = this.active;
    this._finish();
    this._ctx.apply(this._ctx.bridge.call('cancelDrag'), {});
    this._ctx.handles.move(node.id, from); // back where it was
  }

  _finish() {
    this.active = null;
    this._latest = null;
    this._badge.hidden = true;
    this._vertex.remove();
    this._ctx.context.setMoving(new Set());
    this._ctx.mapEl.classList.remove('shequ-snapped');
  }

  /**
   * Pointer-move → panel-updated times, ms (from the event's timestamp to the
   * end of the DOM updates), and the engine's share (dragTo alone).
   */
  stats() {
    const r = (x) => (x == null ? null : Math.round(x * 10) / 10);
    const q = (list, p) => {
      const s = [...list].sort((a, b) => a - b);
      return s.length ? r(s[Math.min(s.length - 1, Math.floor(p * s.length))]) : null;
    };
    return {
      n: this.samples.length, p50: q(this.samples, 0.5), p95: q(this.samples, 0.95), max: q(this.samples, 1),
      engine_p50: q(this.engineSamples, 0.5), engine_p95: q(this.engineSamples, 0.95),
      wait_p50: q(this.waitSamples, 0.5), wait_p95: q(this.waitSamples, 0.95),
      canvas_p50: q(this.canvasSamples, 0.5), canvas_p95: q(this.canvasSamples, 0.95),
    };
  }
}
