// The zh/en strings of the consultation views loaded on first use
// (consult/views.js: before/after, the presentation view). Kept out of
// i18n.js's table, which loads with the page, and added to it when they load.
// What a residents' meeting reads: every count states the band it used, and
// communities are named, never shown by id.
import { addStrings } from './i18n.js';

addStrings({
  consult_before: ['调整前（载入时的方案）', 'Before (the plan as loaded)'],
  consult_after: ['调整后（当前方案）', 'After (the current plan)'],
  consult_side: ['并排', 'Side by side'],
  consult_swipe: ['卷帘', 'Swipe'],
  consult_divider: ['拖动分隔线比较调整前后', 'Drag the divider to compare before and after'],
  consult_changed_key: ['紫色粗线：户数或名称有变化的社区', 'Bold purple outline: households or name changed'],
  consult_close: ['关闭对比', 'Close the comparison'],
  consult_no_before: ['无法读取载入时的方案：{err}', 'The plan as loaded cannot be read: {err}'],
  consult_leave: ['退出演示 (Esc)', 'Leave (Esc)'],
  consult_totals: ['{c} 个社区 · {h} 户', '{c} {c|community|communities} · {h} {h|household|households}'],
  // One band for every community: the band itself; several (by kind): "their own band", then each kind's.
  consult_in_band: ['{n} / {c} 个社区户数在 {min}–{max} 户之间', '{n} of {c} {c|community|communities} {n|has|have} {min}–{max} households'],
  consult_in_own_band: ['{n} / {c} 个社区户数在各自标准区间内', '{n} of {c} {c|community|communities} {n|is|are} within {n|its|their} own band'],
  consult_kind_in_band: ['{kind}（{min}–{max} 户）：{n} / {c} 个', '{kind} ({min}–{max} households): {n} of {c}'],
  consult_kind_standard: ['一般社区', 'Standard communities'],
  consult_kind_old_town: ['老城区社区', 'Old-town communities'],
  consult_kind_apartment: ['独立楼盘/公寓社区', 'Apartment communities'],
  consult_communities: ['各社区户数', 'Households per community'],
  consult_changes: ['调整内容', 'What changes'],
  consult_no_changes: ['与载入时的方案相比没有变化', 'No change from the plan as loaded'],
  consult_moves: ['{n} 个小区（{h} 户）改变归属', '{n} {n|compound|compounds} ({h} {h|household|households}) {n|changes|change} community'],
  consult_hh_change: ['{name}：{before} → {after} 户', '{name}: {before} → {after} {after|household|households}'],
  consult_created: ['新建：{name}（{after} 户）', 'New: {name} ({after} {after|household|households})'],
  consult_removed: ['撤销：{name}（原 {before} 户）', 'Removed: {name} (had {before} {before|household|households})'],
  consult_renamed: ['更名：{from} → {to}', 'Renamed: {from} → {to}'],
  consult_band_legend: ['阴影为原则上的设立规模 {min}–{max} 户', 'Shaded: {min}–{max} households, the size a community is in principle set up with'],
  consult_band_legend_kinds: ['阴影为各社区按类型原则上的设立规模：{bands}', 'Shaded: the size each kind of community is in principle set up with: {bands}'],
  consult_kind_band: ['{kind} {min}–{max} 户', '{kind}, {min}–{max} households'],
  consult_list_sep: ['；', '; '],
  consult_map_key: ['地图上的数字为户数', 'Numbers on the map: households'],
  consult_unnamed_label: ['未命名社区', 'Unnamed'], // on the map, over its households
});
