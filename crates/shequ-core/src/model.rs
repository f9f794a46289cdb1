//! The plan: typed layers read from one GeoJSON FeatureCollection.
//!
//! Geometry is kept in WGS 84 longitude/latitude, exactly as read, so that a plan
//! exported by the engine re-imports bit for bit. Metric quantities (m², m) are
//! computed on demand through [`crate::geodesy`].
//!
//! Every feature keeps the properties the engine does not know in `extra`, so
//! that a planner's own columns survive a round trip.

use std::collections::BTreeMap;

use geo::{LineString, MultiLineString, MultiPolygon, Point};
use geojson::JsonObject;
use serde::{Deserialize, Serialize};

/// A whole district plan.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    pub communities: Vec<Community>,
    pub compounds: Vec<Compound>,
    pub grids: Vec<GridCell>,
    pub barriers: Vec<Barrier>,
    pub centers: Vec<ServiceCenter>,
    pub streets: Vec<Street>,
    /// Foreign members of the FeatureCollection (for example `"name"`), kept for export.
    pub meta: JsonObject,
}

/// The kind of a community, which shifts its household band (方案三（一）).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CommunityKind {
    #[default]
    Standard,
    /// 老城区: old compounds and bungalows, no property management, many elderly.
    OldTown,
    /// 独立楼盘、公寓为主.
    Apartment,
}

impl CommunityKind {
    pub const ALL: [CommunityKind; 3] = [Self::Standard, Self::OldTown, Self::Apartment];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::OldTown => "old_town",
            Self::Apartment => "apartment",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Committees of a residents' committee (方案三（三）: "根据需要设立人民调解、治安保卫、
/// 公共卫生、妇女儿童等委员会，条件成熟的可增设环境和物业管理等委员会").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Committee {
    Mediation,
    Security,
    PublicHealth,
    WomenChildren,
    /// 环境和物业管理委员会: one committee. Files may still say `environment`
    /// or `property` (earlier versions listed them apart); both read as this.
    EnvironmentProperty,
}

impl Committee {
    pub const ALL: [Committee; 5] = [
        Self::Mediation,
        Self::Security,
        Self::PublicHealth,
        Self::WomenChildren,
        Self::EnvironmentProperty,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mediation => "mediation",
            Self::Security => "security",
            Self::PublicHealth => "public_health",
            Self::WomenChildren => "women_children",
            Self::EnvironmentProperty => "environment_property",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "environment" | "property" => Some(Self::EnvironmentProperty),
            _ => Self::ALL.into_iter().find(|k| k.as_str() == s),
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Mediation => "人民调解",
            Self::Security => "治安保卫",
            Self::PublicHealth => "公共卫生",
            Self::WomenChildren => "妇女儿童",
            Self::EnvironmentProperty => "环境和物业管理",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Self::Mediation => "mediation",
            Self::Security => "security",
            Self::PublicHealth => "public health",
            Self::WomenChildren => "women and children",
            Self::EnvironmentProperty => "environment and property management",
        }
    }
}

/// Service functions of a party-and-mass service centre (方案三（四）).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    PartyBuilding,
    ElderlyCare,
    Disability,
    Culture,
    Sports,
    Health,
    Employment,
    Policing,
}

impl Service {
    pub const ALL: [Service; 8] = [
        Self::PartyBuilding,
        Self::ElderlyCare,
        Self::Disability,
        Self::Culture,
        Self::Sports,
        Self::Health,
        Self::Employment,
        Self::Policing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PartyBuilding => "party_building",
            Self::ElderlyCare => "elderly_care",
            Self::Disability => "disability",
            Self::Culture => "culture",
            Self::Sports => "sports",
            Self::Health => "health",
            Self::Employment => "employment",
            Self::Policing => "policing",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Self::PartyBuilding => "党建",
            Self::ElderlyCare => "养老",
            Self::Disability => "助残",
            Self::Culture => "文化",
            Self::Sports => "体育",
            Self::Health => "卫生",
            Self::Employment => "就业",
            Self::Policing => "警务",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Self::PartyBuilding => "party building",
            Self::ElderlyCare => "elderly care",
            Self::Disability => "disability support",
            Self::Culture => "culture",
            Self::Sports => "sports",
            Self::Health => "health",
            Self::Employment => "employment",
            Self::Policing => "policing",
        }
    }
}

/// The kind of a linear feature that a boundary may follow (方案三（二）).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BarrierKind {
    Road,
    Lane,
    River,
}

impl BarrierKind {
    pub const ALL: [BarrierKind; 3] = [Self::Road, Self::Lane, Self::River];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Road => "road",
            Self::Lane => "lane",
            Self::River => "river",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A community residents' committee (社区居委会) and its jurisdiction.
#[derive(Debug, Clone, PartialEq)]
pub struct Community {
    pub id: String,
    pub name: String,
    pub kind: CommunityKind,
    /// 两委 members.
    pub committee_size: Option<u32>,
    pub full_time_staff: Option<u32>,
    /// `None` when the file does not say; `Some(vec![])` when it lists none.
    pub committees: Option<Vec<Committee>>,
    /// Id of a `service_center` feature.
    pub service_center: Option<String>,
    /// Reasons the planner gives for keeping in-principle or optional
    /// deviations, by finding code (方案“原则上”: a deviation needs a reason).
    pub explanations: BTreeMap<String, String>,
    pub geometry: MultiPolygon,
    pub extra: JsonObject,
}

/// The longest reason a planner may give for a finding, in characters.
pub const MAX_EXPLANATION_CHARS: usize = 500;

/// What is wrong with explaining finding `code` by `reason`, if anything: the
/// one check used by the loader and by every edit.
pub fn explanation_problem(code: &str, reason: &str) -> Option<ExplanationProblem> {
    if !crate::report::CODES.contains(&code) {
        return Some(ExplanationProblem {
            en: format!("{code:?} is not a finding code"),
            zh: format!("{code:?} 不是规则代码"),
            fix_en:
                "key each reason by the code of the finding it answers, e.g. \"scale.below_target\"",
            fix_zh: "理由须以所说明的规则代码为键，如 \"scale.below_target\"",
        });
    }
    let n = reason.trim().chars().count();
    if n == 0 {
        return Some(ExplanationProblem {
            en: format!("the reason for {code} is empty"),
            zh: format!("{code} 的理由为空"),
            fix_en: "state the reason, or remove the entry",
            fix_zh: "请写明理由，或删去该项",
        });
    }
    if n > MAX_EXPLANATION_CHARS {
        return Some(ExplanationProblem {
            en: format!(
                "the reason for {code} has {n} characters, more than {MAX_EXPLANATION_CHARS}"
            ),
            zh: format!("{code} 的理由有 {n} 个字，超过 {MAX_EXPLANATION_CHARS} 字"),
            fix_en:
                "shorten the reason; the full justification belongs in the 一社区一方案 document",
            fix_zh: "请缩短理由；完整论证请写入一社区一方案",
        });
    }
    None
}

/// Largest committee size and full-time staff a community may record: the
/// one limit for the loader and every edit (beyond it a number is a typo).
pub const MAX_COMMITTEE_SIZE: u32 = 1000;
pub const MAX_FULL_TIME_STAFF: u32 = 10_000;

/// The plan's own record: the top-level `shequ` member of the plan file.
pub const PLAN_INFO: &str = "shequ";
/// Keys of the plan's record that an edit may set (others, such as the
/// read-only marker's, are kept as they are).
pub const PLAN_INFO_KEYS: [&str; 3] = ["title", "signoff", "locked"];
/// Longest plan title, and longest sign-off entry, in characters.
pub const MAX_TITLE_CHARS: usize = 100;
pub const MAX_SIGNOFF_CHARS: usize = 200;

/// What is wrong with `value` as the plan record's `key`, if anything: the
/// one check the loader and every edit use. `title` is text; `signoff` is an
/// object of texts (编制单位, 联系人, 审核, 日期 …); `locked` is a list of
/// community ids (ids no longer in the plan are harmless and kept).
pub fn plan_info_problem(key: &str, value: &serde_json::Value) -> Option<ExplanationProblem> {
    use serde_json::Value;
    let short = |s: &str, max: usize| s.trim().chars().count() <= max;
    let (ok, en, zh) = match (key, value) {
        ("title", v) => (
            v.as_str().is_some_and(|s| short(s, MAX_TITLE_CHARS)),
            "text of at most 100 characters",
            "不超过 100 字的文本",
        ),
        ("signoff", v) => (
            v.as_object().is_some_and(|o| {
                o.values()
                    .all(|v| v.as_str().is_some_and(|s| short(s, MAX_SIGNOFF_CHARS)))
            }),
            "an object of texts of at most 200 characters each",
            "由不超过 200 字的文本组成的对象",
        ),
        ("locked", v) => (
            v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
            "a list of community ids",
            "社区编号列表",
        ),
        _ => (false, "", ""),
    };
    if ok {
        return None;
    }
    Some(if en.is_empty() {
        ExplanationProblem {
            en: format!("{key:?} is not a setting of the plan"),
            zh: format!("{key:?} 不是方案的设置项"),
            fix_en: "use title, signoff or locked",
            fix_zh: "可设置 title、signoff 或 locked",
        }
    } else {
        ExplanationProblem {
            en: format!("{key} must be {en}"),
            zh: format!("{key} 应为{zh}"),
            fix_en: "correct it in the plan's settings",
            fix_zh: "请在方案设置中改正",
        }
    })
}

impl Plan {
    /// The plan's record (`shequ` member), if any.
    pub fn info(&self) -> Option<&JsonObject> {
        self.meta
            .get(PLAN_INFO)
            .and_then(serde_json::Value::as_object)
    }

    /// Communities the planner locked (the record's `locked`): adjustment leaves them as they are.
    pub fn locked(&self) -> Vec<String> {
        self.info()
            .and_then(|i| i.get("locked"))
            .and_then(serde_json::Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// See [`explanation_problem`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExplanationProblem {
    pub en: String,
    pub zh: String,
    pub fix_en: &'static str,
    pub fix_zh: &'static str,
}

/// Where a compound is: an outline, or a point when only the address is known.
#[derive(Debug, Clone, PartialEq)]
pub enum CompoundShape {
    Area(MultiPolygon),
    Point(Point),
}

/// A residential compound (小区/住宅区) with its households.
#[derive(Debug, Clone, PartialEq)]
pub struct Compound {
    pub id: String,
    pub name: String,
    /// Existing homes.
    pub households: u32,
    /// Planned and under construction (方案三（一）: they count).
    pub planned_households: u32,
    pub property_management: Option<bool>,
    pub shape: CompoundShape,
    pub extra: JsonObject,
}

impl Compound {
    pub fn households_total(&self) -> u64 {
        u64::from(self.households) + u64::from(self.planned_households)
    }
}

/// A grid cell (网格) of grid-based service management; boundaries must not cut one.
#[derive(Debug, Clone, PartialEq)]
pub struct GridCell {
    pub id: String,
    pub code: Option<String>,
    pub geometry: MultiPolygon,
    pub extra: JsonObject,
}

/// A road, lane or river.
#[derive(Debug, Clone, PartialEq)]
pub struct Barrier {
    pub id: String,
    pub kind: BarrierKind,
    pub name: String,
    pub geometry: MultiLineString,
    pub extra: JsonObject,
}

/// A party-and-mass service centre (党群服务中心).
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceCenter {
    pub id: String,
    pub name: String,
    pub floor_area_m2: Option<f64>,
    /// `None` when the file does not say.
    pub services: Option<Vec<Service>>,
    pub location: Point,
    pub extra: JsonObject,
}

/// The outline of the street (街道) the plan covers; optional.
#[derive(Debug, Clone, PartialEq)]
pub struct Street {
    pub id: String,
    pub name: String,
    pub geometry: MultiPolygon,
    pub extra: JsonObject,
}

/// The layers of a plan, as named in `properties.layer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    Community,
    Compound,
    Grid,
    Barrier,
    ServiceCenter,
    Street,
}

impl Layer {
    pub const ALL: [Layer; 6] = [
        Self::Community,
        Self::Compound,
        Self::Grid,
        Self::Barrier,
        Self::ServiceCenter,
        Self::Street,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Community => "community",
            Self::Compound => "compound",
            Self::Grid => "grid",
            Self::Barrier => "barrier",
            Self::ServiceCenter => "service_center",
            Self::Street => "street",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl Plan {
    pub fn community(&self, id: &str) -> Option<&Community> {
        self.communities.iter().find(|c| c.id == id)
    }

    pub fn center(&self, id: &str) -> Option<&ServiceCenter> {
        self.centers.iter().find(|c| c.id == id)
    }

    /// All households, existing and planned, in every compound.
    pub fn households_total(&self) -> u64 {
        self.compounds.iter().map(Compound::households_total).sum()
    }
}

/// The exterior rings of a multipolygon, for callers that walk outlines.
pub fn exteriors(mp: &MultiPolygon) -> impl Iterator<Item = &LineString> {
    mp.0.iter().map(|p| p.exterior())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn barrier_kinds_are_listed_in_declaration_order() {
        // The WASM binding hands a kind over as `kind as u8`, an index into ALL.
        for (i, k) in BarrierKind::ALL.into_iter().enumerate() {
            assert_eq!(k as usize, i, "{k:?}");
            assert_eq!(BarrierKind::parse(k.as_str()), Some(k));
        }
    }
}
