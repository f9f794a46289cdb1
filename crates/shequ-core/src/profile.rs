//! Rule profiles: every threshold and list the rules use, as data.
//!
//! Two profiles are built in (`yangzhou-2022`, the default, and `national-2025`);
//! their TOML files in `profiles/` document every setting and say which come from
//! the plan and which are local choices. A custom profile is TOML or JSON and may
//! start from a built-in one with `extends = "yangzhou-2022"`, overriding only
//! what differs.
//!
//! ```
//! use shequ_core::profile::Profile;
//!
//! let custom = Profile::parse(
//!     "my-street.toml",
//!     "extends = \"yangzhou-2022\"\nname = \"my-street\"\n[scale]\ntarget_max = 3200\n",
//! )
//! .unwrap();
//! assert_eq!(custom.scale.target_max, 3200);
//! assert_eq!(custom.scale.target_min, 2000); // inherited
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::{Committee, CommunityKind, Service};
use crate::report::Severity;
pub use crate::report::Strength;

include!(concat!(env!("OUT_DIR"), "/builtin_profiles.rs"));

/// The built-in profiles as their commented TOML source, for people to read.
pub const BUILTIN_TOML: &[(&str, &str)] = &[
    (
        "yangzhou-2022",
        include_str!("../profiles/yangzhou-2022.toml"),
    ),
    (
        "national-2025",
        include_str!("../profiles/national-2025.toml"),
    ),
];

pub type Table = serde_json::Map<String, serde_json::Value>;

/// The name of the profile used when none is chosen.
pub const DEFAULT_PROFILE: &str = "yangzhou-2022";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub name: String,
    pub title_zh: String,
    pub title_en: String,
    pub scale: ScaleRules,
    pub boundary: BoundaryRules,
    pub organisation: OrganisationRules,
    pub facilities: FacilityRules,
    pub naming: NamingRules,
    /// The documents findings cite; `plan` is the profile's own.
    pub documents: BTreeMap<String, Document>,
    /// Where each threshold comes from: `plan`, another key of `documents`, or `local`.
    pub origins: BTreeMap<String, String>,
    /// Every finding code: strength, citation, the sentence it enforces.
    pub rules: BTreeMap<String, RuleMeta>,
    /// Severities that differ from what the rule's strength gives (a city's
    /// own reading); empty in the built-in profiles.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    /// Every setting as read (after `extends`), for [`Profile::rule_sheet`]
    /// to show values by key without a serialiser of the whole profile in
    /// the WebAssembly engine.
    #[serde(skip)]
    pub settings: Table,
}

/// A document findings cite, as it is written in a citation: `《…》`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub title_zh: String,
    pub title_en: String,
}

/// What a finding code enforces and where the rule is written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    pub strength: Strength,
    /// Key of the cited document in `documents`.
    #[serde(default = "plan_document")]
    pub document: String,
    /// Article or section, as the document numbers it: `三（一）`, `第三条`.
    pub article: String,
    /// The article in English; derived from `article` (`§3(1)`, `art. 3`) when empty.
    #[serde(default)]
    pub article_en: String,
    /// The sentence enforced, quoted; empty where the profile does not quote it.
    #[serde(default)]
    pub quote_zh: String,
    #[serde(default)]
    pub quote_en: String,
    /// The thresholds (keys of `origins`) the rule compares against.
    #[serde(default)]
    pub thresholds: Vec<String>,
}

fn plan_document() -> String {
    "plan".into()
}

/// Where a threshold comes from, for a message: the document or a local setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin<'a> {
    /// The plan or another document of `documents`.
    Document(&'a Document),
    /// A choice the documents leave open, set in this profile.
    Local,
}

/// The household thresholds of sections 二（一） and 三（一）. Counting words as
/// the Civil Code reads them: `merge_below` and `adjust_above` exclude their
/// number (小于, 大于), the target band and `split_from` include theirs (以上).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleRules {
    /// 二（一）: fewer than this → in principle merged.
    pub merge_below: u64,
    /// 二（一）: more than this → in principle split.
    pub adjust_above: u64,
    /// 三（一）: the target band, inclusive.
    pub target_min: u64,
    pub target_max: u64,
    /// 三（一）: this many or more → may be split.
    pub split_from: u64,
    /// 三（一）: neighbours within this share of a community's households are "of similar size".
    pub similar_share: f64,
    pub single_compound_min: u64,
    pub count_planned: bool,
    /// Planned homes within this share of the upper bound leave too little margin.
    pub margin_share: f64,
    /// Old-town communities may be smaller: their own lower bound of the target.
    pub old_town: KindLower,
    /// Apartment communities may be larger: their own upper bound of the target.
    pub apartment: KindUpper,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindLower {
    pub target_min: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindUpper {
    pub target_max: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoundaryRules {
    pub overlap_tolerance_m2: f64,
    pub gap_tolerance_m2: f64,
    pub grid_cut_tolerance: f64,
    pub compound_cut_tolerance: f64,
    pub sliver_m2: f64,
    pub min_polsby_popper: f64,
    pub min_barrier_share: f64,
    pub barrier_snap_m: f64,
    pub street_outline_counts: bool,
    pub adjacency_min_m: f64,
    pub adjacency_snap_m: f64,
    pub boundary_sample_m: f64,
    pub service_radius_m: f64,
    pub max_share_beyond_radius: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationRules {
    pub committee_min: u32,
    pub committee_max: u32,
    pub required_committees: Vec<Committee>,
    pub households_per_staff: u32,
    pub grid_workers_per_cell: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FacilityRules {
    pub required_services: Vec<Service>,
    pub floor_area_per_100_households_m2: f64,
    pub min_floor_area_m2: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamingRules {
    pub suffix: String,
    pub max_chars: usize,
}

/// The household thresholds of one community kind: the target band after the
/// kind's one-way adjustment, the conditions of section 二 as written.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Band {
    /// Fewer than this: 二（一） merge.
    pub merge_below: u64,
    pub target_min: u64,
    pub target_max: u64,
    /// More than this may be split (`split_from - 1`: kept for the JSON contract).
    pub split_above: u64,
    /// More than this: 二（一） split in principle.
    pub adjust_above: u64,
    /// This many or more: 三（一） may be split.
    pub split_from: u64,
}

/// A profile that cannot be used, with the file and the setting at fault.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileError {
    pub file: String,
    pub message: String,
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for ProfileError {}

impl Profile {
    /// Names of the built-in profiles, default first.
    pub fn builtin_names() -> impl Iterator<Item = &'static str> {
        BUILTIN_JSON.iter().map(|(name, _)| *name)
    }

    /// A built-in profile by name.
    pub fn builtin(name: &str) -> Result<Profile, ProfileError> {
        let (_, text) = BUILTIN_JSON.iter().find(|(n, _)| *n == name).ok_or_else(|| ProfileError {
            file: name.to_string(),
            message: format!(
                "no built-in profile is called {name:?}; choose one of {} or give the path of a .toml or .json profile",
                Self::builtin_names().collect::<Vec<_>>().join(", ")
            ),
        })?;
        Self::parse(&format!("{name}.json"), text)
    }

    /// The default profile, `yangzhou-2022`.
    pub fn default_profile() -> Profile {
        // The built-in files are tested; failing here would be a build defect.
        Self::builtin(DEFAULT_PROFILE).expect("built-in profile parses")
    }

    /// Reads a profile from JSON when the text starts with `{`, else from
    /// TOML (with the `toml` feature). `file` names the source in error messages.
    pub fn parse(file: &str, text: &str) -> Result<Profile, ProfileError> {
        let err = |message: String| ProfileError {
            file: file.to_string(),
            message,
        };
        let value: Table = if text.trim_start().starts_with('{') {
            serde_json::from_str(text).map_err(|e| err(format!("not valid JSON: {e}")))?
        } else {
            parse_toml(text).map_err(err)?
        };
        // A kind's bound the file sets itself must move the right way; one it
        // inherits follows the file's own band (a street that raises
        // target_max to 3,500 keeps apartments at least as large).
        let sets = |kind: &str, key: &str| {
            value
                .get("scale")
                .and_then(|s| s.get(kind))
                .and_then(|k| k.get(key))
                .is_some()
        };
        let (own_old, own_apartment) = (
            sets("old_town", "target_min"),
            sets("apartment", "target_max"),
        );
        let merged = resolve(value, 0).map_err(err)?;
        retired_settings(&merged).map_err(err)?;
        // The path names the setting at fault: `scale.target_min: invalid type…`.
        let mut profile: Profile = serde_path_to_error::deserialize(serde_json::Value::Object(
            merged.clone(),
        ))
        .map_err(|e| {
            let at = e.path().to_string();
            let at = if at == "." { String::new() } else { at + ": " };
            err(format!(
                "{at}{}; see profiles/yangzhou-2022.toml for every setting",
                e.inner()
            ))
        })?;
        let s = &mut profile.scale;
        if !own_old {
            s.old_town.target_min = s.old_town.target_min.min(s.target_min);
        }
        if !own_apartment {
            s.apartment.target_max = s.apartment.target_max.max(s.target_max);
        }
        let (old, apartment) = (s.old_town.target_min, s.apartment.target_max);
        profile.settings = merged;
        if let Some(scale) = profile
            .settings
            .get_mut("scale")
            .and_then(|v| v.as_object_mut())
        {
            scale.insert("old_town".into(), serde_json::json!({ "target_min": old }));
            scale.insert(
                "apartment".into(),
                serde_json::json!({ "target_max": apartment }),
            );
        }
        profile.check().map_err(err)?;
        Ok(profile)
    }

    fn check(&self) -> Result<(), String> {
        let s = &self.scale;
        if !(s.merge_below <= s.target_min
            && s.target_min <= s.target_max
            && s.adjust_above <= s.target_max
            && s.adjust_above < s.split_from)
        {
            return Err(format!(
                "[scale] thresholds must rise: merge_below ({}) <= target_min ({}) <= target_max ({}), adjust_above ({}) <= target_max and < split_from ({})",
                s.merge_below, s.target_min, s.target_max, s.adjust_above, s.split_from
            ));
        }
        if !(s.merge_below <= s.old_town.target_min && s.old_town.target_min <= s.target_min) {
            return Err(format!(
                "[scale.old_town] target_min = {}: old-town communities may only be smaller (三（一）), so it lies between merge_below ({}) and target_min ({})",
                s.old_town.target_min, s.merge_below, s.target_min
            ));
        }
        if s.apartment.target_max < s.target_max {
            return Err(format!(
                "[scale.apartment] target_max = {}: apartment communities may only be larger (三（一）), so it is at least target_max ({})",
                s.apartment.target_max, s.target_max
            ));
        }
        for (key, v) in [
            ("similar_share", s.similar_share),
            ("margin_share", s.margin_share),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(format!(
                    "[scale] {key} = {v}: must be a share between 0 and 1"
                ));
            }
        }
        let o = &self.organisation;
        if o.committee_min > o.committee_max {
            return Err(format!(
                "[organisation] committee_min ({}) is above committee_max ({})",
                o.committee_min, o.committee_max
            ));
        }
        if o.households_per_staff == 0 {
            return Err("[organisation] households_per_staff must be at least 1".into());
        }
        let b = &self.boundary;
        for (key, v) in [
            ("overlap_tolerance_m2", b.overlap_tolerance_m2),
            ("gap_tolerance_m2", b.gap_tolerance_m2),
            ("sliver_m2", b.sliver_m2),
            ("barrier_snap_m", b.barrier_snap_m),
            ("adjacency_min_m", b.adjacency_min_m),
            ("adjacency_snap_m", b.adjacency_snap_m),
            ("service_radius_m", b.service_radius_m),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(format!(
                    "[boundary] {key} = {v}: must be a number of at least 0"
                ));
            }
        }
        if !(b.boundary_sample_m.is_finite() && b.boundary_sample_m >= 1.0) {
            return Err(format!(
                "[boundary] boundary_sample_m = {}: must be at least 1 (metres)",
                b.boundary_sample_m
            ));
        }
        for (key, v) in [
            ("grid_cut_tolerance", b.grid_cut_tolerance),
            ("compound_cut_tolerance", b.compound_cut_tolerance),
            ("min_polsby_popper", b.min_polsby_popper),
            ("min_barrier_share", b.min_barrier_share),
            ("max_share_beyond_radius", b.max_share_beyond_radius),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(format!(
                    "[boundary] {key} = {v}: must be a share between 0 and 1"
                ));
            }
        }
        if !self.documents.contains_key("plan") {
            return Err(
                "[documents.plan] is missing: the document the rules cite (title_zh, title_en)"
                    .into(),
            );
        }
        for code in crate::report::CODES {
            let Some(rule) = self.rules.get(*code) else {
                return Err(format!(
                    "[rules.\"{code}\"] is missing; give its strength (must, in_principle or may) and article"
                ));
            };
            if !self.documents.contains_key(&rule.document) {
                return Err(format!(
                    "[rules.\"{code}\"] document = {:?} is not in [documents]",
                    rule.document
                ));
            }
            for t in &rule.thresholds {
                if !self.origins.contains_key(t) {
                    return Err(format!(
                        "[rules.\"{code}\"] reads {t:?}, which [origins] does not list"
                    ));
                }
            }
        }
        for (table, keys) in [
            ("rules", self.rules.keys().collect::<Vec<_>>()),
            ("severity", self.severity.keys().collect()),
        ] {
            if let Some(unknown) = keys
                .into_iter()
                .find(|k| !crate::report::CODES.contains(&k.as_str()))
            {
                return Err(format!(
                    "[{table}] \"{unknown}\" is not a finding code; known codes: {}",
                    crate::report::CODES.join(", ")
                ));
            }
        }
        for (key, origin) in &self.origins {
            if origin != "local" && !self.documents.contains_key(origin) {
                return Err(format!(
                    "[origins] \"{key}\" = {origin:?}: use \"plan\", \"local\" or a key of [documents]"
                ));
            }
        }
        Ok(())
    }

    /// The household thresholds of a community of `kind`: old-town communities
    /// may be smaller (their lower bound of the target), apartment communities
    /// larger (their upper bound); the conditions of section 二 stay as written.
    pub fn band(&self, kind: CommunityKind) -> Band {
        let s = &self.scale;
        Band {
            merge_below: s.merge_below,
            target_min: match kind {
                CommunityKind::OldTown => s.old_town.target_min,
                _ => s.target_min,
            },
            target_max: match kind {
                CommunityKind::Apartment => s.apartment.target_max,
                _ => s.target_max,
            },
            split_above: s.split_from.saturating_sub(1),
            adjust_above: s.adjust_above,
            split_from: s.split_from,
        }
    }

    /// The rule behind finding `code` (`check` guarantees one for every code).
    pub fn rule(&self, code: &str) -> Option<&RuleMeta> {
        self.rules.get(code)
    }

    pub fn strength(&self, code: &str) -> Strength {
        self.rule(code)
            .map_or(Strength::InPrinciple, |r| r.strength)
    }

    pub fn severity(&self, code: &str) -> Severity {
        self.severity
            .get(code)
            .copied()
            .unwrap_or_else(|| self.strength(code).severity())
    }

    /// The citation of rule `code`: `《扬州市社区规模优化调整工作方案》三（一）`, and in English.
    pub fn citation(&self, code: &str) -> (String, String) {
        let Some(rule) = self.rule(code) else {
            return (String::new(), String::new());
        };
        let doc = self.documents.get(&rule.document);
        let (zh, en) = doc.map_or(("", ""), |d| (d.title_zh.as_str(), d.title_en.as_str()));
        let article_en = if rule.article_en.is_empty() {
            crate::fmt::section_en(&rule.article)
        } else {
            rule.article_en.clone()
        };
        (
            format!("{zh}{}", rule.article),
            format!("{en} {article_en}"),
        )
    }

    /// Where threshold `key` (`scale.target_min`) comes from.
    pub fn origin(&self, key: &str) -> Origin<'_> {
        match self.origins.get(key).and_then(|o| self.documents.get(o)) {
            Some(d) => Origin::Document(d),
            None => Origin::Local,
        }
    }

    /// `（方案规定）`, `（本地设定）`: a threshold's origin as a message says it.
    pub fn origin_note(&self, key: &str) -> (String, String) {
        match (self.origins.get(key).map(String::as_str), self.origin(key)) {
            (Some("plan"), _) => ("（方案规定）".into(), " (set by the plan)".into()),
            (_, Origin::Document(d)) => (
                format!("（依据{}）", d.title_zh),
                format!(" (after the {})", d.title_en),
            ),
            (_, Origin::Local) => (
                format!("（本地设定，规则方案 {}）", self.name),
                format!(" (a local setting of profile {})", self.name),
            ),
        }
    }
}

/// One rule as `shequ rules` and the page's 规则说明 list it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleEntry {
    pub code: &'static str,
    pub strength: Strength,
    pub severity: Severity,
    pub citation_zh: String,
    pub citation_en: String,
    pub quote_zh: String,
    pub quote_en: String,
    pub thresholds: Vec<ThresholdEntry>,
}

/// A number (or list) a rule compares against, and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThresholdEntry {
    /// `scale.target_min`.
    pub key: String,
    pub value: serde_json::Value,
    /// `plan`, `local` or the key of another document.
    pub origin: String,
    pub origin_zh: String,
    pub origin_en: String,
}

impl Profile {
    /// Every rule, in the order of [`crate::report::CODES`], with its thresholds.
    pub fn rule_sheet(&self) -> Vec<RuleEntry> {
        let settings = serde_json::Value::Object(self.settings.clone());
        crate::report::CODES
            .iter()
            .filter_map(|&code| {
                let rule = self.rule(code)?;
                let (citation_zh, citation_en) = self.citation(code);
                let thresholds = rule
                    .thresholds
                    .iter()
                    .map(|key| {
                        let value = key
                            .split('.')
                            .try_fold(&settings, |v, k| v.get(k))
                            .cloned()
                            .unwrap_or_default();
                        let origin = self
                            .origins
                            .get(key)
                            .cloned()
                            .unwrap_or_else(|| "local".into());
                        let (origin_zh, origin_en) = match self.origin(key) {
                            Origin::Document(d) => (d.title_zh.clone(), d.title_en.clone()),
                            Origin::Local => (
                                format!("本地设定（规则方案 {}）", self.name),
                                format!("local setting (profile {})", self.name),
                            ),
                        };
                        ThresholdEntry {
                            key: key.clone(),
                            value,
                            origin,
                            origin_zh,
                            origin_en,
                        }
                    })
                    .collect();
                Some(RuleEntry {
                    code,
                    strength: rule.strength,
                    severity: self.severity(code),
                    citation_zh,
                    citation_en,
                    quote_zh: rule.quote_zh.clone(),
                    quote_en: rule.quote_en.clone(),
                    thresholds,
                })
            })
            .collect()
    }
}

impl Default for Profile {
    fn default() -> Self {
        Self::default_profile()
    }
}

#[cfg(feature = "toml")]
fn parse_toml(text: &str) -> Result<Table, String> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let line = e.span().map_or(0, |s| {
            text[..s.start.min(text.len())].matches('\n').count() + 1
        });
        format!("not valid TOML at line {line}: {}", e.message().trim())
    })?;
    serde_json::to_value(table)
        .map_err(|e| e.to_string())
        .and_then(|v| match v {
            serde_json::Value::Object(m) => Ok(m),
            _ => Err("a profile is a table of settings".into()),
        })
}

#[cfg(not(feature = "toml"))]
fn parse_toml(_text: &str) -> Result<Table, String> {
    Err("this build reads JSON profiles only (text starting with `{`); convert the TOML profile to JSON".into())
}

/// Settings of earlier profiles that now mean something else, named with their replacement.
fn retired_settings(table: &Table) -> Result<(), String> {
    let scale = table.get("scale").and_then(|v| v.as_object());
    let has = |key: &str| scale.is_some_and(|s| s.contains_key(key));
    if has("split_above") {
        return Err("scale.split_above is retired: the plan has two conditions, scale.adjust_above (二（一）“大于3000户…原则上要进行拆分”, default 3000) and scale.split_from (三（一）“5000户以上…可以将其拆分”, 5,000 included, default 5000); set those instead".into());
    }
    if has("kind_factor") {
        return Err("scale.kind_factor is retired: the plan adjusts one bound per kind (三（一）: old-town communities may be smaller, apartment communities larger); set scale.old_town.target_min and scale.apartment.target_max instead".into());
    }
    Ok(())
}

/// Applies `extends` (a built-in profile, which may extend another).
fn resolve(mut table: Table, depth: usize) -> Result<Table, String> {
    let base = match table.remove("extends") {
        None => return Ok(table),
        Some(serde_json::Value::String(base)) => base,
        Some(_) => {
            return Err("`extends` must be the name of a built-in profile, as a string".into())
        }
    };
    let names = || Profile::builtin_names().collect::<Vec<_>>().join(", ");
    let text = BUILTIN_JSON
        .iter()
        .find(|(n, _)| *n == base)
        .map(|(_, t)| *t)
        .ok_or_else(|| {
            format!(
                "`extends = {base:?}` names no built-in profile; use one of {}",
                names()
            )
        })?;
    if depth > 4 {
        return Err(format!("`extends = {base:?}` goes round in a circle"));
    }
    let base_table: Table = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut merged = resolve(base_table, depth + 1)?;
    merge(&mut merged, table);
    Ok(merged)
}

/// Deep-merges `over` into `base`: tables merge key by key, anything else replaces.
fn merge(base: &mut Table, over: Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(serde_json::Value::Object(b)), serde_json::Value::Object(o)) => merge(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_profiles_parse_and_differ_where_the_law_does() {
        let yz = Profile::builtin("yangzhou-2022").unwrap();
        let nat = Profile::builtin("national-2025").unwrap();
        assert_eq!((yz.scale.target_min, yz.scale.target_max), (2000, 3000));
        assert_eq!((nat.scale.target_min, nat.scale.target_max), (1000, 3000));
        assert_eq!(yz.scale.merge_below, 500);
        assert_eq!((yz.scale.adjust_above, yz.scale.split_from), (3000, 5000));
        assert_eq!(yz.facilities.required_services.len(), 8);
        assert_eq!(nat.boundary, yz.boundary);
    }

    #[test]
    fn kinds_move_one_bound_each() {
        // 三（一）: old-town communities "可以适当缩小", apartment ones "可以适当提高户数规模";
        // the conditions of section 二 (500, 3,000) and the 5,000 of 三（一） stay as written.
        let p = Profile::default_profile();
        let std = p.band(CommunityKind::Standard);
        let old = p.band(CommunityKind::OldTown);
        let apt = p.band(CommunityKind::Apartment);
        assert_eq!((old.target_min, old.target_max), (1500, 3000));
        assert_eq!((apt.target_min, apt.target_max), (2000, 3750));
        for b in [std, old, apt] {
            assert_eq!(
                (b.merge_below, b.adjust_above, b.split_from),
                (500, 3000, 5000)
            );
        }
    }

    #[test]
    fn a_kind_may_not_move_its_bound_the_other_way() {
        let e = Profile::parse(
            "p.toml",
            "extends = \"yangzhou-2022\"\n[scale.old_town]\ntarget_min = 2500\n",
        )
        .unwrap_err();
        assert!(e.message.contains("may only be smaller"), "{e}");
        let e = Profile::parse(
            "p.toml",
            "extends = \"yangzhou-2022\"\n[scale.apartment]\ntarget_max = 2500\n",
        )
        .unwrap_err();
        assert!(e.message.contains("may only be larger"), "{e}");
    }

    #[test]
    fn retired_settings_name_their_replacement() {
        let e = Profile::parse(
            "old.toml",
            "extends = \"yangzhou-2022\"\n[scale]\nsplit_above = 6000\n",
        )
        .unwrap_err();
        assert!(e.message.contains("scale.split_from"), "{e}");
        let e = Profile::parse(
            "old.toml",
            "extends = \"yangzhou-2022\"\n[scale.kind_factor]\nold_town = 0.5\n",
        )
        .unwrap_err();
        assert!(e.message.contains("scale.old_town.target_min"), "{e}");
    }

    #[test]
    fn severity_follows_strength_and_a_city_may_change_it() {
        let p = Profile::default_profile();
        assert_eq!(p.strength("boundary.cuts_grid"), Strength::Must);
        assert_eq!(p.severity("boundary.cuts_grid"), Severity::Error);
        assert_eq!(p.severity("scale.too_large"), Severity::Warning);
        assert_eq!(p.severity("scale.split_required"), Severity::Info);
        let city = Profile::parse(
            "city.toml",
            "extends = \"yangzhou-2022\"\n[rules.\"scale.too_large\"]\nstrength = \"must\"\n",
        )
        .unwrap();
        assert_eq!(city.severity("scale.too_large"), Severity::Error);
        assert_eq!(
            city.rule("scale.too_large").unwrap().article,
            "二（一）",
            "the rest inherited"
        );
    }

    #[test]
    fn citations_come_from_the_profile() {
        let yz = Profile::builtin("yangzhou-2022").unwrap();
        let nat = Profile::builtin("national-2025").unwrap();
        assert_eq!(
            yz.citation("scale.below_target").0,
            "《扬州市社区规模优化调整工作方案》三（一）"
        );
        assert_eq!(
            nat.citation("scale.below_target").0,
            "《城市居民委员会组织法》第三条"
        );
        assert_eq!(
            nat.citation("scale.below_target").1,
            "Organic Law of Urban Residents' Committees art. 3"
        );
        // What the law does not fix is still the Yangzhou plan's.
        assert_eq!(
            nat.citation("scale.too_small").0,
            "《扬州市社区规模优化调整工作方案》二（一）"
        );
        assert!(
            matches!(nat.origin("scale.target_min"), Origin::Document(d) if d.title_zh == "《城市居民委员会组织法》")
        );
        assert_eq!(yz.origin("boundary.min_barrier_share"), Origin::Local);
    }

    #[test]
    fn the_rule_sheet_gives_values_and_origins() {
        let sheet = Profile::builtin("national-2025").unwrap().rule_sheet();
        assert_eq!(sheet.len(), crate::report::CODES.len());
        let below = sheet
            .iter()
            .find(|r| r.code == "scale.below_target")
            .unwrap();
        let t = &below.thresholds[0];
        assert_eq!(
            (t.key.as_str(), t.value.as_u64()),
            ("scale.target_min", Some(1000))
        );
        assert_eq!(t.origin_zh, "《城市居民委员会组织法》");
        let off = sheet
            .iter()
            .find(|r| r.code == "boundary.off_barrier")
            .unwrap();
        assert_eq!(off.thresholds[0].value.as_f64(), Some(0.6));
        assert_eq!(off.thresholds[0].origin, "local");
        assert_eq!(off.quote_zh, "一般以道路、街巷、河流为边界");
    }

    #[test]
    fn every_threshold_has_an_origin() {
        // Each number a rule reads is listed in [origins], so `shequ rules` can say where it comes from.
        let p = Profile::default_profile();
        let value = serde_json::to_value(&p).unwrap();
        for family in ["scale", "boundary", "organisation", "facilities", "naming"] {
            for (key, v) in value[family].as_object().unwrap() {
                let keys: Vec<String> = match v.as_object() {
                    Some(sub) => sub.keys().map(|k| format!("{family}.{key}.{k}")).collect(),
                    None => vec![format!("{family}.{key}")],
                };
                for k in keys {
                    assert!(p.origins.contains_key(&k), "[origins] lacks {k}");
                }
            }
        }
    }

    #[test]
    fn json_profiles_are_accepted() {
        let p = Profile::parse(
            "p.json",
            r#"{"extends": "national-2025", "name": "x", "scale": {"merge_below": 400}}"#,
        )
        .unwrap();
        assert_eq!(p.scale.merge_below, 400);
        assert_eq!(p.scale.target_min, 1000);
    }

    #[test]
    fn misspelt_setting_is_named() {
        let e = Profile::parse(
            "p.toml",
            "extends = \"yangzhou-2022\"\n[scale]\ntarget_mx = 1\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("target_mx"), "{e}");
        assert!(e.to_string().starts_with("p.toml: "), "{e}");
    }

    #[test]
    fn a_value_of_the_wrong_type_names_its_setting() {
        let e = Profile::parse(
            "街道细则.toml",
            "extends = \"yangzhou-2022\"\n[scale]\ntarget_min = \"两千\"\n",
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("街道细则.toml: scale.target_min: invalid type"),
            "{e}"
        );
        assert!(e.message.contains("两千"), "{e}");
    }

    #[test]
    fn thresholds_out_of_order_are_refused() {
        let e = Profile::parse(
            "p.toml",
            "extends = \"yangzhou-2022\"\n[scale]\ntarget_min = 4000\n",
        )
        .unwrap_err();
        assert!(e.message.contains("must rise"), "{e}");
    }

    #[test]
    fn toml_syntax_errors_give_the_line() {
        let e = Profile::parse("p.toml", "name = \"x\"\n[scale\n").unwrap_err();
        assert!(e.message.contains("line 2"), "{e}");
    }

    #[test]
    fn unknown_base_is_named() {
        let e = Profile::parse("p.toml", "extends = \"suzhou\"\n").unwrap_err();
        assert!(e.message.contains("suzhou"), "{e}");
        assert!(Profile::builtin("nope").is_err());
    }
}
