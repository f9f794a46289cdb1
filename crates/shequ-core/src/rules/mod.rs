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

/// What every rule may read.
pub struct Ctx<'a> {
    pub plan: &'a Plan,
    pub profile: &'a Profile,
    pub analysis: &'a Analysis,
    /// Compounds (indices) owned by each community.
    pub compounds_of: Vec<Vec<usize>>,
    pub grids_of: Vec<Vec<usize>>,
    pub households: Vec<Households>,
}

impl<'a> Ctx<'a> {
    pub fn new(plan: &'a Plan, profile: &'a Profile, analysis: &'a Analysis) -> Self {
        let n = plan.communities.len();
        let compounds_of = analysis.compounds_by_community(n);
        let grids_of = analysis.grids_by_community(n);
        let households = compounds_of
            .iter()
            .map(|ks| {
                ks.iter().fold(Households::default(), |mut h, &k| {
                    let c = &plan.compounds[k];
                    h.existing += u64::from(c.households);
                    h.planned += u64::from(c.planned_households);
                    h.counted += households_counted(c, profile);
                    h
                })
            })
            .collect();
        Ctx { plan, profile, analysis, compounds_of, grids_of, households }
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
        ids.iter().map(|&i| self.name(i)).collect::<Vec<_>>().join(sep)
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
            code,
            severity: self.profile.severity(code),
            community_ids: communities.iter().map(|&i| self.plan.communities[i].id.clone()).collect(),
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

/// Every rule, in report order.
pub fn run_all(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    scale::check(ctx, &mut out);
    boundary::check(ctx, &mut out);
    organisation::check(ctx, &mut out);
    facilities::check(ctx, &mut out);
    naming::check(ctx, &mut out);
    out
}
