//! The bad-input corpus: every file in `tests/corpus/` loads to exactly the
//! error (or the notes) that `tests/corpus/manifest.json` says, in English
//! and in Chinese. Large inputs are generated here rather than committed.
//!
//! The manifest is an array of entries, one per file, meant for any test
//! harness (this one, the WASM API test, the browser test):
//!
//! - `file`: the name, relative to `tests/corpus/`;
//! - `expect`: `"error"` or `"ok"`;
//! - for errors, the first error's `code`, `field`, `feature_index` and
//!   `feature_id` (`null` when the error is about the whole file), and
//!   substrings its English (`en`) and Chinese (`zh`) messages must contain;
//! - for ok files, the repair `notes` expected (codes), and optionally
//!   `names` that must be kept verbatim (the HTML-in-names file: a page must
//!   show them as text) and `extra` properties that must be kept.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use shequ_core::load::{load_plan, LoadErrors, LoadOptions, Loaded, CODES, NOTE_CODES};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus")
}

fn manifest() -> Vec<Value> {
    let text = std::fs::read_to_string(corpus_dir().join("manifest.json"))
        .expect("tests/corpus/manifest.json");
    serde_json::from_str::<Vec<Value>>(&text).expect("manifest.json is a JSON array")
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Every problem with one manifest entry, as text; empty when it passes.
fn check_entry(entry: &Value) -> Vec<String> {
    let name = entry["file"].as_str().expect("file");
    let mut problems = Vec::new();
    let mut bad = |msg: String| problems.push(format!("{name}: {msg}"));
    let bytes = match std::fs::read(corpus_dir().join(name)) {
        Ok(b) => b,
        Err(e) => {
            bad(format!("cannot read: {e}"));
            return problems;
        }
    };
    let start = Instant::now();
    let result = load_plan(name, &bytes, &LoadOptions::default());
    if start.elapsed() > Duration::from_secs(5) {
        bad(format!("took {:?}", start.elapsed()));
    }
    match (entry["expect"].as_str(), result) {
        (Some("error"), Ok(_)) => bad("loaded, but an error was expected".into()),
        (Some("ok"), Err(e)) => bad(format!("expected to load, got:\n    {e}")),
        (Some("error"), Err(errors)) => {
            let first = &errors.errors[0];
            let (en, zh) = (first.to_string(), first.message_zh());
            let want = |key: &str| entry[key].clone();
            if Some(first.code) != want("code").as_str() {
                bad(format!(
                    "code {} (expected {})\n    {en}",
                    first.code,
                    want("code")
                ));
            }
            if first.field.as_deref() != want("field").as_str() {
                bad(format!(
                    "field {:?} (expected {})",
                    first.field,
                    want("field")
                ));
            }
            if first.feature_index.map(|i| i as u64) != want("feature_index").as_u64() {
                bad(format!(
                    "feature_index {:?} (expected {})",
                    first.feature_index,
                    want("feature_index")
                ));
            }
            if first.feature_id.as_deref() != want("feature_id").as_str() {
                bad(format!(
                    "feature_id {:?} (expected {})",
                    first.feature_id,
                    want("feature_id")
                ));
            }
            if first.file != name {
                bad(format!("names the file {:?}", first.file));
            }
            for s in strings(&entry["en"]) {
                if !en.contains(s) {
                    bad(format!("English lacks {s:?}:\n    {en}"));
                }
            }
            for s in strings(&entry["zh"]) {
                if !zh.contains(s) {
                    bad(format!("Chinese lacks {s:?}:\n    {zh}"));
                }
            }
            for (what, text) in [
                ("problem_en", &first.problem_en),
                ("fix_en", &first.fix_en),
                ("problem_zh", &first.problem_zh),
                ("fix_zh", &first.fix_zh),
            ] {
                if text.trim().is_empty() {
                    bad(format!("{what} is empty"));
                }
            }
            if !has_cjk(&first.problem_zh) || !has_cjk(&first.fix_zh) {
                bad(format!("the Chinese is not Chinese:\n    {zh}"));
            }
        }
        (Some("ok"), Ok(Loaded { plan, notes })) => {
            let got: BTreeSet<&str> = notes.iter().map(|n| n.code).collect();
            let want: BTreeSet<&str> = strings(&entry["notes"]).into_iter().collect();
            if got != want {
                bad(format!("notes {got:?}, expected {want:?}"));
            }
            let names: Vec<&str> = plan
                .communities
                .iter()
                .map(|c| c.name.as_str())
                .chain(plan.compounds.iter().map(|c| c.name.as_str()))
                .chain(plan.centers.iter().map(|c| c.name.as_str()))
                .collect();
            for n in strings(&entry["names"]) {
                if !names.contains(&n) {
                    bad(format!(
                        "the name {n:?} was not kept verbatim (names: {names:?})"
                    ));
                }
            }
            let extra: BTreeSet<&str> = plan
                .communities
                .iter()
                .flat_map(|c| c.extra.keys())
                .chain(plan.compounds.iter().flat_map(|c| c.extra.keys()))
                .map(String::as_str)
                .collect();
            for k in strings(&entry["extra"]) {
                if !extra.contains(k) {
                    bad(format!("the property {k:?} was not kept (kept: {extra:?})"));
                }
            }
        }
        (other, _) => bad(format!(
            "\"expect\" must be \"error\" or \"ok\", not {other:?}"
        )),
    }
    problems
}

#[test]
fn every_corpus_file_gets_its_specific_message() {
    let problems: Vec<String> = manifest().iter().flat_map(check_entry).collect();
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_manifest_lists_every_file_and_only_known_codes() {
    let entries = manifest();
    let listed: BTreeSet<String> = entries
        .iter()
        .map(|e| e["file"].as_str().expect("file").to_string())
        .collect();
    assert_eq!(listed.len(), entries.len(), "a file is listed twice");
    let on_disk: BTreeSet<String> = std::fs::read_dir(corpus_dir())
        .expect("tests/corpus")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n != "manifest.json")
        .collect();
    let unlisted: Vec<_> = on_disk.difference(&listed).collect();
    let missing: Vec<_> = listed.difference(&on_disk).collect();
    assert!(
        unlisted.is_empty(),
        "files not in manifest.json: {unlisted:?}"
    );
    assert!(
        missing.is_empty(),
        "manifest.json lists missing files: {missing:?}"
    );
    assert!(
        entries.len() >= 40,
        "the corpus has only {} files",
        entries.len()
    );
    for e in &entries {
        let keys: BTreeSet<&str> = e
            .as_object()
            .expect("entry is an object")
            .keys()
            .map(String::as_str)
            .collect();
        for k in [
            "file",
            "expect",
            "code",
            "field",
            "feature_index",
            "feature_id",
            "en",
            "zh",
            "notes",
        ] {
            assert!(keys.contains(k), "{}: no {k:?}", e["file"]);
        }
        if let Some(code) = e["code"].as_str() {
            assert!(CODES.contains(&code), "{}: unknown code {code}", e["file"]);
            assert!(
                !strings(&e["en"]).is_empty() && !strings(&e["zh"]).is_empty(),
                "{}: give message substrings",
                e["file"]
            );
        }
        for n in strings(&e["notes"]) {
            assert!(NOTE_CODES.contains(&n), "{}: unknown note {n}", e["file"]);
        }
    }
}

// ---- generated inputs -------------------------------------------------------

fn feature(props: Value, geometry: Value) -> Value {
    json!({"type": "Feature", "properties": props, "geometry": geometry})
}

fn collection(features: Vec<Value>) -> String {
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

/// A valid plan of about `mb` megabytes: communities on a grid, each with
/// eight compounds whose outlines have 200 vertices. Written as text directly
/// (building `Value`s would take longer than loading them).
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

#[test]
fn a_50_mb_plan_loads() {
    let generated = Instant::now();
    let text = big_plan(50);
    eprintln!(
        "generated {} MB in {:?}",
        text.len() >> 20,
        generated.elapsed()
    );
    let start = Instant::now();
    let loaded = load_plan("big.geojson", text.as_bytes(), &LoadOptions::default())
        .expect("a valid 50 MB plan loads");
    let took = start.elapsed();
    eprintln!("loaded {} MB in {took:?}", text.len() >> 20);
    assert!(
        loaded.plan.communities.len() > 100,
        "{} communities",
        loaded.plan.communities.len()
    );
    assert_eq!(
        loaded.plan.compounds.len(),
        8 * loaded.plan.communities.len()
    );
    // Release builds take well under a second (see the loader's report); a
    // debug build is ~20× slower.
    let limit = if cfg!(debug_assertions) { 120 } else { 10 };
    assert!(
        took < Duration::from_secs(limit),
        "{} MB took {took:?}",
        text.len() >> 20
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_parsing() {
    let text = big_plan(2);
    let opts = LoadOptions {
        max_bytes: 1024 * 1024,
        ..LoadOptions::default()
    };
    let err = load_plan("big.geojson", text.as_bytes(), &opts).unwrap_err();
    assert_eq!(err.errors[0].code, "load.too_large");
    assert!(
        err.errors[0].to_string().contains("the limit is 1.0 MB"),
        "{}",
        err.errors[0]
    );
    assert!(
        err.errors[0].message_zh().contains("按街道拆分"),
        "{}",
        err.errors[0].message_zh()
    );
}

#[test]
fn a_million_vertex_polygon_is_refused_quickly() {
    let n = 1_000_000;
    let ring: Vec<Value> = (0..=n)
        .map(|i| {
            let t = (i % n) as f64 / n as f64 * std::f64::consts::TAU;
            json!([119.4 + 0.01 * t.cos(), 32.39 + 0.01 * t.sin()])
        })
        .collect();
    let text = collection(vec![feature(
        json!({"layer": "community", "id": "C01"}),
        json!({"type": "Polygon", "coordinates": [ring]}),
    )]);
    let start = Instant::now();
    let err = load_plan("huge.geojson", text.as_bytes(), &LoadOptions::default()).unwrap_err();
    let took = start.elapsed();
    let first = &err.errors[0];
    assert_eq!(first.code, "load.too_many_vertices", "{first}");
    assert_eq!(
        (first.feature_index, first.feature_id.as_deref()),
        (Some(0), Some("C01"))
    );
    assert!(
        first
            .to_string()
            .contains("1,000,001 vertices; the limit is 100,000"),
        "{first}"
    );
    assert!(first.to_string().contains("Simplify"), "{first}");
    assert!(
        first.message_zh().contains("简化"),
        "{}",
        first.message_zh()
    );
    let limit = if cfg!(debug_assertions) { 30 } else { 3 };
    assert!(
        took < Duration::from_secs(limit),
        "{} MB took {took:?}",
        text.len() >> 20
    );
}

#[test]
fn ten_thousand_invalid_features_list_max_errors_and_count_the_rest() {
    let features = (0..10_000)
        .map(|i| {
            feature(
                json!({"layer": "compound", "id": format!("X{i}"), "households": -1}),
                json!({"type": "Point", "coordinates": [119.4, 32.39]}),
            )
        })
        .collect();
    let text = collection(features);
    let opts = LoadOptions::default();
    let err: LoadErrors = load_plan("many.geojson", text.as_bytes(), &opts).unwrap_err();
    assert_eq!(err.errors.len(), opts.max_errors);
    assert_eq!(err.more, 10_000 - opts.max_errors);
    assert!(err.errors.iter().all(|e| e.code == "load.negative"));
    assert_eq!(err.errors[199].feature_id.as_deref(), Some("X199"));
    assert!(
        err.to_string().ends_with("… and 9800 more problems"),
        "{}",
        err.to_string().lines().last().unwrap_or("")
    );
}

#[test]
fn deep_nesting_anywhere_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let valid = |props: &str, coords: &str| {
        format!(
            r#"{{"type": "FeatureCollection", "features": [{{"type": "Feature", "properties": {{"layer": "community", "id": "C01", "x": {props}}}, "geometry": {{"type": "Polygon", "coordinates": {coords}}}}}]}}"#
        )
    };
    let square = "[[[119.4, 32.39], [119.41, 32.39], [119.41, 32.4], [119.4, 32.39]]]";
    for (what, text) in [
        ("top level", deep.clone()),
        ("properties", valid(&deep, square)),
        ("coordinates", valid("1", &deep)),
        ("unclosed", "[".repeat(100_000)),
    ] {
        let err = load_plan("deep.geojson", text.as_bytes(), &LoadOptions::default()).unwrap_err();
        assert_eq!(
            err.errors[0].code, "load.too_deep",
            "{what}: {}",
            err.errors[0]
        );
        assert!(
            err.errors[0]
                .to_string()
                .contains("nested more than 128 levels"),
            "{what}"
        );
    }
}
