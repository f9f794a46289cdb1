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
  tool_select_hint: ['点击社区查看详情；拖动节点调整边界；点击边界插入节点；选中节点后按方向键微移、按 Delete 删除', 'Click a community for details; drag a vertex to move the boundary; click an edge to add a vertex; select a vertex to nudge it with the arrow keys or remove it with Delete'],
  tool_reassign: ['改划', 'Reassign'],
  tool_reassign_hint: ['点击一个小区或网格，再选择要划入的相邻社区；按住 Shift 点击则直接划入上次选择的社区', 'Click a compound or grid cell, then choose the neighbouring community to move it to; Shift+click gives it to the community chosen last'],
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
  search: ['查找', 'Find'],
  search_title: ['查找社区、小区、网格、道路或服务中心（快捷键 /）', 'Find a community, compound, grid cell, road or service centre (shortcut /)'],
  search_placeholder: ['输入名称、编号或网格编码', 'Name, id or grid code'],
  search_none: ['没有找到', 'Nothing found'],
  search_households: ['{n} 户', '{n} {n|household|households}'],
  search_unassigned: ['未划入社区', 'in no community'],
  search_kind_community: ['社区', 'Community'],
  search_kind_compound: ['小区', 'Compound'],
  search_kind_grid: ['网格', 'Grid cell'],
  search_kind_service_center: ['服务中心', 'Service centre'],
  search_kind_barrier: ['道路河流', 'Road/river'],
  search_barrier_road: ['道路', 'road'],
  search_barrier_lane: ['街巷', 'lane'],
  search_barrier_river: ['河流', 'river'],
  settings: ['设置', 'Settings'],
  plan_title_edit: ['方案标题：点击修改', 'The plan’s title: click to change it'],
  repair_open: ['整体优化', 'Repair the plan'], // (adjust/: the rest of its strings in i18n-adjust.js)
  language_switch: ['English', '中文'],
  language_switch_short: ['EN', '中文'],
  hint_close: ['关闭此工具的提示（可在“设置”中恢复）', 'Close this tool’s hint (Settings brings it back)'],
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
  basemap_tianditu_img: ['天地图影像（需要密钥）', 'Tianditu imagery (needs a key)'],
  basemap_amap: ['高德地图（GCJ-02，已纠偏）', 'AutoNavi / 高德 (GCJ-02, offset corrected)'],
  basemap_amap_img: ['高德卫星图（GCJ-02，已纠偏）', 'AutoNavi / 高德 satellite (GCJ-02, offset corrected)'],
  basemap_unknown: ['无法识别的底图设置，已改用离线底图。', 'Unknown basemap setting; the offline basemap is used.'],
  basemap_csp_note: ['在线底图的瓦片服务器须在构建时加入页面的 CSP（SHEQU_TILE_ORIGINS，见 README“底图”）。', 'An online basemap’s tile server must be added to the page’s CSP when building (SHEQU_TILE_ORIGINS, see “Basemaps” in the README).'],
  tianditu_key_missing: ['天地图需要密钥 (tk)：请在设置中填写，或选择其他底图。', 'Tianditu needs a key (tk): enter it in the settings, or choose another basemap.'],
  tile_url_invalid: ['瓦片地址须以 http(s):// 开头并包含 {z}、{x}、{y}。', 'The tile URL must start with http(s):// and contain {z}, {x} and {y}.'],
  tile_attribution: ['版权说明', 'Attribution'],
  tile_gcj02: ['瓦片为 GCJ-02 坐标（高德、腾讯等），需纠偏', 'The tiles are in GCJ-02 (AutoNavi, Tencent…): correct the offset'],
  // import (web/src/import/)
  import_title: ['导入：图层、字段与坐标系', 'Import: layers, fields and coordinate system'],
  import_body: ['请核对自动识别的结果，可逐项修改。数据只在本机浏览器中处理。', 'Check what was recognised and correct anything wrong. The data stays in this browser.'],
  import_layer: ['方案图层', 'Plan layer'],
  import_skip: ['不导入', 'Skip'],
  import_crs: ['坐标系', 'Coordinate system'],
  import_crs_choose: ['— 请选择坐标系 —', '— choose the coordinate system —'],
  import_crs_needed: ['请为 {entry} 选择坐标系：无法从文件中判断。', 'Choose the coordinate system of {entry}: the file does not say.'],
  import_swap: ['交换 X/Y', 'Swap X/Y'],
  import_guessed: ['（自动识别）', '(recognised)'],
  import_unmapped: ['— 无 —', '— none —'],
  import_nothing: ['没有要导入的图层：请至少为一个图层选择方案图层。', 'Nothing to import: choose a plan layer for at least one layer.'],
  import_records: ['{n} 条记录', '{n} {n|record|records}'],
  import_geom_polygon: ['面', 'polygons'],
  import_geom_polyline: ['线', 'lines'],
  import_geom_point: ['点', 'points'],
  import_geom_null: ['无几何', 'no geometry'],
  import_geom_other: ['其他几何', 'other geometry'],
  import_enc_ldid: ['dBase 语言标记', 'dBase language byte'],
  import_enc_bom: ['BOM', 'BOM'],
  import_enc_detected: ['自动判断', 'detected'],
  import_reading: ['正在读取 {name}…', 'Reading {name}…'],
  import_missing: ['导入模块 (pkg-import/) 无法载入：{err}。请运行 npm run wasm 后重新构建。', 'The import module (pkg-import/) could not be loaded: {err}. Run npm run wasm, then build.'],
  import_crashed: ['导入模块发生内部错误（{err}），请重试。', 'The import module hit an internal error ({err}); please try again.'],
  import_failed: ['导入失败：{err}。当前方案保持不变。', 'Import failed: {err}. The current plan is unchanged.'],
  import_table_needs_plan: ['户数表需要与方案一起导入：请先打开方案，或同时选择 Shapefile 和户数表。', 'A households table needs a plan: open a plan first, or pick the Shapefile and the table together.'],
  import_joined: ['已从 {file} 更新 {n} 个小区的户数', 'Households of {n} {n|compound|compounds} updated from {file}'],
  import_unchanged: ['{file} 中的户数与当前方案一致，没有变化', 'The households in {file} match the plan: nothing changed'],
  record_n: ['第 {n} 条记录', 'record {n}'],
  row_n: ['第 {n} 行', 'row {n}'],
  crs_wgs84: ['WGS 84 / CGCS2000 经纬度 (EPSG:4326/4490)', 'WGS 84 / CGCS2000 longitude/latitude (EPSG:4326/4490)'],
  crs_gcj02: ['GCJ-02 国测局坐标（高德、腾讯地图）', 'GCJ-02 (AutoNavi/Tencent maps)'],
  crs_bd09: ['BD-09 百度坐标', 'BD-09 (Baidu maps)'],
  crs_gk3: ['CGCS2000 高斯-克吕格 3 度带（东坐标不带带号）', 'CGCS2000 Gauss–Krüger 3° (easting without zone number)'],
  crs_gk3z: ['CGCS2000 高斯-克吕格 3 度带（东坐标带带号）', 'CGCS2000 Gauss–Krüger 3° (zone number in the easting)'],
  crs_gk6: ['CGCS2000 高斯-克吕格 6 度带（东坐标不带带号）', 'CGCS2000 Gauss–Krüger 6° (easting without zone number)'],
  crs_gk6z: ['CGCS2000 高斯-克吕格 6 度带（东坐标带带号）', 'CGCS2000 Gauss–Krüger 6° (zone number in the easting)'],
  crs_gk_cm: ['中央经线 {cm}°E (EPSG:{code})', 'central meridian {cm}°E (EPSG:{code})'],
  crs_gk_zone: ['第 {zone} 带，中央经线 {cm}°E (EPSG:{code})', 'zone {zone}, central meridian {cm}°E (EPSG:{code})'],
  crs_warn_metres: ['坐标数值是米，不是经纬度：请选择投影坐标系（高斯-克吕格）。', 'The coordinates are metres, not degrees: choose a projected (Gauss–Krüger) system.'],
  crs_warn_degrees: ['坐标数值是经纬度（度），不是米：请选择经纬度坐标系。', 'The coordinates are degrees, not metres: choose a longitude/latitude system.'],
  crs_warn_no_prefix: ['东坐标不带带号（6 位数）：请选择“不带带号”的坐标系。', 'The eastings have no zone number (6 digits): choose a system “without zone number”.'],
  crs_warn_zone: ['东坐标的带号是 {z}，与所选坐标系不符。', 'The eastings carry zone {z}, not the zone chosen.'],
  crs_warn_prefixed: ['东坐标带带号 {z}（8 位数）：请选择“带带号”的第 {z} 带。', 'The eastings carry zone number {z} (8 digits): choose zone {z} “with zone number”.'],
  prop_id: ['编号', 'Id'],
  prop_name: ['名称', 'Name'],
  prop_kind: ['类型', 'Kind'],
  prop_committee_size: ['两委人数', 'Committee members'],
  prop_full_time_staff: ['专职人员', 'Full-time staff'],
  prop_service_center: ['党群服务中心', 'Service centre'],
  prop_households: ['户数', 'Households'],
  prop_planned_households: ['规划户数', 'Planned households'],
  prop_property_management: ['物业管理', 'Property management'],
  prop_code: ['网格编码', 'Grid code'],
  prop_floor_area_m2: ['用房面积 (m²)', 'Floor area (m²)'],
  join_title: ['户数表：{file}', 'Households table: {file}'],
  join_file: ['{file} · 工作表 {sheet} · 表头在第 {row} 行', '{file} · sheet {sheet} · header on row {row}'],
  join_sheet: ['工作表', 'Sheet'],
  join_key: ['按哪一项匹配小区', 'Match compounds by'],
  join_key_id: ['小区编号', 'Compound id'],
  join_key_name: ['小区名称', 'Compound name'],
  join_key_column: ['匹配列', 'Key column'],
  join_households: ['户数列', 'Households column'],
  join_planned: ['规划户数列', 'Planned households column'],
  join_none: ['— 不使用 —', '— not used —'],
  join_summary: ['已匹配 {matched} / {rows} 行；{without} 个小区在表中没有对应行', '{matched} of {rows} {rows|row|rows} matched; {without} {without|compound has|compounds have} no row'],
  join_unmatched: ['{n} 行未匹配到小区', '{n} {n|row matches|rows match} no compound'],
  join_duplicates: ['{n} 个重复的匹配值', '{n} duplicated {n|key|keys}'],
  join_without: ['{n} 个小区没有对应行（户数不变）', '{n} {n|compound|compounds} without a row (households unchanged)'],
  join_more: ['另有 {n} 项未列出', '{n} more not listed'],
  join_ok: ['更新户数并载入', 'Update households and load'],
  profile: ['规则方案', 'Rule profile'],
  profile_file: ['从文件载入规则…', 'Load rules from a file…'],
  profile_custom: ['自定义：{name}', 'Custom: {name}'],
  profile_changed: ['已改用规则“{name}”重新检查（方案和撤销记录不变）', 'Checked again with the rules “{name}” (the plan and the undo history are kept)'],
  // loading
  loading_engine: ['正在载入规则引擎…', 'Loading the rule engine…'],
  loading_plan: ['正在读取方案…', 'Reading the plan…'],
  engine_missing: ['规则引擎文件缺失 (pkg/)。请先运行 npm run wasm 再构建。', 'The rule engine files (pkg/) are missing. Run npm run wasm, then build.'],
  empty_title: ['打开一个方案开始规划', 'Open a plan to start'],
  empty_body: ['把 GeoJSON 方案、压缩的 Shapefile (.zip) 或户数表 (.xlsx/.csv) 拖到这里，或使用下面的按钮。数据只在本机浏览器中处理，不会上传。', 'Drop a GeoJSON plan, a zipped Shapefile (.zip) or a households table (.xlsx/.csv) here, or use the buttons below. Your data stays in this browser and is never uploaded.'],
  drop_here: ['松开鼠标以载入文件', 'Drop to load the files'],
  restored: ['已恢复上次编辑的方案', 'Restored the plan you were editing'],
  restored_at: ['已恢复上次编辑的方案（{time} 自动保存）', 'Restored the plan you were editing (autosaved {time})'],
  loaded: ['已载入 {name}', 'Loaded {name}'],
  demo_name: ['示例街道', 'the demo district'],
  replace_title: ['替换当前方案？', 'Replace the current plan?'],
  replace_body: ['当前方案「{plan}」有尚未导出的修改。载入「{name}」将替换它。', 'The current plan “{plan}” has edits that have not been exported. Loading “{name}” will replace it.'],
  replace_export: ['先导出再载入', 'Export first, then load'],
  replace_ok: ['替换', 'Replace'],
  restore_previous: ['恢复上一方案', 'Restore previous plan'],
  previous_kept: ['已替换方案；原方案「{name}」已保留，可以恢复', 'Plan replaced; the previous plan “{name}” was kept and can be restored'],
  previous_restored: ['已恢复上一方案「{name}」', 'Restored the previous plan “{name}”'],
  load_failed_title: ['无法读取文件', 'The file could not be read'],
  load_failed_kept: ['当前方案保持不变。', 'The current plan is unchanged.'],
  load_more: ['另有 {n} 个问题未列出。', '{n} more {n|problem|problems} not listed.'],
  problem_where: ['位置', 'Where'],
  problem_what: ['问题', 'Problem'],
  problem_fix: ['修改建议', 'How to fix'],
  feature_n: ['第 {n1} 个要素', 'feature #{n}'],
  field_x: ['字段 {f}', 'field {f}'],
  layer_x: ['图层 {l}', 'layer {l}'],
  notes_title: ['载入时自动修正了 {n} 处', '{n} {n|repair|repairs} made while loading'],
  file_unreadable: ['无法读取文件 {name}：{err}', 'Could not read {name}: {err}'],
  // Bytes that are not UTF-8 never reach the engine (it takes text): the page says why.
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
  crashed_replayed: ['规则引擎发生内部错误，已重新启动：从最近自动保存的方案恢复，并重做了其后的 {n} 步编辑；出错的那一步未执行。', 'The rule engine hit an internal error; it was restarted from the last autosaved plan and the {n} {n|edit|edits} made since {n|was|were} redone; the step that failed was not applied.'],
  crashed_lost: ['规则引擎发生内部错误，已重新启动并从最近自动保存的方案恢复；其后的 {n} 步编辑无法重做。', 'The rule engine hit an internal error; it was restarted from the last autosaved plan; the {n} {n|edit|edits} made since could not be redone.'],
  crash_failed: ['规则引擎发生内部错误，且无法恢复。请刷新页面。', 'The rule engine hit an internal error and could not be restarted. Please reload the page.'],
  // panel
  panel: ['检查结果', 'Results'],
  tab_balance: ['户数', 'Households'],
  tab_findings: ['问题', 'Findings'],
  tab_compare: ['对比', 'Changes'],
  tab_detail: ['详情', 'Details'],
  totals_communities: ['社区', 'Communities'],
  totals_households: ['户（含规划）', 'Households'],
  totals_in_band: ['在各自标准区间', 'In their own band'],
  totals_errors: ['错误', 'Errors'],
  totals_warnings: ['警告', 'Warnings'],
  totals_unassigned: ['{n} 个小区（{h} 户）未划入任何社区', '{n} {n|compound|compounds} ({h} {h|household|households}) in no community'],
  sort_by: ['排序', 'Sort'],
  sort_plan: ['方案顺序', 'Plan order'],
  sort_households: ['户数', 'Households'],
  sort_status: ['状态', 'Status'],
  band_legend: ['阴影：原则上按 {min}–{max} 户设立；竖线：少于 {merge} 户原则上合并，多于 {adjust} 户原则上拆分，{split} 户以上可以拆分', 'Shaded: in principle {min}–{max} households; ticks: fewer than {merge}, in principle merged; more than {adjust}, in principle split; {split} or more, may be split'],
  band_of: ['标准区间 {min}–{max} 户', 'band {min}–{max}'],
  hh: ['{n} 户', '{n}'],
  hh_long: ['{n} 户', '{n} {n|household|households}'],
  status_ok: ['符合', 'OK'],
  status_warning: ['警告', 'Warning'],
  status_error: ['错误', 'Error'],
  severity_error: ['错误', 'Errors'],
  severity_warning: ['警告', 'Warnings'],
  severity_info: ['建议', 'Suggestions'],
  no_findings: ['没有发现问题', 'No findings'],
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
  unnamed: ['（未命名 {id}）', '(unnamed {id})'],
  // A community without a name, as a meeting or a reader reads it (never its id: consult/names.js).
  consult_unnamed: ['未命名社区', 'Unnamed community'],
  consult_unnamed_n: ['未命名社区 {n}', 'Unnamed community {n}'],
  consult_unnamed_part: ['未命名社区（原{name}的一部分）', 'Unnamed community (formerly part of {name})'],
  consult_unnamed_was: ['未命名社区（原{name}）', 'Unnamed community (formerly {name})'],
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
  unknown: ['未填写', 'Not given'],
  merge_into_this: ['并入本社区', 'Absorb into this one'],
  merge_pick: ['选择要并入的相邻社区', 'Choose the neighbour to absorb'],
  split_this: ['拆分本社区', 'Split this community'],
  suggest_open: ['建议调整', 'Suggest'],
  lock_community: ['锁定（整体优化不改动）', 'Lock (repair leaves it)'],
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
  reassign_none: ['“{name}”没有可改划的相邻社区', '“{name}” has no neighbouring community to move to'],
  reassign_owner: ['现属：{name}', 'Now in: {name}'],
  badge_plus: ['+{n} 小区 / {h} 户 → {name}', '+{n} {n|compound|compounds} / {h} {h|household|households} → {name}'],
  badge_none: ['没有小区改变归属', 'No compound changes sides'],
  badge_pending: ['松开后检查：{what}', 'Checked on release: {what}'],
  check_gaps: ['社区之间的空隙', 'gaps between communities'],
  check_others: ['其余规则', 'the other rules'],
  list_sep: ['、', ', '],
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
  // consultation (web/src/consult/)
  consult_compare: ['调整前后', 'Before / after'],
  consult_compare_title: ['并排或卷帘对比载入时的方案与当前方案', 'Compare the plan as loaded with the current plan, side by side or with a swipe'],
  consult_present: ['演示', 'Present'],
  consult_present_title: ['居民会议演示视图：大字号，无编辑工具（Esc 退出）', 'Presentation view for residents’ meetings: large type, no editing tools (Esc to leave)'],
  // (the before/after and presentation views' strings: i18n-consult.js, loaded with them)
  export_read_only: ['导出只读方案（供分发）', 'Export read-only plan (to hand out)'],
  read_only_banner: ['只读方案：仅供查阅和导出，不能修改', 'Read-only plan: for viewing and export, it cannot be edited'],
  read_only_refused: ['只读方案不能修改', 'A read-only plan cannot be edited'],
  // ---- official documents (web/src/docs/): 四至, 一社区一方案 sheets, procedure, exports ----
  sizhi: ['四至', 'Boundaries (四至)'],
  sizhi_none: ['无明显界线', 'no clear boundary'],
  sizhi_overridden: ['四至已由规划人员修改（自动识别结果见编辑框中的提示）', 'Edited by the planner (the engine’s reading is shown as a hint in the form)'],
  sizhi_edit: ['修改四至', 'Edit boundaries'],
  sizhi_form_hint: ['留空的一侧使用自动识别的结果', 'A side left empty uses the engine’s reading'],
  sizhi_reset: ['恢复自动识别', 'Use the engine’s reading'],
  sizhi_east: ['东至', 'East'],
  sizhi_south: ['南至', 'South'],
  sizhi_west: ['西至', 'West'],
  sizhi_north: ['北至', 'North'],
  sizhi_east_short: ['东至：', 'East: '],
  sizhi_south_short: ['南至：', 'South: '],
  sizhi_west_short: ['西至：', 'West: '],
  sizhi_north_short: ['北至：', 'North: '],
  north_short: ['北', 'N'],
  sheet_print_one: ['打印一社区一方案', 'Print this community’s sheet'],
  sheet_print_all: ['打印一社区一方案（全部）…', 'Print sheets (all communities)…'],
  // (the print preview's and the sheets' own strings: i18n-docs.js, loaded with them)
  procedure: ['调整程序', 'Procedure'],
  proc_progress: ['已完成 {done}/{total}', '{done} of {total} done'],
  proc_current: ['当前阶段：{stage}', 'Current stage: {stage}'],
  proc_complete: ['程序已完备', 'all steps done'],
  proc_na: ['（不适用）', '(n/a)'],
  proc_farmland: ['涉农社区（有集体资产）', 'Has farmland (collective assets)'],
  proc_research: ['调研评估', 'Research and assessment'],
  proc_draft: ['制定方案', 'Draft the plan'],
  proc_review: ['规范审查', 'Review'],
  proc_request: ['请示调整', 'Request approval'],
  proc_formalities: ['完备手续', 'Complete the formalities'],
  proc_research_survey: ['充分调研论证，考虑群众生产生活需求', 'Survey and assessment; residents’ needs considered'],
  proc_research_consult: ['开展社区协商，广泛征求居民意见，了解调整意愿', 'Residents consulted, their wishes heard'],
  proc_research_assets: ['明晰集体资产权属，保障相关群众利益（涉农社区）', 'Collective assets’ ownership clarified (farmland)'],
  proc_research_disputes: ['调处历史遗留问题和矛盾纠纷', 'Old issues and disputes mediated'],
  proc_research_risk: ['开展社会稳定风险评估，制定风险防控方案', 'Social-stability risk assessed; prevention plan'],
  proc_draft_boundary: ['明确社区区域界线范围', 'Boundary and extent stated'],
  proc_draft_name: ['明确社区名称（地名管理条例，人文历史、居民认同）', 'Name settled (place-name rules, history)'],
  proc_draft_center: ['明确党群服务中心选址（面积、交通、服务半径、未来规划）', 'Service-centre site chosen'],
  proc_draft_staffing: ['明确“两委”成员和专职工作人员职数，制定招聘或内部调整计划', 'Committee and staff posts set; hiring plan'],
  proc_review_submit: ['报县（市、区）、功能区民政部门审查', 'Submitted to civil affairs for review'],
  proc_review_departments: ['征求组织、政法、住建、财政、人社、自规、教育等部门意见', 'Other departments consulted'],
  proc_review_final: ['修改完善，形成实施方案', 'Revised into the implementation plan'],
  proc_request_request: ['向县（市、区）政府、功能区管委会报送请示和实施方案', 'Request sent to the district government'],
  proc_request_approved: ['经县（市、区）政府、功能区管委会研究通过', 'Approved by the district government'],
  proc_request_filed: ['报市委组织部、市民政局备案', 'Filed with the city Organisation Dept. and Civil Affairs Bureau'],
  proc_formalities_elections: ['组织党组织、居委会、居民监督委员会选举', 'Party, residents’ and supervisory committees elected'],
  proc_formalities_representatives: ['选举居民代表、居民小组长', 'Representatives and group leaders elected'],
  proc_formalities_credit_code: ['办理、注销或变更特别法人统一社会信用代码证书', 'Credit-code certificate issued or changed'],
  export_csv: ['导出汇总表 (CSV)', 'Export summary (CSV)'],
  export_xlsx: ['导出汇总表 (Excel XLSX)', 'Export summary (Excel XLSX)'],
  export_shp: ['导出方案 (Shapefile 压缩包)', 'Export plan (zipped Shapefile)'],
  export_shp_gbk: ['导出方案 (Shapefile，GBK 编码)', 'Export plan (Shapefile, GBK encoding)'],
  docs_importer_missing: ['无法载入导出模块 (pkg-import/)：{err}。请运行 npm run wasm 后重新构建。', 'The export module (pkg-import/) could not be loaded: {err}. Run npm run wasm, then build again.'],
  docs_export_failed: ['{what} 导出失败：{err}', '{what} export failed: {err}'],
  // rules as the plan reads them: severities, explained deviations (panel/findings.js); the strings of
  // the Explain dialog, the rules page and the sheets' explained list load with them (i18n-rules.js)
  c_environment_property: ['环境和物业管理', 'Environment and property management'],
  severity_explained: ['已说明', 'Explained'],
  explain: ['说明理由', 'Explain'],
  explain_edit: ['修改理由', 'Edit reason'],
  explain_withdraw: ['撤回', 'Withdraw'],
  explained_reason: ['理由：{reason}', 'Reason: {reason}'],
  rules: ['规则说明', 'Rules'],
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

/** A community's name as shown, or a stand-in naming its id when it has none. */
export function shownName(c) {
  return c.name?.trim() ? c.name : t('unnamed', { id: c.id });
}

/** A UI string; `{name}` placeholders are filled from params (as text). */
export function t(key, params) {
  return tIn(i18n.lang, key, params);
}

/**
 * A string in a given language, whatever the UI language ('zh' | 'en').
 * `{n|compound|compounds}` picks by whether params.n is one (as a number or
 * as formatted by num()): "1 compound", "2 compounds".
 */
export function tIn(lang, key, params) {
  const row = T[key];
  let s = row ? row[lang === 'en' ? 1 : 0] : key;
  if (params) {
    s = s.replace(/\{(\w+)\|([^|{}]*)\|([^|{}]*)\}/g, (m, k, one, many) => (k in params ? (String(params[k]).replace(/[\s,]/g, '') === '1' ? one : many) : m));
    s = s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
  }
  return s;
}

/**
 * Adds the zh/en strings of a module loaded on first use (i18n-rules.js), so
 * that they stay out of the page's start-up bundle (web/scripts/size.mjs).
 */
export function addStrings(table) {
  Object.assign(T, table);
}

/** `pick(finding, 'message')` → finding.message_zh or message_en. */
export function pick(obj, base) {
  return (i18n.lang === 'en' ? obj[base + '_en'] : obj[base + '_zh']) ?? obj[base + '_zh'] ?? obj[base + '_en'] ?? '';
}

// One formatter per language and number of digits: making one costs far more
// than formatting, and callers alternate between digits.
const formats = new Map();
export function num(n, digits = 0) {
  if (n == null || Number.isNaN(n)) return '–';
  const key = i18n.lang + digits;
  let nf = formats.get(key);
  if (!nf) {
    nf = new Intl.NumberFormat(i18n.lang === 'en' ? 'en-GB' : 'zh-CN', { maximumFractionDigits: digits, minimumFractionDigits: digits });
    formats.set(key, nf);
  }
  return nf.format(n);
}

export const COMMITTEES = ['mediation', 'security', 'public_health', 'women_children', 'environment_property'];
export const SERVICES = ['party_building', 'elderly_care', 'disability', 'culture', 'sports', 'health', 'employment', 'policing'];
export const KINDS = ['standard', 'old_town', 'apartment'];
