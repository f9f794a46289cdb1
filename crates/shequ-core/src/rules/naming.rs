//! The plan as a whole: names (四（二）) and coverage (二（三）).
//!
//! - `plan.unnamed`: a community without a name.
//! - `plan.duplicate_name`: several communities with the same name.
//! - `plan.name_format`: a name without the profile's suffix (社区) or longer than `max_chars`.
//! - `plan.unassigned`: a compound or grid cell in no community.
//!
//! ```
//! use shequ_core::{evaluate, testing::row_plan, Profile};
//!
//! let mut plan = row_plan(&[("文昌社区", &[1200, 1200]), ("文昌社区 ", &[1200, 1200])]);
//! plan.communities[1].id = "B".into();
//! let report = evaluate(&plan, &Profile::default());
//! let f = report.findings_with_code("plan.duplicate_name").next().unwrap();
//! assert_eq!(f.community_ids, ["文昌社区", "B"]);
//! ```

use std::collections::BTreeMap;

use super::{Ctx, FindingExt};
use crate::fmt::int;
use crate::model::CompoundShape;
use crate::report::Finding;

/// `plan.unnamed` for community `i`.
pub fn community(ctx: &Ctx, i: usize, out: &mut Vec<Finding>) {
    let c = &ctx.plan.communities[i];
    if c.name.trim().is_empty() {
        out.push(ctx.finding(
            "plan.unnamed",
            &[i],
            format!("社区 {} 尚未命名，方案须明确新设立社区名称", c.id),
            format!(
                "Community {} has no name; the plan must name every community",
                c.id
            ),
        ));
        return;
    }
    let rules = &ctx.profile.naming;
    let name = c.name.trim();
    let chars = name.chars().count();
    let mut problems_zh = Vec::new();
    let mut problems_en = Vec::new();
    if !rules.suffix.is_empty() && !name.ends_with(rules.suffix.as_str()) {
        problems_zh.push(format!("未以“{}”结尾", rules.suffix));
        problems_en.push(format!("does not end with “{}”", rules.suffix));
    }
    if chars > rules.max_chars {
        problems_zh.push(format!("共 {chars} 个字，超过 {} 个字", rules.max_chars));
        problems_en.push(format!(
            "has {chars} characters, more than {}",
            rules.max_chars
        ));
    }
    if !problems_zh.is_empty() {
        let (note_zh, note_en) = ctx.profile.origin_note("naming.suffix");
        out.push(
            ctx.finding(
                "plan.name_format",
                &[i],
                format!(
                    "社区名称“{name}”{}{note_zh}，应符合地名管理规定",
                    problems_zh.join("，")
                ),
                format!(
                    "The name “{name}” {}{note_en}; names follow the place-name regulations",
                    problems_en.join(" and ")
                ),
            )
            .detail("chars", chars),
        );
    }
}

/// `plan.duplicate_name` across the plan.
pub fn duplicates(ctx: &Ctx, out: &mut Vec<Finding>) {
    let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, c) in ctx.plan.communities.iter().enumerate() {
        let name = c.name.trim();
        if !name.is_empty() {
            by_name.entry(name).or_default().push(i);
        }
    }
    for (name, ids) in by_name {
        if ids.len() > 1 {
            let list = ids
                .iter()
                .map(|&i| ctx.plan.communities[i].id.as_str())
                .collect::<Vec<_>>();
            out.push(ctx.finding(
                "plan.duplicate_name",
                &ids,
                format!(
                    "{} 个社区同名“{name}”（编号 {}），社区名称不得重复",
                    ids.len(),
                    list.join("、")
                ),
                format!(
                    "{} communities are named “{name}” (ids {}); names must be unique",
                    ids.len(),
                    list.join(", ")
                ),
            ));
        }
    }
}

/// `plan.unassigned` for compound `k`.
pub fn compound(ctx: &Ctx, k: usize, out: &mut Vec<Finding>) {
    if ctx.analysis.compound_owner(k).is_some() {
        return;
    }
    let compound = &ctx.plan.compounds[k];
    let label = if compound.name.is_empty() {
        &compound.id
    } else {
        &compound.name
    };
    let g: geo::Geometry = match &compound.shape {
        CompoundShape::Area(mp) => mp.clone().into(),
        CompoundShape::Point(p) => (*p).into(),
    };
    out.push(
        ctx.finding(
            "plan.unassigned",
            &[],
            format!(
                "住宅区{label}（{} 户）未纳入任何社区",
                int(compound.households_total())
            ),
            format!(
                "Compound {label} ({} households) is in no community",
                int(compound.households_total())
            ),
        )
        .features([compound.id.clone()])
        .geometry(g)
        .detail("layer", "compound"),
    );
}

/// `plan.unassigned` for grid cell `k`.
pub fn grid(ctx: &Ctx, k: usize, out: &mut Vec<Finding>) {
    if ctx.analysis.grid_owner(k).is_some() {
        return;
    }
    let cell = &ctx.plan.grids[k];
    let label = cell.code.as_deref().unwrap_or(&cell.id);
    out.push(
        ctx.finding(
            "plan.unassigned",
            &[],
            format!("网格 {label} 未纳入任何社区"),
            format!("Grid cell {label} is in no community"),
        )
        .features([cell.id.clone()])
        .geometry(cell.geometry.clone())
        .detail("layer", "grid"),
    );
}

#[cfg(test)]
mod tests {
    use crate::testing::{compound_mut, row_plan};
    use crate::{evaluate, Profile};

    #[test]
    fn unnamed_community() {
        let mut plan = row_plan(&[("A", &[1200, 1200])]);
        plan.communities[0].name = "  ".into();
        let r = evaluate(&plan, &Profile::default());
        assert_eq!(r.findings_with_code("plan.unnamed").count(), 1);
    }

    #[test]
    fn names_need_the_suffix_and_a_reasonable_length() {
        let plan = row_plan(&[
            ("文昌社区", &[1200, 1300]),
            ("文昌", &[1200, 1300]),
            ("扬州市广陵区文昌街道文昌社区", &[1200, 1300]),
        ]);
        let r = evaluate(&plan, &Profile::default());
        let f: Vec<_> = r.findings_with_code("plan.name_format").collect();
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].community_ids, ["文昌"]);
        assert!(
            f[0].message_zh.contains("未以“社区”结尾"),
            "{}",
            f[0].message_zh
        );
        assert!(
            f[1].message_zh.contains("共 14 个字，超过 10 个字"),
            "{}",
            f[1].message_zh
        );
    }

    #[test]
    fn compound_outside_every_community_is_unassigned() {
        let mut plan = row_plan(&[("A", &[1200, 1300])]);
        compound_mut(&mut plan, "A-1").shape =
            crate::model::CompoundShape::Point(geo::Point::new(119.5, 32.5));
        let r = evaluate(&plan, &Profile::default());
        let f = r.findings_with_code("plan.unassigned").next().unwrap();
        assert_eq!(f.feature_ids, ["A-1"]);
        assert_eq!(r.totals.unassigned_households, 1300);
        assert_eq!(r.communities[0].households, 1200);
    }
}
