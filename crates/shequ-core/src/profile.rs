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

type Table = serde_json::Map<String, serde_json::Value>;

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
    /// Severity of every finding code.
    pub severity: BTreeMap<String, Severity>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleRules {
    pub merge_below: u64,
    pub target_min: u64,
    pub target_max: u64,
    pub split_above: u64,
    pub single_compound_min: u64,
    pub count_planned: bool,
    pub kind_factor: KindFactors,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindFactors {
    pub standard: f64,
    pub old_town: f64,
    pub apartment: f64,
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

/// The household band of one community kind, after its factor.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Band {
    pub merge_below: u64,
    pub target_min: u64,
    pub target_max: u64,
    pub split_above: u64,
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
        let merged = resolve(value, 0).map_err(err)?;
        // The path names the setting at fault: `scale.target_min: invalid type…`.
        let profile: Profile = serde_path_to_error::deserialize(serde_json::Value::Object(merged))
            .map_err(|e| {
                let at = e.path().to_string();
                let at = if at == "." { String::new() } else { at + ": " };
                err(format!(
                    "{at}{}; see profiles/yangzhou-2022.toml for every setting",
                    e.inner()
                ))
            })?;
        profile.check().map_err(err)?;
        Ok(profile)
    }

    fn check(&self) -> Result<(), String> {
        let s = &self.scale;
        if !(s.merge_below <= s.target_min
            && s.target_min <= s.target_max
            && s.target_max <= s.split_above)
        {
            return Err(format!(
                "[scale] thresholds must rise: merge_below ({}) <= target_min ({}) <= target_max ({}) <= split_above ({})",
                s.merge_below, s.target_min, s.target_max, s.split_above
            ));
        }
        for (kind, f) in [
            ("standard", s.kind_factor.standard),
            ("old_town", s.kind_factor.old_town),
            ("apartment", s.kind_factor.apartment),
        ] {
            if !(f.is_finite() && f > 0.0 && f <= 10.0) {
                return Err(format!(
                    "[scale.kind_factor] {kind} = {f}: must be a number above 0 and at most 10"
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
        for code in crate::report::CODES {
            if !self.severity.contains_key(*code) {
                return Err(format!(
                    "[severity] has no entry for \"{code}\"; add one (error, warning or info)"
                ));
            }
        }
        if let Some(unknown) = self
            .severity
            .keys()
            .find(|k| !crate::report::CODES.contains(&k.as_str()))
        {
            return Err(format!(
                "[severity] \"{unknown}\" is not a finding code; known codes: {}",
                crate::report::CODES.join(", ")
            ));
        }
        Ok(())
    }

    /// The household band of a community of `kind`.
    pub fn band(&self, kind: CommunityKind) -> Band {
        let s = &self.scale;
        let f = match kind {
            CommunityKind::Standard => s.kind_factor.standard,
            CommunityKind::OldTown => s.kind_factor.old_town,
            CommunityKind::Apartment => s.kind_factor.apartment,
        };
        let scale = |v: u64| (v as f64 * f).round() as u64;
        Band {
            merge_below: scale(s.merge_below),
            target_min: scale(s.target_min),
            target_max: scale(s.target_max),
            split_above: scale(s.split_above),
        }
    }

    pub fn severity(&self, code: &str) -> Severity {
        // `check` guarantees every code has an entry.
        self.severity
            .get(code)
            .copied()
            .unwrap_or(Severity::Warning)
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
        assert_eq!(yz.scale.split_above, 5000);
        assert_eq!(yz.facilities.required_services.len(), 8);
        assert_eq!(nat.boundary, yz.boundary);
    }

    #[test]
    fn kind_factor_shifts_the_band() {
        let p = Profile::default_profile();
        let old = p.band(CommunityKind::OldTown);
        assert_eq!(old.target_min, 1500);
        assert_eq!(old.target_max, 2250);
        let apt = p.band(CommunityKind::Apartment);
        assert_eq!(apt.split_above, 6250);
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
