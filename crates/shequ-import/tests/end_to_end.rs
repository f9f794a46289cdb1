//! Real-format fixtures under `tests/import/`, made from the demo district by
//! `regenerate_fixtures` (run with `--ignored` to rebuild them):
//!
//! - `demo_4549_gbk.zip`: communities and compounds projected to EPSG:4549
//!   (CGCS2000 3-degree Gauss–Krüger CM 120E), Chinese layer and column
//!   names, a GBK `.dbf`, a `.cpg` and a `.prj`; households left at 0.
//! - `demo_4549_nocpg.zip`: the communities only, GBK without `.cpg` and
//!   without the dBase language byte, so the encoding must be detected.
//! - `households.xlsx`: a title row, then 序号/小区编号/小区名称/户数/规划户数.
//! - `households_gbk.csv`: 小区名称,户数 in GBK.

use std::path::PathBuf;

use geo::{Coord, CoordsIter};
use shequ_core::load::{load_plan, LoadOptions};
use shequ_core::model::{Layer, Plan};
use shequ_import::export::{plan_shapefile_zip, ShapefileOptions};
use shequ_import::{inspect, join, to_plan, Crs, ImportOptions, JoinOptions};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn demo() -> Plan {
    let bytes = std::fs::read(root().join("tests/data/demo.geojson")).unwrap();
    load_plan("demo.geojson", &bytes, &LoadOptions::default())
        .unwrap()
        .plan
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(root().join("tests/import").join(name)).unwrap_or_else(|e| panic!("tests/import/{name}: {e}; run `cargo test -p shequ-import -- --ignored regenerate_fixtures`"))
}

#[test]
#[ignore = "writes tests/import/; run to rebuild the fixtures"]
fn regenerate_fixtures() {
    let dir = root().join("tests/import");
    std::fs::create_dir_all(&dir).unwrap();
    let mut plan = demo();
    for c in &mut plan.compounds {
        c.households = 0;
        c.planned_households = 0;
    }
    let opts = ShapefileOptions {
        crs: Crs::from_epsg(4549).unwrap(),
        encoding: "GBK",
        cpg: true,
        prj: true,
        chinese_names: true,
        layers: Some(vec![
            Layer::Community,
            Layer::Compound,
            Layer::ServiceCenter,
        ]),
    };
    std::fs::write(
        dir.join("demo_4549_gbk.zip"),
        plan_shapefile_zip(&plan, &opts).unwrap(),
    )
    .unwrap();
    // No .cpg, no .prj, and the dBase language byte cleared: everything must be detected.
    let opts = ShapefileOptions {
        cpg: false,
        prj: false,
        layers: Some(vec![Layer::Community]),
        ..opts
    };
    for c in &mut plan.communities {
        c.service_center = None;
    }
    let zipped = plan_shapefile_zip(&plan, &opts).unwrap();
    std::fs::write(dir.join("demo_4549_nocpg.zip"), clear_ldid(&zipped)).unwrap();

    let demo = demo();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("户数").unwrap();
    sheet
        .write_string(0, 0, "示范街道各小区户数统计表（2024年）")
        .unwrap();
    for (c, h) in ["序号", "小区编号", "小区名称", "户数", "规划户数"]
        .iter()
        .enumerate()
    {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    for (r, c) in demo.compounds.iter().enumerate() {
        let r = r as u32 + 3;
        sheet.write_number(r, 0, (r - 2) as f64).unwrap();
        sheet.write_string(r, 1, &c.id).unwrap();
        sheet.write_string(r, 2, &c.name).unwrap();
        sheet.write_number(r, 3, c.households as f64).unwrap();
        if c.planned_households > 0 {
            sheet
                .write_number(r, 4, c.planned_households as f64)
                .unwrap();
        }
    }
    std::fs::write(dir.join("households.xlsx"), book.save_to_buffer().unwrap()).unwrap();
    let mut csv = String::from("小区名称,户数\n");
    for c in demo.compounds.iter().take(40) {
        csv.push_str(&format!("{},{}\n", c.name, c.households));
    }
    csv.push_str("不存在的小区,12\n");
    std::fs::write(
        dir.join("households_gbk.csv"),
        encoding_rs::GBK.encode(&csv).0,
    )
    .unwrap();
}

/// The zip with byte 29 (language driver) of each .dbf set to 0.
fn clear_ldid(zipped: &[u8]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zipped)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut e = archive.by_index(i).unwrap();
        let name = String::from_utf8_lossy(e.name_raw()).into_owned();
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        if name.ends_with(".dbf") {
            data[29] = 0;
        }
        out.start_file(
            name,
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated),
        )
        .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Largest distance in metres from a vertex of `a` to the nearest vertex of `b`.
fn max_vertex_distance_m(a: &geo::MultiPolygon, b: &geo::MultiPolygon) -> f64 {
    let frame = shequ_core::geodesy::Frame::at_lat(32.4);
    let bs: Vec<Coord> = b.coords_iter().collect();
    a.coords_iter()
        .map(|p| {
            bs.iter()
                .map(|q| frame.dist_m(p, *q))
                .fold(f64::INFINITY, f64::min)
        })
        .fold(0.0, f64::max)
}

#[test]
fn gauss_kruger_gbk_shapefile_and_xlsx_households_land_in_the_right_place() {
    let zip = fixture("demo_4549_gbk.zip");
    let seen = inspect("demo_4549_gbk.zip", &zip);
    assert!(seen.errors.is_empty(), "{:?}", seen.errors);
    let communities = seen
        .layers
        .iter()
        .find(|l| l.name == "社区")
        .expect("社区 layer");
    assert_eq!(communities.crs.crs.as_ref().and_then(Crs::epsg), Some(4549));
    assert_eq!(
        communities.encoding.map(|d| (d.encoding, d.source)),
        Some(("GBK", "cpg"))
    );
    assert_eq!(communities.proposal.layer, Some(Layer::Community));
    assert_eq!(
        communities
            .proposal
            .mapping
            .fields
            .get("name")
            .map(String::as_str),
        Some("名称")
    );
    let compounds = seen
        .layers
        .iter()
        .find(|l| l.name == "小区")
        .expect("小区 layer");
    assert_eq!(compounds.proposal.layer, Some(Layer::Compound));
    assert_eq!(
        compounds
            .proposal
            .mapping
            .fields
            .get("households")
            .map(String::as_str),
        Some("户数")
    );

    let imported = to_plan(&[("demo_4549_gbk.zip", &zip)], &ImportOptions::default()).unwrap();
    let demo = demo();
    assert_eq!(imported.plan.communities.len(), demo.communities.len());
    let mut worst = 0.0f64;
    for c in &demo.communities {
        let got = imported
            .plan
            .communities
            .iter()
            .find(|x| x.id == c.id)
            .unwrap_or_else(|| panic!("community {}", c.id));
        assert_eq!(got.name, c.name);
        assert_eq!(
            got.geometry.coords_count(),
            c.geometry.coords_count(),
            "{}",
            c.id
        );
        worst = worst
            .max(max_vertex_distance_m(&got.geometry, &c.geometry))
            .max(max_vertex_distance_m(&c.geometry, &got.geometry));
    }
    for k in &demo.compounds {
        let got = imported
            .plan
            .compounds
            .iter()
            .find(|x| x.id == k.id)
            .unwrap();
        if let (
            shequ_core::model::CompoundShape::Area(a),
            shequ_core::model::CompoundShape::Area(b),
        ) = (&got.shape, &k.shape)
        {
            worst = worst.max(max_vertex_distance_m(a, b));
        }
    }
    eprintln!("worst vertex distance after EPSG:4549 round trip: {worst:e} m");
    assert!(worst < 0.5, "worst vertex {worst} m from the demo");
    assert!(
        worst < 0.001,
        "proj4rs round trip should be sub-millimetre, got {worst} m"
    );

    // Households from the XLSX: title row, header on row 3, id and name columns.
    let xlsx = fixture("households.xlsx");
    let joined = join::join_households(
        &imported.plan,
        "households.xlsx",
        &xlsx,
        &JoinOptions::default(),
    )
    .unwrap();
    let r = &joined.report;
    assert_eq!(r.header_row, 3);
    assert_eq!(r.key, join::KeyKind::Id);
    assert_eq!(r.households_column.as_deref(), Some("户数"));
    assert_eq!(r.planned_column.as_deref(), Some("规划户数"));
    assert!(
        r.unmatched_rows.is_empty()
            && r.compounds_without_row.is_empty()
            && r.duplicates.is_empty(),
        "{r:#?}"
    );
    for k in &demo.compounds {
        let got = joined.plan.compounds.iter().find(|x| x.id == k.id).unwrap();
        assert_eq!(
            (got.households, got.planned_households),
            (k.households, k.planned_households),
            "{}",
            k.id
        );
    }
    // And the plan checks the same as the demo.
    let profile = shequ_core::Profile::default();
    let a = shequ_core::evaluate(&joined.plan, &profile);
    assert_eq!(a.totals.households_total, demo.households_total());
}

#[test]
fn gbk_without_cpg_or_prj_is_detected_and_needs_the_zone() {
    let zip = fixture("demo_4549_nocpg.zip");
    let seen = inspect("demo_4549_nocpg.zip", &zip);
    let l = &seen.layers[0];
    assert_eq!(
        l.encoding.map(|d| (d.encoding, d.source)),
        Some(("GBK", "detected"))
    );
    assert!(l.fields.iter().any(|f| f.name == "名称"));
    assert_eq!(
        l.crs.crs, None,
        "6-digit eastings without .prj: the central meridian is not in the numbers"
    );
    assert!(seen
        .notes
        .iter()
        .any(|n| n.code == "crs.needs_central_meridian"));
    let err = to_plan(&[("demo_4549_nocpg.zip", &zip)], &ImportOptions::default()).unwrap_err();
    assert_eq!(err.errors[0].code, "import.crs_unknown");
    assert!(
        err.errors[0].message_zh().contains("EPSG:4549"),
        "{}",
        err.errors[0].message_zh()
    );
    let opts = ImportOptions {
        crs: Crs::parse("EPSG:4549"),
        ..Default::default()
    };
    let imported = to_plan(&[("demo_4549_nocpg.zip", &zip)], &opts).unwrap();
    let demo = demo();
    let c = &demo.communities[0];
    let got = imported
        .plan
        .communities
        .iter()
        .find(|x| x.id == c.id)
        .unwrap();
    assert!(max_vertex_distance_m(&got.geometry, &c.geometry) < 0.5);
    assert_eq!(got.name, c.name);
}

#[test]
fn gbk_csv_households_report_unmatched_rows() {
    let demo = demo();
    let csv = fixture("households_gbk.csv");
    let joined =
        join::join_households(&demo, "households_gbk.csv", &csv, &JoinOptions::default()).unwrap();
    assert_eq!(joined.report.key, join::KeyKind::Name);
    assert_eq!(joined.report.unmatched_rows.len(), 1);
    assert_eq!(joined.report.unmatched_rows[0].key, "不存在的小区");
    assert!(
        joined.report.updated.len() >= 30,
        "{:#?}",
        joined.report.duplicates
    );
    assert_eq!(
        joined.report.compounds_without_row.len() + joined.report.updated.len(),
        demo.compounds.len()
    );
}

#[test]
fn wrong_layer_mapping_and_unknown_column_are_named() {
    let zip = fixture("demo_4549_gbk.zip");
    let opts = ImportOptions {
        layers: vec![shequ_import::LayerMapping {
            source: "社区".into(),
            layer: Some(Layer::Community),
            fields: [("name".to_string(), "MC".to_string())].into(),
            crs: None,
            swap_xy: None,
        }],
        ..Default::default()
    };
    let err = to_plan(&[("plan.zip", &zip)], &opts).unwrap_err();
    let e = &err.errors[0];
    assert_eq!(e.code, "import.unknown_column");
    assert_eq!(e.entry.as_deref(), Some("社区.dbf"));
    assert!(e.to_string().contains("名称"), "{e}");
}

#[test]
fn a_bad_value_names_the_zip_entry_record_and_column() {
    let mut plan = demo();
    plan.compounds[4].name = "坏户数小区".into();
    let opts = ShapefileOptions {
        crs: Crs::from_epsg(4528).unwrap(),
        encoding: "GBK",
        chinese_names: true,
        layers: Some(vec![
            Layer::Community,
            Layer::Compound,
            Layer::ServiceCenter,
        ]),
        ..Default::default()
    };
    // Households above the loader's limit in record 5 of 小区.dbf.
    plan.compounds[4].households = 99_999;
    let zip = plan_shapefile_zip(&plan, &opts).unwrap();
    let err = to_plan(&[("p.zip", &zip)], &ImportOptions::default()).unwrap_err();
    let e = err
        .errors
        .iter()
        .find(|e| e.code == "load.absurd")
        .unwrap_or_else(|| panic!("{err}"));
    assert_eq!(e.file, "p.zip");
    assert_eq!(e.entry.as_deref(), Some("小区.dbf"));
    assert_eq!(e.record, Some(5));
    assert_eq!(e.field.as_deref(), Some("户数 → households"));
    assert!(e.message_zh().contains("第 5 条记录"), "{}", e.message_zh());
}
