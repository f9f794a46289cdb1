// Settings: language, basemap (offline by default; OSM, 天地图 vector or
// imagery with the user's key, 高德 in GCJ-02, a custom URL template, or
// none) and the rule profile (built-in or from a file).
import { el, fill } from '../dom.js';
import { addStrings, t } from '../i18n.js';
import { dialog } from './dialog.js';
import { pickFiles, readFiles } from '../io.js';
import { openRules } from '../panel/findings.js';

addStrings({
  plan_title: ['方案标题', 'Plan title'],
  hints: ['操作提示', 'Hints'],
  hints_show: ['在地图上方显示各工具的操作提示', 'Show each tool’s hint over the map'],
  plan_title_hint: ['显示在工具栏、演示视图和一社区一方案上，随方案文件保存。留空则用：{fallback}', 'Shown in the toolbar, the presentation view and on the printed sheets, and saved in the plan file. Left empty: {fallback}'],
});

/** The plan's title field (its own title; the default as placeholder), or null when it cannot be set. */
function titleField(ctx) {
  if (!ctx.state.loaded || !ctx.options.editable) return null;
  const fallback = ctx.planTitle(false) || t('app_title');
  const input = el('input', { type: 'text', value: ctx.planInfo?.title ?? '', placeholder: fallback, maxlength: 100, testid: 'plan-title-input', autocomplete: 'off' });
  const field = el('label', { class: 'shequ-field' }, el('span', { class: 'shequ-field-label', text: t('plan_title') }), input,
    el('span', { class: 'shequ-muted shequ-small', text: t('plan_title_hint', { fallback }) }));
  return { input, field, apply: () => ctx.setPlanTitle(input.value) };
}

/** The plan's title alone (a click on it in the toolbar). */
export function openPlanTitle(ctx) {
  const f = titleField(ctx);
  if (!f) return Promise.resolve();
  // Enter saves.
  const body = el('form', { class: 'shequ-form', testid: 'plan-title-form', onsubmit: (e) => {
    e.preventDefault();
    e.target.closest('dialog')?.querySelector('[data-testid="plan-title-save"]')?.click();
  } }, f.field);
  return dialog(ctx.root, {
    title: t('plan_title'), body, testid: 'plan-title-dialog',
    buttons: [{ text: t('cancel'), value: 'cancel' }, { text: t('save'), value: 'ok', primary: true, testid: 'plan-title-save' }],
  }).then((v) => { if (v === 'ok') f.apply(); });
}

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
  const title = titleField(ctx);
  const hintsOn = ctx.toolbar.closedHints().size === 0;
  const hints = el('input', { type: 'checkbox', checked: hintsOn, testid: 'settings-hints' });
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
    el('fieldset', null, el('legend', { text: t('hints') }), el('label', { class: 'shequ-check' }, hints, el('span', { text: t('hints_show') }))),
    el('fieldset', null, el('legend', { text: t('profile') }), el('div', { class: 'shequ-field-row' }, profileSel, fromFile, rules)),
    title ? el('fieldset', null, el('legend', { text: t('plan_title') }), title.field) : null);
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
    title?.apply();
    if (hints.checked !== hintsOn) ctx.toolbar.setHints(hints.checked);
    ctx.setBasemap(basemap, key.value.trim());
    if (profileSel.value === '__custom' && custom) ctx.setProfile('__custom', custom);
    else if (profileSel.value && profileSel.value !== ctx.profileName) ctx.setProfile(profileSel.value);
    if (form.get('lang') !== ctx.lang) ctx.setLanguage(form.get('lang'));
  });
}
