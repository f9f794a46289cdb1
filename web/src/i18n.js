// Every UI string, in Chinese (default) and English. The choice is remembered.
// Messages that come from the engine carry both languages (message_zh/_en):
// pick one with `pick(obj, 'message')`.
import { Evented } from './events.js';

const T = {
  app_title: ['社区规模规划', 'Community planning'],
  app_sub: ['社区居委会辖区调整', 'Residents’ committee boundaries'],
  // toolbar
  file: ['文件', 'File'],
  open_plan: ['打开方案…', 'Open plan…'],
  import_layers: ['按图层导入…', 'Import layers…'],
  load_demo: ['载入示例街道', 'Load the demo district'],
  export_plan: ['导出方案 (GeoJSON)', 'Export plan (GeoJSON)'],
  export_report: ['导出检查报告 (JSON)', 'Export report (JSON)'],
  undo: ['撤销', 'Undo'],
  redo: ['重做', 'Redo'],
  undo_what: ['撤销：{what}', 'Undo: {what}'],
  redo_what: ['重做：{what}', 'Redo: {what}'],
  nothing_to_undo: ['没有可撤销的操作', 'Nothing to undo'],
  nothing_to_redo: ['没有可重做的操作', 'Nothing to redo'],
  tools: ['编辑工具', 'Editing tools'],
  tool_select: ['选择/节点', 'Select / vertices'],
  tool_select_hint: ['点击社区查看详情；拖动节点调整边界；点击边界插入节点；选中节点后按 Delete 删除', 'Click a community for details; drag a vertex to move the boundary; click an edge to add a vertex; select a vertex and press Delete to remove it'],
  tool_reassign: ['改划', 'Reassign'],
  tool_reassign_hint: ['点击一个小区或网格，再选择要划入的相邻社区', 'Click a compound or grid cell, then choose the neighbouring community to move it to'],
  tool_split: ['拆分', 'Split'],
  tool_split_hint: ['在所选社区内画一条穿过它的线：单击加点，双击或回车完成，Esc 取消', 'Draw a line across the selected community: click to add points, double-click or Enter to finish, Esc to cancel'],
  tool_merge: ['合并', 'Merge'],
  tool_merge_hint: ['先选中保留的社区，再点击要并入的相邻社区', 'Select the community to keep, then click the neighbour to absorb'],
  tool_create: ['新建', 'New'],
  tool_create_hint: ['画出新社区的范围：单击加点，双击或回车完成，Esc 取消；新范围从现有社区中划出', 'Draw the new community: click to add points, double-click or Enter to finish, Esc to cancel; the area is carved out of existing communities'],
  reassign_pick: ['改划对象', 'Reassign'],
  pick_compound: ['小区', 'Compound'],
  pick_grid: ['网格', 'Grid cell'],
  snapping: ['吸附', 'Snap'],
  snapping_title: ['拖动节点时吸附到道路、河流和节点', 'Snap to roads, rivers and vertices while dragging'],
  layers: ['图层', 'Layers'],
  settings: ['设置', 'Settings'],
  language_switch: ['English', '中文'],
  language_switch_title: ['Switch to English', '切换到中文'],
  close: ['关闭', 'Close'],
  cancel: ['取消', 'Cancel'],
  ok: ['确定', 'OK'],
  save: ['保存', 'Save'],
  apply: ['应用', 'Apply'],
  // layers
  layer_community: ['社区', 'Communities'],
  layer_labels: ['社区名称与户数', 'Community labels'],
  layer_compound: ['小区', 'Compounds'],
  layer_grid: ['网格', 'Grid cells'],
  layer_barrier: ['道路、街巷、河流', 'Roads, lanes, rivers'],
  layer_service_center: ['党群服务中心', 'Service centres'],
  layer_street: ['街道边界', 'Street outline'],
  layer_tiles: ['底图瓦片', 'Basemap tiles'],
  // settings
  language: ['界面语言', 'Language'],
  basemap: ['底图', 'Basemap'],
  basemap_plan: ['离线：方案中的道路与河流（默认）', 'Offline: the plan’s own roads and rivers (default)'],
  basemap_osm: ['OpenStreetMap 瓦片', 'OpenStreetMap tiles'],
  basemap_tianditu: ['天地图（需要密钥）', 'Tianditu (needs a key)'],
  basemap_custom: ['自定义瓦片地址', 'Custom tile URL'],
  basemap_none: ['无底图', 'No basemap'],
  tianditu_key: ['天地图密钥 (tk)', 'Tianditu key (tk)'],
  tile_url: ['瓦片地址模板，如 https://…/{z}/{x}/{y}.png', 'Tile URL template, e.g. https://…/{z}/{x}/{y}.png'],
  tiles_blocked: ['瓦片服务器 {host} 被页面的内容安全策略 (CSP) 拦截。请管理员在 img-src 中加入该地址，或改用离线底图。', 'The tile server {host} is blocked by the page’s Content-Security-Policy. Ask the administrator to add it to img-src, or use the offline basemap.'],
  tiles_failed: ['底图瓦片无法加载（无网络或地址有误），已继续使用方案中的道路与河流。', 'Basemap tiles could not be loaded (offline or a wrong URL); the plan’s roads and rivers are still shown.'],
  profile: ['规则方案', 'Rule profile'],
  profile_file: ['从文件载入规则…', 'Load rules from a file…'],
  profile_custom: ['自定义：{name}', 'Custom: {name}'],
  profile_changed: ['已改用规则“{name}”重新检查', 'Checked again with the rules “{name}”'],
  // loading
  loading_engine: ['正在载入规则引擎…', 'Loading the rule engine…'],
  loading_plan: ['正在读取方案…', 'Reading the plan…'],
  engine_missing: ['规则引擎文件缺失 (pkg/)。请先运行 npm run wasm 再构建。', 'The rule engine files (pkg/) are missing. Run npm run wasm, then build.'],
  empty_title: ['打开一个方案开始规划', 'Open a plan to start'],
  empty_body: ['把 GeoJSON 方案文件拖到这里，或使用下面的按钮。数据只在本机浏览器中处理，不会上传。', 'Drop a GeoJSON plan here, or use the buttons below. Your data stays in this browser and is never uploaded.'],
  drop_here: ['松开鼠标以载入文件', 'Drop to load the files'],
  restored: ['已恢复上次编辑的方案', 'Restored the plan you were editing'],
  restored_at: ['已恢复上次编辑的方案（{time} 自动保存）', 'Restored the plan you were editing (autosaved {time})'],
  loaded: ['已载入 {name}', 'Loaded {name}'],
  load_failed_title: ['无法读取文件', 'The file could not be read'],
  load_failed_kept: ['当前方案保持不变。', 'The current plan is unchanged.'],
  load_more: ['另有 {n} 个问题未列出。', '{n} more problems not listed.'],
  problem_where: ['位置', 'Where'],
  problem_what: ['问题', 'Problem'],
  problem_fix: ['修改建议', 'How to fix'],
  feature_n: ['第 {n1} 个要素', 'feature #{n}'],
  field_x: ['字段 {f}', 'field {f}'],
  layer_x: ['图层 {l}', 'layer {l}'],
  notes_title: ['载入时自动修正了 {n} 处', '{n} repairs made while loading'],
  file_unreadable: ['无法读取文件 {name}：{err}', 'Could not read {name}: {err}'],
  layers_dialog_title: ['按图层导入', 'Import by layer'],
  layers_dialog_body: ['为每个文件选择图层；“按要素”表示文件中每个要素的 properties.layer 自行说明。', 'Choose the layer of each file; “per feature” means each feature names its layer in properties.layer.'],
  layer_per_feature: ['按要素 (properties.layer)', 'Per feature (properties.layer)'],
  import: ['导入', 'Import'],
  // saving
  saved: ['已自动保存', 'Autosaved'],
  saving: ['正在保存…', 'Saving…'],
  save_failed: ['自动保存失败：{err}', 'Autosave failed: {err}'],
  // crash
  crashed: ['规则引擎发生内部错误，已重新启动并从最近自动保存的方案恢复。', 'The rule engine hit an internal error; it was restarted and the last autosaved plan restored.'],
  crash_failed: ['规则引擎发生内部错误，且无法恢复。请刷新页面。', 'The rule engine hit an internal error and could not be restarted. Please reload the page.'],
  // panel
  panel: ['检查结果', 'Results'],
  tab_balance: ['户数', 'Households'],
  tab_findings: ['问题', 'Findings'],
  tab_compare: ['对比', 'Changes'],
  tab_detail: ['详情', 'Details'],
  totals_communities: ['社区', 'communities'],
  totals_households: ['户（含规划）', 'households'],
  totals_in_band: ['在标准区间', 'in the band'],
  totals_errors: ['错误', 'errors'],
  totals_warnings: ['提示', 'warnings'],
  totals_unassigned: ['{n} 个小区（{h} 户）未划入任何社区', '{n} compounds ({h} households) in no community'],
  sort_by: ['排序', 'Sort'],
  sort_plan: ['方案顺序', 'Plan order'],
  sort_households: ['户数', 'Households'],
  sort_status: ['状态', 'Status'],
  band_legend: ['阴影为标准区间 {min}–{max} 户；竖线为合并线 {merge} 与拆分线 {split}', 'Shaded: target band {min}–{max}; ticks: merge below {merge}, split above {split}'],
  band_of: ['标准区间 {min}–{max} 户', 'band {min}–{max}'],
  hh: ['{n} 户', '{n}'],
  hh_long: ['{n} 户', '{n} households'],
  status_ok: ['符合', 'OK'],
  status_warning: ['提示', 'Warning'],
  status_error: ['错误', 'Error'],
  severity_error: ['错误', 'Errors'],
  severity_warning: ['提示', 'Warnings'],
  severity_info: ['信息', 'Notes'],
  no_findings: ['没有发现问题', 'No findings'],
  section: ['方案条款 {s}', 'Plan section {s}'],
  show_on_map: ['在地图上显示', 'Show on the map'],
  adjustment: ['符合调整条件的社区', 'Communities meeting the adjustment conditions'],
  cond_scale: ['规模', 'scale'],
  cond_jurisdiction: ['管辖范围', 'jurisdiction'],
  cond_management: ['管理', 'management'],
  // comparison
  compare_title: ['与载入时的方案对比', 'Compared with the plan as loaded'],
  compare_none: ['方案尚未改动', 'No changes yet'],
  compounds_moved: ['改划小区', 'Compounds moved'],
  households_moved: ['涉及户数', 'Households moved'],
  moves: ['改划明细', 'Moves'],
  nowhere: ['（无）', '(none)'],
  created: ['新建社区', 'Created'],
  removed: ['撤销社区', 'Removed'],
  renamed: ['更名', 'Renamed'],
  households_change: ['户数变化', 'Household changes'],
  before: ['调整前', 'Before'],
  after: ['调整后', 'After'],
  change: ['变化', 'Change'],
  community: ['社区', 'Community'],
  // detail
  detail_none: ['在地图或户数列表中点击一个社区查看详情', 'Click a community on the map or in the list to see its details'],
  kind: ['类型', 'Kind'],
  kind_standard: ['一般社区', 'Standard'],
  kind_old_town: ['老城区社区', 'Old town'],
  kind_apartment: ['独立楼盘/公寓社区', 'Apartments'],
  households: ['户数（现有）', 'Households (existing)'],
  planned_households: ['规划/在建户数', 'Planned / under construction'],
  households_total: ['合计户数', 'Households in total'],
  area: ['面积', 'Area'],
  perimeter: ['周长', 'Perimeter'],
  compactness: ['紧凑度 (Polsby-Popper)', 'Compactness (Polsby-Popper)'],
  parts: ['不接壤部分', 'Separate parts'],
  barrier_share: ['沿道路河流的边界比例', 'Boundary along roads/rivers'],
  center_distance: ['到服务中心距离 平均/最远', 'Distance to service centre mean/max'],
  beyond_radius: ['超出服务半径的户数比例', 'Households beyond the service radius'],
  neighbours: ['相邻社区', 'Neighbours'],
  compounds_list: ['小区（{n}）', 'Compounds ({n})'],
  grid_list: ['网格（{n}）', 'Grid cells ({n})'],
  grid_cut: ['被边界切割', 'cut by the boundary'],
  staffing: ['人员配置', 'Staffing'],
  committee_range: ['“两委”成员（建议 {min}–{max} 人）', 'Committee members (advised {min}–{max})'],
  full_time_staff: ['专职社区工作者（建议 {n} 人）', 'Full-time staff (advised {n})'],
  grid_workers: ['建议网格员', 'Grid workers advised'],
  findings_here: ['本社区的问题', 'Findings here'],
  edit_community: ['编辑社区属性', 'Edit the community'],
  name: ['名称', 'Name'],
  committee_size: ['“两委”成员人数', 'Committee members'],
  staff: ['专职社区工作者人数', 'Full-time staff'],
  committees: ['下设委员会', 'Committees'],
  service_center: ['党群服务中心', 'Service centre'],
  none: ['（无）', '(none)'],
  unknown: ['未填写', 'not given'],
  merge_into_this: ['并入本社区', 'Absorb into this one'],
  merge_pick: ['选择要并入的相邻社区', 'Choose the neighbour to absorb'],
  merge_confirm: ['将“{b}”并入“{a}”？', 'Absorb “{b}” into “{a}”?'],
  split_this: ['拆分本社区', 'Split this community'],
  delete_community: ['删除社区', 'Delete the community'],
  delete_confirm: ['删除“{name}”？其范围将暂不属于任何社区，需再改划或合并（可撤销）。', 'Delete “{name}”? Its area will belong to no community until reassigned or merged (can be undone).'],
  new_community: ['新社区', 'New community'],
  new_community_id: ['编号', 'Id'],
  new_name_default: ['新社区{n}', 'New community {n}'],
  center: ['服务中心', 'Service centre'],
  floor_area: ['建筑面积 (m²)', 'Floor area (m²)'],
  services: ['服务功能', 'Services'],
  center_drag_hint: ['选中后拖动地图上的服务中心可移动其位置', 'Drag the selected centre on the map to move it'],
  // committees & services
  c_mediation: ['人民调解', 'Mediation'],
  c_security: ['治安保卫', 'Security'],
  c_public_health: ['公共卫生', 'Public health'],
  c_women_children: ['妇女儿童', 'Women and children'],
  c_environment: ['环境', 'Environment'],
  c_property: ['物业管理', 'Property management'],
  s_party_building: ['党建', 'Party building'],
  s_elderly_care: ['养老', 'Elderly care'],
  s_disability: ['助残', 'Disability support'],
  s_culture: ['文化', 'Culture'],
  s_sports: ['体育', 'Sports'],
  s_health: ['卫生', 'Health'],
  s_employment: ['就业', 'Employment'],
  s_policing: ['警务', 'Policing'],
  // editing
  vertex_menu: ['节点', 'Vertex'],
  delete_vertex: ['删除此节点', 'Delete this vertex'],
  insert_vertex: ['在此处插入节点', 'Insert a vertex here'],
  select_here: ['选择此处的社区', 'Select the community here'],
  reassign_to: ['将“{name}”改划至：', 'Move “{name}” to:'],
  reassign_none: ['“{name}”没有可改划的相邻社区', '“{name}” has no neighbouring community to move to'],
  reassign_owner: ['现属：{name}', 'Now in: {name}'],
  badge_plus: ['+{n} 小区 / {h} 户 → {name}', '+{n} compounds / {h} households → {name}'],
  badge_none: ['没有小区改变归属', 'No compound changes sides'],
  badge_pending: ['松开后检查：{what}', 'Checked on release: {what}'],
  drag_reverted: ['已撤回本次拖动：{msg}', 'The drag was undone: {msg}'],
  refused: ['无法执行：{msg}', 'Not done: {msg}'],
  draw_need_points: ['至少需要 {n} 个点', 'At least {n} points are needed'],
  select_first: ['请先选中一个社区', 'Select a community first'],
  edited: ['已修改', 'Edited'],
  // accessibility
  map_label: ['社区边界地图', 'Map of community boundaries'],
  panel_label: ['检查结果面板', 'Results panel'],
  perf: ['拖动响应 p50 {p50} ms / p95 {p95} ms', 'Drag response p50 {p50} ms / p95 {p95} ms'],
  km2: ['{n} km²', '{n} km²'],
  m: ['{n} m', '{n} m'],
  pct: ['{n}%', '{n}%'],
};

const KEY = 'shequ.lang';

class I18n extends Evented {
  constructor() {
    super();
    let saved = null;
    try { saved = localStorage.getItem(KEY); } catch { /* storage may be off in portals */ }
    this.lang = saved === 'en' ? 'en' : 'zh';
  }

  set(lang, remember = true) {
    lang = lang === 'en' ? 'en' : 'zh';
    if (remember) try { localStorage.setItem(KEY, lang); } catch { /* ignore */ }
    if (lang === this.lang) return;
    this.lang = lang;
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    this.fire('change', lang);
  }
}

export const i18n = new I18n();

/** A UI string; `{name}` placeholders are filled from params (as text). */
export function t(key, params) {
  const row = T[key];
  let s = row ? row[i18n.lang === 'en' ? 1 : 0] : key;
  if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
  return s;
}

/** `pick(finding, 'message')` → finding.message_zh or message_en. */
export function pick(obj, base) {
  return (i18n.lang === 'en' ? obj[base + '_en'] : obj[base + '_zh']) ?? obj[base + '_zh'] ?? obj[base + '_en'] ?? '';
}

let nf, nfLang;
export function num(n, digits = 0) {
  if (n == null || Number.isNaN(n)) return '–';
  if (nfLang !== i18n.lang + digits) {
    nfLang = i18n.lang + digits;
    nf = new Intl.NumberFormat(i18n.lang === 'en' ? 'en-GB' : 'zh-CN', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  }
  return nf.format(n);
}

export const COMMITTEES = ['mediation', 'security', 'public_health', 'women_children', 'environment', 'property'];
export const SERVICES = ['party_building', 'elderly_care', 'disability', 'culture', 'sports', 'health', 'employment', 'policing'];
export const KINDS = ['standard', 'old_town', 'apartment'];
