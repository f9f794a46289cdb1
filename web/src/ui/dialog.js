// Modal dialogs on the native <dialog> element (Esc for free): Tab and
// Shift+Tab go round inside, and the focus goes back where it was on close.
import { el } from '../dom.js';
import { t } from '../i18n.js';

/**
 * Keeps Tab and Shift+Tab inside `box`, a modal dialog (a keydown handler):
 * past the last control to the first, and back. (A native modal <dialog>
 * would let the focus out into the browser's own UI.)
 */
export function trapTab(box, e) {
  if (e.key !== 'Tab') return;
  const list = [...box.querySelectorAll('button, input, select, textarea, a[href], [tabindex]')].filter((x) =>
    !x.disabled && x.tabIndex >= 0 && (x.type !== 'radio' || x.checked) && x.getClientRects().length);
  const at = document.activeElement, i = list.indexOf(at);
  if (!list.length || (i > 0 && i < list.length - 1)) return;
  if (i < 0 || (e.shiftKey ? i === 0 : i === list.length - 1)) {
    e.preventDefault();
    (e.shiftKey ? list.at(-1) : list[0]).focus();
  }
}

/** Focus back on `e`, what had it before a dialog or popover opened (if it is still there). */
export function refocus(e) {
  if (e?.isConnected && e !== document.body) e.focus({ preventScroll: true });
}

/**
 * Opens a dialog. buttons: [{text, value, primary, testid}]. Resolves with the
 * value of the button pressed (undefined on Esc). `onSubmit(value)` may return
 * false to keep it open.
 */
export function dialog(root, { title, body, buttons = [{ text: t('close'), value: 'close', primary: true }], testid, wide = false, onSubmit }) {
  return new Promise((resolve) => {
    const foot = el('div', { class: 'shequ-dialog-buttons' });
    const d = el('dialog', { class: 'shequ-dialog' + (wide ? ' shequ-dialog-wide' : ''), testid: testid ?? 'dialog', 'aria-labelledby': 'shequ-dialog-title' },
      el('h2', { id: 'shequ-dialog-title', text: title }),
      el('div', { class: 'shequ-dialog-body' }, body),
      foot);
    const back = document.activeElement;
    const finish = (value) => {
      if (onSubmit && value !== undefined && value !== 'cancel' && onSubmit(value) === false) return;
      d.close();
      d.remove();
      // The opener, or (the toolbar drawn again meanwhile) its successor.
      refocus(back?.isConnected || !back?.dataset?.testid ? back : root.querySelector(`[data-testid="${back.dataset.testid}"]`));
      resolve(value);
    };
    for (const b of buttons) {
      foot.append(el('button', { class: b.primary ? 'shequ-btn shequ-btn-primary' : 'shequ-btn', text: b.text, testid: b.testid, onclick: () => finish(b.value) }));
    }
    d.addEventListener('cancel', (e) => { e.preventDefault(); finish(undefined); });
    d.addEventListener('keydown', (e) => trapTab(d, e));
    root.append(d);
    d.showModal();
    (d.querySelector('input, select') ?? foot.querySelector('.shequ-btn-primary'))?.focus();
  });
}

export function confirmDialog(root, title, text, testid) {
  return dialog(root, {
    title, body: el('p', { text }), testid,
    buttons: [{ text: t('cancel'), value: 'cancel' }, { text: t('ok'), value: 'ok', primary: true, testid: 'confirm-ok' }],
  }).then((v) => v === 'ok');
}
