//! WebAssembly binding of `shequ-import`: the browser's door for zipped
//! Shapefiles, coordinate systems and household tables. Loaded lazily, as its
//! own module, so the planner's engine WASM stays within its size budget.
//!
//! Functions, not a class: each call is bytes in, plain objects out (shapes
//! in `types.d.ts`). Failures throw a JS `Error` named `ImportError` with
//! `errors` (file, entry, record/row, field, code, both languages, fix) and
//! `more`.

use js_sys::{Error, Reflect, Uint8Array};
use serde::{Deserialize, Serialize};
use shequ_import::{ImportError, ImportErrors, ImportOptions, JoinOptions};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("types.d.ts");

#[wasm_bindgen(start)]
pub fn start() {
    #[cfg(feature = "console_error_panic_hook")]
    console_error_panic_hook::set_once();
}

/// What a file holds: layers, fields with samples, encoding, detected CRS and
/// the proposed mapping (or, for a table, its header and proposed columns).
/// Never throws: problems are in `errors`.
#[wasm_bindgen]
pub fn inspect(name: &str, bytes: &[u8]) -> JsValue {
    to_js(&shequ_import::inspect(name, bytes))
}

/// Imports files `[{name, bytes}]` with `options` `{layers?, crs?, only_listed?,
/// households?}` (`households`: `{file, key?, key_column?, households_column?,
/// planned_column?, sheet?}`, the households table among the files, joined to
/// the compounds before the plan is checked): returns `{plan, mappings, notes,
/// households}` with `plan` as GeoJSON text in the plan format and
/// `households` the join's report (or `null`).
#[wasm_bindgen(js_name = toPlan)]
pub fn to_plan(files: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    #[derive(Deserialize)]
    struct File {
        name: String,
        #[serde(with = "serde_bytes_compat")]
        bytes: Vec<u8>,
    }
    let files: Vec<File> = serde_wasm_bindgen::from_value(files).map_err(|e| {
        usage(&format!(
            "toPlan expects [{{name, bytes: Uint8Array}}]: {e}"
        ))
    })?;
    let opts: ImportOptions = options_from(
        options,
        "toPlan options {layers, crs, only_listed, households}",
    )?;
    let inputs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|f| (f.name.as_str(), f.bytes.as_slice()))
        .collect();
    let imported = shequ_import::to_plan(&inputs, &opts).map_err(import_error)?;
    #[derive(Serialize)]
    struct Out<'a> {
        plan: &'a str,
        mappings: &'a [shequ_import::LayerMapping],
        notes: &'a [shequ_import::Note],
        households: Option<&'a shequ_import::JoinReport>,
    }
    Ok(to_js(&Out {
        plan: &imported.geojson,
        mappings: &imported.mappings,
        notes: &imported.notes,
        households: imported.households.as_ref(),
    }))
}

/// Joins a households table (CSV or XLSX bytes) to the plan's compounds:
/// returns `{plan, report}` (`plan` as GeoJSON text).
#[wasm_bindgen(js_name = joinHouseholds)]
pub fn join_households(
    plan_text: &str,
    table_name: &str,
    bytes: &[u8],
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let opts: JoinOptions = options_from(options, "joinHouseholds options {key, key_column, households_column, planned_column, sheet, header_row}")?;
    let (plan, joined) = shequ_import::join_households_text(
        "plan.geojson",
        plan_text.as_bytes(),
        table_name,
        bytes,
        &opts,
    )
    .map_err(import_error)?;
    #[derive(Serialize)]
    struct Out<'a> {
        plan: &'a str,
        report: &'a shequ_import::JoinReport,
    }
    Ok(to_js(&Out {
        plan: &plan,
        report: &joined.report,
    }))
}

/// A summary workbook (XLSX bytes) of a report (the JSON text of
/// `Engine.report()`) and its plan (GeoJSON text). Severities and statuses are
/// written in the words people read everywhere else (see [`readable`]).
#[wasm_bindgen(js_name = summaryXlsx)]
pub fn summary_xlsx(report_json: &str, plan_text: &str) -> Result<Uint8Array, JsValue> {
    let mut report: serde_json::Value = serde_json::from_str(report_json)
        .map_err(|e| usage(&format!("summaryXlsx: the report is not JSON: {e}")))?;
    readable(&mut report);
    let plan = load(plan_text)?;
    let bytes = shequ_import::export::summary_xlsx(&report, &plan)
        .map_err(|e| usage(&format!("summaryXlsx: {e}")))?;
    Ok(Uint8Array::from(&bytes[..]))
}

/// The report as a person reads it, in the one vocabulary of the app, the CLI,
/// the CSV and the sheets: each finding's severity as 错误 Error / 警告 Warning /
/// 建议 Suggestion (never the JSON's `info`), an explained finding as 已说明
/// Explained with its reason after both messages, and each community's status
/// as 符合 OK / 警告 Warning / 错误 Error.
fn readable(report: &mut serde_json::Value) {
    use serde_json::Value;
    use shequ_core::report::Severity;
    let word = |v: &Value| -> Option<String> {
        let s: Severity = serde_json::from_value(v.clone()).ok()?;
        Some(format!("{} {}", s.name_zh(), s.name_en()))
    };
    if let Some(findings) = report.get_mut("findings").and_then(Value::as_array_mut) {
        for f in findings.iter_mut().filter_map(Value::as_object_mut) {
            let reason = f
                .get("explained")
                .and_then(|e| e.get("reason"))
                .and_then(Value::as_str)
                .map(str::to_string);
            if let Some(reason) = reason {
                f.insert("severity".into(), "已说明 Explained".into());
                for (key, note) in [
                    ("message_zh", format!("（理由：{reason}）")),
                    ("message_en", format!(" (reason: {reason})")),
                ] {
                    if let Some(Value::String(m)) = f.get_mut(key) {
                        m.push_str(&note);
                    }
                }
            } else if let Some(w) = f.get("severity").and_then(word) {
                f.insert("severity".into(), w.into());
            }
        }
    }
    if let Some(communities) = report.get_mut("communities").and_then(Value::as_array_mut) {
        for c in communities.iter_mut().filter_map(Value::as_object_mut) {
            let status = match c.get("status") {
                Some(Value::String(s)) if s == "ok" => Some("符合 OK".to_string()),
                Some(v) => word(v),
                None => None,
            };
            if let Some(s) = status {
                c.insert("status".into(), s.into());
            }
        }
    }
}

/// The plan as a zip of Shapefiles (one per layer; `.cpg`, `.prj`). `options`:
/// `{crs = "EPSG:4326", encoding = "UTF-8" | "GBK", chinese_names = false}`.
#[wasm_bindgen(js_name = planShapefileZip)]
pub fn plan_shapefile_zip(plan_text: &str, options: JsValue) -> Result<Uint8Array, JsValue> {
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Opts {
        crs: Option<shequ_import::Crs>,
        encoding: Option<String>,
        chinese_names: bool,
    }
    let o: Opts = options_from(
        options,
        "planShapefileZip options {crs, encoding, chinese_names}",
    )?;
    let plan = load(plan_text)?;
    let opts = shequ_import::export::ShapefileOptions {
        crs: o.crs.unwrap_or(shequ_import::Crs::Geographic),
        encoding: if o
            .encoding
            .as_deref()
            .is_some_and(|e| e.eq_ignore_ascii_case("gbk"))
        {
            "GBK"
        } else {
            "UTF-8"
        },
        chinese_names: o.chinese_names,
        ..Default::default()
    };
    let bytes = shequ_import::export::plan_shapefile_zip(&plan, &opts)
        .map_err(|e| usage(&format!("planShapefileZip: {e}")))?;
    Ok(Uint8Array::from(&bytes[..]))
}

fn load(plan_text: &str) -> Result<shequ_core::Plan, JsValue> {
    shequ_core::load::load_plan(
        "plan.geojson",
        plan_text.as_bytes(),
        &shequ_core::load::LoadOptions::default(),
    )
    .map(|l| l.plan)
    .map_err(|e| {
        import_error(ImportErrors {
            errors: e
                .errors
                .iter()
                .map(|le| ImportError {
                    record: le.feature_index,
                    field: le.field.clone(),
                    entry: None,
                    row: None,
                    file: le.file.clone(),
                    code: le.code,
                    problem_en: le.problem_en.clone(),
                    problem_zh: le.problem_zh.clone(),
                    fix_en: le.fix_en.clone(),
                    fix_zh: le.fix_zh.clone(),
                })
                .collect(),
            more: e.more,
        })
    })
}

/// Options from JS: `undefined`/`null` give the defaults.
fn options_from<T: for<'de> Deserialize<'de> + Default>(
    v: JsValue,
    what: &str,
) -> Result<T, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(T::default());
    }
    serde_wasm_bindgen::from_value(v).map_err(|e| usage(&format!("{what}: {e}")))
}

/// `Uint8Array` (or a plain array of numbers) into `Vec<u8>`.
mod serde_bytes_compat {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Bytes {
            #[serde(with = "serde_bytes_buf")]
            Buf(Vec<u8>),
            List(Vec<u8>),
        }
        Ok(match Bytes::deserialize(d)? {
            Bytes::Buf(b) | Bytes::List(b) => b,
        })
    }

    mod serde_bytes_buf {
        use serde::de::{Deserializer, Error, Visitor};

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Vec<u8>;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a Uint8Array")
                }
                fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                    Ok(v.to_vec())
                }
                fn visit_byte_buf<E: Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                    Ok(v)
                }
            }
            d.deserialize_byte_buf(V)
        }
    }
}

fn to_js<T: Serialize + ?Sized>(v: &T) -> JsValue {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

/// An `ImportError` JavaScript error: `name`, `errors` (each with both messages), `more`.
fn import_error(e: ImportErrors) -> JsValue {
    #[derive(Serialize)]
    struct Problem<'a> {
        #[serde(flatten)]
        e: &'a ImportError,
        message_en: String,
        message_zh: String,
    }
    let err = Error::new(
        &e.errors
            .first()
            .map(ImportError::message_en)
            .unwrap_or_default(),
    );
    err.set_name("ImportError");
    let problems: Vec<Problem> = e
        .errors
        .iter()
        .map(|x| Problem {
            e: x,
            message_en: x.message_en(),
            message_zh: x.message_zh(),
        })
        .collect();
    let _ = Reflect::set(&err, &"errors".into(), &to_js(&problems));
    let _ = Reflect::set(&err, &"more".into(), &JsValue::from(e.more as u32));
    err.into()
}

/// A mistake in how the page called the binding (not in the planner's data).
fn usage(message: &str) -> JsValue {
    let err = Error::new(message);
    err.set_name("UsageError");
    err.into()
}

#[cfg(test)]
mod tests {
    use super::readable;
    use serde_json::json;

    #[test]
    fn the_summary_names_severities_as_people_read_them() {
        let mut r = json!({
            "communities": [{"id": "A", "status": "ok"}, {"id": "B", "status": "warning"}],
            "findings": [
                {"severity": "info", "message_zh": "甲", "message_en": "A", "explained": null},
                {"severity": "error", "message_zh": "乙", "message_en": "B"},
                {"severity": "warning", "message_zh": "丙", "message_en": "C", "explained": {"reason": "老城区"}},
            ],
        });
        readable(&mut r);
        assert_eq!(r["findings"][0]["severity"], "建议 Suggestion");
        assert_eq!(r["findings"][1]["severity"], "错误 Error");
        assert_eq!(r["findings"][2]["severity"], "已说明 Explained");
        assert_eq!(r["findings"][2]["message_zh"], "丙（理由：老城区）");
        assert_eq!(r["findings"][2]["message_en"], "C (reason: 老城区)");
        assert_eq!(r["communities"][0]["status"], "符合 OK");
        assert_eq!(r["communities"][1]["status"], "警告 Warning");
    }
}
