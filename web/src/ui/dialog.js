// Modal dialogs on the native <dialog> element (focus handling and Esc for free).
import { el } from '../dom.js';
import { t } from '../i18n.js';

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
    const finish = (value) => {
      if (onSubmit && value !== undefined && value !== 'cancel' && onSubmit(value) === false) return;
      d.close();
      d.remove();
      resolve(value);
    };
    for (const b of buttons) {
      foot.append(el('button', { class: b.primary ? 'shequ-btn shequ-btn-primary' : 'shequ-btn', text: b.text, testid: b.testid, onclick: () => finish(b.value) }));
    }
    d.addEventListener('cancel', (e) => { e.preventDefault(); finish(undefined); });
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
