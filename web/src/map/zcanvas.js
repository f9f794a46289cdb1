// A canvas renderer for the paths of several panes, drawn in pane order.
//
// Chromium hands every canvas on the page to the compositor again at each
// frame that changes anything (a bar in the panel, a label, a handle), so the
// cost of a frame grows with the number and size of canvases: Leaflet's usual
// set-up (one canvas renderer per pane) made a vertex drag pay for six
// full-map canvases per frame. Here one canvas holds several panes' paths and
// the pane a path names (`options.pane`) only decides its drawing order:
// paths are kept in one linked list per pane z-index, drawn lowest first. A
// change still redraws only the dirty rectangle (Leaflet's `_redrawBounds`),
// and only paths whose pixel bounds meet it.
import L from 'leaflet';

export const ZCanvas = L.Canvas.extend({
  initialize(options) {
    L.Canvas.prototype.initialize.call(this, options);
    this._buckets = []; // [{z, first, last}] sorted by z
    // Leaflet's own hover/click hit-testing walks _drawFirst: paths here are
    // never interactive (the page hit-tests in JS), so leave it empty.
    this._drawFirst = this._drawLast = null;
  },

  /** The drawing order of a path: the z-index of the pane it names. */
  _zOf(layer) {
    const pane = layer.options.pane;
    const el = pane && this._map?.getPane(pane);
    return Number(el?.style.zIndex) || 400;
  },

  _bucket(z) {
    let i = 0;
    while (i < this._buckets.length && this._buckets[i].z < z) i++;
    if (this._buckets[i]?.z === z) return this._buckets[i];
    const b = { z, first: null, last: null };
    this._buckets.splice(i, 0, b);
    return b;
  },

  _initPath(layer) {
    this._updateDashArray(layer);
    this._layers[L.stamp(layer)] = layer;
    const bucket = this._bucket(this._zOf(layer));
    const order = (layer._order = { layer, prev: bucket.last, next: null, bucket });
    if (bucket.last) bucket.last.next = order;
    bucket.last = order;
    bucket.first ??= order;
  },

  _unlink(order) {
    const { bucket, prev, next } = order;
    if (next) next.prev = prev;
    else bucket.last = prev;
    if (prev) prev.next = next;
    else bucket.first = next;
    order.prev = order.next = null;
  },

  _removePath(layer) {
    const order = layer._order;
    if (order) this._unlink(order);
    delete layer._order;
    delete this._layers[L.stamp(layer)];
    this._requestRedraw(layer);
  },

  _bringToFront(layer) {
    const order = layer._order;
    if (!order || !order.next) return;
    const { bucket } = order;
    this._unlink(order);
    order.prev = bucket.last;
    bucket.last.next = order;
    bucket.last = order;
    this._requestRedraw(layer);
  },

  _bringToBack(layer) {
    const order = layer._order;
    if (!order || !order.prev) return;
    const { bucket } = order;
    this._unlink(order);
    order.next = bucket.first;
    bucket.first.prev = order;
    bucket.first = order;
    this._requestRedraw(layer);
  },

  /** Until flush(): changes only collect their dirty rectangle (no frame request). */
  hold() {
    this._holding = true;
  },

  /** Draws what is pending now rather than at the next frame (so that a drag frame shows all at once). */
  flush() {
    this._holding = false;
    if (this._redrawRequest) L.Util.cancelAnimFrame(this._redrawRequest);
    if (this._redrawRequest || this._held) this._redraw();
    this._held = false;
  },

  _requestRedraw(layer) {
    if (!this._map) return;
    this._extendRedrawBounds(layer);
    if (this._holding) this._held = true;
    else this._redrawRequest ||= L.Util.requestAnimFrame(this._redraw, this);
  },

  /** A path with `options.strokes` ([{color, weight, opacity}]) is stroked once per entry, in order. */
  _fillStroke(ctx, layer) {
    const { strokes, lineCap, lineJoin } = layer.options;
    if (!strokes) return L.Canvas.prototype._fillStroke.call(this, ctx, layer);
    ctx.setLineDash?.([]);
    ctx.lineCap = lineCap;
    ctx.lineJoin = lineJoin;
    for (const s of strokes) {
      ctx.globalAlpha = s.opacity ?? 1;
      ctx.lineWidth = s.weight;
      ctx.strokeStyle = s.color;
      ctx.stroke();
    }
  },

  _draw() {
    const bounds = this._redrawBounds;
    const ctx = this._ctx;
    ctx.save();
    if (bounds) {
      const size = bounds.getSize();
      ctx.beginPath();
      ctx.rect(bounds.min.x, bounds.min.y, size.x, size.y);
      ctx.clip();
    }
    this._drawing = true;
    for (const bucket of this._buckets) {
      for (let order = bucket.first; order; order = order.next) {
        const layer = order.layer;
        if (!bounds || (layer._pxBounds && layer._pxBounds.intersects(bounds))) layer._updatePath();
      }
    }
    this._drawing = false;
    ctx.restore();
  },
});
