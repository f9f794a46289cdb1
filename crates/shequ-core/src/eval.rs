//! `evaluate`: a plan and a profile in, a [`Report`] out.

use std::collections::HashMap;

use crate::analysis::{analyse, Analysis};
use crate::compare::{compare_assignments, Comparison};
use crate::model::Plan;
use crate::profile::Profile;
use crate::report::*;
use crate::rules::{organisation::staffing, run_all, Ctx};

/// Evaluates every rule of `profile` on `plan`.
///
/// ```
/// use shequ_core::{evaluate, testing::row_plan, Profile};
///
/// let plan = row_plan(&[("A", &[1200, 1300]), ("B", &[300])]);
/// let report = evaluate(&plan, &Profile::default());
/// assert_eq!(report.communities[0].households_total, 2500);
/// assert_eq!(report.community("B").unwrap().status, shequ_core::report::Status::Warning);
/// assert_eq!(report.totals.households_total, 2800);
/// ```
pub fn evaluate(plan: &Plan, profile: &Profile) -> Report {
    let analysis = analyse(plan, profile);
    report_from(plan, profile, &analysis)
}

/// Evaluates `plan` and compares it with `baseline` (the plan as it stands today).
pub fn evaluate_against(plan: &Plan, baseline: &Plan, profile: &Profile) -> Report {
    let analysis = analyse(plan, profile);
    let mut report = report_from(plan, profile, &analysis);
    let before = analyse(baseline, profile);
    report.comparison = Some(compare_assignments(baseline, &before, plan, &analysis));
    report
}

/// The comparison alone: what moves between `baseline` and `proposal`.
pub fn compare(baseline: &Plan, proposal: &Plan, profile: &Profile) -> Comparison {
    compare_assignments(baseline, &analyse(baseline, profile), proposal, &analyse(proposal, profile))
}

/// Builds the report from an analysis (also used by incremental callers).
pub fn report_from(plan: &Plan, profile: &Profile, analysis: &Analysis) -> Report {
    let ctx = Ctx::new(plan, profile, analysis);
    let findings = run_all(&ctx);
    let mut worst: HashMap<&str, Severity> = HashMap::new();
    for f in &findings {
        for id in &f.community_ids {
            let e = worst.entry(id.as_str()).or_insert(Severity::Info);
            *e = (*e).min(f.severity);
        }
    }
    let tol = profile.boundary.grid_cut_tolerance;
    let mut cut_cells = vec![Vec::new(); plan.communities.len()];
    for (k, shares) in analysis.grid_shares.iter().enumerate() {
        if shares.get(1).is_some_and(|s| s.1 > tol) {
            for s in shares.iter().filter(|s| s.1 > tol) {
                cut_cells[s.0].push(k);
            }
        }
    }
    let communities: Vec<CommunityReport> = plan
        .communities
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let g = &analysis.geom[i];
            let b = &analysis.boundary[i];
            let centre = analysis.centers[i];
            let h = ctx.households[i];
            let status = match worst.get(c.id.as_str()) {
                Some(Severity::Error) => Status::Error,
                Some(Severity::Warning) => Status::Warning,
                _ => Status::Ok,
            };
            let grid_cells_cut = cut_cells[i].iter().map(|&k| plan.grids[k].id.clone()).collect();
            CommunityReport {
                id: c.id.clone(),
                name: c.name.clone(),
                kind: c.kind.as_str(),
                households: h.existing,
                planned_households: h.planned,
                households_total: h.counted,
                area_m2: g.area_m2,
                perimeter_m: g.perimeter_m,
                polsby_popper: g.polsby_popper,
                parts: g.parts,
                barrier_share: b.barrier_share(),
                compounds: ctx.compounds_of[i].iter().map(|&k| plan.compounds[k].id.clone()).collect(),
                grid_cells: ctx.grids_of[i].iter().map(|&k| plan.grids[k].id.clone()).collect(),
                grid_cells_cut,
                neighbours: b.neighbours.iter().map(|&(j, m)| Neighbour { id: plan.communities[j].id.clone(), shared_m: m }).collect(),
                center_distance_mean_m: centre.map(|c| c.mean_m),
                center_distance_max_m: centre.map(|c| c.max_m),
                share_beyond_radius: centre.map(|c| c.share_beyond_radius),
                band: profile.band(c.kind),
                staffing: staffing(&ctx, i),
                status,
            }
        })
        .collect();
    let totals = totals(plan, profile, analysis, &communities, &findings);
    let adjustment = adjustment(&communities, &findings);
    Report { profile: profile.name.clone(), communities, findings, totals, adjustment, comparison: None }
}

fn totals(plan: &Plan, profile: &Profile, analysis: &Analysis, communities: &[CommunityReport], findings: &[Finding]) -> Totals {
    let mut t = Totals { communities: plan.communities.len(), compounds: plan.compounds.len(), grid_cells: plan.grids.len(), ..Totals::default() };
    for (k, c) in plan.compounds.iter().enumerate() {
        t.households += u64::from(c.households);
        t.planned_households += u64::from(c.planned_households);
        t.households_total += crate::analysis::households_counted(c, profile);
        if analysis.compound_owner(k).is_none() {
            t.unassigned_compounds += 1;
            t.unassigned_households += crate::analysis::households_counted(c, profile);
        }
    }
    t.unassigned_grid_cells = (0..plan.grids.len()).filter(|&k| analysis.grid_owner(k).is_none()).count();
    for c in communities {
        t.area_m2 += c.area_m2;
        if c.households_total < c.band.target_min {
            t.below_band += 1;
        } else if c.households_total > c.band.target_max {
            t.above_band += 1;
        } else {
            t.in_band += 1;
        }
    }
    for f in findings {
        match f.severity {
            Severity::Error => t.errors += 1,
            Severity::Warning => t.warnings += 1,
            Severity::Info => t.infos += 1,
        }
    }
    t
}

/// Communities meeting an adjustment condition of section 二.
fn adjustment(communities: &[CommunityReport], findings: &[Finding]) -> Vec<AdjustmentCandidate> {
    const CONDITIONS: &[(&str, &[&str])] = &[
        ("scale", &["scale.split_required", "scale.too_large", "scale.too_small"]),
        ("jurisdiction", &["boundary.non_contiguous", "boundary.irregular", "boundary.off_barrier", "boundary.too_large"]),
        ("management", &["boundary.overlap", "boundary.gap"]),
    ];
    communities
        .iter()
        .filter_map(|c| {
            let mut codes: Vec<&'static str> = findings
                .iter()
                .filter(|f| f.community_ids.iter().any(|id| *id == c.id))
                .map(|f| f.code)
                .filter(|code| CONDITIONS.iter().any(|(_, cs)| cs.contains(code)))
                .collect();
            codes.sort_unstable();
            codes.dedup();
            let conditions: Vec<&'static str> = CONDITIONS.iter().filter(|(_, cs)| cs.iter().any(|x| codes.contains(x))).map(|(n, _)| *n).collect();
            (!conditions.is_empty()).then(|| AdjustmentCandidate { community_id: c.id.clone(), conditions, codes })
        })
        .collect()
}
