//! Scale (规模适度): households per community, sections 二（一） and 三（一）.
//!
//! Households are counted by compound (existing plus planned, when the profile
//! says so). The words of the plan decide both the thresholds and their
//! strength; counting words as the Civil Code (art. 1259) reads them, 以上
//! includes its number and 大于 / 小于 do not.
//!
//! | households (yangzhou-2022) | code | the plan | strength |
//! |---|---|---|---|
//! | more than `adjust_above` (3,000) | `scale.too_large` | 二（一）"大于3000户，治理服务负荷过重且条件成熟的社区，原则上要进行拆分"; 三（一） up to 5,000 "可对规模相近、地域相邻的多个社区进行统筹规划" | in principle |
//! | `split_from` (5,000) or more | `scale.split_required`, with a number of parts | 三（一）"5000户以上的社区，可以将其拆分为多个规模适度的社区" | may |
//! | fewer than `merge_below` (500) | `scale.too_small`, with merge candidates | 二（一）"小于500户且有条件与周边邻近社区归并的，原则上要进行合并" | in principle |
//! | `merge_below` up to the kind's `target_min` (2,000; old town 1,500) | `scale.below_target` | 三（一）"原则上按2000-3000户设立" | in principle |
//! | one compound of ≥ `single_compound_min` forms it | `scale.single_compound` instead of `below_target` | 三（一）"可以试行以住宅区单独设立社区" | may |
//! | planned homes bring it within `margin_share` of its upper bound | `scale.no_margin` | 三（一）"充分留有余量" | may |
//! | declared old-town (apartment) but mostly compounds with (without) property management | `scale.kind_claim` | 三（一） the kinds as the plan defines them | in principle |
//!
//! The kinds move one bound each: old-town communities "可以适当缩小" (their
//! own `target_min`), apartment communities "可以适当提高户数规模" (their own
//! `target_max`); the 500, 3,000 and 5,000 of the conditions stay as written.
//!
//! ```
//! use shequ_core::{evaluate, testing::row_plan, Profile};
//!
//! // One community with one 5,230-household compound.
//! let plan = row_plan(&[("文昌社区", &[5230])]);
//! let report = evaluate(&plan, &Profile::default());
//! let f = report.findings_with_code("scale.split_required").next().unwrap();
//! assert_eq!(
//!     f.message_zh,
//!     "文昌社区共 5,230 户，在 5,000 户以上，可以拆分为 2 个规模适度的社区（《扬州市社区规模优化调整工作方案》三（一））"
//! );
//! ```

use serde_json::json;

use super::{Ctx, FindingExt};
use crate::fmt::{int, pct};
use crate::model::CommunityKind;
use crate::report::Finding;

/// Scale findings of community `i`.
pub fn community(ctx: &Ctx, i: usize, out: &mut Vec<Finding>) {
    let kind = ctx.plan.communities[i].kind;
    let band = ctx.profile.band(kind);
    let total = ctx.households[i].counted;
    let name = ctx.name(i);
    let (count_zh, count_en) = ctx.households_phrase(i);
    if total > band.adjust_above {
        out.push(too_large(ctx, i, &count_zh, &count_en));
    }
    if total >= band.split_from {
        let parts = total.div_ceil(band.target_max.max(1)).max(2);
        out.push(
            ctx.finding(
                "scale.split_required",
                &[i],
                format!(
                    "{name}{count_zh}，在 {} 户以上，可以拆分为 {parts} 个规模适度的社区",
                    int(band.split_from)
                ),
                format!(
                    "{name} has {count_en}, {} or more: it may be split into {parts} communities of suitable size",
                    int(band.split_from)
                ),
            )
            .detail("households_total", total)
            .detail("suggested_parts", parts),
        );
    }
    if total < band.merge_below {
        out.push(too_small(ctx, i, &count_zh, &count_en));
    } else if total < band.target_min {
        let single = match ctx.compounds_of[i].as_slice() {
            [k] if total >= ctx.profile.scale.single_compound_min => Some(*k),
            _ => None,
        };
        if let Some(k) = single {
            let compound = &ctx.plan.compounds[k];
            out.push(
                ctx.finding(
                    "scale.single_compound",
                    &[i],
                    format!("{name}由单个住宅区{}（{}）组成，可以试行以住宅区单独设立社区", compound.name, count_zh.trim_start_matches('共').trim()),
                    format!("{name} is one residential compound, {} ({count_en}), which may be tried as a community of its own", compound.name),
                )
                .features([compound.id.clone()])
                .detail("households_total", total),
            );
        } else {
            let (kind_zh, kind_en) = if kind == CommunityKind::OldTown {
                let (o_zh, o_en) = ctx.profile.origin_note("scale.old_town.target_min");
                (
                    format!(
                        "；老城区社区户数可以适当缩小，下限取 {} 户{o_zh}",
                        int(band.target_min)
                    ),
                    format!(
                        "; old-town communities may be smaller, down to {}{o_en}",
                        int(band.target_min)
                    ),
                )
            } else {
                (String::new(), String::new())
            };
            out.push(
                ctx.finding(
                    "scale.below_target",
                    &[i],
                    format!(
                        "{name}{count_zh}，少于原则上 {}–{} 户的设立规模{kind_zh}",
                        int(ctx.profile.scale.target_min),
                        int(ctx.profile.scale.target_max),
                    ),
                    format!(
                        "{name} has {count_en}, fewer than the {}–{} a community is in principle set up with{kind_en}",
                        int(ctx.profile.scale.target_min),
                        int(ctx.profile.scale.target_max),
                    ),
                )
                .detail("households_total", total)
                .detail("target_min", band.target_min),
            );
        }
    }
    no_margin(ctx, i, out);
    kind_claim(ctx, i, out);
}

/// 二（一）: more than 3,000 → in principle split, where the load is too heavy
/// and conditions are ripe; up to 5,000, 三（一） also allows re-planning with
/// neighbours of similar size.
fn too_large(ctx: &Ctx, i: usize, count_zh: &str, count_en: &str) -> Finding {
    let kind = ctx.plan.communities[i].kind;
    let band = ctx.profile.band(kind);
    let total = ctx.households[i].counted;
    let name = ctx.name(i);
    let share = ctx.profile.scale.similar_share;
    let similar: Vec<usize> = if total <= band.split_from {
        neighbours(ctx, i)
            .filter(|&j| {
                let h = ctx.households[j].counted;
                h > band.adjust_above || h.abs_diff(total) as f64 <= share * total as f64
            })
            .collect()
    } else {
        Vec::new()
    };
    let (zh_with, en_with, parts) = if similar.is_empty() {
        (String::new(), String::new(), None)
    } else {
        let sum = total
            + similar
                .iter()
                .map(|&j| ctx.households[j].counted)
                .sum::<u64>();
        let parts = sum.div_ceil(band.target_max.max(1));
        let (o_zh, o_en) = ctx.profile.origin_note("scale.similar_share");
        (
            format!(
                "；也可与规模相近（相差不超过 {}{o_zh}）、地域相邻的{}（合计 {} 户）统筹规划，重新划分为 {parts} 个社区",
                pct(share),
                ctx.names(&similar, "、"),
                int(sum)
            ),
            format!(
                "; it may also be re-planned with the neighbouring communities of similar size (within {}{o_en}) {} ({} households together) into {parts} communities",
                pct(share),
                ctx.names(&similar, ", "),
                int(sum)
            ),
            Some(parts),
        )
    };
    let (kind_zh, kind_en) = if kind == CommunityKind::Apartment && total <= band.target_max {
        let (o_zh, o_en) = ctx.profile.origin_note("scale.apartment.target_max");
        (
            format!(
                "；以独立楼盘、公寓等为主体的社区可以适当提高户数规模（上限取 {} 户{o_zh}），如不拆分请说明理由",
                int(band.target_max)
            ),
            format!(
                "; apartment communities may be larger (up to {}{o_en}): if it stays whole, state the reason",
                int(band.target_max)
            ),
        )
    } else {
        (String::new(), String::new())
    };
    let ids: Vec<&str> = similar
        .iter()
        .map(|&j| ctx.plan.communities[j].id.as_str())
        .collect();
    ctx.finding(
        "scale.too_large",
        &[i],
        format!(
            "{name}{count_zh}，大于 {} 户；治理服务负荷过重且条件成熟的，原则上要进行拆分{kind_zh}{zh_with}",
            int(band.adjust_above)
        ),
        format!(
            "{name} has {count_en}, more than {}: where the governance and service load is too heavy and conditions are ripe, it is in principle to be split{kind_en}{en_with}",
            int(band.adjust_above)
        ),
    )
    .detail("households_total", total)
    .detail("replan_with", json!(ids))
    .detail("replan_parts", json!(parts))
}

/// 二（一）: fewer than 500 and a neighbour to merge with → in principle merged.
fn too_small(ctx: &Ctx, i: usize, count_zh: &str, count_en: &str) -> Finding {
    let band = ctx.profile.band(ctx.plan.communities[i].kind);
    let total = ctx.households[i].counted;
    let name = ctx.name(i);
    let mut candidates: Vec<(usize, u64)> = neighbours(ctx, i)
        .map(|j| (j, total + ctx.households[j].counted))
        .filter(|&(j, merged)| merged <= ctx.profile.band(ctx.plan.communities[j].kind).target_max)
        .collect();
    let mid = (band.target_min + band.target_max) / 2;
    crate::order::sort_by_key(&mut candidates, |&(j, merged)| {
        (merged.abs_diff(mid), j as u64)
    });
    let (zh_c, en_c) = if candidates.is_empty() {
        (
            format!(
                "；相邻社区中没有合并后不超过 {} 户的，暂不具备归并条件",
                int(band.target_max)
            ),
            format!(
                "; no neighbour stays within {} households after merging, so it cannot be merged yet",
                int(band.target_max)
            ),
        )
    } else {
        let zh: Vec<String> = candidates
            .iter()
            .map(|&(j, m)| format!("{}（合并后 {} 户）", ctx.name(j), int(m)))
            .collect();
        let en: Vec<String> = candidates
            .iter()
            .map(|&(j, m)| format!("{} ({} households)", ctx.name(j), int(m)))
            .collect();
        (
            format!("，可与{}合并", zh.join("、")),
            format!("; it could merge with {}", en.join(", ")),
        )
    };
    ctx.finding(
        "scale.too_small",
        &[i],
        format!(
            "{name}{count_zh}，小于 {} 户；有条件与周边邻近社区归并的，原则上要进行合并{zh_c}",
            int(band.merge_below)
        ),
        format!(
            "{name} has {count_en}, fewer than {}: where it can be joined with a neighbour, it is in principle to be merged{en_c}",
            int(band.merge_below)
        ),
    )
    .detail("households_total", total)
    .detail(
        "merge_candidates",
        json!(candidates
            .iter()
            .map(|&(j, m)| json!({"id": ctx.plan.communities[j].id, "merged_total": m, "within_target": m >= band.target_min}))
            .collect::<Vec<_>>()),
    )
}

/// 三（一）"充分留有余量": planned homes bring the community close to its upper bound.
fn no_margin(ctx: &Ctx, i: usize, out: &mut Vec<Finding>) {
    let band = ctx.profile.band(ctx.plan.communities[i].kind);
    let h = ctx.households[i];
    let share = ctx.profile.scale.margin_share;
    let near = band.target_max as f64 * (1.0 - share);
    if !(h.planned > 0
        && h.counted > h.existing
        && h.counted as f64 > near
        && h.counted <= band.target_max)
    {
        return;
    }
    let name = ctx.name(i);
    let (count_zh, count_en) = ctx.households_phrase(i);
    let (o_zh, o_en) = ctx.profile.origin_note("scale.margin_share");
    out.push(
        ctx.finding(
            "scale.no_margin",
            &[i],
            format!(
                "{name}{count_zh}，距 {} 户的上限不足 {}{o_zh}；规划新建和在建小区入住后宜充分留有余量",
                int(band.target_max),
                pct(share)
            ),
            format!(
                "{name} has {count_en}, within {}{o_en} of the upper bound of {}: leave ample margin for the planned homes",
                pct(share),
                int(band.target_max)
            ),
        )
        .detail("households_total", h.counted)
        .detail("planned_households", h.planned),
    );
}

/// A declared kind the compounds contradict: the plan defines old-town
/// communities as "以老旧小区、平房为主，无物业服务企业、老年居民较多" and
/// apartment communities as "以独立楼盘、公寓等为主体".
fn kind_claim(ctx: &Ctx, i: usize, out: &mut Vec<Finding>) {
    let kind = ctx.plan.communities[i].kind;
    if kind == CommunityKind::Standard {
        return;
    }
    let (mut with, mut known) = (0u64, 0u64);
    for &k in &ctx.compounds_of[i] {
        let c = &ctx.plan.compounds[k];
        if let Some(pm) = c.property_management {
            let n = c.households_total();
            known += n;
            if pm {
                with += n;
            }
        }
    }
    if known == 0 {
        return;
    }
    let name = ctx.name(i);
    let (share, zh, en) = match kind {
        CommunityKind::OldTown if with * 2 > known => (
            with as f64 / known as f64,
            "申报为老城区社区，但 {p} 的户数所在小区有物业服务企业；方案所指老城区社区“以老旧小区、平房为主，无物业服务企业、老年居民较多”，户数方可适当缩小",
            "is declared an old-town community, but {p} of its households live in compounds with property management; the plan's old-town communities are \"mostly old compounds and bungalows, without property management, with many elderly residents\", and only they may be smaller",
        ),
        CommunityKind::Apartment if (known - with) * 2 > known => (
            (known - with) as f64 / known as f64,
            "申报为公寓型社区，但 {p} 的户数所在小区无物业服务企业；方案所指为“以独立楼盘、公寓等为主体的社区”，户数规模方可适当提高",
            "is declared an apartment community, but {p} of its households live in compounds without property management; the plan means communities \"mostly of self-contained developments and apartments\", and only they may be larger",
        ),
        _ => return,
    };
    out.push(
        ctx.finding(
            "scale.kind_claim",
            &[i],
            format!("{name}{}", zh.replace("{p}", &pct(share))),
            format!("{name} {}", en.replace("{p}", &pct(share))),
        )
        .detail("kind", kind.as_str())
        .detail("share", share),
    );
}

fn neighbours<'c>(ctx: &'c Ctx, i: usize) -> impl Iterator<Item = usize> + 'c {
    ctx.analysis.boundary[i].neighbours.iter().map(|n| n.0)
}

#[cfg(test)]
mod tests {
    use crate::model::CommunityKind::{self, *};
    use crate::report::Severity::{self, *};
    use crate::testing::row_plan;
    use crate::{evaluate, Profile};

    /// Scale findings of a lone community of `households` (in two compounds, so
    /// that the single-compound option does not apply) of `kind`, as (code, severity).
    fn scale_of(
        households: u32,
        kind: CommunityKind,
        profile: &Profile,
    ) -> Vec<(&'static str, Severity)> {
        let mut plan = row_plan(&[("A", &[households / 2, households - households / 2])]);
        plan.communities[0].kind = kind;
        // Management unknown: the declared kind is taken as it stands.
        for c in &mut plan.compounds {
            c.property_management = None;
        }
        evaluate(&plan, profile)
            .findings
            .into_iter()
            .filter(|f| f.code.starts_with("scale."))
            .map(|f| (f.code, f.severity))
            .collect()
    }

    /// One case per sentence of sections 二（一） and 三（一）, at each boundary.
    #[test]
    fn the_plans_sentences_at_their_boundaries() {
        const SMALL: (&str, Severity) = ("scale.too_small", Warning);
        const BELOW: (&str, Severity) = ("scale.below_target", Warning);
        const LARGE: (&str, Severity) = ("scale.too_large", Warning);
        const SPLIT: (&str, Severity) = ("scale.split_required", Info);
        let p = Profile::default();
        #[rustfmt::skip]
        type Case = (&'static str, u32, CommunityKind, &'static [(&'static str, Severity)]);
        let table: &[Case] = &[
            // 二（一）"户数小于500户且有条件与周边邻近社区归并的，原则上要进行合并": 小于 excludes 500.
            ("小于500户", 499, Standard, &[SMALL]),
            ("小于500户", 500, Standard, &[BELOW]),
            ("小于500户", 501, Standard, &[BELOW]),
            // 三（一）"原则上按2000-3000户设立": in principle, both ends included.
            ("原则上按2000-3000户设立", 1999, Standard, &[BELOW]),
            ("原则上按2000-3000户设立", 2000, Standard, &[]),
            ("原则上按2000-3000户设立", 2999, Standard, &[]),
            // 二（一）"辖区户数大于3000户…原则上要进行拆分": 大于 excludes 3,000.
            ("大于3000户", 3000, Standard, &[]),
            ("大于3000户", 3001, Standard, &[LARGE]),
            // 三（一）"5000户以上的社区，可以将其拆分": 以上 includes 5,000; 可以 is an option.
            ("5000户以上", 4999, Standard, &[LARGE]),
            ("5000户以上", 5000, Standard, &[LARGE, SPLIT]),
            ("5000户以上", 5001, Standard, &[LARGE, SPLIT]),
            ("5000户以上", 6500, Standard, &[LARGE, SPLIT]),
            // 三（一）"老城区社区，社区户数可以适当缩小": only the lower bound of the target moves.
            ("老城区可以适当缩小", 499, OldTown, &[SMALL]),
            ("老城区可以适当缩小", 1499, OldTown, &[BELOW]),
            ("老城区可以适当缩小", 1500, OldTown, &[]),
            ("老城区可以适当缩小", 2400, OldTown, &[]),
            ("老城区可以适当缩小", 3001, OldTown, &[LARGE]),
            ("老城区可以适当缩小", 4000, OldTown, &[LARGE]),
            ("老城区可以适当缩小", 5000, OldTown, &[LARGE, SPLIT]),
            // 三（一）"以独立楼盘、公寓等为主体的社区，可以适当提高户数规模": only the upper bound moves;
            // 二（一）'s 3,000 and 500 stay as written.
            ("公寓可以适当提高户数规模", 499, Apartment, &[SMALL]),
            ("公寓可以适当提高户数规模", 600, Apartment, &[BELOW]),
            ("公寓可以适当提高户数规模", 1999, Apartment, &[BELOW]),
            ("公寓可以适当提高户数规模", 3001, Apartment, &[LARGE]),
            ("公寓可以适当提高户数规模", 5000, Apartment, &[LARGE, SPLIT]),
        ];
        for &(sentence, households, kind, want) in table {
            assert_eq!(
                scale_of(households, kind, &p),
                want,
                "{sentence}: {households} households, {kind:?}"
            );
        }
    }

    #[test]
    fn above_three_thousand_states_the_plans_conditions_not_an_order() {
        let r = evaluate(&row_plan(&[("A", &[2000, 2000])]), &Profile::default());
        let f = r.findings_with_code("scale.too_large").next().unwrap();
        assert_eq!(
            f.message_zh,
            "A共 4,000 户，大于 3,000 户；治理服务负荷过重且条件成熟的，原则上要进行拆分（《扬州市社区规模优化调整工作方案》二（一））"
        );
        assert!(f.message_en.contains("more than 3,000: where the governance and service load is too heavy and conditions are ripe"), "{}", f.message_en);
    }

    #[test]
    fn split_suggests_parts() {
        // 6,500 → 3 parts of at most 3,000; 5,000 → 2.
        for (hh, parts) in [([3000, 3500], 3), ([2500, 2500], 2), ([4000, 5000], 3)] {
            let r = evaluate(&row_plan(&[("A", &hh)]), &Profile::default());
            let f = r.findings_with_code("scale.split_required").next().unwrap();
            assert_eq!(f.details["suggested_parts"], parts, "{hh:?}");
            assert_eq!(f.strength, crate::report::Strength::May);
        }
    }

    #[test]
    fn existing_and_planned_homes_are_named_apart() {
        // 三（一）"规划新建和在建小区的，要考虑将其计入入住户数".
        let mut plan = row_plan(&[("A", &[1800])]);
        plan.compounds[0].planned_households = 1500;
        let r = evaluate(&plan, &Profile::default());
        assert_eq!(r.communities[0].households_total, 3300);
        let f = r.findings_with_code("scale.too_large").next().unwrap();
        assert!(
            f.message_zh
                .starts_with("A共 3,300 户（现有 1,800 户、规划在建 1,500 户），大于 3,000 户"),
            "{}",
            f.message_zh
        );
        assert!(
            f.message_en
                .contains("3,300 households (1,800 existing, 1,500 planned or under construction)"),
            "{}",
            f.message_en
        );
        let mut p = Profile::default();
        p.scale.count_planned = false;
        let r = evaluate(&plan, &p);
        assert_eq!(r.communities[0].households_total, 1800);
    }

    #[test]
    fn planned_homes_close_to_the_bound_ask_for_margin() {
        // 三（一）"充分留有余量": 2,500 existing + 300 planned = 2,800, within 10 % of 3,000.
        let mut plan = row_plan(&[("A", &[1250, 1250])]);
        plan.compounds[0].planned_households = 300;
        let r = evaluate(&plan, &Profile::default());
        let f = r.findings_with_code("scale.no_margin").next().unwrap();
        assert_eq!(f.severity, Info);
        assert!(
            f.message_zh.contains("本地设定"),
            "the 10 % is local: {}",
            f.message_zh
        );
        // Without planned homes the same count needs no margin note.
        let plan = row_plan(&[("A", &[1400, 1400])]);
        assert!(evaluate(&plan, &Profile::default())
            .findings_with_code("scale.no_margin")
            .next()
            .is_none());
    }

    #[test]
    fn a_declared_kind_is_checked_against_the_compounds() {
        // 三（一）: old-town communities are "无物业服务企业"; most of these households have it.
        let mut plan = row_plan(&[("A", &[1000, 800])]);
        plan.communities[0].kind = OldTown;
        plan.compounds[0].property_management = Some(true);
        plan.compounds[1].property_management = Some(false);
        let r = evaluate(&plan, &Profile::default());
        let f = r.findings_with_code("scale.kind_claim").next().unwrap();
        assert!(
            f.message_zh.contains("56% 的户数所在小区有物业服务企业"),
            "{}",
            f.message_zh
        );
        plan.compounds[0].property_management = Some(false);
        let r = evaluate(&plan, &Profile::default());
        assert!(r.findings_with_code("scale.kind_claim").next().is_none());
        // Unknown management says nothing either way.
        plan.compounds[0].property_management = None;
        plan.compounds[1].property_management = None;
        plan.communities[0].kind = Apartment;
        assert!(evaluate(&plan, &Profile::default())
            .findings_with_code("scale.kind_claim")
            .next()
            .is_none());
    }

    #[test]
    fn old_town_below_its_own_bound_says_where_the_bound_comes_from() {
        let mut plan = row_plan(&[("A", &[700, 700])]);
        plan.communities[0].kind = OldTown;
        let r = evaluate(&plan, &Profile::default());
        let f = r.findings_with_code("scale.below_target").next().unwrap();
        assert!(f.message_zh.contains("少于原则上 2,000–3,000 户的设立规模；老城区社区户数可以适当缩小，下限取 1,500 户（本地设定"), "{}", f.message_zh);
    }

    #[test]
    fn single_compound_of_about_two_thousand_may_stand_alone() {
        // 三（一）"辖区内有2000户左右大型住宅区的，可以试行以住宅区单独设立社区".
        let plan = row_plan(&[("A", &[1850])]);
        let r = evaluate(&plan, &Profile::default());
        let codes: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.code.starts_with("scale."))
            .map(|f| (f.code, f.severity))
            .collect();
        assert_eq!(codes, [("scale.single_compound", Info)]);
        let plan = row_plan(&[("A", &[1000])]);
        assert_eq!(
            evaluate(&plan, &Profile::default())
                .findings_with_code("scale.below_target")
                .count(),
            1
        );
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
    fn too_large_names_neighbours_of_similar_size() {
        // 三（一）"现有规模在3000到5000户的社区，可对规模相近、地域相邻的多个社区进行统筹规划":
        // B (4,000) is oversized too; C (2,800) is within 25 % of A's 3,500; D (1,000) is neither.
        let plan = row_plan(&[
            ("B", &[2000, 2000]),
            ("A", &[2000, 1500]),
            ("C", &[1400, 1400]),
            ("D", &[500, 500]),
        ]);
        let r = evaluate(&plan, &Profile::default());
        let a = r
            .findings
            .iter()
            .find(|f| f.code == "scale.too_large" && f.community_ids == ["A"])
            .unwrap();
        assert_eq!(a.details["replan_with"], serde_json::json!(["B", "C"]));
        assert_eq!(a.details["replan_parts"], 4); // 10,300 / 3,000
        let c = r
            .findings
            .iter()
            .find(|f| f.code == "scale.too_large" && f.community_ids == ["B"])
            .unwrap();
        assert_eq!(
            c.details["replan_with"],
            serde_json::json!(["A"]),
            "C (2,800) is not within 25 % of 4,000"
        );
    }
}
