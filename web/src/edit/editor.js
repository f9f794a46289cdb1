// Pointer and keyboard input on the map, routed by the current tool: select
// (vertex drag, insert, delete; service-centre move), reassign, split, merge,
// create. Every change goes through ctx.edit(), i.e. through the engine.
import L from 'leaflet';
import { t } from '../i18n.js';
import { metresPerPixel, segDist2 } from '../map/geo.js';
import { Handles, OVERVIEW_ZOOM } from './handles.js';
import { VertexDrag } from './drag.js';
import { DrawTool } from './draw.js';

const CLICK_SLOP = 4; // px a press may move and still be a click
const NUDGE = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }; // px; Shift: ×10
const EDGE_PX = 7; // a click this close to an edge inserts a vertex

export const TOOLS = ['select', 'reassign', 'split', 'merge', 'create'];
let preview = null; // ./preview.js, once loaded

export class Editor {
  constructor(ctx) {
    this._ctx = ctx;
    ctx.handles = this.handles = new Handles(ctx);
    this.drag = new VertexDrag(ctx);
    this.draw = new DrawTool(ctx);
    this.reassignLayer = 'compound';
    this._lastTarget = null; // the community a compound or cell was last given to
    this._press = null;
    const c = ctx.mapEl;
    c.addEventListener('pointerdown', (e) => this._down(e), true);
    c.addEventListener('pointermove', (e) => this._move(e));
    // Vertex drags take the unaligned event where there is one (secure
    // contexts in Chromium): it comes as the pointer moves, not at the next frame.
    this._raw = typeof window !== 'undefined' && 'onpointerrawupdate' in window;
    if (this._raw) c.addEventListener('pointerrawupdate', (e) => { if (this.drag.active) this.drag.move(e); });
    c.addEventListener('pointerup', (e) => this._up(e));
    c.addEventListener('pointercancel', () => this._cancelPress());
    c.addEventListener('dblclick', (e) => this._dblclick(e));
    c.addEventListener('contextmenu', (e) => this._contextmenu(e));
    // Before Leaflet's keyboard panning, which listens on the same element.
    c.addEventListener('keydown', (e) => { if (this._nudgeKey(e)) e.stopImmediatePropagation(); }, true);
  }

  /** Switches the map's tool. Callers go through ctx.setTool, which also redraws the toolbar and hint. */
  setTool(tool) {
    const ctx = this._ctx;
    this.draw.cancel();
    ctx.menu.close();
    ctx.mode = tool;
    ctx.mapEl.dataset.tool = tool;
    if (tool === 'split') {
      if (!ctx.communities.selected) ctx.toast(t('select_first'), 'info');
      this.draw.start('line', (line) => this._split(line));
    } else if (tool === 'create') {
      this.draw.start('polygon', (ring) => ctx.createCommunity(ring));
    } else if (tool === 'merge' && !ctx.communities.selected) {
      ctx.toast(t('select_first'), 'info');
    }
    this.handles.refresh();
    ctx.fire('tool', tool);
  }

  _ignored(e) {
    return e.target.closest?.('.leaflet-control, .shequ-menu, .shequ-badge, .shequ-toasts, .shequ-maptools');
  }

  _down(e) {
    if (e.button !== 0 || this._ignored(e)) return;
    const ctx = this._ctx;
    ctx.menu.close();
    const map = ctx.view.map;
    const point = map.mouseEventToContainerPoint(e);
    this._press = { x: point.x, y: point.y, id: e.pointerId, target: null };
    if (!ctx.options.editable || !ctx.bridge.ready || ctx.mode !== 'select') return;
    const node = this.handles.nodeAt(point);
    const center = node ? null : this._centerAt(map.mouseEventToLatLng(e));
    if (!node && !center) return;
    // Ours, not Leaflet's: no map panning, no compatibility mouse events.
    e.preventDefault();
    e.stopPropagation();
    ctx.mapEl.setPointerCapture?.(e.pointerId);
    this._press.target = node ? { node } : { center, from: ctx.context.centerLatLng(center) };
  }

  _move(e) {
    const ctx = this._ctx;
    const p = this._press;
    if (this.drag.active) {
      if (!this._raw) this.drag.move(e);
      return;
    }
    if (p?.target && !p.dragging) {
      const q = ctx.view.map.mouseEventToContainerPoint(e);
      if (Math.hypot(q.x - p.x, q.y - p.y) >= CLICK_SLOP) {
        p.dragging = true;
        if (p.target.node) {
          try {
            this.drag.start(p.target.node);
          } catch (err) {
            this._press = null;
            ctx.refused(err);
            return;
          }
          this.drag.move(e);
        }
      }
    }
    if (p?.dragging && p.target?.center) {
      ctx.context.moveCenter(p.target.center, ctx.view.map.mouseEventToLatLng(e));
      return;
    }
    if (this.draw.active) this.draw.hover(ctx.view.map.mouseEventToLatLng(e));
  }

  _up(e) {
    const ctx = this._ctx;
    const p = this._press;
    this._press = null;
    if (!p || e.button !== 0) return;
    ctx.mapEl.releasePointerCapture?.(e.pointerId);
    if (this.drag.active) {
      try {
        this.drag.end();
      } catch (err) {
        ctx.refused(err);
      }
      this.handles.refresh();
      return;
    }
    const q = ctx.view.map.mouseEventToContainerPoint(e);
    const isClick = Math.hypot(q.x - p.x, q.y - p.y) < CLICK_SLOP;
    if (p.target?.center) {
      if (p.dragging) {
        const ll = ctx.view.map.mouseEventToLatLng(e);
        if (!ctx.edit('updateCenter', p.target.center, { lon: ll.lng, lat: ll.lat })) ctx.context.moveCenter(p.target.center, p.target.from);
      }
      ctx.selectCenter(p.target.center);
      return;
    }
    if (p.target?.node) {
      if (isClick) this.handles.select(p.target.node.id);
      return;
    }
    if (isClick && !this._ignored(e)) this._click(ctx.view.map.mouseEventToLatLng(e), q, e.shiftKey);
  }

  _cancelPress() {
    if (this.drag.active) this.drag.cancel();
    this._press = null;
  }

  _click(latlng, point, shift = false) {
    const ctx = this._ctx;
    if (ctx.mode === 'split' || ctx.mode === 'create') {
      if (ctx.mode === 'split' && !ctx.communities.selected) {
        const id = ctx.communities.at(latlng);
        if (id) ctx.select(id);
        return;
      }
      this.draw.add(latlng);
      return;
    }
    if (ctx.mode === 'reassign') return this._reassignPick(latlng, point, shift);
    if (ctx.mode === 'merge') return this._mergePick(latlng, point);
    // select: an edge near the pointer gets a vertex; otherwise select
    if (ctx.options.editable && this._nearEdge(point)) {
      this._insert(latlng);
      return;
    }
    const center = this._centerAt(latlng);
    if (center) return ctx.selectCenter(center);
    this.handles.select(null);
    ctx.select(ctx.communities.at(latlng));
  }

  /**
   * The service centre a click means: one whose marker is under the pointer;
   * at a district's overview (small markers, sitting at communities' middles)
   * only once the community around it is selected: the first click selects the community.
   */
  _centerAt(latlng) {
    const { context, communities } = this._ctx;
    const id = context.centerAt(latlng);
    if (!id || !context.smallCenters) return id;
    const here = communities.at(latlng);
    return !here || here === communities.selected ? id : null;
  }

  _insert(latlng) {
    const ctx = this._ctx;
    const tol = EDGE_PX * 1.5 * metresPerPixel(latlng.lat, ctx.view.map.getZoom());
    const delta = ctx.edit('insertVertex', latlng.lng, latlng.lat, tol);
    if (delta?.node != null) {
      this.handles.refresh();
      this.handles.select(delta.node);
    }
  }

  /** Whether a container point lies within EDGE_PX of an edge that has handles. */
  _nearEdge(point) {
    const ctx = this._ctx;
    if (!this.handles.count) return false;
    const map = ctx.view.map;
    // The edges whose vertices have handles (handles.js): at an overview, the selected community's only.
    const z = map.getZoom();
    const scope = z >= 16.5 ? ctx.state.order : [ctx.communities.selected, ...(z < OVERVIEW_ZOOM ? [] : ctx.communities.neighbours)];
    const ll = map.containerPointToLatLng(point);
    const pad = EDGE_PX * metresPerPixel(ll.lat, map.getZoom()) / 90000;
    const lim = EDGE_PX * EDGE_PX;
    for (const id of scope) {
      const shape = ctx.state.shapes.get(id);
      if (!shape) continue;
      const b = shape.bbox;
      if (ll.lng < b[0] - pad || ll.lng > b[2] + pad || ll.lat < b[1] - pad || ll.lat > b[3] + pad) continue;
      for (const poly of shape.polys) for (const ring of poly) {
        let prev = map.latLngToContainerPoint(ring[0]);
        for (let i = 1; i < ring.length; i++) {
          const cur = map.latLngToContainerPoint(ring[i]);
          if (segDist2(point, prev, cur) <= lim) return true;
          prev = cur;
        }
      }
    }
    return false;
  }

  // Reassign and merge show what they would do first (preview.js, loaded on first use).
  _reassignPick(latlng, point, shift = false) {
    this._preview((m) => m.reassignPick(this, latlng, point, shift));
  }

  _preview(fn) {
    (preview ??= import('./preview.js')).then(fn, (e) => this._ctx.toast(e.message, 'error'));
  }

  _reassign(layer, fid, to) {
    if (this._ctx.edit('reassign', layer, fid, to)) this._lastTarget = to;
  }

  _mergePick(latlng, point) {
    this._preview((m) => m.mergePick(this, latlng, point));
  }

  _split(line) {
    const ctx = this._ctx;
    const id = ctx.communities.selected;
    if (!id) return ctx.toast(t('select_first'), 'info');
    if (ctx.edit('split', id, line)) ctx.setTool('select');
    else this.draw.start('line', (l) => this._split(l));
  }

  _dblclick(e) {
    if (this.draw.active && !this._ignored(e)) {
      e.preventDefault();
      this.draw.finish();
    }
  }

  _contextmenu(e) {
    const ctx = this._ctx;
    if (!ctx.options.editable || ctx.mode !== 'select' || this._ignored(e)) return;
    const map = ctx.view.map;
    const point = map.mouseEventToContainerPoint(e);
    const latlng = map.mouseEventToLatLng(e);
    const node = this.handles.nodeAt(point);
    if (node) {
      e.preventDefault();
      this.handles.select(node.id);
      ctx.menu.open(point, t('vertex_menu'), [{ text: t('delete_vertex'), testid: 'delete-vertex', onselect: () => this.deleteSelectedVertex() }], 'vertex-menu');
    } else if (this._nearEdge(point)) {
      e.preventDefault();
      ctx.menu.open(point, null, [{ text: t('insert_vertex'), testid: 'insert-vertex', onselect: () => this._insert(latlng) }], 'edge-menu');
    }
  }

  deleteSelectedVertex() {
    const id = this.handles.selectedNode;
    if (id == null) return false;
    this.handles.select(null);
    this._ctx.edit('deleteVertex', id);
    this.handles.refresh();
    return true;
  }

  /** Esc: the innermost thing in progress. */
  escape() {
    const ctx = this._ctx;
    if (ctx.menu.isOpen) return ctx.menu.close();
    if (this.drag.active) return this.drag.cancel();
    if (this.draw.active) {
      this.draw.cancel();
      return ctx.setTool('select');
    }
    if (ctx.mode !== 'select') return ctx.setTool('select');
    if (this.handles.selectedNode != null) return this.handles.select(null);
    ctx.select(null);
  }

  key(e) {
    if (this.draw.active) {
      if (e.key === 'Enter') { e.preventDefault(); this.draw.finish(); return true; }
      if (e.key === 'Backspace') { e.preventDefault(); this.draw.undoPoint(); return true; }
    }
    if (this._nudgeKey(e)) return true;
    if ((e.key === 'Delete' || e.key === 'Backspace') && this.handles.selectedNode != null) {
      e.preventDefault();
      return this.deleteSelectedVertex();
    }
    return false;
  }

  /** The arrow keys move the selected vertex by a pixel (Shift: ten), each press one edit. */
  _nudgeKey(e) {
    const ctx = this._ctx;
    const dir = NUDGE[e.key];
    if (!dir || e.ctrlKey || e.metaKey || e.altKey || this.handles.selectedNode == null || !ctx.options.editable || ctx.mode !== 'select') return false;
    e.preventDefault();
    const node = this.handles.node(this.handles.selectedNode);
    if (!node || this.drag.active) return true;
    const map = ctx.view.map;
    const k = e.shiftKey ? 10 : 1;
    this.drag.nudge(node, map.containerPointToLatLng(map.latLngToContainerPoint(node.latlng).add([dir[0] * k, dir[1] * k])));
    return true;
  }

  /** For the badge and tests: the screen position of a lon/lat. */
  toScreen(lng, lat) {
    const p = this._ctx.view.map.latLngToContainerPoint(L.latLng(lat, lng));
    const r = this._ctx.mapEl.getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }
}
