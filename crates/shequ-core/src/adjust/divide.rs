//! Dividing one community's units into contiguous parts of a given size.
//!
//! Recursive bisection of random spanning trees, as GerryChain's ReCom
//! draws its proposals: a spanning tree of the units is drawn with random
//! weights (edges along roads and rivers weigh more, so they tend to stay out
//! of the tree and become the new boundary); cutting one tree edge splits
//! the units into two connected sets; an edge is taken when the split-off
//! set is within the band and the rest can still make the remaining parts.
//! Many trees give many divisions; the best are kept. Every part is
//! connected through the units' adjacency by construction.

use super::units::UnitGraph;

/// A small, fast generator (splitmix64): the search is deterministic for a seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// A division of a community's units into parts; `parts[0]` keeps the id
/// (the part with the most households, which also keeps what lies outside
/// every unit: `residual`).
#[derive(Debug, Clone, PartialEq)]
pub struct Division {
    /// Sorted units of each part.
    pub parts: Vec<Vec<usize>>,
    /// Households of each part (`parts[0]` with the residual).
    pub households: Vec<u64>,
    /// Households of every part but the first: they change community.
    pub moved: u64,
    /// The new boundary between the parts, and how much of it follows a barrier.
    pub cut_m: f64,
    pub cut_barrier_m: f64,
    /// Every part within the band asked for.
    pub in_band: bool,
}

impl Division {
    pub fn barrier_share(&self) -> f64 {
        if self.cut_m > 0.0 {
            (self.cut_barrier_m / self.cut_m).min(1.0)
        } else {
            0.0
        }
    }
}

/// Up to `keep` good divisions of `units` (sorted) into `k` connected parts of
/// `lo..=hi` households each (where the households allow it), best first:
/// in band, fewest households moved, most of the new boundary on barriers,
/// the shortest new boundary.
#[allow(clippy::too_many_arguments)]
pub fn divisions(
    graph: &UnitGraph,
    units: &[usize],
    residual: u64,
    k: usize,
    (lo, hi): (u64, u64),
    rng: &mut Rng,
    tries: usize,
    keep: usize,
) -> Vec<Division> {
    let mut found: Vec<Division> = Vec::new();
    if k < 2 || units.len() < k {
        return found;
    }
    for _ in 0..tries {
        let Some(parts) = attempt(graph, units, k, (lo, hi), rng) else {
            continue;
        };
        let d = measure(graph, parts, residual, (lo, hi));
        if !found.iter().any(|f| f.parts == d.parts) {
            found.push(d);
        }
    }
    crate::order::sort_by_key(&mut found, |d| {
        (
            (u64::from(!d.in_band) << 62) | d.moved,
            crate::order::desc(d.barrier_share() - d.cut_m * 1e-7),
        )
    });
    found.truncate(keep);
    found
}

/// One random division, or `None` when this tree offers no cut.
fn attempt(
    graph: &UnitGraph,
    units: &[usize],
    k: usize,
    (lo, hi): (u64, u64),
    rng: &mut Rng,
) -> Option<Vec<Vec<usize>>> {
    let mut rest = units.to_vec();
    let mut parts = Vec::with_capacity(k);
    for m in (2..=k).rev() {
        let part = cut_off(graph, &rest, m, (lo, hi), rng)?;
        rest.retain(|u| part.binary_search(u).is_err());
        parts.push(part);
    }
    parts.push(rest);
    Some(parts)
}

/// A connected set of `rest` within `lo..=hi` households whose complement
/// can still make `m - 1` parts, from a random spanning tree.
fn cut_off(
    graph: &UnitGraph,
    rest: &[usize],
    m: usize,
    (lo, hi): (u64, u64),
    rng: &mut Rng,
) -> Option<Vec<usize>> {
    let n = rest.len();
    let local = |u: usize| rest.binary_search(&u).ok();
    // Kruskal over the edges inside `rest`, random weights, barriers heavier.
    let mut edges: Vec<(u64, usize, usize)> = Vec::new();
    for (a, &u) in rest.iter().enumerate() {
        for e in &graph.adj[u] {
            if let Some(b) = local(e.to).filter(|&b| b > a) {
                let along = if e.shared_m > 0.0 {
                    e.barrier_m / e.shared_m
                } else {
                    0.0
                };
                let w = rng.unit() + 2.0 * along;
                edges.push((crate::order::asc(w), a, b));
            }
        }
    }
    crate::order::sort_by_key(&mut edges, |e| (e.0, 0));
    let mut parent: Vec<usize> = (0..n).collect();
    let mut tree: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut joined = 1;
    for &(_, a, b) in &edges {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb {
            parent[ra] = rb;
            tree[a].push(b);
            tree[b].push(a);
            joined += 1;
        }
    }
    if joined < n {
        return None; // not connected
    }
    // Subtree households from a random root.
    let start = rng.below(n);
    let mut order = Vec::with_capacity(n);
    let mut up = vec![usize::MAX; n];
    let mut stack = vec![start];
    up[start] = start;
    while let Some(a) = stack.pop() {
        order.push(a);
        for &b in &tree[a] {
            if up[b] == usize::MAX {
                up[b] = a;
                stack.push(b);
            }
        }
    }
    let mut below: Vec<u64> = rest.iter().map(|&u| graph.units[u].households).collect();
    for &a in order.iter().rev() {
        if up[a] != a {
            below[up[a]] += below[a];
        }
    }
    let total = below[start];
    let left = (m - 1) as u64;
    let fits = |w: u64| (lo..=hi).contains(&w) && (left * lo..=left * hi).contains(&(total - w));
    let cuts: Vec<usize> = (0..n).filter(|&a| a != start && fits(below[a])).collect();
    if cuts.is_empty() {
        return None;
    }
    let cut = cuts[rng.below(cuts.len())];
    // The subtree under `cut`.
    let mut part = Vec::new();
    let mut stack = vec![cut];
    while let Some(a) = stack.pop() {
        part.push(rest[a]);
        for &b in &tree[a] {
            if b != up[a] {
                stack.push(b);
            }
        }
    }
    part.sort_unstable();
    Some(part)
}

fn root(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// The numbers of a division; the part with the most households keeps the id.
fn measure(
    graph: &UnitGraph,
    mut parts: Vec<Vec<usize>>,
    residual: u64,
    (lo, hi): (u64, u64),
) -> Division {
    let sum = |p: &Vec<usize>| p.iter().map(|&u| graph.units[u].households).sum::<u64>();
    let keep = (0..parts.len())
        .max_by_key(|&i| (sum(&parts[i]), usize::MAX - i))
        .unwrap_or(0);
    parts.swap(0, keep);
    // The others in a stable order, so that equal divisions compare equal.
    parts[1..].sort();
    let mut households: Vec<u64> = parts.iter().map(sum).collect();
    households[0] += residual;
    let part_of = |u: usize| parts.iter().position(|p| p.binary_search(&u).is_ok());
    let (mut cut_m, mut cut_barrier_m) = (0.0, 0.0);
    for (i, p) in parts.iter().enumerate() {
        for &u in p {
            for e in &graph.adj[u] {
                if e.to > u && part_of(e.to).is_some_and(|j| j != i) {
                    cut_m += e.shared_m;
                    cut_barrier_m += e.barrier_m;
                }
            }
        }
    }
    Division {
        moved: households[1..].iter().sum(),
        in_band: households.iter().all(|h| (lo..=hi).contains(h)),
        parts,
        households,
        cut_m,
        cut_barrier_m,
    }
}
