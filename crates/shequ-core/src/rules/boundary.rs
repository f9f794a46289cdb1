//! Boundaries (四界清晰): sections 二（二）, 二（三） and 三（二）.
//!
//! | code | when | highlight |
//! |---|---|---|
//! | `boundary.non_contiguous` | more than one part of at least `sliver_m2` | the smaller parts |
//! | `boundary.overlap` | two communities overlap by more than `overlap_tolerance_m2` | the overlap |
//! | `boundary.gap` | an area of at least `gap_tolerance_m2` inside the street (or enclosed by communities) belongs to none | the gap |
//! | `boundary.cuts_grid` | a second community holds more than `grid_cut_tolerance` of a grid cell | the cell |
//! | `boundary.cuts_compound` | a second community holds more than `compound_cut_tolerance` of a compound | the compound |
//! | `boundary.off_barrier` | less than `min_barrier_share` of the boundary within `barrier_snap_m` of a road, lane or river | the stretches off them |
//! | `boundary.irregular` | Polsby–Popper 4πA/P² below `min_polsby_popper` | the community |
//! | `boundary.too_large` | more than `max_share_beyond_radius` of households beyond `service_radius_m` of the centre | the community |
//!
//! ```
//! use shequ_core::{evaluate, testing::row_plan, Profile};
//!
//! let mut plan = row_plan(&[("东区", &[1200, 1200]), ("西区", &[1200, 1200])]);
//! // Give the grid cell of 东区 a strip of 西区: the cell is now cut.
//! plan.grids[0].geometry = shequ_core::testing::square(119.40, 32.39, 0.0105, 0.01).into();
//! let report = evaluate(&plan, &Profile::default());
//! let f = report.findings_with_code("boundary.cuts_grid").next().unwrap();
//! assert_eq!(f.community_ids, ["东区", "西区"]);
//! assert!(f.message_zh.starts_with("网格 G000 被东区（95%）与西区（5%）分割"), "{}", f.message_zh);
//! ```

use geo::MultiPolygon;

use super::{Ctx, FindingExt};
use crate::analysis::{Gap, Overlap};
use crate::fmt::{int, pct, real};
use crate::model::CompoundShape;
use crate::report::Finding;

/// Boundary findings of community `i` alone.
pub fn community(ctx: &Ctx, i: usize, out: &mut Vec<Finding>) {
    let rules = &ctx.profile.boundary;
    let a = ctx.analysis;
    let name = ctx.name(i);
    let g = &a.geom[i];
    let community = &ctx.plan.communities[i];
    if g.parts > 1 {
        out.push(
            ctx.finding(
                "boundary.non_contiguous",
                &[i],
                format!("{name}由 {} 块互不相连的区域组成，原则上不得由不接壤的区域组成", g.parts),
                format!("{name} consists of {} separate parts; in principle a community must not be made of areas that do not touch", g.parts),
            )
            .geometry(g.minor_parts.clone())
            .detail("parts", g.parts),
        );
    }
    let share = a.boundary[i].barrier_share();
    if share < rules.min_barrier_share && a.boundary[i].length_m > 0.0 {
        let (note_zh, note_en) = ctx.profile.origin_note("boundary.min_barrier_share");
        out.push(
            ctx.finding(
                "boundary.off_barrier",
                &[i],
                format!("{name}的边界仅 {} 沿道路、街巷或河流，一般以道路、街巷、河流为边界，宜不低于 {}{note_zh}", pct(share), pct(rules.min_barrier_share)),
                format!("Only {} of {name}'s boundary follows roads, lanes or rivers; boundaries generally follow them, at least {}{note_en}", pct(share), pct(rules.min_barrier_share)),
            )
            .geometry(a.boundary[i].off_barrier.clone())
            .detail("barrier_share", share),
        );
    }
    if g.polsby_popper < rules.min_polsby_popper {
        let (note_zh, note_en) = ctx.profile.origin_note("boundary.min_polsby_popper");
        out.push(
            ctx.finding(
                "boundary.irregular",
                &[i],
                format!(
                    "{name}的辖区形状不规整：紧凑度（Polsby–Popper）{:.2}，低于 {:.2}{note_zh}",
                    g.polsby_popper, rules.min_polsby_popper
                ),
                format!(
                    "{name} has an irregular shape: Polsby–Popper compactness {:.2}, below {:.2}{note_en}",
                    g.polsby_popper, rules.min_polsby_popper
                ),
            )
            .geometry(community.geometry.clone())
            .detail("polsby_popper", g.polsby_popper),
        );
    }
    if let Some(c) = a.centers[i] {
        if c.share_beyond_radius > rules.max_share_beyond_radius {
            let (note_zh, note_en) = ctx.profile.origin_note("boundary.service_radius_m");
            out.push(
                ctx.finding(
                "boundary.too_large",
                    &[i],
                    format!(
                        "{name}有 {} 的住户距党群服务中心超过 {} 米{note_zh}（最远 {} 米），管辖范围过大，不利于群众办事",
                        pct(c.share_beyond_radius),
                        real(rules.service_radius_m),
                        real(c.max_m)
                    ),
                    format!(
                        "{} of {name}'s households live more than {} m{note_en} from its service centre (farthest {} m): the area is too large for residents to reach services",
                        pct(c.share_beyond_radius),
                        real(rules.service_radius_m),
                        real(c.max_m)
                    ),
                )
                .geometry(community.geometry.clone())
                .detail("share_beyond_radius", c.share_beyond_radius)
                .detail("max_m", c.max_m),
            );
        }
    }
}

/// `boundary.overlap` for one overlapping pair.
pub fn overlap(ctx: &Ctx, o: &Overlap, out: &mut Vec<Finding>) {
    let rules = &ctx.profile.boundary;
    if o.area_m2 <= rules.overlap_tolerance_m2 {
        return;
    }
    let (na, nb) = (ctx.name(o.a), ctx.name(o.b));
    out.push(
        ctx.finding(
            "boundary.overlap",
            &[o.a, o.b],
            format!("{na}与{nb}的管辖区域重叠 {} 平方米", real(o.area_m2)),
            format!("{na} and {nb} overlap by {} m²", real(o.area_m2)),
        )
        .geometry(o.geometry.clone())
        .detail("area_m2", o.area_m2),
    );
}

/// `boundary.gap` for one gap.
pub fn gap(ctx: &Ctx, gap: &Gap, out: &mut Vec<Finding>) {
    let (zh_at, en_at) = match gap.neighbours.as_slice() {
        [] => (String::new(), String::new()),
        ns => (
            format!("（位于{}之间）", ctx.names(ns, "、")),
            format!(" (between {})", ctx.names(ns, ", ")),
        ),
    };
    let g: MultiPolygon = MultiPolygon::new(vec![gap.geometry.clone()]);
    out.push(
        ctx.finding(
            "boundary.gap",
            &gap.neighbours,
            format!(
                "有 {} 平方米的区域未纳入任何社区{zh_at}，存在管辖空白",
                real(gap.area_m2)
            ),
            format!("{} m² belong to no community{en_at}", real(gap.area_m2)),
        )
        .geometry(g)
        .detail("area_m2", gap.area_m2),
    );
}

/// `boundary.cuts_grid` for grid cell `k`.
pub fn grid(ctx: &Ctx, k: usize, out: &mut Vec<Finding>) {
    let rules = &ctx.profile.boundary;
    let cell = &ctx.plan.grids[k];
    let a = ctx.analysis;
    let shares = &a.grid_shares[k];
    if shares.len() < 2 || shares[1].1 <= rules.grid_cut_tolerance {
        return;
    }
    let parts: Vec<(usize, f64)> = shares
        .iter()
        .copied()
        .filter(|s| s.1 > rules.grid_cut_tolerance)
        .collect();
    let label = cell.code.clone().unwrap_or_else(|| cell.id.clone());
    let communities: Vec<usize> = parts.iter().map(|p| p.0).collect();
    out.push(
        ctx.finding(
                "boundary.cuts_grid",
            &communities,
            format!("网格 {label} 被{}分割，不得打破现有网格划分", split_list(ctx, &parts, "与", "（", "）")),
            format!("Grid cell {label} is split between {}; boundaries must not break existing grid cells", split_list(ctx, &parts, " and ", " (", ")")),
        )
        .features([cell.id.clone()])
        .geometry(cell.geometry.clone())
        .detail("shares", shares_json(ctx, &parts)),
    );
}

/// `boundary.cuts_compound` for compound `k`.
pub fn compound(ctx: &Ctx, k: usize, out: &mut Vec<Finding>) {
    let rules = &ctx.profile.boundary;
    let compound = &ctx.plan.compounds[k];
    let a = ctx.analysis;
    let CompoundShape::Area(shape) = &compound.shape else {
        return;
    };
    let shares = &a.compound_shares[k];
    if shares.len() < 2 || shares[1].1 <= rules.compound_cut_tolerance {
        return;
    }
    let parts: Vec<(usize, f64)> = shares
        .iter()
        .copied()
        .filter(|s| s.1 > rules.compound_cut_tolerance)
        .collect();
    let communities: Vec<usize> = parts.iter().map(|p| p.0).collect();
    let label = if compound.name.is_empty() {
        &compound.id
    } else {
        &compound.name
    };
    out.push(
        ctx.finding(
                "boundary.cuts_compound",
            &communities,
            format!(
                "住宅区{label}（{} 户）被{}分割，社区应以现有居住小区为基础划分；按面积计入{}",
                int(compound.households_total()),
                split_list(ctx, &parts, "与", "（", "）"),
                ctx.name(parts[0].0)
            ),
            format!(
                "Compound {label} ({} households) is split between {}; communities are built from whole compounds. It counts for {}",
                int(compound.households_total()),
                split_list(ctx, &parts, " and ", " (", ")"),
                ctx.name(parts[0].0)
            ),
        )
        .features([compound.id.clone()])
        .geometry(shape.clone())
        .detail("shares", shares_json(ctx, &parts)),
    );
}

/// `东区（95%）与西区（5%）`.
fn split_list(ctx: &Ctx, parts: &[(usize, f64)], sep: &str, open: &str, close: &str) -> String {
    parts
        .iter()
        .map(|&(c, s)| format!("{}{open}{}{close}", ctx.name(c), pct(s)))
        .collect::<Vec<_>>()
        .join(sep)
}

fn shares_json(ctx: &Ctx, parts: &[(usize, f64)]) -> serde_json::Value {
    parts
        .iter()
        .map(|&(c, s)| serde_json::json!({"id": ctx.plan.communities[c].id, "share": s}))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::testing::{row_plan, square, SIDE, X0, Y0};
    use crate::{evaluate, Profile};
    use geo::{LineString, MultiPolygon};

    fn report(plan: &crate::Plan) -> crate::Report {
        evaluate(plan, &Profile::default())
    }

    #[test]
    fn clean_row_has_no_boundary_findings() {
        let r = report(&row_plan(&[
            ("A", &[1200, 1200]),
            ("B", &[1200, 1200]),
            ("C", &[1300, 1300]),
        ]));
        let b: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.code.starts_with("boundary."))
            .map(|f| &f.message_en)
            .collect();
        assert!(b.is_empty(), "{b:?}");
        assert_eq!(r.communities[0].barrier_share, 1.0);
        assert_eq!(r.communities[1].neighbours.len(), 2);
    }

    #[test]
    fn neighbours_share_one_side() {
        let r = report(&row_plan(&[("A", &[1200, 1200]), ("B", &[1200, 1200])]));
        let shared = r.communities[0].neighbours[0].shared_m;
        // One 0.01° side of latitude: about 1,109 m.
        assert!((shared - 1109.0).abs() < 5.0, "{shared}");
    }

    #[test]
    fn detached_part_makes_a_community_non_contiguous() {
        let mut plan = row_plan(&[("A", &[1200, 1200]), ("B", &[1200, 1200])]);
        plan.communities[0]
            .geometry
            .0
            .push(square(X0 + 0.05, Y0, 0.002, 0.002));
        let r = report(&plan);
        let f = r
            .findings_with_code("boundary.non_contiguous")
            .next()
            .unwrap();
        assert_eq!(f.details["parts"], 2);
        assert_eq!(r.communities[0].parts, 2);
    }

    #[test]
    fn sliver_parts_do_not_count() {
        let mut plan = row_plan(&[("A", &[1200, 1200])]);
        // About 9 m × 11 m: below the 100 m² sliver threshold.
        plan.communities[0]
            .geometry
            .0
            .push(square(X0 + 0.05, Y0, 0.0001, 0.00009));
        assert_eq!(report(&plan).communities[0].parts, 1);
    }

    #[test]
    fn overlap_area_is_measured() {
        let mut plan = row_plan(&[("A", &[1200, 1200]), ("B", &[1200, 1200])]);
        // Push A 0.001° into B: an overlap of 0.001° × 0.01°.
        plan.communities[0].geometry = MultiPolygon::new(vec![square(X0, Y0, SIDE + 0.001, SIDE)]);
        let r = report(&plan);
        let f = r.findings_with_code("boundary.overlap").next().unwrap();
        let expected = crate::geodesy::Frame::at_lat(Y0 + SIDE / 2.0).area_factor() * 0.001 * SIDE;
        let got = f.details["area_m2"].as_f64().unwrap();
        assert!(
            (got - expected).abs() / expected < 0.005,
            "{got} vs {expected}"
        );
        assert_eq!(f.community_ids, ["A", "B"]);
    }

    #[test]
    fn hole_between_communities_is_a_gap() {
        let mut plan = row_plan(&[
            ("A", &[1200, 1200]),
            ("B", &[1200, 1200]),
            ("C", &[1200, 1200]),
        ]);
        // Pull B back from A's side: a strip 0.001° wide between them is nobody's...
        plan.communities[1].geometry =
            MultiPolygon::new(vec![square(X0 + SIDE + 0.001, Y0, SIDE - 0.001, SIDE)]);
        // ...but it is only enclosed if something closes it: a street outline does.
        plan.streets.push(crate::model::Street {
            id: "S".into(),
            name: "街道".into(),
            geometry: MultiPolygon::new(vec![square(X0, Y0, 3.0 * SIDE, SIDE)]),
            extra: Default::default(),
        });
        let r = report(&plan);
        let f = r.findings_with_code("boundary.gap").next().unwrap();
        assert_eq!(f.community_ids, ["A", "B"]);
        let area = f.details["area_m2"].as_f64().unwrap();
        assert!(
            (area - 0.001 * SIDE * crate::geodesy::Frame::at_lat(Y0).area_factor()).abs() < 1_000.0,
            "{area}"
        );
    }

    #[test]
    fn enclosed_hole_is_a_gap_without_a_street() {
        let mut plan = row_plan(&[("A", &[1200, 1200])]);
        let hole = square(X0 + 0.004, Y0 + 0.004, 0.001, 0.001)
            .exterior()
            .clone();
        plan.communities[0].geometry = MultiPolygon::new(vec![geo::Polygon::new(
            square(X0, Y0, SIDE, SIDE).exterior().clone(),
            vec![LineString::from(
                hole.0.into_iter().rev().collect::<Vec<_>>(),
            )],
        )]);
        let r = report(&plan);
        assert_eq!(r.findings_with_code("boundary.gap").count(), 1);
    }

    #[test]
    fn boundary_away_from_roads_is_off_barrier() {
        let mut plan = row_plan(&[("A", &[1200, 1200]), ("B", &[1200, 1200])]);
        plan.barriers.retain(|b| b.id != "v1" && b.id != "north");
        let r = report(&plan);
        let f = r
            .findings
            .iter()
            .find(|f| f.code == "boundary.off_barrier" && f.community_ids == ["A"])
            .unwrap();
        let share = f.details["barrier_share"].as_f64().unwrap();
        // Two of four sides (940 m and 1,110 m) remain on roads.
        assert!((share - 0.5).abs() < 0.02, "{share}");
        assert!(f.geometry.is_some());
    }

    #[test]
    fn elongated_community_is_irregular() {
        let mut plan = row_plan(&[("A", &[1200, 1200])]);
        plan.communities[0].geometry = MultiPolygon::new(vec![square(X0, Y0, 0.05, 0.001)]);
        let r = report(&plan);
        let pp = r.communities[0].polsby_popper;
        assert!(pp < 0.25, "{pp}");
        assert!(r.findings_with_code("boundary.irregular").next().is_some());
        // A square: π/4 ≈ 0.785 (slightly less, the degrees are not square metres).
        let sq = report(&row_plan(&[("A", &[1200, 1200])])).communities[0].polsby_popper;
        assert!((sq - 0.78).abs() < 0.02, "{sq}");
    }

    #[test]
    fn far_households_make_a_community_too_large() {
        let mut plan = row_plan(&[("A", &[1200, 1200])]);
        let mut p = Profile::default();
        p.boundary.service_radius_m = 200.0;
        let r = evaluate(&plan, &p);
        assert!(r.findings_with_code("boundary.too_large").next().is_some());
        plan.centers.clear();
        plan.communities[0].service_center = None;
        assert!(
            evaluate(&plan, &p)
                .findings_with_code("boundary.too_large")
                .next()
                .is_none(),
            "no centre, no distance"
        );
    }

    #[test]
    fn compound_across_a_boundary_is_cut_and_counted_once() {
        let mut plan = row_plan(&[("A", &[1200, 1200]), ("B", &[1200, 1200])]);
        // Move A's second compound so that 30% of it lies in B.
        let c = crate::testing::compound_mut(&mut plan, "A-1");
        c.shape = crate::model::CompoundShape::Area(MultiPolygon::new(vec![square(
            X0 + SIDE - 0.0035,
            Y0 + 0.001,
            0.005,
            0.002,
        )]));
        let r = report(&plan);
        let f = r
            .findings_with_code("boundary.cuts_compound")
            .next()
            .unwrap();
        assert_eq!(f.community_ids, ["A", "B"]);
        let shares = f.details["shares"].as_array().unwrap();
        assert!((shares[0]["share"].as_f64().unwrap() - 0.7).abs() < 1e-6);
        assert_eq!(
            r.communities[0].households, 2400,
            "the compound counts wholly for A"
        );
        assert_eq!(r.communities[1].households, 2400);
    }
}
