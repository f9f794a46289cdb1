// A small floating menu (vertex actions, reassign targets), keyboard operable.
import { el } from '../dom.js';

export class Menu {
  constructor(parent) {
    this._parent = parent;
    this._el = null;
    this._onKey = (e) => this._key(e);
    this._onOutside = (e) => { if (this._el && !this._el.contains(e.target)) this.close(); };
  }

  /** items: [{text, onselect, testid, disabled}] at container point {x, y}. */
  open(point, title, items, testid = 'menu') {
    this.close();
    const list = el('div', { class: 'shequ-menu', role: 'menu', testid });
    if (title) list.append(el('div', { class: 'shequ-menu-title', text: title }));
    for (const it of items) {
      list.append(el('button', {
        class: 'shequ-menu-item', role: 'menuitem', text: it.text, testid: it.testid, disabled: it.disabled,
        onclick: () => { this.close(); it.onselect(); },
      }));
    }
    this._place(point, list);
  }

  /**
   * Opens arbitrary content (built with el()) as a popover; onclose() runs when
   * it closes, however; the focus then goes back to `opener` (by default what had it).
   */
  openElement(point, content, onclose, opener) {
    this.close();
    this._place(point, content, opener);
    this._onclose = onclose;
  }

  _place(point, list, opener = document.activeElement) {
    this._opener = opener;
    this._parent.append(list);
    const w = this._parent.clientWidth, h = this._parent.clientHeight;
    list.style.left = Math.min(point.x + 8, w - list.offsetWidth - 8) + 'px';
    list.style.top = Math.min(point.y + 8, h - list.offsetHeight - 8) + 'px';
    this._el = list;
    document.addEventListener('keydown', this._onKey, true);
    setTimeout(() => document.addEventListener('pointerdown', this._onOutside, true));
    list.querySelector('button:not([disabled]), input')?.focus();
  }

  get isOpen() { return !!this._el; }

  _key(e) {
    if (!this._el) return;
    const items = [...this._el.querySelectorAll('button:not([disabled]), input')];
    const i = items.indexOf(document.activeElement);
    if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); this.close(); }
    else if (e.key === 'ArrowDown') { e.preventDefault(); items[(i + 1) % items.length]?.focus(); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); items[(i - 1 + items.length) % items.length]?.focus(); }
  }

  close() {
    const done = this._onclose;
    this._onclose = null;
    done?.();
    // Focus in the menu would drop to the page: back to the button that opened it.
    const had = this._el?.contains(document.activeElement);
    this._el?.remove();
    this._el = null;
    if (had && this._opener?.isConnected) this._opener.focus({ preventScroll: true });
    document.removeEventListener('keydown', this._onKey, true);
    document.removeEventListener('pointerdown', this._onOutside, true);
  }
}
