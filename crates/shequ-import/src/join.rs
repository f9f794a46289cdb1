//! Households from a table, joined to the plan's compounds by id or by name.
//!
//! Names are compared after [`crate::text::normalise`] (trimmed, half-width,
//! no spaces); a compound-type suffix (`小区`, `花园`, …) is dropped only when
//! that still names exactly one compound and one row. Nothing is guessed
//! silently: the report lists what changed, the rows that matched nothing,
//! the compounds without a row, and keys found more than once.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use shequ_core::model::{Layer, Plan};

use crate::error::{ImportError, Note};
use crate::mapping::{recognise_for, whole_number};
use crate::table::{cell_text, header_row, read_table, Table};
use crate::text::{normalise, strip_suffix};

/// What the table's key column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyKind {
    /// Compound ids.
    Id,
    /// Compound names.
    Name,
}

/// How to read and join a households table; every field may be left out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JoinOptions {
    /// Join by id or by name; `None` picks the one that matches more rows.
    pub key: Option<KeyKind>,
    /// The key column's header; `None` guesses it.
    pub key_column: Option<String>,
    pub households_column: Option<String>,
    pub planned_column: Option<String>,
    /// The sheet of a workbook; `None` takes the first with data.
    pub sheet: Option<String>,
    /// The header's row number as the spreadsheet shows it (1-based); `None` finds it.
    pub header_row: Option<usize>,
}

/// A households table imported with the Shapefiles
/// ([`crate::ImportOptions::households`]): which of the files it is, and how
/// to join it (`{"file": "户数.csv", "key": "id"}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HouseholdsTable {
    /// The table's name among the files given to [`crate::to_plan`].
    pub file: String,
    #[serde(flatten)]
    pub join: JoinOptions,
}

/// A compound whose households changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Updated {
    pub compound_id: String,
    pub name: String,
    /// Row number in the table (1-based, as the spreadsheet shows it).
    pub row: usize,
    pub key: String,
    /// `id`, `name` or `name_without_suffix`: how the row was matched.
    pub matched_by: &'static str,
    pub households_before: u32,
    pub households_after: u32,
    pub planned_before: u32,
    pub planned_after: u32,
}

/// A table row and its key.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowRef {
    pub row: usize,
    pub key: String,
}

/// A compound by id and name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompoundRef {
    pub id: String,
    pub name: String,
}

/// One key met more than once: rows of the table, or compounds of the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Duplicate {
    pub key: String,
    /// Table rows with this key (the first was used).
    pub rows: Vec<usize>,
    /// Compounds the key could mean (none was changed when more than one).
    pub compounds: Vec<String>,
}

/// What the join did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JoinReport {
    pub file: String,
    pub sheet: Option<String>,
    /// The header's row number (1-based).
    pub header_row: usize,
    pub columns: Vec<String>,
    pub key: KeyKind,
    pub key_column: String,
    pub households_column: Option<String>,
    pub planned_column: Option<String>,
    pub updated: Vec<Updated>,
    /// Rows whose key matched no compound.
    pub unmatched_rows: Vec<RowRef>,
    /// Compounds no row matched (their households are unchanged).
    pub compounds_without_row: Vec<CompoundRef>,
    pub duplicates: Vec<Duplicate>,
    pub notes: Vec<Note>,
}

/// The plan with the table's households, and the report.
#[derive(Debug, Clone)]
pub struct Joined {
    pub plan: Plan,
    pub report: JoinReport,
}

/// Reads `bytes` as a households table and joins it to `plan`'s compounds.
pub fn join_households(
    plan: &Plan,
    file: &str,
    bytes: &[u8],
    opts: &JoinOptions,
) -> Result<Joined, Vec<ImportError>> {
    let table = read_table(file, bytes, opts.sheet.as_deref()).map_err(|e| vec![e])?;
    join_table(plan, &table, opts)
}

/// Joins an already read table.
pub fn join_table(
    plan: &Plan,
    table: &Table,
    opts: &JoinOptions,
) -> Result<Joined, Vec<ImportError>> {
    let keys: Vec<CompoundKey> = plan
        .compounds
        .iter()
        .map(|c| CompoundKey {
            id: c.id.clone(),
            name: c.name.clone(),
            households: Some(c.households),
            planned: c.planned_households,
        })
        .collect();
    let (set, report) = join_keys(&keys, table, opts)?;
    let mut plan = plan.clone();
    for (c, (h, p)) in plan.compounds.iter_mut().zip(set) {
        if let Some(h) = h {
            c.households = h;
        }
        if let Some(p) = p {
            c.planned_households = p;
        }
    }
    Ok(Joined { plan, report })
}

/// A compound as a join sees it, before the plan is whole: its id, name and
/// counts (`households: None` when its layer gave none).
#[derive(Debug, Clone, PartialEq)]
pub struct CompoundKey {
    pub id: String,
    pub name: String,
    pub households: Option<u32>,
    pub planned: u32,
}

/// Joins a table to compounds given by id and name: for each compound, the
/// households and planned households the table gives it (`None`: left as
/// they were), and the report.
#[allow(clippy::type_complexity)]
pub fn join_keys(
    keys: &[CompoundKey],
    table: &Table,
    opts: &JoinOptions,
) -> Result<(Vec<(Option<u32>, Option<u32>)>, JoinReport), Vec<ImportError>> {
    let file = table.file.as_str();
    let sheet = table.sheet.as_deref();
    let at = |e: ImportError| match sheet {
        Some(s) => e.entry(s),
        None => e,
    };
    let header = match opts.header_row {
        Some(r) if r >= table.first_row && r - table.first_row < table.rows.len() => {
            r - table.first_row
        }
        Some(r) => {
            return Err(vec![at(ImportError::new(
                file,
                "import.bad_header_row",
                format!("there is no row {r}"),
                format!("没有第 {r} 行"),
                "give the row number of the header as the spreadsheet shows it",
                "请给出表头所在的行号（与电子表格中显示的一致）",
            ))])
        }
        None => header_row(&table.rows).ok_or_else(|| {
            vec![at(ImportError::new(
                file,
                "import.no_header",
                "no header row found in the first 20 rows",
                "前 20 行中找不到表头",
                "put a header row (e.g. 小区名称, 户数, 规划户数) above the data",
                "请在数据上方加一行表头（例如：小区名称、户数、规划户数）",
            ))]
        })?,
    };
    let columns: Vec<String> = table.rows[header].iter().map(cell_text).collect();
    let find =
        |name: &Option<String>, what: &str, zh: &str| -> Result<Option<usize>, ImportError> {
            match name {
                None => Ok(None),
                Some(n) => columns
                    .iter()
                    .position(|c| c == n)
                    .map(Some)
                    .ok_or_else(|| {
                        at(ImportError::new(
                            file,
                            "import.unknown_column",
                            format!(
                                "there is no column {n:?} for the {what}; the columns are {}",
                                columns.join(", ")
                            ),
                            format!("没有名为 {n:?} 的{zh}列；现有列为 {}", columns.join("、")),
                            "pick one of the columns listed",
                            "请从所列列名中选择",
                        )
                        .row(header + table.first_row))
                    }),
            }
        };
    let best = |target: &str, skip: &[usize]| -> Option<usize> {
        columns
            .iter()
            .enumerate()
            .filter(|(i, _)| !skip.contains(i))
            .filter_map(|(i, c)| {
                recognise_for(Layer::Compound, c)
                    .into_iter()
                    .find(|(t, _)| *t == target)
                    .map(|(_, conf)| (i, conf))
            })
            .filter(|(_, c)| *c >= 0.5)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(i, _)| i)
    };
    let given_key = find(&opts.key_column, "key", "匹配键").map_err(|e| vec![e])?;
    let households_col =
        find(&opts.households_column, "households", "户数").map_err(|e| vec![e])?;
    let planned_col =
        find(&opts.planned_column, "planned households", "规划户数").map_err(|e| vec![e])?;
    let planned_col = planned_col.or_else(|| {
        best(
            "planned_households",
            &households_col.into_iter().collect::<Vec<_>>(),
        )
    });
    let households_col =
        households_col.or_else(|| best("households", &planned_col.into_iter().collect::<Vec<_>>()));
    if households_col.is_none() && planned_col.is_none() {
        return Err(vec![at(ImportError::new(
            file,
            "import.no_households_column",
            format!("no households column among {}", columns.join(", ")),
            format!("在 {} 中找不到户数列", columns.join("、")),
            "name the column 户数 (and 规划户数 for planned homes), or choose it",
            "请把列名改为“户数”（规划及在建户数为“规划户数”），或手动指定",
        )
        .row(header + table.first_row))]);
    }
    let data: Vec<(usize, &Vec<Value>)> = table
        .rows
        .iter()
        .enumerate()
        .skip(header + 1)
        .map(|(i, r)| (i + table.first_row, r))
        .filter(|(_, r)| r.iter().any(|v| !v.is_null()))
        .collect();
    let used: Vec<usize> = households_col.into_iter().chain(planned_col).collect();
    let id_col = best("id", &used);
    let name_col = best("name", &used);
    // Which key: as told, else the one matching more rows.
    let index = Index::new(keys);
    let matches = |col: usize, kind: KeyKind| {
        data.iter()
            .filter(|(_, r)| {
                index
                    .lookup(&cell_text(r.get(col).unwrap_or(&Value::Null)), kind)
                    .is_ok()
            })
            .count()
    };
    let (key_col, key) = match (given_key, opts.key) {
        (Some(c), Some(k)) => (c, k),
        (Some(c), None) => {
            let (a, b) = (matches(c, KeyKind::Id), matches(c, KeyKind::Name));
            (
                c,
                if a >= b && a > 0 {
                    KeyKind::Id
                } else {
                    KeyKind::Name
                },
            )
        }
        (None, Some(KeyKind::Id)) => (
            id_col
                .or(name_col)
                .ok_or_else(|| no_key(file, sheet, &columns))?,
            KeyKind::Id,
        ),
        (None, Some(KeyKind::Name)) => (
            name_col
                .or(id_col)
                .ok_or_else(|| no_key(file, sheet, &columns))?,
            KeyKind::Name,
        ),
        (None, None) => match (id_col, name_col) {
            (Some(i), Some(n)) => {
                if matches(i, KeyKind::Id) >= matches(n, KeyKind::Name)
                    && matches(i, KeyKind::Id) > 0
                {
                    (i, KeyKind::Id)
                } else {
                    (n, KeyKind::Name)
                }
            }
            (Some(i), None) => (i, KeyKind::Id),
            (None, Some(n)) => (n, KeyKind::Name),
            (None, None) => return Err(no_key(file, sheet, &columns)),
        },
    };
    let mut notes = Vec::new();
    let mut errors = Vec::new();
    let mut set: Vec<(Option<u32>, Option<u32>)> = vec![(None, None); keys.len()];
    let mut updated = Vec::new();
    let mut unmatched = Vec::new();
    let mut seen: HashMap<usize, usize> = HashMap::new(); // compound → first row
    let mut dup_rows: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut duplicates: Vec<Duplicate> = Vec::new();
    for (row, r) in &data {
        let key_text = cell_text(r.get(key_col).unwrap_or(&Value::Null));
        if key_text.is_empty() {
            continue;
        }
        let norm = normalise(&key_text);
        if ["合计", "总计", "小计", "total", "sum"].contains(&norm.as_str()) {
            continue;
        }
        let (k, how) = match index.lookup(&key_text, key) {
            Ok(found) => found,
            Err(Some(candidates)) => {
                match duplicates.iter_mut().find(|d| d.key == key_text) {
                    Some(d) => d.rows.push(*row),
                    None => duplicates.push(Duplicate {
                        key: key_text.clone(),
                        rows: vec![*row],
                        compounds: candidates.iter().map(|&c| keys[c].id.clone()).collect(),
                    }),
                }
                continue;
            }
            Err(None) => {
                unmatched.push(RowRef {
                    row: *row,
                    key: key_text,
                });
                continue;
            }
        };
        if let Some(_first) = seen.get(&k) {
            dup_rows.entry(k).or_default().push(*row);
            continue;
        }
        seen.insert(k, *row);
        let c = &keys[k];
        let mut read = |col: Option<usize>, what: &str, zh: &str| -> Option<u32> {
            let col = col?;
            let v = r.get(col).unwrap_or(&Value::Null);
            if v.is_null() {
                return None;
            }
            match whole_number(v)
                .and_then(|n| u32::try_from(n).ok())
                .filter(|&n| n <= 20_000)
            {
                Some(n) => Some(n),
                None => {
                    errors.push(
                        at(ImportError::new(
                            file,
                            "import.bad_households",
                            format!("{} is not a number of {what} (a whole number from 0 to 20,000)", cell_text(v)),
                            format!("{} 不是有效的{zh}（应为 0 到 20000 的整数）", cell_text(v)),
                            "write the number of homes as a whole number, without words such as 约 or 左右",
                            "请填写整数户数，不要带“约”“左右”等文字",
                        ))
                        .row(*row)
                        .field(&columns[col]),
                    );
                    None
                }
            }
        };
        let hh = read(households_col, "households", "户数");
        let planned = read(planned_col, "planned households", "规划户数");
        set[k] = (hh, planned);
        let before = (c.households.unwrap_or(0), c.planned);
        updated.push(Updated {
            compound_id: c.id.clone(),
            name: c.name.clone(),
            row: *row,
            key: key_text,
            matched_by: how,
            households_before: before.0,
            households_after: hh.unwrap_or(before.0),
            planned_before: before.1,
            planned_after: planned.unwrap_or(before.1),
        });
        if hh.is_none() && planned.is_none() {
            notes.push(at_note(
                file,
                sheet,
                format!(
                    "row {row}: the households cells are empty; {} keeps its households",
                    c.id
                ),
                format!("第 {row} 行：户数为空；{} 保留原户数", c.id),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    for (k, mut rows) in dup_rows {
        rows.insert(0, seen[&k]);
        duplicates.push(Duplicate {
            key: cell_text(
                data.iter()
                    .find(|(r, _)| *r == rows[0])
                    .and_then(|(_, r)| r.get(key_col))
                    .unwrap_or(&Value::Null),
            ),
            rows,
            compounds: vec![keys[k].id.clone()],
        });
    }
    duplicates.sort_by_key(|d| d.rows.first().copied());
    let compounds_without_row = keys
        .iter()
        .enumerate()
        .filter(|(i, _)| !seen.contains_key(i))
        .map(|(_, c)| CompoundRef {
            id: c.id.clone(),
            name: c.name.clone(),
        })
        .collect();
    let by_suffix = updated
        .iter()
        .filter(|u| u.matched_by == "name_without_suffix")
        .count();
    if by_suffix > 0 {
        notes.push(at_note(file, sheet, format!("{by_suffix} row(s) matched a compound only after dropping a suffix such as 小区 or 花园: check them in the report"), format!("{by_suffix} 行是去掉“小区”“花园”等后缀后才匹配到小区的：请在报告中核对")));
    }
    let report = JoinReport {
        file: file.to_string(),
        sheet: table.sheet.clone(),
        header_row: header + table.first_row,
        columns: columns.clone(),
        key,
        key_column: columns[key_col].clone(),
        households_column: households_col.map(|c| columns[c].clone()),
        planned_column: planned_col.map(|c| columns[c].clone()),
        updated,
        unmatched_rows: unmatched,
        compounds_without_row,
        duplicates,
        notes,
    };
    Ok((set, report))
}

fn at_note(file: &str, sheet: Option<&str>, en: String, zh: String) -> Note {
    Note::warning("join.note", file, sheet, en, zh)
}

fn no_key(file: &str, sheet: Option<&str>, columns: &[String]) -> Vec<ImportError> {
    let e = ImportError::new(
        file,
        "import.no_key_column",
        format!(
            "no column names the compounds (id or name) among {}",
            columns.join(", ")
        ),
        format!(
            "在 {} 中找不到标识小区的列（编号或名称）",
            columns.join("、")
        ),
        "name the column 小区名称 or 小区编号, or choose it",
        "请把列名改为“小区名称”或“小区编号”，或手动指定",
    );
    vec![match sheet {
        Some(s) => e.entry(s),
        None => e,
    }]
}

/// The plan's compounds by id, normalised name and name without suffix.
struct Index {
    by_id: HashMap<String, usize>,
    by_id_norm: HashMap<String, Vec<usize>>,
    by_name: HashMap<String, Vec<usize>>,
    by_stem: HashMap<String, Vec<usize>>,
}

impl Index {
    fn new(keys: &[CompoundKey]) -> Index {
        let mut ix = Index {
            by_id: HashMap::new(),
            by_id_norm: HashMap::new(),
            by_name: HashMap::new(),
            by_stem: HashMap::new(),
        };
        for (i, c) in keys.iter().enumerate() {
            ix.by_id.insert(c.id.trim().to_string(), i);
            ix.by_id_norm.entry(normalise(&c.id)).or_default().push(i);
            let n = normalise(&c.name);
            if n.is_empty() {
                continue;
            }
            let stem = strip_suffix(&n).unwrap_or(&n).to_string();
            ix.by_stem.entry(stem).or_default().push(i);
            ix.by_name.entry(n).or_default().push(i);
        }
        ix
    }

    /// The compound a key means and how it matched; `Err(Some(candidates))`
    /// when it could mean several, `Err(None)` when none.
    fn lookup(
        &self,
        key: &str,
        kind: KeyKind,
    ) -> Result<(usize, &'static str), Option<Vec<usize>>> {
        let key = key.trim();
        if key.is_empty() {
            return Err(None);
        }
        let one = |v: Option<&Vec<usize>>| match v.map(Vec::as_slice) {
            Some([i]) => Ok(*i),
            Some(many) if many.len() > 1 => Err(Some(many.to_vec())),
            _ => Err(None),
        };
        let n = normalise(key);
        match kind {
            KeyKind::Id => match self.by_id.get(key) {
                Some(&i) => Ok((i, "id")),
                None => one(self.by_id_norm.get(&n)).map(|i| (i, "id")),
            },
            KeyKind::Name => match one(self.by_name.get(&n)) {
                Ok(i) => Ok((i, "name")),
                Err(Some(c)) => Err(Some(c)),
                Err(None) => {
                    let stem = strip_suffix(&n).unwrap_or(&n);
                    one(self.by_stem.get(stem)).map(|i| (i, "name_without_suffix"))
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shequ_core::testing::row_plan;

    fn csv(text: &str) -> Table {
        crate::table::read_table("户数.csv", text.as_bytes(), None).unwrap()
    }

    #[test]
    fn joins_by_name_with_full_width_and_suffix_variants() {
        let plan = row_plan(&[("文昌", &[100, 200, 300])]);
        // Names are 文昌1号小区, 文昌2号小区, 文昌3号小区.
        let t = csv("小区名称,户数,规划户数\n 文昌１号小区 ,1500,20\n文昌2号,800,\n不存在小区,5,0\n文昌1号小区,9,9\n");
        let j = join_table(&plan, &t, &JoinOptions::default()).unwrap();
        let r = &j.report;
        assert_eq!(r.key, KeyKind::Name);
        assert_eq!(r.updated.len(), 2, "{r:#?}");
        assert_eq!(j.plan.compounds[0].households, 1500);
        assert_eq!(j.plan.compounds[0].planned_households, 20);
        assert_eq!(r.updated[1].matched_by, "name_without_suffix");
        assert_eq!(j.plan.compounds[1].households, 800);
        assert_eq!(
            r.unmatched_rows,
            vec![RowRef {
                row: 4,
                key: "不存在小区".into()
            }]
        );
        assert_eq!(
            r.compounds_without_row,
            vec![CompoundRef {
                id: "文昌-2".into(),
                name: "文昌3号小区".into()
            }]
        );
        assert_eq!(r.duplicates.len(), 1);
        assert_eq!(r.duplicates[0].rows, vec![2, 5]);
    }

    #[test]
    fn joins_by_id_when_ids_match_more() {
        let plan = row_plan(&[("文昌", &[100, 200])]);
        let t = csv("编号,名称,HS\n文昌-0,别名甲,11\n文昌-1,别名乙,22\n");
        let j = join_table(&plan, &t, &JoinOptions::default()).unwrap();
        assert_eq!(j.report.key, KeyKind::Id);
        assert_eq!(
            (
                j.plan.compounds[0].households,
                j.plan.compounds[1].households
            ),
            (11, 22)
        );
    }

    #[test]
    fn a_bad_number_names_row_and_column() {
        let plan = row_plan(&[("文昌", &[100])]);
        let t = csv("小区名称,户数\n文昌1号小区,约300\n");
        let e = join_table(&plan, &t, &JoinOptions::default()).unwrap_err();
        assert_eq!(e[0].row, Some(2));
        assert_eq!(e[0].field.as_deref(), Some("户数"));
        assert!(
            e[0].message_zh().contains("第 2 行"),
            "{}",
            e[0].message_zh()
        );
    }
}
