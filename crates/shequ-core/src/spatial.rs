//! R-tree indices over bounding boxes and boundary segments (rstar).

use geo::{BoundingRect, Coord, Line, LineString, MultiPolygon, Rect};
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

/// A segment of the outline of feature `id`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EdgeItem {
    pub line: Line,
    pub id: usize,
}

impl RTreeObject for EdgeItem {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        AABB::from_corners([self.line.start.x, self.line.start.y], [self.line.end.x, self.line.end.y])
    }
}

pub fn aabb(r: Rect) -> AABB<[f64; 2]> {
    AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y])
}

/// `r` grown by `dx`, `dy` on every side.
pub fn grow(r: Rect, dx: f64, dy: f64) -> Rect {
    Rect::new(Coord { x: r.min().x - dx, y: r.min().y - dy }, Coord { x: r.max().x + dx, y: r.max().y + dy })
}

pub fn rect_of(mp: &MultiPolygon) -> Rect {
    mp.bounding_rect().unwrap_or_else(|| Rect::new(Coord::zero(), Coord::zero()))
}

pub fn line_rect(l: Line) -> Rect {
    Rect::new(l.start, l.end)
}

/// Every segment of every ring of `mp`.
pub fn rings_lines(mp: &MultiPolygon) -> impl Iterator<Item = Line> + '_ {
    mp.0.iter().flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors())).flat_map(LineString::lines)
}

pub fn box_index<'a>(items: impl Iterator<Item = (usize, &'a MultiPolygon)>) -> RTree<BoxItem> {
    RTree::bulk_load(items.map(|(id, mp)| BoxItem { rect: rect_of(mp), id }).collect())
}

pub fn edge_index<'a>(items: impl Iterator<Item = (usize, &'a MultiPolygon)>) -> RTree<EdgeItem> {
    RTree::bulk_load(items.flat_map(|(id, mp)| rings_lines(mp).map(move |line| EdgeItem { line, id })).collect())
}
