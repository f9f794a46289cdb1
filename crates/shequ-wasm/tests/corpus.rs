//! The bad-input corpus (`tests/corpus/`, see its `manifest.json` and
//! `crates/shequ-core/tests/corpus.rs`) through the browser's door, the
//! `Engine` constructor, run in Node by
//! `PATH=$PWD/web/node_modules/.bin:$PATH wasm-pack test --node crates/shequ-wasm`.
//!
//! A wasm test has no file system: the files are embedded with
//! `include_bytes!` from the list below, which a test keeps equal to the
//! manifest. The large inputs (a 50 MB plan, a million-vertex outline, JSON
//! nested 100,000 deep) are generated here, as in the core's corpus test.
//!
//! `new Engine(text, …)` takes a JavaScript string, so bytes that are not
//! UTF-8 never reach it as they are: the page decodes files strictly and
//! reports those itself (`web/src/io.js`, checked by `web/tests/corpus.test.mjs`).
//! Here such files go in the way a lenient caller would pass them (decoded
//! with U+FFFD replacements, as `Blob.text()` does) and must not trap.
//!
//! A trap (a Rust panic) aborts the whole test, so each file is named on the
//! console before it is loaded: the last name printed is the culprit.

#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Reflect, Uint8Array};
use serde_json::Value;
use shequ_wasm::Engine;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

macro_rules! corpus {
    ($($file:literal),* $(,)?) => {
        &[$(($file, include_bytes!(concat!("../../../tests/corpus/", $file)) as &[u8])),*]
    };
}

const MANIFEST: &str = include_str!("../../../tests/corpus/manifest.json");

/// Every file of `tests/corpus/` (the test below checks this list against
/// the manifest).
const FILES: &[(&str, &[u8])] = corpus![
    "valid_plan.geojson",
    "broken_json.geojson",
    "trailing_comma.geojson",
    "truncated.geojson",
    "empty.geojson",
    "whitespace_only.geojson",
    "top_level_array.geojson",
    "single_feature.geojson",
    "wrong_type.geojson",
    "topojson.json",
    "bare_geometry.geojson",
    "features_not_array.geojson",
    "features_missing.geojson",
    "feature_not_object.geojson",
    "feature_is_geometry.geojson",
    "properties_not_object.geojson",
    "empty_collection.geojson",
    "no_community.geojson",
    "crs_epsg_4549.geojson",
    "crs_crs84.geojson",
    "gbk_names.geojson",
    "utf8_bom.geojson",
    "utf16.geojson",
    "deep_nesting.json",
    "nan_literal.geojson",
    "infinity_literal.geojson",
    "number_overflow.geojson",
    "geojsonseq.geojsons",
    "kml_file.kml",
    "geopackage.gpkg",
    "shapefile.shp",
    "zipped_shapefile.zip",
    "csv_table.csv",
    "missing_layer.geojson",
    "unknown_layer.geojson",
    "layer_wrong_case.geojson",
    "layer_in_chinese.geojson",
    "missing_id.geojson",
    "empty_id.geojson",
    "duplicate_id.geojson",
    "households_string.geojson",
    "households_with_separator.geojson",
    "households_bool.geojson",
    "households_object.geojson",
    "households_negative.geojson",
    "households_fractional.geojson",
    "households_absurd.geojson",
    "households_missing.geojson",
    "unknown_community_kind.geojson",
    "unknown_committee.geojson",
    "unknown_service.geojson",
    "bad_property_management.geojson",
    "dangling_service_center.geojson",
    "extra_properties.geojson",
    "html_in_names.geojson",
    "missing_geometry.geojson",
    "community_as_point.geojson",
    "compound_as_linestring.geojson",
    "geometry_type_lowercase.geojson",
    "wkt_geometry.geojson",
    "polygon_missing_brackets.geojson",
    "self_intersecting.geojson",
    "bow_tie.geojson",
    "ring_too_few_points.geojson",
    "unclosed_ring.geojson",
    "clockwise_exterior.geojson",
    "repeated_points.geojson",
    "positions_with_z.geojson",
    "hole_outside.geojson",
    "zero_area.geojson",
    "null_coordinates.geojson",
    "one_number_position.geojson",
    "coordinates_as_text.geojson",
    "projected_gauss_kruger_zone.geojson",
    "projected_gauss_kruger.geojson",
    "swapped_lat_lon.geojson",
    "latitude_beyond_90.geojson",
    "antimeridian.geojson"
];

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

fn string(v: &JsValue, key: &str) -> Option<String> {
    get(v, key).as_string()
}

fn manifest() -> Vec<Value> {
    serde_json::from_str(MANIFEST).expect("manifest.json is a JSON array")
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn bytes_of(name: &str) -> &'static [u8] {
    FILES
        .iter()
        .find(|(f, _)| *f == name)
        .map(|(_, b)| *b)
        .unwrap_or_else(|| panic!("{name} is in manifest.json but not embedded: add it to FILES"))
}

/// The first problem of a `LoadError`, after checking what every problem
/// must have: the file's name and a problem and fix in both languages.
fn first_problem(err: &JsValue, file: &str) -> JsValue {
    assert_eq!(
        string(err, "name").as_deref(),
        Some("LoadError"),
        "{file}: threw {err:?}"
    );
    assert!(
        err.is_instance_of::<js_sys::Error>(),
        "{file}: not an Error"
    );
    let errors: Array = get(err, "errors").unchecked_into();
    assert!(errors.length() > 0, "{file}: a LoadError without problems");
    for p in errors.iter() {
        assert_eq!(string(&p, "file").as_deref(), Some(file), "{file}");
        for key in ["code", "problem_en", "problem_zh", "fix_en", "fix_zh"] {
            assert!(
                string(&p, key).is_some_and(|s| !s.trim().is_empty()),
                "{file}: {key} is empty"
            );
        }
        let en = string(&p, "message_en").unwrap_or_default();
        let zh = string(&p, "message_zh").unwrap_or_default();
        assert!(
            en.starts_with(file) && en.contains("; fix: "),
            "{file}: {en}"
        );
        assert!(
            zh.starts_with(file) && zh.contains("修改建议："),
            "{file}: {zh}"
        );
    }
    // The Error's own message is the first problem in English.
    let first = errors.get(0);
    assert_eq!(
        string(err, "message"),
        string(&first, "message_en"),
        "{file}"
    );
    first
}

/// `null` in the manifest is `null` (or absent) in the error object.
fn same(got: &JsValue, want: &Value) -> bool {
    match want {
        Value::Null => got.is_null() || got.is_undefined(),
        Value::String(s) => got.as_string().as_deref() == Some(s.as_str()),
        Value::Number(n) => got.as_f64() == n.as_f64(),
        _ => false,
    }
}

#[wasm_bindgen_test]
fn the_embedded_files_are_the_manifest() {
    let listed: Vec<String> = manifest()
        .iter()
        .map(|e| e["file"].as_str().expect("file").to_string())
        .collect();
    let embedded: Vec<String> = FILES.iter().map(|(f, _)| f.to_string()).collect();
    assert_eq!(
        listed, embedded,
        "FILES in crates/shequ-wasm/tests/corpus.rs must list manifest.json's files in order"
    );
    assert!(listed.len() >= 40);
}

#[wasm_bindgen_test]
fn every_corpus_file_gets_its_specific_message() {
    let (mut errors, mut loaded, mut lenient) = (0, 0, 0);
    for entry in manifest() {
        let file = entry["file"].as_str().unwrap();
        let bytes = bytes_of(file);
        console_log!("corpus: {file}");
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t.to_string(),
            Err(_) if entry["code"] == "load.not_utf8" => {
                // Not text at all. As a string (decoded leniently by the page)
                // only "never traps" can be asked; as the file's bytes, which
                // is how the page hands over a download, it is named for what it is.
                let _ = Engine::new(String::from_utf8_lossy(bytes).as_ref().into(), file, "");
                let err = Engine::new(Uint8Array::from(bytes).into(), file, "")
                    .err()
                    .unwrap_or_else(|| panic!("{file}: loaded from its bytes"));
                assert_eq!(
                    string(&first_problem(&err, file), "code").as_deref(),
                    Some("load.not_utf8"),
                    "{file}"
                );
                lenient += 1;
                continue;
            }
            // Binary formats are recognised by their first bytes, which
            // survive a lenient decoding.
            Err(_) => String::from_utf8_lossy(bytes).into_owned(),
        };
        match (
            entry["expect"].as_str(),
            Engine::new(text.as_str().into(), file, ""),
        ) {
            (Some("ok"), Ok(engine)) => {
                loaded += 1;
                let notes: Array = engine.notes().unchecked_into();
                let got: Vec<String> = notes
                    .iter()
                    .map(|n| string(&n, "code").unwrap_or_default())
                    .collect();
                assert_eq!(got, strings(&entry["notes"]), "{file}: repair notes");
                for n in notes.iter() {
                    assert_eq!(string(&n, "file").as_deref(), Some(file));
                    assert!(
                        string(&n, "message_zh").is_some_and(|m| !m.is_empty())
                            && string(&n, "message_en").is_some_and(|m| !m.is_empty()),
                        "{file}: a note without its message"
                    );
                }
                // Names are kept verbatim (the page renders them as text).
                let exported = engine.export_plan();
                for name in strings(&entry["names"]) {
                    let quoted = serde_json::to_string(name).unwrap();
                    assert!(exported.contains(&quoted), "{file}: lost the name {name:?}");
                }
                for key in strings(&entry["extra"]) {
                    assert!(
                        exported.contains(&serde_json::to_string(key).unwrap()),
                        "{file}: lost the property {key:?}"
                    );
                }
                let report = engine.report();
                assert!(get(&report, "communities").is_object(), "{file}");
            }
            (Some("error"), Err(err)) => {
                errors += 1;
                let first = first_problem(&err, file);
                for key in ["code", "field", "feature_index", "feature_id"] {
                    assert!(
                        same(&get(&first, key), &entry[key]),
                        "{file}: {key} is {:?}, expected {}\n    {:?}",
                        get(&first, key),
                        entry[key],
                        string(&first, "message_en")
                    );
                }
                let en = string(&first, "message_en").unwrap();
                let zh = string(&first, "message_zh").unwrap();
                for s in strings(&entry["en"]) {
                    assert!(en.contains(s), "{file}: English lacks {s:?}: {en}");
                }
                for s in strings(&entry["zh"]) {
                    assert!(zh.contains(s), "{file}: Chinese lacks {s:?}: {zh}");
                }
                if let Some(i) = entry["feature_index"].as_u64() {
                    assert!(en.contains(&format!("feature #{i}")), "{file}: {en}");
                    assert!(zh.contains(&format!("第 {i} 号要素")), "{file}: {zh}");
                }
                if let Some(f) = entry["field"].as_str() {
                    assert!(en.contains(&format!(": {f}: ")), "{file}: {en}");
                }
            }
            (Some("ok"), Err(err)) => panic!(
                "{file}: expected to load, threw {:?}",
                string(&err, "message")
            ),
            (want, Ok(_)) => panic!("{file}: loaded, but expected {want:?}"),
            (want, Err(_)) => panic!("{file}: bad \"expect\" {want:?}"),
        }
    }
    console_log!("corpus: {errors} refused, {loaded} loaded, {lenient} not text");
    assert_eq!(errors + loaded + lenient, FILES.len());
    assert!(errors >= 40 && loaded >= 5);
}

// ---- generated inputs ---------------------------------------------------------

fn now() -> f64 {
    js_sys::Date::now()
}

/// A plan of about `mb` MB (as in the core's corpus test): communities on a
/// grid, each with eight compounds of 200 vertices.
fn big_plan(mb: usize) -> String {
    use std::fmt::Write;
    let mut out = String::from("{\"type\": \"FeatureCollection\", \"features\": [\n");
    let mut k = 0;
    while out.len() < mb * 1024 * 1024 {
        let (x, y) = (
            119.3 + (k % 100) as f64 * 0.01,
            32.3 + (k / 100) as f64 * 0.01,
        );
        let (x1, y1) = (x + 0.01, y + 0.01);
        let _ = write!(
            out,
            "{}{{\"type\": \"Feature\", \"properties\": {{\"layer\": \"community\", \"id\": \"C{k}\", \"name\": \"第{k}社区\"}}, \"geometry\": {{\"type\": \"Polygon\", \"coordinates\": [[[{x}, {y}], [{x1}, {y}], [{x1}, {y1}], [{x}, {y1}], [{x}, {y}]]]}}}}",
            if k > 0 { ",\n" } else { "" }
        );
        for j in 0..8 {
            let (cx, cy, r) = (
                x + 0.002 + (j % 4) as f64 * 0.002,
                y + 0.003 + (j / 4) as f64 * 0.004,
                0.0009,
            );
            let _ = write!(out, ",\n{{\"type\": \"Feature\", \"properties\": {{\"layer\": \"compound\", \"id\": \"X{k}-{j}\", \"name\": \"第{k}社区{j}号小区\", \"households\": {}}}, \"geometry\": {{\"type\": \"Polygon\", \"coordinates\": [[", 600 + j);
            for i in 0..=200 {
                let t = (i % 200) as f64 / 200.0 * std::f64::consts::TAU;
                let _ = write!(
                    out,
                    "{}[{}, {}]",
                    if i > 0 { ", " } else { "" },
                    cx + r * t.cos(),
                    cy + r * t.sin()
                );
            }
            out.push_str("]]}}");
        }
        k += 1;
    }
    out.push_str("\n]}\n");
    out
}

fn expect_error(text: &str, file: &str) -> (JsValue, f64) {
    let start = now();
    let err = Engine::new(text.into(), file, "")
        .err()
        .unwrap_or_else(|| panic!("{file}: loaded"));
    let took = now() - start;
    (first_problem(&err, file), took)
}

/// A 50 MB plan whose very last compound is broken: the whole file is read,
/// and the message names that feature. (The valid 50 MB plan is loaded by the
/// page in web/tests/corpus.test.mjs, with the release build.)
#[wasm_bindgen_test]
fn a_50_mb_plan_with_one_bad_household_count_at_the_end() {
    let mut text = big_plan(50);
    let at = text.rfind("\"households\": ").unwrap();
    text.replace_range(at..at + "\"households\": 607".len(), "\"households\": -607");
    let features = text.matches("\"type\": \"Feature\"").count();
    let (first, took) = expect_error(&text, "big.geojson");
    console_log!(
        "50 MB plan ({} MB, {features} features): refused in {took:.0} ms",
        text.len() >> 20
    );
    assert_eq!(string(&first, "code").as_deref(), Some("load.negative"));
    assert_eq!(string(&first, "field").as_deref(), Some("households"));
    assert_eq!(
        get(&first, "feature_index").as_f64(),
        Some((features - 1) as f64)
    );
    let id = string(&first, "feature_id").unwrap();
    assert!(id.starts_with('X') && id.ends_with("-7"), "{id}");
    assert!(string(&first, "message_zh")
        .unwrap()
        .contains("-607 为负数"));
}

#[wasm_bindgen_test]
fn a_million_vertex_polygon_is_refused() {
    use std::fmt::Write;
    let n = 1_000_000;
    let mut text = String::from(
        r#"{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"layer": "community", "id": "C01"}, "geometry": {"type": "Polygon", "coordinates": [["#,
    );
    for i in 0..=n {
        let t = (i % n) as f64 / n as f64 * std::f64::consts::TAU;
        let _ = write!(
            text,
            "{}[{}, {}]",
            if i > 0 { "," } else { "" },
            119.4 + 0.01 * t.cos(),
            32.39 + 0.01 * t.sin()
        );
    }
    text.push_str("]]}}]}");
    let (first, took) = expect_error(&text, "huge.geojson");
    console_log!(
        "million-vertex polygon ({} MB): refused in {took:.0} ms",
        text.len() >> 20
    );
    assert_eq!(
        string(&first, "code").as_deref(),
        Some("load.too_many_vertices")
    );
    assert_eq!(string(&first, "field").as_deref(), Some("geometry"));
    assert_eq!(get(&first, "feature_index").as_f64(), Some(0.0));
    assert_eq!(string(&first, "feature_id").as_deref(), Some("C01"));
    let en = string(&first, "message_en").unwrap();
    assert!(
        en.contains("1,000,001 vertices; the limit is 100,000"),
        "{en}"
    );
    assert!(string(&first, "message_zh").unwrap().contains("简化"));
}

#[wasm_bindgen_test]
fn json_nested_100_000_deep_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let in_properties = format!(
        r#"{{"type": "FeatureCollection", "features": [{{"type": "Feature", "properties": {{"layer": "community", "id": "C01", "x": {deep}}}, "geometry": null}}]}}"#
    );
    for (what, text) in [("top level", deep.clone()), ("properties", in_properties)] {
        let (first, _) = expect_error(&text, "deep.geojson");
        assert_eq!(
            string(&first, "code").as_deref(),
            Some("load.too_deep"),
            "{what}"
        );
    }
}
