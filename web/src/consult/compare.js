// Before/after: the plan as loaded (the component's baseline, evaluated by a
// second Engine) against the current plan, either side by side (two Leaflet
// maps kept in step) or on one map with a swipe divider. The swipe clips the
// "before" and "after" panes with CSS `clip` in layer coordinates, recomputed
// on every move (Leaflet has no swipe of its own; no plugin, no CDN).
// Both plans' communities are outlined and labelled with name and households.
import L from 'leaflet';
import { el } from '../dom.js';
import { num, t } from '../i18n.js';
import { unpack } from '../state.js';
import { labelPoint } from '../map/geo.js';
import { STATUS } from '../map/styles.js';
import { publicNames } from './names.js';

const SIDES = ['before', 'after'];

/** The report and outlines of a plan text, from a throwaway Engine of the same module. */
function evaluateText(ctx, text, name) {
  const { report, geometry } = ctx.bridge.evaluateAside(text, name ?? 'baseline.geojson', ctx.profileText ?? '');
  return { list: report.communities, shapes: unpack(geometry) };
}

function bboxUnion(...shapeMaps) {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  for (const shapes of shapeMaps) for (const { bbox } of shapes.values()) {
    w = Math.min(w, bbox[0]); s = Math.min(s, bbox[1]); e = Math.max(e, bbox[2]); n = Math.max(n, bbox[3]);
  }
  return Number.isFinite(w) ? L.latLngBounds([s, w], [n, e]) : null;
}

export class CompareView {
  constructor(ctx) {
    this._ctx = ctx;
    this.open = false;
    this.mode = 'swipe';
    this.split = 0.5; // the divider, as a share of the map's width
    this._before = null; // {text, list, shapes}
    this._maps = [];
    this._names = publicNames(ctx); // never an id on a map a meeting sees
    this._onChange = () => { if (this.open) this._redrawAfter(); };
    ctx.on('change', this._onChange);
  }

  invalidate() {
    if (this._before && this._before.text !== this._ctx._baseline?.text) this._before = null;
    if (this.open) this.show(this.mode);
  }

  toggle() {
    if (this.open) this.close();
    else this.show(this.mode);
  }

  _beforeData() {
    const ctx = this._ctx;
    const text = ctx._baseline?.text;
    if (!text) return { list: ctx.state.list(), shapes: ctx.state.shapes };
    if (this._before?.text !== text) this._before = { text, ...evaluateText(ctx, text, ctx._baseline.name) };
    return this._before;
  }

  _afterData() {
    return { list: this._ctx.state.list(), shapes: this._ctx.state.shapes };
  }

  /** Communities whose households, name or existence differ between the two. */
  _changed(before, after) {
    const b = new Map(before.list.map((c) => [c.id, c]));
    const out = new Set();
    for (const c of after.list) {
      const o = b.get(c.id);
      if (!o || o.households_total !== c.households_total || o.name !== c.name) out.add(c.id);
      b.delete(c.id);
    }
    for (const id of b.keys()) out.add(id);
    return out;
  }

  show(mode = this.mode) {
    const ctx = this._ctx;
    if (!ctx.state.loaded) return;
    let before;
    try {
      before = this._beforeData();
    } catch (e) {
      ctx.toast(t('consult_no_before', { err: e.message ?? e }), 'error', 10000);
      return;
    }
    const keep = this._maps[0] ? { center: this._maps[0].getCenter(), zoom: this._maps[0].getZoom() } : null;
    this._teardown();
    this.mode = mode;
    this.open = true;
    this._build();
    const after = this._afterData();
    this._changedIds = this._changed(before, after);
    if (mode === 'side') {
      const [mb, ma] = [this._makeMap(this._mapEls.before), this._makeMap(this._mapEls.after)];
      this._layers = { before: this._draw(mb, 'before', before), after: this._draw(ma, 'after', after) };
      this._maps = [mb, ma];
      this._sync(mb, ma);
      this._sync(ma, mb);
    } else {
      const m = this._makeMap(this._mapEls.swipe);
      this._maps = [m];
      this._layers = { before: this._draw(m, 'before', before), after: this._draw(m, 'after', after) };
      m.on('move zoom zoomend resize viewreset', () => this._clip());
    }
    const bounds = bboxUnion(before.shapes, after.shapes);
    for (const m of this._maps) {
      m.invalidateSize(false);
      if (keep) m.setView(keep.center, keep.zoom, { animate: false });
      else if (bounds) m.fitBounds(bounds, { padding: [16, 16], animate: false });
    }
    if (mode === 'swipe') this._clip();
    this._layout();
    ctx.toolbar.render();
    ctx.fire('consult', { compare: mode });
  }

  close() {
    if (!this.open) return;
    this._teardown();
    this.open = false;
    this._ctx.toolbar.render();
    this._ctx.fire('consult', { compare: null });
  }

  _teardown() {
    for (const m of this._maps) m.remove();
    this._maps = [];
    this._layers = null;
    this.el?.remove();
    this.el = null;
  }

  relabel() {
    if (this.open) this.show(this.mode);
  }

  _build() {
    const seg = el('div', { class: 'shequ-tb-group shequ-seg', role: 'group', 'aria-label': t('consult_compare') },
      ['side', 'swipe'].map((m) => el('button', {
        class: 'shequ-seg-btn', testid: 'consult-mode-' + m, 'aria-pressed': String(this.mode === m), text: t('consult_' + m),
        onclick: () => { if (this.mode !== m) this.show(m); },
      })));
    const bar = el('div', { class: 'shequ-consult-bar' },
      el('strong', { text: t('consult_compare') }), seg,
      el('span', { class: 'shequ-consult-key', 'aria-hidden': 'true' }),
      el('span', { class: 'shequ-muted shequ-consult-key-text', text: t('consult_changed_key') }),
      el('span', { class: 'shequ-tb-spacer' }),
      el('button', { class: 'shequ-btn', testid: 'consult-close', text: t('consult_close'), onclick: () => this.close() }));
    this._mapEls = {};
    let maps;
    if (this.mode === 'side') {
      maps = SIDES.map((side) => {
        this._mapEls[side] = el('div', { class: 'shequ-consult-map', testid: 'consult-' + side + '-map', role: 'region', 'aria-label': t('consult_' + side) });
        return el('div', { class: 'shequ-consult-half', dataset: { side } },
          el('div', { class: 'shequ-consult-caption', text: t('consult_' + side) }), this._mapEls[side]);
      });
    } else {
      this._mapEls.swipe = el('div', { class: 'shequ-consult-map', testid: 'consult-swipe-map', role: 'region', 'aria-label': t('consult_compare') });
      this._divider = el('div', {
        class: 'shequ-consult-divider', testid: 'consult-divider', role: 'slider', tabindex: 0,
        'aria-label': t('consult_divider'), 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(this.split * 100),
        title: t('consult_divider'),
      }, el('span', { class: 'shequ-consult-handle', 'aria-hidden': 'true', text: '⟷' }));
      this._wireDivider(this._divider);
      maps = [el('div', { class: 'shequ-consult-half shequ-consult-swipe' },
        this._mapEls.swipe, this._divider,
        el('div', { class: 'shequ-consult-caption shequ-consult-caption-left', text: t('consult_before') }),
        el('div', { class: 'shequ-consult-caption shequ-consult-caption-right', text: t('consult_after') }))];
    }
    this.el = el('div', { class: 'shequ-consult', testid: 'consult-compare', dataset: { mode: this.mode } },
      bar, el('div', { class: 'shequ-consult-maps' }, maps));
    this._ctx.mapWrap.append(this.el);
  }

  _makeMap(container) {
    const map = L.map(container, {
      zoomControl: false, attributionControl: false, zoomAnimation: false, fadeAnimation: false,
      zoomSnap: 0.25, zoomDelta: 0.5, maxZoom: 20, minZoom: 3, keyboard: true, doubleClickZoom: true,
    });
    L.control.zoom({ position: 'bottomright' }).addTo(map);
    map.setView([32.39, 119.42], 13);
    for (const side of SIDES) {
      map.createPane('consult-' + side).style.zIndex = side === 'before' ? 400 : 410;
      map.createPane('consult-' + side + '-labels').style.zIndex = side === 'before' ? 480 : 490;
      map.getPane('consult-' + side + '-labels').style.pointerEvents = 'none';
    }
    map.on('zoomend moveend resize', () => this._layout());
    return map;
  }

  /** Draws one plan on `map` in its side's panes; returns {group, labels: Map(id → {marker, div})}. */
  _draw(map, side, data) {
    const pane = 'consult-' + side, labelPane = pane + '-labels';
    const renderer = L.canvas({ pane, padding: 0.5 });
    const group = L.layerGroup().addTo(map);
    const labels = new Map();
    for (const c of data.list) {
      const shape = data.shapes.get(c.id);
      if (!shape) continue;
      const changed = this._changedIds.has(c.id);
      group.addLayer(L.polygon(shape.polys, {
        renderer, pane, interactive: false,
        color: changed ? '#AA3377' : '#2b2f36', weight: changed ? 4 : 1.5, opacity: 0.95,
        fillColor: STATUS[c.status] ?? STATUS.ok, fillOpacity: side === 'before' ? 0.22 : 0.3,
        dashArray: side === 'before' && !changed ? '5 4' : null,
      }));
      const at = labelPoint(shape.polys);
      if (!at) continue;
      const div = el('div', { class: 'shequ-consult-label', testid: `consult-${side}-label-${c.id}`, dataset: { status: c.status, changed: String(changed), id: c.id } },
        el('span', { class: 'shequ-consult-label-name', text: c.name?.trim() || this._names(c.id) }),
        el('span', { class: 'shequ-consult-label-hh', testid: `consult-${side}-hh-${c.id}`, text: t('hh_long', { n: num(c.households_total) }) }));
      const marker = L.marker(at, { pane: labelPane, interactive: false, keyboard: false, icon: L.divIcon({ className: 'shequ-consult-anchor', html: div, iconSize: null }) });
      group.addLayer(marker);
      labels.set(c.id, { marker, div, c, bbox: shape.bbox });
    }
    return { group, labels, map };
  }

  _redrawAfter() {
    if (!this._layers) return;
    const { map, group } = this._layers.after;
    group.remove();
    this._changedIds = this._changed(this._beforeData(), this._afterData());
    this._layers.after = this._draw(map, 'after', this._afterData());
    this._layout();
  }

  /** Keeps the other map at this one's view. */
  _sync(a, b) {
    a.on('move zoom', () => {
      if (this._syncing) return;
      this._syncing = true;
      b.setView(a.getCenter(), a.getZoom(), { animate: false });
      this._syncing = false;
    });
  }

  /** Clips "before" to the left of the divider and "after" to the right. */
  _clip() {
    const map = this._maps[0];
    if (!map || this.mode !== 'swipe') return;
    const size = map.getSize();
    const nw = map.containerPointToLayerPoint([0, 0]);
    const se = map.containerPointToLayerPoint(size);
    const x = nw.x + Math.round(this.split * size.x);
    const left = `rect(${nw.y}px, ${x}px, ${se.y}px, ${nw.x}px)`;
    const right = `rect(${nw.y}px, ${se.x}px, ${se.y}px, ${x}px)`;
    for (const name of ['consult-before', 'consult-before-labels']) map.getPane(name).style.clip = left;
    for (const name of ['consult-after', 'consult-after-labels']) map.getPane(name).style.clip = right;
    this._divider.style.left = Math.round(this.split * size.x) + 'px';
    this._divider.setAttribute('aria-valuenow', String(Math.round(this.split * 100)));
  }

  setSplit(share) {
    this.split = Math.min(1, Math.max(0, share));
    this._clip();
  }

  _wireDivider(d) {
    L.DomEvent.disableClickPropagation(d);
    d.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      e.stopPropagation();
      d.setPointerCapture(e.pointerId);
      const move = (ev) => {
        const r = this._mapEls.swipe.getBoundingClientRect();
        this.setSplit((ev.clientX - r.left) / r.width);
      };
      const up = () => {
        d.removeEventListener('pointermove', move);
        d.removeEventListener('pointerup', up);
        d.removeEventListener('pointercancel', up);
      };
      d.addEventListener('pointermove', move);
      d.addEventListener('pointerup', up);
      d.addEventListener('pointercancel', up);
    });
    d.addEventListener('keydown', (e) => {
      const step = { ArrowLeft: -0.05, ArrowRight: 0.05 }[e.key];
      if (step != null) this.setSplit(this.split + step);
      else if (e.key === 'Home') this.setSplit(0);
      else if (e.key === 'End') this.setSplit(1);
      else return;
      e.preventDefault();
      e.stopPropagation();
    });
  }

  /** Thins the labels of each side: changed communities first, then the largest; no overlaps. */
  _layout() {
    if (this._queued || !this._layers) return;
    this._queued = true;
    requestAnimationFrame(() => {
      this._queued = false;
      if (!this._layers) return;
      for (const side of SIDES) {
        const layer = this._layers[side];
        if (!layer) continue;
        const map = layer.map;
        const placed = [];
        const order = [...layer.labels.values()].sort((a, b) =>
          (this._changedIds.has(b.c.id) - this._changedIds.has(a.c.id)) || b.c.households_total - a.c.households_total);
        for (const l of order) {
          l.div.hidden = false;
          const w = l.div.offsetWidth, h = l.div.offsetHeight;
          const p = map.latLngToContainerPoint(l.marker.getLatLng());
          const box = [p.x - w / 2, p.y - h / 2, p.x + w / 2, p.y + h / 2];
          const sw = map.latLngToContainerPoint([l.bbox[1], l.bbox[0]]), ne = map.latLngToContainerPoint([l.bbox[3], l.bbox[2]]);
          const fits = ne.x - sw.x > w * 0.6 && sw.y - ne.y > h * 0.8;
          const clear = !placed.some((q) => box[0] < q[2] && box[2] > q[0] && box[1] < q[3] && box[3] > q[1]);
          const show = clear && (fits || this._changedIds.has(l.c.id));
          l.div.hidden = !show;
          if (show) placed.push(box);
        }
      }
    });
  }
}
