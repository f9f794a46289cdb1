//! The loader's details, case by case: each property reader, per-layer
//! loading, the message formats, the notes, and no panic on any input.

use serde_json::{json, Value};

use super::properties::Props;
use super::*;

/// Runs `read` on a feature with these properties; returns what it read and
/// the codes of the errors it reported.
fn read<T>(props: Value, read: impl FnOnce(&mut Props) -> T) -> (T, Vec<LoadError>) {
    let mut errors = Vec::new();
    let mut f = Props::new("t.geojson", 0, &mut errors);
    let Value::Object(map) = props else {
        panic!("properties are an object")
    };
    f.set_props(map, None);
    let out = read(&mut f);
    drop(f);
    (out, errors)
}

/// What a reader gives: a value (or none) without error, or an error code.
type Outcome<T> = Result<Option<T>, &'static str>;

/// A table row: the property's value, the outcome, and substrings of the message.
type Case<T> = (Value, Outcome<T>, &'static [&'static str]);

/// `Ok(value)` when the reader returned it without error, else `Err(code)`
/// with every message substring checked.
fn outcome<T>((value, errors): (Option<T>, Vec<LoadError>), want: &[&str]) -> Outcome<T> {
    match errors.first() {
        None => Ok(value),
        Some(e) => {
            let (en, zh) = (e.to_string(), e.message_zh());
            for w in want {
                assert!(
                    en.contains(w) || zh.contains(w),
                    "{w:?} is in neither\n  {en}\n  {zh}"
                );
            }
            Err(e.code)
        }
    }
}

#[test]
fn households_reader() {
    let max = 20_000;
    let cases: &[Case<u32>] = &[
        (json!(1200), Ok(Some(1200)), &[]),
        (json!(0), Ok(Some(0)), &[]),
        (json!(20_000), Ok(Some(20_000)), &[]),
        (json!(1200.0), Ok(Some(1200)), &[]),
        (
            json!(20_001),
            Err("load.absurd"),
            &["20,001 is implausibly large", "more than 20,000"],
        ),
        (json!(1e9), Err("load.absurd"), &["1,000,000,000"]),
        (json!(1e300), Err("load.absurd"), &["implausibly large"]),
        (
            json!(-1),
            Err("load.negative"),
            &["-1 is negative", "-1 为负数"],
        ),
        (json!(-0.5), Err("load.negative"), &["-0.5 is negative"]),
        (
            json!(1200.5),
            Err("load.fractional"),
            &["1200.5 is not a whole number", "1200.5 不是整数"],
        ),
        (
            json!("1200"),
            Err("load.wrong_type"),
            &[
                "found the text \"1200\"",
                "\"households\": 1200",
                "请去掉引号",
            ],
        ),
        (
            json!(" 1,200 户"),
            Err("load.wrong_type"),
            &["\"households\": 1200"],
        ),
        (
            json!("many"),
            Err("load.wrong_type"),
            &["found the text \"many\"", "from 0 to 20,000"],
        ),
        (
            json!(true),
            Err("load.wrong_type"),
            &["found a boolean true", "布尔值 true"],
        ),
        (
            json!({"n": 1}),
            Err("load.wrong_type"),
            &["found an object {\"n\":1}"],
        ),
        (
            json!([1200]),
            Err("load.wrong_type"),
            &["found an array [1200]"],
        ),
        (
            Value::Null,
            Err("load.missing_field"),
            &[
                "missing; a compound needs its number of existing households",
                "缺失",
            ],
        ),
    ];
    for (v, want, msgs) in cases {
        let got = outcome(
            read(json!({"households": v}), |f| {
                f.households("households", max, true)
            }),
            msgs,
        );
        assert_eq!(&got, want, "households {v}");
    }
    // Absent and optional: no error, no value.
    assert_eq!(
        outcome(
            read(json!({}), |f| f.households(
                "planned_households",
                max,
                false
            )),
            &[]
        ),
        Ok(None)
    );
    assert_eq!(
        outcome(
            read(json!({"planned_households": null}), |f| f.households(
                "planned_households",
                max,
                false
            )),
            &[]
        ),
        Ok(None)
    );
}

#[test]
fn count_reader() {
    let cases: &[(Value, Result<Option<u32>, &str>)] = &[
        (json!(7), Ok(Some(7))),
        (Value::Null, Ok(None)),
        (json!("7"), Err("load.wrong_type")),
        (json!(-7), Err("load.negative")),
        (json!(7.5), Err("load.fractional")),
        (json!(1001), Err("load.absurd")),
    ];
    for (v, want) in cases {
        assert_eq!(
            &outcome(
                read(json!({"committee_size": v}), |f| f
                    .count("committee_size", 1000)),
                &[]
            ),
            want,
            "{v}"
        );
    }
    assert_eq!(
        outcome(read(json!({}), |f| f.count("committee_size", 1000)), &[]),
        Ok(None)
    );
}

#[test]
fn boolean_reader() {
    let cases: &[Case<bool>] = &[
        (json!(true), Ok(Some(true)), &[]),
        (json!(false), Ok(Some(false)), &[]),
        (Value::Null, Ok(None), &[]),
        (
            json!("是"),
            Err("load.wrong_type"),
            &[
                "write true (without quotes) instead of \"是\"",
                "请将 \"是\" 改为 true",
            ],
        ),
        (
            json!("否"),
            Err("load.wrong_type"),
            &["write false (without quotes)"],
        ),
        (json!("Yes"), Err("load.wrong_type"), &["write true"]),
        (
            json!(1),
            Err("load.wrong_type"),
            &["write true (without quotes) instead of 1"],
        ),
        (json!(0), Err("load.wrong_type"), &["write false"]),
        (
            json!("有物业"),
            Err("load.wrong_type"),
            &["write property_management as true or false"],
        ),
    ];
    for (v, want, msgs) in cases {
        let got = outcome(
            read(json!({"property_management": v}), |f| {
                f.boolean("property_management")
            }),
            msgs,
        );
        assert_eq!(&got, want, "{v}");
    }
}

#[test]
fn string_and_area_readers() {
    let strings: &[(Value, Result<Option<String>, &str>)] = &[
        (json!("文昌社区"), Ok(Some("文昌社区".into()))),
        (json!(""), Ok(Some(String::new()))),
        (json!(12), Ok(Some("12".into()))),
        (Value::Null, Ok(None)),
        (json!(1.5), Err("load.wrong_type")),
        (json!(["a"]), Err("load.wrong_type")),
    ];
    for (v, want) in strings {
        assert_eq!(
            &outcome(read(json!({"name": v}), |f| f.string("name")), &[]),
            want,
            "{v}"
        );
    }
    let areas: &[(Value, Result<Option<f64>, &str>)] = &[
        (json!(1200), Ok(Some(1200.0))),
        (json!(0.5), Ok(Some(0.5))),
        (json!(-1), Err("load.out_of_range")),
        (json!(2e6), Err("load.out_of_range")),
        (json!("1200"), Err("load.wrong_type")),
    ];
    for (v, want) in areas {
        assert_eq!(
            &outcome(
                read(json!({"floor_area_m2": v}), |f| f.area("floor_area_m2")),
                &[]
            ),
            want,
            "{v}"
        );
    }
}

#[test]
fn enum_readers_suggest_what_was_meant() {
    let kinds = ["standard", "old_town", "apartment"];
    let aliases = [("老城", "old_town"), ("公寓", "apartment")];
    let cases: &[Case<CommunityKind>] = &[
        (json!("old_town"), Ok(Some(CommunityKind::OldTown)), &[]),
        (Value::Null, Ok(None), &[]),
        (
            json!("oldtown"),
            Err("load.unknown_value"),
            &["did you mean \"old_town\"?"],
        ),
        (
            json!("Old Town"),
            Err("load.unknown_value"),
            &["did you mean \"old_town\"?"],
        ),
        (
            json!("老城区"),
            Err("load.unknown_value"),
            &[
                "\"老城区\" is not one of standard, old_town, apartment",
                "did you mean \"old_town\"?",
                "（是否应为 \"old_town\"？）",
            ],
        ),
        (
            json!("apart"),
            Err("load.unknown_value"),
            &["did you mean \"apartment\"?"],
        ),
        (
            json!("village"),
            Err("load.unknown_value"),
            &["use one of standard, old_town, apartment"],
        ),
        (json!(2), Err("load.wrong_type"), &["found a number 2"]),
    ];
    for (v, want, msgs) in cases {
        let got = outcome(
            read(json!({"kind": v}), |f| {
                f.enum_value("kind", CommunityKind::parse, &kinds, &aliases)
            }),
            msgs,
        );
        assert_eq!(&got, want, "{v}");
    }
    let all = Committee::ALL.map(Committee::as_str);
    let zh = Committee::ALL.map(|c| (c.name_zh(), c.as_str()));
    let lists: &[Case<Vec<Committee>>] = &[
        (
            json!(["mediation", "security"]),
            Ok(Some(vec![Committee::Mediation, Committee::Security])),
            &[],
        ),
        (
            json!(["mediation", "mediation"]),
            Ok(Some(vec![Committee::Mediation])),
            &[],
        ),
        (json!([]), Ok(Some(vec![])), &[]),
        (
            json!(["人民调解委员会"]),
            Err("load.unknown_value"),
            &["did you mean \"mediation\"?"],
        ),
        (
            json!("mediation"),
            Err("load.wrong_type"),
            &[
                "expected an array",
                "write committees as [\"mediation\", ...]",
            ],
        ),
        (
            json!([1]),
            Err("load.wrong_type"),
            &["an array of text values"],
        ),
    ];
    for (v, want, msgs) in lists {
        let got = outcome(
            read(json!({"committees": v}), |f| {
                f.enum_list("committees", Committee::parse, &all, &zh)
            }),
            msgs,
        );
        assert_eq!(&got, want, "{v}");
    }
}

#[test]
fn id_reader() {
    type IdCase = (Value, Option<Value>, Outcome<String>);
    let cases: &[IdCase] = &[
        (json!({"id": "C01"}), None, Ok(Some("C01".into()))),
        (json!({"id": 7}), None, Ok(Some("7".into()))),
        (json!({}), Some(json!("F1")), Ok(Some("F1".into()))),
        (json!({"id": null}), Some(json!(3)), Ok(Some("3".into()))),
        (
            json!({"id": "P1"}),
            Some(json!("F1")),
            Ok(Some("P1".into())),
        ),
        (json!({}), None, Err("load.missing_id")),
        (json!({"id": ""}), None, Err("load.empty_id")),
        (json!({"id": "  "}), None, Err("load.empty_id")),
        (json!({"id": 1.5}), None, Err("load.wrong_type")),
        (json!({"id": ["C01"]}), None, Err("load.wrong_type")),
    ];
    for (props, feature_id, want) in cases {
        let mut errors = Vec::new();
        let mut f = Props::new("t.geojson", 0, &mut errors);
        let Value::Object(map) = props.clone() else {
            unreachable!()
        };
        f.set_props(map, feature_id.clone());
        let got = f.id();
        drop(f);
        let got = match errors.first() {
            None => Ok(got),
            Some(e) => Err(e.code),
        };
        assert_eq!(&got, want, "{props} / {feature_id:?}");
    }
}

#[test]
fn layer_reader() {
    type LayerCase = (
        Value,
        Option<Result<Layer, &'static str>>,
        &'static [&'static str],
    );
    let cases: &[LayerCase] = &[
        (
            json!({"layer": "community"}),
            Some(Ok(Layer::Community)),
            &[],
        ),
        (
            json!({"layer": "service_center"}),
            Some(Ok(Layer::ServiceCenter)),
            &[],
        ),
        (json!({}), None, &[]),
        (json!({"layer": null}), None, &[]),
        (
            json!({"layer": "Community"}),
            Some(Err("load.unknown_layer")),
            &[
                "layer names are lowercase, this one is \"community\"",
                "lower(\"layer\")",
            ],
        ),
        (
            json!({"layer": "Service Center"}),
            Some(Err("load.unknown_layer")),
            &["\"service_center\""],
        ),
        (
            json!({"layer": "comunity"}),
            Some(Err("load.unknown_layer")),
            &["did you mean \"community\"?"],
        ),
        (
            json!({"layer": "党群服务中心"}),
            Some(Err("load.unknown_layer")),
            &["did you mean \"service_center\"?"],
        ),
        (
            json!({"layer": "roads"}),
            Some(Err("load.unknown_layer")),
            &["use one of community, compound, grid, barrier, service_center, street"],
        ),
        (
            json!({"layer": 1}),
            Some(Err("load.wrong_type")),
            &["a layer name"],
        ),
    ];
    for (props, want, msgs) in cases {
        let (got, errors) = read(props.clone(), |f| f.take_layer());
        let got = got.map(|r| r.map_err(|()| errors[0].code));
        assert_eq!(&got, want, "{props}");
        if let Some(e) = errors.first() {
            for m in *msgs {
                assert!(
                    e.to_string().contains(m) || e.message_zh().contains(m),
                    "{m:?} not in {e}"
                );
            }
        }
    }
}

// ---- whole files -------------------------------------------------------------

fn fc(features: &[Value]) -> String {
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

fn community(id: &str, x: f64) -> Value {
    json!({"type": "Feature", "properties": {"layer": "community", "id": id, "name": id},
           "geometry": {"type": "Polygon", "coordinates": [[[x, 32.39], [x + 0.01, 32.39], [x + 0.01, 32.4], [x, 32.4], [x, 32.39]]]}})
}

fn compound(id: &str, ring: Value) -> Value {
    json!({"type": "Feature", "properties": {"layer": "compound", "id": id, "households": 800},
           "geometry": {"type": "Polygon", "coordinates": [ring]}})
}

fn without_layer(mut f: Value) -> Value {
    f["properties"].as_object_mut().map(|p| p.remove("layer"));
    f
}

fn first_error(r: Result<Loaded, LoadErrors>) -> LoadError {
    r.map(|_| ()).unwrap_err().errors.remove(0)
}

#[test]
fn layers_can_come_in_separate_files() {
    let communities = fc(&[
        without_layer(community("C1", 119.40)),
        community("C2", 119.41),
    ]);
    let compounds = fc(&[without_layer(compound(
        "X1",
        json!([
            [119.401, 32.391],
            [119.402, 32.391],
            [119.402, 32.392],
            [119.401, 32.391]
        ]),
    ))]);
    let files: [(Option<Layer>, &str, &[u8]); 2] = [
        (
            Some(Layer::Community),
            "社区.geojson",
            communities.as_bytes(),
        ),
        (Some(Layer::Compound), "小区.geojson", compounds.as_bytes()),
    ];
    let loaded = load_layers(&files, &LoadOptions::default()).unwrap();
    assert_eq!(loaded.plan.communities.len(), 2);
    assert_eq!(loaded.plan.compounds.len(), 1);
}

#[test]
fn a_layer_property_must_agree_with_the_file_layer() {
    let text = fc(&[
        community("C1", 119.40),
        compound(
            "X1",
            json!([
                [119.401, 32.391],
                [119.402, 32.391],
                [119.402, 32.392],
                [119.401, 32.391]
            ]),
        ),
    ]);
    let e = first_error(load_layers(
        &[(Some(Layer::Community), "社区.geojson", text.as_bytes())],
        &LoadOptions::default(),
    ));
    assert_eq!(
        (
            e.code,
            e.field.as_deref(),
            e.feature_index,
            e.feature_id.as_deref()
        ),
        ("load.layer_mismatch", Some("layer"), Some(1), Some("X1"))
    );
    assert!(
        e.to_string().contains(
            "the feature says layer \"compound\" but the file was given as the community layer"
        ),
        "{e}"
    );
    assert!(
        e.message_zh().contains("作为 community 图层读入"),
        "{}",
        e.message_zh()
    );
}

#[test]
fn duplicate_ids_across_files_name_the_other_file() {
    let a = fc(&[community("C1", 119.40)]);
    let b = fc(&[community("C2", 119.41), community("C1", 119.42)]);
    let e = first_error(load_layers(
        &[
            (None, "a.geojson", a.as_bytes()),
            (None, "b.geojson", b.as_bytes()),
        ],
        &LoadOptions::default(),
    ));
    assert_eq!(
        (e.code, e.file.as_str(), e.feature_index),
        ("load.duplicate_id", "b.geojson", Some(1))
    );
    assert!(
        e.to_string()
            .contains("already used by feature #0 of a.geojson in the community layer"),
        "{e}"
    );
    assert!(
        e.message_zh().contains("a.geojson 的第 0 号要素"),
        "{}",
        e.message_zh()
    );
    // The same id in two layers is fine.
    let c = fc(&[
        community("S1", 119.40),
        compound(
            "S1",
            json!([
                [119.401, 32.391],
                [119.402, 32.391],
                [119.402, 32.392],
                [119.401, 32.391]
            ]),
        ),
    ]);
    assert!(load_plan("c.geojson", c.as_bytes(), &LoadOptions::default()).is_ok());
}

#[test]
fn an_empty_plan_names_the_community_file_and_what_it_found() {
    let communities = fc(&[]);
    let compounds = fc(&[without_layer(compound(
        "X1",
        json!([
            [119.401, 32.391],
            [119.402, 32.391],
            [119.402, 32.392],
            [119.401, 32.391]
        ]),
    ))]);
    let files: [(Option<Layer>, &str, &[u8]); 2] = [
        (Some(Layer::Compound), "小区.geojson", compounds.as_bytes()),
        (
            Some(Layer::Community),
            "社区.geojson",
            communities.as_bytes(),
        ),
    ];
    let e = first_error(load_layers(&files, &LoadOptions::default()));
    assert_eq!(
        (e.code, e.file.as_str()),
        ("load.empty_plan", "社区.geojson")
    );
    assert!(
        e.to_string()
            .contains("no community features (found 1 compound)"),
        "{e}"
    );
    assert_eq!(
        first_error(load_layers(&[], &LoadOptions::default())).code,
        "load.empty_plan"
    );
}

#[test]
fn a_file_level_problem_replaces_the_feature_errors_of_that_file() {
    // Features first, then a projected crs: one error about the crs, not one per feature.
    let text = r#"{"features": [{"type": "Feature", "properties": {"layer": "community", "id": "C1"}, "geometry": {"type": "Point", "coordinates": [512345.6, 3581234.1]}}],
                   "type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:4549"}}}"#;
    let err = load_plan("p.geojson", text.as_bytes(), &LoadOptions::default()).unwrap_err();
    assert_eq!(err.errors.len(), 1);
    assert_eq!(err.errors[0].code, "load.crs");
    // And a syntax error late in the file replaces what came before it.
    let text = format!("{}garbage", fc(&[json!({"type": "Feature"})]));
    let err = load_plan("p.geojson", text.as_bytes(), &LoadOptions::default()).unwrap_err();
    assert_eq!((err.errors.len(), err.errors[0].code), (1, "load.json"));
}

#[test]
fn crs_names() {
    let cases = [
        ("urn:ogc:def:crs:OGC:1.3:CRS84", None),
        ("EPSG:4326", None),
        ("urn:ogc:def:crs:EPSG::4490", None),
        (
            "urn:ogc:def:crs:EPSG::4549",
            Some("EPSG:4549 (CGCS2000 / 3-degree Gauss-Kruger CM 120E), a projected system"),
        ),
        (
            "EPSG:4528",
            Some("CGCS2000 / 3-degree Gauss-Kruger zone 40"),
        ),
        ("EPSG:4498", Some("CGCS2000 / Gauss-Kruger zone 20")),
        ("EPSG:4507", Some("CGCS2000 / Gauss-Kruger CM 105E")),
        ("EPSG:3857", Some("Pseudo-Mercator")),
        ("EPSG:32650", Some("UTM zone 50N")),
        (
            "EPSG:4214",
            Some("Beijing 1954), longitude/latitude on another datum"),
        ),
        ("LOCAL_CS[\"x\"]", Some("\"LOCAL_CS[\\\"x\\\"]\"")),
    ];
    for (name, want) in cases {
        let got = crs_problem(
            "p.geojson",
            &json!({"type": "name", "properties": {"name": name}}),
        );
        match (got, want) {
            (None, None) => {}
            (Some(e), Some(w)) => assert!(e.to_string().contains(w), "{name}: {e}"),
            (got, _) => panic!("{name}: {got:?}"),
        }
    }
}

#[test]
fn json_errors_say_where_and_what() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "{\"type\": \"FeatureCollection\",\n \"features\": [}",
            "load.json",
            &["line 2, column 15", "expected value", "此处缺少值"],
        ),
        (
            "{\"type\": \"FeatureCollection\", \"features\": [",
            "load.truncated",
            &["cut off", "line 1, column 43"],
        ),
        (
            "{\"type\": \"FeatureCollection\", \"features\": [], }",
            "load.json",
            &["trailing comma", "多余的逗号"],
        ),
        (
            "{type: \"FeatureCollection\"}",
            "load.json",
            &["key must be a string", "双引号"],
        ),
        ("{\"a\": Infinity}", "load.nan", &["Infinity at line 1"]),
        ("{\"a\": -Infinity}", "load.nan", &["Infinity at line 1"]),
        ("{\"a\": nan}", "load.nan", &["nan at line 1"]),
        (
            "{\"a\": True}",
            "load.json",
            &["expected value", "near \"{\\\"a\\\": True}\""],
        ),
        (
            "{\"a\": 1}{\"b\": 2}",
            "load.json",
            &["second JSON value starts at line 1, column 9"],
        ),
        (
            "{\"a\": 1e999}",
            "load.json",
            &["number out of range", "数字超出范围"],
        ),
        ("id,name\n1,a", "load.not_geojson", &["table (CSV)"]),
        ("\"just text\"", "load.not_collection", &["a JSON string"]),
        ("42", "load.not_collection", &["a JSON number"]),
        ("null", "load.not_collection", &["a JSON null"]),
        (
            "<html><body>404</body></html>",
            "load.not_geojson",
            &["HTML page"],
        ),
        ("<gml:FeatureCollection/>", "load.not_geojson", &["GML"]),
    ];
    for (text, code, msgs) in cases {
        let e = first_error(load_plan(
            "p.geojson",
            text.as_bytes(),
            &LoadOptions::default(),
        ));
        assert_eq!(e.code, *code, "{text}: {e}");
        for m in *msgs {
            assert!(
                e.to_string().contains(m) || e.message_zh().contains(m),
                "{text}: {m:?} not in\n  {e}\n  {}",
                e.message_zh()
            );
        }
    }
}

#[test]
fn gbk_is_told_apart_from_other_bad_bytes() {
    // "文昌社区" in GBK.
    let gbk = b"{\"name\": \"\xce\xc4\xb2\xfd\xc9\xe7\xc7\xf8\"}";
    assert!(input::looks_like_gbk(gbk));
    assert!(
        first_error(load_plan("p.geojson", gbk, &LoadOptions::default()))
            .to_string()
            .contains("GBK")
    );
    let latin1 = b"{\"name\": \"caf\xe9\"}";
    assert!(!input::looks_like_gbk(latin1));
    let e = first_error(load_plan("p.geojson", latin1, &LoadOptions::default()));
    assert!(
        e.to_string().contains("invalid byte at line 1, offset 13"),
        "{e}"
    );
}

#[test]
fn geometry_problems_name_the_point() {
    let poly = |coords: Value| {
        fc(&[
            json!({"type": "Feature", "properties": {"layer": "community", "id": "C1"}, "geometry": {"type": "MultiPolygon", "coordinates": coords}}),
        ])
    };
    let sq = json!([
        [119.4, 32.39],
        [119.41, 32.39],
        [119.41, 32.4],
        [119.4, 32.4],
        [119.4, 32.39]
    ]);
    let hole = json!([
        [119.402, 32.392],
        [119.402, 32.393],
        [119.403, 32.393],
        [119.403, null],
        [119.402, 32.392]
    ]);
    let cases: &[(Value, &str, &[&str])] = &[
        (json!([[sq.clone(), hole]]), "load.null_coordinate", &["part #0, hole #1, point #3: the latitude is null", "第 0 部分第 1 个内环第 3 号点"]),
        (json!([[sq.clone()], [[[119.5, 32.39], [119.51, 32.39], [119.5, "32.4"]]]]), "load.bad_position", &["part #1, outer ring, point #2: the latitude is the text \"32.4\""]),
        (json!([[sq.clone()], [[[119.5, 32.39], [119.51, 32.39], [119.5, true]]]]), "load.bad_position", &["the latitude is a boolean"]),
        (json!([sq.clone()]), "load.bad_coordinates", &["coordinates[0][0] is a single position where a ring [[lon, lat], ...] was expected", "list of polygons"]),
        (json!([[[sq.clone()]]]), "load.bad_coordinates", &["coordinates[0][0][0] is an array of arrays where a position [lon, lat] was expected"]),
        (json!([[[[119.4, 32.39], 5, [119.41, 32.4]]]]), "load.bad_coordinates", &["coordinates[0][0][1] is a number, expected a position"]),
        (json!([[[[119.4, 32.39], [119.41, 32.39], [119.41, 32.4], [119.4, 32.4], [119.4, 32.39]]], [[[119.4, 32.39], [119.41, 32.39], [119.41, 32.4], [119.4, 32.4], [119.4, 32.39]]]]), "load.invalid_geometry", &["parts #0 and #1 of the MultiPolygon overlap or share an edge"]),
        (json!([[[[119.4, 32.39], [119.41, 32.39], [119.41, 32.4], [119.4, 32.4], [119.4, 32.39]]], [[[119.402, 32.392], [119.403, 32.392], [119.403, 32.393], [119.402, 32.392]]]]), "load.invalid_geometry", &["part #1 lies inside part #0"]),
        (json!([[[[119.4, 32.39], [119.41, 32.39], [119.41, 32.4], [119.4, 32.4], [119.4, 32.39]], [[119.405, 32.395], [119.415, 32.395], [119.415, 32.396], [119.405, 32.395]]]]), "load.invalid_geometry", &["a hole crosses the outer ring"]),
        (json!([]), "load.empty_geometry", &["the MultiPolygon has no polygons"]),
        (json!([[]]), "load.empty_geometry", &["the polygon has no rings"]),
        (json!([[[]]]), "load.too_few_points", &["outer ring has 0 distinct point(s)"]),
        (json!([[[[119.4, 32.39, 5.0, 6.0], [119.41, 32.39], [119.41, 32.4], [119.4, 32.39]]]]), "", &[]),
        (json!([[[[119.4, 32.39], [119.41, 32.39], [119.41, 32.4], [119.4, 32.39, null]]]]), "", &[]),
    ];
    for (coords, code, msgs) in cases {
        let r = load_plan(
            "p.geojson",
            poly(coords.clone()).as_bytes(),
            &LoadOptions::default(),
        );
        if code.is_empty() {
            assert!(r.is_ok(), "{coords}: {:?}", r.err().map(|e| e.to_string()));
            continue;
        }
        let e = first_error(r);
        assert_eq!(
            (e.code, e.field.as_deref()),
            (*code, Some("geometry")),
            "{coords}: {e}"
        );
        for m in *msgs {
            assert!(
                e.to_string().contains(m) || e.message_zh().contains(m),
                "{m:?} not in\n  {e}\n  {}",
                e.message_zh()
            );
        }
    }
}

#[test]
fn geometry_objects_that_are_not_geometries() {
    let with = |g: Value| {
        fc(&[
            json!({"type": "Feature", "properties": {"layer": "barrier", "id": "R1", "kind": "road"}, "geometry": g}),
        ])
    };
    let cases: &[(Value, &str, &str)] = &[
        (
            json!({"coordinates": [[119.4, 32.39], [119.41, 32.39]]}),
            "load.bad_geometry",
            "the geometry has no \"type\"",
        ),
        (
            json!({"type": "LineString"}),
            "load.bad_geometry",
            "the LineString has no \"coordinates\"",
        ),
        (
            json!({"type": "LineString", "coordinates": null}),
            "load.bad_geometry",
            "no \"coordinates\"",
        ),
        (
            json!({"type": "Linestring", "coordinates": []}),
            "load.bad_geometry",
            "did you mean \"LineString\"?",
        ),
        (
            json!({"type": 3, "coordinates": []}),
            "load.bad_geometry",
            "found a number",
        ),
        (
            json!({"type": "GeometryCollection", "geometries": []}),
            "load.wrong_geometry",
            "found a GeometryCollection",
        ),
        (
            json!({"type": "MultiPoint", "coordinates": [[119.4, 32.39]]}),
            "load.wrong_geometry",
            "found a MultiPoint",
        ),
        (
            json!({"type": "LineString", "coordinates": [[119.4, 32.39], [119.4, 32.39]]}),
            "load.too_few_points",
            "line #0 has 1 distinct point(s)",
        ),
        (
            json!({"type": "MultiLineString", "coordinates": []}),
            "load.empty_geometry",
            "no lines",
        ),
        (
            json!({"type": "LineString", "coordinates": [[119.4, 32.39], [32.39, 119.4]]}),
            "load.swapped",
            "point #1 is [32.39, 119.4], which reads as longitude 32.39°",
        ),
        (
            json!({"type": "LineString", "coordinates": [[119.4, 32.39], [32.39, 80.0]]}),
            "load.swapped",
            "look swapped",
        ),
        (
            json!({"type": "LineString", "coordinates": [[119.4, 32.39], [119.4, 132.39]]}),
            "load.out_of_range",
            "point #1 is [119.4, 132.39]: latitude 132.39 is beyond ±90°",
        ),
        (
            json!({"type": "LineString", "coordinates": [[119.4, 32.39], [-13291234.5, 3814000.0]]}),
            "load.projected",
            "looks like projected metres",
        ),
        (
            json!({"type": "LineString", "coordinates": [[119.4, 32.39], [200.0, 32.39]]}),
            "load.out_of_range",
            "longitude 200 is beyond ±180°",
        ),
        (
            json!({"type": "MultiLineString", "coordinates": [[[119.4, 32.39], [119.41, 32.39]], [[119.4, 32.39], [119.4, 32.39]]]}),
            "load.too_few_points",
            "line #1",
        ),
        (json!(["POINT"]), "load.bad_geometry", "found an array"),
        (json!(12), "load.bad_geometry", "found a number"),
        (
            json!("LINESTRING (119.4 32.39, 119.41 32.39)"),
            "load.bad_geometry",
            "WKT text",
        ),
    ];
    for (g, code, msg) in cases {
        let e = first_error(load_plan(
            "p.geojson",
            with(g.clone()).as_bytes(),
            &LoadOptions::default(),
        ));
        assert_eq!(e.code, *code, "{g}: {e}");
        assert!(e.to_string().contains(msg), "{g}: {msg:?} not in {e}");
    }
}

#[test]
fn a_geometry_of_millions_of_empty_arrays_is_refused_not_stored() {
    let empties = vec!["[]"; 300_000].join(",");
    let text = format!(
        r#"{{"type": "FeatureCollection", "features": [{{"type": "Feature", "properties": {{"layer": "community", "id": "C1"}}, "geometry": {{"type": "MultiPolygon", "coordinates": [{empties}]}}}}]}}"#
    );
    let e = first_error(load_plan(
        "p.geojson",
        text.as_bytes(),
        &LoadOptions::default(),
    ));
    assert_eq!(e.code, "load.too_many_vertices", "{e}");
    assert!(
        e.to_string()
            .contains("300,001 rings, parts or empty arrays; the limit is 100,000"),
        "{e}"
    );
}

#[test]
fn barrier_and_centre_fields() {
    let barrier = |props: Value| {
        fc(&[
            json!({"type": "Feature", "properties": props, "geometry": {"type": "LineString", "coordinates": [[119.4, 32.39], [119.41, 32.39]]}}),
        ])
    };
    let e = first_error(load_plan(
        "p.geojson",
        barrier(json!({"layer": "barrier", "id": "R1"})).as_bytes(),
        &LoadOptions::default(),
    ));
    assert_eq!(
        (e.code, e.field.as_deref()),
        ("load.missing_field", Some("kind"))
    );
    let e = first_error(load_plan(
        "p.geojson",
        barrier(json!({"layer": "barrier", "id": "R1", "kind": "河流"})).as_bytes(),
        &LoadOptions::default(),
    ));
    assert!(e.to_string().contains("did you mean \"river\"?"), "{e}");
}

// ---- message formats -----------------------------------------------------------

#[test]
fn display_formats() {
    let mut e = LoadError {
        file: "plan.geojson".into(),
        feature_index: Some(3),
        feature_id: Some("C03".into()),
        layer: Some("community"),
        field: Some("households".into()),
        code: "load.negative",
        problem_en: "-5 is negative".into(),
        problem_zh: "-5 为负数".into(),
        fix_en: "write households as a whole number".into(),
        fix_zh: "请填写整数".into(),
    };
    assert_eq!(e.to_string(), "plan.geojson: feature #3 (id \"C03\", layer community): households: -5 is negative; fix: write households as a whole number");
    assert_eq!(e.message_zh(), "plan.geojson：第 3 号要素（编号 \"C03\"，图层 community）：households：-5 为负数。修改建议：请填写整数");
    assert_eq!(e.message_en(), e.to_string());
    e.feature_id = None;
    e.layer = None;
    assert_eq!(e.location_en(), "plan.geojson: feature #3: households");
    assert_eq!(e.location_zh(), "plan.geojson：第 3 号要素：households");
    let file = LoadError::file(
        "plan.geojson",
        "load.empty_file",
        "the file is empty".into(),
        "文件为空".into(),
        "export again".into(),
        "请重新导出".into(),
    );
    assert_eq!(
        file.to_string(),
        "plan.geojson: the file is empty; fix: export again"
    );
    assert_eq!(
        file.message_zh(),
        "plan.geojson：文件为空。修改建议：请重新导出"
    );
    let all = LoadErrors {
        errors: vec![e.clone(), file.clone()],
        more: 3,
    };
    assert_eq!(all.to_string().lines().count(), 3);
    assert!(all.to_string().ends_with("\n… and 3 more problems"));
    assert_eq!(
        LoadErrors::single(file.clone()).to_string(),
        file.to_string()
    );
}

#[test]
fn notes_are_summarised_by_kind() {
    let open = |id: &str, x: f64| {
        compound(
            id,
            json!([[x, 32.391], [x + 0.001, 32.391], [x + 0.001, 32.392]]),
        )
    };
    let clockwise = |id: &str, x: f64| {
        compound(
            id,
            json!([
                [x, 32.391],
                [x, 32.392],
                [x + 0.001, 32.392],
                [x + 0.001, 32.391],
                [x, 32.391]
            ]),
        )
    };
    let text = fc(&[
        community("C1", 119.40),
        open("X1", 119.401),
        clockwise("X2", 119.403),
        open("X3", 119.405),
        open("X4", 119.407),
        clockwise("X5", 119.408),
    ]);
    let loaded = load_plan("p.geojson", text.as_bytes(), &LoadOptions::default()).unwrap();
    let notes: Vec<(&str, usize, usize, Option<&str>)> = loaded
        .notes
        .iter()
        .map(|n| (n.code, n.count, n.feature_index, n.feature_id.as_deref()))
        .collect();
    assert_eq!(
        notes,
        [
            ("repair.closed_ring", 3, 1, Some("X1")),
            ("repair.winding", 2, 2, Some("X2"))
        ]
    );
    assert_eq!(loaded.notes[0].to_string(), "p.geojson: feature #1 (id \"X1\"): closed a ring whose last point did not repeat its first (and 2 more features)");
    assert!(loaded
        .notes
        .iter()
        .all(|n| NOTE_CODES.contains(&n.code) && !n.message_zh.is_empty()));
    // The repairs are real: rings closed and counter-clockwise.
    use geo::Winding;
    for c in &loaded.plan.compounds {
        let CompoundShape::Area(mp) = &c.shape else {
            panic!("area")
        };
        assert!(
            mp.0[0].exterior().is_closed() && mp.0[0].exterior().is_ccw(),
            "{}",
            c.id
        );
    }
}

#[test]
fn every_code_is_listed_once() {
    let mut seen = std::collections::HashSet::new();
    for c in CODES.iter().chain(NOTE_CODES) {
        assert!(seen.insert(c), "{c} twice");
        assert!(c.starts_with("load.") || c.starts_with("repair."), "{c}");
    }
    // Every code the loader's source emits is listed.
    let sources = [
        include_str!("mod.rs"),
        include_str!("properties.rs"),
        include_str!("geometry.rs"),
        include_str!("input.rs"),
    ];
    for src in sources {
        for piece in src.split('"').skip(1).step_by(2) {
            if (piece.starts_with("load.") || piece.starts_with("repair."))
                && !piece.contains(' ')
                && piece.len() > 6
            {
                assert!(
                    CODES.contains(&piece) || NOTE_CODES.contains(&piece),
                    "{piece} is emitted but not listed in CODES"
                );
            }
        }
    }
}

// ---- nothing panics ---------------------------------------------------------------

mod no_panic {
    use super::*;
    use proptest::prelude::*;

    fn valid() -> String {
        crate::export::to_geojson_string(&crate::testing::row_plan(&[("A", &[1200, 1300])]))
    }

    /// Any outcome is fine; a message without text is not.
    fn check(bytes: &[u8]) {
        if let Err(errs) = load_plan("p.geojson", bytes, &LoadOptions::default()) {
            assert!(!errs.errors.is_empty());
            for e in &errs.errors {
                assert!(CODES.contains(&e.code), "{}", e.code);
                assert!(
                    !e.problem_en.is_empty()
                        && !e.problem_zh.is_empty()
                        && !e.fix_en.is_empty()
                        && !e.fix_zh.is_empty(),
                    "{e}"
                );
            }
        }
    }

    const TOKENS: &[&str] = &[
        "null",
        "true",
        "0",
        "-0",
        "-1",
        "1e308",
        "-1e999",
        "1.5",
        "NaN",
        "\"\"",
        "\"x\"",
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        "[[[",
        "]]]",
        "[]",
        "{}",
        "\"Feature\"",
        "\"Polygon\"",
        "\"layer\"",
        "\"community\"",
        "\\u0000",
        "\u{feff}",
        "文",
    ];

    /// Values to drop into a plan in place of any part of it.
    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>().prop_map(|x| json!(x)),
            prop::sample::select(vec![
                "",
                "Feature",
                "FeatureCollection",
                "Polygon",
                "Point",
                "MultiPolygon",
                "LineString",
                "community",
                "compound",
                "service_center",
                "A",
                "A-centre",
                "<script>"
            ])
            .prop_map(|s| json!(s)),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect()))
            ]
        })
    }

    /// Replaces the `pick`-th node (in document order) of `v` with `with`.
    fn replace_node(v: &mut Value, pick: &mut usize, with: &Value) -> bool {
        if *pick == 0 {
            *v = with.clone();
            return true;
        }
        *pick -= 1;
        match v {
            Value::Array(items) => items.iter_mut().any(|i| replace_node(i, pick, with)),
            Value::Object(map) => map.values_mut().any(|i| replace_node(i, pick, with)),
            _ => false,
        }
    }

    proptest! {
        // 300 cases each by default; `PROPTEST_CASES=20000` for a longer hunt.
        #![proptest_config(ProptestConfig {
            cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(300),
            ..ProptestConfig::default()
        })]

        #[test]
        fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            check(&bytes);
        }

        #[test]
        fn arbitrary_text(text in "\\PC{0,200}") {
            check(text.as_bytes());
        }

        #[test]
        fn cut_and_spliced_text(cut in 0usize..4000, len in 0usize..40, token in prop::sample::select(TOKENS), at in 0usize..4000) {
            let mut bytes = valid().into_bytes();
            let cut = cut % bytes.len();
            let end = (cut + len).min(bytes.len());
            bytes.drain(cut..end);
            let at = at % (bytes.len() + 1);
            bytes.splice(at..at, token.bytes());
            check(&bytes);
        }

        #[test]
        fn any_node_replaced(pick in 0usize..2000, with in any_json()) {
            let mut plan: Value = serde_json::from_str(&valid()).unwrap();
            let mut left = pick;
            replace_node(&mut plan, &mut left, &with);
            check(plan.to_string().as_bytes());
        }

        #[test]
        fn numbers_replaced(pick in 0usize..500, x in prop_oneof![any::<f64>(), -200.0f64..200.0, Just(0.0), Just(-0.0), Just(1e-300)]) {
            let text = valid();
            let mut n = 0;
            let mut out = String::new();
            for (i, piece) in text.split(',').enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let is_number = piece.trim_matches(|c| c == '[' || c == ']').parse::<f64>().is_ok();
                if is_number && n == pick % 200 {
                    out.push_str(&piece.replace(piece.trim_matches(|c| c == '[' || c == ']'), &json!(x).to_string()));
                } else {
                    out.push_str(piece);
                }
                n += usize::from(is_number);
            }
            check(out.as_bytes());
        }
    }

    #[test]
    fn the_valid_plan_loads() {
        let loaded = load_plan("p.geojson", valid().as_bytes(), &LoadOptions::default()).unwrap();
        let mut plan = crate::testing::row_plan(&[("A", &[1200, 1300])]);
        assert!(loaded.notes.is_empty(), "{:?}", loaded.notes);
        // serde_json parses floats to within one ulp unless its `float_roundtrip`
        // feature is on, so compare coordinates to 1e-12° (0.1 µm) and the rest exactly.
        use geo::MapCoordsInPlace;
        let mut got = loaded.plan;
        let round = |c: geo::Coord| geo::Coord {
            x: (c.x * 1e9).round() / 1e9,
            y: (c.y * 1e9).round() / 1e9,
        };
        for p in [&mut plan, &mut got] {
            p.communities
                .iter_mut()
                .for_each(|c| c.geometry.map_coords_in_place(round));
            p.grids
                .iter_mut()
                .for_each(|c| c.geometry.map_coords_in_place(round));
            p.barriers
                .iter_mut()
                .for_each(|c| c.geometry.map_coords_in_place(round));
            p.centers
                .iter_mut()
                .for_each(|c| c.location.map_coords_in_place(round));
            for c in &mut p.compounds {
                match &mut c.shape {
                    CompoundShape::Area(mp) => mp.map_coords_in_place(round),
                    CompoundShape::Point(pt) => pt.map_coords_in_place(round),
                }
            }
        }
        assert_eq!(got, plan);
    }
}

#[test]
fn foreign_members_such_as_the_read_only_marker_survive_load_and_export() {
    // The page's read-only plan file (web/src/consult/readonly.js) is a plan
    // with a top-level `shequ` member; the engine must keep it as it is.
    let marker = json!({"read_only": true, "format": 1, "title": "示例街道",
                        "baseline": {"type": "FeatureCollection", "features": []}});
    let text = json!({"type": "FeatureCollection", "shequ": marker,
                      "features": [community("C1", 119.40)]})
    .to_string();
    let loaded = load_plan("ro.geojson", text.as_bytes(), &LoadOptions::default()).unwrap();
    assert_eq!(loaded.plan.meta.get("shequ"), Some(&marker));
    let out: Value = serde_json::from_str(&crate::export::to_geojson_string(&loaded.plan)).unwrap();
    assert_eq!(out["shequ"], marker);
    let again = load_plan(
        "ro2.geojson",
        out.to_string().as_bytes(),
        &LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(again.plan, loaded.plan);
}

#[test]
fn the_plans_details_are_checked_naming_the_file_and_the_field() {
    let text = json!({"type": "FeatureCollection", "shequ": {"title": "文昌街道", "signoff": {"审核": ["张"]}},
                      "features": [community("C1", 119.40)]})
    .to_string();
    let err = load_plan("plan.geojson", text.as_bytes(), &LoadOptions::default()).unwrap_err();
    assert_eq!(err.errors[0].code, "load.bad_plan_info");
    assert_eq!(err.errors[0].field.as_deref(), Some("shequ.signoff"));
    assert!(
        err.errors[0]
            .problem_en
            .contains("signoff must be an object of texts"),
        "{:?}",
        err.errors[0]
    );
}
