// The 四至 block of the community detail: 东至……，南至……，西至……，北至……
// as the engine reads it from the plan, and a form to override any side in
// the planner's own words. The override is the community's `sizhi` property,
// set through the engine (updateCommunity), so it is undoable, autosaved and
// exported with the plan.
import { el } from '../dom.js';
import { i18n, t } from '../i18n.js';
import { SIDES, overrideOf, sizhiText } from './model.js';

/** The engine's 四至 of community `id`, or null (unknown id, engine restarting). */
export function engineSizhi(ctx, id) {
  try {
    return ctx.bridge.call('sizhi', id);
  } catch {
    return null;
  }
}

/** The 四至 to show for `id`: see model.sizhiText. */
export function sizhiFor(ctx, id) {
  return sizhiText(engineSizhi(ctx, id), ctx.state.communityProps(id));
}

function editable(ctx) {
  return ctx.options.editable && !ctx.consult?.readOnly;
}

/** The block shown in the detail panel for community `id`. */
export function sizhiBlock(ctx, id) {
  const s = sizhiFor(ctx, id);
  const lang = i18n.lang;
  const text = el('p', { class: 'shequ-sizhi-text', testid: 'detail-sizhi', text: s[lang] });
  const box = el('section', { class: 'shequ-sizhi', testid: 'sizhi-block' },
    el('h3', { text: t('sizhi') }), text,
    s.overridden ? el('p', { class: 'shequ-muted shequ-small', testid: 'sizhi-overridden', text: t('sizhi_overridden') }) : null);
  if (!editable(ctx)) return box;
  const form = sizhiForm(ctx, id, s);
  form.hidden = true;
  const toggle = el('button', {
    type: 'button', class: 'shequ-btn shequ-btn-small', text: t('sizhi_edit'), testid: 'sizhi-edit', 'aria-expanded': 'false',
    onclick: () => {
      form.hidden = !form.hidden;
      toggle.setAttribute('aria-expanded', String(!form.hidden));
      if (!form.hidden) form.querySelector('input')?.focus();
    },
  });
  box.append(toggle, form);
  return box;
}

function sizhiForm(ctx, id, s) {
  const lang = i18n.lang;
  const inputs = {};
  const rows = SIDES.map((k) => {
    inputs[k] = el('input', {
      type: 'text', maxlength: 200, value: s.sides[k].overridden ? s.sides[k].zh : '',
      placeholder: (lang === 'en' ? s.sides[k].engine_en : s.sides[k].engine_zh) || t('sizhi_none'), testid: 'sizhi-input-' + k,
    });
    return el('label', { class: 'shequ-field' }, el('span', { class: 'shequ-field-label', text: t('sizhi_' + k) }), inputs[k]);
  });
  const save = (patch) => {
    const before = JSON.stringify(overrideOf(ctx.state.communityProps(id)));
    if (JSON.stringify(patch ?? {}) === before) return;
    ctx.edit('updateCommunity', id, { sizhi: patch });
  };
  const form = el('form', { class: 'shequ-form shequ-sizhi-form', testid: 'sizhi-form' },
    el('p', { class: 'shequ-muted shequ-small', text: t('sizhi_form_hint') }), rows,
    el('div', { class: 'shequ-form-buttons' },
      el('button', { type: 'button', class: 'shequ-btn', text: t('sizhi_reset'), testid: 'sizhi-reset', disabled: !s.overridden, onclick: () => save(null) }),
      el('button', { type: 'submit', class: 'shequ-btn shequ-btn-primary', text: t('save'), testid: 'sizhi-save' })));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const patch = {};
    for (const k of SIDES) {
      const v = inputs[k].value.trim();
      if (v) patch[k] = v;
    }
    save(Object.keys(patch).length ? patch : null);
  });
  return form;
}
