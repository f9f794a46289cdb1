// Messages to the user: short toasts, read out by screen readers. Stacked in
// the map's lower left corner (clear of the panel and the zoom buttons), at
// most three at once; a message already shown is not shown twice: it stays,
// and its time starts again. A text given as a function is said again in the
// new language when the language changes (relabel()).
import { el } from '../dom.js';
import { t as tr } from '../i18n.js';

const MAX = 3;

export class Toasts {
  constructor(parent) {
    this._box = el('div', { class: 'shequ-toasts', role: 'status', 'aria-live': 'polite', testid: 'toasts' });
    parent.append(this._box);
  }

  /** text: a string, or a function giving it; kind: 'info' | 'ok' | 'warn' | 'error'; action: {text, onclick, testid}, a button that also closes it. Returns the element. */
  show(say, { kind = 'info', timeout = 6000, testid, action } = {}) {
    const text = typeof say === 'function' ? say() : say;
    const same = [...this._box.children].find((x) => x._key === kind + '\n' + text);
    if (same) {
      clearTimeout(same._timer);
      if (timeout) same._timer = setTimeout(() => same.remove(), timeout);
      return same;
    }
    const close = el('button', { class: 'shequ-toast-close', 'aria-label': tr('close'), text: '×' });
    const t = el('div', { class: 'shequ-toast shequ-toast-' + kind, testid: testid ?? 'toast-' + kind }, el('span', { text }),
      action && el('button', { class: 'shequ-toast-action', text: action.text, testid: action.testid, onclick: () => { t.remove(); action.onclick(); } }), close);
    t._key = kind + '\n' + text;
    t._say = say;
    close.addEventListener('click', () => t.remove());
    this._box.append(t);
    while (this._box.children.length > MAX) this._box.firstChild.remove();
    if (timeout) t._timer = setTimeout(() => t.remove(), timeout);
    return t;
  }

  /** The toasts still shown, in the language now chosen. */
  relabel() {
    for (const x of this._box.children) {
      const kind = x._key.split('\n')[0];
      if (typeof x._say === 'function') x.firstChild.textContent = x._say();
      x._key = kind + '\n' + x.firstChild.textContent;
      x.querySelector('.shequ-toast-close')?.setAttribute('aria-label', tr('close'));
    }
  }
}
