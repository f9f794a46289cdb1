// The zh/en strings of the modules loaded on first use for rules as the plan
// reads them: the Explain dialog (ui/explain.js), the 规则说明 page
// (ui/rules.js) and the explained deviations on the 一社区一方案 sheet
// (docs/sheet.js). Kept out of i18n.js's table, which loads with the page,
// and added to it when one of those modules is first imported.
import { addStrings } from './i18n.js';

addStrings({
  sev_info: ['建议', 'Suggestion'],
  explain_title: ['说明偏离的理由：{name}', 'Explain the deviation: {name}'],
  explain_body: ['理由随方案保存，写入一社区一方案；该问题随即列为“已说明”，不计入警告或建议。可以撤销。', 'The reason is saved with the plan and printed on the community’s sheet; the finding is then listed as explained, not as a warning or suggestion. This can be undone.'],
  explain_reason: ['理由（最多 500 字）', 'Reason (500 characters at most)'],
  rules_title: ['规则说明：{profile}', 'Rules: {profile}'],
  rules_intro: ['每条规则按所引文件的措辞分为三级：', 'Each rule is graded by the wording of the document it cites:'],
  strength_must: ['必须（不得／须）', 'Must'],
  strength_in_principle: ['原则上（一般）', 'In principle'],
  strength_may: ['可以', 'May'],
  means_must: ['错误：须修改方案，不能以理由豁免', 'Error: the plan has to change; it cannot be explained away'],
  means_in_principle: ['警告：偏离须有理由，可“说明理由”', 'Warning: a deviation needs a reason, which may be given with “Explain”'],
  means_may: ['建议：可以采纳，并非必须', 'Suggestion: an option, not a requirement'],
  rules_severity: ['本规则方案定为：{sev}', 'This profile makes it: {sev}'],
  rules_no_quote: ['（未摘录条文，见所引文件）', '(Not quoted; see the cited document.)'],
  rules_thresholds: ['阈值', 'Thresholds'],
  sheet_explained: ['已说明的偏离（{n}）', 'Explained deviations ({n})'],
});
