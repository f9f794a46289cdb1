//! Scale (规模适度): households per community, sections 二（一） and 三（一）.
//!
//! Households are counted by compound (existing plus planned, when the profile
//! says so). Each community kind has its own band (`Profile::band`):
//!
//! | households | code | severity (yangzhou-2022) |
//! |---|---|---|
//! | above `split_above` (5,000) | `scale.split_required`, with the number of parts | error |
//! | `target_max`..`split_above` (3,000–5,000) | `scale.too_large`, with similar neighbours to re-plan with | warning |
//! | below `merge_below` (500) | `scale.too_small`, with merge candidates | warning |
//! | `merge_below`..`target_min` (500–2,000) | `scale.below_target` | info |
//! | one compound of ≥ `single_compound_min` | `scale.single_compound` instead of `below_target` | info |
//!
//! ```
//! use shequ_core::{evaluate, testing::row_plan, Profile};
//!
//! // One community with one 5,230-household compound.
//! let plan = row_plan(&[("文昌社区", &[5230])]);
//! let report = evaluate(&plan, &Profile::default());
//! let f = report.findings_with_code("scale.split_required").next().unwrap();
//! assert_eq!(f.message_zh, "文昌社区共 5,230 户，超过 5,000 户，应拆分为 2 个社区（方案三（一））");
//! ```

use serde_json::json;

use super::{Ctx, FindingExt};
use crate::fmt::int;
use crate::report::Finding;

/// Scale findings of community `i`.
pub fn community(ctx: &Ctx, i: usize, out: &mut Vec<Finding>) {
    let band = ctx.profile.band(ctx.plan.communities[i].kind);
    let total = ctx.households[i].counted;
    let name = ctx.name(i);
    if total > band.split_above {
        let parts = total.div_ceil(band.target_max.max(1));
        out.push(
            ctx.finding(
                "scale.split_required",
                "三（一）",
                &[i],
                format!(
                    "{name}共 {} 户，超过 {} 户，应拆分为 {parts} 个社区",
                    int(total),
                    int(band.split_above)
                ),
                format!(
                    "{name} has {} households, more than {}: split it into {parts} communities",
                    int(total),
                    int(band.split_above)
                ),
            )
            .detail("households_total", total)
            .detail("suggested_parts", parts),
        );
    } else if total > band.target_max {
        let similar: Vec<usize> = neighbours(ctx, i)
            .filter(|&j| {
                ctx.households[j].counted
                    > ctx.profile.band(ctx.plan.communities[j].kind).target_max
            })
            .collect();
        let (zh_with, en_with, parts) = if similar.is_empty() {
            (String::new(), String::new(), None)
        } else {
            let sum = total
                + similar
                    .iter()
                    .map(|&j| ctx.households[j].counted)
                    .sum::<u64>();
            let parts = sum.div_ceil(band.target_max.max(1));
            (
                format!(
                    "，如与{}共 {} 户统筹划分为 {parts} 个社区",
                    ctx.names(&similar, "、"),
                    int(sum)
                ),
                format!(
                    "; e.g. with {} ({} households together) into {parts} communities",
                    ctx.names(&similar, ", "),
                    int(sum)
                ),
                Some(parts),
            )
        };
        let ids: Vec<&str> = similar
            .iter()
            .map(|&j| ctx.plan.communities[j].id.as_str())
            .collect();
        out.push(
            ctx.finding(
                "scale.too_large",
                "二（一）、三（一）",
                &[i],
                format!("{name}共 {} 户，超过 {} 户的目标上限；可与规模相近的相邻社区统筹规划、重新划分{zh_with}", int(total), int(band.target_max)),
                format!("{name} has {} households, above the target of {}: re-plan it with similar-sized neighbours{en_with}", int(total), int(band.target_max)),
            )
            .detail("households_total", total)
            .detail("replan_with", json!(ids))
            .detail("replan_parts", json!(parts)),
        );
    } else if total < band.merge_below {
        let mut candidates: Vec<(usize, u64)> = neighbours(ctx, i)
            .map(|j| (j, total + ctx.households[j].counted))
            .filter(|&(j, merged)| {
                merged <= ctx.profile.band(ctx.plan.communities[j].kind).target_max
            })
            .collect();
        let mid = (band.target_min + band.target_max) / 2;
        crate::order::sort_by_key(&mut candidates, |&(j, merged)| {
            (merged.abs_diff(mid), j as u64)
        });
        let (zh_c, en_c) = if candidates.is_empty() {
            (
                format!("；相邻社区中没有合并后不超过 {} 户的", int(band.target_max)),
                format!(
                    "; no neighbour stays within {} households after merging",
                    int(band.target_max)
                ),
            )
        } else {
            let zh = candidates
                .iter()
                .map(|&(j, m)| format!("{}（合并后 {} 户）", ctx.name(j), int(m)))
                .collect::<Vec<_>>();
            let en = candidates
                .iter()
                .map(|&(j, m)| format!("{} ({} households)", ctx.name(j), int(m)))
                .collect::<Vec<_>>();
            (
                format!("，可与{}合并", zh.join("、")),
                format!("; it could merge with {}", en.join(", ")),
            )
        };
        out.push(
            ctx.finding(
                "scale.too_small",
                "二（一）",
                &[i],
                format!("{name}仅 {} 户，少于 {} 户，宜与相邻社区合并{zh_c}", int(total), int(band.merge_below)),
                format!("{name} has only {} households, fewer than {}: merge it with a neighbour{en_c}", int(total), int(band.merge_below)),
            )
            .detail("households_total", total)
            .detail(
                "merge_candidates",
                json!(candidates
                    .iter()
                    .map(|&(j, m)| json!({"id": ctx.plan.communities[j].id, "merged_total": m, "within_target": m >= band.target_min}))
                    .collect::<Vec<_>>()),
            ),
        );
    } else if total < band.target_min {
        let single = match ctx.compounds_of[i].as_slice() {
            [k] if ctx.households[i].counted >= ctx.profile.scale.single_compound_min => Some(*k),
            _ => None,
        };
        if let Some(k) = single {
            let compound = &ctx.plan.compounds[k];
            out.push(
                ctx.finding(
                    "scale.single_compound",
                    "三（一）",
                    &[i],
                    format!("{name}由单个住宅区{}（{} 户）组成，可试行以住宅区单独设立社区", compound.name, int(total)),
                    format!("{name} is one residential compound, {} ({} households), which may form a community of its own", compound.name, int(total)),
                )
                .features([compound.id.clone()])
                .detail("households_total", total),
            );
        } else {
            out.push(
                ctx.finding(
                    "scale.below_target",
                    "三（一）",
                    &[i],
                    format!(
                        "{name}共 {} 户，低于 {}–{} 户的目标规模",
                        int(total),
                        int(band.target_min),
                        int(band.target_max)
                    ),
                    format!(
                        "{name} has {} households, below the target of {}–{}",
                        int(total),
                        int(band.target_min),
                        int(band.target_max)
                    ),
                )
                .detail("households_total", total),
            );
        }
    }
}

fn neighbours<'c>(ctx: &'c Ctx, i: usize) -> impl Iterator<Item = usize> + 'c {
    ctx.analysis.boundary[i].neighbours.iter().map(|n| n.0)
}

#[cfg(test)]
mod tests {
    use crate::testing::row_plan;
    use crate::{evaluate, Profile};

    fn codes(plan: &crate::Plan) -> Vec<(&'static str, Vec<String>)> {
        evaluate(plan, &Profile::default())
            .findings
            .into_iter()
            .filter(|f| f.code.starts_with("scale."))
            .map(|f| (f.code, f.community_ids))
            .collect()
    }

    #[test]
    fn bands_by_household_count() {
        // (households, expected code) — boundaries of each band included.
        let table: &[(u32, Option<&str>)] = &[
            (0, Some("scale.too_small")),
            (499, Some("scale.too_small")),
            (500, Some("scale.below_target")),
            (1999, Some("scale.below_target")),
            (2000, None),
            (3000, None),
            (3001, Some("scale.too_large")),
            (5000, Some("scale.too_large")),
            (5001, Some("scale.split_required")),
        ];
        for &(hh, want) in table {
            // Two compounds so that the single-compound exemption does not apply.
            let plan = row_plan(&[("A", &[hh / 2, hh - hh / 2])]);
            let got: Vec<_> = codes(&plan).into_iter().map(|c| c.0).collect();
            assert_eq!(got, want.into_iter().collect::<Vec<_>>(), "{hh} households");
        }
    }

    #[test]
    fn split_suggests_parts() {
        let plan = row_plan(&[("A", &[4000, 5000])]);
        let r = evaluate(&plan, &Profile::default());
        let f = r.findings_with_code("scale.split_required").next().unwrap();
        assert_eq!(f.details["suggested_parts"], 3);
        assert!(
            f.message_en.contains("9,000 households"),
            "{}",
            f.message_en
        );
    }

    #[test]
    fn planned_households_count() {
        let mut plan = row_plan(&[("A", &[1800])]);
        plan.compounds[0].planned_households = 1500;
        let r = evaluate(&plan, &Profile::default());
        assert_eq!(r.communities[0].households_total, 3300);
        assert!(r.findings_with_code("scale.too_large").next().is_some());
        let mut p = Profile::default();
        p.scale.count_planned = false;
        let r = evaluate(&plan, &p);
        assert_eq!(r.communities[0].households_total, 1800);
    }

    #[test]
    fn old_town_band_is_smaller() {
        let mut plan = row_plan(&[("A", &[900, 900])]);
        assert_eq!(codes(&plan)[0].0, "scale.below_target");
        plan.communities[0].kind = crate::model::CommunityKind::OldTown;
        assert!(
            codes(&plan).is_empty(),
            "1,800 is within the old-town band 1,500–2,250"
        );
    }

    #[test]
    fn single_compound_of_about_two_thousand_may_stand_alone() {
        let plan = row_plan(&[("A", &[1850])]);
        assert_eq!(codes(&plan)[0].0, "scale.single_compound");
        let plan = row_plan(&[("A", &[1000])]);
        assert_eq!(codes(&plan)[0].0, "scale.below_target");
    }

    #[test]
    fn too_small_lists_neighbours_that_stay_in_band() {
        // A row of three: small | 2,400 | 2,900. Merging with the middle one gives 2,700.
        let plan = row_plan(&[
            ("S", &[150, 150]),
            ("M", &[1200, 1200]),
            ("L", &[1450, 1450]),
        ]);
        let r = evaluate(&plan, &Profile::default());
        let f = r.findings_with_code("scale.too_small").next().unwrap();
        let cands = f.details["merge_candidates"].as_array().unwrap();
        assert_eq!(cands.len(), 1, "only the adjacent community");
        assert_eq!(cands[0]["id"], "M");
        assert_eq!(cands[0]["merged_total"], 2700);
        assert!(
            f.message_zh.contains("可与M（合并后 2,700 户）合并"),
            "{}",
            f.message_zh
        );
    }

    #[test]
    fn too_large_names_similar_neighbours() {
        let plan = row_plan(&[
            ("A", &[2000, 1500]),
            ("B", &[2000, 2000]),
            ("C", &[1000, 1000]),
        ]);
        let r = evaluate(&plan, &Profile::default());
        let a = r
            .findings
            .iter()
            .find(|f| f.code == "scale.too_large" && f.community_ids == ["A"])
            .unwrap();
        assert_eq!(a.details["replan_with"], serde_json::json!(["B"]));
        assert_eq!(a.details["replan_parts"], 3); // 7,500 / 3,000
    }
}
