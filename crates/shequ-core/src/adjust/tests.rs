//! Suggest and repair against the plan's words, and against the true optimum
//! of small instances (computed here by exhaustive search with pruning).

use std::collections::HashSet;

use super::divide::Rng;
use super::units::UnitGraph;
use super::*;
use crate::evaluation::Evaluation;
use crate::testing::cell_plan;
use crate::Profile;

fn current<'a>(plan: &'a Plan, profile: &'a Profile, eval: &'a Evaluation) -> Current<'a> {
    Current {
        plan,
        profile,
        eval,
    }
}

/// Boundary findings of a report, with their communities.
fn boundary_findings(r: &Report) -> Vec<(&'static str, Vec<String>)> {
    r.findings
        .iter()
        .filter(|f| BOUNDARY.contains(&f.code))
        .map(|f| (f.code, f.community_ids.clone()))
        .collect()
}

#[test]
fn units_are_cells_with_their_households_and_shared_edges_on_roads() {
    let plan = cell_plan(&["AAB", "AAB"], &[&[100, 200, 300], &[400, 500, 600]]);
    let profile = Profile::default();
    let eval = Evaluation::new(&plan, &profile);
    let g = UnitGraph::build(&plan, &profile, eval.analysis());
    assert_eq!(g.units.len(), 6);
    assert_eq!(g.households(0), 1200);
    assert_eq!(g.households(1), 900);
    // Cell (0,0) touches (0,1) and (1,0), not (1,1) (a corner).
    let first: Vec<usize> = g.adj[0].iter().map(|e| e.to).collect();
    assert_eq!(first, [1, 3]);
    let e = g.adj[0][0];
    assert!((e.shared_m - 444.0).abs() < 10.0, "{e:?}");
    assert!(
        e.barrier_m > 0.9 * e.shared_m,
        "every cell edge is a road: {e:?}"
    );
}

/// 二（一）"大于3000户…原则上要进行拆分"; 三（一）"5000户以上…可以将其拆分为多个规模适度的社区":
/// a lone community of 5,400 households in six cells is split into two parts
/// inside 2,000–3,000, each connected, no boundary finding raised, the
/// largest part keeping the id.
#[test]
fn an_oversized_community_gets_valid_splits() {
    let plan = cell_plan(&["AAA", "AAA"], &[&[900, 900, 900], &[900, 900, 900]]);
    let profile = Profile::default();
    let eval = Evaluation::new(&plan, &profile);
    let now = current(&plan, &profile, &eval);
    let alts = suggest(&now, "A", &SuggestOptions::default()).unwrap();
    assert!(!alts.is_empty());
    for a in &alts {
        assert_eq!(a.kind, "split");
        assert_eq!(a.parts.len(), 2);
        assert!(
            a.parts
                .iter()
                .all(|p| (2000..=3000).contains(&p.households)),
            "{:?}",
            a.parts
        );
        assert_eq!(a.parts[0].id, "A", "the largest part keeps the id");
        assert!(a.parts[1].created);
        assert_eq!(a.households_moved, 2700);
        let after = crate::evaluate(
            &Plan {
                communities: a.communities.clone(),
                ..plan.clone()
            },
            &profile,
        );
        assert_eq!(boundary_findings(&after), [], "{}", a.summary_en);
        assert!(a.clears.iter().any(|f| f.code == "scale.too_large"));
        assert!(a.new_boundary_on_barrier > 0.9, "cell edges are roads");
    }
    // The best keeps the service centre (in the first cell) with the id.
    assert_eq!(
        alts[0].parts[0].service_center.as_deref(),
        Some("A-centre"),
        "{:?}",
        alts[0].parts
    );
    // Distinct alternatives.
    let sets: HashSet<Vec<String>> = alts
        .iter()
        .map(|a| {
            a.communities
                .iter()
                .map(|c| format!("{:?}", c.geometry))
                .collect()
        })
        .collect();
    assert_eq!(sets.len(), alts.len());
}

/// 二（一）"户数小于500户且有条件与周边邻近社区归并的，原则上要进行合并".
#[test]
fn a_small_community_gets_a_merge_with_a_named_neighbour() {
    let plan = cell_plan(&["AB", "AC"], &[&[1200, 400], &[1200, 2600]]);
    let profile = Profile::default();
    let eval = Evaluation::new(&plan, &profile);
    let now = current(&plan, &profile, &eval);
    let alts = suggest(&now, "B", &SuggestOptions::default()).unwrap();
    let merge = alts.iter().find(|a| a.kind == "merge").expect("a merge");
    // Into A (2,400 + 400 = 2,800); C would go to 3,000 + … no: 2,600 + 400 = 3,000 is allowed too.
    assert_eq!(merge.households_moved, 400);
    assert!(
        merge.summary_zh.starts_with("将B社区并入"),
        "{}",
        merge.summary_zh
    );
    assert!(merge.clears.iter().any(|f| f.code == "scale.too_small"));
}

#[test]
fn locked_communities_are_left_exactly_as_they_are() {
    let plan = cell_plan(&["AAB", "AAB"], &[&[900, 900, 700], &[900, 900, 700]]);
    let profile = Profile::default();
    let eval = Evaluation::new(&plan, &profile);
    let now = current(&plan, &profile, &eval);
    let free = repair(&now, &RepairOptions::default(), &mut |_| Step::Go).unwrap();
    assert!(free.unresolved.is_empty(), "{:?}", free.unresolved);
    let locked = repair(
        &now,
        &RepairOptions {
            locked: vec!["A".into()],
            ..Default::default()
        },
        &mut |_| Step::Go,
    )
    .unwrap();
    let a = locked.communities.iter().find(|c| c.id == "A").unwrap();
    assert_eq!(a, &plan.communities[0], "a locked community is unchanged");
    // A lock the plan file itself carries (`shequ.locked`) holds the same.
    let mut in_file = plan.clone();
    in_file.meta.insert(
        crate::model::PLAN_INFO.into(),
        serde_json::json!({"locked": ["A"]}),
    );
    let eval_file = Evaluation::new(&in_file, &profile);
    let by_file = repair(
        &current(&in_file, &profile, &eval_file),
        &RepairOptions::default(),
        &mut |_| Step::Go,
    )
    .unwrap();
    assert_eq!(by_file.communities, locked.communities);
    assert_eq!(locked.unresolved.len(), 1);
    assert!(
        locked.unresolved[0].reason_zh.contains("已锁定"),
        "{:?}",
        locked.unresolved
    );
}

#[test]
fn repair_is_deterministic_and_cancel_leaves_nothing() {
    let plan = cell_plan(
        &["AAAB", "AAAB", "CCDD"],
        &[
            &[700, 800, 900, 300],
            &[700, 800, 900, 100],
            &[1000, 1200, 900, 900],
        ],
    );
    let profile = Profile::default();
    let eval = Evaluation::new(&plan, &profile);
    let now = current(&plan, &profile, &eval);
    let opts = RepairOptions {
        seed: 7,
        ..Default::default()
    };
    let a = repair(&now, &opts, &mut |_| Step::Go).unwrap();
    let b = repair(&now, &opts, &mut |_| Step::Go).unwrap();
    assert_eq!(a.communities, b.communities);
    let mut calls = 0;
    assert_eq!(
        repair(&now, &opts, &mut |_| {
            calls += 1;
            if calls < 2 {
                Step::Go
            } else {
                Step::Cancel
            }
        }),
        Err(Cancelled)
    );
}

#[test]
fn a_rejected_change_is_left_out_and_the_rest_kept() {
    // A is too large and gives a cell to B; D is too small and merges.
    let plan = cell_plan(
        &["AAB", "AAB", "CCD"],
        &[&[900, 900, 600], &[900, 900, 600], &[1300, 1300, 300]],
    );
    let profile = Profile::default();
    let eval = Evaluation::new(&plan, &profile);
    let now = current(&plan, &profile, &eval);
    let r = repair(&now, &RepairOptions::default(), &mut |_| Step::Go).unwrap();
    assert!(r.unresolved.is_empty(), "{:?}", r.unresolved);
    assert!(r.removed.contains(&"D".to_string()), "{:?}", r.removed);
    let kept = r
        .proposal
        .communities_without(&plan, &["D".into()])
        .communities;
    assert!(
        kept.iter().any(|c| c.id == "D"),
        "the merge of D is rejected"
    );
    let a = kept.iter().find(|c| c.id == "A").unwrap();
    assert_ne!(a, &plan.communities[0], "A's change stays");
}

// ---- the optimum of small instances ---------------------------------------------

/// A random street of `rows × cols` cells held by `k` contiguous communities,
/// households drawn so that some are outside the bounds.
fn instance(seed: u64, rows: usize, cols: usize, k: usize) -> Plan {
    let mut rng = Rng::new(seed);
    let n = rows * cols;
    let mut label = vec![usize::MAX; n];
    let mut frontier: Vec<usize> = Vec::new();
    for c in 0..k {
        let mut s = rng.below(n);
        while label[s] != usize::MAX {
            s = (s + 1) % n;
        }
        label[s] = c;
        frontier.push(s);
    }
    while label.contains(&usize::MAX) {
        let f = frontier[rng.below(frontier.len())];
        let (r, q) = (f / cols, f % cols);
        let mut next = Vec::new();
        if r > 0 {
            next.push(f - cols);
        }
        if r + 1 < rows {
            next.push(f + cols);
        }
        if q > 0 {
            next.push(f - 1);
        }
        if q + 1 < cols {
            next.push(f + 1);
        }
        let open: Vec<usize> = next
            .into_iter()
            .filter(|&x| label[x] == usize::MAX)
            .collect();
        if let Some(&x) = open.get(rng.below(open.len().max(1))) {
            label[x] = label[f];
            frontier.push(x);
        }
    }
    let letters: Vec<String> = (0..rows)
        .map(|r| {
            (0..cols)
                .map(|q| (b'A' + label[r * cols + q] as u8) as char)
                .collect()
        })
        .collect();
    let hh: Vec<Vec<u32>> = (0..rows)
        .map(|_| (0..cols).map(|_| 150 + 50 * rng.below(16) as u32).collect())
        .collect();
    let labels: Vec<&str> = letters.iter().map(String::as_str).collect();
    let rows_hh: Vec<&[u32]> = hh.iter().map(Vec::as_slice).collect();
    cell_plan(&labels, &rows_hh)
}

/// The fewest households moved (unit model) to bring every community within
/// its bounds — 二（一） (500..=3,000; a created community 2,000..=3,000), or
/// with `strict` 2,000..=3,000 for all — with connected communities, each
/// keeping the cell with its service centre unless it is dissolved (as the
/// repair keeps them); `None` when no assignment below `limit` exists.
/// `Err` when the search gives up after `NODES` assignments.
fn optimum(plan: &Plan, g: &UnitGraph, strict: bool, limit: u64) -> Result<Option<u64>, ()> {
    optimum_with(plan, g, strict, limit).map(|b| b.map(|b| b.0))
}

const NODES: u64 = 5_000_000;

fn optimum_with(
    plan: &Plan,
    g: &UnitGraph,
    strict: bool,
    limit: u64,
) -> Result<Option<(u64, Vec<usize>)>, ()> {
    let n = g.of.len();
    let extra = 2; // new communities a solution may create
    let labels = n + extra;
    let origin: Vec<usize> = g.units.iter().map(|u| u.owner.unwrap_or(0)).collect();
    let bounds = |l: usize| -> (u64, u64) {
        if strict || l >= n {
            (2000, 3000)
        } else {
            (500, 3000)
        }
    };
    struct S<'a> {
        g: &'a UnitGraph,
        origin: Vec<usize>,
        assign: Vec<usize>,
        load: Vec<u64>,
        best: u64,
        best_assign: Vec<usize>,
        labels: usize,
        n: usize,
        /// The unit with each community's service centre.
        centre: Vec<Option<usize>>,
        /// Households of the units not yet assigned, by community of origin.
        rest: Vec<u64>,
        nodes: u64,
    }
    /// A lower bound on the households still to move: every community's
    /// excess must leave it and every deficit be filled (or the community
    /// dissolved); one moved unit can do both, hence the larger of the two.
    fn still_to_move(s: &S, bounds: &dyn Fn(usize) -> (u64, u64)) -> u64 {
        let (mut excess, mut deficit) = (0, 0);
        for l in 0..s.n {
            let (lo, hi) = bounds(l);
            let staying = s.load[l] + s.rest[l];
            excess += staying.saturating_sub(hi);
            let short = lo.saturating_sub(staying);
            deficit += if s.load[l] == 0 {
                short.min(s.rest[l])
            } else {
                short
            };
        }
        excess.max(deficit)
    }
    fn go(s: &mut S, u: usize, moved: u64, used_new: usize, bounds: &dyn Fn(usize) -> (u64, u64)) {
        s.nodes += 1;
        if moved + still_to_move(s, bounds) >= s.best || s.nodes > NODES {
            return;
        }
        if u == s.assign.len() {
            for l in 0..s.labels {
                let set: Vec<usize> = (0..s.assign.len()).filter(|&x| s.assign[x] == l).collect();
                if set.is_empty() {
                    continue;
                }
                if l < s.n && s.centre[l].is_some_and(|c| s.assign[c] != l) {
                    return;
                }
                let (lo, hi) = bounds(l);
                if !(lo..=hi).contains(&s.load[l]) || !s.g.connected(&set) {
                    return;
                }
            }
            s.best = moved;
            s.best_assign = s.assign.clone();
            return;
        }
        let h = s.g.units[u].households;
        let own = s.origin[u];
        s.rest[own] -= h;
        let mut choices: Vec<usize> = vec![own];
        choices.extend((0..s.n).filter(|&l| l != own));
        choices.extend(s.n..(s.n + used_new + 1).min(s.labels));
        for l in choices {
            if s.load[l] + h > 3000 {
                continue;
            }
            s.assign[u] = l;
            s.load[l] += h;
            let cost = if l == own { 0 } else { h };
            let fresh = usize::from(l >= s.n && l == s.n + used_new);
            go(s, u + 1, moved + cost, used_new + fresh, bounds);
            s.load[l] -= h;
        }
        s.rest[own] += h;
    }
    let mut s = S {
        g,
        origin: origin.clone(),
        assign: vec![usize::MAX; g.units.len()],
        load: vec![0; labels],
        best: limit,
        best_assign: Vec::new(),
        labels,
        n,
        centre: (0..n)
            .map(|c| (0..g.units.len()).find(|&u| g.holds_centre_of(plan, u, c)))
            .collect(),
        rest: (0..labels)
            .map(|l| {
                g.units
                    .iter()
                    .zip(&origin)
                    .filter(|(_, &o)| o == l)
                    .map(|(u, _)| u.households)
                    .sum()
            })
            .collect(),
        nodes: 0,
    };
    go(&mut s, 0, 0, 0, &bounds);
    if s.nodes > NODES {
        return Err(());
    }
    Ok((s.best < limit).then_some((s.best, s.best_assign)))
}

/// The quality bar: households moved within 10 % of the optimum on small
/// generated instances (4 × 5 = 20 cells, 5 communities; `SHEQU_OPT=rows,cols,k,count`
/// runs another size) where the optimum is computed (exhaustive search with a
/// lower bound, up to a budget of assignments; instances it cannot settle are
/// counted apart), for both goals; a repair that leaves something unresolved
/// although a solution exists counts as a miss.
///
/// Measured (release build, 2026-12-08): 20 cells, 5 communities, 30
/// instances: 二（一）'s conditions within 10 % on 27 of the 28 the search
/// settles, the target band for all (`strict`) on 23 of 24; 12 cells, 4
/// communities: 28 of 30 and 25 of 28. The misses need several communities
/// reshaped at once (one dissolved and another formed), which single moves
/// and the greedy fixes do not find. The bars hold what is reached so that
/// it cannot quietly get worse.
#[test]
fn repair_moves_within_ten_percent_of_the_optimum_on_small_instances() {
    let profile = Profile::default();
    for (strict, bar) in [(false, 0.95), (true, 0.9)] {
        let (mut solvable, mut within, mut missed, mut unknown) = (0, 0, Vec::new(), 0);
        let (rows, cols, k, count) = std::env::var("SHEQU_OPT")
            .ok()
            .and_then(|v| {
                let v: Vec<usize> = v.split(',').filter_map(|x| x.parse().ok()).collect();
                (v.len() == 4).then(|| (v[0], v[1], v[2], v[3] as u64))
            })
            .unwrap_or((4, 5, 5, 24));
        for seed in 1..=count {
            let plan = instance(seed, rows, cols, k);
            let eval = Evaluation::new(&plan, &profile);
            let g = UnitGraph::build(&plan, &profile, eval.analysis());
            let now = current(&plan, &profile, &eval);
            let total: u64 = g.units.iter().map(|u| u.households).sum();
            let r = repair(
                &now,
                &RepairOptions {
                    strict,
                    seed,
                    ..Default::default()
                },
                &mut |_| Step::Go,
            )
            .unwrap();
            // Every proposal passes the rules: no boundary finding raised.
            assert_eq!(
                boundary_findings(&r.report),
                [],
                "seed {seed} strict {strict}"
            );
            if r.unresolved.is_empty() {
                // Within 10 %: no solution moves fewer than moved / 1.1 (searching
                // only below that bound keeps the search short).
                let bound = (r.moved_households as f64 / 1.1).ceil() as u64;
                match optimum(&plan, &g, strict, bound) {
                    Ok(None) => {
                        solvable += 1;
                        within += 1;
                    }
                    Ok(Some(best)) => {
                        solvable += 1;
                        missed.push((seed, r.moved_households, 0, best));
                    }
                    Err(()) => unknown += 1,
                }
            } else {
                match optimum(&plan, &g, strict, total + 1) {
                    Ok(None) => {} // rightly unresolved: no solution exists
                    Ok(Some(best)) => {
                        solvable += 1;
                        missed.push((seed, r.moved_households, r.unresolved.len(), best));
                    }
                    Err(()) => unknown += 1,
                }
            }
        }
        println!("strict {strict}: within 10 % of the optimum on {within} of {solvable}; missed (seed, moved, unresolved, optimum) {missed:?}; optimum not found within the search budget: {unknown}");
        assert!(
            solvable as u64 >= count * 2 / 3,
            "only {solvable} solvable instances"
        );
        assert!(
            within as f64 >= bar * solvable as f64,
            "strict {strict}: within 10 % on {within} of {solvable}; missed {missed:?}"
        );
    }
}

/// Accepting a repair in part, on the demo district: whichever changed
/// community the planner rejects, the rest applies without raising a
/// boundary finding (a community left in pieces, a gap, an overlap); the
/// communities also left as they are are named; new communities keep the
/// ids they have in the full proposal.
#[test]
fn any_change_of_the_demos_repair_can_be_rejected_alone() {
    let text = include_bytes!("../../../../tests/data/demo.geojson");
    let plan = crate::load::load_plan("demo.geojson", text, &Default::default())
        .unwrap()
        .plan;
    let profile = Profile::default();
    let eval = Evaluation::new(&plan, &profile);
    let before = eval.report(&plan, &profile);
    let now = current(&plan, &profile, &eval);
    let opts = RepairOptions {
        seed: 1,
        ..Default::default()
    };
    let r = repair(&now, &opts, &mut |_| Step::Go).unwrap();
    assert!(!r.created.is_empty(), "the demo's repair splits");
    let same = r.proposal.communities_without(&plan, &[]);
    assert_eq!(same.communities, r.communities);
    let old: HashSet<&str> = plan.communities.iter().map(|c| c.id.as_str()).collect();
    let changed: Vec<String> = r
        .communities
        .iter()
        .filter(|c| plan.communities.iter().all(|p| p != *c))
        .map(|c| c.id.clone())
        .chain(r.removed.iter().cloned())
        .collect();
    assert!(changed.len() > 5, "{changed:?}");
    let mut dependent = 0;
    for id in &changed {
        let p = r
            .proposal
            .communities_without(&plan, std::slice::from_ref(id));
        let after = crate::evaluate(
            &Plan {
                communities: p.communities.clone(),
                ..plan.clone()
            },
            &profile,
        );
        let (_, raised) = differences(&before, &after);
        let raised: Vec<_> = raised
            .iter()
            .filter(|f| BOUNDARY.contains(&f.code))
            .map(|f| (f.code, f.message_en.clone()))
            .collect();
        assert_eq!(
            raised,
            [],
            "rejecting {id} (also left out {:?})",
            p.also_left_out
        );
        // The rejected community is as it was (to the micrometre: neighbours'
        // overlays move shared vertices), or absent if it was new.
        let kept = p.communities.iter().find(|c| &c.id == id);
        match plan.communities.iter().find(|c| &c.id == id) {
            Some(was) => {
                use geo::{Area, BooleanOps};
                let now = &kept.expect("a rejected community stays").geometry;
                let xor = now.xor(&was.geometry).unsigned_area();
                assert!(
                    xor < 1e-6 * was.geometry.unsigned_area(),
                    "{id} changed: {xor}"
                );
            }
            None => assert!(kept.is_none(), "{id} is not created"),
        }
        for c in p
            .communities
            .iter()
            .filter(|c| !old.contains(c.id.as_str()))
        {
            assert!(
                r.created.contains(&c.id),
                "{} keeps its id from the full proposal",
                c.id
            );
        }
        dependent += usize::from(!p.also_left_out.is_empty());
    }
    assert!(dependent > 0, "some changes depend on others");
}
