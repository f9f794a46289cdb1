// Consultation mode: what the component shows at a residents' meeting.
// - read-only plans (a file marked by readonly.js, or the host's `readOnly`
//   option): no editing, a banner, export still works;
// - the before/after comparison (compare.js);
// - the presentation view (present.js).
// It owns whether the planner is editable: options.editable is the host's
// wish, and is switched off while the plan is read-only or being presented.
import { el } from '../dom.js';
import { t } from '../i18n.js';
import { download, stamp } from '../io.js';
import { baselineOf, marker, readOnlyFile } from './readonly.js';
import { CompareView } from './compare.js';
import { Presentation } from './present.js';

export class Consult {
  constructor(ctx) {
    this._ctx = ctx;
    this.wantEditable = ctx.options.editable !== false;
    this.forcedReadOnly = !!ctx.options.readOnly;
    this.planReadOnly = false;
    this.banner = el('div', { class: 'shequ-readonly-banner', testid: 'read-only-banner', role: 'status', hidden: true });
    ctx.root.insertBefore(this.banner, ctx.body);
    this.compare = new CompareView(ctx);
    this.present = new Presentation(ctx);
    this._apply(false);
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
    this.compare.invalidate();
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
    this.compare.relabel();
    this.present.relabel();
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
    return readOnlyFile(ctx.bridge.call('exportPlan'), { baselineText: ctx._baseline?.text, title: ctx.options.title, profile: ctx.profileName });
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
