// The toolbar: file, undo/redo, editing tools, snapping, repair (整体优化), find, layers, settings, language.
import { el, fill, icon } from '../dom.js';
import { t } from '../i18n.js';
import { ICONS } from './icons.js';
import { TOOLS } from '../edit/editor.js';

let searchModule = null; // the Find popover's code (./search.js), loaded on first use

const LAYER_TOGGLES = ['community', 'labels', 'compound', 'grid', 'barrier', 'service_center', 'street'];
// The tools whose hint over the map was closed (each is shown until closed; Settings brings them back).
const HINTS_KEY = 'shequ.hintsClosed';

export class Toolbar {
  constructor(ctx, parent) {
    this._ctx = ctx;
    this.el = el('header', { class: 'shequ-toolbar', testid: 'toolbar' });
    this._hintText = el('span', { 'aria-live': 'polite' });
    this._hintClose = el('button', { type: 'button', class: 'shequ-hint-close', testid: 'hint-close', text: '×', onclick: () => {
      this._closeHints([...this.closedHints(), ctx.mode]);
      ctx.mapEl.focus({ preventScroll: true }); // the button is gone: focus on the map it uncovered
    } });
    this.hint = el('div', { class: 'shequ-hint', testid: 'hint', hidden: true }, this._hintText, this._hintClose);
    parent.append(this.el);
    // The toolbar keeps to one row in whatever width the host gives it.
    // (A resize, new text such as the save state, a late font: fit again on
    // the next frame. fit() settles in one pass, so this does not loop.)
    let queued = false;
    new ResizeObserver(() => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        this.fit();
      });
    }).observe(this.el);
  }

  /** Hides button labels — the tools' first, then all — while the buttons would take two rows. */
  fit() {
    const bar = this.el;
    const wraps = () => {
      const first = bar.firstElementChild, last = bar.lastElementChild;
      return !!first && last.offsetTop >= first.offsetTop + first.offsetHeight;
    };
    const levels = ['shequ-tb-compact', 'shequ-tb-icons', 'shequ-tb-tight', 'shequ-tb-narrow'];
    bar.classList.remove(...levels);
    for (const c of levels) if (wraps()) bar.classList.add(c);
    bar.dataset.fitWidth = bar.clientWidth;
  }

  _btn(key, iconName, onclick, { testid, label = t(key), pressed, disabled, title, text = true } = {}) {
    return el('button', {
      class: 'shequ-tb-btn', testid: testid ?? key, onclick, disabled, title: title ?? label,
      'aria-label': label, 'aria-pressed': pressed == null ? null : String(pressed),
    }, iconName ? icon(ICONS[iconName]) : null, text ? el('span', { class: 'shequ-tb-label', text: label }) : null);
  }

  render() {
    const ctx = this._ctx;
    const focused = document.activeElement?.dataset?.testid;
    const editable = ctx.options.editable;
    this._undo = this._btn('undo', 'undo', () => ctx.undo(), { text: false });
    this._redo = this._btn('redo', 'redo', () => ctx.redo(), { text: false });
    const tools = el('div', { class: 'shequ-tb-group shequ-tools', role: 'group', 'aria-label': t('tools') },
      TOOLS.map((tool) => this._btn('tool_' + tool, tool, () => ctx.setTool(tool), { testid: 'tool-' + tool, pressed: ctx.mode === tool, title: t('tool_' + tool + '_hint') })));
    const reassign = ctx.mode === 'reassign' ? el('div', { class: 'shequ-tb-group shequ-seg', role: 'group', 'aria-label': t('reassign_pick') },
      ['compound', 'grid'].map((l) => el('button', {
        class: 'shequ-seg-btn', testid: 'reassign-layer-' + l, 'aria-pressed': String(ctx.editor.reassignLayer === l), text: t('pick_' + l),
        onclick: () => { ctx.editor.reassignLayer = l; if (!ctx.context.isVisible(l)) ctx.setLayerVisible(l, true); this.render(); },
      }))) : null;
    const saved = ctx.saveState === 'saved' ? t('saved') : ctx.saveState === 'saving' ? t('saving') : '';
    fill(this.el,
      el('div', { class: 'shequ-brand' }, icon(ICONS.logo, 26), el('div', { class: 'shequ-brand-text' },
        this._title(), el('span', { class: 'shequ-plan-name', testid: 'plan-name', text: ctx.fileName ?? t('app_sub') }))),
      el('div', { class: 'shequ-tb-group' }, this._btn('file', 'file', (e) => this._fileMenu(e.currentTarget), { testid: 'file-menu' })),
      editable ? el('div', { class: 'shequ-tb-group' }, this._undo, this._redo) : null,
      editable ? tools : null,
      reassign,
      editable ? this._btn('snapping', 'snap', () => ctx.setSnapping(!ctx.snapping), { testid: 'snap-toggle', pressed: ctx.snapping, title: t('snapping_title') }) : null,
      ctx.consult?.toolbarGroup((...a) => this._btn(...a)),
      el('div', { class: 'shequ-tb-spacer' }),
      el('span', { class: 'shequ-save-state', testid: 'save-state', dataset: { state: ctx.saveState ?? '' }, text: saved, title: saved }),
      // 整体优化 / Repair the plan (adjust/, loaded on first use): an icon, its name as tooltip (the row is full in English).
      editable ? this._btn('repair_open', 'repair', () => ctx.adjust('repair'), { testid: 'repair-button', disabled: !ctx.state.loaded, text: false }) : null,
      this._btn('search', 'search', (e) => this.openSearch(e.currentTarget), { testid: 'search-button', title: t('search_title'), disabled: !ctx.state.loaded }),
      this._btn('layers', 'layers', (e) => this._layersMenu(e.currentTarget), { testid: 'layers-menu' }),
      this._btn('settings', 'settings', () => ctx.openSettings(), { testid: 'settings' }),
      el('button', { class: 'shequ-tb-btn shequ-lang', testid: 'lang-switch', title: t('language_switch_title'), lang: ctx.lang === 'zh' ? 'en' : 'zh', onclick: () => ctx.setLanguage(ctx.lang === 'zh' ? 'en' : 'zh') },
        el('span', { class: 'shequ-lang-long', text: t('language_switch') }), el('span', { class: 'shequ-lang-short', text: t('language_switch_short') })),
    );
    // Fetched once a plan is shown, so that "/" and typing at once lose no key.
    if (ctx.state.loaded) searchModule ??= import('./search.js');
    this.updateHistory();
    this.fit();
    const hint = ctx.state.loaded && editable && !this.closedHints().has(ctx.mode) ? t('tool_' + ctx.mode + '_hint') : '';
    this._hintText.textContent = hint;
    this.hint.hidden = !hint;
    this._hintClose.title = t('hint_close');
    this._hintClose.setAttribute('aria-label', t('hint_close'));
    if (focused) this.el.querySelector(`[data-testid="${focused}"]`)?.focus();
  }

  /** The plan's title (ctx.planTitle()), over its file name; a click sets it (ui/settings.js). */
  _title() {
    const ctx = this._ctx;
    const title = ctx.state.loaded ? ctx.planTitle() : '';
    const text = title && title !== ctx.fileName ? title : ctx.options.title || t('app_title');
    if (!ctx.state.loaded || !ctx.options.editable) return el('strong', { class: 'shequ-plan-title', testid: 'plan-title', text });
    return el('button', { type: 'button', class: 'shequ-plan-title', testid: 'plan-title', text, title: t('plan_title_edit'), onclick: () => ctx.openPlanTitle() });
  }

  /** The tools whose hint was closed. */
  closedHints() {
    try { return new Set(JSON.parse(localStorage.getItem(HINTS_KEY)) ?? []); } catch { return new Set(); }
  }

  /** Every tool's hint shown again (on) or closed. */
  setHints(on) {
    this._closeHints(on ? [] : TOOLS);
  }

  _closeHints(tools) {
    try { localStorage.setItem(HINTS_KEY, JSON.stringify(tools)); } catch { /* storage off */ }
    this.render();
  }

  updateHistory() {
    const ctx = this._ctx;
    if (!this._undo) return;
    let h = { undo: null, redo: null };
    try { if (ctx.bridge.ready) h = ctx.bridge.call('history'); } catch { /* crash handled by the bridge */ }
    this._undo.disabled = !h.undo;
    this._redo.disabled = !h.redo;
    const ut = h.undo ? t('undo_what', { what: h.undo[ctx.lang] ?? h.undo.zh }) : t('nothing_to_undo');
    const rt = h.redo ? t('redo_what', { what: h.redo[ctx.lang] ?? h.redo.zh }) : t('nothing_to_redo');
    this._undo.title = ut + ' (Ctrl+Z)';
    this._redo.title = rt + ' (Ctrl+Shift+Z)';
    this._undo.setAttribute('aria-label', ut);
    this._redo.setAttribute('aria-label', rt);
  }

  setSaveState(s) {
    this._ctx.saveState = s;
    const e = this.el.querySelector('[data-testid=save-state]');
    if (!e) return;
    e.dataset.state = s;
    e.textContent = e.title = s === 'saved' ? t('saved') : s === 'saving' ? t('saving') : '';
  }

  _anchor(button) {
    const r = button.getBoundingClientRect(), p = this._ctx.root.getBoundingClientRect();
    return { x: r.left - p.left - 8, y: r.bottom - p.top - 4 };
  }

  _fileMenu(button) {
    const ctx = this._ctx;
    ctx.rootMenu.open(this._anchor(button), null, [
      { text: t('open_plan'), testid: 'open-plan', onselect: () => ctx.openFiles(false) },
      { text: t('import_layers'), testid: 'import-layers', onselect: () => ctx.openFiles(true) },
      { text: t('load_demo'), testid: 'load-demo', onselect: () => ctx.loadDemo() },
      { text: t('restore_previous'), testid: 'restore-previous', onselect: () => ctx.restorePrevious(), disabled: !ctx._hasPrevious },
      { text: t('export_plan'), testid: 'export-plan', onselect: () => ctx.exportPlan(), disabled: !ctx.state.loaded },
      { text: t('export_report'), testid: 'export-report', onselect: () => ctx.exportReport(), disabled: !ctx.state.loaded },
      ...(ctx.consult?.fileItems() ?? []),
      ...(ctx.docs?.fileItems() ?? []),
    ], 'file-items');
  }

  /** The Find popover (its code is loaded on first use). */
  async openSearch(button = this.el.querySelector('[data-testid=search-button]')) {
    const ctx = this._ctx;
    if (!ctx.state.loaded || !button) return;
    const { openSearch } = await (searchModule ??= import('./search.js'));
    openSearch(ctx, this._anchor(button), button);
  }

  _layersMenu(button) {
    const ctx = this._ctx;
    const box = el('div', { class: 'shequ-menu shequ-layers', role: 'group', testid: 'layers-panel', 'aria-label': t('layers') },
      el('div', { class: 'shequ-menu-title', text: t('layers') }),
      LAYER_TOGGLES.map((name) => el('label', { class: 'shequ-check' },
        el('input', { type: 'checkbox', checked: ctx.isLayerVisible(name), testid: 'layer-toggle-' + name, onchange: (e) => ctx.setLayerVisible(name, e.target.checked) }),
        el('span', { class: 'shequ-swatch shequ-swatch-' + name, 'aria-hidden': 'true' }), el('span', { text: t('layer_' + name) }))));
    ctx.rootMenu.openElement(this._anchor(button), box);
  }
}
