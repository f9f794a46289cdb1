//! `evaluate`: a plan and a profile in, a [`Report`] out.

use crate::analysis::analyse;
use crate::compare::{compare_assignments, Comparison};
use crate::evaluation::Evaluation;
use crate::model::Plan;
use crate::profile::Profile;
use crate::report::Report;

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
    Evaluation::new(plan, profile).report(plan, profile)
}

/// Evaluates `plan` and compares it with `baseline` (the plan as it stands today).
pub fn evaluate_against(plan: &Plan, baseline: &Plan, profile: &Profile) -> Report {
    let e = Evaluation::new(plan, profile);
    let mut report = e.report(plan, profile);
    let before = analyse(baseline, profile);
    report.comparison = Some(compare_assignments(baseline, &before, plan, e.analysis()));
    report
}

/// The comparison alone: what moves between `baseline` and `proposal`.
pub fn compare(baseline: &Plan, proposal: &Plan, profile: &Profile) -> Comparison {
    compare_assignments(
        baseline,
        &analyse(baseline, profile),
        proposal,
        &analyse(proposal, profile),
    )
}
