// Property forms: a community's (name, kind, committee, staff, committees,
// service centre) and a service centre's (name, floor area, services).
// Submitting sends only what changed, through the engine.
import { el } from '../dom.js';
import { COMMITTEES, KINDS, SERVICES, t } from '../i18n.js';

function field(label, input) {
  return el('label', { class: 'shequ-field' }, el('span', { class: 'shequ-field-label', text: label }), input);
}

function intOrNull(v) {
  if (v === '' || v == null) return null;
  const n = Number(v);
  return Number.isFinite(n) ? Math.max(0, Math.round(n)) : null;
}

function checks(name, keys, prefix, selected) {
  return el('fieldset', { class: 'shequ-checks' }, el('legend', { text: t(name) }),
    keys.map((k) => el('label', { class: 'shequ-check' }, el('input', { type: 'checkbox', value: k, checked: selected?.includes(k) }), el('span', { text: t(prefix + k) }))));
}

function checked(fs) {
  return [...fs.querySelectorAll('input:checked')].map((i) => i.value);
}

/** props: the community's current values (from its feature or report). */
export function communityForm(ctx, id, props, onDirty) {
  const name = el('input', { type: 'text', value: props.name ?? '', required: true, maxlength: 60, testid: 'edit-name' });
  const kind = el('select', { testid: 'edit-kind' }, KINDS.map((k) => el('option', { value: k, text: t('kind_' + k), selected: k === props.kind })));
  const committee = el('input', { type: 'number', min: 0, max: 99, value: props.committee_size ?? '', placeholder: t('unknown'), testid: 'edit-committee-size' });
  const staff = el('input', { type: 'number', min: 0, max: 999, value: props.full_time_staff ?? '', placeholder: t('unknown'), testid: 'edit-staff' });
  const comms = checks('committees', COMMITTEES, 'c_', props.committees);
  const centers = [...ctx.state.features.service_center.entries()];
  const center = el('select', { testid: 'edit-center' }, el('option', { value: '', text: t('none') }),
    centers.map(([cid, f]) => el('option', { value: cid, text: f.properties?.name ?? cid, selected: cid === props.service_center })));
  const form = el('form', { class: 'shequ-form', testid: 'community-form' },
    el('h3', { text: t('edit_community') }),
    field(t('name'), name), field(t('kind'), kind),
    el('div', { class: 'shequ-field-row' }, field(t('committee_size'), committee), field(t('staff'), staff)),
    comms, field(t('service_center'), center),
    el('div', { class: 'shequ-form-buttons' }, el('button', { type: 'submit', class: 'shequ-btn shequ-btn-primary', text: t('save'), testid: 'edit-save' })));
  form.addEventListener('input', () => onDirty?.());
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const patch = {};
    const n = name.value.trim();
    if (n && n !== props.name) patch.name = n;
    if (kind.value !== props.kind) patch.kind = kind.value;
    const cs = intOrNull(committee.value);
    if (cs !== (props.committee_size ?? null)) patch.committee_size = cs;
    const fs = intOrNull(staff.value);
    if (fs !== (props.full_time_staff ?? null)) patch.full_time_staff = fs;
    const cm = checked(comms);
    if (props.committees ? cm.join() !== [...props.committees].join() : cm.length) patch.committees = cm;
    const sc = center.value || null;
    if (sc !== (props.service_center ?? null)) patch.service_center = sc;
    if (Object.keys(patch).length) ctx.edit('updateCommunity', id, patch);
  });
  return form;
}

export function centerForm(ctx, id, props) {
  const name = el('input', { type: 'text', value: props.name ?? '', maxlength: 60, testid: 'center-name' });
  const area = el('input', { type: 'number', min: 0, step: 1, value: props.floor_area_m2 ?? '', placeholder: t('unknown'), testid: 'center-area' });
  const services = checks('services', SERVICES, 's_', props.services);
  const form = el('form', { class: 'shequ-form', testid: 'center-form' },
    field(t('name'), name), field(t('floor_area'), area), services,
    el('p', { class: 'shequ-muted', text: t('center_drag_hint') }),
    el('div', { class: 'shequ-form-buttons' }, el('button', { type: 'submit', class: 'shequ-btn shequ-btn-primary', text: t('save'), testid: 'center-save' })));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const patch = {};
    const n = name.value.trim();
    if (n && n !== props.name) patch.name = n;
    const a = area.value === '' ? null : Math.max(0, Number(area.value));
    if (a !== (props.floor_area_m2 ?? null)) patch.floor_area_m2 = a;
    const sv = checked(services);
    if (props.services ? sv.join() !== [...props.services].join() : sv.length) patch.services = sv;
    if (Object.keys(patch).length) ctx.edit('updateCenter', id, patch);
  });
  return form;
}
