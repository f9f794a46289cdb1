// The zh/en strings of the 一社区一方案 print preview, its sheets and the
// summary (docs/sheet.js, docs/map.js, docs/signoff.js): kept out of
// i18n.js's table, which loads with the page, and added to it when the
// sheets are first opened.
import { addStrings } from './i18n.js';

addStrings({
  sheet_map_label: ['{name}范围示意图', 'Map of {name}'],
  sheets_title: ['一社区一方案 · 打印预览', 'Community sheets · print preview'],
  sheets_count: ['共 {n} 个社区', '{n} {n|community|communities}'],
  docs_print: ['打印 / 存为 PDF', 'Print / save as PDF'],
  docs_m2: ['{n} m²', '{n} m²'],
  sheet_kicker: ['社区规模优化调整方案 · 一社区一方案', 'Community scale adjustment · one plan per community'],
  sheet_footer: ['{plan} · 规则：{profile} · 打印日期：{date}', '{plan} · Rules: {profile} · Printed {date}'],
  sheet_s1: ['一、社区区域界线范围（四至）', '1. Boundary and extent (四至)'],
  sheet_s2: ['二、社区名称', '2. Name'],
  sheet_s3: ['三、党群服务中心选址', '3. Party and public service centre'],
  sheet_s4: ['四、“两委”成员和专职工作人员职数', '4. Committee (两委) and full-time staff'],
  sheet_naming_ok: ['名称检查未发现问题', 'No naming problems found'],
  sheet_center_name: ['驻地', 'Site'],
  sheet_distance: ['平均 {mean} m / 最远 {max} m', 'Mean {mean} m, farthest {max} m'],
  sheet_households: ['户数', 'Households'],
  sheet_distance_label: ['到中心距离', 'Distance to centre'],
  sheet_beyond_label: ['超出服务半径', 'Beyond the radius'],
  sheet_before: ['调整前（载入时）', 'Before (as loaded)'],
  sheet_after: ['调整后（当前方案）', 'After (current plan)'],
  sheet_change: ['变化', 'Change'],
  sheet_band: ['目标规模', 'Target size'],
  sheet_band_value: ['标准区间 {min}–{max} 户', '{min}–{max} households'],
  sheet_new_community: ['新设社区', 'New community'],
  sheet_unchanged: ['不变', 'Unchanged'],
  sheet_findings: ['待解决问题（{n}）', 'Open findings ({n})'],
  sheet_no_findings: ['无', 'None'],
  summary_title: ['社区规模优化调整汇总表', 'Summary of the adjustment'],
  summary_meta: ['{n} 个社区 · {hh} 户 · 错误 {e} · 警告 {w} · 建议 {i} · 已说明 {x}', 'Communities: {n} · households: {hh} · errors: {e} · warnings: {w} · suggestions: {i} · explained: {x}'],
  // the sign-off block (编制单位、联系人、审核、日期、盖章处), saved with the plan
  signoff_title: ['编制与审核', 'Prepared and reviewed'],
  signoff_unit: ['编制单位', 'Prepared by'],
  signoff_contact: ['联系人', 'Contact'],
  signoff_reviewer: ['审核', 'Reviewed by'],
  signoff_date: ['日期', 'Date'],
  signoff_seal: ['盖章处', 'Seal'],
  signoff_edit: ['落款…', 'Sign-off…'],
  signoff_edit_title: ['填写编制单位、联系人、审核和日期：随方案保存，印在每一份方案上；空着的项目印成横线，留待手填', 'Who prepared and reviewed the sheets, and when: saved with the plan and printed on every sheet; what is left empty prints as a line to fill in by hand'],
  signoff_date_hint: ['如 {date}', 'e.g. {date}'],
  signoff_not_saved: ['落款未保存', 'The sign-off was not saved'],
});
