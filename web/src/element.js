// <shequ-planner>: the planner as a custom element, for portals that would
// rather write markup than call mount().
//
//   <script type="module" src="…/element.js"></script>
//   <shequ-planner plan-url="plan.geojson" lang="zh" basemap="plan"></shequ-planner>
//
// Attributes (all optional, all react to later changes):
//   plan-url      GeoJSON to load (a change loads it)
//   profile       built-in profile name (yangzhou-2022, …)
//   lang          zh | en
//   basemap       plan | osm | tianditu | none
//   tianditu-key  key for basemap="tianditu"
//   editable      "false" turns editing off (default on)
//   readonly      present: read-only (no edits, a banner; export still works)
//   presentation  present: start in the presentation view
//   autosave-key  IndexedDB key to autosave under (default: no autosave, the
//                 plan-url is authoritative)
//   plan-title    the title in the toolbar (read once)
// Events: `shequ-change` (detail {reason, totals}), `shequ-load`, `shequ-ready`
// (all bubble). Methods: load(plan, fileName, {confirm}), getPlan(), getReport(),
// getReadOnlyPlan(), compare(mode), present(on); property `ready` (a Promise).
// The element lays out in the light DOM (the page's stylesheet applies) and
// needs a height, e.g. `shequ-planner { height: 700px; }`.
import { mount } from './component.js';

const ATTRS = ['plan-url', 'profile', 'lang', 'basemap', 'tianditu-key', 'editable', 'readonly'];

const flag = (v) => v != null && v !== 'false' && v !== '0';

export class ShequPlanner extends HTMLElement {
  static get observedAttributes() { return ATTRS; }

  constructor() {
    super();
    this._app = null;
    this._readyResolve = null;
    this.ready = new Promise((r) => { this._readyResolve = r; });
  }

  connectedCallback() {
    if (this._app) return;
    const a = (n) => this.getAttribute(n);
    this._app = mount(this, {
      planUrl: a('plan-url'),
      profile: a('profile') ?? '',
      language: a('lang') || null,
      basemap: a('basemap') || null,
      tiandituKey: a('tianditu-key') ?? '',
      editable: a('editable') == null || flag(a('editable')),
      readOnly: this.hasAttribute('readonly') && a('readonly') !== 'false',
      presentation: this.hasAttribute('presentation'),
      autosaveKey: a('autosave-key') || false,
      title: a('plan-title') ?? '',
    });
    this._app.on('change', (d) => this._emit('shequ-change', { reason: d?.reason, totals: this._app.getReport()?.totals ?? null }));
    this._app.on('load', (d) => this._emit('shequ-load', { fileName: d?.fileName }));
    this._app.ready.then((ok) => {
      this._emit('shequ-ready', { ok });
      this._readyResolve(ok);
    });
  }

  disconnectedCallback() {
    // Moving the element (remove then insert) must not tear it down.
    queueMicrotask(() => {
      if (this.isConnected || !this._app) return;
      this._app.destroy();
      this._app = null;
    });
  }

  attributeChangedCallback(name, old, value) {
    const app = this._app;
    if (!app || old === value) return;
    switch (name) {
      case 'plan-url': if (value) app.loadUrl(value); break;
      case 'profile': app.ready.then(() => app.setProfile(value || '')); break;
      case 'lang': if (value === 'zh' || value === 'en') app.setLanguage(value); break;
      case 'basemap': app.setBasemap(value || 'plan'); break;
      case 'tianditu-key': app.setBasemap(this.getAttribute('basemap') || 'tianditu', value ?? ''); break;
      case 'editable': app.setEditable(value == null || flag(value)); break;
      case 'readonly': app.setReadOnly(value != null && value !== 'false'); break;
    }
  }

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /** Loads a plan (GeoJSON text or object); resolves true, or false after showing the problems or keeping unsaved edits ({confirm: false}: no question). */
  load(plan, fileName, opts) { return this._need().load(plan, fileName, opts); }
  getPlan() { return this._need().getPlan(); }
  getReport() { return this._need().getReport(); }
  getReadOnlyPlan() { return this._need().getReadOnlyPlan(); }
  compare(mode) { return this._need().compare(mode); }
  present(on) { return this._need().present(on); }
  /** The component's full API (see component.js). */
  get api() { return this._app; }

  _need() {
    if (!this._app) throw new Error('<shequ-planner> is not in the document yet');
    return this._app;
  }
}

if (!customElements.get('shequ-planner')) customElements.define('shequ-planner', ShequPlanner);
