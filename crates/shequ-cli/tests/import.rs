//! `shequ import`, zipped Shapefiles in `shequ check`, and `--sizhi`.

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn shequ(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_shequ"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn import_gauss_kruger_zip_with_xlsx_households_writes_a_plan_check_reads() {
    let dir = tempfile::TempDir::new().unwrap();
    let out = dir.path().join("plan.geojson");
    let zip = root().join("tests/import/demo_4549_gbk.zip");
    let xlsx = root().join("tests/import/households.xlsx");
    let (code, _, err) = shequ(&[
        "import",
        zip.to_str().unwrap(),
        "--households",
        xlsx.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("EPSG:4549"), "{err}");
    // The zip's compounds have no households; the table (made from the demo) gives every one.
    let demo: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root().join("tests/data/demo.geojson")).unwrap())
            .unwrap();
    let compounds = demo["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["layer"] == "compound")
        .count();
    assert!(
        err.contains(&format!("{compounds} compounds updated")),
        "{err}"
    );
    let (code, stdout, err) = shequ(&["check", out.to_str().unwrap(), "--format", "json"]);
    assert!(code == 0 || code == 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["totals"]["communities"], 48);
}

#[test]
fn import_without_zone_names_the_fix_and_crs_option_fixes_it() {
    let dir = tempfile::TempDir::new().unwrap();
    let out = dir.path().join("plan.geojson");
    let zip = root().join("tests/import/demo_4549_nocpg.zip");
    let (code, _, err) = shequ(&[
        "import",
        zip.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("社区.shp") && err.contains("--crs EPSG:4549"),
        "{err}"
    );
    let map = dir.path().join("map.json");
    let (code, _, err) = shequ(&[
        "import",
        zip.to_str().unwrap(),
        "--crs",
        "EPSG:4549",
        "--write-layer-map",
        map.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&map).unwrap()).unwrap();
    assert_eq!(written[0]["layer"], "community");
    assert_eq!(written[0]["crs"], "EPSG:4549");
    // The written map reads back.
    let (code, _, err) = shequ(&[
        "import",
        zip.to_str().unwrap(),
        "--layer-map",
        map.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn check_reads_a_zip_and_gives_sizhi() {
    let zip = root().join("tests/import/demo_4549_gbk.zip");
    let (code, stdout, err) = shequ(&["check", zip.to_str().unwrap(), "--sizhi"]);
    assert!(code == 0 || code == 1, "{err}");
    assert!(
        stdout.contains("四至") && stdout.contains("东至"),
        "{stdout}"
    );
    let demo = root().join("tests/data/demo.geojson");
    let (_, stdout, _) = shequ(&[
        "check",
        demo.to_str().unwrap(),
        "--sizhi",
        "--format",
        "json",
        "--lang",
        "en",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let list = v["sizhi"].as_array().unwrap();
    assert_eq!(list.len(), 48);
    assert!(list[0]["text_zh"].as_str().unwrap().starts_with("东至"));
    let (_, stdout, _) = shequ(&["check", demo.to_str().unwrap(), "--format", "json"]);
    assert!(
        !stdout.contains("\"sizhi\""),
        "the JSON contract is unchanged without --sizhi"
    );
}

/// The usual hand-over: boundaries from the GIS office (zipped Shapefiles in
/// EPSG:4549, GBK without .cpg, pinyin columns, no households) and the
/// housing bureau's households table (XQBM, XQMC, HS, GHHS).
#[test]
fn import_handover_zip_without_households_and_a_households_table_in_one_step() {
    let dir = tempfile::TempDir::new().unwrap();
    let out = dir.path().join("plan.geojson");
    let zip = root().join("tests/import/handover_4549_gbk.zip");
    let csv = root().join("tests/import/handover_households.csv");
    let (code, _, err) = shequ(&[
        "import",
        zip.to_str().unwrap(),
        "--households",
        csv.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert_eq!(code, 0, "{err}");
    // The mapping, reported to check and correct.
    for line in [
        "小区范围.shp: read as the compound layer: id ← XQBM, name ← XQMC; kept as properties: SQBM; households from",
        "社区边界.shp: read as the community layer: id ← SQBM, name ← SQMC",
        "网格.shp: read as the grid layer: code ← WGBM, id ← WGBM",
        "道路河流.shp: read as the barrier layer: id ← DLBM, name ← DLMC, kind ← DLLX",
        "joined by id (column \"XQBM\"; households from \"HS\", planned households from \"GHHS\")",
        "962 compounds updated; 0 rows matched nothing, 0 compounds have no row",
    ] {
        assert!(err.contains(line), "{line:?} in\n{err}");
    }
    // `shequ check` reads it with every compound's households: the demo's.
    let totals = |path: &std::path::Path| {
        let (code, stdout, err) = shequ(&["check", path.to_str().unwrap(), "--format", "json"]);
        assert!(code == 0 || code == 1, "{err}");
        let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        v["totals"].clone()
    };
    let got = totals(&out);
    let demo = totals(&root().join("tests/data/demo.geojson"));
    assert_eq!(got["communities"], 48);
    assert!(got["households_total"].as_u64().unwrap() > 100_000, "{got}");
    assert_eq!(got["households_total"], demo["households_total"]);

    // Two rows fewer: one problem naming both compounds, not one per compound.
    let table = std::fs::read(&csv).unwrap();
    let short: Vec<u8> = table
        .split_inclusive(|&b| b == b'\n')
        .filter(|l| !l.starts_with(b"X001,") && !l.starts_with(b"X002,"))
        .flatten()
        .copied()
        .collect();
    let short_csv = dir.path().join("户数.csv");
    std::fs::write(&short_csv, short).unwrap();
    let (code, _, err) = shequ(&[
        "import",
        zip.to_str().unwrap(),
        "--households",
        short_csv.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert_eq!(code, 2, "{err}");
    let problems: Vec<&str> = err
        .lines()
        .filter(|l| !l.starts_with("note:") && !l.starts_with("warning:"))
        .collect();
    assert_eq!(problems.len(), 1, "{err}");
    let p = problems[0];
    for x in [
        "handover_4549_gbk.zip: 小区范围.dbf: households:",
        "2 compound(s) have no households",
        "户数.csv gives them none (joined by id, column \"XQBM\")",
        "record 1 X001 蜀兴公寓",
        "record 2 X002 朝河御府",
        "fix: add a row for each of them",
    ] {
        assert!(p.contains(x), "{x:?} in {p}");
    }
    assert!(!err.contains("a compound needs its number"), "{err}");
}
