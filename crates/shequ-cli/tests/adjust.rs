//! `shequ suggest` and `shequ repair` as a planner runs them.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;
use shequ_core::export::to_geojson_string;
use shequ_core::testing::cell_plan;

fn shequ(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_shequ"))
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("internal error"), "{stderr}");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
    )
}

fn plan_file(dir: &tempfile::TempDir) -> PathBuf {
    // A (3,600 households) is too large, D (300) too small; B and C have room.
    let plan = cell_plan(
        &["AAB", "AAB", "CCD"],
        &[&[900, 900, 600], &[900, 900, 600], &[1300, 1300, 300]],
    );
    let path = dir.path().join("街道.geojson");
    std::fs::write(&path, to_geojson_string(&plan)).unwrap();
    path
}

fn s(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn suggest_gives_valid_alternatives_with_their_numbers() {
    let dir = tempfile::TempDir::new().unwrap();
    let plan = plan_file(&dir);
    let (code, out, err) = shequ(&["suggest", s(&plan), "--community", "A", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let alts = v["alternatives"].as_array().unwrap();
    assert!(!alts.is_empty());
    for a in alts {
        assert!(a["households_moved"].as_u64().unwrap() > 0);
        for p in a["parts"].as_array().unwrap() {
            assert!(
                p["geometry"]["type"].as_str().unwrap().ends_with("Polygon"),
                "{p}"
            );
        }
        assert!(
            a["clears"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["code"] == "scale.too_large"),
            "{a}"
        );
    }
    let (code, table, _) = shequ(&["suggest", s(&plan), "--community", "A"]);
    assert_eq!(code, 0);
    assert!(
        table.contains("方案 1") && table.contains("调整户数"),
        "{table}"
    );
    // A community within its band has nothing to adjust: a clear message, exit 2.
    let (code, _, err) = shequ(&["suggest", s(&plan), "--community", "C", "--lang", "en"]);
    assert_eq!(code, 2);
    assert!(err.contains("within its target"), "{err}");
}

#[test]
fn repair_writes_a_plan_that_check_reads_with_the_same_numbers() {
    let dir = tempfile::TempDir::new().unwrap();
    let plan = plan_file(&dir);
    let out = dir.path().join("proposal.geojson");
    let (code, stdout, err) = shequ(&["repair", s(&plan), "--out", s(&out), "--format", "json"]);
    assert_eq!(code, 0, "{err}\n{stdout}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    for key in [
        "moved_households",
        "moved_compounds",
        "communities_before",
        "communities_after",
        "created",
        "removed",
        "unresolved",
        "seconds",
    ] {
        assert!(v.get(key).is_some(), "lacks {key}: {v}");
    }
    assert_eq!(v["unresolved"], serde_json::json!([]));
    // The proposal loads, has no scale finding of 二（一）, and moves what the repair said.
    let (code, check, err) = shequ(&["check", s(&out), "--baseline", s(&plan), "--format", "json"]);
    assert!(code == 0 || code == 1, "{err}");
    let c: Value = serde_json::from_str(&check).unwrap();
    for f in c["findings"].as_array().unwrap() {
        assert!(
            !["scale.too_large", "scale.too_small"].contains(&f["code"].as_str().unwrap()),
            "{f}"
        );
        assert!(!f["code"].as_str().unwrap().starts_with("boundary."), "{f}");
    }
    assert_eq!(c["comparison"]["households_moved"], v["moved_households"]);
}

#[test]
fn repair_respects_locks_and_says_what_it_cannot_clear() {
    let dir = tempfile::TempDir::new().unwrap();
    let plan = plan_file(&dir);
    let out = dir.path().join("proposal.geojson");
    let (code, stdout, err) = shequ(&[
        "repair",
        s(&plan),
        "--out",
        s(&out),
        "--lock",
        "A",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 1, "A stays too large: {err}\n{stdout}");
    assert!(
        stdout.contains("Not resolved") && stdout.contains("A社区 is locked"),
        "{stdout}"
    );
    let proposal: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let original: Value = serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    let community = |v: &Value, id: &str| {
        v["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["layer"] == "community" && f["properties"]["id"] == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(
        community(&proposal, "A"),
        community(&original, "A"),
        "a locked community is unchanged"
    );
    let (code, _, err) = shequ(&["repair", s(&plan), "--out", s(&out), "--lock", "Z"]);
    assert_eq!(code, 2);
    assert!(err.contains("Z"), "{err}");
}
