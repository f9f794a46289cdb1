//! Geometric facts about a plan, computed once per evaluation: which
//! community holds each compound and grid cell, each community's shape
//! metrics, how much of its boundary follows barriers, its neighbours, the
//! overlaps and the gaps.
//!
//! The rules only read these facts; they never touch geometry themselves.
//! Each fact depends on a small, known part of the plan (one community and
//! what lies near it), which is what makes incremental re-evaluation possible.

use geo::coordinate_position::CoordPos;
use geo::{Area, BooleanOps, Coord, CoordinatePosition, Intersects, Line, LineString, MultiLineString, MultiPolygon, Polygon};
use rstar::RTree;

use crate::geodesy::Frame;
use crate::model::{CompoundShape, Plan};
use crate::profile::Profile;
use crate::spatial::{aabb, box_index, edge_index, grow, line_rect, rect_of, rings_lines, BoxItem, EdgeItem};

/// Share of a feature's area per community: `(community index, share)`, largest first.
pub type Shares = Vec<(usize, f64)>;

/// Marks street-outline segments in the barrier index.
const STREET: usize = usize::MAX;

#[derive(Debug, Clone, PartialEq)]
pub struct CommunityGeom {
    pub frame: Frame,
    pub area_m2: f64,
    pub perimeter_m: f64,
    pub polsby_popper: f64,
    /// Parts at least `sliver_m2` large.
    pub parts: usize,
    /// All parts but the largest, for highlighting.
    pub minor_parts: MultiPolygon,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BoundaryFacts {
    pub length_m: f64,
    /// Length within `barrier_snap_m` of a road, lane, river (or the street outline).
    pub on_barrier_m: f64,
    /// Stretches of boundary not along any barrier.
    pub off_barrier: MultiLineString,
    /// Neighbouring communities and the boundary length shared with each (m).
    pub neighbours: Vec<(usize, f64)>,
}

impl BoundaryFacts {
    pub fn barrier_share(&self) -> f64 {
        if self.length_m > 0.0 {
            (self.on_barrier_m / self.length_m).min(1.0)
        } else {
            0.0
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Overlap {
    pub a: usize,
    pub b: usize,
    pub area_m2: f64,
    pub geometry: MultiPolygon,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    pub geometry: Polygon,
    pub area_m2: f64,
    /// Communities touching the gap.
    pub neighbours: Vec<usize>,
}

/// Distances from a community's compounds to its service centre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CenterFacts {
    pub mean_m: f64,
    pub max_m: f64,
    pub share_beyond_radius: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub geom: Vec<CommunityGeom>,
    pub compound_shares: Vec<Shares>,
    pub grid_shares: Vec<Shares>,
    pub boundary: Vec<BoundaryFacts>,
    pub overlaps: Vec<Overlap>,
    pub gaps: Vec<Gap>,
    pub centers: Vec<Option<CenterFacts>>,
}

impl Analysis {
    /// The community holding the largest share of compound `i`, if any.
    pub fn compound_owner(&self, i: usize) -> Option<usize> {
        self.compound_shares[i].first().map(|s| s.0)
    }

    pub fn grid_owner(&self, i: usize) -> Option<usize> {
        self.grid_shares[i].first().map(|s| s.0)
    }

    /// Compounds owned by each community, in plan order.
    pub fn compounds_by_community(&self, n: usize) -> Vec<Vec<usize>> {
        owners(n, self.compound_shares.iter())
    }

    pub fn grids_by_community(&self, n: usize) -> Vec<Vec<usize>> {
        owners(n, self.grid_shares.iter())
    }
}

fn owners<'a>(n: usize, shares: impl Iterator<Item = &'a Shares>) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); n];
    for (i, s) in shares.enumerate() {
        if let Some(&(c, _)) = s.first() {
            out[c].push(i);
        }
    }
    out
}

/// The spatial indices an analysis needs.
pub struct Indices {
    pub boxes: RTree<BoxItem>,
    pub edges: RTree<EdgeItem>,
    pub barriers: RTree<EdgeItem>,
}

impl Indices {
    pub fn new(plan: &Plan, profile: &Profile) -> Indices {
        let comms = || plan.communities.iter().enumerate().map(|(i, c)| (i, &c.geometry));
        let mut barrier_items: Vec<EdgeItem> = plan
            .barriers
            .iter()
            .enumerate()
            .flat_map(|(i, b)| b.geometry.0.iter().flat_map(LineString::lines).map(move |line| EdgeItem { line, id: i }))
            .collect();
        if profile.boundary.street_outline_counts {
            for s in &plan.streets {
                barrier_items.extend(rings_lines(&s.geometry).map(|line| EdgeItem { line, id: STREET }));
            }
        }
        Indices { boxes: box_index(comms()), edges: edge_index(comms()), barriers: RTree::bulk_load(barrier_items) }
    }
}

/// Analyses a whole plan.
pub fn analyse(plan: &Plan, profile: &Profile) -> Analysis {
    let ix = Indices::new(plan, profile);
    let geom: Vec<CommunityGeom> = plan.communities.iter().map(|c| community_geom(&c.geometry, profile)).collect();
    let compound_shares = plan.compounds.iter().map(|c| compound_shares(plan, &ix, &c.shape)).collect();
    let grid_shares = plan.grids.iter().map(|g| area_shares(plan, &ix, &g.geometry)).collect();
    let boundary = (0..plan.communities.len()).map(|i| boundary_facts(plan, profile, &ix, &geom, i)).collect();
    let overlaps = overlaps(plan, &ix, &geom);
    let gaps = gaps(plan, profile, &ix);
    let mut a = Analysis { geom, compound_shares, grid_shares, boundary, overlaps, gaps, centers: Vec::new() };
    a.centers = center_facts(plan, profile, &a);
    a
}

pub fn community_geom(mp: &MultiPolygon, profile: &Profile) -> CommunityGeom {
    let frame = Frame::for_multipolygon(mp);
    let area_m2 = frame.area_m2(mp);
    let perimeter_m = frame.perimeter_m(mp);
    let polsby_popper = if perimeter_m > 0.0 { 4.0 * std::f64::consts::PI * area_m2 / (perimeter_m * perimeter_m) } else { 0.0 };
    let mut areas: Vec<(f64, &Polygon)> = mp.0.iter().map(|p| (p.unsigned_area() * frame.area_factor(), p)).collect();
    areas.sort_by(|a, b| b.0.total_cmp(&a.0));
    let parts = areas.iter().filter(|(a, _)| *a >= profile.boundary.sliver_m2).count().max(usize::from(!areas.is_empty()));
    let minor_parts = MultiPolygon::new(areas.iter().skip(1).map(|(_, p)| (*p).clone()).collect());
    CommunityGeom { frame, area_m2, perimeter_m, polsby_popper, parts, minor_parts }
}

pub fn compound_shares(plan: &Plan, ix: &Indices, shape: &CompoundShape) -> Shares {
    match shape {
        CompoundShape::Area(mp) => area_shares(plan, ix, mp),
        CompoundShape::Point(p) => {
            let env = rstar::AABB::from_point([p.x(), p.y()]);
            let mut hits: Vec<usize> = ix
                .boxes
                .locate_in_envelope_intersecting(&env)
                .map(|b| b.id)
                .filter(|&c| plan.communities[c].geometry.coordinate_position(&p.0) != CoordPos::Outside)
                .collect();
            hits.sort_unstable();
            hits.truncate(1);
            hits.into_iter().map(|c| (c, 1.0)).collect()
        }
    }
}

/// How the area of `target` divides among the communities.
///
/// A community whose boundary does not enter `target`'s bounding box holds all
/// of it or none, which one point decides; only the others need clipping.
pub fn area_shares(plan: &Plan, ix: &Indices, target: &MultiPolygon) -> Shares {
    let r = rect_of(target);
    let env = aabb(r);
    let mut out = Shares::new();
    let mut edgy: Vec<usize> = ix.edges.locate_in_envelope_intersecting(&env).map(|e| e.id).collect();
    edgy.sort_unstable();
    edgy.dedup();
    let total = target.unsigned_area();
    if total <= 0.0 {
        return out;
    }
    let probe = target.0.first().and_then(|p| p.exterior().0.first().copied());
    for b in ix.boxes.locate_in_envelope_intersecting(&env) {
        let c = &plan.communities[b.id].geometry;
        let share = if edgy.binary_search(&b.id).is_err() {
            match probe {
                Some(p) if c.coordinate_position(&p) == CoordPos::Inside => 1.0,
                _ => 0.0,
            }
        } else {
            c.intersection(target).unsigned_area() / total
        };
        if share > 1e-9 {
            out.push((b.id, share.min(1.0)));
        }
    }
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

/// Boundary length along barriers, off-barrier stretches and neighbours of community `i`.
pub fn boundary_facts(plan: &Plan, profile: &Profile, ix: &Indices, geom: &[CommunityGeom], i: usize) -> BoundaryFacts {
    let rules = &profile.boundary;
    let frame = geom[i].frame;
    let (bx, by) = frame.deg(rules.barrier_snap_m);
    let (ax, ay) = frame.deg(rules.adjacency_snap_m);
    let mut facts = BoundaryFacts { length_m: 0.0, on_barrier_m: 0.0, off_barrier: MultiLineString::new(vec![]), neighbours: Vec::new() };
    let mut shared: Vec<(usize, f64)> = Vec::new();
    let mut near_barrier: Vec<Line> = Vec::new();
    let mut near_edges: Vec<EdgeItem> = Vec::new();
    let mut hit_ids: Vec<usize> = Vec::new();
    let c = &plan.communities[i].geometry;
    for ring in c.0.iter().flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors())) {
        let mut run: Vec<Coord> = Vec::new();
        for l in ring.lines() {
            let len = frame.line_m(l);
            if len <= 0.0 {
                continue;
            }
            facts.length_m += len;
            let n = ((len / rules.boundary_sample_m).ceil() as usize).clamp(1, 256);
            let piece = len / n as f64;
            let samples = (0..n).map(|k| {
                let t = (k as f64 + 0.5) / n as f64;
                Coord { x: l.start.x + t * (l.end.x - l.start.x), y: l.start.y + t * (l.end.y - l.start.y) }
            });
            near_barrier.clear();
            near_barrier.extend(ix.barriers.locate_in_envelope_intersecting(&aabb(grow(line_rect(l), bx, by))).map(|e| e.line));
            near_edges.clear();
            near_edges.extend(ix.edges.locate_in_envelope_intersecting(&aabb(grow(line_rect(l), ax, ay))).filter(|e| e.id != i).copied());
            let mut on = 0usize;
            for p in samples {
                if near_barrier.iter().any(|b| frame.dist_to_line_m(p, *b) <= rules.barrier_snap_m) {
                    on += 1;
                }
                hit_ids.clear();
                hit_ids.extend(near_edges.iter().filter(|e| frame.dist_to_line_m(p, e.line) <= rules.adjacency_snap_m).map(|e| e.id));
                hit_ids.sort_unstable();
                hit_ids.dedup();
                for &id in &hit_ids {
                    match shared.iter_mut().find(|s| s.0 == id) {
                        Some(s) => s.1 += piece,
                        None => shared.push((id, piece)),
                    }
                }
            }
            facts.on_barrier_m += piece * on as f64;
            if on * 2 < n {
                if run.last() != Some(&l.start) {
                    flush(&mut run, &mut facts.off_barrier);
                    run.push(l.start);
                }
                run.push(l.end);
            } else {
                flush(&mut run, &mut facts.off_barrier);
            }
        }
        flush(&mut run, &mut facts.off_barrier);
    }
    shared.retain(|s| s.1 >= rules.adjacency_min_m);
    shared.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    facts.neighbours = shared;
    facts
}

fn flush(run: &mut Vec<Coord>, out: &mut MultiLineString) {
    if run.len() >= 2 {
        out.0.push(LineString::new(std::mem::take(run)));
    }
    run.clear();
}

/// Pairs of communities whose areas overlap, with the overlap.
pub fn overlaps(plan: &Plan, ix: &Indices, geom: &[CommunityGeom]) -> Vec<Overlap> {
    let mut out = Vec::new();
    for (a, c) in plan.communities.iter().enumerate() {
        let mut others: Vec<usize> = ix.boxes.locate_in_envelope_intersecting(&aabb(rect_of(&c.geometry))).map(|b| b.id).filter(|&b| b > a).collect();
        others.sort_unstable();
        for b in others {
            if let Some(o) = overlap(plan, geom, a, b) {
                out.push(o);
            }
        }
    }
    out
}

pub fn overlap(plan: &Plan, geom: &[CommunityGeom], a: usize, b: usize) -> Option<Overlap> {
    let inter = plan.communities[a].geometry.intersection(&plan.communities[b].geometry);
    let area_m2 = inter.unsigned_area() * geom[a].frame.area_factor();
    (area_m2 > 0.0).then_some(Overlap { a, b, area_m2, geometry: inter })
}

/// Areas covered by no community: inside the street outline when there is
/// one, else enclosed by communities.
pub fn gaps(plan: &Plan, profile: &Profile, ix: &Indices) -> Vec<Gap> {
    if plan.communities.is_empty() {
        return Vec::new();
    }
    let union = geo::unary_union(plan.communities.iter().map(|c| &c.geometry));
    let holes: Vec<Polygon> = if plan.streets.is_empty() {
        union.0.iter().flat_map(|p| p.interiors().iter().map(|r| Polygon::new(r.clone(), vec![]))).collect()
    } else {
        let street = geo::unary_union(plan.streets.iter().map(|s| &s.geometry));
        street.difference(&union).0
    };
    let mut out = Vec::new();
    for hole in holes {
        let frame = Frame::for_multipolygon(&MultiPolygon::new(vec![hole.clone()]));
        let area_m2 = hole.unsigned_area() * frame.area_factor();
        if area_m2 < profile.boundary.gap_tolerance_m2 {
            continue;
        }
        let r = rect_of(&MultiPolygon::new(vec![hole.clone()]));
        let (dx, dy) = frame.deg(profile.boundary.adjacency_snap_m);
        let mut neighbours: Vec<usize> = ix
            .boxes
            .locate_in_envelope_intersecting(&aabb(grow(r, dx, dy)))
            .map(|b| b.id)
            .filter(|&c| plan.communities[c].geometry.intersects(&hole))
            .collect();
        neighbours.sort_unstable();
        out.push(Gap { geometry: hole, area_m2, neighbours });
    }
    out
}

/// Household-weighted distances from each community's compounds to its centre.
pub fn center_facts(plan: &Plan, profile: &Profile, a: &Analysis) -> Vec<Option<CenterFacts>> {
    let by_community = a.compounds_by_community(plan.communities.len());
    by_community.iter().enumerate().map(|(i, compounds)| center_facts_of(plan, profile, a, compounds, i)).collect()
}

/// Distances from the compounds of community `i` to its service centre.
pub fn center_facts_of(plan: &Plan, profile: &Profile, _a: &Analysis, compounds: &[usize], i: usize) -> Option<CenterFacts> {
    let c = &plan.communities[i];
    let center = c.service_center.as_deref().and_then(|id| plan.center(id))?;
    let frame = Frame::at_lat(center.location.y());
    let (mut weight, mut sum, mut max, mut beyond) = (0.0, 0.0, 0.0f64, 0.0);
    for &k in compounds {
        let compound = &plan.compounds[k];
        let w = households_counted(compound, profile) as f64;
        let d = frame.dist_m(representative(&compound.shape), center.location.0);
        max = max.max(d);
        weight += w;
        sum += w * d;
        if d > profile.boundary.service_radius_m {
            beyond += w;
        }
    }
    (weight > 0.0).then(|| CenterFacts { mean_m: sum / weight, max_m: max, share_beyond_radius: beyond / weight })
}

/// Households the scale rules count for one compound.
pub fn households_counted(c: &crate::model::Compound, profile: &Profile) -> u64 {
    if profile.scale.count_planned {
        c.households_total()
    } else {
        u64::from(c.households)
    }
}

/// A point standing for a compound: its point, or a point inside its outline.
pub fn representative(shape: &CompoundShape) -> Coord {
    use geo::InteriorPoint;
    match shape {
        CompoundShape::Point(p) => p.0,
        CompoundShape::Area(mp) => mp.interior_point().map(|p| p.0).unwrap_or_else(|| Coord::zero()),
    }
}
