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
