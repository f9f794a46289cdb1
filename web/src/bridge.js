// The iframe bridge: embed.html mounts the planner full-frame and talks to the
// page that frames it with window.postMessage. Protocol "shequ-embed/1":
//
// host → planner                          planner → host
//   {type:'hello'}                          {type:'ready', protocol}       (engine up; again after hello)
//   {type:'load', plan, fileName?, id?,     {type:'loaded', id, ok, fileName, problems?}
//    confirm?}  (false: unsaved edits are replaced without asking; ok: false if the user keeps them)
//   {type:'getPlan', id?}                   {type:'plan', id, plan}          (GeoJSON text or null)
//   {type:'getReport', id?}                 {type:'report', id, report}      (Report or null)
//   {type:'setLanguage', lang}              {type:'change', summary}         (after every load and edit)
//                                           {type:'error', id, message}      (unknown type, bad message)
//
// Who may talk to it: the origins in the `origin` query parameters of the
// frame's URL (embed.html?origin=https://portal.example.gov.cn, repeatable).
// Without any, the first {type:'hello'} from the parent window fixes the
// origin. Every message from another origin or another window is ignored, and
// every reply goes to the allowed origin by name: never to '*'. Only 'ready',
// which carries nothing, may go out before the origin is known.
import { i18n } from './i18n.js';

export const PROTOCOL = 'shequ-embed/1';

/** Allowed origins from a query string: `origin=` (repeatable, or comma-separated). */
export function allowedOrigins(search) {
  const out = [];
  for (const v of new URLSearchParams(search).getAll('origin')) {
    for (const o of v.split(',')) {
      try {
        const u = new URL(o.trim());
        if (u.origin !== 'null' && (u.protocol === 'https:' || u.protocol === 'http:')) out.push(u.origin);
      } catch { /* not an origin: ignored */ }
    }
  }
  return [...new Set(out)];
}

export function summary(app, reason) {
  const r = app.getReport();
  const tot = r?.totals;
  return {
    reason,
    communities: tot?.communities ?? 0,
    households_total: tot?.households_total ?? 0,
    in_band: tot?.in_band ?? 0,
    errors: tot?.errors ?? 0,
    warnings: tot?.warnings ?? 0,
    households_moved: r?.comparison?.households_moved ?? 0,
    read_only: !!app.readOnly,
  };
}

/**
 * Serves the protocol for `app` (the API returned by mount()) to `win.parent`.
 * Returns {stop(), origin()}.
 */
export function serve(app, { win = window, allow = allowedOrigins(win.location.search) } = {}) {
  const parent = win.parent;
  const framed = parent && parent !== win;
  let origin = null; // the host's origin, once known
  let started = false;
  const ancestor = win.location.ancestorOrigins?.[0] ?? null;
  if (allow.length === 1) origin = allow[0];
  else if (ancestor && allow.includes(ancestor)) origin = ancestor;

  const post = (msg) => { if (framed && origin) parent.postMessage(msg, origin); };

  const ready = () => {
    if (!framed) return;
    if (origin) {
      // The frame's parent is known to be another origin: do not even knock.
      if (ancestor && ancestor !== origin) return console.warn(`shequ: the embedding page (${ancestor}) is not in the frame's allowed origins`);
      post({ type: 'ready', protocol: PROTOCOL });
    } else {
      parent.postMessage({ type: 'ready', protocol: PROTOCOL, handshake: true }, '*'); // carries no data
    }
  };

  const onMessage = async (e) => {
    if (!framed || e.source !== parent) return;
    const msg = e.data;
    if (!msg || typeof msg !== 'object' || typeof msg.type !== 'string') return;
    if (!origin) {
      // Several allowed origins and no way to tell the parent's: its first
      // message from one of them fixes it. No allow-list: its first hello does.
      const ok = allow.length ? allow.includes(e.origin) : msg.type === 'hello' && e.origin !== 'null';
      if (!ok) return console.warn(`shequ: message from ${e.origin} ignored`);
      origin = e.origin;
    }
    if (e.origin !== origin) {
      console.warn(`shequ: message from ${e.origin} ignored (allowed: ${origin})`);
      return;
    }
    const id = msg.id ?? null;
    switch (msg.type) {
      case 'hello':
        if (started) post({ type: 'ready', protocol: PROTOCOL });
        break;
      case 'load': {
        const plan = msg.plan;
        if (typeof plan !== 'string' && (typeof plan !== 'object' || plan === null)) {
          post({ type: 'error', id, message: "'load' needs `plan`: GeoJSON text or object" });
          break;
        }
        const fileName = typeof msg.fileName === 'string' ? msg.fileName.slice(0, 200) : 'plan.geojson';
        let problems = [];
        const onError = (d) => {
          problems = (d?.error?.errors ?? [{ message_en: d?.error?.message ?? String(d?.error), message_zh: '' }])
            .slice(0, 20).map((x) => ({ message_en: x.message_en, message_zh: x.message_zh }));
        };
        app.on('loaderror', onError);
        let ok;
        try {
          ok = await app.load(plan, fileName, { confirm: msg.confirm !== false });
        } finally {
          app.off('loaderror', onError);
        }
        post(ok ? { type: 'loaded', id, ok, fileName } : { type: 'loaded', id, ok, fileName, problems });
        break;
      }
      case 'getPlan':
        post({ type: 'plan', id, plan: app.getPlan() });
        break;
      case 'getReport':
        post({ type: 'report', id, report: app.getReport() });
        break;
      case 'setLanguage':
        if (msg.lang === 'zh' || msg.lang === 'en') i18n.set(msg.lang, false);
        break;
      default:
        post({ type: 'error', id, message: `unknown message type '${msg.type.slice(0, 40)}'` });
    }
  };

  const onChange = (d) => { if (started) post({ type: 'change', summary: summary(app, d?.reason) }); };
  win.addEventListener('message', onMessage);
  app.on('change', onChange);
  app.ready.then(() => {
    started = true;
    ready();
  });
  return {
    origin: () => origin,
    stop() {
      win.removeEventListener('message', onMessage);
      app.off('change', onChange);
    },
  };
}
