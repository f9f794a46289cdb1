// Repair the plan (整体优化): a panel over the map, not modal — the map stays
// usable while the worker runs. Options (strict; the locked communities,
// ticked in the community detail), Run → a progress bar and Cancel (the
// worker is terminated: the plan is untouched), then the result: households
// moved, communities created and removed, what could not be resolved and why,
// and per changed community a checkbox (ticked: accepted). Accept puts the
// worker's `repairPlan(rejected)` in with the page's engine as ONE undoable
// edit — unless leaving changes out would add a boundary finding (a community
// in pieces, a gap): then it says which and changes nothing. A result is for the plan it was run on: after any other change to the
// plan it can no longer be accepted.
import { el, fill } from '../dom.js';
import { num, pick, t } from '../i18n.js';
import { errorText } from './suggest.js';

export class RepairPanel {
  constructor(app, client) {
    this._app = app;
    this._client = client;
    this.el = null;
    this.strict = false;
    this.step = null; // 'options' | 'running' | 'result'
    this._view = null; // redraws the current step (a language switch)
    this._onChange = () => this._stale();
  }

  open() {
    const app = this._app;
    if (!app.state.loaded) return;
    if (!this.el) {
      this.el = el('section', { class: 'shequ-repair', testid: 'repair', role: 'dialog', 'aria-label': t('repair_title') });
      app.mapWrap.append(this.el);
      app.on('change', this._onChange);
      this._options();
    }
    this.el.querySelector('button, input')?.focus();
  }

  close() {
    if (this.step === 'running') this.cancel();
    this._app.off('change', this._onChange);
    this.el?.remove();
    this.el = null;
    this.step = null;
    this._view = null;
  }

  relabel() {
    if (this.el) this.el.setAttribute('aria-label', t('repair_title'));
    this._view?.();
  }

  /** The locked communities that still exist. */
  locked() {
    const app = this._app;
    return [...app.locked].filter((id) => app.state.communities.has(id));
  }

  _frame(...body) {
    fill(this.el,
      el('header', { class: 'shequ-repair-head' },
        el('h2', { text: t('repair_title') }),
        el('button', { class: 'shequ-toast-close', text: '×', 'aria-label': t('close'), title: t('close'), testid: 'repair-close', onclick: () => this.close() })),
      el('div', { class: 'shequ-repair-body' }, body));
  }

  _options(note = '') {
    const app = this._app;
    this.step = 'options';
    this._view = () => this._options(note);
    const locked = this.locked();
    this._frame(
      el('p', { class: 'shequ-muted', text: t('repair_intro') }),
      note ? el('p', { class: 'shequ-repair-note', text: note, testid: 'repair-note' }) : null,
      el('label', { class: 'shequ-check' },
        el('input', { type: 'checkbox', testid: 'repair-strict', checked: this.strict, onchange: (e) => { this.strict = e.target.checked; } }),
        t('repair_strict')),
      el('p', null, t('repair_locked'), ' ', locked.length
        ? el('span', { class: 'shequ-chips', testid: 'repair-locked' }, locked.map((id) => el('span', { class: 'shequ-chip', dataset: { id }, text: app.state.name(id) })))
        : el('span', { class: 'shequ-muted', text: t('repair_none_locked'), testid: 'repair-locked-none' })),
      el('div', { class: 'shequ-form-buttons' },
        el('button', { class: 'shequ-btn shequ-btn-primary', text: t('repair_run'), testid: 'repair-run', onclick: () => this.run() })));
  }

  async run() {
    const token = (this._token = {});
    const version = this._client.version;
    let fraction = 0;
    this._view = () => {
      this._bar = el('progress', { max: 1, value: fraction, testid: 'repair-progress' });
      this._frame(el('p', { text: t('repair_running'), testid: 'repair-running' }), this._bar,
        el('div', { class: 'shequ-form-buttons' }, el('button', { class: 'shequ-btn', text: t('cancel'), testid: 'repair-cancel', onclick: () => this.cancel() })));
    };
    this.step = 'running';
    this._view();
    let out;
    try {
      out = await this._client.call('repair', { options: { strict: this.strict, locked: this.locked(), seed: 1 } }, (f) => {
        fraction = f;
        if (this._bar) this._bar.value = f;
      });
    } catch (e) {
      if (this._token === token) this._options(errorText(e));
      return;
    }
    if (this._token !== token) return;
    this._result(out, version);
  }

  /** Stops the run: the worker is terminated, the plan was never touched. */
  cancel() {
    this._token = null;
    this._client.stop();
    if (this.el) this._options(t('repair_cancelled'));
  }

  /** `rejected`: the changes unticked (kept when the step is drawn again, in another language say). */
  _result({ summary: s, changes }, version, rejected = new Set()) {
    const app = this._app;
    const boxes = changes.map((c) => el('input', {
      type: 'checkbox', checked: !rejected.has(c.id), value: c.id, testid: 'repair-change-' + c.id,
      onchange: (e) => (e.target.checked ? rejected.delete(c.id) : rejected.add(c.id)),
    }));
    this.step = 'result';
    this._view = () => this._result({ summary: s, changes }, version, rejected);
    this._version = version;
    // Names for the ids of the result (new communities have provisional names; never an id shown).
    this._names = new Map(changes.map((c) => [c.id, c.name || app.state.name(c.id)]));
    const name = (id) => this._names.get(id) ?? app.state.name(id);
    const row = (c) => (c.before == null ? t('repair_change_new', { name: c.name || c.id, after: num(c.after) })
      : c.after == null ? t('repair_change_gone', { name: c.name || c.id, before: num(c.before) })
        : t('repair_change', { name: c.name || c.id, before: num(c.before), after: num(c.after) }));
    const stale = this._client.version !== version;
    this._frame(
      el('p', { testid: 'repair-summary', text: t('repair_result', { hh: num(s.moved_households), n: num(s.moved_compounds), before: num(s.communities_before), after: num(s.communities_after) }) }),
      s.created.length ? el('p', { testid: 'repair-created', text: t('repair_created', { list: s.created.map(name).join(t('list_sep')) }) }) : null,
      s.removed.length ? el('p', { testid: 'repair-removed', text: t('repair_removed', { list: s.removed.map(name).join(t('list_sep')) }) }) : null,
      s.unresolved.length ? [
        el('h3', { text: t('repair_unresolved', { n: s.unresolved.length }) }),
        el('ul', { class: 'shequ-finding-list', testid: 'repair-unresolved' }, s.unresolved.map((u) => el('li', { class: 'shequ-finding', dataset: { code: u.code, communities: u.community_ids.join(' '), severity: 'warning' } },
          el('span', { class: 'shequ-finding-msg', text: u.community_ids.map(name).join('、') + '：' + pick(u, 'reason') })))),
      ] : null,
      changes.length ? [
        el('h3', { text: t('repair_changes') }),
        el('ul', { class: 'shequ-repair-changes', testid: 'repair-changes' }, changes.map((c, i) => el('li', null, el('label', { class: 'shequ-check' }, boxes[i], row(c))))),
      ] : el('p', { text: t('repair_nothing'), testid: 'repair-nothing' }),
      stale ? el('p', { class: 'shequ-repair-note', text: t('repair_stale'), testid: 'repair-stale' }) : null,
      this._warn = el('div', { testid: 'repair-warn' }),
      el('div', { class: 'shequ-form-buttons' },
        el('button', { class: 'shequ-btn', text: t('repair_discard'), testid: 'repair-discard', onclick: () => this._options() }),
        el('button', { class: 'shequ-btn shequ-btn-primary', text: t('repair_accept'), testid: 'repair-accept', disabled: stale || !changes.length, onclick: () => this.accept(boxes, version) })));
  }

  /** The plan changed: a result shown is for another plan now. */
  _stale() {
    if (this.step === 'result' && this._version != null && this._client.version !== this._version) this._view();
  }

  async accept(boxes, version) {
    const app = this._app;
    if (this._client.version !== version) return this._view?.();
    const rejected = boxes.filter((b) => !b.checked).map((b) => b.value);
    let plan, raised, alsoLeftOut;
    try {
      ({ plan, raised, alsoLeftOut } = await this._client.call('repairPlan', { rejected }));
    } catch (e) {
      this._options(errorText(e));
      return;
    }
    if (this._client.version !== version || !this.el) return this._view?.();
    // Leaving a change out may leave another in pieces: said, not applied.
    if (raised.length) {
      fill(this._warn, el('p', { class: 'shequ-repair-note', text: t('repair_raises') }),
        el('ul', { class: 'shequ-finding-list' }, raised.map((f) => el('li', { class: 'shequ-finding', dataset: { severity: f.severity, code: f.code } }, el('span', { class: 'shequ-finding-msg', text: pick(f, 'message') })))));
      return;
    }
    this._warn.replaceChildren();
    this._version = null; // (the edit's own change: not a stale result)
    if (!app.edit('replaceCommunities', plan, '整体优化', 'Repair the plan')) {
      this._version = version;
      return;
    }
    this.close();
    // Changes that depended on one left out are left out too: said, by name.
    const also = alsoLeftOut.map((id) => this._names?.get(id) ?? app.state.name(id));
    const applied = also.length ? t('repair_applied_also', { list: also.join(t('list_sep')) }) : t('repair_applied');
    app.toast(applied, 'ok', 10000, 'toast-repair-applied', { text: t('repair_compare'), testid: 'repair-compare', onclick: () => app.consult.compare.show('swipe') });
  }
}
