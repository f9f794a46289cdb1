// Settings: language, basemap (offline by default; OSM, 天地图 with a key, a
// custom URL template, or none) and the rule profile (built-in or from a file).
import { el, fill } from '../dom.js';
import { t } from '../i18n.js';
import { dialog } from './dialog.js';
import { pickFiles, readFiles } from '../io.js';

export function openSettings(ctx) {
  const radio = (name, value, label, checked, testid) => el('label', { class: 'shequ-check' },
    el('input', { type: 'radio', name, value, checked, testid }), el('span', { text: label }));
  const bm = typeof ctx.basemap === 'object' ? 'custom' : ctx.basemap;
  const key = el('input', { type: 'text', value: ctx.options.tiandituKey ?? '', placeholder: 'tk', testid: 'tianditu-key', autocomplete: 'off', spellcheck: 'false' });
  const url = el('input', { type: 'url', value: typeof ctx.basemap === 'object' ? ctx.basemap.url : '', placeholder: 'https://…/{z}/{x}/{y}.png', testid: 'tile-url' });
  let profiles = [];
  try { profiles = ctx.bridge.profiles(); } catch { /* engine not ready */ }
  let custom = ctx.customProfile; // {name, text}
  const profileSel = el('select', { testid: 'profile-select' });
  const fillProfiles = () => fill(profileSel, 
    ...profiles.map((p) => el('option', { value: p.name, text: `${ctx.lang === 'en' ? p.title_en : p.title_zh} (${p.name})`, selected: ctx.profileName === p.name })),
    custom ? el('option', { value: '__custom', text: t('profile_custom', { name: custom.name }), selected: ctx.profileName === '__custom' }) : null);
  fillProfiles();
  const fromFile = el('button', { type: 'button', class: 'shequ-btn', text: t('profile_file'), testid: 'profile-file', onclick: async () => {
    const [f] = await readFiles(await pickFiles({ accept: '.toml,.json' }));
    if (!f) return;
    custom = f;
    fillProfiles();
    profileSel.value = '__custom';
  } });
  const lang = ctx.lang;
  const body = el('form', { class: 'shequ-settings', testid: 'settings-form' },
    el('fieldset', null, el('legend', { text: t('language') }),
      radio('lang', 'zh', '中文', lang === 'zh', 'lang-zh'), radio('lang', 'en', 'English', lang === 'en', 'lang-en')),
    el('fieldset', null, el('legend', { text: t('basemap') }),
      radio('basemap', 'plan', t('basemap_plan'), bm === 'plan', 'basemap-plan'),
      radio('basemap', 'osm', t('basemap_osm'), bm === 'osm', 'basemap-osm'),
      radio('basemap', 'tianditu', t('basemap_tianditu'), bm === 'tianditu', 'basemap-tianditu'),
      el('label', { class: 'shequ-field shequ-indent' }, el('span', { class: 'shequ-field-label', text: t('tianditu_key') }), key),
      radio('basemap', 'custom', t('basemap_custom'), bm === 'custom', 'basemap-custom'),
      el('label', { class: 'shequ-field shequ-indent' }, el('span', { class: 'shequ-field-label', text: t('tile_url') }), url),
      radio('basemap', 'none', t('basemap_none'), bm === 'none', 'basemap-none')),
    el('fieldset', null, el('legend', { text: t('profile') }), el('div', { class: 'shequ-field-row' }, profileSel, fromFile)));
  return dialog(ctx.root, {
    title: t('settings'), body, testid: 'settings-dialog',
    buttons: [{ text: t('cancel'), value: 'cancel' }, { text: t('apply'), value: 'ok', primary: true, testid: 'settings-apply' }],
  }).then((v) => {
    if (v !== 'ok') return;
    const form = new FormData(body);
    const b = form.get('basemap');
    ctx.options.tiandituKey = key.value.trim();
    const basemap = b === 'custom' ? (url.value.trim() ? { url: url.value.trim(), attribution: '' } : 'plan') : b;
    ctx.setBasemap(basemap);
    if (profileSel.value === '__custom' && custom) ctx.setProfile('__custom', custom);
    else if (profileSel.value && profileSel.value !== ctx.profileName) ctx.setProfile(profileSel.value);
    if (form.get('lang') !== ctx.lang) ctx.setLanguage(form.get('lang'));
  });
}
