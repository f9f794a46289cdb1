//! The units of an adjustment and how they touch.
//!
//! 三（二）"不得打破现有网格划分" and "社区区域划分应以现有居住小区为基础": a
//! boundary never cuts a grid cell or a compound. The units are the grid
//! cells (the plan's own aim is "服务管理网格全面覆盖"), with the compounds whose
//! representative point lies in them; cells that one compound spans are one
//! unit. Whatever else a community holds — area outside every cell,
//! compounds outside every cell — stays with the part that keeps the
//! community's id. A community without cells cannot be adjusted this way:
//! its boundary would have to be drawn by hand.

use geo::coordinate_position::CoordPos;
use geo::{Area, BooleanOps, CoordinatePosition};

use crate::analysis::{households_counted, outline_facts, representative, Analysis, Indices};
use crate::geodesy::Frame;
use crate::model::{CompoundShape, Plan};
use crate::profile::Profile;
use crate::spatial::{box_tree, each_near, rect_of};

/// A grid cell (or cells one compound spans) and the households in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// Indices into `plan.grids`.
    pub cells: Vec<usize>,
    /// The community holding it (by the evaluation's shares).
    pub owner: Option<usize>,
    /// Households counted (existing and, when the profile says so, planned)
    /// of the compounds in it.
    pub households: u64,
    /// Compounds (indices) in it.
    pub compounds: Vec<usize>,
    /// Service centres (indices) standing in it.
    pub centers: Vec<usize>,
}

/// Two units touching, with the boundary they share.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    pub to: usize,
    pub shared_m: f64,
    /// Of `shared_m`, the part along a road, lane, river or the street outline.
    pub barrier_m: f64,
}

/// The units of a plan, who holds them, and their adjacency.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitGraph {
    pub units: Vec<Unit>,
    pub adj: Vec<Vec<Edge>>,
    /// Units held by each community.
    pub of: Vec<Vec<usize>>,
    /// Households of each community outside its cells (they stay with the
    /// part that keeps its id).
    pub residual: Vec<u64>,
}

impl UnitGraph {
    /// The units of `plan` as `analysis` assigns them.
    pub fn build(plan: &Plan, profile: &Profile, analysis: &Analysis) -> UnitGraph {
        let n = plan.communities.len();
        let boxes: Vec<_> = plan.grids.iter().map(|g| rect_of(&g.geometry)).collect();
        let tree = box_tree(&boxes, |r| *r);
        // Cells a compound spans are joined (union-find), so that no move cuts it.
        let mut parent: Vec<usize> = (0..plan.grids.len()).collect();
        let mut cell_of: Vec<Option<usize>> = vec![None; plan.compounds.len()];
        for (k, c) in plan.compounds.iter().enumerate() {
            let at = representative(&c.shape);
            each_near(&tree, geo::Rect::new(at, at), |g| {
                if cell_of[k].is_none()
                    && plan.grids[g].geometry.coordinate_position(&at) != CoordPos::Outside
                {
                    cell_of[k] = Some(g);
                }
            });
            let (Some(home), CompoundShape::Area(mp)) = (cell_of[k], &c.shape) else {
                continue;
            };
            let area = mp.unsigned_area();
            each_near(&tree, rect_of(mp), |g| {
                if g != home
                    && area > 0.0
                    && plan.grids[g].geometry.intersection(mp).unsigned_area() > SPAN * area
                {
                    let (a, b) = (find(&mut parent, home), find(&mut parent, g));
                    parent[a.max(b)] = a.min(b);
                }
            });
        }
        let mut unit_of_cell = vec![usize::MAX; plan.grids.len()];
        let mut units: Vec<Unit> = Vec::new();
        for g in 0..plan.grids.len() {
            let root = find(&mut parent, g);
            if unit_of_cell[root] == usize::MAX {
                unit_of_cell[root] = units.len();
                units.push(Unit {
                    cells: Vec::new(),
                    owner: analysis.grid_owner(root).filter(|&o| o < n),
                    households: 0,
                    compounds: Vec::new(),
                    centers: Vec::new(),
                });
            }
            unit_of_cell[g] = unit_of_cell[root];
            units[unit_of_cell[g]].cells.push(g);
        }
        let mut residual = vec![0u64; n];
        for (k, c) in plan.compounds.iter().enumerate() {
            let h = households_counted(c, profile);
            match cell_of[k] {
                Some(g) => {
                    let u = &mut units[unit_of_cell[g]];
                    u.households += h;
                    u.compounds.push(k);
                }
                None => {
                    if let Some(o) = analysis.compound_owner(k).filter(|&o| o < n) {
                        residual[o] += h;
                    }
                }
            }
        }
        for (k, x) in plan.centers.iter().enumerate() {
            let at = x.location.0;
            let mut cell = None;
            each_near(&tree, geo::Rect::new(at, at), |g| {
                if cell.is_none()
                    && plan.grids[g].geometry.coordinate_position(&at) != CoordPos::Outside
                {
                    cell = Some(g);
                }
            });
            if let Some(g) = cell {
                units[unit_of_cell[g]].centers.push(k);
            }
        }
        let mut of = vec![Vec::new(); n];
        for (u, unit) in units.iter().enumerate() {
            if let Some(o) = unit.owner {
                of[o].push(u);
            }
        }
        UnitGraph {
            adj: adjacency(plan, profile, &unit_of_cell, units.len()),
            units,
            of,
            residual,
        }
    }

    /// Households of community `c` as the cells count them.
    pub fn households(&self, c: usize) -> u64 {
        self.residual[c]
            + self.of[c]
                .iter()
                .map(|&u| self.units[u].households)
                .sum::<u64>()
    }

    /// Whether unit `u` holds the service centre community `c` names.
    pub fn holds_centre_of(&self, plan: &Plan, u: usize, c: usize) -> bool {
        let named = plan
            .communities
            .get(c)
            .and_then(|c| c.service_center.as_deref());
        self.units[u]
            .centers
            .iter()
            .any(|&k| named == Some(plan.centers[k].id.as_str()))
    }

    /// Whether the units `set` (sorted) are connected through the adjacency.
    pub fn connected(&self, set: &[usize]) -> bool {
        let Some(&start) = set.first() else {
            return true;
        };
        let mut seen = vec![false; set.len()];
        seen[0] = true;
        let mut stack = vec![start];
        let mut reached = 1;
        while let Some(u) = stack.pop() {
            for e in &self.adj[u] {
                if let Ok(i) = set.binary_search(&e.to) {
                    if !seen[i] {
                        seen[i] = true;
                        reached += 1;
                        stack.push(e.to);
                    }
                }
            }
        }
        reached == set.len()
    }
}

/// A compound spans a second cell when more than this share of it lies there.
const SPAN: f64 = 0.05;

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// Shared boundary (and how much of it lies along barriers) between every
/// pair of touching units, measured as the rules measure communities'.
fn adjacency(plan: &Plan, profile: &Profile, unit_of_cell: &[usize], n: usize) -> Vec<Vec<Edge>> {
    let shapes: Vec<_> = plan.grids.iter().map(|g| &g.geometry).collect();
    let ix = Indices::of_outlines(&shapes, plan, profile);
    let mut adj: Vec<Vec<Edge>> = vec![Vec::new(); n];
    for (g, mp) in shapes.iter().enumerate() {
        let facts = outline_facts(mp, Frame::for_multipolygon(mp), profile, &ix, g);
        let u = unit_of_cell[g];
        for (&(h, shared_m), &barrier_m) in
            facts.neighbours.iter().zip(&facts.neighbours_on_barrier_m)
        {
            let v = unit_of_cell[h];
            if v == u {
                continue;
            }
            match adj[u].iter_mut().find(|e| e.to == v) {
                Some(e) => {
                    e.shared_m += shared_m;
                    e.barrier_m += barrier_m;
                }
                None => adj[u].push(Edge {
                    to: v,
                    shared_m,
                    barrier_m,
                }),
            }
        }
    }
    for edges in &mut adj {
        crate::order::sort_by_key(edges, |e| (e.to as u64, 0));
    }
    adj
}
