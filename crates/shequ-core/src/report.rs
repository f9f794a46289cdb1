//! What an evaluation says: per-community metrics, findings, totals.
//!
//! These types serialise to the JSON contract documented in README
//! (`shequ check --format json`), which portals and tests rely on: add fields,
//! never rename or remove them.

use serde::{Deserialize, Serialize, Serializer};

use crate::compare::Comparison;

/// Every finding code the engine emits. Codes are stable: portals key on them.
pub const CODES: &[&str] = &[
    "scale.split_required",
    "scale.too_large",
    "scale.too_small",
    "scale.below_target",
    "scale.single_compound",
    "scale.no_margin",
    "scale.kind_claim",
    "boundary.non_contiguous",
    "boundary.overlap",
    "boundary.gap",
    "boundary.cuts_grid",
    "boundary.cuts_compound",
    "boundary.off_barrier",
    "boundary.irregular",
    "boundary.too_large",
    "org.committee_size",
    "org.missing_committee",
    "org.understaffed",
    "facility.no_center",
    "facility.center_outside",
    "facility.shared_center",
    "facility.floor_area",
    "facility.missing_service",
    "plan.unnamed",
    "plan.duplicate_name",
    "plan.name_format",
    "plan.unassigned",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Must be fixed before the plan can go forward.
    Error,
    /// Should be reviewed.
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }

    /// The one name of each severity wherever a person reads it (app, CLI,
    /// CSV, XLSX, sheets): must → 错误, in principle → 警告, may → 建议.
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Error => "错误",
            Self::Warning => "警告",
            Self::Info => "建议",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Self::Error => "Error",
            Self::Warning => "Warning",
            Self::Info => "Suggestion",
        }
    }
}

/// How strongly the plan words a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    /// 不得 / 须: an error.
    Must,
    /// 原则上 / 一般: a deviation that needs a stated reason (a warning that may be explained).
    InPrinciple,
    /// 可以: an option (a suggestion).
    May,
}

impl Strength {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Must => "must",
            Self::InPrinciple => "in_principle",
            Self::May => "may",
        }
    }

    /// The severity a finding of this strength has unless the profile says otherwise.
    pub fn severity(self) -> Severity {
        match self {
            Self::Must => Severity::Error,
            Self::InPrinciple => Severity::Warning,
            Self::May => Severity::Info,
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Must => "必须（不得／须）",
            Self::InPrinciple => "原则上（一般）",
            Self::May => "可以",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Self::Must => "must",
            Self::InPrinciple => "in principle",
            Self::May => "may",
        }
    }
}

/// One thing the plan gets wrong (or worth knowing), with the numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Identifies the finding within a report and across edits: the code, the
    /// communities and the features it is about.
    pub id: String,
    /// Stable code such as `scale.split_required`.
    pub code: &'static str,
    pub severity: Severity,
    /// How strongly the cited sentence is worded (must, in principle, may).
    pub strength: Strength,
    pub community_ids: Vec<String>,
    pub feature_ids: Vec<String>,
    /// Article of the cited document, e.g. `三（一）`.
    pub section: String,
    /// Document and article: `《扬州市社区规模优化调整工作方案》三（一）`.
    pub citation_zh: String,
    pub citation_en: String,
    pub message_zh: String,
    pub message_en: String,
    /// The planner's reason for an in-principle or optional finding
    /// (`explanations` on the community); such a finding is not counted as open.
    pub explained: Option<Explained>,
    /// What to highlight on the map, as GeoJSON geometry.
    #[serde(serialize_with = "ser_geometry")]
    pub geometry: Option<geo::Geometry>,
    /// Structured numbers behind the message (rule specific).
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub details: serde_json::Map<String, serde_json::Value>,
}

/// A stated reason for keeping a deviation (方案“原则上”: a deviation needs a reason).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explained {
    pub reason: String,
}

/// A multipolygon as GeoJSON geometry.
pub fn ser_multipolygon<S: Serializer>(g: &geo::MultiPolygon, s: S) -> Result<S::Ok, S::Error> {
    geojson::Geometry::from(g).serialize(s)
}

fn ser_geometry<S: Serializer>(g: &Option<geo::Geometry>, s: S) -> Result<S::Ok, S::Error> {
    match g {
        None => s.serialize_none(),
        Some(g) => geojson::Geometry::from(g).serialize(s),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Warning,
    Error,
}

/// Metrics of one community.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommunityReport {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub households: u64,
    pub planned_households: u64,
    /// What the scale rules count (existing + planned when the profile says so).
    pub households_total: u64,
    pub area_m2: f64,
    pub perimeter_m: f64,
    pub polsby_popper: f64,
    pub parts: usize,
    /// Share of the boundary running along roads, lanes, rivers (or the street outline).
    pub barrier_share: f64,
    pub compounds: Vec<String>,
    pub grid_cells: Vec<String>,
    /// Grid cells this community shares with another one beyond the tolerance.
    pub grid_cells_cut: Vec<String>,
    /// Neighbours sharing boundary, with the shared length in metres.
    pub neighbours: Vec<Neighbour>,
    /// Household-weighted mean distance from compounds to the service centre (m).
    pub center_distance_mean_m: Option<f64>,
    pub center_distance_max_m: Option<f64>,
    /// Share of households farther than the profile's service radius.
    pub share_beyond_radius: Option<f64>,
    pub band: crate::profile::Band,
    pub staffing: Staffing,
    pub status: Status,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Neighbour {
    pub id: String,
    pub shared_m: f64,
}

/// Recommended staffing from the profile's ratios.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Staffing {
    pub committee_min: u32,
    pub committee_max: u32,
    pub committee_size: Option<u32>,
    pub full_time_staff: Option<u32>,
    pub full_time_staff_recommended: u32,
    pub grid_workers_recommended: u32,
}

/// Plan-wide figures.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Totals {
    pub communities: usize,
    pub compounds: usize,
    pub grid_cells: usize,
    pub households: u64,
    pub planned_households: u64,
    pub households_total: u64,
    pub unassigned_compounds: usize,
    pub unassigned_households: u64,
    pub unassigned_grid_cells: usize,
    pub area_m2: f64,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Findings answered with a reason (not counted in `warnings` or `infos`).
    pub explained: usize,
    /// Communities in the target band / below / above.
    pub in_band: usize,
    pub below_band: usize,
    pub above_band: usize,
}

/// A community meeting an adjustment condition of section 二.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdjustmentCandidate {
    pub community_id: String,
    /// `scale` (二（一）), `jurisdiction` (二（二）), `management` (二（三）).
    pub conditions: Vec<&'static str>,
    pub codes: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub profile: String,
    pub communities: Vec<CommunityReport>,
    pub findings: Vec<Finding>,
    pub totals: Totals,
    pub adjustment: Vec<AdjustmentCandidate>,
    pub comparison: Option<Comparison>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.totals.errors > 0
    }

    pub fn community(&self, id: &str) -> Option<&CommunityReport> {
        self.communities.iter().find(|c| c.id == id)
    }

    pub fn findings_with_code<'a>(
        &'a self,
        code: &'a str,
    ) -> impl Iterator<Item = &'a Finding> + 'a {
        self.findings.iter().filter(move |f| f.code == code)
    }
}
