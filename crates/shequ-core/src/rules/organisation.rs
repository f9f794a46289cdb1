//! Organisation (组织健全): section 三（三）.
//!
//! - `org.committee_size` (in principle, "一般由6-10人组成"): the two
//!   committees (两委) have fewer than `committee_min` or more than
//!   `committee_max` members; when the plan does not say, a question (未填写).
//! - `org.missing_committee` (may, "根据需要设立"): a committee of
//!   `required_committees` is not set up; when the plan does not list the
//!   committees, a question.
//! - `org.understaffed` (may, "可根据实际情况聘用"): fewer full-time workers
//!   than one per `households_per_staff` (a local setting).
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
//! assert_eq!(f.message_zh, "文昌社区“两委”成员 12 人，一般应由 6–10 人组成（《扬州市社区规模优化调整工作方案》三（三））");
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
        None => out.push(ctx.not_recorded(
            "org.committee_size",
            &[i],
            format!(
                "{name}未填写“两委”成员人数，请补充（一般由 {}–{} 人组成）",
                o.committee_min, o.committee_max
            ),
            format!(
                "{name} does not record its committee size; please add it (generally {}–{} members)",
                o.committee_min, o.committee_max
            ),
        )),
        Some(n) if n < o.committee_min || n > o.committee_max => out.push(
            ctx.finding(
                "org.committee_size",
                &[i],
                format!(
                    "{name}“两委”成员 {n} 人，一般应由 {}–{} 人组成",
                    o.committee_min, o.committee_max
                ),
                format!(
                    "{name}'s two committees have {n} {}; generally {}–{}",
                    super::plural(u64::from(n), "member"),
                    o.committee_min, o.committee_max
                ),
            )
            .detail("committee_size", n),
        ),
        Some(_) => {}
    }
    match &c.committees {
        None => out.push(ctx.not_recorded(
            "org.missing_committee",
            &[i],
            format!("{name}未填写已设立的委员会，请补充（根据需要设立人民调解、治安保卫、公共卫生、妇女儿童等委员会）"),
            format!("{name} does not record which committees it has; please add them (mediation, security, public health, women and children committees are set up as needed)"),
        )),
        Some(have) => {
            let missing: Vec<_> = o
                .required_committees
                .iter()
                .copied()
                .filter(|r| !have.contains(r))
                .collect();
            if !missing.is_empty() {
                let zh = missing.iter().map(|m| m.name_zh()).collect::<Vec<_>>().join("、");
                let en = missing.iter().map(|m| m.name_en()).collect::<Vec<_>>().join(", ");
                out.push(
                    ctx.finding(
                        "org.missing_committee",
                        &[i],
                        format!("{name}尚未设立{zh}委员会，可根据需要设立"),
                        format!("{name} has no {en} committee; it may set one up as needed"),
                    )
                    .detail("missing", missing.iter().map(|m| m.as_str()).collect::<Vec<_>>()),
                );
            }
        }
    }
    let s = staffing(ctx, i);
    if let Some(n) = c.full_time_staff {
        if n < s.full_time_staff_recommended {
            let (note_zh, note_en) = ctx.profile.origin_note("organisation.households_per_staff");
            out.push(
                ctx.finding(
                "org.understaffed",
                    &[i],
                    format!(
                        "{name}有专职社区工作者 {n} 人；按每 {} 户 1 人{note_zh}，{} 户宜配备 {} 人",
                        int(u64::from(o.households_per_staff)),
                        int(ctx.households[i].counted),
                        s.full_time_staff_recommended
                    ),
                    format!(
                        "{name} has {n} full-time {}; at one per {} households{note_en}, {} households call for {}",
                        super::plural(u64::from(n), "worker"),
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
        // 三（三）"社区“两委”一般由6-10人组成": in principle; unknown is a question.
        use crate::report::Severity::*;
        for (size, want) in [
            (Some(5), Some(Warning)),
            (Some(6), None),
            (Some(10), None),
            (Some(11), Some(Warning)),
            (None, Some(Info)),
        ] {
            let mut plan = row_plan(&[("A", &[1200, 1200])]);
            plan.communities[0].committee_size = size;
            let r = evaluate(&plan, &Profile::default());
            let got = r
                .findings_with_code("org.committee_size")
                .next()
                .map(|f| f.severity);
            assert_eq!(got, want, "{size:?}");
        }
    }

    #[test]
    fn unrecorded_committees_are_asked_for_not_called_missing() {
        let mut plan = row_plan(&[("A", &[1200, 1200])]);
        plan.communities[0].committees = None;
        let r = evaluate(&plan, &Profile::default());
        let f = r
            .findings_with_code("org.missing_committee")
            .next()
            .unwrap();
        assert!(
            f.message_zh.contains("未填写已设立的委员会"),
            "{}",
            f.message_zh
        );
        assert!(!f.message_zh.contains("未设立"), "{}", f.message_zh);
        assert_eq!(f.details["not_recorded"], true);
    }

    #[test]
    fn missing_committees_are_a_suggestion() {
        // 三（三）"社区居委会根据需要设立人民调解、治安保卫、公共卫生、妇女儿童等委员会": as needed.
        let mut plan = row_plan(&[("A", &[1200, 1200])]);
        plan.communities[0].committees = Some(vec![
            Committee::Mediation,
            Committee::Security,
            Committee::EnvironmentProperty,
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
        assert_eq!(f.severity, crate::report::Severity::Info);
        assert!(
            f.message_zh
                .contains("尚未设立公共卫生、妇女儿童委员会，可根据需要设立"),
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
        let f = r.findings_with_code("org.understaffed").next().unwrap();
        assert!(
            f.message_zh.contains("按每 300 户 1 人（本地设定"),
            "{}",
            f.message_zh
        );
    }
}
