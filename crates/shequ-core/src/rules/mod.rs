//! The rules of the plan, one module per family. Each reads the plan, the
//! profile and the [`Analysis`] through a [`Ctx`] and returns findings; none
//! does geometry of its own.
//!
//! | module | plan section | codes |
//! |---|---|---|
//! | [`scale`] | 二（一）, 三（一） | `scale.*` |
//! | [`boundary`] | 二（二）, 二（三）, 三（二） | `boundary.*` |
//! | [`organisation`] | 三（三） | `org.*` |
//! | [`facilities`] | 三（四） | `facility.*` |
//! | [`naming`] | 二（三）, 四（二） | `plan.*` |

pub mod boundary;
pub mod facilities;
pub mod naming;
pub mod organisation;
pub mod scale;

use crate::analysis::{households_counted, Analysis};
use crate::fmt::section_en;
use crate::model::Plan;
use crate::profile::Profile;
use crate::report::Finding;

/// Household counts of one community.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Households {
    pub existing: u64,
    pub planned: u64,
    /// What the scale rules count.
    pub counted: u64,
}

/// Per-community figures derived from the analysis that several rules read.
#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    /// Compounds (indices) owned by each community.
    pub compounds_of: Vec<Vec<usize>>,
    pub grids_of: Vec<Vec<usize>>,
    pub households: Vec<Households>,
}

impl Derived {
    pub fn new(plan: &Plan, profile: &Profile, analysis: &Analysis) -> Self {
        let n = plan.communities.len();
        let compounds_of = analysis.compounds_by_community(n);
        let grids_of = analysis.grids_by_community(n);
        let households = compounds_of
            .iter()
            .map(|ks| households_of(plan, profile, ks))
            .collect();
        Derived {
            compounds_of,
            grids_of,
            households,
        }
    }
}

/// The households of a set of compounds.
pub fn households_of(plan: &Plan, profile: &Profile, compounds: &[usize]) -> Households {
    compounds.iter().fold(Households::default(), |mut h, &k| {
        let c = &plan.compounds[k];
        h.existing += u64::from(c.households);
        h.planned += u64::from(c.planned_households);
        h.counted += households_counted(c, profile);
        h
    })
}

/// What every rule may read.
pub struct Ctx<'a> {
    pub plan: &'a Plan,
    pub profile: &'a Profile,
    pub analysis: &'a Analysis,
    /// Compounds (indices) owned by each community.
    pub compounds_of: &'a [Vec<usize>],
    pub grids_of: &'a [Vec<usize>],
    pub households: &'a [Households],
}

impl<'a> Ctx<'a> {
    pub fn new(
        plan: &'a Plan,
        profile: &'a Profile,
        analysis: &'a Analysis,
        derived: &'a Derived,
    ) -> Self {
        Ctx {
            plan,
            profile,
            analysis,
            compounds_of: &derived.compounds_of,
            grids_of: &derived.grids_of,
            households: &derived.households,
        }
    }

    /// The community's name, or its id when it has none.
    pub fn name(&self, i: usize) -> &str {
        let c = &self.plan.communities[i];
        if c.name.trim().is_empty() {
            &c.id
        } else {
            &c.name
        }
    }

    /// Names of several communities joined for a message.
    pub fn names(&self, ids: &[usize], sep: &str) -> String {
        ids.iter()
            .map(|&i| self.name(i))
            .collect::<Vec<_>>()
            .join(sep)
    }

    /// A finding about communities `communities`; the section reference is
    /// appended to both messages.
    pub fn finding(
        &self,
        code: &'static str,
        section: &'static str,
        communities: &[usize],
        zh: String,
        en: String,
    ) -> Finding {
        Finding {
            id: String::new(),
            code,
            severity: self.profile.severity(code),
            community_ids: communities
                .iter()
                .map(|&i| self.plan.communities[i].id.clone())
                .collect(),
            feature_ids: Vec::new(),
            section,
            message_zh: format!("{zh}（方案{section}）"),
            message_en: format!("{en} (plan {})", section_en(section)),
            geometry: None,
            details: serde_json::Map::new(),
        }
    }
}

/// Builder-style additions to a finding.
pub trait FindingExt {
    fn features(self, ids: impl IntoIterator<Item = String>) -> Self;
    fn geometry(self, g: impl Into<geo::Geometry>) -> Self;
    fn detail(self, key: &str, value: impl Into<serde_json::Value>) -> Self;
}

impl FindingExt for Finding {
    fn features(mut self, ids: impl IntoIterator<Item = String>) -> Self {
        self.feature_ids.extend(ids);
        self
    }

    fn geometry(mut self, g: impl Into<geo::Geometry>) -> Self {
        self.geometry = Some(g.into());
        self
    }

    fn detail(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.details.insert(key.to_string(), value.into());
        self
    }
}

/// The findings about community `i` alone (every family), in report order.
pub fn community_findings(ctx: &Ctx, i: usize) -> Vec<Finding> {
    let mut out = Vec::new();
    scale::community(ctx, i, &mut out);
    boundary::community(ctx, i, &mut out);
    organisation::community(ctx, i, &mut out);
    facilities::community(ctx, i, &mut out);
    naming::community(ctx, i, &mut out);
    with_ids(out)
}

pub fn overlap_findings(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for o in &ctx.analysis.overlaps {
        boundary::overlap(ctx, o, &mut out);
    }
    with_ids(out)
}

pub fn gap_findings(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for g in &ctx.analysis.gaps {
        boundary::gap(ctx, g, &mut out);
    }
    with_ids(out)
}

/// Findings about grid cell `k`: cut, or in no community.
pub fn grid_findings(ctx: &Ctx, k: usize) -> Vec<Finding> {
    let mut out = Vec::new();
    boundary::grid(ctx, k, &mut out);
    naming::grid(ctx, k, &mut out);
    with_ids(out)
}

/// Findings about compound `k`: cut, or in no community.
pub fn compound_findings(ctx: &Ctx, k: usize) -> Vec<Finding> {
    let mut out = Vec::new();
    boundary::compound(ctx, k, &mut out);
    naming::compound(ctx, k, &mut out);
    with_ids(out)
}

/// Findings across the plan: shared service centres, duplicate names.
pub fn plan_findings(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    facilities::shared_centers(ctx, &mut out);
    naming::duplicates(ctx, &mut out);
    with_ids(out)
}

/// Every rule, in report order: each community, overlaps, gaps, grid cells,
/// compounds, then the plan as a whole.
pub fn run_all(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for i in 0..ctx.plan.communities.len() {
        out.extend(community_findings(ctx, i));
    }
    out.extend(overlap_findings(ctx));
    out.extend(gap_findings(ctx));
    for k in 0..ctx.plan.grids.len() {
        out.extend(grid_findings(ctx, k));
    }
    for k in 0..ctx.plan.compounds.len() {
        out.extend(compound_findings(ctx, k));
    }
    out.extend(plan_findings(ctx));
    out
}

/// Gives each finding its id: `code:communities:features` (with the layer for
/// features, which may share ids across layers), `#2`, `#3` … for repeats.
/// Findings of one kind always come from one scope, so ids are unique per report.
pub fn with_ids(mut findings: Vec<Finding>) -> Vec<Finding> {
    let mut seen: Vec<String> = Vec::new();
    for f in findings.iter_mut() {
        let layer = f
            .details
            .get("layer")
            .and_then(|l| l.as_str())
            .map(|l| format!("{l}/"))
            .unwrap_or_default();
        let base = format!(
            "{}:{}:{layer}{}",
            f.code,
            f.community_ids.join("|"),
            f.feature_ids.join("|")
        );
        let n = seen.iter().filter(|s| **s == base).count() + 1;
        f.id = if n == 1 {
            base.clone()
        } else {
            format!("{base}#{n}")
        };
        seen.push(base);
    }
    findings
}
