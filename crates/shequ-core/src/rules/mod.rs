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
use crate::fmt::int;
use crate::model::Plan;
use crate::profile::Profile;
use crate::report::{Explained, Finding, Severity};

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

    /// A finding about communities `communities`. Its strength, severity and
    /// citation come from the profile's rule for `code`; the citation is
    /// appended to both messages. It is explained when the rule is not a
    /// must and one of the communities states a reason for `code`.
    pub fn finding(
        &self,
        code: &'static str,
        communities: &[usize],
        zh: String,
        en: String,
    ) -> Finding {
        let severity = self.profile.severity(code);
        let (citation_zh, citation_en) = self.profile.citation(code);
        let explained = if severity == Severity::Error {
            None
        } else {
            communities
                .iter()
                .find_map(|&i| self.plan.communities[i].explanations.get(code))
                .map(|reason| Explained {
                    reason: reason.clone(),
                })
        };
        Finding {
            id: String::new(),
            code,
            severity,
            strength: self.profile.strength(code),
            community_ids: communities
                .iter()
                .map(|&i| self.plan.communities[i].id.clone())
                .collect(),
            feature_ids: Vec::new(),
            section: self
                .profile
                .rule(code)
                .map(|r| r.article.clone())
                .unwrap_or_default(),
            message_zh: format!("{zh}（{citation_zh}）"),
            message_en: format!("{en} ({citation_en})"),
            citation_zh,
            citation_en,
            explained,
            geometry: None,
            details: serde_json::Map::new(),
        }
    }

    /// A finding about data the plan does not record (`未填写`): a question to
    /// the planner, not a deviation, so a suggestion whatever the rule's strength.
    pub fn not_recorded(
        &self,
        code: &'static str,
        communities: &[usize],
        zh: String,
        en: String,
    ) -> Finding {
        let mut f = self.finding(code, communities, zh, en);
        if f.severity != Severity::Info {
            f.severity = Severity::Info;
        }
        f.details.insert("not_recorded".into(), true.into());
        f
    }

    /// `共 3,300 户（现有 1,800 户、规划在建 1,500 户）` — households as a message
    /// states them, existing and planned apart when both count.
    pub fn households_phrase(&self, i: usize) -> (String, String) {
        let h = self.households[i];
        if h.planned > 0 && h.counted > h.existing {
            (
                format!(
                    "共 {} 户（现有 {} 户、规划在建 {} 户）",
                    int(h.counted),
                    int(h.existing),
                    int(h.planned)
                ),
                format!(
                    "{} {} ({} existing, {} planned or under construction)",
                    int(h.counted),
                    plural(h.counted, "household"),
                    int(h.existing),
                    int(h.planned)
                ),
            )
        } else {
            (
                format!("共 {} 户", int(h.counted)),
                format!("{} {}", int(h.counted), plural(h.counted, "household")),
            )
        }
    }
}

/// `household` or `households`, as the number asks.
pub fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
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

#[cfg(test)]
mod tests {
    use crate::report::{Severity, Status};
    use crate::session::{CommunityPatch, Session};
    use crate::testing::row_plan;
    use crate::{evaluate, Profile};

    /// 三（一）"原则上按2000-3000户设立": a deviation in principle may be kept with a
    /// stated reason; a must (三（四）"驻地地址明确") cannot be explained away.
    #[test]
    fn explained_findings_are_not_open_and_musts_cannot_be_explained() {
        let mut plan = row_plan(&[("文昌社区", &[800, 800]), ("东关社区", &[1200, 1200])]);
        plan.communities[0].service_center = None;
        plan.communities[0].explanations.insert(
            "scale.below_target".into(),
            "老城区，平房为主，保留 1,600 户".into(),
        );
        plan.communities[0]
            .explanations
            .insert("facility.no_center".into(), "暂无".into());
        let r = evaluate(&plan, &Profile::default());
        let below = r.findings_with_code("scale.below_target").next().unwrap();
        assert_eq!(
            below.explained.as_ref().map(|e| e.reason.as_str()),
            Some("老城区，平房为主，保留 1,600 户")
        );
        let no_center = r.findings_with_code("facility.no_center").next().unwrap();
        assert_eq!(no_center.severity, Severity::Error);
        assert!(no_center.explained.is_none(), "a must stays open");
        assert_eq!(r.totals.explained, 1);
        assert_eq!(r.totals.warnings, 0, "{:?}", r.findings);
        assert_eq!(r.communities[0].status, Status::Error);
        // Without the must, the explained community is ok.
        let mut p2 = row_plan(&[("文昌社区", &[800, 800])]);
        p2.communities[0].explanations = plan.communities[0].explanations.clone();
        let r = evaluate(&p2, &Profile::default());
        assert_eq!(r.communities[0].status, Status::Ok, "{:?}", r.findings);
    }

    #[test]
    fn an_explanation_is_an_undoable_edit_checked_like_the_loader_checks_it() {
        let plan = row_plan(&[("文昌社区", &[800, 800])]);
        let mut s = Session::new(plan, Profile::default());
        let patch = |code: &str, reason: Option<&str>| CommunityPatch {
            explanations: vec![(code.into(), reason.map(str::to_string))],
            ..Default::default()
        };
        let e = s
            .update_community("文昌社区", &patch("scale.below_target", Some("  ")))
            .unwrap_err();
        assert_eq!(e.code, "edit.bad_explanation");
        let e = s
            .update_community("文昌社区", &patch("scale.nonsense", Some("x")))
            .unwrap_err();
        assert_eq!(e.code, "edit.bad_explanation");
        s.update_community(
            "文昌社区",
            &patch("scale.below_target", Some("保留老城区格局")),
        )
        .unwrap();
        let r = s.report();
        assert_eq!(r.totals.explained, 1);
        let fresh = evaluate(s.plan(), &Profile::default());
        assert_eq!(fresh.totals, r.totals, "incremental equals fresh");
        // Exported and read again, the reason stays.
        let text = crate::export::to_geojson_string(s.plan());
        let back = crate::load::load_plan("p.geojson", text.as_bytes(), &Default::default())
            .unwrap()
            .plan;
        assert_eq!(
            back.communities[0].explanations["scale.below_target"],
            "保留老城区格局"
        );
        s.undo().unwrap();
        assert_eq!(s.report().totals.explained, 0);
        assert_eq!(s.report().totals.warnings, 1);
    }

    #[test]
    fn a_bad_explanation_in_a_file_names_the_field() {
        let mut plan = row_plan(&[("文昌社区", &[800, 800])]);
        plan.communities[0]
            .explanations
            .insert("scale.below_targte".into(), "x".into());
        let text = crate::export::to_geojson_string(&plan);
        let e =
            crate::load::load_plan("p.geojson", text.as_bytes(), &Default::default()).unwrap_err();
        let first = &e.errors[0];
        assert_eq!(first.field.as_deref(), Some("explanations"));
        assert!(first.problem_en.contains("scale.below_targte"), "{first:?}");
    }
}
