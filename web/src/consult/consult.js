// Consultation mode: what the component shows at a residents' meeting.
// - read-only plans (a file marked by readonly.js, or the host's `readOnly`
//   option): no editing, a banner, export still works;
// - the before/after comparison (compare.js) and the presentation view
//   (present.js): loaded on first use (views.js, with their strings), so
//   that they stay out of the page's start-up bundle (scripts/size.mjs).
// It owns whether the planner is editable: options.editable is the host's
// wish, and is switched off while the plan is read-only or being presented.
import { el } from '../dom.js';
import { t } from '../i18n.js';
import { download, stamp } from '../io.js';
import { baselineOf, marker, readOnlyFile } from './readonly.js';

export class Consult {
  constructor(ctx) {
    this._ctx = ctx;
    this.wantEditable = ctx.options.editable !== false;
    this.forcedReadOnly = !!ctx.options.readOnly;
    this.planReadOnly = false;
    this.banner = el('div', { class: 'shequ-readonly-banner', testid: 'read-only-banner', role: 'status', hidden: true });
    ctx.root.insertBefore(this.banner, ctx.body);
    this._views = null; // {compare, present} once views.js has loaded
    this._loading = null;
    const self = this;
    // The views' doors, usable before their code has loaded: what opens one waits for it.
    this.compare = {
      get open() { return !!self._views?.compare.open; },
      show: async (mode) => (await self.views())?.compare.show(mode),
      close: () => self._views?.compare.close(),
      toggle: () => (this.compare.open ? this.compare.close() : this.compare.show()),
    };
    this.present = {
      get active() { return !!self._views?.present.active; },
      enter: async () => (await self.views())?.present.enter(),
      leave: () => self._views?.present.leave(),
    };
    this._apply(false);
  }

  /** The before/after and presentation views (views.js, loaded now); null if it cannot load. */
  views() {
    return (this._loading ??= import('./views.js').then(
      (m) => (this._views = m.makeViews(this._ctx)),
      (e) => {
        this._loading = null;
        this._ctx.toast(String(e?.message ?? e), 'error', 10000);
        return null;
      }));
  }

  get readOnly() { return this.forcedReadOnly || this.planReadOnly; }
  get presenting() { return this.present.active; }

  /** Called by the component after every load, before it renders. */
  afterLoad(planText, { fresh, fileName }) {
    const ctx = this._ctx;
    const meta = marker(planText);
    this.planReadOnly = meta?.read_only === true;
    const base = fresh ? baselineOf(meta) : null;
    if (base) {
      // A handed-out file carries the plan it was compared with.
      try {
        ctx.bridge.call('setBaseline', base, fileName);
        ctx._baseline = { text: base, name: fileName };
        ctx.state.comparison = ctx.bridge.call('report').comparison;
      } catch { /* an unreadable baseline: compare with the file itself */ }
    }
    this._views?.compare.invalidate();
    this._apply(false);
  }

  /** The host's wish (options.editable, the element's `editable` attribute). */
  setEditable(on) {
    this.wantEditable = !!on;
    this._apply(true);
  }

  setReadOnly(on) {
    this.forcedReadOnly = !!on;
    this._apply(true);
  }

  /** Applies editable/read-only to the page; `render`: redraw toolbar and panel. */
  _apply(render) {
    const ctx = this._ctx;
    const editable = this.wantEditable && !this.readOnly && !this.presenting;
    const changed = ctx.options.editable !== editable;
    ctx.options.editable = editable;
    ctx.root.classList.toggle('shequ-read-only', this.readOnly);
    this.banner.hidden = !this.readOnly;
    this.banner.textContent = this.readOnly ? t('read_only_banner') : '';
    if (!render || !ctx.state.loaded) return;
    if (changed) {
      if (!editable) ctx.editor.setTool('select');
      ctx.editor.handles.refresh();
    }
    ctx.toolbar.render();
    ctx.panel.render();
  }

  relabel() {
    this.banner.textContent = this.readOnly ? t('read_only_banner') : '';
    this._views?.compare.relabel();
    this._views?.present.relabel();
  }

  /** Buttons for the toolbar. */
  toolbarGroup(btn) {
    const ctx = this._ctx;
    const off = !ctx.state.loaded;
    return el('div', { class: 'shequ-tb-group shequ-consult-tools', role: 'group', 'aria-label': t('consult_compare') },
      btn('consult_compare', 'compare', () => this.compare.toggle(), { testid: 'consult-compare', disabled: off, pressed: this.compare.open, title: t('consult_compare_title') }),
      btn('consult_present', 'present', () => this.present.enter(), { testid: 'consult-present', disabled: off, title: t('consult_present_title') }));
  }

  /** Items for the file menu. */
  fileItems() {
    return [{ text: t('export_read_only'), testid: 'export-read-only', onselect: () => this.exportReadOnly(), disabled: !this._ctx.state.loaded }];
  }

  /** The read-only file for the current plan (text). */
  readOnlyPlan() {
    const ctx = this._ctx;
    // The plan's own title, if it has one, travels in the plan (planInfo); else the host's.
    return readOnlyFile(ctx.bridge.call('exportPlan'), { baselineText: ctx._baseline?.text, title: ctx.planInfo?.title ? '' : ctx.options.title, profile: ctx.profileName });
  }

  exportReadOnly() {
    const ctx = this._ctx;
    const base = (ctx.fileName ?? 'plan').replace(/\.(geo)?json$/i, '').replace(/[\\/:*?"<>|]+/g, '_').replace(/-read-only.*$/, '').slice(0, 60);
    download(this.readOnlyPlan(), `${base}-read-only-${stamp()}.geojson`);
  }

  destroy() {
    this.compare.close();
    this.present.leave();
  }
}
