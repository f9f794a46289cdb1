//! A proposed assignment of units to communities, and the plan it makes.
//!
//! Changes are kept as a list of operations (move a unit, merge two
//! communities, split one) over the unit model, so that one can be dropped
//! and the rest replayed; [`Draft::communities`] turns them into geometry
//! the way the session's own edits do (a unit's cells are taken from every
//! community they overlap and given to their new one).

use std::collections::HashSet;

use geo::{Area, BooleanOps, BoundingRect, Contains, Intersects, MultiPolygon};

use super::units::UnitGraph;
use crate::model::{Community, Plan};
use crate::profile::{Band, Profile};

/// One change of the unit model.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Unit `unit` goes from slot `from` to slot `to`.
    Move { unit: usize, from: usize, to: usize },
    /// Slot `absorb` joins slot `into` (which keeps its id).
    Merge { absorb: usize, into: usize },
    /// New slot `slot` is split from `from` with these units.
    Split {
        from: usize,
        slot: usize,
        units: Vec<usize>,
    },
}

impl Op {
    /// The slots it changes.
    pub fn slots(&self) -> Vec<usize> {
        match self {
            Op::Move { from, to, .. } => vec![*from, *to],
            Op::Merge { absorb, into } => vec![*absorb, *into],
            Op::Split { from, slot, .. } => vec![*from, *slot],
        }
    }
}

/// Who holds each unit, per community slot: the plan's communities first,
/// then the new ones.
#[derive(Debug, Clone)]
pub struct Draft<'p> {
    pub plan: &'p Plan,
    pub graph: &'p UnitGraph,
    /// Each unit's holder before any change.
    pub origin: Vec<Option<usize>>,
    pub owner: Vec<Option<usize>>,
    pub households: Vec<u64>,
    /// The community each slot came from (itself for the plan's).
    pub source: Vec<usize>,
    /// Merged into another slot.
    pub merged_into: Vec<Option<usize>>,
    pub ops: Vec<Op>,
}

impl<'p> Draft<'p> {
    pub fn new(plan: &'p Plan, graph: &'p UnitGraph) -> Draft<'p> {
        let n = plan.communities.len();
        let owner: Vec<Option<usize>> = graph.units.iter().map(|u| u.owner).collect();
        Draft {
            plan,
            graph,
            origin: owner.clone(),
            owner,
            households: (0..n).map(|c| graph.households(c)).collect(),
            source: (0..n).collect(),
            merged_into: vec![None; n],
            ops: Vec::new(),
        }
    }

    pub fn slots(&self) -> usize {
        self.households.len()
    }

    pub fn alive(&self, s: usize) -> bool {
        self.merged_into[s].is_none()
    }

    pub fn band(&self, profile: &Profile, s: usize) -> Band {
        profile.band(self.plan.communities[self.source[s]].kind)
    }

    /// The units of slot `s`, sorted.
    pub fn units_of(&self, s: usize) -> Vec<usize> {
        (0..self.owner.len())
            .filter(|&u| self.owner[u] == Some(s))
            .collect()
    }

    /// Slots (alive, other than `s`) holding a unit next to one of `units`.
    pub fn neighbours(&self, units: &[usize], s: usize) -> Vec<usize> {
        let mut out: Vec<usize> = units
            .iter()
            .flat_map(|&u| self.graph.adj[u].iter())
            .filter_map(|e| self.owner[e.to])
            .filter(|&t| t != s && self.alive(t))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    pub fn apply(&mut self, op: Op) {
        match &op {
            Op::Move { unit, to, .. } => {
                // From whoever holds it now (a replay may have dropped an earlier move).
                let h = self.graph.units[*unit].households;
                let from = self.owner[*unit];
                if let Some(f) = from {
                    self.households[f] -= h;
                }
                self.households[*to] += h;
                self.owner[*unit] = Some(*to);
                // A community left without units is dissolved into the one that
                // took its last: what else it held goes there too.
                if let Some(f) = from.filter(|&f| f != *to && !self.owner.contains(&Some(f))) {
                    self.households[*to] += self.households[f];
                    self.households[f] = 0;
                    self.merged_into[f] = Some(*to);
                }
            }
            Op::Merge { absorb, into } => {
                for o in self.owner.iter_mut().filter(|o| **o == Some(*absorb)) {
                    *o = Some(*into);
                }
                self.households[*into] += self.households[*absorb];
                self.households[*absorb] = 0;
                self.merged_into[*absorb] = Some(*into);
            }
            Op::Split { from, slot, units } => {
                while self.households.len() <= *slot {
                    self.households.push(0);
                    self.source.push(*from);
                    self.merged_into.push(None);
                }
                for &u in units {
                    let h = self.graph.units[u].households;
                    if let Some(f) = self.owner[u] {
                        self.households[f] -= h;
                    }
                    self.households[*slot] += h;
                    self.owner[u] = Some(*slot);
                }
            }
        }
        self.ops.push(op);
    }

    /// The draft of `ops` replayed on the plan, leaving out every operation
    /// touching a slot in `bad` (communities the planner rejected, or a check
    /// found wrong), and then whatever depended on them: an operation that no
    /// longer fits (a move of a unit its `from` no longer holds, a split of
    /// units no longer all in `from`, anything on a slot a left-out split
    /// would have made or a left-out merge would have kept) and a community
    /// left in pieces that was in one piece. Their slots join `bad` and the
    /// replay starts again, so every community ends either exactly as the
    /// full draft has it or touched only by operations that fit. Returns the
    /// draft and the slots left out (`bad` grown).
    pub fn replay(
        plan: &'p Plan,
        graph: &'p UnitGraph,
        ops: &[Op],
        mut bad: HashSet<usize>,
    ) -> (Draft<'p>, HashSet<usize>) {
        let start = Draft::new(plan, graph);
        let whole: Vec<bool> = (0..plan.communities.len())
            .map(|s| graph.connected(&start.units_of(s)))
            .collect();
        'again: loop {
            let mut d = start.clone();
            for op in ops {
                let fits = match op {
                    Op::Move { unit, from, to } => {
                        d.owner[*unit] == Some(*from) && d.live(*from) && d.live(*to)
                    }
                    Op::Merge { absorb, into } => d.live(*absorb) && d.live(*into),
                    Op::Split { from, units, .. } => {
                        d.live(*from) && units.iter().all(|&u| d.owner[u] == Some(*from))
                    }
                };
                if op.slots().iter().any(|s| bad.contains(s)) {
                    // A split left out leaves its slot unmade.
                    if let Op::Split { slot, .. } = op {
                        bad.insert(*slot);
                    }
                    continue;
                }
                if !fits {
                    bad.extend(op.slots());
                    continue 'again;
                }
                d.apply(op.clone());
            }
            let broken: Vec<usize> = (0..d.slots())
                .filter(|&s| !bad.contains(&s) && d.alive(s))
                .filter(|&s| whole.get(s).copied().unwrap_or(true))
                .filter(|&s| {
                    let units = d.units_of(s);
                    !units.is_empty() && !graph.connected(&units)
                })
                .collect();
            if broken.is_empty() {
                return (d, bad);
            }
            bad.extend(broken);
        }
    }

    /// Slot `s` exists and was not merged into another.
    fn live(&self, s: usize) -> bool {
        s < self.slots() && self.alive(s)
    }

    /// The slot `s` ends in (following merges).
    pub fn holder(&self, mut s: usize) -> usize {
        while let Some(t) = self.merged_into[s] {
            s = t;
        }
        s
    }

    /// The plan's communities with the draft applied, and for each of them the
    /// slot it is (new communities get fresh ids and provisional names).
    pub fn communities(&self) -> (Vec<Community>, Vec<usize>) {
        let plan = self.plan;
        let n = plan.communities.len();
        let mut out: Vec<Community> = plan.communities.clone();
        for s in n..self.slots() {
            let from = &plan.communities[self.source[s]];
            out.push(Community {
                id: String::new(),
                name: String::new(),
                kind: from.kind,
                committee_size: None,
                full_time_staff: None,
                committees: None,
                service_center: None,
                explanations: Default::default(),
                geometry: MultiPolygon::new(vec![]),
                extra: Default::default(),
            });
        }
        // Each community's new outline in two overlays (few overlays keep the
        // coordinates where they were): what it keeps and gains — the
        // communities merged into it, the units it takes — less the units
        // taken from it or from under it (a cut cell leaves everyone it overlaps).
        let mut gained: Vec<Vec<geo::Polygon>> = vec![Vec::new(); out.len()];
        let mut moved: Vec<(MultiPolygon, usize)> = Vec::new();
        for s in 0..n {
            if self.merged_into[s].is_some() {
                let into = self.holder(s);
                let g = std::mem::replace(&mut out[s].geometry, MultiPolygon::new(vec![]));
                gained[into].extend(g.0);
                if out[into].service_center.is_none() {
                    out[into].service_center = out[s].service_center.clone();
                }
            }
        }
        for (u, unit) in self.graph.units.iter().enumerate() {
            let (Some(to), was) = (self.owner[u], self.origin[u].map(|o| self.holder(o))) else {
                continue;
            };
            if was == Some(to) {
                continue;
            }
            let shape = MultiPolygon::new(
                unit.cells
                    .iter()
                    .flat_map(|&g| plan.grids[g].geometry.0.iter().cloned())
                    .collect(),
            );
            gained[to].extend(shape.0.iter().cloned());
            moved.push((shape, to));
        }
        let mut changed = vec![false; out.len()];
        for (i, c) in out.iter_mut().enumerate() {
            // What it holds after the merges and gains, for finding what it loses.
            let bbox = c
                .geometry
                .0
                .iter()
                .chain(&gained[i])
                .filter_map(|p| p.bounding_rect())
                .reduce(crate::spatial::union_rect);
            let lost: Vec<geo::Polygon> = moved
                .iter()
                .filter(|(shape, to)| {
                    *to != i
                        && bbox.is_some_and(|b| {
                            shape.bounding_rect().is_some_and(|r| r.intersects(&b))
                        })
                })
                .flat_map(|(shape, _)| shape.0.iter().cloned())
                .collect();
            if gained[i].is_empty() && lost.is_empty() {
                continue;
            }
            let mut g = c.geometry.clone();
            if !gained[i].is_empty() {
                g = g.union(&MultiPolygon::new(std::mem::take(&mut gained[i])));
            } else {
                // A neighbour's moved unit only near it: nothing lost, and the
                // outline kept exactly (an overlay moves coordinates).
                let near = MultiPolygon::new(lost.clone());
                if !g.intersects(&near)
                    || (g.difference(&near).unsigned_area() - g.unsigned_area()).abs()
                        <= 1e-9 * g.unsigned_area()
                {
                    continue;
                }
            }
            changed[i] = true;
            if !lost.is_empty() {
                g = g.difference(&MultiPolygon::new(lost));
            }
            c.geometry = g;
        }
        // Ids, names and centres of the new communities.
        let mut taken: Vec<String> = plan.communities.iter().map(|c| c.id.clone()).collect();
        let mut names: Vec<String> = plan.communities.iter().map(|c| c.name.clone()).collect();
        for (c, &from) in out.iter_mut().zip(&self.source).skip(n) {
            let base = &plan.communities[from];
            let id = fresh(&taken, |k| format!("{}-{k}", base.id), 2);
            let name = fresh(&names, |k| provisional_name(&base.name, k), 2);
            taken.push(id.clone());
            names.push(name.clone());
            c.id = id;
            c.name = name;
        }
        let named: Vec<String> = out
            .iter()
            .filter_map(|c| c.service_center.clone())
            .collect();
        for c in out.iter_mut().skip(n) {
            c.service_center = plan
                .centers
                .iter()
                .find(|x| !named.contains(&x.id) && c.geometry.contains(&x.location))
                .map(|x| x.id.clone());
        }
        let slots: Vec<usize> = (0..out.len())
            .filter(|&s| self.alive(s) && !out[s].geometry.0.is_empty())
            .collect();
        let changed: Vec<bool> = slots.iter().map(|&s| changed[s]).collect();
        let mut communities: Vec<Community> = slots.iter().map(|&s| out[s].clone()).collect();
        // Snapped and noded as the session does when the change is applied, so
        // that what is checked here is what the planner gets; parts that now
        // share an edge exactly become one.
        crate::topology::Topology::build(&mut communities);
        for (c, _) in communities.iter_mut().zip(&changed).filter(|(_, &ch)| ch) {
            if c.geometry.0.len() > 1 {
                c.geometry = c.geometry.union(&MultiPolygon::new(vec![]));
            }
        }
        crate::topology::Topology::build(&mut communities);
        (communities, slots)
    }
}

/// A provisional name for the `k`-th part split from `base`: 鹤阁社区 → 鹤阁二社区
/// (the planner names it; until then it says where it came from).
pub fn provisional_name(base: &str, k: usize) -> String {
    const NUMERALS: [&str; 9] = ["二", "三", "四", "五", "六", "七", "八", "九", "十"];
    let stem = base.trim().trim_end_matches("社区");
    let stem = if stem.is_empty() { "新" } else { stem };
    match NUMERALS.get(k.wrapping_sub(2)) {
        Some(n) => format!("{stem}{n}社区"),
        None => format!("{stem}{k}社区"),
    }
}

/// The first of `make(start)`, `make(start + 1)` … not in `taken`.
pub fn fresh(taken: &[String], make: impl Fn(usize) -> String, start: usize) -> String {
    (start..)
        .map(make)
        .find(|x| !taken.contains(x))
        .unwrap_or_default()
}
