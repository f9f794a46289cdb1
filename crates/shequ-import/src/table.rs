//! Household tables: CSV (UTF-8 or GBK, comma, tab or semicolon) and
//! spreadsheets (XLSX, XLS, ODS through `calamine`), with the header row
//! found among the first rows.

use std::io::Cursor;

use calamine::{Data, Reader};
use serde::Serialize;
use serde_json::{json, Value};

use crate::error::ImportError;
use crate::text::{decode_auto, Decoding};

/// A table as read: every row, cells as JSON values (text, numbers, booleans, null).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub file: String,
    /// `csv` or `spreadsheet`.
    pub format: &'static str,
    /// The sheet read, for spreadsheets.
    pub sheet: Option<String>,
    /// Every sheet of a spreadsheet.
    pub sheets: Vec<String>,
    /// Spreadsheet row number (1-based) of `rows[0]`.
    pub first_row: usize,
    #[serde(skip)]
    pub rows: Vec<Vec<Value>>,
    pub decoding: Option<Decoding>,
}

/// Rows a table may have.
pub const MAX_ROWS: usize = 200_000;

/// Is this a table the importer reads (by content, then by name)?
pub fn is_table(name: &str, bytes: &[u8]) -> bool {
    let lower = name.to_ascii_lowercase();
    bytes.starts_with(b"\xD0\xCF\x11\xE0")
        || [
            ".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods", ".xlsb",
        ]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// Reads a CSV or spreadsheet; `sheet` picks a sheet (default: the first with data).
pub fn read_table(file: &str, bytes: &[u8], sheet: Option<&str>) -> Result<Table, ImportError> {
    let lower = file.to_ascii_lowercase();
    let spreadsheet = bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(b"\xD0\xCF\x11\xE0")
        || [".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"]
            .iter()
            .any(|e| lower.ends_with(e));
    if spreadsheet {
        read_spreadsheet(file, bytes, sheet)
    } else {
        read_csv(file, bytes)
    }
}

fn too_many(file: &str) -> ImportError {
    ImportError::new(
        file,
        "import.too_many_rows",
        format!("the table has more than {MAX_ROWS} rows"),
        format!("表格超过 {MAX_ROWS} 行"),
        "split the table by street",
        "请按街道拆分表格",
    )
}

fn read_csv(file: &str, bytes: &[u8]) -> Result<Table, ImportError> {
    if bytes.len() > 256 << 20 {
        return Err(too_many(file));
    }
    let (text, decoding) = decode_auto(bytes);
    // The delimiter that splits the first lines most consistently.
    let head: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(20)
        .collect();
    let delimiter = [b',', b'\t', b';', b'|']
        .into_iter()
        .max_by_key(|&d| {
            let counts: Vec<usize> = head
                .iter()
                .map(|l| l.bytes().filter(|&b| b == d).count())
                .collect();
            let min = counts.iter().copied().min().unwrap_or(0);
            (min, counts.iter().filter(|&&c| c > 0).count())
        })
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| {
            ImportError::new(
                file,
                "import.bad_csv",
                format!("the CSV cannot be read ({e})"),
                format!("CSV 文件无法读取（{e}）"),
                "save the table again as CSV (comma-separated) from your spreadsheet program",
                "请用电子表格软件重新另存为 CSV（逗号分隔）",
            )
            .row(i + 1)
        })?;
        if rows.len() >= MAX_ROWS {
            return Err(too_many(file));
        }
        rows.push(
            rec.iter()
                .map(|c| {
                    let t = c.trim();
                    if t.is_empty() {
                        Value::Null
                    } else {
                        Value::String(t.to_string())
                    }
                })
                .collect(),
        );
    }
    Ok(Table {
        file: file.to_string(),
        format: "csv",
        sheet: None,
        sheets: Vec::new(),
        first_row: 1,
        rows,
        decoding: Some(decoding),
    })
}

fn read_spreadsheet(file: &str, bytes: &[u8], sheet: Option<&str>) -> Result<Table, ImportError> {
    let bad = |e: String| {
        ImportError::new(
            file,
            "import.bad_spreadsheet",
            format!("the spreadsheet cannot be read ({e})"),
            format!("电子表格无法读取（{e}）"),
            "save it again as .xlsx (or as CSV) from your spreadsheet program",
            "请用电子表格软件重新另存为 .xlsx（或 CSV）",
        )
    };
    let mut book =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
    let sheets = book.sheet_names();
    let names: Vec<String> = match sheet {
        Some(s) => {
            if !sheets.iter().any(|n| n == s) {
                return Err(ImportError::new(
                    file,
                    "import.unknown_sheet",
                    format!(
                        "there is no sheet {s:?}; the sheets are {}",
                        sheets.join(", ")
                    ),
                    format!(
                        "没有名为 {s:?} 的工作表；现有工作表为 {}",
                        sheets.join("、")
                    ),
                    "pick one of the sheets listed",
                    "请从所列工作表中选择",
                ));
            }
            vec![s.to_string()]
        }
        None => sheets.clone(),
    };
    for name in &names {
        let range = book
            .worksheet_range(name)
            .map_err(|e| bad(e.to_string()).entry(name))?;
        if range.is_empty() && sheet.is_none() {
            continue;
        }
        if range.height() > MAX_ROWS {
            return Err(too_many(file).entry(name));
        }
        let first_row = range.start().map_or(1, |(r, _)| r as usize + 1);
        let first_col = range.start().map_or(0, |(_, c)| c as usize);
        let rows = range
            .rows()
            .map(|r| {
                let mut row = vec![Value::Null; first_col];
                row.extend(r.iter().map(cell));
                row
            })
            .collect();
        return Ok(Table {
            file: file.to_string(),
            format: "spreadsheet",
            sheet: Some(name.clone()),
            sheets,
            first_row,
            rows,
            decoding: None,
        });
    }
    Err(ImportError::new(
        file,
        "import.empty_table",
        "every sheet is empty",
        "所有工作表都是空的",
        "put the households table on the first sheet",
        "请把户数表放在第一个工作表中",
    ))
}

fn cell(d: &Data) -> Value {
    match d {
        Data::Int(i) => json!(i),
        Data::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, |n| {
            if f.fract() == 0.0 && f.abs() < 9e15 {
                json!(*f as i64)
            } else {
                Value::Number(n)
            }
        }),
        Data::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                Value::Null
            } else {
                Value::String(t.to_string())
            }
        }
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(dt) => json!(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Value::String(s.clone()),
        Data::Error(e) => Value::String(format!("#{e:?}")),
        Data::Empty => Value::Null,
    }
}

/// The header row (index into `rows`): the one among the first 20 whose cells
/// are most often recognised headers; failing that, the first with two texts.
pub fn header_row(rows: &[Vec<Value>]) -> Option<usize> {
    let score = |r: &Vec<Value>| {
        r.iter()
            .filter_map(Value::as_str)
            .filter(|s| !crate::mapping::recognise(s).is_empty())
            .count()
    };
    let best = rows
        .iter()
        .take(20)
        .enumerate()
        .map(|(i, r)| (i, score(r)))
        .filter(|(_, s)| *s > 0)
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)));
    best.map(|(i, _)| i).or_else(|| {
        rows.iter()
            .take(20)
            .position(|r| r.iter().filter(|v| v.is_string()).count() >= 2)
    })
}

/// A cell as text for keys: numbers without `.0`.
pub fn cell_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.trim().to_string(),
        Value::Null => String::new(),
        Value::Number(n) => n
            .as_i64()
            .map(|i| i.to_string())
            .unwrap_or_else(|| n.to_string()),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_csv_with_a_title_row() {
        let text = "文昌街道小区户数统计表,,\n小区名称,户数,规划户数\n文昌花园,1200,0\n\"汶河小区\",800,100\n";
        let (bytes, _, _) = encoding_rs::GBK.encode(text);
        let t = read_table("户数.csv", &bytes, None).unwrap();
        assert_eq!(t.decoding.unwrap().encoding, "GBK");
        assert_eq!(header_row(&t.rows), Some(1));
        assert_eq!(t.rows[3][0], json!("汶河小区"));
    }

    #[test]
    fn semicolons_and_tabs() {
        let t = read_table("a.csv", "名称;户数\n甲;1\n".as_bytes(), None).unwrap();
        assert_eq!(t.rows[1], vec![json!("甲"), json!("1")]);
        let t = read_table("a.tsv", "名称\t户数\n甲\t1\n".as_bytes(), None).unwrap();
        assert_eq!(t.rows[1].len(), 2);
    }
}
