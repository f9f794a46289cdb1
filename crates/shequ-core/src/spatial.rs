//! R-tree indices over bounding boxes and boundary segments (rstar), and the
//! segment test the analysis uses to avoid clipping polygons.

use geo::line_intersection::{line_intersection, LineIntersection};
use geo::{BoundingRect, Coord, Intersects, Line, LineString, MultiPolygon, Polygon, Rect};
use rstar::{RTree, RTreeObject, AABB};

/// A bounding box owned by feature `id`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoxItem {
    pub rect: Rect,
    pub id: usize,
}

impl RTreeObject for BoxItem {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        aabb(self.rect)
    }
}

/// An R-tree of the boxes of `items`, each [`BoxItem`] naming its item by
/// index. Every index of the engine is a tree of this one type, whatever it
/// indexes: the tree's code is generated once (the WebAssembly engine is
/// that much smaller) and its nodes stay small however large the items.
pub fn box_tree<T>(items: &[T], rect: impl Fn(&T) -> Rect) -> RTree<BoxItem> {
    RTree::bulk_load(
        items
            .iter()
            .enumerate()
            .map(|(id, t)| BoxItem { rect: rect(t), id })
            .collect(),
    )
}

/// Calls `f` with the index of every item of `tree` whose box meets `r`, in
/// no particular order.
pub fn each_near(tree: &RTree<BoxItem>, r: Rect, mut f: impl FnMut(usize)) {
    until_near(tree, r, &mut |k| {
        f(k);
        false
    });
}

/// Calls `f` with the index of each item of `tree` whose box meets `r` until
/// it returns `true`; whether it did.
///
/// The search visits the tree with a closure of one type whatever `f` is
/// (`dyn`), so its code exists once (see [`box_tree`]).
pub fn until_near(tree: &RTree<BoxItem>, r: Rect, f: &mut dyn FnMut(usize) -> bool) -> bool {
    use std::ops::ControlFlow;
    tree.locate_in_envelope_intersecting_int(&aabb(r), |b| {
        if f(b.id) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .is_break()
}

/// How many consecutive segments one [`Chain`] holds.
pub const CHAIN: usize = 8;

/// Up to [`CHAIN`] consecutive segments of one ring or line of feature `id`.
///
/// Indexing runs of segments instead of single segments makes a tree several
/// times smaller and quicker to build (a full evaluation builds two of ~50,000
/// segments each at city scale), while a run that follows one outline has a
/// box little larger than its segments'. Searches return runs; their
/// [`Chain::lines`] are then filtered as needed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Chain {
    pub id: usize,
    pub rect: Rect,
    len: u8,
    pts: [Coord; CHAIN + 1],
}

impl Chain {
    /// The segments of the run, in order.
    pub fn lines(&self) -> impl Iterator<Item = Line> + '_ {
        self.pts[..=usize::from(self.len)]
            .windows(2)
            .map(|w| Line::new(w[0], w[1]))
    }
}

/// The line string `ls` of feature `id` cut into runs of at most [`CHAIN`] segments.
pub fn chains(ls: &LineString, id: usize) -> impl Iterator<Item = Chain> + '_ {
    let segments = ls.0.len().saturating_sub(1);
    (0..segments).step_by(CHAIN).map(move |from| {
        let run = &ls.0[from..=(from + CHAIN).min(segments)];
        let mut pts = [Coord::zero(); CHAIN + 1];
        pts[..run.len()].copy_from_slice(run);
        let rect = run.iter().fold(Rect::new(run[0], run[0]), |r, c| {
            Rect::new(
                Coord {
                    x: r.min().x.min(c.x),
                    y: r.min().y.min(c.y),
                },
                Coord {
                    x: r.max().x.max(c.x),
                    y: r.max().y.max(c.y),
                },
            )
        });
        Chain {
            id,
            rect,
            len: (run.len() - 1) as u8,
            pts,
        }
    })
}

/// Every ring of `mp` (feature `id`) as runs of segments.
pub fn ring_chains(mp: &MultiPolygon, id: usize) -> impl Iterator<Item = Chain> + '_ {
    mp.0.iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(move |r| chains(r, id))
}

pub fn aabb(r: Rect) -> AABB<[f64; 2]> {
    AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y])
}

/// `r` grown by `dx`, `dy` on every side.
pub fn grow(r: Rect, dx: f64, dy: f64) -> Rect {
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

/// The smallest box holding both `a` and `b`.
pub fn union_rect(a: Rect, b: Rect) -> Rect {
    Rect::new(
        Coord {
            x: a.min().x.min(b.min().x),
            y: a.min().y.min(b.min().y),
        },
        Coord {
            x: a.max().x.max(b.max().x),
            y: a.max().y.max(b.max().y),
        },
    )
}

pub fn rect_of(mp: &MultiPolygon) -> Rect {
    mp.bounding_rect()
        .unwrap_or_else(|| Rect::new(Coord::zero(), Coord::zero()))
}

pub fn line_rect(l: Line) -> Rect {
    Rect::new(l.start, l.end)
}

/// Every segment of every ring of `mp`.
pub fn rings_lines(mp: &MultiPolygon) -> impl Iterator<Item = Line> + '_ {
    mp.0.iter().flat_map(polygon_lines)
}

/// Every segment of every ring of `p`.
pub fn polygon_lines(p: &Polygon) -> impl Iterator<Item = Line> + '_ {
    std::iter::once(p.exterior())
        .chain(p.interiors())
        .flat_map(LineString::lines)
}

/// Whether some point of `edge` lies strictly inside a polygon, given the
/// polygon's boundary segments (at least those that may meet `edge`) and a
/// test for "strictly inside".
///
/// Cut at every point where it meets the boundary, `edge` falls into pieces
/// that each lie wholly inside, wholly outside or along the boundary, so one
/// point per piece decides: the midpoint, except for pieces along a boundary
/// segment (collinear), which are on the boundary and skipped without a test.
/// An edge that *is* a boundary segment (either direction) is on it throughout.
///
/// This is what lets a community whose outline never enters a feature count
/// the feature as wholly in or wholly out on the strength of one point, without
/// clipping. Rounding can only make a piece near the boundary look inside, and
/// an edge meeting the boundary more than [`MAX_MEETS`] times is taken to
/// enter: either costs a clip, never a wrong answer.
///
/// ```
/// use geo::{coord, polygon, Line, CoordinatePosition};
/// use geo::coordinate_position::CoordPos;
/// use shequ_core::spatial::enters_interior;
///
/// let square = polygon![(x: 0.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 2.0), (x: 0.0, y: 2.0)];
/// let inside = |c| square.coordinate_position(&c) == CoordPos::Inside;
/// let sides: Vec<Line> = square.exterior().lines().collect();
/// let test = |a, b| enters_interior(Line::new(a, b), &sides, inside);
/// assert!(test(coord! { x: -1.0, y: 1.0 }, coord! { x: 3.0, y: 1.0 })); // across
/// assert!(!test(coord! { x: -1.0, y: 0.0 }, coord! { x: 1.0, y: 0.0 })); // along a side
/// assert!(!test(coord! { x: 0.0, y: 2.0 }, coord! { x: 0.0, y: 0.0 })); // a side, reversed
/// assert!(!test(coord! { x: 2.0, y: 2.0 }, coord! { x: 3.0, y: 3.0 })); // from a corner outwards
/// assert!(test(coord! { x: 2.0, y: 2.0 }, coord! { x: 1.0, y: 1.0 })); // from a corner inwards
/// ```
pub fn enters_interior(edge: Line, boundary: &[Line], inside: impl Fn(Coord) -> bool) -> bool {
    let d = edge.delta();
    let len2 = d.x * d.x + d.y * d.y;
    if len2 == 0.0
        || boundary
            .iter()
            .any(|b| *b == edge || (b.start == edge.end && b.end == edge.start))
    {
        return false;
    }
    let at = |c: Coord| {
        (((c.x - edge.start.x) * d.x + (c.y - edge.start.y) * d.y) / len2).clamp(0.0, 1.0)
    };
    // Stretches of `edge` (as parameters 0..=1) on the boundary, ends included.
    let mut on = [(0.0, 0.0); MAX_MEETS + 2];
    on[1] = (1.0, 1.0);
    let mut n = 2;
    let r = line_rect(edge);
    for b in boundary.iter().filter(|b| line_rect(**b).intersects(&r)) {
        let meet = match line_intersection(edge, *b) {
            Some(LineIntersection::SinglePoint { intersection, .. }) => {
                (at(intersection), at(intersection))
            }
            Some(LineIntersection::Collinear { intersection }) => {
                let (s, e) = (at(intersection.start), at(intersection.end));
                (s.min(e), s.max(e))
            }
            None => continue,
        };
        if n == on.len() {
            return true;
        }
        on[n] = meet;
        n += 1;
    }
    let on = &mut on[..n];
    crate::order::sort_few_by_key(on, |m| crate::order::asc(m.0));
    let mut reached = 0.0;
    for &(s, e) in on.iter() {
        if s > reached {
            let t = (reached + s) / 2.0;
            if inside(Coord {
                x: edge.start.x + t * d.x,
                y: edge.start.y + t * d.y,
            }) {
                return true;
            }
        }
        reached = e.max(reached);
    }
    false
}

/// How many meeting points [`enters_interior`] sorts out before giving up.
pub const MAX_MEETS: usize = 30;
