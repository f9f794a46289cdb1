// Messages to the user: short toasts, read out by screen readers.
import { el } from '../dom.js';

export class Toasts {
  constructor(parent) {
    this._box = el('div', { class: 'shequ-toasts', role: 'status', 'aria-live': 'polite', testid: 'toasts' });
    parent.append(this._box);
  }

  /** kind: 'info' | 'ok' | 'warn' | 'error'; action: {text, onclick, testid}, a button that also closes it. Returns the element. */
  show(text, { kind = 'info', timeout = 6000, testid, action } = {}) {
    const close = el('button', { class: 'shequ-toast-close', 'aria-label': '×', text: '×' });
    const t = el('div', { class: 'shequ-toast shequ-toast-' + kind, testid: testid ?? 'toast-' + kind }, el('span', { text }),
      action && el('button', { class: 'shequ-toast-action', text: action.text, testid: action.testid, onclick: () => { t.remove(); action.onclick(); } }), close);
    close.addEventListener('click', () => t.remove());
    this._box.append(t);
    while (this._box.children.length > 4) this._box.firstChild.remove();
    if (timeout) setTimeout(() => t.remove(), timeout);
    return t;
  }
}
