//! The binding as JavaScript sees it, run in Node by `wasm-pack test --node`.

#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Float64Array, Reflect, Uint32Array};
use shequ_wasm::Engine;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

fn plan() -> String {
    shequ_core::export::to_geojson_string(&shequ_core::testing::row_plan(&[
        ("A", &[1200, 1300]),
        ("B", &[900, 900]),
    ]))
}

fn households(report: &JsValue, id: &str) -> f64 {
    let communities: Array = get(report, "communities").unchecked_into();
    communities
        .iter()
        .find(|c| get(c, "id").as_string().as_deref() == Some(id))
        .map(|c| get(&c, "households").as_f64().unwrap())
        .unwrap()
}

#[wasm_bindgen_test]
fn loads_and_reports() {
    let e = Engine::new(plan().into(), "plan.geojson", "").unwrap();
    let r = e.report();
    assert_eq!(get(&r, "profile").as_string().unwrap(), "yangzhou-2022");
    assert_eq!(households(&r, "A"), 2500.0);
    assert_eq!(e.profile(), "yangzhou-2022");
}

#[wasm_bindgen_test]
fn a_plan_loads_from_its_bytes_as_from_its_text() {
    let text = plan();
    let from_text = Engine::new(text.as_str().into(), "plan.geojson", "").unwrap();
    let bytes = js_sys::Uint8Array::from(text.as_bytes());
    let from_bytes = Engine::new(bytes.into(), "plan.geojson", "").unwrap();
    assert_eq!(from_bytes.export_plan(), from_text.export_plan());
    assert_eq!(households(&from_bytes.report(), "A"), 2500.0);
    let err = Engine::new(JsValue::from(42), "plan.geojson", "")
        .err()
        .unwrap();
    let message = js_sys::Error::from(err).message().as_string().unwrap();
    assert!(
        message.contains("GeoJSON text or a Uint8Array"),
        "{message}"
    );
}

#[wasm_bindgen_test]
fn barrier_lines_are_packed_by_kind() {
    let mut plan = shequ_core::testing::row_plan(&[("A", &[1200]), ("B", &[900])]);
    plan.barriers.push(shequ_core::model::Barrier {
        id: "R1".into(),
        kind: shequ_core::model::BarrierKind::River,
        name: "古运河".into(),
        geometry: geo::MultiLineString::new(vec![
            geo::LineString::from(vec![(0.0, 0.0), (1.0, 0.0), (2.0, 0.5)]),
            geo::LineString::from(vec![(5.0, 5.0), (6.0, 6.0)]),
        ]),
        extra: Default::default(),
    });
    let text = shequ_core::export::to_geojson_string(&plan);
    let e = Engine::new(text.as_str().into(), "plan.geojson", "").unwrap();
    let bl = e.barrier_lines();
    let kinds: Vec<String> = Array::from(&get(&bl, "kinds"))
        .iter()
        .map(|k| k.as_string().unwrap())
        .collect();
    let kind = js_sys::Uint8Array::from(get(&bl, "kind")).to_vec();
    let lines = Uint32Array::from(get(&bl, "lines")).to_vec();
    let coords = Float64Array::from(get(&bl, "coords")).to_vec();
    let rivers: Vec<usize> = (0..kind.len())
        .filter(|&i| kinds[kind[i] as usize] == "river")
        .collect();
    assert_eq!(
        rivers.len(),
        2,
        "one entry per line of the river's MultiLineString"
    );
    let first = lines[rivers[0]] as usize;
    assert_eq!(lines[rivers[0] + 1] as usize - first, 3);
    assert_eq!(
        &coords[2 * first..2 * first + 6],
        &[0.0, 0.0, 1.0, 0.0, 2.0, 0.5]
    );
    assert_eq!(*lines.last().unwrap() as usize * 2, coords.len());
}

#[wasm_bindgen_test]
fn bad_file_throws_a_load_error_naming_the_field() {
    let text = plan().replacen("\"households\":1200", "\"households\":-5", 1);
    let err = Engine::new(text.as_str().into(), "bad.geojson", "")
        .err()
        .unwrap();
    assert_eq!(get(&err, "name").as_string().unwrap(), "LoadError");
    let errors: Array = get(&err, "errors").unchecked_into();
    let first = errors.get(0);
    assert_eq!(get(&first, "field").as_string().unwrap(), "households");
    assert_eq!(get(&first, "file").as_string().unwrap(), "bad.geojson");
    assert!(get(&first, "message_zh")
        .as_string()
        .unwrap()
        .contains("负数"));
}

#[wasm_bindgen_test]
fn geometry_is_packed() {
    let e = Engine::new(plan().into(), "plan.geojson", "").unwrap();
    let g = e.geometry();
    let coords: Float64Array = get(&g, "coords").unchecked_into();
    let rings: Uint32Array = get(&g, "rings").unchecked_into();
    let communities: Uint32Array = get(&g, "communities").unchecked_into();
    assert_eq!(communities.to_vec(), [0, 1, 2]);
    assert_eq!(rings.to_vec(), [0, 5, 10]);
    assert_eq!(coords.length(), 20);
    assert_eq!(coords.get_index(0), 119.40);
}

#[wasm_bindgen_test]
fn drag_returns_a_delta_and_undo_restores() {
    let mut e = Engine::new(plan().into(), "plan.geojson", "").unwrap();
    let nodes = e.nodes(119.4099, 32.3899, 119.4101, 32.4001);
    let ids: Uint32Array = get(&nodes, "ids").unchecked_into();
    assert_eq!(ids.length(), 2, "the two ends of the shared edge");
    let degree = get(&nodes, "degree");
    assert_eq!(
        Reflect::get(&degree, &0.into()).unwrap().as_f64(),
        Some(2.0)
    );
    for k in 0..2 {
        let n = ids.get_index(k);
        let coords: Float64Array = get(&nodes, "coords").unchecked_into();
        e.begin_drag(n).unwrap();
        let d = e
            .drag_to(119.4045, coords.get_index(2 * k + 1), 0.0)
            .unwrap();
        let changed: Array = get(&get(&d, "geometry"), "ids").unchecked_into();
        assert_eq!(changed.length(), 2);
        e.end_drag().unwrap();
    }
    assert_eq!(households(&e.report(), "B"), 3100.0);
    // A fresh evaluation of the edited plan finds what the session reports.
    let findings: Array = get(&e.report(), "findings").unchecked_into();
    assert!(findings.length() > 0);
    assert_eq!(e.full_evaluation(), findings.length());
    assert!(e.can_undo());
    let d = e.undo();
    assert!(!d.is_undefined());
    e.undo();
    assert_eq!(households(&e.report(), "B"), 1800.0);
    assert!(e.redo().is_object());
}

#[wasm_bindgen_test]
fn refused_edits_throw_edit_errors() {
    let mut e = Engine::new(plan().into(), "plan.geojson", "").unwrap();
    let err = e.merge("A", "nope").err().unwrap();
    assert_eq!(get(&err, "name").as_string().unwrap(), "EditError");
    assert_eq!(get(&err, "code").as_string().unwrap(), "edit.no_community");
    let patch = js_sys::JSON::parse(r#"{"committee_size": "twelve"}"#).unwrap();
    let err = e.update_community("A", patch).err().unwrap();
    assert_eq!(get(&err, "code").as_string().unwrap(), "edit.bad_value");
}

#[wasm_bindgen_test]
fn households_from_a_table_are_an_undoable_edit() {
    let mut e = Engine::new(plan().into(), "plan.geojson", "").unwrap();
    // B-0 gets new counts; B-1's planned households are left out (unchanged).
    let changes = js_sys::JSON::parse(
        r#"[{"id": "B-0", "households": 1500, "planned_households": 200}, {"id": "B-1", "households": 950}]"#,
    )
    .unwrap();
    let d = e.set_households(changes, "户数.xlsx").unwrap();
    let compounds: Array = get(&d, "compounds").unchecked_into();
    let counts: Vec<(String, f64, f64)> = compounds
        .iter()
        .map(|c| {
            (
                get(&c, "id").as_string().unwrap(),
                get(&c, "households").as_f64().unwrap(),
                get(&c, "planned_households").as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [("B-0".into(), 1500.0, 200.0), ("B-1".into(), 950.0, 0.0)]
    );
    assert_eq!(households(&e.report(), "B"), 2450.0);
    assert_eq!(
        get(&get(&e.history(), "undo"), "zh").as_string().unwrap(),
        "导入户数表 户数.xlsx"
    );
    assert!(e.export_plan().contains("\"planned_households\":200"));
    let undone = e.undo();
    assert_eq!(Array::from(&get(&undone, "compounds")).length(), 2);
    assert_eq!(households(&e.report(), "B"), 1800.0);

    let bad = js_sys::JSON::parse(r#"[{"id": "B-0", "households": -3}]"#).unwrap();
    let err = e.set_households(bad, "户数.xlsx").err().unwrap();
    assert_eq!(get(&err, "code").as_string().unwrap(), "edit.bad_value");
    assert_eq!(households(&e.report(), "B"), 1800.0);
}

#[wasm_bindgen_test]
fn the_plans_details_are_set_saved_and_undone() {
    let mut e = Engine::new(plan().into(), "plan.geojson", "").unwrap();
    let patch = js_sys::JSON::parse(
        r#"{"title": "文昌街道方案", "signoff": {"审核": "王"}, "locked": ["A"]}"#,
    )
    .unwrap();
    e.set_plan_info(patch).unwrap();
    let info = e.plan_info();
    assert_eq!(get(&info, "title").as_string().unwrap(), "文昌街道方案");
    assert!(e.export_plan().contains(r#""locked":["A"]"#));
    let bad = js_sys::JSON::parse(r#"{"locked": "A"}"#).unwrap();
    let err = e.set_plan_info(bad).err().unwrap();
    assert_eq!(get(&err, "code").as_string().unwrap(), "edit.bad_plan_info");
    let cleared = js_sys::JSON::parse(r#"{"title": null}"#).unwrap();
    e.set_plan_info(cleared).unwrap();
    assert!(get(&e.plan_info(), "title").is_undefined());
    e.undo();
    e.undo();
    assert!(e.plan_info().is_null(), "no record left");
}

#[wasm_bindgen_test]
fn property_patch_changes_findings() {
    let mut e = Engine::new(plan().into(), "plan.geojson", "").unwrap();
    let patch = js_sys::JSON::parse(r#"{"committee_size": 12, "name": "文昌社区"}"#).unwrap();
    let d = e.update_community("A", patch).unwrap();
    let added: Array = get(&get(&d, "findings"), "added").unchecked_into();
    assert!(added
        .iter()
        .any(|f| get(&f, "code").as_string().as_deref() == Some("org.committee_size")));
    assert!(e.export_plan().contains("文昌社区"));
}

#[wasm_bindgen_test]
fn profiles_are_listed_and_chosen() {
    let list: Array = Engine::profiles().unchecked_into();
    assert_eq!(list.length(), 2);
    let e = Engine::new(plan().into(), "plan.geojson", "national-2025").unwrap();
    assert_eq!(e.profile(), "national-2025");
    let err = Engine::new(plan().into(), "plan.geojson", "[scale]\nnope = 1")
        .err()
        .unwrap();
    assert_eq!(get(&err, "name").as_string().unwrap(), "ProfileError");
}

#[wasm_bindgen_test]
fn another_profile_keeps_the_undo_history() {
    let mut e = Engine::new(plan().into(), "plan.geojson", "").unwrap();
    let patch = js_sys::JSON::parse(r#"{"committee_size": 12}"#).unwrap();
    e.update_community("A", patch).unwrap();
    let d = e.set_profile("national-2025", None).unwrap();
    assert_eq!(e.profile(), "national-2025");
    assert!(get(&d, "totals").is_object());
    assert!(
        e.can_undo(),
        "the edit before the switch can still be undone"
    );
    // A profile that does not read: refused, naming the file and the setting;
    // the profile and the plan as they were.
    let bad = r#"{"extends": "yangzhou-2022", "name": "x", "scale": {"target_min": "两千"}}"#;
    let err = e
        .set_profile(bad, Some("街道细则.toml".into()))
        .err()
        .unwrap();
    assert_eq!(get(&err, "name").as_string().unwrap(), "ProfileError");
    let message = get(&err, "message").as_string().unwrap();
    assert!(
        message.starts_with("街道细则.toml: scale.target_min: "),
        "{message}"
    );
    assert_eq!(e.profile(), "national-2025");
    e.undo();
    assert!(!e.export_plan().contains("\"committee_size\":12"));
}

#[cfg(feature = "adjust")]
#[wasm_bindgen_test]
fn a_suggestion_is_applied_as_one_undoable_edit() {
    // A (3,600 households) is more than 3,000: 二（一）"原则上要进行拆分".
    let plan = shequ_core::export::to_geojson_string(&shequ_core::testing::cell_plan(
        &["AAB", "AAB"],
        &[&[900, 900, 600], &[900, 900, 600]],
    ));
    let mut e = Engine::new(JsValue::from_str(&plan), "p.geojson", "").unwrap();
    let alts: serde_json::Value = serde_json::from_str(&e.suggest("A", 3).unwrap()).unwrap();
    assert!(!alts.as_array().unwrap().is_empty());
    let before = households(&e.report(), "A");
    let d = e.apply_suggestion(0).unwrap();
    assert!(!d.is_undefined());
    assert!(households(&e.report(), "A") <= 3000.0);
    e.undo();
    assert_eq!(households(&e.report(), "A"), before);
    // No such community: a refusal with a code, not a trap.
    let err = e.suggest("Z", 3).unwrap_err();
    assert_eq!(get(&err, "name"), "EditError");
    assert_eq!(get(&err, "code"), "adjust.no_community");
}

#[cfg(feature = "adjust")]
#[wasm_bindgen_test]
fn a_repair_is_accepted_through_its_plan_file() {
    let plan = shequ_core::export::to_geojson_string(&shequ_core::testing::cell_plan(
        &["AAB", "AAB", "CCD"],
        &[&[900, 900, 600], &[900, 900, 600], &[1300, 1300, 300]],
    ));
    let mut worker = Engine::new(JsValue::from_str(&plan), "p.geojson", "").unwrap();
    let summary: serde_json::Value =
        serde_json::from_str(&worker.repair("{}", None).unwrap()).unwrap();
    assert_eq!(summary["unresolved"], serde_json::json!([]));
    let partial = worker.repair_plan(vec!["D".into()]).unwrap();
    assert!(Array::from(&get(&partial, "also_left_out")).length() == 0);
    let mut main = Engine::new(JsValue::from_str(&plan), "p.geojson", "").unwrap();
    main.replace_communities(get(&partial, "plan"), "整体优化", "repair")
        .unwrap();
    assert!(households(&main.report(), "A") <= 3000.0);
    assert_eq!(
        households(&main.report(), "D"),
        300.0,
        "the rejected merge of D is left out"
    );
    // A cancelled repair gives nothing.
    let stop = js_sys::Function::new_with_args("f", "return false");
    let err = worker.repair("{}", Some(stop)).unwrap_err();
    assert_eq!(get(&err, "name"), "Cancelled");
}
