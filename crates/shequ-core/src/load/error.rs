//! Load errors and repair notes, written for the planner who has to fix the file.

use std::fmt;

use serde::Serialize;

/// Every error code the loader emits, grouped as the loader meets them.
/// Codes are stable: the web page and tests key on them.
pub const CODES: &[&str] = &[
    // The file as a whole.
    "load.too_large",
    "load.not_geojson",
    "load.not_utf8",
    "load.empty_file",
    "load.json",
    "load.truncated",
    "load.too_deep",
    "load.nan",
    "load.not_collection",
    "load.crs",
    "load.bad_plan_info",
    "load.empty_plan",
    // A feature and its properties.
    "load.not_feature",
    "load.wrong_type",
    "load.missing_layer",
    "load.unknown_layer",
    "load.layer_mismatch",
    "load.missing_id",
    "load.empty_id",
    "load.duplicate_id",
    "load.missing_field",
    "load.negative",
    "load.fractional",
    "load.absurd",
    "load.out_of_range",
    "load.unknown_value",
    "load.bad_explanation",
    "load.dangling_reference",
    // Its geometry.
    "load.missing_geometry",
    "load.bad_geometry",
    "load.wrong_geometry",
    "load.too_many_vertices",
    "load.bad_coordinates",
    "load.null_coordinate",
    "load.bad_position",
    "load.non_finite",
    "load.projected",
    "load.swapped",
    "load.antimeridian",
    "load.too_few_points",
    "load.empty_geometry",
    "load.zero_area",
    "load.invalid_geometry",
    "load.too_complex",
];

/// Every repair the loader notes.
pub const NOTE_CODES: &[&str] = &[
    "repair.closed_ring",
    "repair.winding",
    "repair.repeated_point",
    "repair.dropped_z",
];

/// One problem with the input: where it is, what is wrong, how to fix it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadError {
    pub file: String,
    /// Index of the feature in its file's `features` array.
    pub feature_index: Option<usize>,
    pub feature_id: Option<String>,
    pub layer: Option<&'static str>,
    /// The property at fault (`geometry` for the geometry).
    pub field: Option<String>,
    /// Stable code, e.g. `load.wrong_type`.
    pub code: &'static str,
    pub problem_en: String,
    pub problem_zh: String,
    pub fix_en: String,
    pub fix_zh: String,
}

impl LoadError {
    pub(crate) fn file(
        file: &str,
        code: &'static str,
        en: String,
        zh: String,
        fix_en: String,
        fix_zh: String,
    ) -> Self {
        LoadError {
            file: file.to_string(),
            feature_index: None,
            feature_id: None,
            layer: None,
            field: None,
            code,
            problem_en: en,
            problem_zh: zh,
            fix_en,
            fix_zh,
        }
    }

    /// Where the problem is, in English: `plan.geojson: feature #3 (id "C03", layer community): households`.
    pub fn location_en(&self) -> String {
        let mut s = self.file.clone();
        if let Some(i) = self.feature_index {
            s.push_str(&format!(": feature #{i}"));
            let mut what = Vec::new();
            if let Some(id) = &self.feature_id {
                what.push(format!("id {}", super::properties::quoted(id)));
            }
            if let Some(layer) = self.layer {
                what.push(format!("layer {layer}"));
            }
            if !what.is_empty() {
                s.push_str(&format!(" ({})", what.join(", ")));
            }
        }
        if let Some(field) = &self.field {
            s.push_str(&format!(": {field}"));
        }
        s
    }

    pub fn location_zh(&self) -> String {
        let mut s = self.file.clone();
        if let Some(i) = self.feature_index {
            s.push_str(&format!("：第 {i} 号要素"));
            let mut what = Vec::new();
            if let Some(id) = &self.feature_id {
                what.push(format!("编号 {}", super::properties::quoted(id)));
            }
            if let Some(layer) = self.layer {
                what.push(format!("图层 {layer}"));
            }
            if !what.is_empty() {
                s.push_str(&format!("（{}）", what.join("，")));
            }
        }
        if let Some(field) = &self.field {
            s.push_str(&format!("：{field}"));
        }
        s
    }

    /// The whole message in Chinese, on one line.
    pub fn message_zh(&self) -> String {
        format!(
            "{}：{}。修改建议：{}",
            self.location_zh(),
            self.problem_zh,
            self.fix_zh
        )
    }

    /// The whole message in English, on one line (also the `Display`).
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}; fix: {}",
            self.location_en(),
            self.problem_en,
            self.fix_en
        )
    }
}

/// Every problem found in the input (up to a limit), in file order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadErrors {
    pub errors: Vec<LoadError>,
    /// Problems beyond the listing limit, counted but not listed.
    pub more: usize,
}

impl LoadErrors {
    pub(crate) fn new(mut errors: Vec<LoadError>, max: usize) -> Self {
        let more = errors.len().saturating_sub(max);
        errors.truncate(max);
        LoadErrors { errors, more }
    }

    pub fn single(e: LoadError) -> Self {
        LoadErrors {
            errors: vec![e],
            more: 0,
        }
    }
}

impl fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        if self.more > 0 {
            write!(f, "\n… and {} more problems", self.more)?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadErrors {}

/// A repair the loader made because it could not change the plan's meaning.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadNote {
    pub code: &'static str,
    pub file: String,
    pub feature_index: usize,
    pub feature_id: Option<String>,
    pub message_en: String,
    pub message_zh: String,
    /// How many features this note stands for (notes of one kind are summarised).
    pub count: usize,
}

impl fmt::Display for LoadNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: feature #{}", self.file, self.feature_index)?;
        if let Some(id) = &self.feature_id {
            write!(f, " (id {})", super::properties::quoted(id))?;
        }
        write!(f, ": {}", self.message_en)?;
        if self.count > 1 {
            write!(f, " (and {} more features)", self.count - 1)?;
        }
        Ok(())
    }
}

/// One note per kind of repair: the first example, with a count.
pub(crate) fn summarise_notes(notes: Vec<LoadNote>) -> Vec<LoadNote> {
    let mut out: Vec<LoadNote> = Vec::new();
    for n in notes {
        match out.iter_mut().find(|o| o.code == n.code) {
            Some(o) => o.count += 1,
            None => out.push(n),
        }
    }
    out
}
