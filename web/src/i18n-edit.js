// The zh/en strings of the reassign and merge previews (edit/preview.js),
// loaded with it on first use and added to the one dictionary (as
// i18n-rules.js does), so that they stay out of the page's start-up bundle.
import { addStrings } from './i18n.js';

addStrings({
  // ---- reassign: the menu of neighbours, with the households after ----
  reassign_compound_title: ['将“{name}”（{hh}）改划至：', 'Move “{name}” ({hh}) to:'],
  reassign_grid_title: ['将网格 {code}（{hh}）改划至：', 'Move grid cell {code} ({hh}) to:'],
  reassign_point_title: ['“{name}”只有点位，没有范围：改划它所在的网格 {code}（{hh}）至：', '“{name}” is a point without an outline: move its grid cell {code} ({hh}) to:'],
  reassign_point_none: ['“{name}”只有点位，没有范围，也不在任何网格内：不能单独改划', '“{name}” is a point without an outline and lies in no grid cell: it cannot be moved on its own'],
  reassign_after: ['{name} {from} → {to} 户', '{name} {from} → {to}'],
  reassign_after_sep: ['；', '; '],
  // ---- merge: the result before it is made ----
  merge_title: ['将“{b}”并入“{a}”', 'Absorb “{b}” into “{a}”'],
  merge_households: ['合并后“{a}”共 {total} 户（{x} + {y}）', 'After the merge “{a}” has {total} {total|household|households} ({x} + {y})'],
  merge_band: ['不在本类社区 {min}–{max} 户的区间内', 'Outside the {min}–{max} households of its kind'],
  merge_parts: ['合并后的社区分为 {n} 块，互不相连', 'The merged community would be in {n} parts, not connected'],
  merge_one_part: ['合并后的社区连成一片', 'The merged community is in one piece'],
  merge_not_adjacent: ['“{a}”与“{b}”不相邻，不能合并', '“{a}” and “{b}” do not border each other: they cannot be merged'],
  merge_do: ['并入“{a}”', 'Merge into “{a}”'],
});
