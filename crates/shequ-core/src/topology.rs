//! Shared boundaries: communities' rings as sequences of shared nodes.
//!
//! Neighbouring communities describe their common boundary twice, once each.
//! Editing must move both copies together, or a gap or an overlap opens. The
//! topology stores every distinct vertex once (a *node*) and every ring as a
//! list of node ids, so moving a node moves it for every community using it,
//! and inserting a node on an edge inserts it in every ring that has the edge.
//!
//! Building the topology *nodes* the plan: vertices closer than
//! [`SNAP_DEG`] become one node, and a vertex lying on another community's
//! edge is inserted into that edge (a T-junction), so that shared stretches
//! are shared vertex for vertex.
//!
//! ```
//! use shequ_core::{testing::row_plan, topology::Topology};
//! use geo::Coord;
//!
//! let mut plan = row_plan(&[("A", &[1200]), ("B", &[1200])]);
//! let mut topo = Topology::build(&mut plan.communities);
//! // The corner shared by A and B at the south edge.
//! let n = topo.node_at(Coord { x: 119.41, y: 32.39 }, 1e-9).unwrap();
//! assert_eq!(topo.degree(n), 2);
//! topo.move_node(n, Coord { x: 119.412, y: 32.39 });
//! let users: Vec<usize> = topo.users(n).iter().map(|&c| c as usize).collect();
//! topo.write_back(&mut plan.communities, users);
//! // Both communities moved: the shared edge is still shared.
//! let xs = |i: usize| plan.communities[i].geometry.0[0].exterior().0.iter().filter(|c| c.x == 119.412).count();
//! assert!(xs(0) >= 1 && xs(1) >= 1);
//! ```

use std::collections::HashMap;

use geo::{Coord, LineString, MultiPolygon, Polygon, Rect};

use crate::model::Community;
use crate::spatial::{box_tree, each_near, grow, line_rect};

/// An edge of a community ring: (community, polygon, ring, edge index).
type EdgeAt = (usize, usize, usize, usize);

pub type NodeId = u32;

/// Vertices closer than this (degrees, ~1 cm) are one node.
pub const SNAP_DEG: f64 = 1e-7;

/// Ring `r` of polygon `p` of community `c`, as node ids (not closed).
type Rings = Vec<Vec<Vec<NodeId>>>;

#[derive(Debug, Clone, PartialEq)]
pub struct Topology {
    nodes: Vec<Coord>,
    /// Per community: polygons → rings → node ids.
    rings: Vec<Rings>,
    /// Communities using each node, sorted.
    users: Vec<Vec<u32>>,
}

/// Why an edit of the topology was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopologyError {
    /// The node is where more than two boundaries meet, or where a shared stretch ends.
    Junction,
    /// Removing the node would leave a ring with fewer than three points.
    TooFewPoints,
    /// No community edge near the point.
    NoEdge,
    /// No such node.
    NoNode,
}

impl Topology {
    /// Builds the topology of `communities`, snapping and noding their
    /// geometry in place (see the module docs).
    pub fn build(communities: &mut [Community]) -> Topology {
        let mut t = Topology {
            nodes: Vec::new(),
            rings: Vec::with_capacity(communities.len()),
            users: Vec::new(),
        };
        let mut grid: HashMap<(i64, i64), Vec<NodeId>> = HashMap::new();
        for c in communities.iter() {
            let rings: Rings = c
                .geometry
                .0
                .iter()
                .map(|p| {
                    std::iter::once(p.exterior())
                        .chain(p.interiors())
                        .map(|ring| {
                            let mut ids: Vec<NodeId> = Vec::with_capacity(ring.0.len());
                            for coord in &ring.0[..ring.0.len().saturating_sub(1)] {
                                let id = t.intern(&mut grid, *coord);
                                if ids.last() != Some(&id) {
                                    ids.push(id);
                                }
                            }
                            while ids.len() > 1 && ids.first() == ids.last() {
                                ids.pop();
                            }
                            ids
                        })
                        .collect()
                })
                .collect();
            t.rings.push(rings);
        }
        t.node_t_junctions();
        t.rebuild_users();
        let all: Vec<usize> = (0..communities.len()).collect();
        t.write_back(communities, all);
        t
    }

    fn intern(&mut self, grid: &mut HashMap<(i64, i64), Vec<NodeId>>, c: Coord) -> NodeId {
        let key = (
            (c.x / SNAP_DEG).floor() as i64,
            (c.y / SNAP_DEG).floor() as i64,
        );
        for dx in -1..=1 {
            for dy in -1..=1 {
                if let Some(ids) = grid.get(&(key.0 + dx, key.1 + dy)) {
                    for &id in ids {
                        let n = self.nodes[id as usize];
                        if (n.x - c.x).abs() <= SNAP_DEG && (n.y - c.y).abs() <= SNAP_DEG {
                            return id;
                        }
                    }
                }
            }
        }
        let id = self.nodes.len() as NodeId;
        self.nodes.push(c);
        grid.entry(key).or_default().push(id);
        id
    }

    /// Inserts every node lying on another ring's edge into that edge.
    fn node_t_junctions(&mut self) {
        let mut items = Vec::new();
        for (c, polys) in self.rings.iter().enumerate() {
            for (p, rings) in polys.iter().enumerate() {
                for (r, ids) in rings.iter().enumerate() {
                    for k in 0..ids.len() {
                        let (a, b) = (ids[k], ids[(k + 1) % ids.len()]);
                        let line = geo::Line::new(self.nodes[a as usize], self.nodes[b as usize]);
                        items.push(RingEdge {
                            line,
                            at: (c, p, r, k),
                        });
                    }
                }
            }
        }
        let tree = box_tree(&items, |e| grow(line_rect(e.line), SNAP_DEG, SNAP_DEG));
        // (community, polygon, ring, edge) → nodes to insert with their position along the edge.
        let mut inserts: HashMap<EdgeAt, Vec<(f64, NodeId)>> = HashMap::new();
        for (id, n) in self.nodes.iter().enumerate() {
            let at = Rect::new(*n, *n);
            each_near(&tree, at, |k| {
                let e = &items[k];
                let (a, b) = (e.line.start, e.line.end);
                if a == *n || b == *n {
                    return;
                }
                let (dx, dy) = (b.x - a.x, b.y - a.y);
                let len2 = dx * dx + dy * dy;
                if len2 == 0.0 {
                    return;
                }
                let t = ((n.x - a.x) * dx + (n.y - a.y) * dy) / len2;
                if t <= 0.0 || t >= 1.0 {
                    return;
                }
                let (px, py) = (a.x + t * dx, a.y + t * dy);
                if (px - n.x).abs() <= SNAP_DEG && (py - n.y).abs() <= SNAP_DEG {
                    inserts.entry(e.at).or_default().push((t, id as NodeId));
                }
            });
        }
        // Insert from the back of each ring so earlier positions stay valid.
        let mut keys: Vec<_> = inserts.keys().copied().collect();
        keys.sort_unstable_by(|x, y| y.cmp(x));
        for key in keys {
            let mut add = inserts.remove(&key).unwrap_or_default();
            crate::order::sort_by_key(&mut add, |x| (crate::order::asc(x.0), 0));
            add.dedup_by_key(|x| x.1);
            let (c, p, r, k) = key;
            let ring = &mut self.rings[c][p][r];
            let at = k + 1;
            for (offset, (_, id)) in add.into_iter().enumerate() {
                if !ring.contains(&id) {
                    ring.insert(at + offset, id);
                }
            }
        }
    }

    fn rebuild_users(&mut self) {
        self.users = vec![Vec::new(); self.nodes.len()];
        for (c, polys) in self.rings.iter().enumerate() {
            for id in polys.iter().flatten().flatten() {
                let u = &mut self.users[*id as usize];
                if u.last() != Some(&(c as u32)) {
                    u.push(c as u32);
                }
            }
        }
        for u in &mut self.users {
            u.sort_unstable();
            u.dedup();
        }
    }

    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    pub fn coord(&self, n: NodeId) -> Coord {
        self.nodes[n as usize]
    }

    /// Communities using node `n`.
    pub fn users(&self, n: NodeId) -> &[u32] {
        &self.users[n as usize]
    }

    /// How many communities share node `n`.
    pub fn degree(&self, n: NodeId) -> usize {
        self.users[n as usize].len()
    }

    /// The nodes inside a lon/lat box, for drawing handles.
    pub fn nodes_in(
        &self,
        west: f64,
        south: f64,
        east: f64,
        north: f64,
    ) -> impl Iterator<Item = NodeId> + '_ {
        self.nodes
            .iter()
            .enumerate()
            .filter(move |(i, c)| {
                c.x >= west
                    && c.x <= east
                    && c.y >= south
                    && c.y <= north
                    && !self.users[*i].is_empty()
            })
            .map(|(i, _)| i as NodeId)
    }

    /// The node within `tol` degrees of `c`, if any (nearest).
    pub fn node_at(&self, c: Coord, tol: f64) -> Option<NodeId> {
        self.nodes
            .iter()
            .enumerate()
            .filter(|(i, n)| {
                !self.users[*i].is_empty() && (n.x - c.x).abs() <= tol && (n.y - c.y).abs() <= tol
            })
            .min_by(|a, b| dist2(*a.1, c).total_cmp(&dist2(*b.1, c)))
            .map(|(i, _)| i as NodeId)
    }

    /// Moves node `n`; the caller writes back the geometry of `users(n)`.
    pub fn move_node(&mut self, n: NodeId, to: Coord) {
        self.nodes[n as usize] = to;
    }

    /// The community edges `(a, b)` as node pairs, for finding the nearest one.
    pub fn edges(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        self.rings.iter().flat_map(|polys| {
            polys
                .iter()
                .flatten()
                .flat_map(|ids| (0..ids.len()).map(move |k| (ids[k], ids[(k + 1) % ids.len()])))
        })
    }

    /// Inserts a new node at `at` into edge `(a, b)` of every ring that has it
    /// (in either direction). Returns the new node and the communities changed.
    pub fn insert_node(&mut self, a: NodeId, b: NodeId, at: Coord) -> (NodeId, Vec<u32>) {
        let id = self.nodes.len() as NodeId;
        self.nodes.push(at);
        let mut changed = Vec::new();
        let shared: Vec<u32> = self.users[a as usize]
            .iter()
            .filter(|c| self.users[b as usize].contains(c))
            .copied()
            .collect();
        for c in shared {
            let mut touched = false;
            for ring in self.rings[c as usize].iter_mut().flatten() {
                let len = ring.len();
                if let Some(k) = (0..len).find(|&k| {
                    let (x, y) = (ring[k], ring[(k + 1) % len]);
                    (x, y) == (a, b) || (x, y) == (b, a)
                }) {
                    ring.insert(k + 1, id);
                    touched = true;
                }
            }
            if touched {
                changed.push(c);
            }
        }
        self.users.push(changed.clone());
        (id, changed)
    }

    /// Removes node `n` from every ring, if that keeps shared boundaries shared:
    /// every community using it must see the same two neighbours around it.
    pub fn remove_node(&mut self, n: NodeId) -> Result<Vec<u32>, TopologyError> {
        let users = self
            .users
            .get(n as usize)
            .ok_or(TopologyError::NoNode)?
            .clone();
        if users.is_empty() {
            return Err(TopologyError::NoNode);
        }
        let mut around: Option<(NodeId, NodeId)> = None;
        for &c in &users {
            for ring in self.rings[c as usize].iter().flatten() {
                let len = ring.len();
                for k in 0..len {
                    if ring[k] != n {
                        continue;
                    }
                    if len <= 3 {
                        return Err(TopologyError::TooFewPoints);
                    }
                    let (p, q) = (ring[(k + len - 1) % len], ring[(k + 1) % len]);
                    let pair = if p < q { (p, q) } else { (q, p) };
                    match around {
                        None => around = Some(pair),
                        Some(x) if x == pair => {}
                        Some(_) => return Err(TopologyError::Junction),
                    }
                }
            }
        }
        // A node used once by a boundary between two communities ends a shared stretch.
        if users.len() > 1 {
            let (p, q) = around.ok_or(TopologyError::NoNode)?;
            if !users
                .iter()
                .all(|c| self.users[p as usize].contains(c) && self.users[q as usize].contains(c))
            {
                return Err(TopologyError::Junction);
            }
        }
        for &c in &users {
            for ring in self.rings[c as usize].iter_mut().flatten() {
                ring.retain(|&x| x != n);
            }
        }
        self.users[n as usize].clear();
        Ok(users)
    }

    /// The geometry of community `c` from its nodes.
    pub fn geometry(&self, c: usize) -> MultiPolygon {
        MultiPolygon::new(
            self.rings[c]
                .iter()
                .map(|rings| {
                    let mut ls = rings.iter().map(|ids| {
                        let mut cs: Vec<Coord> =
                            ids.iter().map(|&i| self.nodes[i as usize]).collect();
                        if let Some(&first) = cs.first() {
                            cs.push(first);
                        }
                        LineString::new(cs)
                    });
                    let exterior = ls.next().unwrap_or_else(|| LineString::new(vec![]));
                    Polygon::new(exterior, ls.collect())
                })
                .collect(),
        )
    }

    /// Writes the geometry of communities `which` from the topology.
    pub fn write_back(
        &self,
        communities: &mut [Community],
        which: impl IntoIterator<Item = usize>,
    ) {
        for c in which {
            communities[c].geometry = self.geometry(c);
        }
    }

    /// The ring neighbours of node `n` in each ring using it: the edges a move of `n` changes.
    pub fn incident_edges(&self, n: NodeId) -> Vec<(NodeId, NodeId)> {
        let mut out = Vec::new();
        for &c in &self.users[n as usize] {
            for ring in self.rings[c as usize].iter().flatten() {
                let len = ring.len();
                for k in 0..len {
                    if ring[k] == n {
                        out.push((ring[(k + len - 1) % len], ring[(k + 1) % len]));
                    }
                }
            }
        }
        out
    }
}

fn dist2(a: Coord, b: Coord) -> f64 {
    (a.x - b.x).powi(2) + (a.y - b.y).powi(2)
}

struct RingEdge {
    line: geo::Line,
    at: (usize, usize, usize, usize),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{row_plan, square, SIDE, X0, Y0};

    #[test]
    fn shared_corners_are_one_node() {
        let mut plan = row_plan(&[("A", &[1]), ("B", &[1]), ("C", &[1])]);
        let t = Topology::build(&mut plan.communities);
        // Three squares in a row: 8 distinct corners.
        assert_eq!(t.node_count(), 8);
        let inner = t
            .node_at(
                Coord {
                    x: X0 + SIDE,
                    y: Y0,
                },
                1e-9,
            )
            .unwrap();
        assert_eq!(t.users(inner), [0, 1]);
    }

    #[test]
    fn t_junctions_are_noded() {
        let mut plan = row_plan(&[("A", &[1]), ("B", &[1])]);
        // Split B into two halves north and south: their shared corner on A's east edge is a T.
        plan.communities[1].geometry = square(X0 + SIDE, Y0, SIDE, SIDE / 2.0).into();
        let mut north = plan.communities[1].clone();
        north.id = "N".into();
        north.geometry = square(X0 + SIDE, Y0 + SIDE / 2.0, SIDE, SIDE / 2.0).into();
        plan.communities.push(north);
        let t = Topology::build(&mut plan.communities);
        let mid = t
            .node_at(
                Coord {
                    x: X0 + SIDE,
                    y: Y0 + SIDE / 2.0,
                },
                1e-9,
            )
            .unwrap();
        assert_eq!(
            t.users(mid),
            [0, 1, 2],
            "A's edge got the T-junction vertex"
        );
        assert_eq!(plan.communities[0].geometry.0[0].exterior().0.len(), 6);
    }

    #[test]
    fn insert_on_a_shared_edge_goes_to_both_sides() {
        let mut plan = row_plan(&[("A", &[1]), ("B", &[1])]);
        let mut t = Topology::build(&mut plan.communities);
        let a = t
            .node_at(
                Coord {
                    x: X0 + SIDE,
                    y: Y0,
                },
                1e-9,
            )
            .unwrap();
        let b = t
            .node_at(
                Coord {
                    x: X0 + SIDE,
                    y: Y0 + SIDE,
                },
                1e-9,
            )
            .unwrap();
        let (n, changed) = t.insert_node(
            a,
            b,
            Coord {
                x: X0 + SIDE,
                y: Y0 + SIDE / 2.0,
            },
        );
        assert_eq!(changed, [0, 1]);
        assert_eq!(t.degree(n), 2);
        // Now it can be removed again (same neighbours on both sides)...
        assert_eq!(t.remove_node(n), Ok(vec![0, 1]));
    }

    #[test]
    fn corner_where_a_shared_stretch_ends_cannot_be_removed() {
        let mut plan = row_plan(&[("A", &[1]), ("B", &[1])]);
        let mut t = Topology::build(&mut plan.communities);
        let corner = t
            .node_at(
                Coord {
                    x: X0 + SIDE,
                    y: Y0,
                },
                1e-9,
            )
            .unwrap();
        assert_eq!(t.remove_node(corner), Err(TopologyError::Junction));
        // A corner of the outer boundary used by one community can go, if the ring keeps 3 points.
        let outer = t.node_at(Coord { x: X0, y: Y0 }, 1e-9).unwrap();
        assert_eq!(t.remove_node(outer), Ok(vec![0]));
        let next = t
            .node_at(
                Coord {
                    x: X0,
                    y: Y0 + SIDE,
                },
                1e-9,
            )
            .unwrap();
        assert_eq!(t.remove_node(next), Err(TopologyError::TooFewPoints));
    }
}
