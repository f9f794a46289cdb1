// A minimal event emitter, in the spirit of L.Evented.
export class Evented {
  on(type, fn) {
    ((this._handlers ??= {})[type] ??= []).push(fn);
    return this;
  }

  off(type, fn) {
    const list = this._handlers?.[type];
    if (list) this._handlers[type] = fn ? list.filter((f) => f !== fn) : [];
    return this;
  }

  fire(type, data) {
    for (const fn of this._handlers?.[type] ?? []) {
      try {
        fn(data);
      } catch (e) {
        // A listener's bug must not break the editor.
        setTimeout(() => { throw e; });
      }
    }
    return this;
  }
}
