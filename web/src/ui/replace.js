// Replacing a plan that has unsaved edits (component.js `_replace()`, the one
// door every load passes): the question — Cancel (the default), Export first,
// then load, Replace — and the plan left, kept restorable: in IndexedDB under
// `<autosaveKey>:previous` (so it survives a reload), else in memory.
// Loaded when first needed.
import { el } from '../dom.js';
import { t } from '../i18n.js';
import { dialog } from './dialog.js';
import * as storage from '../storage.js';

/** Resolves 'export', 'replace', or 'cancel'/undefined (Esc): keep the plan. */
export function ask(ctx, name) {
  return dialog(ctx.root, {
    title: t('replace_title'), testid: 'replace-dialog',
    body: el('p', { text: t('replace_body', { plan: ctx.fileName ?? '', name }) }),
    buttons: [
      { text: t('cancel'), value: 'cancel', primary: true, testid: 'replace-cancel' },
      { text: t('replace_export'), value: 'export', testid: 'replace-export' },
      { text: t('replace_ok'), value: 'replace', testid: 'replace-ok' },
    ],
  });
}

const keyOf = (ctx) => ctx.options.autosaveKey && ctx.options.autosaveKey + ':previous';

/** Keeps `rec` (an autosave record) as the previous plan and offers it back; null forgets it. */
export function keepPrevious(ctx, rec) {
  const key = keyOf(ctx);
  if (key) {
    (rec ? storage.save(key, rec) : storage.clear(key)).then(
      () => { if (ctx._previous === rec) ctx._previous = null; }, // stored: not kept twice
      (e) => ctx.toast(t('save_failed', { err: e?.message ?? e }), 'error'),
    );
  }
  if (rec) {
    ctx.toast(t('previous_kept', { name: rec.fileName ?? '' }), 'info', 20000, 'toast-previous',
      { text: t('restore_previous'), testid: 'toast-restore', onclick: () => ctx.restorePrevious() });
  }
}

/** The previous plan back, as a replacement like any other (it asks only if the plan has unsaved edits). */
export async function restorePrevious(ctx, opts) {
  const key = keyOf(ctx);
  const rec = ctx._previous ?? (key ? await storage.load(key) : null);
  if (!rec?.plan) return false;
  const name = rec.fileName ?? 'plan.geojson';
  const ok = await ctx._replace(name, () => ctx.bridge.prepare(rec.plan, name, rec.profile ?? ''), opts, (engine) => ctx._loadRecord(rec, engine), true);
  if (ok) ctx.toast(t('previous_restored', { name }), 'ok', 6000, 'toast-previous-restored');
  return ok;
}
