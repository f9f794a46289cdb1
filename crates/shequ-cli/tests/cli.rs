//! The `shequ` binary, run for real: exit codes, the JSON contract, the
//! tables, and the one-line errors for inputs that cannot be read.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;
use shequ_core::export::{to_feature_collection, to_geojson_string};
use shequ_core::load::{load_plan, LoadOptions};
use shequ_core::testing::{row_plan, square};
use shequ_core::{evaluate, Plan, Profile};
use tempfile::TempDir;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    fn stderr_lines(&self) -> Vec<&str> {
        self.stderr.lines().collect()
    }
}

fn shequ(args: &[&str]) -> Run {
    shequ_with_stdin(args, None)
}

fn shequ_with_stdin(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shequ"))
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the shequ binary runs");
    if let Some(bytes) = stdin {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let run = Run {
        code: out.status.code().expect("exited, not killed by a signal"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    };
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("internal error"),
        "shequ panicked on {args:?}:\n{}",
        run.stderr
    );
    run
}

fn write(dir: &TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// `plan` with an error: its first community names no service centre
/// (三（四）"社区党群服务中心驻地地址明确", a must).
fn with_error(mut plan: Plan) -> Plan {
    plan.communities[0].service_center = None;
    plan
}

fn write_plan(dir: &TempDir, name: &str, plan: &Plan) -> PathBuf {
    write(dir, name, &to_geojson_string(plan))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The report the core gives for the file, serialised as the core does.
fn core_report(path: &Path, profile: &Profile) -> Value {
    let text = std::fs::read(path).unwrap();
    let plan = load_plan("plan.geojson", &text, &LoadOptions::default())
        .unwrap()
        .plan;
    serde_json::to_value(evaluate(&plan, profile)).unwrap()
}

/// JSON equality, with floats equal to 1e-9 relative (a float printed and
/// parsed again may move by one ulp).
fn assert_json_close(got: &Value, want: &Value, at: &str) {
    match (got, want) {
        (Value::Number(g), Value::Number(w)) if g.is_f64() || w.is_f64() => {
            let (g, w) = (g.as_f64().unwrap(), w.as_f64().unwrap());
            assert!((g - w).abs() <= 1e-9 * w.abs().max(1.0), "{at}: {g} != {w}");
        }
        (Value::Array(g), Value::Array(w)) => {
            assert_eq!(g.len(), w.len(), "{at}: array lengths differ");
            for (i, (g, w)) in g.iter().zip(w).enumerate() {
                assert_json_close(g, w, &format!("{at}[{i}]"));
            }
        }
        (Value::Object(g), Value::Object(w)) => {
            let gk: Vec<&String> = g.keys().collect();
            let wk: Vec<&String> = w.keys().collect();
            assert_eq!(gk, wk, "{at}: keys differ");
            for (k, w) in w {
                assert_json_close(&g[k], w, &format!("{at}.{k}"));
            }
        }
        _ => assert_eq!(got, want, "{at}"),
    }
}

/// The CLI's JSON without its `notes`, which the core report does not have.
fn without_notes(mut v: Value) -> Value {
    v.as_object_mut().unwrap().remove("notes");
    v
}

/// Moves the boundary between A and B so that A's second compound falls in B
/// (as in `shequ_core::compare`'s example).
fn moved(before: &Plan) -> Plan {
    let mut after = before.clone();
    after.communities[1].name = "东关社区".into();
    after.communities[0].geometry = square(119.40, 32.39, 0.0055, 0.01).into();
    after.communities[1].geometry = square(119.4055, 32.39, 0.0145, 0.01).into();
    after
}

// ---- exit codes ----

#[test]
fn plan_in_band_exits_0() {
    let dir = TempDir::new().unwrap();
    let plan = write_plan(
        &dir,
        "plan.geojson",
        &row_plan(&[("文昌社区", &[1200, 1300])]),
    );
    let run = shequ(&["check", s(&plan)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("未发现问题"), "{}", run.stdout);
    assert!(run.stdout.contains("通过"), "{}", run.stdout);
    assert_eq!(run.stderr, "");
}

#[test]
fn error_findings_exit_1_in_both_formats() {
    let dir = TempDir::new().unwrap();
    let plan = write_plan(
        &dir,
        "plan.geojson",
        &with_error(row_plan(&[("文昌社区", &[2600, 2630])])),
    );
    let table = shequ(&["check", s(&plan)]);
    assert_eq!(table.code, 1, "{}", table.stderr);
    let json = shequ(&["check", s(&plan), "--format", "json"]);
    assert_eq!(json.code, 1, "{}", json.stderr);
    assert_eq!(json.json()["totals"]["errors"], 1);
}

#[test]
fn warnings_alone_do_not_fail_the_check() {
    let dir = TempDir::new().unwrap();
    // 3,400 households: scale.too_large, a warning in yangzhou-2022.
    let plan = write_plan(
        &dir,
        "plan.geojson",
        &row_plan(&[("琼花社区", &[1700, 1700])]),
    );
    let run = shequ(&["check", s(&plan), "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = run.json();
    assert_eq!(v["totals"]["warnings"], 1);
    assert_eq!(v["findings"][0]["code"], "scale.too_large");
}

// ---- the JSON contract ----

#[test]
fn json_has_the_contract_fields_and_the_core_numbers() {
    let dir = TempDir::new().unwrap();
    let plan = write_plan(
        &dir,
        "plan.geojson",
        &with_error(row_plan(&[
            ("文昌社区", &[2600, 2630]),
            ("B", &[1200, 1300]),
            ("C", &[300]),
        ])),
    );
    let run = shequ(&["check", s(&plan), "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("{\n  \"profile\""),
        "pretty-printed: {}",
        &run.stdout[..40]
    );
    let v = run.json();
    // Top-level keys in the order written (serde_json's Value would sort them).
    let keys: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("  \""))
        .filter_map(|l| l.split('"').next())
        .collect();
    assert_eq!(
        keys,
        [
            "profile",
            "communities",
            "findings",
            "totals",
            "adjustment",
            "comparison",
            "notes"
        ]
    );
    assert_eq!(v["profile"], "yangzhou-2022");
    assert_eq!(v["comparison"], Value::Null);
    assert_eq!(v["notes"], Value::Array(vec![]));
    let c = &v["communities"][0];
    for key in [
        "id",
        "name",
        "households",
        "planned_households",
        "households_total",
        "area_m2",
        "polsby_popper",
        "barrier_share",
        "neighbours",
        "band",
        "status",
    ] {
        assert!(c.get(key).is_some(), "community lacks {key}: {c}");
    }
    assert_eq!(c["households_total"], 5230);
    let f = &v["findings"][0];
    for key in [
        "code",
        "severity",
        "strength",
        "community_ids",
        "section",
        "citation_zh",
        "citation_en",
        "message_zh",
        "message_en",
        "explained",
    ] {
        assert!(f.get(key).is_some(), "finding lacks {key}: {f}");
    }
    assert_eq!(f["code"], "scale.too_large");
    assert_eq!(f["strength"], "in_principle");
    assert_eq!(f["severity"], "warning");
    assert_eq!(
        f["citation_zh"],
        "《扬州市社区规模优化调整工作方案》二（一）"
    );
    assert_eq!(f["explained"], Value::Null);
    assert_eq!(v["totals"]["households_total"], 8030);
    assert_eq!(
        (
            v["totals"]["in_band"].as_u64(),
            v["totals"]["below_band"].as_u64(),
            v["totals"]["above_band"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    // Everything else is exactly what the core computes.
    assert_json_close(
        &without_notes(v),
        &core_report(&plan, &Profile::default()),
        "report",
    );
}

#[test]
fn repairs_are_notes_in_json_and_on_stderr_in_tables() {
    let dir = TempDir::new().unwrap();
    let mut fc =
        serde_json::to_value(to_feature_collection(&row_plan(&[("A", &[1200, 1300])]))).unwrap();
    // Wind the community's outer ring clockwise: the loader rewinds it and says so.
    let ring = fc["features"][0]["geometry"]["coordinates"][0][0]
        .as_array_mut()
        .unwrap();
    ring.reverse();
    let plan = write(&dir, "plan.geojson", &fc.to_string());
    let json = shequ(&["check", s(&plan), "--format", "json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let notes = json.json()["notes"].clone();
    assert_eq!(notes[0]["code"], "repair.winding", "{notes}");
    assert_eq!(notes[0]["feature_id"], "A");
    assert_eq!(json.stderr, "", "JSON mode keeps notes in the JSON");
    let table = shequ(&["check", s(&plan), "--lang", "en"]);
    let lines = table.stderr_lines();
    assert_eq!(lines.len(), 1, "{}", table.stderr);
    assert!(
        lines[0].starts_with("note: ") && lines[0].contains("plan.geojson: feature #0 (id \"A\")"),
        "{}",
        lines[0]
    );
    let zh = shequ(&["check", s(&plan)]);
    assert!(
        zh.stderr.starts_with("note: ") && zh.stderr.contains("第 0 号要素"),
        "{}",
        zh.stderr
    );
}

// ---- tables ----

#[test]
fn tables_carry_every_finding_message_in_the_chosen_language() {
    let dir = TempDir::new().unwrap();
    let plan = write_plan(
        &dir,
        "plan.geojson",
        &row_plan(&[
            ("文昌社区", &[2600, 2630]),
            ("东关社区", &[1200, 1300]),
            ("梅岭社区", &[300]),
        ]),
    );
    let report = core_report(&plan, &Profile::default());
    let findings = report["findings"].as_array().unwrap();
    assert!(findings.len() >= 2);
    let zh = shequ(&["check", s(&plan)]);
    let en = shequ(&["check", s(&plan), "--lang", "en"]);
    for f in findings {
        let line_zh = format!(
            "[{}] {}",
            f["code"].as_str().unwrap(),
            f["message_zh"].as_str().unwrap()
        );
        let line_en = format!(
            "[{}] {}",
            f["code"].as_str().unwrap(),
            f["message_en"].as_str().unwrap()
        );
        assert!(
            zh.stdout.contains(&line_zh),
            "zh table lacks {line_zh}:\n{}",
            zh.stdout
        );
        assert!(
            en.stdout.contains(&line_en),
            "en table lacks {line_en}:\n{}",
            en.stdout
        );
        assert!(!zh.stdout.contains(f["message_en"].as_str().unwrap()));
    }
    assert!(
        zh.stdout
            .contains("文昌社区共 5,230 户，在 5,000 户以上，可以拆分为 2 个规模适度的社区（《扬州市社区规模优化调整工作方案》三（一））"),
        "{}",
        zh.stdout
    );
    // Header, severity groups and the adjustment candidates (section 二).
    assert!(
        zh.stdout.contains("现有 8,030，规划 0，计入 8,030"),
        "{}",
        zh.stdout
    );
    // 5,230 (大于3000, 原则上) and 300 (小于500, 原则上): warnings; 5000户以上 可以: a suggestion.
    assert!(
        zh.stdout.contains("警告（2）")
            && zh.stdout.contains("建议（1）")
            && !zh.stdout.contains("错误（"),
        "{}",
        zh.stdout
    );
    assert!(
        zh.stdout.contains("社区规模不适宜（二（一））"),
        "{}",
        zh.stdout
    );
    assert!(
        en.stdout
            .contains("8,030 existing, 0 planned, 8,030 counted"),
        "{}",
        en.stdout
    );
    assert!(
        en.stdout.contains("Warnings (2)") && en.stdout.contains("Suggestions (1)"),
        "{}",
        en.stdout
    );
    assert!(
        en.stdout.contains("unsuitable scale (§2(1))"),
        "{}",
        en.stdout
    );
}

#[test]
fn community_table_aligns_chinese_names() {
    use unicode_width::UnicodeWidthStr;
    let dir = TempDir::new().unwrap();
    let plan = write_plan(
        &dir,
        "plan.geojson",
        &row_plan(&[
            ("文昌社区", &[2600]),
            ("B", &[2100]),
            ("东关街道双桥社区", &[2200]),
        ]),
    );
    let run = shequ(&["check", s(&plan), "--color", "never"]);
    let rows: Vec<&str> = run
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("编号"))
        .take(5)
        .collect();
    assert_eq!(rows.len(), 5, "{}", run.stdout);
    // Header, rule and rows end at the same terminal column: the last column
    // (status, two Han characters) is as wide as its header.
    let widths: Vec<usize> = rows.iter().map(|r| r.width()).collect();
    assert!(widths.iter().all(|&w| w == widths[0]), "{rows:#?}");
    assert!(
        rows[4].starts_with("东关街道双桥社区  东关街道双桥社区"),
        "{rows:#?}"
    );
    assert!(
        rows[3].starts_with(&format!("B{}  B ", " ".repeat(15))),
        "{rows:#?}"
    );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let dir = TempDir::new().unwrap();
    let plan = write_plan(
        &dir,
        "plan.geojson",
        &with_error(row_plan(&[("A", &[5230])])),
    );
    assert!(
        !shequ(&["check", s(&plan)]).stdout.contains('\x1b'),
        "stdout is a pipe here"
    );
    assert!(shequ(&["check", s(&plan), "--color", "always"])
        .stdout
        .contains("\x1b[1;31m错误\x1b[0m"));
}

// ---- inputs ----

#[test]
fn layer_files_give_the_same_json_as_one_plan() {
    let dir = TempDir::new().unwrap();
    let plan = with_error(row_plan(&[
        ("文昌社区", &[2600, 2630]),
        ("B", &[1200, 1300]),
    ]));
    let whole = write_plan(&dir, "plan.geojson", &plan);
    let fc = serde_json::to_value(to_feature_collection(&plan)).unwrap();
    let layer_file = |layer: &str, keep_layer_property: bool| {
        let features: Vec<Value> = fc["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["properties"]["layer"] == layer)
            .cloned()
            .map(|mut f| {
                if !keep_layer_property {
                    f["properties"].as_object_mut().unwrap().remove("layer");
                }
                f
            })
            .collect();
        assert!(!features.is_empty(), "{layer}");
        let text =
            serde_json::json!({"type": "FeatureCollection", "features": features}).to_string();
        write(&dir, &format!("{layer}.geojson"), &text)
    };
    let communities = layer_file("community", false);
    let compounds = layer_file("compound", false);
    let grids = layer_file("grid", false);
    let barriers = layer_file("barrier", true); // an agreeing layer property is fine
    let centers = layer_file("service_center", false);
    let expected = shequ(&["check", s(&whole), "--format", "json"]);
    assert_eq!(expected.code, 1);
    let layered = shequ(&[
        "check",
        "--communities",
        s(&communities),
        "--compounds",
        s(&compounds),
        "--grids",
        s(&grids),
        "--barriers",
        s(&barriers),
        "--centers",
        s(&centers),
        "--format",
        "json",
    ]);
    assert_eq!(layered.code, 1, "{}", layered.stderr);
    assert_eq!(layered.json(), expected.json());
    // PLAN and layer files combined: everything but the compounds in one file.
    let mut rest = fc.clone();
    rest["features"]
        .as_array_mut()
        .unwrap()
        .retain(|f| f["properties"]["layer"] != "compound");
    let rest = write(&dir, "rest.geojson", &rest.to_string());
    let mixed = shequ(&[
        "check",
        s(&rest),
        "--compounds",
        s(&compounds),
        "--format",
        "json",
    ]);
    assert_eq!(mixed.code, 1, "{}", mixed.stderr);
    assert_eq!(mixed.json(), expected.json());
}

#[test]
fn standard_input_is_read_for_dash() {
    let dir = TempDir::new().unwrap();
    let plan = with_error(row_plan(&[("A", &[5230])]));
    let file = write_plan(&dir, "plan.geojson", &plan);
    let from_file = shequ(&["check", s(&file), "--format", "json"]);
    let from_stdin = shequ_with_stdin(
        &["check", "-", "--format", "json"],
        Some(to_geojson_string(&plan).as_bytes()),
    );
    assert_eq!(from_stdin.code, 1, "{}", from_stdin.stderr);
    assert_eq!(from_stdin.json(), from_file.json());
    let twice = shequ(&["check", "-", "--baseline", "-"]);
    assert_eq!(twice.code, 2);
    assert!(twice.stderr.contains("only once"), "{}", twice.stderr);
}

#[test]
fn baseline_reports_the_moved_households() {
    let dir = TempDir::new().unwrap();
    let before = row_plan(&[("A", &[1200, 1300]), ("B", &[900])]);
    let today = write_plan(&dir, "today.geojson", &before);
    let proposal = write_plan(&dir, "proposal.geojson", &moved(&before));
    let run = shequ(&[
        "check",
        s(&proposal),
        "--baseline",
        s(&today),
        "--format",
        "json",
    ]);
    assert_ne!(run.code, 2, "{}", run.stderr);
    let c = &run.json()["comparison"];
    assert_eq!(c["households_moved"], 1300, "{c}");
    assert_eq!(c["compounds_moved"], 1);
    assert_eq!(c["moves"][0]["compound_id"], "A-1");
    assert_eq!(
        (c["moves"][0]["from"].as_str(), c["moves"][0]["to"].as_str()),
        (Some("A"), Some("B"))
    );
    assert_eq!(c["communities_renamed"][0]["to"], "东关社区");
    let zh = shequ(&["check", s(&proposal), "--baseline", s(&today)]);
    assert!(
        zh.stdout.contains("移动小区 1 个，共 1,300 户"),
        "{}",
        zh.stdout
    );
    assert!(zh.stdout.contains("A2号小区"), "{}", zh.stdout);
    assert!(zh.stdout.contains("东关社区（B）"), "{}", zh.stdout);
    let en = shequ(&[
        "check",
        s(&proposal),
        "--baseline",
        s(&today),
        "--lang",
        "en",
    ]);
    assert!(
        en.stdout.contains("1 compound moved, 1,300 households"),
        "{}",
        en.stdout
    );
    // Without a baseline there is no comparison section.
    assert!(!shequ(&["check", s(&proposal)])
        .stdout
        .contains("与现状比较"));
}

// ---- profiles ----

#[test]
fn a_profile_file_changes_the_result() {
    let dir = TempDir::new().unwrap();
    let plan = write_plan(
        &dir,
        "plan.geojson",
        &with_error(row_plan(&[("A", &[1300, 1330])])),
    );
    assert_eq!(shequ(&["check", s(&plan)]).code, 1);
    // A city may read a rule's strength differently.
    let toml = write(&dir, "lenient.toml", "extends = \"yangzhou-2022\"\nname = \"lenient\"\n[rules.\"facility.no_center\"]\nstrength = \"in_principle\"\n");
    let run = shequ(&["check", s(&plan), "--profile", s(&toml), "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = run.json();
    assert_eq!(v["profile"], "lenient");
    assert_eq!(v["findings"][0]["code"], "facility.no_center");
    assert_eq!(v["findings"][0]["severity"], "warning");
    assert_eq!(v["findings"][0]["strength"], "in_principle");
    let plan = write_plan(&dir, "big.geojson", &row_plan(&[("A", &[2600, 2630])]));
    let json = write(
        &dir,
        "wide.json",
        r#"{"extends": "yangzhou-2022", "name": "wide", "scale": {"target_max": 6000, "adjust_above": 6000, "split_from": 8000}}"#,
    );
    let run = shequ(&["check", s(&plan), "--profile", s(&json), "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["totals"]["in_band"], 1);
    let findings = run.json()["findings"].clone();
    assert!(
        findings
            .as_array()
            .unwrap()
            .iter()
            .all(|f| !f["code"].as_str().unwrap().starts_with("scale.")),
        "{findings}"
    );
    // A setting an earlier version had is named with its replacement.
    let old = write(
        &dir,
        "old.json",
        r#"{"extends": "yangzhou-2022", "scale": {"split_above": 8000}}"#,
    );
    let run = shequ(&["check", s(&plan), "--profile", s(&old)]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("scale.split_from"), "{}", run.stderr);
}

#[test]
fn built_in_profiles_by_name() {
    let dir = TempDir::new().unwrap();
    // 1,500 households: below Yangzhou's 2,000, inside the law's 1,000-3,000.
    let plan = write_plan(&dir, "plan.geojson", &row_plan(&[("A", &[1500])]));
    let yz = shequ(&["check", s(&plan), "--format", "json"]).json();
    let nat = shequ(&[
        "check",
        s(&plan),
        "--profile",
        "national-2025",
        "--format",
        "json",
    ])
    .json();
    assert_eq!(
        (
            yz["totals"]["below_band"].as_u64(),
            nat["totals"]["in_band"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(nat["profile"], "national-2025");
    assert_json_close(
        &without_notes(nat),
        &core_report(&plan, &Profile::builtin("national-2025").unwrap()),
        "national",
    );
}

#[test]
fn profiles_lists_the_built_ins_with_titles() {
    let zh = shequ(&["profiles"]);
    assert_eq!(zh.code, 0);
    let en = shequ(&["profiles", "--lang", "en"]);
    for name in Profile::builtin_names() {
        let p = Profile::builtin(name).unwrap();
        assert!(
            zh.stdout
                .lines()
                .any(|l| l.starts_with(name) && l.contains(&p.title_zh)),
            "{}",
            zh.stdout
        );
        assert!(
            en.stdout
                .lines()
                .any(|l| l.starts_with(name) && l.contains(&p.title_en)),
            "{}",
            en.stdout
        );
    }
    assert!(
        en.stdout.lines().next().unwrap().ends_with("(default)"),
        "{}",
        en.stdout
    );
}

// ---- inputs that cannot be read: exit 2, one line per problem ----

#[test]
fn broken_json_names_the_file_and_the_position() {
    let dir = TempDir::new().unwrap();
    let plan = write(
        &dir,
        "plan.geojson",
        "{\"type\": \"FeatureCollection\", \"features\": [}",
    );
    let run = shequ(&["check", s(&plan), "--lang", "en"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    let lines = run.stderr_lines();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].starts_with(&format!("{}: not valid JSON at line 1, column", s(&plan))),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("; fix: "), "{}", lines[0]);
}

#[test]
fn negative_households_name_file_feature_and_field() {
    let dir = TempDir::new().unwrap();
    let mut fc =
        serde_json::to_value(to_feature_collection(&row_plan(&[("A", &[1200, 1300])]))).unwrap();
    let index = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .position(|f| f["properties"]["id"] == "A-1")
        .unwrap();
    fc["features"][index]["properties"]["households"] = serde_json::json!(-5);
    let plan = write(&dir, "plan.geojson", &fc.to_string());
    let en = shequ(&["check", s(&plan), "--lang", "en"]);
    assert_eq!(en.code, 2);
    assert_eq!(en.stdout, "");
    // The wording of the problem is the loader's; the CLI's part is one line
    // that starts with the place and ends with the fix.
    let lines = en.stderr_lines();
    assert_eq!(lines.len(), 1, "{}", en.stderr);
    let place = format!(
        "{}: feature #{index} (id \"A-1\", layer compound): households: ",
        s(&plan)
    );
    assert!(lines[0].starts_with(&place), "{}", lines[0]);
    assert!(
        lines[0].contains("-5 is negative") && lines[0].contains("; fix: "),
        "{}",
        lines[0]
    );
    let zh = shequ(&["check", s(&plan)]);
    assert_eq!(zh.code, 2);
    let lines = zh.stderr_lines();
    assert_eq!(lines.len(), 1, "{}", zh.stderr);
    assert!(
        lines[0].starts_with(&format!(
            "{}：第 {index} 号要素（编号 \"A-1\"，图层 compound）：households：",
            s(&plan)
        )),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("修改建议"), "{}", lines[0]);
}

#[test]
fn every_problem_gets_its_own_line() {
    let dir = TempDir::new().unwrap();
    let text = r#"{"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"layer": "compound", "id": "X1", "households": "120"}, "geometry": {"type": "Point", "coordinates": [119.4, 32.4]}},
        {"type": "Feature", "properties": {"layer": "community", "id": "C1", "name": "a\nb"}, "geometry": {"type": "Point", "coordinates": [119.4, 32.4]}},
        {"type": "Feature", "properties": {"layer": "barrier", "id": "R1"}, "geometry": {"type": "LineString", "coordinates": [[119.4, 32.4], [119.5, 32.4]]}}
    ]}"#;
    let plan = write(&dir, "plan.geojson", text);
    let run = shequ(&["check", s(&plan), "--lang", "en"]);
    assert_eq!(run.code, 2);
    let lines = run.stderr_lines();
    assert_eq!(lines.len(), 3, "{}", run.stderr);
    assert!(
        lines[0].contains("feature #0 (id \"X1\", layer compound): households:"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("feature #1 (id \"C1\", layer community): geometry:"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains("feature #2 (id \"R1\", layer barrier): kind:"),
        "{}",
        lines[2]
    );
}

#[test]
fn missing_files_are_named_with_the_reason() {
    let dir = TempDir::new().unwrap();
    let missing = dir.path().join("nope.geojson");
    let run = shequ(&["check", s(&missing), "--lang", "en"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr_lines(),
        [format!(
            "shequ: cannot read {}: No such file or directory",
            s(&missing)
        )]
    );
    let zh = shequ(&["check", s(&missing)]);
    assert_eq!(
        zh.stderr_lines(),
        [format!(
            "shequ: 无法读取 {}：文件或文件夹不存在",
            s(&missing)
        )]
    );
    // A missing baseline and a missing layer file are reported together.
    let plan = write_plan(&dir, "plan.geojson", &row_plan(&[("A", &[2500])]));
    let run = shequ(&[
        "check",
        s(&plan),
        "--grids",
        "grids.geojson",
        "--baseline",
        "today.geojson",
        "--lang",
        "en",
    ]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr_lines(),
        [
            "shequ: cannot read grids.geojson: No such file or directory",
            "shequ: cannot read today.geojson: No such file or directory"
        ]
    );
}

#[test]
fn unknown_profile_names_the_choices() {
    let dir = TempDir::new().unwrap();
    let plan = write_plan(&dir, "plan.geojson", &row_plan(&[("A", &[2500])]));
    let run = shequ(&["check", s(&plan), "--profile", "suzhou", "--lang", "en"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    let lines = run.stderr_lines();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].starts_with("shequ: --profile suzhou: no built-in profile is called \"suzhou\""),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].contains("yangzhou-2022, national-2025"),
        "{}",
        lines[0]
    );
    let zh = shequ(&["check", s(&plan), "--profile", "suzhou"]);
    assert!(
        zh.stderr.contains("没有名为 \"suzhou\" 的内置规则配置"),
        "{}",
        zh.stderr
    );
}

#[test]
fn bad_profile_file_names_file_and_setting() {
    let dir = TempDir::new().unwrap();
    let plan = write_plan(&dir, "plan.geojson", &row_plan(&[("A", &[2500])]));
    let toml = write(
        &dir,
        "street.toml",
        "extends = \"yangzhou-2022\"\n[scale]\ntarget_mx = 3200\n",
    );
    let run = shequ(&["check", s(&plan), "--profile", s(&toml), "--lang", "en"]);
    assert_eq!(run.code, 2);
    let lines = run.stderr_lines();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].starts_with(&format!("shequ: bad profile: {}: ", s(&toml))),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("target_mx"), "{}", lines[0]);
    let missing = shequ(&[
        "check",
        s(&plan),
        "--profile",
        "street-missing.toml",
        "--lang",
        "en",
    ]);
    assert_eq!(
        missing.stderr_lines(),
        ["shequ: cannot read street-missing.toml: No such file or directory"]
    );
}

#[test]
fn no_input_is_a_usage_error() {
    let run = shequ(&["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no plan given") && run.stderr.contains("--communities"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("Usage: shequ check"), "{}", run.stderr);
    let bad_flag = shequ(&["check", "plan.geojson", "--format", "xml"]);
    assert_eq!(bad_flag.code, 2);
    assert!(bad_flag.stderr.contains("xml"), "{}", bad_flag.stderr);
}

#[test]
fn malformed_inputs_exit_2_without_panicking() {
    let dir = TempDir::new().unwrap();
    let cases: &[(&str, &[u8])] = &[
        ("empty", b""),
        ("array", b"[]"),
        ("null", b"null"),
        ("feature", br#"{"type": "Feature", "properties": {}, "geometry": null}"#),
        ("gbk", b"{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\", \"properties\": {\"name\": \"\xce\xc4\xb2\xfd\"}}]}"),
        ("truncated", br#"{"type": "FeatureCollection", "features": [{"type": "Feat"#),
        ("no features", br#"{"type": "FeatureCollection"}"#),
        ("huge households", br#"{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"layer": "compound", "id": 1, "households": 1e300}, "geometry": {"type": "Point", "coordinates": [119.4, 32.4]}}]}"#),
        ("bad coordinates", br#"{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"layer": "community", "id": "C"}, "geometry": {"type": "Polygon", "coordinates": [[[1, "x"]]]}}]}"#),
    ];
    for (name, bytes) in cases {
        let path = dir.path().join(format!("{name}.geojson"));
        std::fs::write(&path, bytes).unwrap();
        for lang in ["zh", "en"] {
            let run = shequ(&["check", s(&path), "--lang", lang]);
            assert_eq!(run.code, 2, "{name}: {}", run.stderr);
            assert_eq!(run.stdout, "", "{name}");
            assert!(!run.stderr.is_empty(), "{name}");
            for line in run.stderr_lines() {
                assert!(
                    line.contains(&format!("{name}.geojson")),
                    "{name}: line does not name the file: {line}"
                );
            }
        }
    }
    // A directory is not a plan.
    let run = shequ(&["check", s(dir.path()), "--lang", "en"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with(&format!("shequ: cannot read {}: ", s(dir.path()))),
        "{}",
        run.stderr
    );
}

/// The loader's corpus of broken exports (tests/corpus/manifest.json), through
/// the binary: each bad file exits 2 with lines that name the file, the
/// feature, the field and the fix; each repairable one loads, with its notes.
#[test]
fn corpus_of_broken_exports() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus");
    let manifest = std::fs::read_to_string(corpus.join("manifest.json"))
        .unwrap_or_else(|e| panic!("{}: {e}", corpus.join("manifest.json").display()));
    let manifest: Vec<Value> = serde_json::from_str(&manifest).unwrap();
    assert!(manifest.len() > 20);
    for case in &manifest {
        let file = corpus.join(case["file"].as_str().unwrap());
        let path = s(&file);
        let notes: Vec<&str> = case["notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap())
            .collect();
        if case["expect"] == "ok" {
            let json = shequ(&["check", path, "--format", "json"]);
            assert!(json.code == 0 || json.code == 1, "{path}: {}", json.stderr);
            let got: Vec<Value> = json.json()["notes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["code"].clone())
                .collect();
            assert_eq!(got, notes, "{path}");
            let table = shequ(&["check", path]);
            assert_eq!(
                table.stderr_lines().len(),
                notes.len(),
                "{path}: {}",
                table.stderr
            );
            assert!(
                table.stderr_lines().iter().all(|l| l.starts_with("note: ")),
                "{}",
                table.stderr
            );
            continue;
        }
        for lang in ["en", "zh"] {
            let run = shequ(&["check", path, "--lang", lang]);
            assert_eq!(run.code, 2, "{path} --lang {lang}: {}", run.stderr);
            assert_eq!(run.stdout, "", "{path}");
            let lines = run.stderr_lines();
            assert!(!lines.is_empty(), "{path}");
            for line in &lines {
                assert!(
                    line.starts_with(path) || line.starts_with("…"),
                    "{path}: {line}"
                );
            }
            let first = lines[0];
            let (index, id, field, fix) = match lang {
                "en" => (
                    case["feature_index"]
                        .as_u64()
                        .map(|i| format!(": feature #{i}")),
                    case["feature_id"].as_str().map(|id| format!("id \"{id}\"")),
                    case["field"].as_str().map(|f| format!(": {f}: ")),
                    "; fix: ",
                ),
                _ => (
                    case["feature_index"]
                        .as_u64()
                        .map(|i| format!("：第 {i} 号要素")),
                    case["feature_id"]
                        .as_str()
                        .map(|id| format!("编号 \"{id}\"")),
                    case["field"].as_str().map(|f| format!("：{f}：")),
                    "修改建议：",
                ),
            };
            for part in [index, id, field]
                .into_iter()
                .flatten()
                .chain([fix.to_string()])
            {
                assert!(
                    first.contains(&part),
                    "{path} --lang {lang}: {part:?} not in {first}"
                );
            }
            for fragment in case[lang].as_array().unwrap() {
                let fragment = fragment.as_str().unwrap();
                assert!(
                    first.contains(fragment),
                    "{path} --lang {lang}: {fragment:?} not in {first}"
                );
            }
        }
    }
}

// ---- generate ----

#[test]
fn generate_writes_a_plan_that_check_reads() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("district.geojson");
    let run = shequ(&[
        "generate",
        "--communities",
        "6",
        "--seed",
        "7",
        "--out",
        s(&out),
        "--lang",
        "en",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    let summary = run.stderr_lines();
    assert_eq!(summary.len(), 1, "{}", run.stderr);
    let text = std::fs::read_to_string(&out).unwrap();
    let plan = load_plan("district.geojson", text.as_bytes(), &LoadOptions::default())
        .unwrap()
        .plan;
    assert!(
        summary[0].starts_with(&format!(
            "wrote {}: {} communities, {} compounds",
            s(&out),
            plan.communities.len(),
            plan.compounds.len()
        )),
        "{}",
        summary[0]
    );
    let check = shequ(&["check", s(&out), "--format", "json"]);
    assert!(check.code == 0 || check.code == 1, "{}", check.stderr);
    let v = check.json();
    assert_eq!(
        v["totals"]["communities"].as_u64(),
        Some(plan.communities.len() as u64)
    );
    assert_eq!(
        v["totals"]["households"].as_u64(),
        Some(
            plan.compounds
                .iter()
                .map(|c| u64::from(c.households))
                .sum::<u64>()
        )
    );
    // Deterministic per seed.
    let again = dir.path().join("again.geojson");
    assert_eq!(
        shequ(&[
            "generate",
            "--communities",
            "6",
            "--seed",
            "7",
            "--out",
            s(&again)
        ])
        .code,
        0
    );
    assert_eq!(std::fs::read(&again).unwrap(), text.as_bytes());
}

#[test]
fn generate_reports_a_file_it_cannot_write() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("no-such-folder").join("d.geojson");
    let run = shequ(&[
        "generate",
        "--communities",
        "3",
        "--out",
        s(&out),
        "--lang",
        "en",
    ]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr_lines(),
        [format!(
            "shequ: cannot write {}: No such file or directory",
            s(&out)
        )]
    );
    let zero = shequ(&["generate", "--communities", "0", "--out", s(&out)]);
    assert_eq!(zero.code, 2, "{}", zero.stderr);
}

// ---- help and version ----

#[test]
fn help_documents_inputs_layers_and_exit_codes() {
    let run = shequ(&["check", "--help"]);
    assert_eq!(run.code, 0);
    for needle in [
        "Exit codes:",
        "2  the input could not be read",
        "--communities <FILE>",
        "service_center",
        "properties.layer",
        "--baseline",
        "national-2025",
    ] {
        assert!(
            run.stdout.contains(needle),
            "check --help lacks {needle}:\n{}",
            run.stdout
        );
    }
    for cmd in [
        &["--help"][..],
        &["generate", "--help"],
        &["profiles", "--help"],
    ] {
        let run = shequ(cmd);
        assert_eq!(run.code, 0);
        assert!(
            run.stdout.contains("Exit codes:") || cmd[0] == "profiles",
            "{cmd:?}:\n{}",
            run.stdout
        );
    }
    let version = shequ(&["--version"]);
    assert_eq!(
        version.stdout.trim(),
        format!("shequ {}", env!("CARGO_PKG_VERSION"))
    );
}

// ---- the committed demo ----

#[test]
fn demo_plan_checks_and_matches_the_core() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/demo.geojson");
    assert!(demo.exists(), "the demo plan {} is missing", demo.display());
    let run = shequ(&["check", s(&demo), "--format", "json"]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    let v = run.json();
    let communities = v["communities"].as_array().unwrap();
    assert!(!communities.is_empty());
    assert_eq!(run.code == 1, v["totals"]["errors"].as_u64().unwrap() > 0);
    assert_json_close(
        &without_notes(v.clone()),
        &core_report(&demo, &Profile::default()),
        "demo",
    );
    let table = shequ(&["check", s(&demo)]);
    assert_eq!(table.code, run.code);
    for c in communities {
        assert!(
            table.stdout.contains(c["name"].as_str().unwrap()),
            "table lacks {}",
            c["name"]
        );
    }
}

// ---- explained findings ----

#[test]
fn an_explained_warning_is_shown_with_its_reason_not_counted_as_open() {
    // 三（一）"原则上按2000-3000户设立": in principle, so a reason may keep 1,600 households.
    let dir = TempDir::new().unwrap();
    let mut plan = row_plan(&[("文昌社区", &[800, 800])]);
    plan.communities[0].explanations.insert(
        "scale.below_target".into(),
        "老城区，平房为主，保留 1,600 户".into(),
    );
    let file = write_plan(&dir, "plan.geojson", &plan);
    let run = shequ(&["check", s(&file), "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = run.json();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "scale.below_target")
        .unwrap();
    assert_eq!(f["explained"]["reason"], "老城区，平房为主，保留 1,600 户");
    assert_eq!(v["totals"]["explained"], 1);
    assert_eq!(v["totals"]["warnings"], 0);
    assert_eq!(v["communities"][0]["status"], "ok");
    let table = shequ(&["check", s(&file)]);
    assert!(
        table.stdout.contains("已说明（1）")
            && table
                .stdout
                .contains("理由：老城区，平房为主，保留 1,600 户"),
        "{}",
        table.stdout
    );
}

#[test]
fn rules_lists_every_rule_with_strength_citation_and_origins() {
    let zh = shequ(&["rules"]);
    assert_eq!(zh.code, 0, "{}", zh.stderr);
    assert!(
        zh.stdout.contains(
            "scale.too_large  《扬州市社区规模优化调整工作方案》二（一）  原则上（一般） → 警告"
        ),
        "{}",
        zh.stdout
    );
    assert!(
        zh.stdout.contains("“不得打破现有网格划分”"),
        "{}",
        zh.stdout
    );
    assert!(
        zh.stdout
            .contains("boundary.min_barrier_share = 0.6  (本地设定（规则方案 yangzhou-2022）)"),
        "{}",
        zh.stdout
    );
    let json = shequ(&[
        "rules",
        "--profile",
        "national-2025",
        "--format",
        "json",
        "--lang",
        "en",
    ]);
    let v = json.json();
    let below = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "scale.below_target")
        .unwrap();
    assert_eq!(below["citation_zh"], "《城市居民委员会组织法》第三条");
    assert_eq!(below["thresholds"][0]["value"], 1000);
    assert_eq!(below["thresholds"][0]["origin"], "organic_law");
    // Every code the engine emits is listed.
    assert_eq!(
        v["rules"].as_array().unwrap().len(),
        shequ_core::report::CODES.len()
    );
}
