//! Organisation (组织健全): section 三（三）.
//!
//! - `org.committee_size`: the two committees (两委) have fewer than
//!   `committee_min` or more than `committee_max` members, or the plan does not say.
//! - `org.missing_committee`: a required committee (`required_committees`) is not set up.
//! - `org.understaffed`: fewer full-time workers than one per `households_per_staff`.
//!
//! The recommended staffing itself is in every community's report (`staffing`).
//!
//! ```
//! use shequ_core::{evaluate, testing::row_plan, Profile};
//!
//! let mut plan = row_plan(&[("文昌社区", &[1200, 1200])]);
//! plan.communities[0].committee_size = Some(12);
//! let report = evaluate(&plan, &Profile::default());
//! let f = report.findings_with_code("org.committee_size").next().unwrap();
//! assert_eq!(f.message_zh, "文昌社区“两委”成员 12 人，一般应为 6–10 人（方案三（三））");
//! ```

use super::{Ctx, FindingExt};
use crate::fmt::int;
use crate::report::{Finding, Staffing};

/// Recommended staffing of community `i` under the profile's ratios.
pub fn staffing(ctx: &Ctx, i: usize) -> Staffing {
    let o = &ctx.profile.organisation;
    let c = &ctx.plan.communities[i];
    let per = u64::from(o.households_per_staff.max(1));
    Staffing {
        committee_min: o.committee_min,
        committee_max: o.committee_max,
        committee_size: c.committee_size,
        full_time_staff: c.full_time_staff,
        full_time_staff_recommended: u32::try_from(ctx.households[i].counted.div_ceil(per))
            .unwrap_or(u32::MAX),
        grid_workers_recommended: u32::try_from(ctx.grids_of[i].len())
            .unwrap_or(u32::MAX)
            .saturating_mul(o.grid_workers_per_cell),
    }
}

/// Organisation findings of community `i`.
pub fn community(ctx: &Ctx, i: usize, out: &mut Vec<Finding>) {
    let o = &ctx.profile.organisation;
    let c = &ctx.plan.communities[i];
    let name = ctx.name(i);
    match c.committee_size {
        None => out.push(ctx.finding(
            "org.committee_size",
            "三（三）",
            &[i],
            format!(
                "{name}未填写“两委”成员人数（一般应为 {}–{} 人）",
                o.committee_min, o.committee_max
            ),
            format!(
                "{name} does not state its committee size (normally {}–{} members)",
                o.committee_min, o.committee_max
            ),
        )),
        Some(n) if n < o.committee_min || n > o.committee_max => out.push(
            ctx.finding(
                "org.committee_size",
                "三（三）",
                &[i],
                format!(
                    "{name}“两委”成员 {n} 人，一般应为 {}–{} 人",
                    o.committee_min, o.committee_max
                ),
                format!(
                    "{name}'s two committees have {n} members; normally {}–{}",
                    o.committee_min, o.committee_max
                ),
            )
            .detail("committee_size", n),
        ),
        Some(_) => {}
    }
    let missing: Vec<_> = match &c.committees {
        None => o.required_committees.clone(),
        Some(have) => o
            .required_committees
            .iter()
            .copied()
            .filter(|r| !have.contains(r))
            .collect(),
    };
    if !missing.is_empty() {
        let zh = missing
            .iter()
            .map(|m| m.name_zh())
            .collect::<Vec<_>>()
            .join("、");
        let en = missing
            .iter()
            .map(|m| m.name_en())
            .collect::<Vec<_>>()
            .join(", ");
        out.push(
            ctx.finding(
                "org.missing_committee",
                "三（三）",
                &[i],
                format!("{name}未设立{zh}委员会"),
                format!("{name} has no {en} committee"),
            )
            .detail(
                "missing",
                missing.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
            ),
        );
    }
    let s = staffing(ctx, i);
    if let Some(n) = c.full_time_staff {
        if n < s.full_time_staff_recommended {
            out.push(
                ctx.finding(
                    "org.understaffed",
                    "三（三）",
                    &[i],
                    format!(
                        "{name}有专职社区工作者 {n} 人；按每 {} 户 1 人，{} 户宜配备 {} 人",
                        int(u64::from(o.households_per_staff)),
                        int(ctx.households[i].counted),
                        s.full_time_staff_recommended
                    ),
                    format!(
                        "{name} has {n} full-time workers; at one per {} households, {} households call for {}",
                        int(u64::from(o.households_per_staff)),
                        int(ctx.households[i].counted),
                        s.full_time_staff_recommended
                    ),
                )
                .detail("recommended", s.full_time_staff_recommended),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Committee;
    use crate::testing::row_plan;
    use crate::{evaluate, Profile};

    #[test]
    fn committee_size_band_is_inclusive() {
        for (size, fires) in [
            (Some(5), true),
            (Some(6), false),
            (Some(10), false),
            (Some(11), true),
            (None, true),
        ] {
            let mut plan = row_plan(&[("A", &[1200, 1200])]);
            plan.communities[0].committee_size = size;
            let r = evaluate(&plan, &Profile::default());
            assert_eq!(
                r.findings_with_code("org.committee_size").count(),
                usize::from(fires),
                "{size:?}"
            );
        }
    }

    #[test]
    fn missing_committees_are_listed() {
        let mut plan = row_plan(&[("A", &[1200, 1200])]);
        plan.communities[0].committees = Some(vec![
            Committee::Mediation,
            Committee::Security,
            Committee::Property,
        ]);
        let r = evaluate(&plan, &Profile::default());
        let f = r
            .findings_with_code("org.missing_committee")
            .next()
            .unwrap();
        assert_eq!(
            f.details["missing"],
            serde_json::json!(["public_health", "women_children"])
        );
        assert!(
            f.message_zh.contains("未设立公共卫生、妇女儿童委员会"),
            "{}",
            f.message_zh
        );
    }

    #[test]
    fn staffing_is_recommended_from_ratios() {
        let mut plan = row_plan(&[("A", &[1200, 1301])]);
        plan.communities[0].full_time_staff = Some(5);
        let r = evaluate(&plan, &Profile::default());
        let s = &r.communities[0].staffing;
        assert_eq!(s.full_time_staff_recommended, 9); // ceil(2,501 / 300)
        assert_eq!(s.grid_workers_recommended, 1);
        assert!(r.findings_with_code("org.understaffed").next().is_some());
    }
}
