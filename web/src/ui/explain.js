// The Explain dialog, loaded on first use: the planner's reason for keeping a
// deviation from a rule the plan words "in principle" or "may" (a warning or
// a suggestion). The reason becomes `explanations[code]` of the finding's
// first community (or of the one already stating it), through the engine:
// undoable, saved with the plan, printed on the community's sheet. A must
// (an error) cannot be explained away, so it has no Explain button.
import { el } from '../dom.js';
import { i18n, pick, t } from '../i18n.js';
import { dialog } from './dialog.js';
import '../i18n-rules.js';

const MAX = 500; // what the engine accepts (edit.bad_explanation beyond)

function ruleOf(ctx, code) {
  try {
    return JSON.parse(ctx.bridge.call('rules')).find((r) => r.code === code) ?? null;
  } catch {
    return null;
  }
}

/** Opens the dialog for finding `f`; resolves true when a reason was saved. */
export async function openExplain(ctx, f) {
  const { state } = ctx;
  const holder = f.community_ids.find((id) => state.communityProps(id)?.explanations?.[f.code] != null) ?? f.community_ids[0];
  if (!holder) return false;
  const current = f.explained?.reason ?? '';
  const rule = ruleOf(ctx, f.code);
  const quote = rule ? pick(rule, 'quote') : '';
  const cite = rule ? pick(rule, 'citation') : '';
  const reason = el('textarea', { class: 'shequ-explain-reason', rows: 5, maxlength: MAX, required: true, value: current, testid: 'explain-reason' });
  const body = el('div', { class: 'shequ-explain', testid: 'explain-form' },
    el('p', { class: 'shequ-explain-finding', text: pick(f, 'message') }),
    cite ? el('p', { class: 'shequ-explain-rule', testid: 'explain-rule' }, el('strong', { text: cite }), quote ? (i18n.lang === 'en' ? ': “' + quote + '”' : '：“' + quote + '”') : null) : null,
    el('p', { class: 'shequ-muted', text: t('explain_body') }),
    el('label', { class: 'shequ-field' }, el('span', { class: 'shequ-field-label', text: t('explain_reason') }), reason));
  const shown = dialog(ctx.root, {
    title: t('explain_title', { name: state.name(holder) }), body, testid: 'explain-dialog',
    buttons: [{ text: t('cancel'), value: 'cancel' }, { text: t('save'), value: 'ok', primary: true, testid: 'explain-save' }],
    // A reason of blanks is none: the dialog stays open, the browser says why.
    onSubmit: () => {
      reason.value = reason.value.trim();
      return reason.reportValidity();
    },
  });
  reason.focus();
  if ((await shown) !== 'ok') return false;
  const text = reason.value.slice(0, MAX);
  if (text === current) return false;
  return !!ctx.edit('updateCommunity', holder, { explanations: { [f.code]: text } });
}

/** Withdraws the reason for `f` from every community of the finding that states one (undoable). */
export function withdraw(ctx, f) {
  for (const id of f.community_ids) {
    if (ctx.state.communityProps(id)?.explanations?.[f.code] != null) ctx.edit('updateCommunity', id, { explanations: { [f.code]: null } });
  }
}
