//! Small hand-built plans for tests and examples.
//!
//! [`row_plan`] lays communities out as a row of 0.01° squares at Yangzhou's
//! latitude (about 940 m × 1,110 m each), every square bounded by roads, with
//! one grid cell, a fully equipped service centre in the middle, a complete
//! committee, and its compounds as strips inside. Such a plan breaks no rule
//! but scale, so a test can change one thing and watch one rule fire.

use geo::{polygon, LineString, MultiLineString, MultiPolygon, Point, Polygon};
use geojson::JsonObject;

use crate::model::*;

/// South-west corner of the row.
pub const X0: f64 = 119.40;
pub const Y0: f64 = 32.39;
/// Side of each square, in degrees.
pub const SIDE: f64 = 0.01;

pub fn square(x0: f64, y0: f64, w: f64, h: f64) -> Polygon {
    polygon![(x: x0, y: y0), (x: x0 + w, y: y0), (x: x0 + w, y: y0 + h), (x: x0, y: y0 + h)]
}

/// Communities `(name, households of each compound)` in a row, west to east.
/// Ids are the names.
pub fn row_plan(communities: &[(&str, &[u32])]) -> Plan {
    grid_plan(&[communities])
}

/// Rows of communities, south to north, each row west to east.
pub fn grid_plan(rows: &[&[(&str, &[u32])]]) -> Plan {
    let mut plan = Plan::default();
    let mut grid_no = 0;
    for (r, communities) in rows.iter().enumerate() {
        let y0 = Y0 + r as f64 * SIDE;
        for (k, (name, compounds)) in communities.iter().enumerate() {
            let x = X0 + k as f64 * SIDE;
            let id = name.to_string();
            let center_id = format!("{id}-centre");
            plan.communities.push(Community {
                id: id.clone(),
                name: name.to_string(),
                kind: CommunityKind::Standard,
                committee_size: Some(7),
                full_time_staff: Some(40),
                committees: Some(Committee::ALL.to_vec()),
                service_center: Some(center_id.clone()),
                explanations: Default::default(),
                geometry: MultiPolygon::new(vec![square(x, y0, SIDE, SIDE)]),
                extra: JsonObject::new(),
            });
            plan.centers.push(ServiceCenter {
                id: center_id,
                name: format!("{name}党群服务中心"),
                floor_area_m2: Some(2000.0),
                services: Some(Service::ALL.to_vec()),
                location: Point::new(x + SIDE / 2.0, y0 + SIDE / 2.0),
                extra: JsonObject::new(),
            });
            plan.grids.push(GridCell {
                id: format!("{id}-grid"),
                code: Some(format!("G{grid_no:03}")),
                geometry: MultiPolygon::new(vec![square(x, y0, SIDE, SIDE)]),
                extra: JsonObject::new(),
            });
            let m = compounds.len().max(1) as f64;
            let strip = (SIDE - 0.002) / m;
            for (j, &hh) in compounds.iter().enumerate() {
                plan.compounds.push(Compound {
                    id: format!("{id}-{j}"),
                    name: format!("{name}{}号小区", j + 1),
                    households: hh,
                    planned_households: 0,
                    property_management: Some(true),
                    shape: CompoundShape::Area(MultiPolygon::new(vec![square(
                        x + 0.001 + j as f64 * strip,
                        y0 + 0.001,
                        strip * 0.9,
                        SIDE - 0.002,
                    )])),
                    extra: JsonObject::new(),
                });
            }
            grid_no += 1;
        }
    }
    let n = rows.iter().map(|r| r.len()).max().unwrap_or(0) as f64;
    let m = rows.len() as f64;
    for r in 0..=rows.len() {
        let y = Y0 + r as f64 * SIDE;
        let id = match r {
            0 => "south".to_string(),
            r if r == rows.len() => "north".to_string(),
            r => format!("h{r}"),
        };
        plan.barriers
            .push(road(id, vec![(X0, y), (X0 + n * SIDE, y)]));
    }
    for k in 0..=n as usize {
        let x = X0 + k as f64 * SIDE;
        plan.barriers
            .push(road(format!("v{k}"), vec![(x, Y0), (x, Y0 + m * SIDE)]));
    }
    plan
}

/// A road along `coords`.
fn road(id: String, coords: Vec<(f64, f64)>) -> Barrier {
    Barrier {
        id,
        kind: BarrierKind::Road,
        name: String::new(),
        geometry: MultiLineString::new(vec![LineString::from(coords)]),
        extra: JsonObject::new(),
    }
}

/// The compound with id `id`.
pub fn compound_mut<'p>(plan: &'p mut Plan, id: &str) -> &'p mut Compound {
    plan.compounds
        .iter_mut()
        .find(|c| c.id == id)
        .expect("compound exists")
}

/// Property-test cases: `default`, or `PROPTEST_CASES` for a longer run.
pub fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Side of a cell of [`cell_plan`], in degrees (about 375 m × 440 m).
pub const CELL: f64 = 0.004;

/// A street of grid cells in rows (south to north, each west to east):
/// `labels[r][k]` names the community holding cell `(r, k)`, `households[r][k]`
/// its one compound's households. Every cell edge is a road; each community
/// has a complete committee and a service centre in its first cell.
pub fn cell_plan(labels: &[&str], households: &[&[u32]]) -> Plan {
    use geo::BooleanOps;
    let mut plan = Plan::default();
    let rows = labels.len();
    let cols = labels.iter().map(|r| r.chars().count()).max().unwrap_or(0);
    let mut order: Vec<char> = Vec::new();
    // Every corner computed once, so that neighbouring cells share them exactly.
    let xs: Vec<f64> = (0..=cols).map(|k| X0 + k as f64 * CELL).collect();
    let ys: Vec<f64> = (0..=rows).map(|r| Y0 + r as f64 * CELL).collect();
    for (r, row) in labels.iter().enumerate() {
        for (k, label) in row.chars().enumerate() {
            let (x, y) = (xs[k], ys[r]);
            let (x1, y1) = (xs[k + 1], ys[r + 1]);
            let cell = polygon![(x: x, y: y), (x: x1, y: y), (x: x1, y: y1), (x: x, y: y1)];
            let id = label.to_string();
            match plan.communities.iter_mut().find(|c| c.id == id) {
                Some(c) => c.geometry.0.push(cell.clone()),
                None => {
                    order.push(label);
                    plan.communities.push(Community {
                        id: id.clone(),
                        name: format!("{label}社区"),
                        kind: CommunityKind::Standard,
                        committee_size: Some(7),
                        full_time_staff: Some(40),
                        committees: Some(Committee::ALL.to_vec()),
                        service_center: Some(format!("{id}-centre")),
                        explanations: Default::default(),
                        geometry: MultiPolygon::new(vec![cell.clone()]),
                        extra: JsonObject::new(),
                    });
                    plan.centers.push(ServiceCenter {
                        id: format!("{id}-centre"),
                        name: format!("{label}社区党群服务中心"),
                        floor_area_m2: Some(2000.0),
                        services: Some(Service::ALL.to_vec()),
                        location: Point::new(x + CELL / 2.0, y + CELL / 2.0),
                        extra: JsonObject::new(),
                    });
                }
            }
            plan.grids.push(GridCell {
                id: format!("G{r}{k}"),
                code: Some(format!("G{r}-{k}")),
                geometry: MultiPolygon::new(vec![cell]),
                extra: JsonObject::new(),
            });
            plan.compounds.push(Compound {
                id: format!("K{r}{k}"),
                name: format!("{r}-{k}号小区"),
                households: households[r][k],
                planned_households: 0,
                property_management: Some(true),
                shape: CompoundShape::Area(MultiPolygon::new(vec![square(
                    x + CELL * 0.15,
                    y + CELL * 0.15,
                    CELL * 0.5,
                    CELL * 0.5,
                )])),
                extra: JsonObject::new(),
            });
        }
    }
    // Each community's cells merged in one overlay, then snapped as a session would.
    for c in &mut plan.communities {
        c.geometry = c.geometry.union(&MultiPolygon::new(vec![]));
    }
    crate::topology::Topology::build(&mut plan.communities);
    for (r, &y) in ys.iter().enumerate() {
        plan.barriers
            .push(road(format!("h{r}"), vec![(xs[0], y), (xs[cols], y)]));
    }
    for (k, &x) in xs.iter().enumerate() {
        plan.barriers
            .push(road(format!("v{k}"), vec![(x, ys[0]), (x, ys[rows])]));
    }
    plan
}
