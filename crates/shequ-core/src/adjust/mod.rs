//! Suggest and repair: the splits, merges and moves the plan orders, with as
//! few households moved as possible.
//!
//! The plan's work is adjustment (二（一）: above 3,000 households "原则上要进行
//! 拆分", below 500 "原则上要进行合并"; 三（一）: 5,000 or more "可以将其拆分为多个
//! 规模适度的社区"), done "积极稳妥": disturbing as few residents as possible,
//! on roads and rivers, never breaking a grid cell (三（二）).
//!
//! - [`units`]: the grid cells (with their compounds) are the units; cells one
//!   compound spans are one unit; their adjacency with the length shared and
//!   how much of it follows a road, lane or river.
//! - [`suggest`]: for one community with a scale finding, the best few
//!   alternatives — split into `k` parts, merge with a named neighbour, or
//!   move units to or from neighbours — each valid (connected parts, whole
//!   cells, no gap or overlap), with its numbers and the findings a full
//!   evaluation of the plan with it applied would clear and raise.
//! - [`repair`]: a whole-plan proposal that clears the scale conditions of
//!   二（一） (or, `strict`, brings every community into its target band where
//!   the households allow it), leaves locked communities as they are and
//!   names what it cannot clear and why.
//!
//! **Moved households** (one definition, [`crate::compare::Comparison`]): a
//! compound's households move when its community id changes. In a split the
//! part with the most households keeps the id and name; the others get new
//! ids (`C004-2`) and provisional names (`新社区1`). In a merge the absorbed
//! community's households move.
//!
//! **Method.** Splits: recursive bisection of random spanning trees of the
//! community's units (GerryChain's ReCom proposal; edges along roads and
//! rivers weigh more and so tend to become the cut), many trees, the best
//! divisions kept ([`divide`]). Moves: greedy, the unit that covers what is
//! left with the fewest households, among those on the boundary with a
//! neighbour that has room, keeping the giver connected. Repair applies the
//! cheaper feasible fix to each community outside its bounds, the largest
//! excess first, then checks the result with a full evaluation and drops any
//! change that would raise a boundary finding. Deterministic for a seed.
//! Guarantees: every proposal is checked by the same rules as any plan; a
//! community outside its bounds after the repair is listed as unresolved.
//! Not guaranteed: the optimum (tests compare with it on small instances).

pub mod divide;
pub mod draft;
pub mod search;
pub mod units;

use std::collections::HashSet;

use serde::Serialize;

use crate::compare::compare_assignments;
use crate::evaluation::Evaluation;
use crate::fmt::int;
use crate::model::{Community, Plan};
use crate::profile::{Band, Profile};
use crate::report::{Finding, Report};
use divide::{divisions, Division, Rng};
use draft::{Draft, Op};
use units::UnitGraph;

/// Boundary findings no proposal may raise.
const BOUNDARY: &[&str] = &[
    "boundary.non_contiguous",
    "boundary.overlap",
    "boundary.gap",
    "boundary.cuts_grid",
    "boundary.cuts_compound",
    "plan.unassigned",
];

/// Why a suggestion or repair cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdjustError {
    pub code: &'static str,
    pub message_zh: String,
    pub message_en: String,
}

impl std::fmt::Display for AdjustError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message_en)
    }
}

impl std::error::Error for AdjustError {}

fn error(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> AdjustError {
    AdjustError {
        code,
        message_zh: zh.into(),
        message_en: en.into(),
    }
}

/// A finding a change would clear or raise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingRef {
    pub id: String,
    pub code: &'static str,
    pub severity: crate::report::Severity,
    pub message_zh: String,
    pub message_en: String,
}

impl From<&Finding> for FindingRef {
    fn from(f: &Finding) -> Self {
        FindingRef {
            id: f.id.clone(),
            code: f.code,
            severity: f.severity,
            message_zh: f.message_zh.clone(),
            message_en: f.message_en.clone(),
        }
    }
}

/// One community after a change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Part {
    pub id: String,
    pub name: String,
    pub households: u64,
    /// A community the change creates.
    pub created: bool,
    pub polsby_popper: f64,
    pub barrier_share: f64,
    /// The service centre inside it, if any.
    pub service_center: Option<String>,
    /// Its outline, as GeoJSON.
    #[serde(serialize_with = "crate::report::ser_multipolygon")]
    pub geometry: geo::MultiPolygon,
}

/// One way to clear a community's scale finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alternative {
    /// `split`, `merge` or `move`.
    pub kind: &'static str,
    pub summary_zh: String,
    pub summary_en: String,
    /// The communities it changes, after.
    pub parts: Vec<Part>,
    pub households_moved: u64,
    pub compounds_moved: usize,
    /// The new boundary between the communities changed, and its share along
    /// roads, lanes and rivers (as the units' shared edges measure it).
    pub new_boundary_m: f64,
    pub new_boundary_on_barrier: f64,
    pub clears: Vec<FindingRef>,
    pub raises: Vec<FindingRef>,
    /// The plan's communities with it applied.
    #[serde(skip)]
    pub communities: Vec<Community>,
}

/// Options of [`suggest`].
#[derive(Debug, Clone, PartialEq)]
pub struct SuggestOptions {
    pub alternatives: usize,
    pub seed: u64,
    /// Random spanning trees drawn per split.
    pub tries: usize,
}

impl Default for SuggestOptions {
    fn default() -> Self {
        SuggestOptions {
            alternatives: 3,
            seed: 1,
            tries: 200,
        }
    }
}

/// What the current plan is, for comparing proposals with it.
pub struct Current<'a> {
    pub plan: &'a Plan,
    pub profile: &'a Profile,
    pub eval: &'a Evaluation,
}

impl Current<'_> {
    fn report(&self) -> Report {
        self.eval.report(self.plan, self.profile)
    }
}

/// The best few alternatives for community `id`'s scale finding.
pub fn suggest(
    now: &Current,
    id: &str,
    opts: &SuggestOptions,
) -> Result<Vec<Alternative>, AdjustError> {
    let (plan, profile) = (now.plan, now.profile);
    let c = plan
        .communities
        .iter()
        .position(|c| c.id == id)
        .ok_or_else(|| {
            error(
                "adjust.no_community",
                format!("没有编号为 {id:?} 的社区"),
                format!("there is no community with id {id:?}"),
            )
        })?;
    let graph = UnitGraph::build(plan, profile, now.eval.analysis());
    let base = Draft::new(plan, &graph);
    if graph.of[c].is_empty() {
        return Err(no_cells(plan, c));
    }
    let band = base.band(profile, c);
    let h = base.households[c];
    let mut rng = Rng::new(opts.seed);
    let mut drafts: Vec<(&'static str, Draft)> = Vec::new();
    if h > band.adjust_above || h >= band.split_from {
        for d in split_options(&base, profile, c, &mut rng, opts.tries, opts.alternatives) {
            drafts.push(("split", d));
        }
        let mut d = base.clone();
        if give_away(
            &mut d,
            profile,
            c,
            h.saturating_sub(band.adjust_above.min(band.target_max)),
            &HashSet::new(),
        ) {
            drafts.push(("move", d));
        }
    } else if h < band.target_min {
        for d in merge_options(&base, profile, c, &HashSet::new(), opts.alternatives) {
            drafts.push(("merge", d));
        }
        let mut d = base.clone();
        let want = if h < band.merge_below {
            band.merge_below
        } else {
            band.target_min
        };
        if take_in(&mut d, profile, c, want - h, &HashSet::new()) {
            drafts.push(("move", d));
        }
    } else {
        return Err(error(
            "adjust.in_band",
            format!(
                "{}共 {} 户，在目标规模之内，无需调整",
                plan.communities[c].name,
                int(h)
            ),
            format!(
                "{} has {} households, within its target: nothing to adjust",
                plan.communities[c].name,
                int(h)
            ),
        ));
    }
    let before = now.report();
    // Valid alternatives only: none may raise a boundary finding.
    let mut out: Vec<Alternative> = drafts
        .into_iter()
        .filter_map(|(kind, d)| alternative(now, &before, &graph, kind, &d, c))
        .filter(|a| !a.raises.iter().any(|f| BOUNDARY.contains(&f.code)))
        .collect();
    // Fewest households moved (to the hundred: a few households either way
    // matter less than a service centre left outside), then the fewest new
    // findings, then the most new boundary on roads and rivers.
    crate::order::sort_by_key(&mut out, |a| {
        let raised = a
            .raises
            .iter()
            .filter(|f| f.severity != crate::report::Severity::Info)
            .count() as u64;
        (
            ((a.households_moved / 100) << 16) | raised,
            crate::order::desc(a.new_boundary_on_barrier),
        )
    });
    out.truncate(opts.alternatives.max(1));
    if out.is_empty() {
        return Err(error(
            "adjust.none",
            format!("找不到不打破网格、不产生边界问题的调整方案（{}共 {} 户）", plan.communities[c].name, int(h)),
            format!("no adjustment of {} ({} households) keeps every grid cell whole without raising a boundary finding", plan.communities[c].name, int(h)),
        ));
    }
    Ok(out)
}

fn no_cells(plan: &Plan, c: usize) -> AdjustError {
    let name = &plan.communities[c].name;
    error(
        "adjust.no_cells",
        format!("{name}内没有网格，无法在不打破网格、住宅区的前提下自动调整；请手工划定边界"),
        format!("{name} holds no grid cells: it cannot be adjusted without cutting cells or compounds; draw its boundary by hand"),
    )
}

/// Divisions of `c` into `k` parts (k from the band: 5,000 → 2, 7,000 → 3),
/// as drafts, best first; parts in the target band where the households allow.
fn split_options<'p>(
    base: &Draft<'p>,
    profile: &Profile,
    c: usize,
    rng: &mut Rng,
    tries: usize,
    keep: usize,
) -> Vec<Draft<'p>> {
    divide_best(base, profile, c, rng, tries, keep)
        .into_iter()
        .map(|d| {
            let mut draft = base.clone();
            split_into(&mut draft, c, &d);
            draft
        })
        .collect()
}

/// The best divisions of `c` for its band: `k` parts, else `k + 1`; in band
/// first, else parts of at least `merge_below`.
fn divide_best(
    base: &Draft,
    profile: &Profile,
    c: usize,
    rng: &mut Rng,
    tries: usize,
    keep: usize,
) -> Vec<Division> {
    let band = base.band(profile, c);
    let h = base.households[c];
    let units = base.units_of(c);
    let residual = base.graph.residual.get(c).copied().unwrap_or(0);
    let k = (h.div_ceil(band.target_max.max(1)) as usize).max(2);
    let mut found = Vec::new();
    for (k, lo) in [
        (k, band.target_min),
        (k + 1, band.target_min),
        (k, band.merge_below),
        (k + 1, band.merge_below),
    ] {
        found = divisions(
            base.graph,
            &units,
            residual,
            k,
            (lo, band.target_max),
            rng,
            tries,
            keep,
        );
        if found.iter().any(|d| d.in_band) {
            break;
        }
    }
    // The part that keeps the id keeps its service centre, where a division allows.
    let centre = |d: &Division| {
        d.parts[0]
            .iter()
            .any(|&u| base.graph.holds_centre_of(base.plan, u, c))
    };
    crate::order::sort_by_key(&mut found, |d| {
        (
            u64::from(!d.in_band) << 1 | u64::from(!centre(d)),
            d.moved / 100,
        )
    });
    found
}

fn split_into(draft: &mut Draft, c: usize, d: &Division) {
    for part in &d.parts[1..] {
        let slot = draft.slots();
        draft.apply(Op::Split {
            from: c,
            slot,
            units: part.clone(),
        });
    }
}

/// Merging `c` into each neighbour it can join without the result leaving
/// the neighbour's band, best (closest to the band's middle) first.
fn merge_options<'p>(
    base: &Draft<'p>,
    profile: &Profile,
    c: usize,
    locked: &HashSet<usize>,
    keep: usize,
) -> Vec<Draft<'p>> {
    let h = base.households[c];
    let units = base.units_of(c);
    let mut options: Vec<(usize, u64)> = base
        .neighbours(&units, c)
        .into_iter()
        .filter(|t| !locked.contains(t))
        .map(|t| (t, h + base.households[t]))
        .filter(|&(t, merged)| merged <= cap(&base.band(profile, t)))
        .collect();
    crate::order::sort_by_key(&mut options, |&(t, merged)| {
        let b = base.band(profile, t);
        (merged.abs_diff((b.target_min + b.target_max) / 2), t as u64)
    });
    options
        .into_iter()
        .take(keep)
        .map(|(t, _)| {
            let mut d = base.clone();
            d.apply(Op::Merge { absorb: c, into: t });
            d
        })
        .collect()
}

/// Gives every unit of `c` to neighbours with room (a merge shared among
/// several); false when some unit has nowhere to go.
fn dissolve(d: &mut Draft, profile: &Profile, c: usize, locked: &HashSet<usize>) -> bool {
    loop {
        let units = d.units_of(c);
        if units.is_empty() {
            return true;
        }
        // The unit whose best receiver has the most room left after it.
        let mut best: Option<(u64, usize, usize)> = None; // room left, unit, to
        for &u in &units {
            let hu = d.graph.units[u].households;
            for t in d.neighbours(&[u], c) {
                let cap_t = cap(&d.band(profile, t));
                if locked.contains(&t) || d.households[t] + hu > cap_t {
                    continue;
                }
                let room = cap_t - d.households[t] - hu;
                let rest: Vec<usize> = units.iter().copied().filter(|&x| x != u).collect();
                if best.is_none_or(|b| room > b.0) && (rest.is_empty() || d.graph.connected(&rest))
                {
                    best = Some((room, u, t));
                }
            }
        }
        let Some((_, u, t)) = best else {
            return false;
        };
        d.apply(Op::Move {
            unit: u,
            from: c,
            to: t,
        });
    }
}

/// The most a community may hold after taking households in: its target's
/// upper bound, and never more than 二（一）'s 3,000.
fn cap(b: &Band) -> u64 {
    b.target_max.min(b.adjust_above)
}

/// Moves units of `c` on its boundary to neighbours with room until `c` has
/// given `excess` households; false (and `d` part-changed) when it cannot.
fn give_away(
    d: &mut Draft,
    profile: &Profile,
    c: usize,
    mut excess: u64,
    locked: &HashSet<usize>,
) -> bool {
    while excess > 0 {
        let units = d.units_of(c);
        let mut best: Option<(usize, usize, u64, f64)> = None; // unit, to, households, barrier
        for &u in &units {
            let hu = d.graph.units[u].households;
            if hu == 0 || units.len() < 2 || d.graph.holds_centre_of(d.plan, u, d.source[c]) {
                continue;
            }
            for t in d.neighbours(&[u], c) {
                if locked.contains(&t) || d.households[t] + hu > cap(&d.band(profile, t)) {
                    continue;
                }
                let along = along_barrier(d, u, t);
                if better(best, hu, along, excess) && connected_without(d, &units, u) {
                    best = Some((u, t, hu, along));
                }
            }
        }
        let Some((u, t, hu, _)) = best else {
            return false;
        };
        d.apply(Op::Move {
            unit: u,
            from: c,
            to: t,
        });
        excess = excess.saturating_sub(hu);
    }
    true
}

/// Moves units of neighbours on `c`'s boundary into `c` until it has taken
/// `deficit` households; donors keep their lower bound and stay connected.
fn take_in(
    d: &mut Draft,
    profile: &Profile,
    c: usize,
    mut deficit: u64,
    locked: &HashSet<usize>,
) -> bool {
    while deficit > 0 {
        let mine = d.units_of(c);
        let mut best: Option<(usize, usize, u64, f64)> = None; // unit, from, households, barrier
        for t in d.neighbours(&mine, c) {
            if locked.contains(&t) {
                continue;
            }
            let theirs = d.units_of(t);
            let floor = d.band(profile, t).target_min.min(d.households[t]);
            for &u in &theirs {
                let hu = d.graph.units[u].households;
                let touches = d.graph.adj[u].iter().any(|e| d.owner[e.to] == Some(c));
                if hu == 0
                    || !touches
                    || theirs.len() < 2
                    || d.households[t] - hu < floor
                    || d.graph.holds_centre_of(d.plan, u, d.source[t])
                {
                    continue;
                }
                let along = along_barrier(d, u, c);
                if better(best, hu, along, deficit) && connected_without(d, &theirs, u) {
                    best = Some((u, t, hu, along));
                }
            }
        }
        let Some((u, t, hu, _)) = best else {
            return false;
        };
        d.apply(Op::Move {
            unit: u,
            from: t,
            to: c,
        });
        deficit = deficit.saturating_sub(hu);
    }
    true
}

/// Whether a unit of `hu` households (its new boundary `along` on barriers)
/// beats `best` for covering `need`: one that covers it with the fewest
/// households, else the largest; then the one more along roads.
fn better(best: Option<(usize, usize, u64, f64)>, hu: u64, along: f64, need: u64) -> bool {
    let Some((_, _, bh, ba)) = best else {
        return true;
    };
    match (hu >= need, bh >= need) {
        (true, false) => true,
        (false, true) => false,
        (true, true) => hu < bh || (hu == bh && along > ba),
        (false, false) => hu > bh || (hu == bh && along > ba),
    }
}

/// The share of unit `u`'s boundary with slot `t`'s units that follows a barrier.
fn along_barrier(d: &Draft, u: usize, t: usize) -> f64 {
    let (mut m, mut on) = (0.0, 0.0);
    for e in &d.graph.adj[u] {
        if d.owner[e.to] == Some(t) {
            m += e.shared_m;
            on += e.barrier_m;
        }
    }
    if m > 0.0 {
        on / m
    } else {
        0.0
    }
}

fn connected_without(d: &Draft, units: &[usize], u: usize) -> bool {
    let rest: Vec<usize> = units.iter().copied().filter(|&x| x != u).collect();
    !rest.is_empty() && d.graph.connected(&rest)
}

/// A draft as an alternative: its plan evaluated in full, compared with now.
fn alternative(
    now: &Current,
    before: &Report,
    graph: &UnitGraph,
    kind: &'static str,
    d: &Draft,
    c: usize,
) -> Option<Alternative> {
    let (communities, slots) = d.communities();
    let plan = Plan {
        communities: communities.clone(),
        ..now.plan.clone()
    };
    let eval = Evaluation::new(&plan, now.profile);
    let after = eval.report(&plan, now.profile);
    let moved = compare_assignments(now.plan, now.eval.analysis(), &plan, eval.analysis());
    let (clears, raises) = differences(before, &after);
    // The communities changed, and the new boundary between them.
    let touched: Vec<usize> = d.ops.iter().flat_map(|op| op.slots()).collect();
    let parts: Vec<Part> = slots
        .iter()
        .zip(&communities)
        .filter(|(s, _)| touched.contains(s))
        .filter_map(|(_, c)| {
            let r = after.community(&c.id)?;
            Some(Part {
                id: c.id.clone(),
                name: c.name.clone(),
                households: r.households_total,
                created: now.plan.community(&c.id).is_none(),
                polsby_popper: r.polsby_popper,
                barrier_share: r.barrier_share,
                service_center: c.service_center.clone().filter(|id| {
                    now.plan
                        .center(id)
                        .is_some_and(|x| geo::Contains::contains(&c.geometry, &x.location))
                }),
                geometry: c.geometry.clone(),
            })
        })
        .collect();
    let (mut cut_m, mut cut_on) = (0.0, 0.0);
    for (u, edges) in graph.adj.iter().enumerate() {
        for e in edges.iter().filter(|e| e.to > u) {
            let (a, b) = (d.owner[u], d.owner[e.to]);
            let (was_a, was_b) = (d.origin[u], d.origin[e.to]);
            if a != b && (a != was_a || b != was_b) && touched.contains(&a.unwrap_or(usize::MAX)) {
                cut_m += e.shared_m;
                cut_on += e.barrier_m;
            }
        }
    }
    let name = |s: usize| now.plan.communities.get(s).map_or("", |c| c.name.as_str());
    let (summary_zh, summary_en) = match kind {
        "split" => (
            format!("将{}拆分为 {} 个社区", name(c), parts.len()),
            format!("split {} into {} communities", name(c), parts.len()),
        ),
        "merge" => {
            let into = d.holder(c);
            (
                format!("将{}并入{}", name(c), name(into)),
                format!("merge {} into {}", name(c), name(into)),
            )
        }
        _ => (
            format!("调整{}与相邻社区之间的网格归属", name(c)),
            format!("move grid cells between {} and its neighbours", name(c)),
        ),
    };
    Some(Alternative {
        kind,
        summary_zh,
        summary_en,
        parts,
        households_moved: moved.households_moved,
        compounds_moved: moved.compounds_moved,
        new_boundary_m: cut_m,
        new_boundary_on_barrier: if cut_m > 0.0 {
            (cut_on / cut_m).min(1.0)
        } else {
            0.0
        },
        clears,
        raises,
        communities,
    })
}

/// Findings of `before` gone from `after`, and those new in it.
fn differences(before: &Report, after: &Report) -> (Vec<FindingRef>, Vec<FindingRef>) {
    let keys = |r: &Report| r.findings.iter().map(same).collect::<HashSet<_>>();
    let (b, a) = (keys(before), keys(after));
    (
        before
            .findings
            .iter()
            .filter(|f| !a.contains(&same(f)))
            .map(FindingRef::from)
            .collect(),
        after
            .findings
            .iter()
            .filter(|f| !b.contains(&same(f)))
            .map(FindingRef::from)
            .collect(),
    )
}

/// What makes a finding the same one before and after a change: its id,
/// except where the id names communities a change renames or splits while
/// the problem stays put — a gap or an overlap is the same area, a cut or
/// unassigned cell or compound the same feature.
fn same(f: &Finding) -> String {
    match f.code {
        "boundary.gap" | "boundary.overlap" => {
            let area = f
                .details
                .get("area_m2")
                .and_then(|a| a.as_f64())
                .unwrap_or(0.0);
            format!("{}:{}", f.code, area.round())
        }
        "boundary.cuts_grid" | "boundary.cuts_compound" | "plan.unassigned" => {
            format!("{}:{}", f.code, f.feature_ids.join("|"))
        }
        _ => f.id.clone(),
    }
}

// ---- repair ---------------------------------------------------------------------

/// Options of [`repair`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RepairOptions {
    /// Also bring every community into its target band where the households allow.
    pub strict: bool,
    /// Ids of communities to leave exactly as they are, besides those the
    /// plan itself locks ([`Plan::locked`](crate::model::Plan::locked)).
    pub locked: Vec<String>,
    pub seed: u64,
}

/// Something the repair could not clear, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unresolved {
    pub code: &'static str,
    pub community_ids: Vec<String>,
    pub reason_zh: String,
    pub reason_en: String,
}

/// A whole-plan proposal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Repair {
    pub moved_households: u64,
    pub moved_compounds: usize,
    pub communities_before: usize,
    pub communities_after: usize,
    pub created: Vec<String>,
    pub removed: Vec<String>,
    pub unresolved: Vec<Unresolved>,
    /// The plan's communities with the proposal applied.
    #[serde(skip)]
    pub communities: Vec<Community>,
    /// The proposal evaluated.
    #[serde(skip)]
    pub report: Report,
    /// The changes, to accept in part ([`Proposal::communities_without`]).
    #[serde(skip)]
    pub proposal: Proposal,
}

/// A repair's changes over the unit model, kept so that a planner may
/// accept some and reject others.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Proposal {
    graph: Option<UnitGraph>,
    ops: Vec<Op>,
    /// The id each slot got in the full proposal.
    ids: Vec<String>,
}

impl Proposal {
    /// The plan's communities with every change but those touching the
    /// communities `rejected` (ids, as in the full proposal) applied, and
    /// the ids of the communities also left as they are because their
    /// changes depended on a rejected one ([`Draft::replay`]): a community
    /// would otherwise be left in pieces, or a move would take a unit from a
    /// community that no longer holds it. New communities keep the ids they
    /// have in the full proposal.
    pub fn communities_without(&self, plan: &Plan, rejected: &[String]) -> Partial {
        let Some(graph) = &self.graph else {
            return Partial {
                communities: plan.communities.clone(),
                also_left_out: Vec::new(),
            };
        };
        let bad: HashSet<usize> = self
            .ids
            .iter()
            .enumerate()
            .filter(|(_, id)| rejected.contains(id))
            .map(|(s, _)| s)
            .collect();
        let (d, bad) = Draft::replay(plan, graph, &self.ops, bad);
        let (mut communities, slots) = d.communities();
        let n = plan.communities.len();
        for (c, &s) in communities.iter_mut().zip(&slots) {
            if let Some(id) = self.ids.get(s).filter(|id| s >= n && !id.is_empty()) {
                c.id.clone_from(id);
            }
        }
        let mut also_left_out: Vec<String> = bad
            .iter()
            .filter_map(|&s| self.ids.get(s))
            .filter(|id| !id.is_empty() && !rejected.contains(id))
            .cloned()
            .collect();
        also_left_out.sort();
        Partial {
            communities,
            also_left_out,
        }
    }
}

/// A proposal accepted in part ([`Proposal::communities_without`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Partial {
    pub communities: Vec<Community>,
    /// Communities left as they are besides those rejected (their changes depended on them).
    pub also_left_out: Vec<String>,
}

/// The repair was cancelled through its progress callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

/// What a repair's progress callback answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Go on.
    Go,
    /// Stop searching and give the best proposal found so far (a time limit).
    Finish,
    /// Give nothing.
    Cancel,
}

/// A whole-plan proposal; `progress(done)` (0..1) is called between steps:
/// [`Step::Finish`] ends the search with the best found so far,
/// [`Step::Cancel`] gives up.
pub fn repair(
    now: &Current,
    opts: &RepairOptions,
    progress: &mut dyn FnMut(f64) -> Step,
) -> Result<Repair, Cancelled> {
    let mut finish = false;
    // Cancel ends everything; Finish ends the search, after which only the
    // check with the rules remains (which asks only about Cancel).
    let mut ask = |f: f64, finish: &mut bool| -> Result<(), Cancelled> {
        match progress(f) {
            Step::Go => Ok(()),
            Step::Finish => {
                *finish = true;
                Ok(())
            }
            Step::Cancel => Err(Cancelled),
        }
    };
    let (plan, profile) = (now.plan, now.profile);
    let graph = UnitGraph::build(plan, profile, now.eval.analysis());
    let in_plan = plan.locked();
    let locked: HashSet<usize> = plan
        .communities
        .iter()
        .enumerate()
        .filter(|(_, c)| opts.locked.contains(&c.id) || in_plan.contains(&c.id))
        .map(|(i, _)| i)
        .collect();
    let mut rng = Rng::new(opts.seed);
    // The greedy fixes, worst first and cheapest first; the local search
    // alone; then a few more runs that take the communities and the fixes in
    // a random order (greedy choices can block each other); each followed by
    // the local search. The best run is kept: fewest households outside their
    // bounds, then moved.
    let attempts = (3000 / graph.units.len().max(1)).clamp(1, 12);
    let mut best: Option<(u64, Draft)> = None;
    for attempt in 0..attempts {
        if finish && best.is_some() {
            break;
        }
        let share = 0.8 * attempt as f64 / attempts as f64;
        // The second run is the local search alone, from the plan as it is.
        let mut d = if attempt == 1 {
            Draft::new(plan, &graph)
        } else {
            greedy(
                plan,
                profile,
                &graph,
                opts,
                &locked,
                &mut rng,
                attempt > 0,
                &mut |f| ask(share + f * 0.8 / attempts as f64, &mut finish),
            )?
        };
        let bounds = search_bounds(&d, profile, &graph, opts.strict, &locked);
        let kicks = (1_000 / graph.units.len().max(1)).clamp(5, 12);
        search::improve(
            &mut d,
            &bounds,
            &locked,
            40 * graph.units.len().clamp(10, 100),
            kicks,
            &mut rng,
        );
        let c = search::cost(&d, &bounds);
        if best.as_ref().is_none_or(|b| c < b.0) {
            best = Some((c, d));
        }
        if c < search::OUTSIDE && attempt >= 2 {
            break; // everything within bounds, and two runs compared
        }
    }
    let Some((_, mut d)) = best else {
        return Err(Cancelled);
    };
    ask(0.8, &mut finish)?;
    // Check with the rules; drop what raises a boundary finding.
    let before = now.report();
    let full = d.clone();
    let mut left_out: HashSet<usize> = HashSet::new(); // slots whose changes are dropped
    let (communities, report, eval) = loop {
        ask(0.85, &mut finish)?;
        let (communities, slots) = d.communities();
        let candidate = Plan {
            communities: communities.clone(),
            ..plan.clone()
        };
        let eval = Evaluation::new(&candidate, profile);
        let report = eval.report(&candidate, profile);
        let (_, raised) = differences(&before, &report);
        let bad: HashSet<&str> = raised
            .iter()
            .filter(|f| BOUNDARY.contains(&f.code))
            .filter_map(|f| report.findings.iter().find(|x| x.id == f.id))
            .flat_map(|f| f.community_ids.iter().map(String::as_str))
            .collect();
        if bad.is_empty() || d.ops.is_empty() {
            break (communities, report, eval);
        }
        let before_count = left_out.len();
        left_out.extend(
            slots
                .iter()
                .zip(&communities)
                .filter(|(_, c)| bad.contains(c.id.as_str()))
                .map(|(&s, _)| s),
        );
        if left_out.len() == before_count {
            break (communities, report, eval);
        }
        let (replayed, grown) = Draft::replay(plan, &graph, &full.ops, left_out);
        (d, left_out) = (replayed, grown);
    };
    let candidate = Plan {
        communities: communities.clone(),
        ..plan.clone()
    };
    let moved = compare_assignments(plan, now.eval.analysis(), &candidate, eval.analysis());
    let _ = progress(1.0);
    let (_, slots) = d.communities();
    let mut ids: Vec<String> = (0..d.slots())
        .map(|s| {
            plan.communities
                .get(s)
                .map(|c| c.id.clone())
                .unwrap_or_default()
        })
        .collect();
    for (&s, c) in slots.iter().zip(&communities) {
        ids[s] = c.id.clone();
    }
    let ops = d.ops.clone();
    let unresolved = unresolved(&d, &report, opts.strict, &locked, &graph);
    Ok(Repair {
        moved_households: moved.households_moved,
        moved_compounds: moved.compounds_moved,
        communities_before: plan.communities.len(),
        communities_after: communities.len(),
        created: moved.communities_created.clone(),
        removed: moved.communities_removed.clone(),
        unresolved,
        communities,
        report,
        proposal: Proposal {
            graph: Some(graph.clone()),
            ops,
            ids,
        },
    })
}

/// One run of greedy fixes; `random`: the communities and fixes in a random order.
#[allow(clippy::too_many_arguments)]
fn greedy<'p>(
    plan: &'p Plan,
    profile: &Profile,
    graph: &'p UnitGraph,
    opts: &RepairOptions,
    locked: &HashSet<usize>,
    rng: &mut Rng,
    random: bool,
    progress: &mut dyn FnMut(f64) -> Result<(), Cancelled>,
) -> Result<Draft<'p>, Cancelled> {
    let mut d = Draft::new(plan, graph);
    let mut failed: HashSet<usize> = HashSet::new();
    let rounds = 3 * plan.communities.len() + 3;
    for round in 0..rounds {
        progress(round as f64 / rounds as f64)?;
        let outside_now: Vec<(usize, u64)> = (0..d.slots())
            .filter(|&s| d.alive(s) && !locked.contains(&s) && !failed.contains(&s))
            .filter(|&s| !(s < plan.communities.len() && graph.of[s].is_empty()))
            .filter_map(|s| outside(&d, profile, s, opts.strict).map(|by| (s, by)))
            .collect();
        // The community farthest outside its bounds first (or any, at random).
        let pick = if random {
            outside_now
                .get(rng.below(outside_now.len().max(1)))
                .copied()
        } else {
            outside_now
                .iter()
                .copied()
                .max_by_key(|&(s, by)| (by, usize::MAX - s))
        };
        let Some((s, _)) = pick else { break };
        if !fix(&mut d, profile, s, opts.strict, locked, rng, random) {
            failed.insert(s);
        }
    }
    Ok(d)
}

/// What the local search keeps each slot within.
fn search_bounds(
    d: &Draft,
    profile: &Profile,
    graph: &UnitGraph,
    strict: bool,
    locked: &HashSet<usize>,
) -> search::Bounds {
    let n = d.plan.communities.len();
    search::Bounds {
        of: (0..d.slots())
            .map(|s| {
                let b = d.band(profile, s);
                if locked.contains(&s) || (s < n && graph.of[s].is_empty()) {
                    (0, u64::MAX)
                } else if s >= n {
                    (b.target_min, b.target_max)
                } else {
                    bounds(&b, strict)
                }
            })
            .collect(),
    }
}

/// How far slot `s` is outside what the repair aims for, if it is.
fn outside(d: &Draft, profile: &Profile, s: usize, strict: bool) -> Option<u64> {
    let b = d.band(profile, s);
    let h = d.households[s];
    let (lo, hi) = bounds(&b, strict);
    if h > hi {
        Some(h - hi)
    } else if h < lo {
        Some(lo - h)
    } else {
        None
    }
}

/// The households a community must stay within: 二（一）'s conditions (fewer
/// than 500 or more than 3,000), or with `strict` its target band.
fn bounds(b: &Band, strict: bool) -> (u64, u64) {
    if strict {
        (b.target_min, b.target_max)
    } else {
        (b.merge_below, b.adjust_above)
    }
}

/// The cheaper feasible fix of slot `s` (with `random`, any feasible one
/// half the time), applied; false when none is.
fn fix(
    d: &mut Draft,
    profile: &Profile,
    s: usize,
    strict: bool,
    locked: &HashSet<usize>,
    rng: &mut Rng,
    random: bool,
) -> bool {
    let b = d.band(profile, s);
    let h = d.households[s];
    let (lo, hi) = bounds(&b, strict);
    let mut options: Vec<Draft> = Vec::new();
    if h > hi {
        let mut m = d.clone();
        if give_away(&mut m, profile, s, h - hi.min(cap(&b)), locked) {
            options.push(m);
        }
        if let Some(best) = divide_best(d, profile, s, rng, 150, 1)
            .into_iter()
            .find(|x| x.in_band)
        {
            let mut m = d.clone();
            split_into(&mut m, s, &best);
            options.push(m);
        }
    } else if h < lo {
        options.extend(merge_options(d, profile, s, locked, 1));
        let mut m = d.clone();
        if take_in(&mut m, profile, s, lo - h, locked) {
            options.push(m);
        }
        let mut m = d.clone();
        if dissolve(&mut m, profile, s, locked) {
            options.push(m);
        }
    }
    let cost = |m: &Draft| -> u64 {
        // Households whose community changes: units moved, and merged communities whole.
        let moved_units: u64 = (0..m.owner.len())
            .filter(|&u| {
                m.owner[u] != d.owner[u]
                    && !m.ops[d.ops.len()..].iter().any(
                        |op| matches!(op, Op::Merge { absorb, .. } if d.owner[u] == Some(*absorb)),
                    )
            })
            .map(|u| m.graph.units[u].households)
            .sum();
        let merged: u64 = m.ops[d.ops.len()..]
            .iter()
            .filter_map(|op| match op {
                Op::Merge { absorb, .. } => Some(d.households[*absorb]),
                _ => None,
            })
            .sum();
        moved_units + merged
    };
    if random && options.len() > 1 && rng.below(2) == 0 {
        let k = rng.below(options.len());
        *d = options.swap_remove(k);
        return true;
    }
    match options.into_iter().min_by_key(|m| (cost(m), m.ops.len())) {
        Some(m) => {
            *d = m;
            true
        }
        None => false,
    }
}

/// The communities still outside their bounds, with the reason.
fn unresolved(
    d: &Draft,
    report: &Report,
    strict: bool,
    locked: &HashSet<usize>,
    graph: &UnitGraph,
) -> Vec<Unresolved> {
    let plan = d.plan;
    let mut out = Vec::new();
    for c in &report.communities {
        let (lo, hi) = bounds(&c.band, strict);
        let h = c.households_total;
        if (lo..=hi).contains(&h) {
            continue;
        }
        let code = if h > c.band.adjust_above {
            "scale.too_large"
        } else if h < c.band.merge_below {
            "scale.too_small"
        } else {
            "scale.below_target"
        };
        let i = plan.communities.iter().position(|x| x.id == c.id);
        let name = &c.name;
        let (zh, en) = if i.is_some_and(|i| locked.contains(&i)) {
            (
                format!("{name}已锁定，未作调整"),
                format!("{name} is locked and was left as it is"),
            )
        } else if i.is_some_and(|i| graph.of[i].is_empty()) {
            (
                format!("{name}内没有网格，无法在不打破网格、住宅区的前提下自动调整"),
                format!("{name} holds no grid cells: it cannot be adjusted without cutting cells or compounds"),
            )
        } else if h > hi {
            (
                format!("相邻社区均无余量接收（接收后将超过各自的上限），{} 户也不能拆分为每个 {}–{} 户的社区", int(h), int(c.band.target_min), int(c.band.target_max)),
                format!("no neighbour can take cells without going over its bound, and {} households cannot be split into communities of {}–{}", int(h), int(c.band.target_min), int(c.band.target_max)),
            )
        } else {
            (
                format!("没有相邻社区能在合并后不超过上限，也没有可划入的网格（相邻社区须保持在 {} 户以上）", int(c.band.target_min)),
                format!("no neighbour can take it without leaving its band, and none can give cells without falling below {}", int(c.band.target_min)),
            )
        };
        out.push(Unresolved {
            code,
            community_ids: vec![c.id.clone()],
            reason_zh: zh,
            reason_en: en,
        });
    }
    out
}

#[cfg(test)]
mod tests;
