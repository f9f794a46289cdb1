// Settings: language, basemap (offline by default; OSM, 天地图 vector or
// imagery with the user's key, 高德 in GCJ-02, a custom URL template, or
// none) and the rule profile (built-in or from a file).
import { el, fill } from '../dom.js';
import { t } from '../i18n.js';
import { dialog } from './dialog.js';
import { pickFiles, readFiles } from '../io.js';
import { openRules } from '../panel/findings.js';

export function openSettings(ctx) {
  const radio = (name, value, label, checked, testid) => el('label', { class: 'shequ-check' },
    el('input', { type: 'radio', name, value, checked, testid }), el('span', { text: label }));
  const bm = typeof ctx.basemap === 'object' ? 'custom' : ctx.basemap;
  const key = el('input', { type: 'text', value: ctx.options.tiandituKey ?? '', placeholder: 'tk', testid: 'tianditu-key', autocomplete: 'off', spellcheck: 'false' });
  const custom0 = typeof ctx.basemap === 'object' ? ctx.basemap : {};
  const url = el('input', { type: 'url', value: custom0.url ?? '', placeholder: 'https://…/{z}/{x}/{y}.png', testid: 'tile-url' });
  const attribution = el('input', { type: 'text', value: custom0.attribution ?? '', testid: 'tile-attribution' });
  const gcj = el('input', { type: 'checkbox', checked: !!custom0.gcj02, testid: 'tile-gcj02' });
  const problem = el('p', { class: 'shequ-problem-what', testid: 'settings-problem', hidden: true });
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
  // The rules of the profile in use, as the engine reads them (ui/rules.js, loaded on first use).
  const rules = el('button', { type: 'button', class: 'shequ-btn', text: t('rules') + '…', testid: 'open-rules-settings', disabled: !ctx.state.loaded,
    onclick: () => openRules(ctx) });
  const lang = ctx.lang;
  const body = el('form', { class: 'shequ-settings', testid: 'settings-form' },
    el('fieldset', null, el('legend', { text: t('language') }),
      radio('lang', 'zh', '中文', lang === 'zh', 'lang-zh'), radio('lang', 'en', 'English', lang === 'en', 'lang-en')),
    el('fieldset', null, el('legend', { text: t('basemap') }),
      radio('basemap', 'plan', t('basemap_plan'), bm === 'plan', 'basemap-plan'),
      radio('basemap', 'osm', t('basemap_osm'), bm === 'osm', 'basemap-osm'),
      radio('basemap', 'tianditu', t('basemap_tianditu'), bm === 'tianditu', 'basemap-tianditu'),
      radio('basemap', 'tianditu_img', t('basemap_tianditu_img'), bm === 'tianditu_img', 'basemap-tianditu_img'),
      el('label', { class: 'shequ-field shequ-indent' }, el('span', { class: 'shequ-field-label', text: t('tianditu_key') }), key),
      radio('basemap', 'amap', t('basemap_amap'), bm === 'amap', 'basemap-amap'),
      radio('basemap', 'amap_img', t('basemap_amap_img'), bm === 'amap_img', 'basemap-amap_img'),
      radio('basemap', 'custom', t('basemap_custom'), bm === 'custom', 'basemap-custom'),
      el('label', { class: 'shequ-field shequ-indent' }, el('span', { class: 'shequ-field-label', text: t('tile_url') }), url),
      el('label', { class: 'shequ-field shequ-indent' }, el('span', { class: 'shequ-field-label', text: t('tile_attribution') }), attribution),
      el('label', { class: 'shequ-check shequ-indent' }, gcj, el('span', { text: t('tile_gcj02') })),
      radio('basemap', 'none', t('basemap_none'), bm === 'none', 'basemap-none'),
      el('p', { class: 'shequ-muted', text: t('basemap_csp_note') }), problem),
    el('fieldset', null, el('legend', { text: t('profile') }), el('div', { class: 'shequ-field-row' }, profileSel, fromFile, rules)));
  return dialog(ctx.root, {
    title: t('settings'), body, testid: 'settings-dialog',
    buttons: [{ text: t('cancel'), value: 'cancel' }, { text: t('apply'), value: 'ok', primary: true, testid: 'settings-apply' }],
    onSubmit: () => {
      // A basemap that cannot work keeps the dialog open with the reason.
      const b = new FormData(body).get('basemap');
      const why = /^tianditu/.test(b) && !key.value.trim() ? t('tianditu_key_missing')
        : b === 'custom' && !/^https?:\/\/[^/]+\/.*\{z\}/.test(url.value.trim()) ? t('tile_url_invalid') : null;
      problem.textContent = why ?? '';
      problem.hidden = !why;
      return !why;
    },
  }).then((v) => {
    if (v !== 'ok') return;
    const form = new FormData(body);
    const b = form.get('basemap');
    const basemap = b === 'custom' ? { ...custom0, url: url.value.trim(), attribution: attribution.value.trim(), gcj02: gcj.checked } : b;
    ctx.setBasemap(basemap, key.value.trim());
    if (profileSel.value === '__custom' && custom) ctx.setProfile('__custom', custom);
    else if (profileSel.value && profileSel.value !== ctx.profileName) ctx.setProfile(profileSel.value);
    if (form.get('lang') !== ctx.lang) ctx.setLanguage(form.get('lang'));
  });
}
