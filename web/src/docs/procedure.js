// The procedure tracker (调整程序, section 四 of the plan): the five stages
// with their checklists, ticked per community. The ticks are the community's
// `procedure` property, set through the engine, so a tick is one undo step,
// autosaved and exported with the plan.
import { el } from '../dom.js';
import { t } from '../i18n.js';
import { FARMLAND_ONLY, STAGES, applicable, procedureOf, progress, withItem } from './model.js';

function editable(ctx) {
  return ctx.options.editable && !ctx.consult?.readOnly;
}

function set(ctx, id, key, on) {
  const proc = procedureOf(ctx.state.communityProps(id));
  const next = withItem(proc, key, on);
  ctx.edit('updateCommunity', id, { procedure: Object.keys(next).length ? next : null });
  // The detail is rebuilt by the edit: keep the keyboard where it was.
  ctx.root?.querySelector(`[data-testid="proc-${key}"]`)?.focus();
}

/** The tracker in the detail panel: checkboxes, or ticks when read-only. */
export function procedureBlock(ctx, id) {
  const proc = procedureOf(ctx.state.communityProps(id));
  const items = new Set(applicable(proc));
  const p = progress(proc);
  const can = editable(ctx);
  const check = (key, label, on, disabled) => el('label', { class: 'shequ-check' + (disabled ? ' shequ-proc-na' : '') },
    el('input', { type: 'checkbox', checked: on, disabled: disabled || !can, testid: 'proc-' + key, onchange: (e) => set(ctx, id, key, e.target.checked) }),
    el('span', { text: label }));
  return el('section', { class: 'shequ-proc', testid: 'procedure' },
    el('h3', null, t('procedure'), ' ', el('span', { class: 'shequ-chip', testid: 'proc-progress', text: t('proc_progress', { done: p.done, total: p.total }) })),
    check('farmland', t('proc_farmland'), proc.farmland, false),
    STAGES.map((s, i) => el('fieldset', { class: 'shequ-checks shequ-proc-stage', dataset: { stage: s.key, current: String(p.stage === s.key) } },
      el('legend', { text: `${i + 1}. ${t('proc_' + s.key)}` }),
      s.items.map((it) => {
        const key = s.key + '.' + it;
        return check(key, t('proc_' + key.replace('.', '_')), proc.done.has(key), !items.has(key));
      }))));
}

/** The tracker on the printed sheet: ☑/☐ per item, not-applicable items marked. */
export function procedureSheet(ctx, id) {
  const proc = procedureOf(ctx.state.communityProps(id));
  const items = new Set(applicable(proc));
  const p = progress(proc);
  return el('div', { class: 'shequ-sheet-proc', testid: 'sheet-procedure' },
    el('p', { class: 'shequ-sheet-proc-sum', text: t('proc_progress', { done: p.done, total: p.total }) + ' · ' + (p.stage ? t('proc_current', { stage: t('proc_' + p.stage) }) : t('proc_complete')) }),
    el('ol', { class: 'shequ-sheet-stages' }, STAGES.map((s) => el('li', { dataset: { current: String(p.stage === s.key) } },
      el('strong', { text: t('proc_' + s.key) }),
      el('ul', null, s.items.map((it) => {
        const key = s.key + '.' + it;
        const na = !items.has(key);
        const done = proc.done.has(key);
        return el('li', { dataset: { item: key, done: String(done) }, class: na ? 'shequ-proc-na' : null },
          (na ? '— ' : done ? '☑ ' : '☐ ') + t('proc_' + key.replace('.', '_')) + (na && FARMLAND_ONLY.has(key) ? ' ' + t('proc_na') : ''));
      }))))));
}
