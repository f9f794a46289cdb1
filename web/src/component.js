// The embeddable component: mount(element, options) builds the map, the panel
// and the toolbar, loads the engine and a plan, and wires every edit through
// the engine. The full app page (main.js) is this component mounted full-screen.
import 'leaflet/dist/leaflet.css';
import { profileForEngine } from './profile.js';
import './shequ.css';
import { el } from './dom.js';
import { Evented } from './events.js';
import { i18n, pick, t } from './i18n.js';
import { EngineBridge, EngineCrashed } from './engine.js';
import { PlanState } from './state.js';
import * as storage from './storage.js';
import { classify, download, dropZone, IMPORT_ACCEPT, isImportFile, layerDialog, pickFiles, readFiles, showLoadError, stamp } from './io.js';
import { MapView } from './map/view.js';
import { CommunityLayer } from './map/communities.js';
import { LabelLayer } from './map/labels.js';
import { ContextLayers } from './map/context.js';
import { Highlight } from './map/highlight.js';
import { Editor } from './edit/editor.js';
import { Panel } from './panel/panel.js';
import { Toolbar } from './ui/toolbar.js';
import { Toasts } from './ui/toast.js';
import { Menu } from './ui/menu.js';
import { confirmDialog, dialog } from './ui/dialog.js';
import { Consult } from './consult/consult.js';
import { Docs } from './docs/index.js';

// Replacing a plan with unsaved edits: the question and the previous plan, loaded when first needed.
let replaceModule = null;
const replacing = () => (replaceModule ??= import('./ui/replace.js'));
// Suggest and repair (adjust/: a worker over pkg-adjust/), loaded when first asked for.
let adjustModule = null;

// Resolved against this module, so pkg/ and the demo are found from any page.
const HERE = import.meta.url;
const PKG = '../pkg/';
const DEMO = '../demo.geojson';

export const DEFAULTS = {
  language: null, // 'zh' | 'en'; null: the remembered choice, else Chinese
  profile: '', // '' (yangzhou-2022), a built-in name, or TOML/JSON profile text
  basemap: null, // 'plan' | 'none' | 'osm' | 'tianditu' | 'tianditu_img' | 'amap' | 'amap_img' | {url, attribution, subdomains, maxZoom, gcj02}; null: remembered, else 'plan'
  tiandituKey: '', // 天地图 key (tk); null: the one remembered from the settings
  importWasmUrl: null, // default: pkg-import/ beside pkg/ (Shapefile and table import, loaded on first use)
  adjustWasmUrl: null, // default: pkg-adjust/ beside pkg/ (suggest and repair, in a worker, loaded on first use)
  planUrl: null, // loaded when there is no autosaved plan
  demoUrl: null, // default: demo.geojson beside pkg/
  wasmUrl: null, // default: pkg/ beside the page's assets
  editable: true,
  autosaveKey: 'shequ', // IndexedDB key; false: no autosave
  title: '',
  keyboardScope: 'component', // 'document': shortcuts work wherever the focus is
  readOnly: false, // true: no editing whatever the plan (a plan file can also mark itself read-only)
  presentation: false, // true: start in the presentation view (consult/present.js)
};

function remembered(key) {
  try { return localStorage.getItem('shequ.' + key); } catch { return null; }
}
function remember(key, value) {
  try { localStorage.setItem('shequ.' + key, value); } catch { /* storage off */ }
}

class Shequ extends Evented {
  constructor(element, options) {
    super();
    this.options = { ...DEFAULTS, ...options };
    this.options.wasmUrl = new URL(this.options.wasmUrl ?? PKG, this.options.wasmUrl ? document.baseURI : HERE);
    this.options.importWasmUrl = new URL(this.options.importWasmUrl ?? '../pkg-import/', this.options.importWasmUrl ? document.baseURI : this.options.wasmUrl);
    this.options.tiandituKey = this.options.tiandituKey || remembered('tiandituKey') || '';
    this.options.demoUrl = new URL(this.options.demoUrl ?? DEMO, this.options.demoUrl ? document.baseURI : HERE);
    if (this.options.language) i18n.set(this.options.language, false);
    this.state = new PlanState();
    this.mode = 'select';
    this.snapping = remembered('snap') !== 'off';
    this.profileName = this.options.profile && !/[\n={]/.test(this.options.profile) ? this.options.profile : '';
    // A TOML profile given by the host page becomes JSON for the engine now;
    // a broken one is reported when the first plan loads.
    try {
      this.profileText = profileForEngine(this.options.profile ?? '', 'options.profile');
    } catch (e) {
      this.profileText = '';
      this._profileError = e;
    }
    this.fileName = null;
    this.selectedCenter = null;
    this._labelsOn = true;
    this._communitiesOn = true;
    // Unsaved edits: `_depth` counts edits (undo −1, redo +1) since the plan
    // was loaded; `_saved` holds the depths at which the plan is in a file the
    // user has (the file loaded, the last export).
    this._depth = 0;
    this._saved = new Set([0]);
    this._hasPrevious = false; // a previous plan to restore (ui/replace.js)
    this.planInfo = {}; // the plan file's own record (its `shequ` member): {title, signoff, …}, from the engine

    this._build(element);
    if (this._profileError) showLoadError(this.root, this._profileError);
    this.bridge = new EngineBridge({ wasmUrl: this.options.wasmUrl });
    this.bridge.on('crash', (e) => this._onCrash(e.error));
    this.view = new MapView(this.mapEl, {});
    this.view.onTileProblem = (msg) => this.toast(msg, 'warn', 12000);
    this.communities = new CommunityLayer(this.view, this.state);
    this.context = new ContextLayers(this.view, this.state);
    this.labels = new LabelLayer(this.view, this.state);
    this.labels.obstacles = () => (this.context.isVisible('service_center') ? this.context.centerLatLngs() : []);
    this.highlight = new Highlight(this.view);
    this.menu = new Menu(this.mapWrap);
    this.rootMenu = new Menu(this.root);
    this.editor = new Editor(this);
    this.panel = new Panel(this, this.body);
    this.toolbar = new Toolbar(this, this.root);
    this.root.prepend(this.toolbar.el);
    this.mapWrap.append(this.toolbar.hint);
    this.consult = new Consult(this); // read-only plans, before/after, presentation
    this.docs = new Docs(this); // 四至, procedure, sheets to print, CSV/XLSX/Shapefile
    this.basemap = this.options.basemap ?? this._rememberedBasemap();
    this.view.setBasemap(this.basemap, { tiandituKey: this.options.tiandituKey });
    this._onKey = (e) => this._key(e);
    document.addEventListener('keydown', this._onKey);
    this._onCsp = (e) => this._csp(e);
    document.addEventListener('securitypolicyviolation', this._onCsp);
    this._onI18n = () => this._relabel();
    i18n.on('change', this._onI18n);
    this._onHide = () => this._flushSave();
    window.addEventListener('pagehide', this._onHide);
    dropZone(this.root, (files) => this.handleFiles(files));
    this._relabel();
    this.ready = this._start();
  }

  get lang() { return i18n.lang; }

  /**
   * The plan's title, wherever a plan is named to a person (the toolbar, the
   * presentation view, the printed sheets): the title set with the plan
   * (`setPlanTitle`, saved in the plan file), else the host's (options.title),
   * else the street's name (the plan's street layer), else the file name.
   * `own`: false gives what it would be without a title of its own.
   */
  planTitle(own = true) {
    const title = own ? this.planInfo?.title : null;
    if (typeof title === 'string' && title.trim()) return title.trim();
    if (this.options.title) return this.options.title;
    const streets = (this.state.layers.street?.features ?? []).map((f) => String(f.properties?.name ?? '').trim()).filter(Boolean);
    return [...new Set(streets)].join('、') || this.fileName || '';
  }

  /** Sets the plan's own title ('' or null removes it): one undoable edit, saved with the plan. */
  setPlanTitle(title) {
    const v = String(title ?? '').trim() || null;
    if (v === (this.planInfo?.title ?? null)) return true;
    return !!this.edit('setPlanInfo', { title: v });
  }

  /** Communities a repair leaves as they are: the plan's own record (`locked`), saved in the plan file. */
  get locked() {
    return new Set(Array.isArray(this.planInfo?.locked) ? this.planInfo.locked : []);
  }

  _readPlanInfo() {
    const before = this.planInfo?.title;
    try { this.planInfo = this.bridge.planInfo(); } catch { /* a crash: the bridge reports it */ }
    return this.planInfo?.title !== before;
  }
  pick(obj, base) { return pick(obj, base); }

  _build(element) {
    this.root = el('div', { class: 'shequ', testid: 'shequ' });
    this.mapEl = el('div', { class: 'shequ-map', testid: 'map' });
    this._status = el('div', { class: 'shequ-status', testid: 'status' });
    this.mapWrap = el('div', { class: 'shequ-mapwrap' }, this.mapEl, this._status);
    this.body = el('div', { class: 'shequ-body' }, this.mapWrap);
    this.root.append(this.body);
    this.toasts = new Toasts(this.mapWrap);
    element.append(this.root);
  }

  _rememberedBasemap() {
    const b = remembered('basemap');
    if (!b) return 'plan';
    try { return b.startsWith('{') ? JSON.parse(b) : b; } catch { return 'plan'; }
  }

  // ---- start and load -------------------------------------------------------

  async _start() {
    this._setStatus('loading', t('loading_engine'));
    try {
      await this.bridge.init();
      performance.mark('shequ:engine');
    } catch (e) {
      this._setStatus('error', t('engine_missing'));
      this.fire('error', { error: e });
      return false;
    }
    const key = this.options.autosaveKey;
    let saved;
    if (key) [saved, this._hasPrevious] = await Promise.all([storage.load(key), storage.has(key + ':previous')]);
    if (saved?.plan && this._loadRecord(saved)) {
      this.toast(() => t('restored'), 'ok', 8000, 'toast-restored');
      return true;
    }
    if (this.options.planUrl) return this.loadUrl(this.options.planUrl);
    this._setStatus('empty');
    // While the planner chooses a file.
    this.bridge.warmUp(() => this.state.loaded);
    return true;
  }

  /** engine: one prepared for `saved` (restoring the previous plan), else loaded here. */
  _loadRecord(saved, engine) {
    try {
      if (engine) this.bridge.adopt(engine);
      else this.bridge.load(saved.plan, saved.fileName ?? 'plan.geojson', saved.profile ?? '');
      if (saved.baseline) this.bridge.call('setBaseline', saved.baseline, saved.baselineName ?? saved.fileName);
    } catch (e) {
      if (e instanceof EngineCrashed) return false;
      return false; // an autosave the engine no longer reads: start afresh
    }
    this.profileText = saved.profile ?? '';
    this.profileName = saved.profileName ?? '';
    if (saved.customProfile) this.customProfile = saved.customProfile;
    this._baseline = { text: saved.baseline, name: saved.baselineName };
    // (Autosaves from before `edited` was recorded: edited if it is not the plan as loaded.)
    this._depth = 0;
    this._saved = new Set(saved.edited ?? saved.plan !== saved.baseline ? [] : [0]);
    this._afterLoad(saved.fileName, { fit: true, fresh: false });
    return true;
  }

  /** opts: {confirm} (false: replace unsaved edits without asking). */
  async loadUrl(url, opts = {}) {
    this._setStatus('loading', t('loading_plan'));
    try {
      let arrived = false;
      const download = fetch(new URL(url, document.baseURI)).then(async (res) => {
        if (!res.ok) throw new Error(res.status + ' ' + res.statusText);
        const name = decodeURIComponent(new URL(res.url).pathname.split('/').pop() || 'plan.geojson');
        // Bytes, not text: the engine reads UTF-8 (no decoding here and re-encoding for it).
        return { name, bytes: new Uint8Array(await res.arrayBuffer()) };
      }).finally(() => { arrived = true; });
      this.bridge.warmUp(() => arrived);
      const { name, bytes } = await download;
      return await this.loadText(bytes, name, opts);
    } catch (e) {
      this._setStatus(this.state.loaded ? null : 'empty');
      this.toast(t('file_unreadable', { name: String(url), err: e.message }), 'error', 10000);
      return false;
    }
  }

  loadDemo() {
    return this.loadUrl(this.options.demoUrl.href, { name: t('demo_name') });
  }

  /**
   * Loads a plan (GeoJSON text, or a file's bytes as a Uint8Array); on a
   * LoadError shows the problems and keeps the current plan. Asks first when
   * the current plan has unsaved edits (opts.confirm: false does not; opts.name:
   * what the question calls it).
   */
  loadText(text, fileName = 'plan.geojson', opts = {}) {
    performance.mark('shequ:read');
    return this._replace(opts?.name ?? fileName, () => this.bridge.prepare(text, fileName, this.profileText ?? ''), opts, (engine) => {
      this.bridge.adopt(engine);
      // The text just loaded is the baseline and the first autosave: no export
      // of the whole plan (0.3–0.45 s for a city of 1,000 communities).
      this._afterLoad(fileName, { fit: true, fresh: true, text });
      this.toast(() => t('loaded', { name: fileName }), 'ok', 4000);
      return true;
    });
  }

  loadLayers(files, opts) {
    const name = files.map((f) => f.name).join(' + ');
    return this._replace(name, () => this.bridge.prepareLayers(files, this.profileText ?? ''), opts, (engine) => {
      this.bridge.adopt(engine);
      this._afterLoad(name, { fit: true, fresh: true });
      this.toast(() => t('loaded', { name }), 'ok', 4000);
      return true;
    });
  }

  // ---- replacing the plan: never losing work without a word ---------------------

  /** The plan has edits since it was loaded or last exported (undoing them all counts). */
  get dirty() {
    return this.state.loaded && !this._saved.has(this._depth);
  }

  /**
   * The one door every replacement of the plan passes. `make()` reads the new
   * plan into an Engine beside the current one (a plan the engine refuses
   * shows its problems and replaces nothing, unasked); then, if the current
   * plan has unsaved edits and opts.confirm is not false, the user chooses
   * (ui/replace.js): Cancel (the default: false, nothing changes), Export
   * first, then load, or Replace. `adopt(engine)` puts the new plan in (false
   * if it could not). An edited plan left becomes the previous plan.
   */
  async _replace(name, make, opts, adopt, restoring = false) {
    const instance = this.bridge.instance;
    let engine;
    try {
      engine = make();
    } catch (e) {
      this._loadFailed(e);
      return false;
    }
    const keep = this.dirty;
    if (keep && opts?.confirm !== false) {
      this._setStatus(null); // (a download's "loading")
      const v = await (await replacing()).ask(this, name);
      if (v === 'export') this.exportPlan();
      else if (v !== 'replace') {
        try { engine.free(); } catch { /* gone with a crashed instance */ }
        return false;
      }
    }
    if (this.bridge.instance !== instance) return false; // the engine restarted meanwhile: that Engine is gone
    let left = null;
    if (keep || this.dirty) {
      try { left = this._record(this.bridge.call('exportPlan')); } catch { /* a crash: the bridge reports it */ }
    }
    if (!adopt(engine)) return false;
    if (left || restoring) {
      this._previous = left;
      this._hasPrevious = !!left;
      (await replacing()).keepPrevious(this, left);
    }
    return true;
  }

  /** Brings back the plan the last replacement left (its text, file name, profile and baseline). */
  async restorePrevious(opts) {
    return (await replacing()).restorePrevious(this, opts);
  }

  _loadFailed(e) {
    this._setStatus(this.state.loaded ? null : 'empty');
    if (e instanceof EngineCrashed) return;
    showLoadError(this.root, e);
    this.fire('loaderror', { error: e });
  }

  /** text: the plan as loaded (text or bytes), when it came as one file (else it is exported). */
  _afterLoad(fileName, { fit, fresh, text = null }) {
    performance.mark('shequ:parsed');
    const b = this.bridge;
    const layers = {};
    // Compounds, grid cells and the roads' features are read when first drawn
    // or needed (state.layer()); the map draws roads from state.barrierLines().
    for (const name of ['service_center', 'street']) layers[name] = b.call('layer', name);
    const prevSel = this.communities.selected;
    this.state.setAll(b.call('report'), b.call('geometry'), layers, (method, ...args) => this.bridge.call(method, ...args));
    const plan = text ?? b.call('exportPlan');
    if (fresh) {
      this._depth = 0;
      this._saved = new Set([0]);
      // The comparison is against the plan as first loaded; keep it for reloads.
      this._baseline = { text: plan, name: fileName };
      this.editor.drag.resetStats();
    }
    this.consult.afterLoad(plan, { fresh, fileName });
    this.fileName = fileName;
    this._readPlanInfo();
    if (!this.profileName) this.profileName = b.call('profile');
    this.highlight.clear();
    this.selectedCenter = null;
    this.communities.selected = this.state.communities.has(prevSel) && !fresh ? prevSel : null;
    // Fit first, so that every layer is projected once, at the final zoom.
    if (fit) this.view.fit(this.state.bbox());
    this.communities.reset();
    this.communities.select(this.communities.selected);
    this.context.reset();
    this.labels.reset();
    this.panel.render();
    this.editor.setTool('select');
    this.toolbar.render();
    this._setStatus(null);
    const notes = b.call('notes');
    if (notes.length) {
      const n = notes.reduce((s, x) => s + (x.count || 1), 0);
      const en = () => i18n.lang === 'en';
      this.toast(() => t('notes_title', { n }) + (en() ? ': ' : '：') + notes.slice(0, 3).map((x) => pick(x, 'message')).join(en() ? '; ' : '；'), 'info', 12000, 'toast-notes');
    }
    this._save(plan);
    performance.mark('shequ:loaded');
    this.fire('load', { fileName });
    this.fire('change', { reason: 'load' });
  }

  // ---- edits ------------------------------------------------------------------

  /** Applies a Delta to the page. opts: {drag, committed}. */
  apply(delta, opts = {}) {
    if (!delta) return null;
    const changes = this.state.apply(delta);
    changes.committed = !!opts.committed;
    changes.drag = !!opts.drag;
    this.communities.update(changes);
    if (this.communities.selected && changes.reports.has(this.communities.selected)) this.communities.select(this.communities.selected);
    if (changes.removed.includes(this.communities.selected)) this.communities.select(null);
    this.labels.update(changes);
    if (changes.reports.size) this.context.restyleGrid();
    this.panel.update(changes);
    if (!opts.drag) {
      if (opts.committed) this._committed(changes);
      if (delta.nodes_changed || opts.committed) this.editor.handles.refresh();
      this.toolbar.updateHistory();
    } else {
      this.fire('drag', { totals: this.state.totals });
    }
    return changes;
  }

  /** Runs an edit through the engine: the Delta is applied, a refusal is shown. */
  edit(method, ...args) {
    if (this.consult.readOnly) {
      this.toast(t('read_only_refused'), 'warn', 6000, 'toast-read-only');
      return null;
    }
    let delta;
    try {
      delta = this.bridge.call(method, ...args);
    } catch (e) {
      this.refused(e);
      return null;
    }
    if (!delta) return null;
    this._step = method === 'undo' ? -1 : method === 'redo' ? 1 : 0;
    // The plan's own record (planInfo: its title …) changes by setPlanInfo, or an undo or redo of one.
    this._infoDue = method === 'setPlanInfo' || this._step !== 0;
    this.apply(delta, { committed: true });
    this._step = 0;
    this._infoDue = false;
    return delta;
  }

  refused(e) {
    if (e instanceof EngineCrashed) return;
    if (e?.name === 'EditError') this.toast(t('refused', { msg: pick(e, 'message') || e.message }), 'warn', 8000, 'toast-refused');
    else this.toast(t('refused', { msg: e?.message ?? String(e) }), 'error', 10000);
  }

  _committed(changes) {
    // The Delta carries the properties and centres: no whole-plan export here
    // (the autosave exports the plan once the edits pause).
    if (changes.counts) this.context.updateCounts(changes.counts);
    if (changes.centers) {
      this.context.resetCenters();
      this.context.selectCenter(this.selectedCenter);
    }
    // Read before the detail is drawn: its lock checkbox shows the plan's record.
    if (this._infoDue && this._readPlanInfo()) this.toolbar.render();
    this.panel.detail.update({ reports: new Set([this.communities.selected]), removed: [], committed: true });
    // A new edit below a saved depth clears the redo steps that led there.
    if (!this._step) for (const d of this._saved) if (d > this._depth) this._saved.delete(d);
    this._depth += this._step || 1;
    try { if (!this.bridge.call('history').undo) this._depth = 0; } catch { /* a crash: the bridge reports it */ }
    this._save(null);
    this.fire('change', { reason: 'edit' });
  }

  undo() {
    if (this.editor.drag.active) return;
    this.edit('undo');
  }

  redo() {
    if (this.editor.drag.active) return;
    this.edit('redo');
  }

  async createCommunity(ring) {
    const n = this.state.order.length + 1;
    let id = 'N' + n, k = n;
    while (this.state.communities.has(id)) id = 'N' + ++k;
    const name = el('input', { type: 'text', value: t('new_name_default', { n: k }), testid: 'new-name', maxlength: 60 });
    const idIn = el('input', { type: 'text', value: id, testid: 'new-id', maxlength: 40 });
    const v = await dialog(this.root, {
      title: t('new_community'), testid: 'create-dialog',
      body: el('div', { class: 'shequ-form' }, el('label', { class: 'shequ-field' }, el('span', { class: 'shequ-field-label', text: t('name') }), name),
        el('label', { class: 'shequ-field' }, el('span', { class: 'shequ-field-label', text: t('new_community_id') }), idIn)),
      buttons: [{ text: t('cancel'), value: 'cancel' }, { text: t('ok'), value: 'ok', primary: true, testid: 'create-ok' }],
    });
    if (v === 'ok') {
      const d = this.edit('createCommunity', ring, idIn.value.trim() || id, name.value.trim() || t('new_name_default', { n: k }));
      if (d?.added?.[0]) this.select(d.added[0]);
    }
    this.setTool('select');
  }

  async deleteCommunity(id) {
    if (await confirmDialog(this.root, t('delete_community'), t('delete_confirm', { name: this.state.name(id) }), 'delete-dialog')) {
      if (this.edit('deleteCommunity', id)) this.select(null);
    }
  }

  // ---- selection and views ------------------------------------------------------

  select(id, { zoom = false } = {}) {
    this.selectedCenter = null;
    this.context.selectCenter(null);
    this.communities.select(id ?? null);
    this.labels.selected = id;
    this.editor.handles.refresh();
    this.panel.select();
    if (id && zoom) {
      const b = this.state.shapes.get(id)?.bbox;
      if (b) this.view.map.flyToBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [60, 60], maxZoom: 17, duration: 0.5 });
    }
    if (id && this.panel.tab !== 'detail' && !zoom) this.panel.show('detail');
    this.fire('select', { id });
  }

  selectCenter(id) {
    this.communities.select(null);
    this.selectedCenter = id;
    this.context.selectCenter(id);
    this.editor.handles.refresh();
    this.panel.select();
    this.panel.show('detail');
  }

  showFinding(f) {
    let fallback = null;
    for (const id of f.community_ids) {
      const b = this.state.shapes.get(id)?.bbox;
      if (b) fallback = fallback ? [Math.min(fallback[0], b[0]), Math.min(fallback[1], b[1]), Math.max(fallback[2], b[2]), Math.max(fallback[3], b[3])] : b.slice();
    }
    if (f.community_ids.length === 1 && f.community_ids[0] !== this.communities.selected) {
      this.communities.select(f.community_ids[0]);
      this.editor.handles.refresh();
      this.panel.balance.select();
    }
    this.highlight.show(f.geometry, fallback);
  }

  setTool(tool) {
    this.editor.setTool(tool);
    this.toolbar.render();
  }

  setSnapping(on) {
    this.snapping = on;
    remember('snap', on ? 'on' : 'off');
    this.toolbar.render();
  }

  isLayerVisible(name) {
    if (name === 'labels') return this._labelsOn;
    if (name === 'community') return this._communitiesOn;
    return this.context.isVisible(name);
  }

  setLayerVisible(name, on) {
    if (name === 'labels') { this._labelsOn = on; this.labels.setVisible(on); }
    else if (name === 'community') { this._communitiesOn = on; this.communities.setVisible(on); }
    else this.context.setVisible(name, on);
  }

  setBasemap(basemap, tiandituKey = this.options.tiandituKey) {
    this.options.tiandituKey = tiandituKey ?? '';
    remember('tiandituKey', this.options.tiandituKey);
    const ok = this.view.setBasemap(basemap, { tiandituKey: this.options.tiandituKey });
    this.basemap = ok ? basemap : 'plan';
    remember('basemap', typeof this.basemap === 'object' ? JSON.stringify(this.basemap) : this.basemap);
    return ok;
  }

  setLanguage(lang) {
    i18n.set(lang);
  }

  _relabel() {
    this.root.lang = i18n.lang === 'zh' ? 'zh-CN' : 'en';
    this.mapEl.setAttribute('aria-label', t('map_label'));
    this.toolbar.render();
    this.panel.render();
    this.labels.refresh();
    this.consult?.relabel();
    this.toasts.relabel(); // those given as functions of the language
    if (this._statusKind === 'empty') this._setStatus('empty');
  }

  /** Re-checks the current plan with another rule profile. */
  setProfile(name, custom) {
    const fileName = custom?.name ?? name;
    let text;
    try {
      text = custom ? profileForEngine(custom.text, fileName) : name;
    } catch (e) {
      this._loadFailed(e);
      return false;
    }
    if (!this.state.loaded) {
      this.profileName = name;
      this.profileText = text;
      if (custom) this.customProfile = custom;
      return true;
    }
    try {
      // Only the rules change: the plan, its undo history and the comparison stay.
      this.bridge.call('setProfile', text, fileName);
    } catch (e) {
      this._loadFailed(e);
      return false;
    }
    this.profileName = name;
    this.profileText = text;
    if (custom) this.customProfile = custom;
    this._afterLoad(this.fileName, { fit: false, fresh: false });
    this.toast(() => t('profile_changed', { name: fileName }), 'ok', 5000);
    return true;
  }

  /** Suggest and repair (adjust/index.js, loaded now): `adjust('suggest', id)`, `adjust('repair')`. */
  async adjust(what, ...args) {
    return (await (adjustModule ??= import('./adjust/index.js')))[what](this, ...args);
  }

  /** The settings dialog (its code is loaded on first use). */
  async openSettings() {
    const { openSettings } = await import('./ui/settings.js');
    return openSettings(this);
  }

  /** The plan's title, to set (ui/settings.js, loaded on first use). */
  async openPlanTitle() {
    const { openPlanTitle } = await import('./ui/settings.js');
    return openPlanTitle(this);
  }

  // ---- files ------------------------------------------------------------------

  async openFiles(layered) {
    const files = await pickFiles({ multiple: true, accept: '.geojson,.json,.toml,' + IMPORT_ACCEPT });
    if (files.length) this.handleFiles(files, layered);
  }

  async handleFiles(files, layered = false) {
    if ([...files].some(isImportFile)) return this.importFiles([...files]);
    let read;
    try {
      read = await readFiles(files);
    } catch (e) {
      this.toast(t('file_unreadable', { name: files.map((f) => f.name).join(', '), err: e.message }), 'error', 10000);
      return false;
    }
    const profiles = read.filter((f) => classify(f) === 'profile');
    const plans = read.filter((f) => classify(f) === 'geojson');
    if (profiles.length) this.setProfile('__custom', profiles[0]);
    if (!plans.length) return true;
    if (plans.length === 1 && !layered) return this.loadText(plans[0].bytes, plans[0].name);
    const layerFiles = await layerDialog(this.root, plans);
    return layerFiles ? this.loadLayers(layerFiles) : false;
  }

  /** Shapefiles and households tables (and GeoJSON with them): the importer, loaded now. */
  async importFiles(files) {
    let others;
    try {
      others = await readFiles(files.filter((f) => !isImportFile(f)));
    } catch (e) {
      this.toast(t('file_unreadable', { name: files.map((f) => f.name).join(', '), err: e.message }), 'error', 10000);
      return false;
    }
    const profile = others.find((f) => classify(f) === 'profile');
    if (profile) this.setProfile('__custom', profile);
    await this.ready;
    let m;
    try {
      m = await import('./import/index.js');
    } catch (e) {
      this.toast(t('import_missing', { err: e.message }), 'error', 12000, 'toast-import-missing');
      return false;
    }
    const plans = new Set(others.filter((f) => classify(f) === 'geojson').map((f) => f.name));
    return m.importFiles(this, files.filter((f) => isImportFile(f) || plans.has(f.name)));
  }

  exportPlan() {
    const base = (this.fileName ?? 'plan').replace(/\.(geo)?json$/i, '').replace(/[\\/:*?"<>|]+/g, '_').slice(0, 60);
    const plan = this.bridge.call('exportPlan');
    download(plan, `${base}-${stamp()}.geojson`);
    this.exported(plan);
  }

  /** The whole plan went out as a file (`plan`: its GeoJSON text): no unsaved edits now. */
  exported(plan) {
    this._saved.add(this._depth);
    this._save(plan);
  }

  exportReport() {
    download(JSON.stringify(this.getReport(), null, 2), `report-${stamp()}.json`, 'application/json');
  }

  // ---- autosave and crash recovery -------------------------------------------------

  _record(plan) {
    return {
      plan, fileName: this.fileName, profile: this.profileText ?? '', profileName: this.profileName,
      customProfile: this.customProfile, baseline: this._baseline?.text, baselineName: this._baseline?.name,
      edited: this.dirty,
    };
  }

  /** plan: the exported plan text, or null: export it when the save runs (edits come in bursts). */
  _save(plan) {
    this._exportDue = plan == null;
    if (plan != null) {
      this._lastGood = this._record(plan); // what a crash recovers from
      this.bridge.checkpoint();
    }
    if (this.options.autosaveKey) {
      this._pendingSave = this._lastGood;
      this.toolbar.setSaveState('saving');
    }
    clearTimeout(this._saveTimer);
    this._saveTimer = setTimeout(() => this._flushSave(), 250);
  }

  _flushSave() {
    clearTimeout(this._saveTimer);
    if (this._exportDue && this.bridge.ready) {
      this._exportDue = false;
      try {
        this._lastGood = this._record(this.bridge.call('exportPlan'));
        this.bridge.checkpoint();
        if (this.options.autosaveKey) this._pendingSave = this._lastGood;
      } catch { /* a crash: the bridge reports it */ }
    }
    const rec = this._pendingSave;
    this._pendingSave = null;
    if (!rec || !this.options.autosaveKey) return;
    storage.save(this.options.autosaveKey, rec).then(
      () => { if (!this._pendingSave) this.toolbar.setSaveState('saved'); },
      (e) => this.toast(t('save_failed', { err: e?.message ?? e }), 'error'),
    );
  }

  _onCrash(error) {
    if (this._recovering) return;
    this._recovering = true;
    console.warn('shequ: engine trapped; restarting from the last autosave', error);
    this.editor.drag.active = null;
    this.editor.draw.cancel();
    this.menu.close();
    // Let the failing call unwind before replacing the instance.
    setTimeout(async () => {
      try {
        const { replayed, lost } = await this.bridge.recover(this._lastGood);
        this._afterLoad(this._lastGood.fileName, { fit: false, fresh: false });
        // _afterLoad saved the recovered plan, replayed edits included.
        const msg = replayed ? t('crashed_replayed', { n: replayed }) : lost ? t('crashed_lost', { n: lost }) : t('crashed');
        this.toast(msg, 'warn', 15000, 'toast-crashed');
        this.fire('recovered', { instance: this.bridge.instance });
      } catch (e) {
        this._setStatus('error', t('crash_failed'));
        this.fire('error', { error: e });
      } finally {
        this._recovering = false;
      }
    });
  }

  _csp(e) {
    try { this.view.cspBlocked.add(new URL(e.blockedURI).host); } catch { /* 'inline' etc. */ }
  }

  // ---- status overlay, toasts, keys ------------------------------------------------

  _setStatus(kind, text) {
    this._statusKind = kind;
    const s = this._status;
    s.hidden = !kind;
    s.dataset.kind = kind ?? '';
    if (!kind) return s.replaceChildren();
    if (kind === 'empty') {
      s.replaceChildren(el('div', { class: 'shequ-status-box', testid: 'empty' },
        el('h2', { text: t('empty_title') }), el('p', { text: t('empty_body') }),
        el('div', { class: 'shequ-form-buttons' },
          el('button', { class: 'shequ-btn shequ-btn-primary', text: t('open_plan'), testid: 'empty-open', onclick: () => this.openFiles(false) }),
          el('button', { class: 'shequ-btn', text: t('load_demo'), testid: 'empty-demo', onclick: () => this.loadDemo() }))));
    } else {
      s.replaceChildren(el('div', { class: 'shequ-status-box', testid: kind === 'error' ? 'fatal' : 'loading' }, el('p', { text })));
    }
  }

  /** text: a string, or a function giving it in the language of the moment (said again when it changes). */
  toast(text, kind = 'info', timeout = 6000, testid, action) {
    return this.toasts.show(text, { kind, timeout, testid, action });
  }

  _key(e) {
    const scope = this.options.keyboardScope === 'document' || this.root.contains(document.activeElement) || document.activeElement === document.body;
    if (!scope || this.root.querySelector('dialog[open]')) return;
    const tag = e.target.tagName;
    const typing = tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || e.target.isContentEditable;
    const mod = e.ctrlKey || e.metaKey;
    if (mod && !typing && this.options.editable) {
      const k = e.key.toLowerCase();
      if (k === 'z' && !e.shiftKey) { e.preventDefault(); return this.undo(); }
      if ((k === 'z' && e.shiftKey) || k === 'y') { e.preventDefault(); return this.redo(); }
    }
    if (typing) return;
    if (e.key === '/' && !mod) { e.preventDefault(); return this.toolbar.openSearch(); }
    if (e.key === 'Escape') return this.editor.escape();
    if (this.options.editable) this.editor.key(e);
  }

  // ---- public API helpers -----------------------------------------------------------

  getReport() {
    const s = this.state;
    if (!s.loaded) return null;
    return {
      profile: s.profile, communities: s.list(), findings: [...s.findings.values()],
      totals: s.totals, adjustment: s.adjustment, comparison: s.comparison,
    };
  }

  destroy() {
    this._flushSave();
    document.removeEventListener('keydown', this._onKey);
    document.removeEventListener('securitypolicyviolation', this._onCsp);
    window.removeEventListener('pagehide', this._onHide);
    i18n.off('change', this._onI18n);
    this.menu.close();
    this.rootMenu.close();
    this.consult.destroy();
    adjustModule?.then((m) => m.destroy(this));
    this.view.destroy();
    this.bridge.destroy();
    this.root.remove();
    this._handlers = {};
  }
}

/**
 * Mounts the planner into `element`.
 * Returns {load, getPlan, getReport, on, off, destroy, ready, …}.
 */
export function mount(element, options = {}) {
  const app = new Shequ(element, options);
  const api = {
    /**
     * Loads a plan (GeoJSON text or object). Resolves true, or false after showing the problems
     * or when the user keeps unsaved edits; opts.confirm: false replaces them without asking.
     */
    load: async (plan, fileName = 'plan.geojson', opts) => {
      await app.ready;
      return app.loadText(typeof plan === 'string' ? plan : JSON.stringify(plan), fileName, opts);
    },
    /** Edits not yet exported as a plan file. */
    get unsavedEdits() { return app.dirty; },
    /** The plan the last replacement left, back (asks as a load does). */
    restorePrevious: async (opts) => { await app.ready; return app.restorePrevious(opts); },
    getPlan: () => (app.state.loaded ? app.bridge.call('exportPlan') : null),
    /** The plan's title as shown (its own, the host's, the street's name or the file name). */
    planTitle: () => app.planTitle(),
    /** Sets the plan's own title, saved in the plan file ('' removes it); one undoable edit. */
    setPlanTitle: (title) => app.setPlanTitle(title),
    getReport: () => app.getReport(),
    on: (type, fn) => { app.on(type, fn); return api; },
    off: (type, fn) => { app.off(type, fn); return api; },
    destroy: () => app.destroy(),
    ready: app.ready,
    setLanguage: (lang) => app.setLanguage(lang),
    select: (id) => app.select(id),
    /** Opens the 一社区一方案 print preview of `ids` (all, after the summary table, when omitted). */
    printSheets: (ids) => app.docs.print(ids),
    /** Pointer-move → panel-updated latency of vertex drags, ms {n, p50, p95, max}. */
    stats: () => app.editor.drag.stats(),
    /** Page coordinates of a lon/lat on the map. */
    toScreen: (lng, lat) => app.editor.toScreen(lng, lat),
    /** Drag handles currently shown: [{id, lng, lat, degree}]. */
    handles: () => app.editor.handles.list(),
    fit: () => app.view.fit(app.state.bbox()),
    get engineInstance() { return app.bridge.instance; },
    get warmUpRuns() { return app.bridge.warmUpRuns; },
    // consultation and embedding (consult/, element.js, bridge.js)
    loadUrl: async (url, opts) => { await app.ready; return app.loadUrl(url, opts); },
    setProfile: (name) => app.setProfile(name),
    /** Basemap: 'plan' | 'none' | 'osm' | 'tianditu' | 'tianditu_img' | 'amap' | 'amap_img' | {url, …}; false if it cannot be used. */
    setBasemap: (basemap, tiandituKey) => { if (tiandituKey != null) app.options.tiandituKey = tiandituKey; return app.setBasemap(basemap); },
    setEditable: (on) => app.consult.setEditable(on),
    setReadOnly: (on) => app.consult.setReadOnly(on),
    get readOnly() { return app.consult.readOnly; },
    /** The plan as a read-only file to hand out (GeoJSON text with `shequ.read_only`). */
    getReadOnlyPlan: () => (app.state.loaded ? app.consult.readOnlyPlan() : null),
    /** Before/after: mode 'swipe' | 'side'; null closes it. */
    compare: (mode = 'swipe') => (mode ? app.consult.compare.show(mode) : app.consult.compare.close()),
    present: (on = true) => (on ? app.consult.present.enter() : app.consult.present.leave()),
  };
  if (app.options.presentation) app.ready.then(() => api.present(true));
  return api;
}
