// embed.html: the planner full-frame inside a portal's <iframe>, driven by the
// postMessage protocol of bridge.js. Query parameters: origin (the host's
// origin, repeatable; see bridge.js), lang (zh|en), profile (built-in name),
// readonly, present. No autosave: the host keeps the plan (getPlan).
import { mount } from './component.js';
import { serve } from './bridge.js';

const q = new URLSearchParams(location.search);
const lang = q.get('lang');
const app = mount(document.getElementById('app'), {
  language: lang === 'en' || lang === 'zh' ? lang : null,
  profile: q.get('profile') ?? '',
  readOnly: q.has('readonly') && q.get('readonly') !== 'false',
  presentation: q.has('present'),
  autosaveKey: false,
  keyboardScope: 'document',
});
serve(app);
