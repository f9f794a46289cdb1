// Community labels (name and households), as DOM text in their own pane.
// Thinned by zoom: placed largest community first, skipped where they would
// overlap one already placed or not fit inside their community.
import L from 'leaflet';
import { el } from '../dom.js';
import { num, t } from '../i18n.js';
import { labelPoint } from './geo.js';

export class LabelLayer {
  constructor(view, state) {
    this._view = view;
    this._state = state;
    this._pane = view.map.getPane('shequ-labels');
    this._labels = new Map(); // id → {div, name, hh, anchor, w, h}
    this._visible = true;
    this._queued = false;
    view.map.on('zoomend moveend resize', () => this.layout());
    view.map.on('zoomstart', () => this._pane.classList.add('shequ-hidden'));
  }

  reset() {
    for (const l of this._labels.values()) l.div.remove();
    this._labels.clear();
    for (const id of this._state.order) this._upsert(id, true);
    this.layout();
  }

  update(changes) {
    for (const id of changes.removed) {
      this._labels.get(id)?.div.remove();
      this._labels.delete(id);
    }
    for (const id of new Set([...changes.reports, ...changes.shapes])) this._upsert(id, changes.shapes.has(id));
    this.layout();
  }

  _upsert(id, moved) {
    const c = this._state.communities.get(id);
    const shape = this._state.shapes.get(id);
    if (!c || !shape) return;
    let l = this._labels.get(id);
    if (!l) {
      const name = el('span', { class: 'shequ-label-name' });
      const hh = el('span', { class: 'shequ-label-hh' });
      l = { div: el('div', { class: 'shequ-label' }, name, hh), name, hh };
      this._pane.append(l.div);
      this._labels.set(id, l);
    }
    const hhText = t('hh_long', { n: num(c.households_total) });
    if (l.name.textContent !== c.name || l.hh.textContent !== hhText) {
      l.name.textContent = c.name;
      l.hh.textContent = hhText;
      l.w = 0; // measure again
    }
    l.div.dataset.status = c.status;
    if (moved || !l.anchor) l.anchor = labelPoint(shape.polys);
  }

  /** Re-places the labels, at most once a frame. */
  layout() {
    if (this._queued) return;
    this._queued = true;
    requestAnimationFrame(() => {
      this._queued = false;
      this._layout();
    });
  }

  _layout() {
    this._pane.classList.toggle('shequ-hidden', !this._visible);
    if (!this._visible) return;
    const map = this._view.map;
    const size = map.getSize();
    // Service-centre markers are obstacles; a label that would cover one moves below or above it.
    const placed = (this.obstacles?.() ?? []).map((ll) => {
      const q = map.latLngToContainerPoint(ll);
      return [q.x - 13, q.y - 13, q.x + 13, q.y + 13];
    });
    const free = (box) => !placed.some((q) => box[0] < q[2] && box[2] > q[0] && box[1] < q[3] && box[3] > q[1]);
    const order = [...this._labels.keys()].sort((a, b) => (this._state.communities.get(b)?.households_total ?? 0) - (this._state.communities.get(a)?.households_total ?? 0));
    for (const id of order) {
      const l = this._labels.get(id);
      if (!l.anchor) { l.div.hidden = true; continue; }
      if (!l.w) {
        l.div.hidden = false;
        l.w = l.div.offsetWidth;
        l.h = l.div.offsetHeight;
      }
      const p0 = map.latLngToContainerPoint(l.anchor);
      let p = p0, box = null;
      for (const dy of [0, l.h * 0.75 + 6, -(l.h * 0.75 + 6)]) {
        const q = p0.add([0, dy]);
        const b = [q.x - l.w / 2 - 3, q.y - l.h / 2 - 2, q.x + l.w / 2 + 3, q.y + l.h / 2 + 2];
        if (free(b)) { p = q; box = b; break; }
      }
      box ??= [p0.x - l.w / 2 - 3, p0.y - l.h / 2 - 2, p0.x + l.w / 2 + 3, p0.y + l.h / 2 + 2];
      const b = this._state.shapes.get(id).bbox;
      const sw = map.latLngToContainerPoint([b[1], b[0]]), ne = map.latLngToContainerPoint([b[3], b[2]]);
      const fits = ne.x - sw.x > l.w * 0.7 && sw.y - ne.y > l.h * 0.9;
      const onScreen = box[2] > 0 && box[0] < size.x && box[3] > 0 && box[1] < size.y;
      const clear = free(box);
      const show = onScreen && clear && (fits || id === this.selected);
      l.div.hidden = !show;
      if (show) {
        placed.push(box);
        L.DomUtil.setPosition(l.div, map.containerPointToLayerPoint(p).subtract([l.w / 2, l.h / 2]).round());
      }
    }
  }

  setVisible(on) {
    this._visible = on;
    this.layout();
  }

  /** After a language switch: texts change width. */
  refresh() {
    for (const id of this._labels.keys()) this._upsert(id, false);
    this.layout();
  }
}
