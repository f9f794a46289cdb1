//! 四至: what a community is bounded by to the east, south, west and north —
//! the roads, lanes and rivers along its boundary, or the neighbouring
//! community, or the street's outline — as a planner writes it in a plan:
//! `东至文昌路，南至汶河，西至文昌社区，北至街道边界`.
//!
//! Each edge of the community's outer rings faces the direction of its
//! outward normal (within ±45° of east, south, west or north). The edge is
//! walked in pieces of `boundary_sample_m`; each piece is bounded by the
//! nearest barrier running alongside it (within `barrier_snap_m` and within
//! 30° of parallel, so a road merely crossing the boundary does not count);
//! failing that, by a neighbouring community (within `adjacency_snap_m`); failing
//! that, by the street outline (within `barrier_snap_m`). Per side, bounds are
//! ordered by length; barriers with one name count as one (a road digitised
//! in several pieces), and bounds shorter than `barrier_snap_m` or 5 % of the
//! side are dropped as corner noise.
//!
//! ```
//! use shequ_core::{sizhi::sizhi, testing::row_plan, Profile};
//!
//! let mut plan = row_plan(&[("甲社区", &[1000]), ("乙社区", &[1000])]);
//! for b in &mut plan.barriers {
//!     b.name = match b.id.as_str() { "south" => "文昌路", "north" => "北城河", "v0" => "西门街", _ => "" }.into();
//! }
//! plan.barriers.retain(|b| b.id != "v1"); // no road between the two
//! let s = sizhi(&plan, &Profile::default(), 0).unwrap();
//! assert_eq!(s.text_zh, "东至乙社区，南至文昌路，西至西门街，北至北城河");
//! ```

use geo::{BoundingRect, Coord, Line, LineString, Rect};
use serde::Serialize;

use crate::geodesy::Frame;
use crate::model::{BarrierKind, Plan};
use crate::profile::Profile;

/// What bounds a stretch of boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BoundKind {
    Road,
    Lane,
    River,
    /// A neighbouring community.
    Community,
    /// The street's outline.
    Street,
}

impl BoundKind {
    fn from_barrier(k: BarrierKind) -> BoundKind {
        match k {
            BarrierKind::Road => BoundKind::Road,
            BarrierKind::Lane => BoundKind::Lane,
            BarrierKind::River => BoundKind::River,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Road => "road",
            Self::Lane => "lane",
            Self::River => "river",
            Self::Community => "community",
            Self::Street => "street",
        }
    }
}

/// One thing a side is bounded by.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bound {
    /// The name as written in the plan (may be empty for an unnamed barrier).
    pub name: String,
    /// The id of the barrier, community or street (the first, for a road in pieces).
    pub id: String,
    pub kind: BoundKind,
    /// Boundary length along it, metres.
    pub length_m: f64,
}

/// The four boundaries of a community.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sizhi {
    pub community_id: String,
    pub east: Vec<Bound>,
    pub south: Vec<Bound>,
    pub west: Vec<Bound>,
    pub north: Vec<Bound>,
    /// Boundary length facing east, south, west, north (metres).
    pub side_length_m: [f64; 4],
    /// Of that, the length along nothing identifiable.
    pub open_m: [f64; 4],
    /// `东至……，南至……，西至……，北至……`.
    pub text_zh: String,
    /// `East: …; south: …; west: …; north: ….`
    pub text_en: String,
}

/// What a piece of boundary is near: (kind, index into its layer).
#[derive(Clone, Copy, PartialEq)]
enum Hit {
    Barrier(usize),
    Community(usize),
    Street(usize),
}

/// The 四至 of community `community_index`, or `None` when there is no such community.
pub fn sizhi(plan: &Plan, profile: &Profile, community_index: usize) -> Option<Sizhi> {
    let c = plan.communities.get(community_index)?;
    let rules = &profile.boundary;
    let frame = Frame::for_multipolygon(&c.geometry);
    let snap = rules.barrier_snap_m.max(0.0);
    let adj = rules.adjacency_snap_m.max(0.0);
    let step = if rules.boundary_sample_m > 0.0 {
        rules.boundary_sample_m
    } else {
        10.0
    };
    let reach = snap.max(adj);
    let near = match c.geometry.bounding_rect() {
        Some(r) => {
            let (dx, dy) = frame.deg(reach);
            Rect::new(
                Coord {
                    x: r.min().x - dx,
                    y: r.min().y - dy,
                },
                Coord {
                    x: r.max().x + dx,
                    y: r.max().y + dy,
                },
            )
        }
        None => return Some(finish(plan, c.id.clone(), Vec::new(), [0.0; 4], [0.0; 4])),
    };
    let close = |l: &Line| {
        let (a, b) = (l.start, l.end);
        a.x.max(b.x) >= near.min().x
            && a.x.min(b.x) <= near.max().x
            && a.y.max(b.y) >= near.min().y
            && a.y.min(b.y) <= near.max().y
    };
    let ring_lines = |rings: &mut dyn Iterator<Item = &LineString>| -> Vec<Line> {
        rings.flat_map(|r| r.lines()).filter(|l| close(l)).collect()
    };
    let barriers: Vec<(usize, Line)> = plan
        .barriers
        .iter()
        .enumerate()
        .flat_map(|(i, b)| {
            b.geometry
                .0
                .iter()
                .flat_map(|ls| ls.lines())
                .filter(|l| close(l))
                .map(move |l| (i, l))
        })
        .collect();
    let others: Vec<(usize, Line)> = plan
        .communities
        .iter()
        .enumerate()
        .filter(|(j, o)| {
            *j != community_index
                && o.geometry.bounding_rect().is_some_and(|r| {
                    r.min().x <= near.max().x
                        && r.max().x >= near.min().x
                        && r.min().y <= near.max().y
                        && r.max().y >= near.min().y
                })
        })
        .flat_map(|(j, o)| {
            ring_lines(
                &mut o
                    .geometry
                    .0
                    .iter()
                    .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors())),
            )
            .into_iter()
            .map(move |l| (j, l))
        })
        .collect();
    let streets: Vec<(usize, Line)> = plan
        .streets
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            ring_lines(
                &mut s
                    .geometry
                    .0
                    .iter()
                    .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors())),
            )
            .into_iter()
            .map(move |l| (i, l))
        })
        .collect();
    let metric = |l: &Line| {
        (
            (l.end.x - l.start.x) * frame.kx,
            (l.end.y - l.start.y) * frame.ky,
        )
    };
    let parallel = |a: (f64, f64), b: &Line| {
        let b = metric(b);
        let (la, lb) = (a.0.hypot(a.1), b.0.hypot(b.1));
        la > 0.0 && lb > 0.0 && (a.0 * b.0 + a.1 * b.1).abs() / (la * lb) >= 0.866
    };
    // (side, hit, metres)
    let mut tally: Vec<(usize, Hit, f64)> = Vec::new();
    let mut side_len = [0.0; 4];
    let mut open = [0.0; 4];
    for poly in &c.geometry.0 {
        let ring = poly.exterior();
        // Shoelace sign: counter-clockwise rings have their outside on the right.
        let twice_area: f64 = ring
            .lines()
            .map(|l| l.start.x * l.end.y - l.end.x * l.start.y)
            .sum();
        let sign = if twice_area >= 0.0 { 1.0 } else { -1.0 };
        for l in ring.lines() {
            let d = metric(&l);
            let len = d.0.hypot(d.1);
            if len.is_nan() || len <= 0.0 {
                continue;
            }
            let normal = (sign * d.1, -sign * d.0);
            let angle = normal.1.atan2(normal.0).to_degrees();
            let side = if (-45.0..=45.0).contains(&angle) {
                0 // east
            } else if (45.0..=135.0).contains(&angle) {
                3 // north
            } else if (-135.0..-45.0).contains(&angle) {
                1 // south
            } else {
                2 // west
            };
            side_len[side] += len;
            let n = ((len / step).ceil() as usize).clamp(1, 1000);
            let piece = len / n as f64;
            for k in 0..n {
                let t = (k as f64 + 0.5) / n as f64;
                let p = Coord {
                    x: l.start.x + t * (l.end.x - l.start.x),
                    y: l.start.y + t * (l.end.y - l.start.y),
                };
                let nearest = |cands: &[(usize, Line)], within: f64, need_parallel: bool| {
                    cands
                        .iter()
                        .filter(|(_, s)| !need_parallel || parallel(d, s))
                        .map(|(i, s)| (*i, frame.dist_to_line_m(p, *s)))
                        .filter(|(_, dist)| *dist <= within)
                        .min_by(|a, b| a.1.total_cmp(&b.1))
                        .map(|(i, _)| i)
                };
                let hit = nearest(&barriers, snap, true)
                    .map(Hit::Barrier)
                    .or_else(|| nearest(&others, adj, false).map(Hit::Community))
                    .or_else(|| nearest(&streets, snap, true).map(Hit::Street));
                match hit {
                    Some(h) => match tally.iter_mut().find(|t| t.0 == side && t.1 == h) {
                        Some(t) => t.2 += piece,
                        None => tally.push((side, h, piece)),
                    },
                    None => open[side] += piece,
                }
            }
        }
    }
    Some(finish(plan, c.id.clone(), tally, side_len, open))
}

/// The same bound: a named road in several pieces is one road; a community,
/// or anything unnamed, by its id.
fn same_bound(a: &Bound, b: &Bound) -> bool {
    a.kind == b.kind
        && if b.name.trim().is_empty() || b.kind == BoundKind::Community {
            a.id == b.id
        } else {
            a.name == b.name
        }
}

fn finish(
    plan: &Plan,
    community_id: String,
    tally: Vec<(usize, Hit, f64)>,
    side_len: [f64; 4],
    open: [f64; 4],
) -> Sizhi {
    let mut sides: [Vec<Bound>; 4] = Default::default();
    for (side, hit, m) in tally {
        let bound = match hit {
            Hit::Barrier(i) => {
                let b = &plan.barriers[i];
                Bound {
                    name: b.name.clone(),
                    id: b.id.clone(),
                    kind: BoundKind::from_barrier(b.kind),
                    length_m: m,
                }
            }
            Hit::Community(i) => {
                let o = &plan.communities[i];
                Bound {
                    name: o.name.clone(),
                    id: o.id.clone(),
                    kind: BoundKind::Community,
                    length_m: m,
                }
            }
            Hit::Street(i) => {
                let s = &plan.streets[i];
                Bound {
                    name: s.name.clone(),
                    id: s.id.clone(),
                    kind: BoundKind::Street,
                    length_m: m,
                }
            }
        };
        match sides[side].iter_mut().find(|b| same_bound(b, &bound)) {
            Some(b) => b.length_m += m,
            None => sides[side].push(bound),
        }
    }
    // A bound on opposite sides (the inner edge of a notch faces back, the
    // seam of a merge): named only on the side where it runs longer.
    for (a, b) in [(0, 2), (1, 3)] {
        let (first, second) = sides.split_at_mut(b);
        let (one, other) = (&mut first[a], &mut second[0]);
        one.retain(|x| {
            !other
                .iter()
                .any(|y| same_bound(x, y) && y.length_m > x.length_m)
        });
        other.retain(|y| !one.iter().any(|x| same_bound(x, y)));
    }
    for (s, list) in sides.iter_mut().enumerate() {
        let min = 30.0f64.min(side_len[s] * 0.5).max(side_len[s] * 0.05);
        list.retain(|b| b.length_m >= min);
        crate::order::sort_by_text(list, |b| (crate::order::desc(b.length_m), b.id.as_str()));
    }
    let [east, south, west, north] = sides;
    let zh_dirs = ["东至", "南至", "西至", "北至"];
    let en_dirs = ["East", "south", "west", "north"];
    let lists = [&east, &south, &west, &north];
    let text_zh = (0..4)
        .map(|s| {
            format!(
                "{}{}",
                zh_dirs[s],
                if lists[s].is_empty() {
                    "无明显界线".to_string()
                } else {
                    lists[s].iter().map(name_zh).collect::<Vec<_>>().join("、")
                }
            )
        })
        .collect::<Vec<_>>()
        .join("，");
    let text_en = (0..4)
        .map(|s| {
            format!(
                "{}: {}",
                en_dirs[s],
                if lists[s].is_empty() {
                    "no clear boundary".to_string()
                } else {
                    lists[s].iter().map(name_en).collect::<Vec<_>>().join(", ")
                }
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
        + ".";
    Sizhi {
        community_id,
        east,
        south,
        west,
        north,
        side_length_m: side_len,
        open_m: open,
        text_zh,
        text_en,
    }
}

fn name_zh(b: &Bound) -> String {
    let name = b.name.trim();
    match b.kind {
        BoundKind::Street if name.is_empty() => "街道边界".into(),
        BoundKind::Street => format!("{name}边界"),
        _ if !name.is_empty() => name.to_string(),
        BoundKind::Road => format!("无名道路（{}）", b.id),
        BoundKind::Lane => format!("无名巷道（{}）", b.id),
        BoundKind::River => format!("无名河道（{}）", b.id),
        BoundKind::Community => format!("社区 {}", b.id),
    }
}

fn name_en(b: &Bound) -> String {
    let name = b.name.trim();
    match b.kind {
        BoundKind::Street if name.is_empty() => "the street outline".into(),
        BoundKind::Street => format!("the outline of {name}"),
        BoundKind::Community if name.is_empty() => format!("community {}", b.id),
        BoundKind::Community => format!("{name} (community)"),
        k if name.is_empty() => format!("unnamed {} ({})", k.as_str(), b.id),
        k => format!("{name} ({})", k.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BarrierKind, Street};
    use crate::testing::{row_plan, square, SIDE, X0, Y0};

    fn named_row() -> Plan {
        let mut plan = row_plan(&[
            ("甲社区", &[1000]),
            ("乙社区", &[1000]),
            ("丙社区", &[1000]),
        ]);
        for b in &mut plan.barriers {
            b.name = match b.id.as_str() {
                "south" => "南通路",
                "north" => "北城河",
                "v0" => "西门街",
                "v1" => "汶河路",
                "v3" => "东关街",
                _ => "",
            }
            .into();
            if b.id == "north" {
                b.kind = BarrierKind::River;
            }
        }
        plan
    }

    #[test]
    fn middle_square_follows_roads_a_river_and_a_neighbour() {
        let mut plan = named_row();
        plan.barriers.retain(|b| b.id != "v2");
        let s = sizhi(&plan, &Profile::default(), 1).unwrap();
        assert_eq!(s.text_zh, "东至丙社区，南至南通路，西至汶河路，北至北城河");
        assert_eq!(s.text_en, "East: 丙社区 (community); south: 南通路 (road); west: 汶河路 (road); north: 北城河 (river).");
        assert_eq!(s.east[0].kind, BoundKind::Community);
        assert_eq!(s.north[0].kind, BoundKind::River);
        // 0.01° of latitude ≈ 1,109 m; of longitude at 32.4° ≈ 940 m.
        assert!((s.east[0].length_m - 1109.0).abs() < 15.0, "{:?}", s.east);
        assert!((s.south[0].length_m - 940.0).abs() < 15.0, "{:?}", s.south);
        assert!(s.open_m.iter().all(|&m| m < 1.0), "{:?}", s.open_m);
    }

    #[test]
    fn a_road_between_neighbours_wins_and_unnamed_roads_say_so() {
        let plan = named_row();
        let s = sizhi(&plan, &Profile::default(), 1).unwrap();
        assert_eq!(s.east.len(), 1);
        assert_eq!(s.east[0].kind, BoundKind::Road);
        assert!(s.text_zh.starts_with("东至无名道路（v2）"), "{}", s.text_zh);
    }

    #[test]
    fn the_street_outline_and_open_sides() {
        let mut plan = named_row();
        plan.barriers.retain(|b| b.id != "v0" && b.id != "south");
        plan.streets.push(Street {
            id: "JD1".into(),
            name: "文昌街道".into(),
            geometry: square(X0, Y0, 3.0 * SIDE, SIDE).into(),
            extra: Default::default(),
        });
        let s = sizhi(&plan, &Profile::default(), 0).unwrap();
        assert_eq!(
            s.text_zh,
            "东至汶河路，南至文昌街道边界，西至文昌街道边界，北至北城河"
        );
        plan.streets.clear();
        let s = sizhi(&plan, &Profile::default(), 0).unwrap();
        assert!(s.text_zh.contains("西至无明显界线"), "{}", s.text_zh);
        assert!(s.open_m[2] > 1000.0);
        assert!(sizhi(&plan, &Profile::default(), 99).is_none());
    }

    #[test]
    fn a_crossing_road_does_not_bound_a_side() {
        let mut plan = named_row();
        plan.barriers.retain(|b| b.id != "south");
        // A north-south road crossing the middle square's south edge.
        let x = X0 + 1.5 * SIDE;
        plan.barriers.push(crate::model::Barrier {
            id: "cross".into(),
            kind: BarrierKind::Road,
            name: "穿越路".into(),
            geometry: geo::MultiLineString::new(vec![LineString::from(vec![
                (x, Y0 - 0.002),
                (x, Y0 + 0.002),
            ])]),
            extra: Default::default(),
        });
        let s = sizhi(&plan, &Profile::default(), 1).unwrap();
        assert!(!s.south.iter().any(|b| b.name == "穿越路"), "{:?}", s.south);
    }

    #[test]
    fn demo_communities_all_have_four_boundaries() {
        let text = include_str!("../../../tests/data/demo.geojson");
        let plan = crate::load::load_plan("demo.geojson", text.as_bytes(), &Default::default())
            .unwrap()
            .plan;
        let profile = Profile::default();
        let mut bounded = 0;
        for i in 0..plan.communities.len() {
            let s = sizhi(&plan, &profile, i).unwrap();
            assert!(
                s.text_zh.starts_with("东至") && s.text_zh.contains("，北至"),
                "{}",
                s.text_zh
            );
            let sides = [&s.east, &s.south, &s.west, &s.north];
            if sides.iter().all(|b| !b.is_empty()) {
                bounded += 1;
            }
            // Every named bound is a barrier, a community or the street of the plan.
            for b in sides.into_iter().flatten() {
                assert!(b.length_m > 0.0);
            }
            assert_no_opposites(&s);
        }
        // The demo's communities sit between named roads and the river.
        assert!(
            bounded * 10 >= plan.communities.len() * 8,
            "{bounded} of {}",
            plan.communities.len()
        );
        let first = sizhi(&plan, &profile, 0).unwrap();
        assert!(
            first
                .east
                .iter()
                .chain(&first.south)
                .chain(&first.west)
                .chain(&first.north)
                .any(|b| matches!(b.kind, BoundKind::Road | BoundKind::River)),
            "{}",
            first.text_zh
        );
    }

    /// No bound named on two opposite sides ("东至泰圩路……西至泰圩路").
    fn assert_no_opposites(s: &Sizhi) {
        for (a, b) in [(&s.east, &s.west), (&s.south, &s.north)] {
            for x in a {
                assert!(!b.iter().any(|y| same_bound(x, y)), "{}", s.text_zh);
            }
        }
    }

    /// After merges the seam's road is not east and west at once.
    #[test]
    fn a_merged_community_names_each_road_on_one_side() {
        let text = include_str!("../../../tests/data/demo.geojson");
        let plan = crate::load::load_plan("demo.geojson", text.as_bytes(), &Default::default())
            .unwrap()
            .plan;
        let profile = Profile::default();
        let mut session = crate::session::Session::new(plan.clone(), profile.clone());
        let ids: Vec<String> = plan.communities.iter().map(|c| c.id.clone()).collect();
        let mut merged = 0;
        for pair in ids.chunks(2).take(8) {
            if session.merge(&pair[0], &pair[1]).is_ok() {
                merged += 1;
                let i = session
                    .plan()
                    .communities
                    .iter()
                    .position(|c| c.id == pair[0])
                    .unwrap();
                assert_no_opposites(&sizhi(session.plan(), &profile, i).unwrap());
            }
        }
        assert!(merged >= 3, "{merged} merges");
    }
}
