//! Import errors and notes, to the same standard as `shequ_core::load::LoadError`:
//! the file, the entry inside a zip, the record (or spreadsheet row), the
//! field, what is wrong and how to fix it, in Chinese and English.

use std::fmt;

use serde::Serialize;

/// One problem with an input file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportError {
    /// The file as the user named it (`plan.zip`, `户数.xlsx`).
    pub file: String,
    /// The entry inside a zip (`社区/社区.dbf`), or the sheet of a workbook.
    pub entry: Option<String>,
    /// Record number in a Shapefile (1-based, as GIS software shows it).
    pub record: Option<usize>,
    /// Row number in a table (1-based, as the spreadsheet shows it).
    pub row: Option<usize>,
    /// The column or property at fault.
    pub field: Option<String>,
    /// Stable code, e.g. `import.not_zip`.
    pub code: &'static str,
    pub problem_en: String,
    pub problem_zh: String,
    pub fix_en: String,
    pub fix_zh: String,
}

impl ImportError {
    pub(crate) fn new(
        file: &str,
        code: &'static str,
        en: impl Into<String>,
        zh: impl Into<String>,
        fix_en: impl Into<String>,
        fix_zh: impl Into<String>,
    ) -> Self {
        ImportError {
            file: file.to_string(),
            entry: None,
            record: None,
            row: None,
            field: None,
            code,
            problem_en: en.into(),
            problem_zh: zh.into(),
            fix_en: fix_en.into(),
            fix_zh: fix_zh.into(),
        }
    }

    pub(crate) fn entry(mut self, entry: &str) -> Self {
        self.entry = Some(entry.to_string());
        self
    }

    pub(crate) fn record(mut self, record: usize) -> Self {
        self.record = Some(record);
        self
    }

    pub(crate) fn row(mut self, row: usize) -> Self {
        self.row = Some(row);
        self
    }

    pub(crate) fn field(mut self, field: &str) -> Self {
        self.field = Some(field.to_string());
        self
    }

    /// `plan.zip: 社区.dbf: record 3: HS`.
    pub fn location_en(&self) -> String {
        let mut s = self.file.clone();
        if let Some(e) = &self.entry {
            s.push_str(&format!(": {e}"));
        }
        if let Some(r) = self.record {
            s.push_str(&format!(": record {r}"));
        }
        if let Some(r) = self.row {
            s.push_str(&format!(": row {r}"));
        }
        if let Some(f) = &self.field {
            s.push_str(&format!(": {f}"));
        }
        s
    }

    /// `plan.zip：社区.dbf：第 3 条记录：HS`.
    pub fn location_zh(&self) -> String {
        let mut s = self.file.clone();
        if let Some(e) = &self.entry {
            s.push_str(&format!("：{e}"));
        }
        if let Some(r) = self.record {
            s.push_str(&format!("：第 {r} 条记录"));
        }
        if let Some(r) = self.row {
            s.push_str(&format!("：第 {r} 行"));
        }
        if let Some(f) = &self.field {
            s.push_str(&format!("：{f}"));
        }
        s
    }

    pub fn message_zh(&self) -> String {
        format!(
            "{}：{}。修改建议：{}",
            self.location_zh(),
            self.problem_zh,
            self.fix_zh
        )
    }

    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for ImportError {
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

/// Every problem found (up to a limit), in file order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportErrors {
    pub errors: Vec<ImportError>,
    /// Problems beyond the listing limit, counted but not listed.
    pub more: usize,
}

/// At most this many errors are listed.
pub const MAX_ERRORS: usize = 200;

impl ImportErrors {
    pub fn single(e: ImportError) -> Self {
        ImportErrors {
            errors: vec![e],
            more: 0,
        }
    }

    pub(crate) fn from_vec(mut errors: Vec<ImportError>) -> Self {
        let more = errors.len().saturating_sub(MAX_ERRORS);
        errors.truncate(MAX_ERRORS);
        ImportErrors { errors, more }
    }
}

impl From<ImportError> for ImportErrors {
    fn from(e: ImportError) -> Self {
        ImportErrors::single(e)
    }
}

impl fmt::Display for ImportErrors {
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

impl std::error::Error for ImportErrors {}

/// How much a note matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// What was done, for the record (encoding used, ids generated).
    Info,
    /// Something that may be wrong: check it before trusting the result.
    Warning,
}

/// Something the importer decided or noticed, in both languages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Note {
    /// Stable code, e.g. `crs.declared_mismatch`.
    pub code: &'static str,
    pub level: Level,
    pub file: String,
    pub entry: Option<String>,
    pub message_en: String,
    pub message_zh: String,
}

impl Note {
    pub(crate) fn info(
        code: &'static str,
        file: &str,
        entry: Option<&str>,
        en: impl Into<String>,
        zh: impl Into<String>,
    ) -> Self {
        Note {
            code,
            level: Level::Info,
            file: file.to_string(),
            entry: entry.map(str::to_string),
            message_en: en.into(),
            message_zh: zh.into(),
        }
    }

    pub(crate) fn warning(
        code: &'static str,
        file: &str,
        entry: Option<&str>,
        en: impl Into<String>,
        zh: impl Into<String>,
    ) -> Self {
        Note {
            level: Level::Warning,
            ..Note::info(code, file, entry, en, zh)
        }
    }

    fn place(&self) -> String {
        match &self.entry {
            Some(e) => format!("{}: {e}", self.file),
            None => self.file.clone(),
        }
    }

    /// One line in Chinese.
    pub fn line_zh(&self) -> String {
        let place = match &self.entry {
            Some(e) => format!("{}：{e}", self.file),
            None => self.file.clone(),
        };
        format!("{place}：{}", self.message_zh)
    }

    /// One line in English.
    pub fn line_en(&self) -> String {
        format!("{}: {}", self.place(), self.message_en)
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.line_en())
    }
}
