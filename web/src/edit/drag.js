// Dragging a boundary vertex. Pointer moves are coalesced to one engine call a
// frame (requestAnimationFrame); each frame's Delta is applied at once, so the
// colours, labels, bars and findings follow the pointer. A badge says which
// compounds change sides and how many households.
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
    this._raf = 0;
    this._latest = null;
    this.active = null;
    this.samples = [];
    this.engineSamples = [];
  }

  /** Starts dragging `node` ({id, latlng}); pointer events come from the editor. */
  start(node) {
    const { bridge, state } = this._ctx;
    bridge.call('beginDrag', node.id);
    this.active = { node, before: new Map(state.owner.compound), moved: false };
  }

  move(e) {
    if (!this.active) return;
    this._latest = { latlng: this._ctx.view.map.mouseEventToLatLng(e), point: this._ctx.view.map.mouseEventToContainerPoint(e), t: e.timeStamp };
    if (!this._raf) this._raf = requestAnimationFrame(() => this._frame());
  }

  _frame() {
    this._raf = 0;
    const m = this._latest;
    this._latest = null;
    if (!m || !this.active) return;
    const { bridge, view, state } = this._ctx;
    const snap = this._ctx.snapping ? SNAP_PX * metresPerPixel(m.latlng.lat, view.map.getZoom()) : 0;
    let delta;
    const t0 = performance.now();
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
    this._ctx.apply(delta, { drag: true });
    const at = delta.snapped ? L.latLng(delta.snapped.lat, delta.snapped.lon) : m.latlng;
    this._ctx.handles.move(this.active.node.id, at);
    this._ctx.mapEl.classList.toggle('shequ-snapped', !!delta.snapped?.kind);
    this._showBadge(m.point, this._moves(state), delta.pending);
    this.samples.push(performance.now() - m.t);
    if (this.samples.length > SAMPLES) this.samples.shift();
    if (this.engineSamples.length > SAMPLES) this.engineSamples.shift();
  }

  /** Compounds whose community differs from the start of the drag, by destination. */
  _moves(state) {
    const to = new Map();
    const moving = new Set();
    const { before } = this.active;
    for (const id of new Set([...before.keys(), ...state.owner.compound.keys()])) {
      const now = state.owner.compound.get(id);
      if (now === before.get(id)) continue;
      moving.add(id);
      const g = to.get(now ?? '') ?? { n: 0, h: 0 };
      g.n += 1;
      g.h += state.compoundHouseholds(id);
      to.set(now ?? '', g);
    }
    this._ctx.context.setMoving(moving);
    return to;
  }

  _showBadge(point, to, pending) {
    const lines = [];
    for (const [id, g] of to) lines.push(el('div', { class: 'shequ-badge-line', text: t('badge_plus', { n: num(g.n), h: num(g.h), name: id ? this._ctx.state.name(id) : t('nowhere') }) }));
    if (!lines.length) lines.push(el('div', { class: 'shequ-badge-quiet', text: t('badge_none') }));
    if (pending?.length) lines.push(el('div', { class: 'shequ-badge-pending', text: t('badge_pending', { what: pending.join(', ') }) }));
    this._badge.replaceChildren(...lines);
    this._badge.hidden = false;
    const w = this._ctx.mapEl.clientWidth;
    this._badge.style.left = Math.min(point.x + 18, w - this._badge.offsetWidth - 8) + 'px';
    this._badge.style.top = Math.max(8, point.y - this._badge.offsetHeight - 18) + 'px';
  }

  /** Ends the drag: flushes the last move, commits one undo step. */
  end() {
    if (!this.active) return;
    if (this._raf) {
      cancelAnimationFrame(this._raf);
      this._frame();
    }
    const { bridge } = this._ctx;
    const moved = this.active.moved;
    this._finish();
    const delta = moved ? bridge.call('endDrag') : bridge.call('cancelDrag');
    this._ctx.apply(delta, { committed: moved });
    if (delta.reverted) this._ctx.toast(t('drag_reverted', { msg: this._ctx.pick(delta.reverted, 'message') }), 'warn');
  }

  cancel() {
    if (!this.active) return;
    if (this._raf) cancelAnimationFrame(this._raf);
    this._raf = 0;
    this._finish();
    this._ctx.apply(this._ctx.bridge.call('cancelDrag'), {});
  }

  _finish() {
    this.active = null;
    this._latest = null;
    this._badge.hidden = true;
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
    };
  }
}
