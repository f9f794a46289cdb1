//! Facilities (设施齐全): section 三（四）.
//!
//! - `facility.no_center`: no service centre is named for the community.
//! - `facility.center_outside`: the centre stands outside the community.
//! - `facility.shared_center`: one centre is named by several communities.
//! - `facility.floor_area`: floor area below `floor_area_per_100_households_m2`
//!   per 100 households, or below `min_floor_area_m2`; not stated: a question.
//! - `facility.missing_service`: a required service function is missing; none
//!   recorded: a question.
//!
//! ```
//! use shequ_core::{evaluate, testing::row_plan, Profile};
//!
//! let mut plan = row_plan(&[("文昌社区", &[1200, 1300])]);
//! plan.centers[0].floor_area_m2 = Some(500.0);
//! let report = evaluate(&plan, &Profile::default());
//! let f = report.findings_with_code("facility.floor_area").next().unwrap();
//! assert_eq!(
//!     f.message_zh,
//!     "文昌社区党群服务中心面积 500 平方米；按 2,500 户每百户 30 平方米（依据《中共中央 国务院关于加强和完善城乡社区治理的意见》），应不少于 750 平方米（《扬州市社区规模优化调整工作方案》三（四））"
//! );
//! ```

use std::collections::BTreeMap;

use geo::coordinate_position::CoordPos;
use geo::CoordinatePosition;

use super::{Ctx, FindingExt};
use crate::fmt::{int, real};
use crate::model::ServiceCenter;
use crate::report::Finding;

/// Facility findings of community `i`.
pub fn community(ctx: &Ctx, i: usize, out: &mut Vec<Finding>) {
    let rules = &ctx.profile.facilities;
    let c = &ctx.plan.communities[i];
    let name = ctx.name(i);
    let Some(center) = c
        .service_center
        .as_deref()
        .and_then(|id| ctx.plan.center(id))
    else {
        out.push(ctx.finding(
            "facility.no_center",
            &[i],
            format!("{name}未明确党群服务中心驻地"),
            format!("{name} has no service centre site"),
        ));
        return;
    };
    let cname = if center.name.is_empty() {
        &center.id
    } else {
        &center.name
    };
    if c.geometry.coordinate_position(&center.location.0) == CoordPos::Outside {
        out.push(
            ctx.finding(
                "facility.center_outside",
                &[i],
                format!("{name}的党群服务中心{cname}位于社区辖区之外"),
                format!("{name}'s service centre {cname} lies outside the community"),
            )
            .features([center.id.clone()])
            .geometry(center.location),
        );
    }
    let households = ctx.households[i].counted;
    let required = (rules.floor_area_per_100_households_m2 * households as f64 / 100.0)
        .max(rules.min_floor_area_m2);
    let (note_zh, note_en) = ctx
        .profile
        .origin_note("facilities.floor_area_per_100_households_m2");
    match center.floor_area_m2 {
        None => out.push(
            ctx.not_recorded(
                "facility.floor_area",
                &[i],
                format!("{name}党群服务中心未填写面积，请补充（应不少于 {} 平方米）", real(required)),
                format!("{name}'s service centre does not record its floor area; please add it (at least {} m² needed)", real(required)),
            )
            .features([center.id.clone()])
            .geometry(center.location),
        ),
        Some(area) if area < required => out.push(
            ctx.finding(
                "facility.floor_area",
                &[i],
                format!(
                    "{name}党群服务中心面积 {} 平方米；按 {} 户每百户 {} 平方米{note_zh}，应不少于 {} 平方米",
                    real(area),
                    int(households),
                    real(rules.floor_area_per_100_households_m2),
                    real(required)
                ),
                format!(
                    "{name}'s service centre has {} m²; {} households at {} m² per 100{note_en} call for at least {} m²",
                    real(area),
                    int(households),
                    real(rules.floor_area_per_100_households_m2),
                    real(required)
                ),
            )
            .features([center.id.clone()])
            .geometry(center.location)
            .detail("floor_area_m2", area)
            .detail("required_m2", required),
        ),
        Some(_) => {}
    }
    let Some(have) = &center.services else {
        out.push(
            ctx.not_recorded(
                "facility.missing_service",
                &[i],
                format!("{name}党群服务中心未填写服务功能，请补充"),
                format!("{name}'s service centre does not record its service functions; please add them"),
            )
            .features([center.id.clone()])
            .geometry(center.location),
        );
        return;
    };
    let missing: Vec<_> = rules
        .required_services
        .iter()
        .copied()
        .filter(|s| !have.contains(s))
        .collect();
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
                "facility.missing_service",
                &[i],
                format!("{name}党群服务中心缺少{zh}服务功能"),
                format!("{name}'s service centre lacks {en}"),
            )
            .features([center.id.clone()])
            .geometry(center.location)
            .detail(
                "missing",
                missing.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
            ),
        );
    }
}

/// Service centres named by several communities.
pub fn shared_centers(ctx: &Ctx, out: &mut Vec<Finding>) {
    // Each centre (by id) with the communities naming it.
    let mut users: BTreeMap<&str, (&ServiceCenter, Vec<usize>)> = BTreeMap::new();
    for (i, c) in ctx.plan.communities.iter().enumerate() {
        if let Some(center) = c
            .service_center
            .as_deref()
            .and_then(|id| ctx.plan.center(id))
        {
            users
                .entry(center.id.as_str())
                .or_insert_with(|| (center, Vec::new()))
                .1
                .push(i);
        }
    }
    for (center, communities) in users.into_values() {
        if communities.len() < 2 {
            continue;
        }
        let cname = if center.name.is_empty() {
            &center.id
        } else {
            &center.name
        };
        out.push(
            ctx.finding(
                "facility.shared_center",
                &communities,
                format!(
                    "{cname}同时被{}使用，每个社区应有驻地明确的党群服务中心",
                    ctx.names(&communities, "、")
                ),
                format!(
                    "Service centre {cname} is named by {}; each community needs its own",
                    ctx.names(&communities, ", ")
                ),
            )
            .features([center.id.clone()])
            .geometry(center.location),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Service;
    use crate::testing::row_plan;
    use crate::{evaluate, Profile};
    use geo::Point;

    fn codes(plan: &crate::Plan) -> Vec<&'static str> {
        evaluate(plan, &Profile::default())
            .findings
            .into_iter()
            .map(|f| f.code)
            .filter(|c| c.starts_with("facility."))
            .collect()
    }

    #[test]
    fn fully_equipped_row_is_clean() {
        assert!(codes(&row_plan(&[("A", &[1200, 1200]), ("B", &[1200, 1200])])).is_empty());
    }

    #[test]
    fn no_center_is_an_error() {
        let mut plan = row_plan(&[("A", &[1200, 1200])]);
        plan.communities[0].service_center = None;
        let r = evaluate(&plan, &Profile::default());
        let f = r.findings_with_code("facility.no_center").next().unwrap();
        assert_eq!(f.severity, crate::report::Severity::Error);
    }

    #[test]
    fn center_outside_and_shared() {
        let mut plan = row_plan(&[("A", &[1200, 1200]), ("B", &[1200, 1200])]);
        plan.communities[1].service_center = Some("A-centre".into());
        let c = codes(&plan);
        assert!(c.contains(&"facility.shared_center"), "{c:?}");
        assert!(c.contains(&"facility.center_outside"), "{c:?}");
        plan.centers[0].location = Point::new(119.0, 32.0);
        plan.communities[1].service_center = Some("B-centre".into());
        assert_eq!(codes(&plan), ["facility.center_outside"]);
    }

    #[test]
    fn floor_area_has_a_floor() {
        let mut plan = row_plan(&[("A", &[200, 200])]);
        plan.centers[0].floor_area_m2 = Some(250.0);
        let r = evaluate(&plan, &Profile::default());
        let f = r.findings_with_code("facility.floor_area").next().unwrap();
        assert_eq!(
            f.details["required_m2"], 300.0,
            "400 households need 120 m², but the minimum is 300"
        );
    }

    #[test]
    fn missing_services_are_listed() {
        let mut plan = row_plan(&[("A", &[1200, 1200])]);
        plan.centers[0].services = Some(
            Service::ALL
                .iter()
                .copied()
                .filter(|s| *s != Service::Policing && *s != Service::Health)
                .collect(),
        );
        let r = evaluate(&plan, &Profile::default());
        let f = r
            .findings_with_code("facility.missing_service")
            .next()
            .unwrap();
        assert_eq!(
            f.details["missing"],
            serde_json::json!(["health", "policing"])
        );
        assert!(
            f.message_zh.contains("缺少卫生、警务服务功能"),
            "{}",
            f.message_zh
        );
    }
}
