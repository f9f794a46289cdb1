// Find a community, compound, grid cell, road or river, or service centre by
// name, id or code — "where is my compound?" at a residents' meeting — and go
// to it: the toolbar's Find button, or "/". Its code is fetched once a plan is
// shown (toolbar.js), not with the page.
import { el } from '../dom.js';
import { t, num, shownName } from '../i18n.js';

const MAX = 12;
const built = new WeakMap(); // state.layers (replaced on every load) → entries
const KINDS = ['community', 'compound', 'grid', 'service_center', 'barrier'];

/**
 * Opens the search popover under `anchor` (a container point of ctx.root);
 * once it closes (Esc, or a place chosen) the focus is on `opener` again.
 */
export function openSearch(ctx, anchor, opener) {
  const input = el('input', {
    type: 'search', class: 'shequ-search-input', testid: 'search-input', role: 'combobox',
    'aria-label': t('search'), 'aria-autocomplete': 'list', 'aria-controls': 'shequ-search-results', 'aria-expanded': 'false',
    placeholder: t('search_placeholder'), autocomplete: 'off', spellcheck: 'false',
  });
  const list = el('div', { class: 'shequ-search-results', id: 'shequ-search-results', role: 'listbox', testid: 'search-results', 'aria-label': t('search') });
  const box = el('div', { class: 'shequ-menu shequ-search', role: 'search', testid: 'search' }, input, list);
  const entries = index(ctx);
  let shown = [];
  const render = () => {
    shown = find(ctx, entries, input.value);
    list.replaceChildren(...shown.map((e, i) => el('button', {
      class: 'shequ-menu-item shequ-search-item', role: 'option', testid: 'search-result-' + i, dataset: { kind: e.kind, id: e.id },
      onclick: () => { ctx.rootMenu.close(); go(ctx, e); },
    }, el('span', { class: 'shequ-search-kind', text: t('search_kind_' + e.kind) }), el('span', { class: 'shequ-search-name', text: e.name }),
    el('span', { class: 'shequ-search-detail', text: detail(ctx, e) }))));
    if (input.value.trim() && !shown.length) list.append(el('div', { class: 'shequ-search-none', testid: 'search-none', text: t('search_none') }));
    input.setAttribute('aria-expanded', String(shown.length > 0));
  };
  input.addEventListener('input', render);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && shown.length) {
      e.preventDefault();
      ctx.rootMenu.close();
      go(ctx, shown[0]);
    }
  });
  ctx.rootMenu.openElement(anchor, box, null, opener);
  input.focus();
}

/**
 * Compounds, grid cells, roads and rivers, built once per plan: edits move
 * them between communities but never rename them.
 */
function index(ctx) {
  const s = ctx.state;
  if (built.has(s.layers)) return built.get(s.layers);
  const entries = [];
  let complete = true; // a layer is missing while the engine restarts: not kept then
  for (const kind of ['compound', 'grid', 'barrier']) {
    const layer = s.layer(kind);
    complete &&= !!layer;
    for (const f of layer?.features ?? []) {
      const p = f.properties ?? {};
      const id = String(p.id ?? f.id ?? '');
      entries.push(entry(kind, id, String(p.name ?? p.code ?? id), [id, p.code], { geometry: f.geometry, barrier: p.kind }));
    }
  }
  if (complete) built.set(s.layers, entries);
  return entries;
}

function entry(kind, id, name, also, extra = {}) {
  const keys = [name, ...also.filter((x) => x != null && x !== '').map(String)].map((x) => x.toLowerCase());
  return { kind, id, name, keys, ...extra };
}

/** The best matches: whole name, then name prefix, then anywhere; names before ids and codes. */
function find(ctx, entries, query) {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const s = ctx.state;
  // Communities and service centres change with edits: taken afresh.
  const live = s.order.map((id) => entry('community', id, shownName(s.communities.get(id)), [id]));
  for (const [id, f] of s.features.service_center) live.push(entry('service_center', id, String(f.properties?.name ?? id), [id], { area: f.properties?.floor_area_m2 }));
  const hits = [];
  for (const e of live.concat(entries)) {
    let best = Infinity;
    e.keys.forEach((k, i) => {
      const at = k.indexOf(q);
      if (at >= 0) best = Math.min(best, (k === q ? 0 : at === 0 ? 1 : 2) + (i ? 0.5 : 0));
    });
    if (best < Infinity) hits.push([best, e]);
  }
  hits.sort((a, b) => a[0] - b[0] || KINDS.indexOf(a[1].kind) - KINDS.indexOf(b[1].kind) || a[1].name.length - b[1].name.length || a[1].name.localeCompare(b[1].name, 'zh'));
  return hits.slice(0, MAX).map(([, e]) => e);
}

function detail(ctx, e) {
  const s = ctx.state;
  if (e.kind === 'community') return t('search_households', { n: num(s.communities.get(e.id)?.households_total ?? 0) });
  if (e.kind === 'compound' || e.kind === 'grid') {
    const owner = s.owner[e.kind].get(e.id);
    const where = owner ? s.name(owner) : t('search_unassigned');
    return e.kind === 'compound' ? `${t('search_households', { n: num(s.compoundHouseholds(e.id)) })} · ${where}` : `${e.id} · ${where}`;
  }
  if (e.kind === 'barrier') return t('search_barrier_' + (e.barrier ?? 'road'));
  return e.area ? `${num(e.area)} m²` : '';
}

function go(ctx, e) {
  const s = ctx.state;
  if (e.kind === 'community') {
    ctx.select(e.id, { zoom: true });
    ctx.panel.show('detail');
  } else if (e.kind === 'service_center') {
    ctx.selectCenter(e.id);
    ctx.highlight.show(s.features.service_center.get(e.id)?.geometry);
  } else {
    const owner = e.kind === 'barrier' ? null : s.owner[e.kind].get(e.id);
    if (owner) ctx.select(owner);
    ctx.highlight.show(e.geometry);
  }
}
