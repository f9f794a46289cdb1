//! Tabu search over unit moves: after the greedy fixes (splits, merges,
//! moves), move single units between neighbouring communities to clear what
//! is still outside its bounds and to move fewer households — a unit moved
//! back to its own community costs nothing.
//!
//! The objective is lexicographic in effect: households outside the bounds
//! (weighted far above anything moved), then households moved. A move keeps
//! the giver connected and non-empty, never touches a locked community, and
//! never takes the cell with a community's service centre from it. A move
//! just made may not be undone for a few iterations (the tabu list), unless
//! it gives a better plan than any seen.

use std::collections::HashSet;

use super::divide::Rng;
use super::draft::{Draft, Op};

/// Households outside the bounds weigh this much more than households moved.
pub const OUTSIDE: u64 = 1 << 20;
const TENURE: usize = 7;

/// The bounds of each slot the search keeps to.
pub struct Bounds {
    pub of: Vec<(u64, u64)>,
}

impl Bounds {
    pub fn outside(&self, s: usize, h: u64) -> u64 {
        let (lo, hi) = self.of[s];
        if h < lo {
            lo - h
        } else {
            h.saturating_sub(hi)
        }
    }
}

/// The search's objective: households outside the bounds, then moved.
pub fn cost(d: &Draft, bounds: &Bounds) -> u64 {
    let outside: u64 = (0..d.slots())
        .filter(|&s| d.alive(s))
        .map(|s| bounds.outside(s, d.households[s]))
        .sum();
    outside * OUTSIDE + moved(d)
}

/// Iterated tabu search: improve, and while something is still outside its
/// bounds, shake the best plan found with a few random moves next to it and
/// improve again (`kicks` times at most). Deterministic for `rng`'s seed.
pub fn improve(
    d: &mut Draft,
    bounds: &Bounds,
    locked: &HashSet<usize>,
    iterations: usize,
    kicks: usize,
    rng: &mut Rng,
) {
    tabu(d, bounds, locked, iterations);
    let mut best = d.clone();
    let mut best_cost = cost(d, bounds);
    for _ in 0..kicks {
        if best_cost < OUTSIDE {
            break; // everything within its bounds
        }
        let mut k = best.clone();
        for _ in 0..2 + rng.below(5) {
            let moves = candidates(&k, bounds, locked);
            let Some(&(u, a, t)) = moves.get(rng.below(moves.len().max(1))) else {
                break;
            };
            if allowed(&k, u, a) {
                k.apply(Op::Move {
                    unit: u,
                    from: a,
                    to: t,
                });
            }
        }
        tabu(&mut k, bounds, locked, iterations);
        let c = cost(&k, bounds);
        if c < best_cost {
            best_cost = c;
            best = k;
        }
    }
    *d = best;
}

/// Moves `(unit, from, to)` worth looking at: next to the communities still
/// outside their bounds; when none is, units away from home that could go back.
fn candidates(d: &Draft, bounds: &Bounds, locked: &HashSet<usize>) -> Vec<(usize, usize, usize)> {
    let hot: Vec<usize> = (0..d.slots())
        .filter(|&s| d.alive(s) && bounds.outside(s, d.households[s]) > 0)
        .collect();
    let mut out = Vec::new();
    for u in 0..d.graph.units.len() {
        let Some(a) = d.owner[u] else { continue };
        if locked.contains(&a) {
            continue;
        }
        for e in &d.graph.adj[u] {
            let Some(t) = d.owner[e.to] else { continue };
            if t == a || locked.contains(&t) || !d.alive(t) {
                continue;
            }
            let relevant = if hot.is_empty() {
                d.origin[u] == Some(t)
            } else {
                hot.contains(&a) || hot.contains(&t)
            };
            if relevant {
                out.push((u, a, t));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether unit `u` may leave `a`: its last unit dissolves `a`; otherwise `a`
/// stays connected and keeps its service centre.
fn allowed(d: &Draft, u: usize, a: usize) -> bool {
    let rest: Vec<usize> = d.units_of(a).into_iter().filter(|&x| x != u).collect();
    rest.is_empty()
        || (!d.graph.holds_centre_of(d.plan, u, d.source[a]) && d.graph.connected(&rest))
}

/// Tabu search from `d`, keeping the best plan seen.
fn tabu(d: &mut Draft, bounds: &Bounds, locked: &HashSet<usize>, iterations: usize) -> usize {
    let units = d.graph.units.len();
    let mut best = d.clone();
    let mut best_cost = cost(d, bounds);
    let mut tabu: Vec<usize> = vec![0; units]; // iteration until which moving the unit back is barred
    let mut since_best = 0;
    let mut run = 0;
    for it in 1..=iterations {
        run = it;
        let now = cost(d, bounds);
        let candidates = candidates(d, bounds, locked);
        // Units per slot, for telling a community's last unit.
        let mut count = vec![0usize; d.slots()];
        for s in d.owner.iter().flatten() {
            count[*s] += 1;
        }
        let mut pick: Option<(u64, usize, usize, usize)> = None;
        for &(u, a, t) in &candidates {
            let h = d.graph.units[u].households;
            let before = bounds.outside(a, d.households[a]) + bounds.outside(t, d.households[t]);
            // Its last unit dissolves `a` into `t`, with all it held.
            let last = count[a] == 1;
            let after = if last {
                bounds.outside(t, d.households[t] + d.households[a])
            } else {
                bounds.outside(a, d.households[a] - h) + bounds.outside(t, d.households[t] + h)
            };
            let home = d.origin[u];
            let dmoved: i64 = if home == Some(a) {
                h as i64
            } else if home == Some(t) {
                -(h as i64)
            } else {
                0
            };
            let c = (now as i64 + (after as i64 - before as i64) * OUTSIDE as i64 + dmoved).max(0)
                as u64;
            let barred = tabu[u] >= it && c >= best_cost;
            if barred || pick.is_some_and(|p| p.0 <= c) {
                continue;
            }
            if !allowed(d, u, a) {
                continue;
            }
            pick = Some((c, u, a, t));
        }
        let Some((c, u, a, t)) = pick else { break };
        d.apply(Op::Move {
            unit: u,
            from: a,
            to: t,
        });
        tabu[u] = it + TENURE;
        if c < best_cost {
            best_cost = c;
            best = d.clone();
            since_best = 0;
        } else {
            since_best += 1;
            if since_best > 3 * TENURE {
                break;
            }
        }
    }
    *d = best;
    run
}

/// Households whose unit is away from the community it started in (a merged
/// community's included).
pub fn moved(d: &Draft) -> u64 {
    (0..d.graph.units.len())
        .filter(|&u| d.owner[u] != d.origin[u])
        .map(|u| d.graph.units[u].households)
        .sum::<u64>()
}
