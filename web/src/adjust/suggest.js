// Suggest mode (建议调整): for a community with a scale finding, the worker's
// alternatives — split, merge, move grid cells — listed at the top of the
// community detail with their numbers (households and compounds moved, each
// part's households, new or kept, service centre, the new boundary's share
// along roads and rivers, the findings it would clear and raise), the one
// selected drawn on the map as dashed outlines labelled with households (a
// pane of its own above the communities, removed on leaving). ←/→ switch,
// Enter applies (the worker's plan with it, put in by the page's engine as
// ONE undoable edit: replaceCommunities), Esc leaves. Any other change to
// the plan, or another selection, leaves: the alternatives would be stale.
import L from 'leaflet';
import { el, fill } from '../dom.js';
import { i18n, num, pick, t } from '../i18n.js';
import { geojsonPolys, labelPoint } from '../map/geo.js';

const PANE = 'shequ-suggest';
/** An alternative's summary in the current language, as a sentence (the engine's English starts lower-case). */
const summary = (a) => pick(a, 'summary').replace(/^[a-z]/, (c) => c.toUpperCase());
const ALTERNATIVES = 5;
const COLOUR = { kept: '#4477AA', created: '#AA3377' }; // Paul Tol's bright (map/styles.js)

/** The text of an error from the worker. */
export function errorText(e) {
  if (e?.name === 'AdjustMissing') return t('adjust_missing', { err: e.message });
  if (e?.name === 'EditError' || e?.message_zh) return pick(e, 'message') || e.message;
  return t('adjust_failed', { err: e?.message ?? String(e) });
}

export class SuggestMode {
  constructor(app, client) {
    this._app = app;
    this._client = client;
    this.active = null; // {id, alts, k}
    this._layer = null;
    this.box = el('section', { class: 'shequ-suggest', testid: 'suggest', 'aria-live': 'polite' });
    this._onKey = (e) => this._key(e);
    this._onSelect = (e) => { if (this.active && e.id !== this.active.id) this.leave(); };
    this._onChange = () => { if (this.active && !this._applying) this.leave(); };
    app.on('select', this._onSelect);
    app.on('change', this._onChange);
  }

  async open(id) {
    const app = this._app;
    this.leave();
    const token = (this._token = {});
    this.active = { id, alts: null, k: 0 };
    document.addEventListener('keydown', this._onKey, true);
    app.panel.show('detail');
    app.panel.detail.el.prepend(this.box);
    this.box.parentElement.parentElement.scrollTop = 0;
    this._frame(el('p', { class: 'shequ-muted', text: t('suggest_working'), testid: 'suggest-working' }));
    let text;
    try {
      text = await this._client.call('suggest', { community: id, n: ALTERNATIVES });
    } catch (e) {
      if (this._token === token) this._fail(e);
      return;
    }
    if (this._token !== token) return;
    this.active.alts = JSON.parse(text);
    this.render();
    this._draw(true);
  }

  /** Shows alternative k. */
  show(k) {
    const a = this.active;
    if (!a?.alts?.length) return;
    a.k = (k + a.alts.length) % a.alts.length;
    this.render();
    this._draw(true);
  }

  _frame(...body) {
    const { id } = this.active;
    fill(this.box,
      el('header', { class: 'shequ-suggest-head' },
        el('h3', { text: t('suggest_title', { name: this._app.state.name(id) }) }),
        el('button', { class: 'shequ-btn', text: t('suggest_leave'), testid: 'suggest-leave', onclick: () => this.leave() })),
      body);
  }

  _fail(e) {
    if (e?.name === 'Cancelled') return this.leave(); // the worker was stopped (a repair cancelled)
    this.active.alts = [];
    this._frame(el('p', { class: 'shequ-suggest-none', text: errorText(e), testid: 'suggest-none', dataset: { code: e?.code ?? '' } }));
  }

  render() {
    if (!this.active) return;
    const { alts, k } = this.active;
    if (!alts) return this._frame(el('p', { class: 'shequ-muted', text: t('suggest_working'), testid: 'suggest-working' }));
    const app = this._app;
    const a = alts[k];
    const moved = (x) => t('suggest_moved', { hh: num(x.households_moved), n: num(x.compounds_moved) });
    const center = (id) => (id ? t('suggest_center', { name: app.state.features.service_center.get(id)?.properties?.name ?? id }) : t('suggest_no_center'));
    const finding = (f) => el('li', { class: 'shequ-finding', dataset: { severity: f.severity, code: f.code } }, el('span', { class: 'shequ-finding-msg', text: pick(f, 'message') }));
    const findings = (key, list, testid) => (list.length ? [el('h4', { text: t(key, { n: list.length }) }), el('ul', { class: 'shequ-finding-list', testid }, list.map(finding))] : null);
    this._frame(
      el('ol', { class: 'shequ-suggest-list', testid: 'suggest-list' }, alts.map((x, i) => el('li', { 'aria-current': i === k ? 'true' : null },
        el('button', { class: 'shequ-suggest-alt', testid: 'suggest-alt-' + i, dataset: { kind: x.kind }, onclick: () => this.show(i) },
          el('strong', { text: summary(x) }),
          el('span', { class: 'shequ-muted', text: ' · ' + t('hh_long', { n: x.parts.map((p) => num(p.households)).join(i18n.lang === 'en' ? ' / ' : '／') }) + ' · ' + moved(x) }))))),
      el('div', { class: 'shequ-suggest-detail', testid: 'suggest-detail', dataset: { k } },
        el('p', { class: 'shequ-muted', text: t('suggest_of', { k: k + 1, n: alts.length }), testid: 'suggest-current' }),
        el('h4', { text: summary(a) }),
        el('p', { testid: 'suggest-numbers', text: t('suggest_numbers', { moved: moved(a), boundary: t('suggest_boundary', { m: num(a.new_boundary_m), pct: t('pct', { n: num(a.new_boundary_on_barrier * 100) }) }) }) }),
        el('table', { class: 'shequ-table', testid: 'suggest-parts' }, el('tbody', null, a.parts.map((p) => el('tr', { dataset: { id: p.id, created: String(p.created) } },
          el('td', { text: p.name || p.id }),
          el('td', { class: 'shequ-num', text: t('hh_long', { n: num(p.households) }) }),
          el('td', { text: t(p.created ? 'suggest_part_new' : 'suggest_part_kept') }),
          el('td', { text: center(p.service_center) }))))),
        findings('suggest_clears', a.clears, 'suggest-clears'),
        findings('suggest_raises', a.raises, 'suggest-raises'),
        el('div', { class: 'shequ-field-row' },
          el('button', { class: 'shequ-btn', text: '← ' + t('suggest_prev'), testid: 'suggest-prev', disabled: alts.length < 2, onclick: () => this.show(k - 1) }),
          el('button', { class: 'shequ-btn', text: t('suggest_next') + ' →', testid: 'suggest-next', disabled: alts.length < 2, onclick: () => this.show(k + 1) }),
          el('button', { class: 'shequ-btn shequ-btn-primary', text: t('suggest_apply'), testid: 'suggest-apply', onclick: () => this.apply() })),
        el('p', { class: 'shequ-muted', text: t('suggest_keys') })));
  }

  /** The selected alternative's parts on the map; `fly`: bring them into view. */
  _draw(fly) {
    const map = this._app.view.map;
    if (!map.getPane(PANE)) {
      const pane = map.createPane(PANE);
      pane.style.zIndex = 445; // over the highlight, under drawing and handles (map/view.js)
      pane.style.pointerEvents = 'none';
    }
    this._layer?.remove();
    const { alts, k } = this.active;
    const a = alts[k];
    const group = L.layerGroup();
    const outlines = L.geoJSON({ type: 'FeatureCollection', features: a.parts.map((p) => ({ type: 'Feature', properties: { created: p.created }, geometry: p.geometry })) }, {
      pane: PANE, interactive: false,
      style: (f) => ({ color: f.properties.created ? COLOUR.created : COLOUR.kept, weight: 3, dashArray: '8 6', fillOpacity: 0.06 }),
    }).addTo(group);
    for (const p of a.parts) {
      const at = labelPoint(geojsonPolys(p.geometry));
      if (!at) continue;
      const html = el('span', { class: 'shequ-suggest-label-text', dataset: { created: String(p.created) } }, el('strong', { text: p.name || p.id }), ' ', t('hh_long', { n: num(p.households) }));
      L.marker(at, { pane: PANE, interactive: false, keyboard: false, icon: L.divIcon({ className: 'shequ-suggest-label', html, iconSize: null }) }).addTo(group);
    }
    this._layer = group.addTo(map);
    const b = outlines.getBounds();
    if (fly && b.isValid() && !map.getBounds().contains(b)) map.flyToBounds(b, { padding: [60, 60], maxZoom: 17, duration: 0.5 });
  }

  async apply() {
    const app = this._app;
    const { id, alts, k } = this.active ?? {};
    const a = alts?.[k];
    if (!a || this._busy) return;
    const token = this._token;
    this._busy = true;
    let text;
    try {
      text = await this._client.call('apply', { k });
    } catch (e) {
      if (this._token === token) this._fail(e);
      return;
    } finally {
      this._busy = false;
    }
    if (this._token !== token) return;
    this._applying = true;
    let d;
    try {
      d = app.edit('replaceCommunities', text, '建议：' + a.summary_zh, 'Suggestion: ' + a.summary_en);
    } finally {
      this._applying = false;
    }
    if (!d) return;
    this.leave();
    app.toast(t('suggest_applied', { what: pick(a, 'summary') }), 'ok', 6000, 'toast-suggest-applied');
    if (app.state.communities.has(id)) app.select(id);
  }

  _key(e) {
    const app = this._app;
    // (Not while another tab of the panel hides the alternatives.)
    if (!this.active || !this.box.offsetParent || e.ctrlKey || e.metaKey || e.altKey) return;
    const active = document.activeElement;
    const inScope = app.options.keyboardScope === 'document' || app.root.contains(active) || active === document.body;
    const tag = e.target.tagName;
    if (!inScope || tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || e.target.isContentEditable || app.root.querySelector('dialog[open]')) return;
    const ready = this.active.alts?.length > 0;
    if (e.key === 'Escape') this.leave();
    else if (ready && e.key === 'ArrowRight') this.show(this.active.k + 1);
    else if (ready && e.key === 'ArrowLeft') this.show(this.active.k - 1);
    else if (ready && e.key === 'Enter' && (tag !== 'BUTTON' || e.target.classList.contains('shequ-suggest-alt'))) this.apply();
    else return;
    e.preventDefault();
    e.stopPropagation();
  }

  leave() {
    this._token = null;
    this.active = null;
    this._layer?.remove();
    this._layer = null;
    this.box.remove();
    document.removeEventListener('keydown', this._onKey, true);
  }

  destroy() {
    this.leave();
    this._app.off('select', this._onSelect);
    this._app.off('change', this._onChange);
  }
}
