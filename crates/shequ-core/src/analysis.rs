//! Geometric facts about a plan, computed once per evaluation: which
//! community holds each compound and grid cell, each community's shape
//! metrics, how much of its boundary follows barriers, its neighbours, the
//! overlaps and the gaps.
//!
//! The rules only read these facts; they never touch geometry themselves.
//! Each fact depends on a small, known part of the plan (one community and
//! what lies near it), which is what makes incremental re-evaluation possible.

use std::collections::HashMap;

use geo::coordinate_position::CoordPos;
use geo::kernels::{Kernel, Orientation};
use geo::{
    Area, BooleanOps, BoundingRect, Centroid, Coord, CoordinatePosition, GeoNum, InteriorPoint,
    Intersects, Line, LineString, MultiLineString, MultiPolygon, Point, Polygon, Rect,
};
use rstar::RTree;

use crate::geodesy::Frame;
use crate::model::{CompoundShape, Plan, ServiceCenter};
use crate::profile::Profile;
use crate::spatial::{
    box_tree, chains, each_near, enters_interior, grow, line_rect, polygon_lines, rect_of,
    ring_chains, rings_lines, BoxItem, Chain,
};

/// Share of a feature's area per community: `(community index, share)`, largest first.
pub type Shares = Vec<(usize, f64)>;

/// Marks street-outline segments in the barrier index.
pub const STREET: usize = usize::MAX;

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
    /// A point strictly inside each part that has one.
    pub inside: Vec<Coord>,
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
    /// Of each neighbour's shared length (same order), the part along a
    /// barrier (m): what a new boundary there would follow.
    pub neighbours_on_barrier_m: Vec<f64>,
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

/// The spatial indices an analysis needs, and the compounds and grid cells
/// prepared for it (they never change during a session).
///
/// Community outlines are kept per community and found through the
/// communities' boxes: a search of ~1,000 boxes and then of one outline's
/// few runs is quicker than a search of a tree of every run, and an edit
/// replaces one community's runs without touching a tree.
pub struct Indices {
    /// Communities' bounding boxes.
    pub boxes: RTree<BoxItem>,
    /// Each community's bounding box as indexed, for removal.
    pub rects: Vec<Rect>,
    /// Each community's outline as runs of segments.
    pub outlines: Vec<Vec<Chain>>,
    /// Roads, lanes, rivers and, when it counts, the street outline
    /// ([`STREET`]), as runs of segments…
    pub barrier_runs: Vec<Chain>,
    /// …found by their boxes.
    pub barriers: RTree<BoxItem>,
    pub compounds: Vec<Prepared>,
    pub grids: Vec<Prepared>,
    /// Service centres by id: `Plan::center` searches them one by one.
    pub centers: HashMap<String, usize>,
}

impl Indices {
    pub fn new(plan: &Plan, profile: &Profile) -> Indices {
        let shapes: Vec<&MultiPolygon> = plan.communities.iter().map(|c| &c.geometry).collect();
        let mut ix = Indices::of_outlines(&shapes, plan, profile);
        ix.compounds = plan
            .compounds
            .iter()
            .map(|c| Prepared::new(&c.shape))
            .collect();
        ix.grids = plan
            .grids
            .iter()
            .map(|g| Prepared::area(&g.geometry))
            .collect();
        ix.centers = plan
            .centers
            .iter()
            .enumerate()
            .map(|(k, c)| (c.id.clone(), k))
            .collect();
        ix
    }

    /// The outlines of `shapes` (in place of the communities) with the plan's
    /// roads, lanes, rivers and street outline: enough for [`outline_facts`].
    pub fn of_outlines(shapes: &[&MultiPolygon], plan: &Plan, profile: &Profile) -> Indices {
        let mut barrier_items: Vec<Chain> = plan
            .barriers
            .iter()
            .enumerate()
            .flat_map(|(i, b)| b.geometry.0.iter().flat_map(move |l| chains(l, i)))
            .collect();
        if profile.boundary.street_outline_counts {
            for s in &plan.streets {
                barrier_items.extend(ring_chains(&s.geometry, STREET));
            }
        }
        let rects: Vec<Rect> = shapes.iter().map(|mp| rect_of(mp)).collect();
        Indices {
            boxes: box_tree(&rects, |r| *r),
            rects,
            outlines: shapes
                .iter()
                .enumerate()
                .map(|(i, mp)| ring_chains(mp, i).collect())
                .collect(),
            barriers: box_tree(&barrier_items, |c| c.rect),
            barrier_runs: barrier_items,
            compounds: Vec::new(),
            grids: Vec::new(),
            centers: HashMap::new(),
        }
    }

    /// The service centre with id `id`. Centres keep their ids and places
    /// while a session edits them, but a stale entry falls back to a search.
    pub fn center<'p>(&self, plan: &'p Plan, id: &str) -> Option<&'p ServiceCenter> {
        match self.centers.get(id).and_then(|&k| plan.centers.get(k)) {
            Some(c) if c.id == id => Some(c),
            _ => plan.center(id),
        }
    }

    /// After the outline of community `i` changed to `mp`.
    pub fn update_community(&mut self, i: usize, mp: &MultiPolygon) {
        self.boxes.remove(&BoxItem {
            rect: self.rects[i],
            id: i,
        });
        self.rects[i] = rect_of(mp);
        self.boxes.insert(BoxItem {
            rect: self.rects[i],
            id: i,
        });
        self.outlines[i] = ring_chains(mp, i).collect();
    }

    /// The communities whose boxes meet `r`, in no particular order.
    pub fn communities_near(&self, r: Rect, f: impl FnMut(usize)) {
        each_near(&self.boxes, r, f);
    }

    /// The barrier runs whose boxes meet `r`, in no particular order.
    pub fn barriers_near<'a>(&'a self, r: Rect, mut f: impl FnMut(&'a Chain)) {
        each_near(&self.barriers, r, |k| f(&self.barrier_runs[k]));
    }

    /// Where `p` lies relative to community `c` (whose outline is `mp`):
    /// `mp.coordinate_position(p)`, but only the runs of the outline level
    /// with `p` and not wholly left of it are looked at — the others cannot
    /// meet the ray the winding number counts along.
    pub fn position_in(&self, c: usize, mp: &MultiPolygon, p: Coord) -> CoordPos {
        match mp.0.as_slice() {
            [poly] if poly.interiors().is_empty() && poly.exterior().0.len() > 1 => {
                winding(&self.outlines[c], p)
            }
            _ => mp.coordinate_position(&p),
        }
    }
}

/// `geo`'s `coord_pos_relative_to_ring` (winding number, boundary first) over
/// the runs of one closed ring, skipping runs that cannot count.
fn winding(ring: &[Chain], p: Coord) -> CoordPos {
    let mut winding = 0i32;
    for chain in ring {
        let r = chain.rect;
        if p.y < r.min().y || p.y > r.max().y || r.max().x < p.x {
            continue;
        }
        for l in chain.lines() {
            let (up, down) = (
                l.start.y <= p.y && l.end.y >= p.y,
                l.start.y > p.y && l.end.y <= p.y,
            );
            if !up && !down {
                continue;
            }
            let o = <f64 as GeoNum>::Ker::orient2d(l.start, l.end, p);
            let between = || p.x >= l.start.x.min(l.end.x) && p.x <= l.start.x.max(l.end.x);
            if o == Orientation::Collinear && between() {
                return CoordPos::OnBoundary;
            }
            if up && o == Orientation::CounterClockwise && l.end.y != p.y {
                winding += 1;
            } else if down && o == Orientation::Clockwise {
                winding -= 1;
            }
        }
    }
    if winding == 0 {
        CoordPos::Outside
    } else {
        CoordPos::Inside
    }
}

/// A compound or grid cell measured once: its box, its area, a point strictly
/// inside each polygon, and the point standing for it in distances.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub rect: Option<Rect>,
    /// Unsigned area in square degrees.
    pub area: f64,
    pub parts: Vec<PreparedPart>,
    /// See [`representative`].
    pub point: Coord,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PreparedPart {
    /// Which polygon of the outline.
    pub index: usize,
    pub rect: Rect,
    pub area: f64,
    /// `None` where no point strictly inside was found (a degenerate part):
    /// such a part is always clipped.
    pub inside: Option<Coord>,
}

impl Prepared {
    pub fn new(shape: &CompoundShape) -> Prepared {
        match shape {
            CompoundShape::Area(mp) => Prepared::area(mp),
            CompoundShape::Point(p) => Prepared {
                rect: Some(Rect::new(p.0, p.0)),
                area: 0.0,
                parts: Vec::new(),
                point: p.0,
            },
        }
    }

    pub fn area(mp: &MultiPolygon) -> Prepared {
        let parts: Vec<PreparedPart> =
            mp.0.iter()
                .enumerate()
                .filter_map(|(index, p)| {
                    Some(PreparedPart {
                        index,
                        rect: p.bounding_rect()?,
                        area: p.unsigned_area(),
                        inside: point_inside(p),
                    })
                })
                .collect();
        let point = match parts.as_slice() {
            [only] => only.inside,
            _ => point_inside(mp),
        };
        let point = point
            .or_else(|| mp.interior_point().map(|p| p.0))
            .unwrap_or_else(Coord::zero);
        Prepared {
            rect: mp.bounding_rect(),
            area: parts.iter().map(|p| p.area).sum(),
            parts,
            point,
        }
    }
}

/// A point strictly inside `g`: its centroid when that is inside (any convex
/// outline), else the interior point `geo` finds, if that is strictly inside.
/// The centroid comes first because it is cheap: `geo`'s interior point
/// costs a DE-9IM relate per polygon.
fn point_inside<G>(g: &G) -> Option<Coord>
where
    G: Centroid<Output = Option<Point>>
        + InteriorPoint<Output = Option<Point>>
        + CoordinatePosition<Scalar = f64>,
{
    let strictly = |c: &Coord| g.coordinate_position(c) == CoordPos::Inside;
    g.centroid()
        .map(|p| p.0)
        .filter(strictly)
        .or_else(|| g.interior_point().map(|p| p.0).filter(strictly))
}

/// Analyses a whole plan.
pub fn analyse(plan: &Plan, profile: &Profile) -> Analysis {
    analyse_indexed(plan, profile, &Indices::new(plan, profile))
}

/// Analyses a whole plan with indices already built for it.
pub fn analyse_indexed(plan: &Plan, profile: &Profile, ix: &Indices) -> Analysis {
    let geom: Vec<CommunityGeom> = plan
        .communities
        .iter()
        .map(|c| community_geom(&c.geometry, profile))
        .collect();
    let compound_shares = (0..plan.compounds.len())
        .map(|k| compound_shares(plan, ix, k))
        .collect();
    let grid_shares = (0..plan.grids.len())
        .map(|k| grid_shares(plan, ix, k))
        .collect();
    let boundary = (0..plan.communities.len())
        .map(|i| boundary_facts(plan, profile, ix, &geom, i))
        .collect();
    let overlaps = overlaps(plan, ix, &geom);
    let gaps = gaps(plan, profile, ix);
    let mut a = Analysis {
        geom,
        compound_shares,
        grid_shares,
        boundary,
        overlaps,
        gaps,
        centers: Vec::new(),
    };
    a.centers = center_facts(plan, profile, ix, &a);
    a
}

pub fn community_geom(mp: &MultiPolygon, profile: &Profile) -> CommunityGeom {
    let frame = Frame::for_multipolygon(mp);
    let area_m2 = frame.area_m2(mp);
    let perimeter_m = frame.perimeter_m(mp);
    let polsby_popper = if perimeter_m > 0.0 {
        4.0 * std::f64::consts::PI * area_m2 / (perimeter_m * perimeter_m)
    } else {
        0.0
    };
    let mut areas: Vec<(f64, &Polygon)> =
        mp.0.iter()
            .map(|p| (p.unsigned_area() * frame.area_factor(), p))
            .collect();
    crate::order::sort_by_key(&mut areas, |a| (crate::order::desc(a.0), 0));
    let parts = areas
        .iter()
        .filter(|(a, _)| *a >= profile.boundary.sliver_m2)
        .count()
        .max(usize::from(!areas.is_empty()));
    let minor_parts = MultiPolygon::new(areas.iter().skip(1).map(|(_, p)| (*p).clone()).collect());
    let inside = mp.0.iter().filter_map(point_inside).collect();
    CommunityGeom {
        frame,
        area_m2,
        perimeter_m,
        polsby_popper,
        parts,
        minor_parts,
        inside,
    }
}

/// How compound `k` divides among the communities.
pub fn compound_shares(plan: &Plan, ix: &Indices, k: usize) -> Shares {
    match &plan.compounds[k].shape {
        CompoundShape::Area(mp) => area_shares(plan, ix, mp, &ix.compounds[k]),
        CompoundShape::Point(p) => {
            // The first community in plan order that holds the point.
            let mut first: Option<usize> = None;
            ix.communities_near(Rect::new(p.0, p.0), |c| {
                if first.is_none_or(|f| c < f)
                    && ix.position_in(c, &plan.communities[c].geometry, p.0) != CoordPos::Outside
                {
                    first = Some(c);
                }
            });
            first.into_iter().map(|c| (c, 1.0)).collect()
        }
    }
}

/// How grid cell `k` divides among the communities.
pub fn grid_shares(plan: &Plan, ix: &Indices, k: usize) -> Shares {
    area_shares(plan, ix, &plan.grids[k].geometry, &ix.grids[k])
}

/// How the area of `target` (prepared as `prep`) divides among the communities.
///
/// Where no edge of a community enters a part of the target, the part lies
/// wholly inside or wholly outside it, and the point inside the part decides;
/// only parts a community's outline actually cuts are clipped.
pub fn area_shares(plan: &Plan, ix: &Indices, target: &MultiPolygon, prep: &Prepared) -> Shares {
    let Some(rect) = prep.rect.filter(|_| prep.area > 0.0) else {
        return Shares::new();
    };
    let mut out: Shares = Vec::new();
    ix.communities_near(rect, |c| out.push((c, 0.0)));
    for part in &prep.parts {
        let poly = &target.0[part.index];
        // The part's sides, collected when first needed.
        let mut sides: Vec<Line> = Vec::new();
        for (c, area) in out.iter_mut() {
            *area += area_within(plan, ix, *c, poly, part, &mut sides);
        }
    }
    out.retain_mut(|(_, area)| {
        *area = (*area / prep.area).min(1.0);
        // A hair of overlap (an overlay moves coordinates by micrometres) is not a share.
        *area > 1e-6
    });
    crate::order::sort_by_key(&mut out, |a| (crate::order::desc(a.1), a.0 as u64));
    out
}

/// The area of `poly` (prepared as `part`, with `sides` as a cache of its
/// sides) inside community `c`.
fn area_within(
    plan: &Plan,
    ix: &Indices,
    c: usize,
    poly: &Polygon,
    part: &PreparedPart,
    sides: &mut Vec<Line>,
) -> f64 {
    if !ix.rects[c].intersects(&part.rect) {
        return 0.0;
    }
    let near = ix.outlines[c]
        .iter()
        .filter(|ch| ch.rect.intersects(&part.rect))
        .flat_map(Chain::lines);
    let mut near = near
        .filter(|l| line_rect(*l).intersects(&part.rect))
        .peekable();
    if near.peek().is_some() && sides.is_empty() {
        sides.extend(polygon_lines(poly));
    }
    let inside = |p: Coord| poly.coordinate_position(&p) == CoordPos::Inside;
    let community = &plan.communities[c].geometry;
    match part.inside {
        Some(p) if !near.any(|l| enters_interior(l, sides, inside)) => {
            if ix.rects[c].intersects(&p) && ix.position_in(c, community, p) == CoordPos::Inside {
                part.area
            } else {
                0.0
            }
        }
        _ => community.intersection(poly).unsigned_area(),
    }
}

/// Boundary length along barriers, off-barrier stretches and neighbours of community `i`.
///
/// Each edge is sampled every `boundary_sample_m`; see `samples_within` for
/// why most edges need no sampling at all. The indices are searched once per
/// run of edges ([`Chain`]) rather than per edge, which halves the cost.
pub fn boundary_facts(
    plan: &Plan,
    profile: &Profile,
    ix: &Indices,
    geom: &[CommunityGeom],
    i: usize,
) -> BoundaryFacts {
    outline_facts(&plan.communities[i].geometry, geom[i].frame, profile, ix, i)
}

/// [`boundary_facts`] of shape `c`, the `i`-th outline of `ix` (communities,
/// or any other shapes indexed the same way, such as the units of
/// [`crate::adjust`]).
pub fn outline_facts(
    c: &MultiPolygon,
    frame: Frame,
    profile: &Profile,
    ix: &Indices,
    i: usize,
) -> BoundaryFacts {
    let rules = &profile.boundary;
    let (bx, by) = frame.deg(rules.barrier_snap_m);
    let (ax, ay) = frame.deg(rules.adjacency_snap_m);
    let mut facts = BoundaryFacts {
        length_m: 0.0,
        on_barrier_m: 0.0,
        off_barrier: MultiLineString::new(vec![]),
        neighbours: Vec::new(),
        neighbours_on_barrier_m: Vec::new(),
    };
    let mut shared: Vec<(usize, f64, f64)> = Vec::new();
    // Per run of the outline: the barrier runs and the other communities'
    // runs within reach of it; per edge, their segments within reach of it.
    let (mut barriers, mut theirs): (Vec<&Chain>, Vec<&Chain>) = (Vec::new(), Vec::new());
    let mut near: Vec<Line> = Vec::new();
    for ring in
        c.0.iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
    {
        let mut run: Vec<Coord> = Vec::new();
        for chain in chains(ring, i) {
            barriers.clear();
            ix.barriers_near(grow(chain.rect, bx, by), |b| barriers.push(b));
            // Each community's runs are pushed together, so they form one
            // group for `chunk_by` below.
            let reach = grow(chain.rect, ax, ay);
            theirs.clear();
            ix.communities_near(reach, |e| {
                if e != i {
                    theirs.extend(ix.outlines[e].iter().filter(|r| r.rect.intersects(&reach)));
                }
            });
            for l in chain.lines() {
                let len = frame.line_m(l);
                if len <= 0.0 {
                    continue;
                }
                facts.length_m += len;
                let n = ((len / rules.boundary_sample_m).ceil() as usize).clamp(1, 256);
                let piece = len / n as f64;
                let within = |runs: &[&Chain], reach_m: f64, (dx, dy), near: &mut Vec<Line>| {
                    samples_within(frame, l, n, runs, grow(line_rect(l), dx, dy), reach_m, near)
                };
                let on = within(&barriers, rules.barrier_snap_m, (bx, by), &mut near);
                facts.on_barrier_m += piece * on as f64;
                for group in theirs.chunk_by(|a, b| a.id == b.id) {
                    let hits = within(group, rules.adjacency_snap_m, (ax, ay), &mut near);
                    if hits > 0 {
                        let m = piece * hits as f64;
                        add_shared(&mut shared, group[0].id, m, piece * hits.min(on) as f64);
                    }
                }
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
        }
        flush(&mut run, &mut facts.off_barrier);
    }
    shared.retain(|s| s.1 >= rules.adjacency_min_m);
    crate::order::sort_by_key(&mut shared, |s| (crate::order::desc(s.1), s.0 as u64));
    facts.neighbours = shared.iter().map(|s| (s.0, s.1)).collect();
    facts.neighbours_on_barrier_m = shared.iter().map(|s| s.2).collect();
    facts
}

fn add_shared(shared: &mut Vec<(usize, f64, f64)>, id: usize, m: f64, on_barrier_m: f64) {
    match shared.iter_mut().find(|s| s.0 == id) {
        Some(s) => {
            s.1 += m;
            s.2 += on_barrier_m;
        }
        None => shared.push((id, m, on_barrier_m)),
    }
}

/// How many of the `n` samples of `l` (the midpoints of its `n` equal pieces)
/// lie within `reach_m` of a segment of `runs` (only segments whose boxes meet
/// `reach`, the box of `l` grown by `reach_m`, can be; `near` is scratch).
///
/// The distance from a point moving along `l` to a fixed segment is a convex
/// function, so where both ends of `l` are within reach of one segment, so is
/// every sample: then the answer is `n` without sampling. Most edges of a plan
/// drawn along roads and shared outlines are settled that way, often at the
/// first segment looked at.
fn samples_within(
    frame: Frame,
    l: Line,
    n: usize,
    runs: &[&Chain],
    reach: Rect,
    reach_m: f64,
    near: &mut Vec<Line>,
) -> usize {
    let within = |p: Coord, s: &Line| frame.dist_to_line_m(p, *s) <= reach_m;
    near.clear();
    for run in runs.iter().filter(|run| run.rect.intersects(&reach)) {
        for s in run.lines().filter(|s| line_rect(*s).intersects(&reach)) {
            if within(l.start, &s) && within(l.end, &s) {
                return n;
            }
            near.push(s);
        }
    }
    if near.is_empty() {
        return 0;
    }
    (0..n)
        .filter(|&k| {
            let t = (k as f64 + 0.5) / n as f64;
            let p = Coord {
                x: l.start.x + t * (l.end.x - l.start.x),
                y: l.start.y + t * (l.end.y - l.start.y),
            };
            near.iter().any(|s| within(p, s))
        })
        .count()
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
        let mut others: Vec<usize> = Vec::new();
        ix.communities_near(rect_of(&c.geometry), |b| {
            if b > a {
                others.push(b);
            }
        });
        others.sort_unstable();
        for b in others {
            if let Some(o) = overlap(plan, geom, a, b) {
                out.push(o);
            }
        }
    }
    out
}

/// The overlap of communities `a` and `b`, if their areas overlap.
///
/// Neighbours share outlines but not area: only pairs that `interiors_meet`
/// are clipped.
pub fn overlap(plan: &Plan, geom: &[CommunityGeom], a: usize, b: usize) -> Option<Overlap> {
    if !interiors_meet(plan, geom, a, b) {
        return None;
    }
    let inter = plan.communities[a]
        .geometry
        .intersection(&plan.communities[b].geometry);
    let area_m2 = inter.unsigned_area() * geom[a].frame.area_factor();
    (area_m2 > 0.0).then_some(Overlap {
        a,
        b,
        area_m2,
        geometry: inter,
    })
}

/// Whether the interiors of communities `a` and `b` meet.
///
/// If no edge of `a` enters `b`, each part of `b` lies wholly inside `a` or
/// wholly outside it, which the part's inside point decides.
fn interiors_meet(plan: &Plan, geom: &[CommunityGeom], a: usize, b: usize) -> bool {
    let (ca, cb) = (&plan.communities[a].geometry, &plan.communities[b].geometry);
    let (Some(ra), Some(rb)) = (ca.bounding_rect(), cb.bounding_rect()) else {
        return false;
    };
    if !ra.intersects(&rb) {
        return false;
    }
    let theirs: Vec<Line> = rings_lines(cb)
        .filter(|l| line_rect(*l).intersects(&ra))
        .collect();
    let inside_b = |p: Coord| cb.coordinate_position(&p) == CoordPos::Inside;
    let enters = rings_lines(ca)
        .filter(|l| line_rect(*l).intersects(&rb))
        .any(|e| enters_interior(e, &theirs, inside_b));
    enters
        || geom[b]
            .inside
            .iter()
            .any(|p| ca.coordinate_position(p) == CoordPos::Inside)
}

/// Areas covered by no community: inside the street outline when there is
/// one, else enclosed by communities.
pub fn gaps(plan: &Plan, profile: &Profile, ix: &Indices) -> Vec<Gap> {
    if plan.communities.is_empty() {
        return Vec::new();
    }
    let union = geo::unary_union(plan.communities.iter().map(|c| &c.geometry));
    let holes: Vec<Polygon> = if plan.streets.is_empty() {
        union
            .0
            .iter()
            .flat_map(|p| {
                p.interiors()
                    .iter()
                    .map(|r| Polygon::new(r.clone(), vec![]))
            })
            .collect()
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
        let mut neighbours: Vec<usize> = Vec::new();
        ix.communities_near(grow(r, dx, dy), |c| {
            if plan.communities[c].geometry.intersects(&hole) {
                neighbours.push(c);
            }
        });
        neighbours.sort_unstable();
        out.push(Gap {
            geometry: hole,
            area_m2,
            neighbours,
        });
    }
    out
}

/// Household-weighted distances from each community's compounds to its centre.
pub fn center_facts(
    plan: &Plan,
    profile: &Profile,
    ix: &Indices,
    a: &Analysis,
) -> Vec<Option<CenterFacts>> {
    let by_community = a.compounds_by_community(plan.communities.len());
    by_community
        .iter()
        .enumerate()
        .map(|(i, compounds)| center_facts_of(plan, profile, ix, compounds, i))
        .collect()
}

/// Distances from the compounds of community `i` to its service centre.
pub fn center_facts_of(
    plan: &Plan,
    profile: &Profile,
    ix: &Indices,
    compounds: &[usize],
    i: usize,
) -> Option<CenterFacts> {
    let c = &plan.communities[i];
    let center = c
        .service_center
        .as_deref()
        .and_then(|id| ix.center(plan, id))?;
    let frame = Frame::at_lat(center.location.y());
    let (mut weight, mut sum, mut max, mut beyond) = (0.0, 0.0, 0.0f64, 0.0);
    for &k in compounds {
        let compound = &plan.compounds[k];
        let w = households_counted(compound, profile) as f64;
        let d = frame.dist_m(ix.compounds[k].point, center.location.0);
        max = max.max(d);
        weight += w;
        sum += w * d;
        if d > profile.boundary.service_radius_m {
            beyond += w;
        }
    }
    (weight > 0.0).then(|| CenterFacts {
        mean_m: sum / weight,
        max_m: max,
        share_beyond_radius: beyond / weight,
    })
}

/// Households the scale rules count for one compound.
pub fn households_counted(c: &crate::model::Compound, profile: &Profile) -> u64 {
    if profile.scale.count_planned {
        c.households_total()
    } else {
        u64::from(c.households)
    }
}

/// A point standing for a compound in distances: its point, or a point
/// inside its outline (the centroid where that is inside).
pub fn representative(shape: &CompoundShape) -> Coord {
    Prepared::new(shape).point
}
