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
//!
//! And the usual hand-over, made by `regenerate_handover_fixtures` with the
//! `shapefile` and `dbase` crates directly (columns as GIS offices name them):
//!
//! - `handover_4549_gbk.zip`: the demo's communities (`社区边界`: SQBM, SQMC,
//!   JDMC), compounds (`小区范围` polygons and `小区点位` points: XQBM, XQMC
//!   and their community's SQBM — no households), grid cells (`网格`: WGBM,
//!   WGMC, SQBM) and roads and rivers (`道路河流`: DLBM, DLMC, DLLX) in
//!   EPSG:4549 with a `.prj`, GBK tables with no `.cpg` and no dBase language
//!   byte.
//! - `handover_households.csv`: the housing bureau's table, GBK:
//!   XQBM,XQMC,HS,GHHS, a row per compound.

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

#[test]
#[ignore = "writes tests/import/; run to rebuild the fixtures"]
fn regenerate_handover_fixtures() {
    use geo::{Contains, InteriorPoint};
    use shapefile::{Point as ShpPoint, Polygon, PolygonRing, Polyline};
    use shequ_core::model::{BarrierKind, CompoundShape};

    let demo = demo();
    let crs = Crs::from_epsg(4549).unwrap();
    let tr = shequ_import::crs::Transformer::new(&crs).unwrap();
    let point = |c: &Coord| {
        let (x, y) = tr.from_wgs84(c.x, c.y).unwrap();
        ShpPoint::new(x, y)
    };
    let ring = |ls: &geo::LineString| ls.0.iter().map(point).collect::<Vec<_>>();
    let polygon = |mp: &geo::MultiPolygon| {
        let mut rings = Vec::new();
        for p in &mp.0 {
            rings.push(PolygonRing::Outer(ring(p.exterior())));
            rings.extend(p.interiors().iter().map(|h| PolygonRing::Inner(ring(h))));
        }
        Shape::Polygon(Polygon::with_rings(rings))
    };
    let community_of = |p: Option<geo::Point>| {
        p.and_then(|p| demo.communities.iter().find(|c| c.geometry.contains(&p)))
            .map_or(String::new(), |c| c.id.clone())
    };
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("handover");
    std::fs::create_dir_all(&tmp).unwrap();
    let mut layers = Vec::new();

    let street = demo.streets.first().map_or("", |s| s.name.as_str());
    let rows = demo
        .communities
        .iter()
        .map(|c| {
            let row = vec![c.id.clone(), c.name.clone(), street.to_string()];
            (polygon(&c.geometry), row)
        })
        .collect();
    layers.push((
        "社区边界",
        &[("SQBM", 20), ("SQMC", 60), ("JDMC", 40)][..],
        rows,
    ));
    let (mut areas, mut points) = (Vec::new(), Vec::new());
    for k in &demo.compounds {
        let (shape, inside) = match &k.shape {
            CompoundShape::Area(mp) => (polygon(mp), mp.interior_point()),
            CompoundShape::Point(p) => (Shape::Point(point(&p.0)), Some(*p)),
        };
        let row = vec![k.id.clone(), k.name.clone(), community_of(inside)];
        match shape {
            Shape::Point(_) => points.push((shape, row)),
            _ => areas.push((shape, row)),
        }
    }
    let compound_columns = &[("XQBM", 20), ("XQMC", 80), ("SQBM", 20)][..];
    layers.push(("小区范围", compound_columns, areas));
    layers.push(("小区点位", compound_columns, points));
    let rows = demo
        .grids
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let row = vec![
                g.code.clone().unwrap_or_else(|| g.id.clone()),
                format!("第{}网格", i + 1),
                community_of(g.geometry.interior_point()),
            ];
            (polygon(&g.geometry), row)
        })
        .collect();
    layers.push((
        "网格",
        &[("WGBM", 30), ("WGMC", 40), ("SQBM", 20)][..],
        rows,
    ));
    let rows = demo
        .barriers
        .iter()
        .map(|b| {
            let kind = match b.kind {
                BarrierKind::Road => "道路",
                BarrierKind::Lane => "巷道",
                BarrierKind::River => "河流",
            };
            let line = Polyline::with_parts(b.geometry.0.iter().map(ring).collect());
            (
                Shape::Line(line),
                vec![b.id.clone(), b.name.clone(), kind.to_string()],
            )
        })
        .collect();
    layers.push((
        "道路河流",
        &[("DLBM", 20), ("DLMC", 60), ("DLLX", 10)][..],
        rows,
    ));

    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let zopts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let wkt = shequ_import::export::esri_wkt(&crs).unwrap();
    for (name, columns, rows) in layers {
        let path = tmp.join(format!("{name}.shp"));
        {
            let mut table = dbase::TableWriterBuilder::with_encoding(
                dbase::encoding::EncodingRs::from(encoding_rs::GBK),
            );
            for (column, width) in columns {
                table = table.add_character_field((*column).try_into().unwrap(), *width);
            }
            let mut writer = shapefile::Writer::from_path(&path, table).unwrap();
            for (shape, values) in &rows {
                let mut record = dbase::Record::default();
                for ((column, _), v) in columns.iter().zip(values) {
                    record.insert(
                        column.to_string(),
                        dbase::FieldValue::Character(Some(v.clone()).filter(|v| !v.is_empty())),
                    );
                }
                match shape {
                    Shape::Polygon(p) => writer.write_shape_and_record(p, &record),
                    Shape::Line(l) => writer.write_shape_and_record(l, &record),
                    Shape::Point(p) => writer.write_shape_and_record(p, &record),
                }
                .unwrap();
            }
        }
        for ext in ["shp", "shx", "dbf"] {
            let mut bytes = std::fs::read(path.with_extension(ext)).unwrap();
            if ext == "dbf" {
                bytes[29] = 0; // no language driver: the encoding must be detected
            }
            zip.start_file(format!("{name}.{ext}"), zopts).unwrap();
            zip.write_all(&bytes).unwrap();
        }
        zip.start_file(format!("{name}.prj"), zopts).unwrap();
        zip.write_all(wkt.as_bytes()).unwrap();
    }
    let dir = root().join("tests/import");
    std::fs::write(
        dir.join("handover_4549_gbk.zip"),
        zip.finish().unwrap().into_inner(),
    )
    .unwrap();
    let mut csv = String::from("XQBM,XQMC,HS,GHHS\n");
    for k in &demo.compounds {
        let planned = if k.planned_households > 0 {
            k.planned_households.to_string()
        } else {
            String::new()
        };
        csv.push_str(&format!("{},{},{},{planned}\n", k.id, k.name, k.households));
    }
    std::fs::write(
        dir.join("handover_households.csv"),
        encoding_rs::GBK.encode(&csv).0,
    )
    .unwrap();
}

enum Shape {
    Polygon(shapefile::Polygon),
    Line(shapefile::Polyline),
    Point(shapefile::Point),
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

/// The fields proposed for a layer of an inspection, as (property, column).
fn proposed(seen: &shequ_import::Inspection, name: &str) -> Vec<(String, String)> {
    let l = seen
        .layers
        .iter()
        .find(|l| l.name == name)
        .unwrap_or_else(|| panic!("layer {name}"));
    l.proposal.mapping.fields.clone().into_iter().collect()
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn handover_options(table: &str) -> ImportOptions {
    ImportOptions {
        households: Some(shequ_import::HouseholdsTable {
            file: table.into(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[test]
fn handover_pinyin_columns_are_recognised_for_every_layer() {
    let zip = fixture("handover_4549_gbk.zip");
    let seen = inspect("handover_4549_gbk.zip", &zip);
    assert!(seen.errors.is_empty(), "{:?}", seen.errors);
    for l in &seen.layers {
        assert_eq!(
            l.encoding.map(|d| (d.encoding, d.source)),
            Some(("GBK", "detected")),
            "{}: no .cpg, no language byte",
            l.name
        );
        assert_eq!(
            l.crs.crs.as_ref().and_then(Crs::epsg),
            Some(4549),
            "{}",
            l.name
        );
    }
    let layer = |name: &str| seen.layers.iter().find(|l| l.name == name).unwrap();
    assert_eq!(layer("社区边界").proposal.layer, Some(Layer::Community));
    assert_eq!(layer("小区范围").proposal.layer, Some(Layer::Compound));
    assert_eq!(layer("小区点位").proposal.layer, Some(Layer::Compound));
    assert_eq!(layer("网格").proposal.layer, Some(Layer::Grid));
    assert_eq!(layer("道路河流").proposal.layer, Some(Layer::Barrier));
    // Each layer's own …BM and …MC; a parent's code (SQBM in the compounds and
    // grid cells) or name (JDMC, the street's, in the communities) is not theirs.
    assert_eq!(
        proposed(&seen, "社区边界"),
        pairs(&[("id", "SQBM"), ("name", "SQMC")])
    );
    for name in ["小区范围", "小区点位"] {
        assert_eq!(
            proposed(&seen, name),
            pairs(&[("id", "XQBM"), ("name", "XQMC")]),
            "{name}: no households column"
        );
    }
    assert_eq!(
        proposed(&seen, "网格"),
        pairs(&[("code", "WGBM"), ("id", "WGBM")])
    );
    assert_eq!(
        proposed(&seen, "道路河流"),
        pairs(&[("id", "DLBM"), ("kind", "DLLX"), ("name", "DLMC")])
    );
    // The households table's columns, by the same recognition.
    let csv = fixture("handover_households.csv");
    let t = inspect("户数.csv", &csv).table.unwrap();
    assert_eq!(t.encoding.map(|d| d.encoding), Some("GBK"));
    let p: Vec<(&str, &str)> = t
        .proposal
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        p,
        [
            ("households", "HS"),
            ("key_id", "XQBM"),
            ("key_name", "XQMC"),
            ("planned_households", "GHHS")
        ]
    );
}

#[test]
fn handover_shapefiles_without_households_and_a_households_table_import_in_one_step() {
    let zip = fixture("handover_4549_gbk.zip");
    let csv = fixture("handover_households.csv");
    let imported = to_plan(
        &[("handover_4549_gbk.zip", &zip), ("户数.csv", &csv)],
        &handover_options("户数.csv"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let r = imported.households.as_ref().expect("the join's report");
    assert_eq!(r.key, join::KeyKind::Id);
    assert_eq!(r.key_column, "XQBM");
    assert_eq!(r.households_column.as_deref(), Some("HS"));
    assert_eq!(r.planned_column.as_deref(), Some("GHHS"));
    assert!(
        r.unmatched_rows.is_empty()
            && r.compounds_without_row.is_empty()
            && r.duplicates.is_empty(),
        "{r:#?}"
    );
    let demo = demo();
    let plan = &imported.plan;
    assert_eq!(plan.communities.len(), demo.communities.len());
    assert_eq!(plan.compounds.len(), demo.compounds.len());
    assert_eq!(plan.grids.len(), demo.grids.len());
    assert_eq!(plan.barriers.len(), demo.barriers.len());
    for k in &demo.compounds {
        let got = plan.compounds.iter().find(|x| x.id == k.id).unwrap();
        assert_eq!(got.name, k.name, "GBK decoded");
        assert_eq!(
            (got.households, got.planned_households),
            (k.households, k.planned_households),
            "{}",
            k.id
        );
    }
    for c in &demo.communities {
        let got = plan.communities.iter().find(|x| x.id == c.id).unwrap();
        assert_eq!(got.name, c.name);
        assert!(max_vertex_distance_m(&got.geometry, &c.geometry) < 0.001);
    }
    for b in &demo.barriers {
        let got = plan.barriers.iter().find(|x| x.id == b.id).unwrap();
        assert_eq!(
            (got.kind, &got.name),
            (b.kind, &b.name),
            "DLLX 道路/巷道/河流"
        );
    }
    assert_eq!(plan.households_total(), demo.households_total());
    // The mapping used is reported, the households' source with it.
    let mapping = imported
        .notes
        .iter()
        .find(|n| n.code == "import.mapping" && n.entry.as_deref() == Some("小区范围.shp"))
        .expect("mapping note");
    assert!(
        mapping.message_en.contains("id ← XQBM")
            && mapping.message_en.contains("name ← XQMC")
            && mapping.message_en.contains("kept as properties: SQBM")
            && mapping.message_en.contains("households from 户数.csv"),
        "{}",
        mapping.message_en
    );
    // And the plan written loads in the core as it is.
    let again = load_plan(
        "plan.geojson",
        imported.geojson.as_bytes(),
        &LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(again.plan.households_total(), demo.households_total());
}

#[test]
fn compounds_left_without_households_are_one_problem_naming_them() {
    let zip = fixture("handover_4549_gbk.zip");
    let demo = demo();
    // No table: one problem, not one per compound, with the fix.
    let err = to_plan(
        &[("handover_4549_gbk.zip", &zip)],
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.errors.len(), 1, "{err}");
    let e = &err.errors[0];
    assert_eq!(e.code, "import.households_missing");
    assert_eq!(e.file, "handover_4549_gbk.zip");
    assert_eq!(e.field.as_deref(), Some("households"));
    let n = demo.compounds.len();
    assert!(
        e.message_en()
            .contains(&format!("{n} compound(s) have no households")),
        "{}",
        e.message_en()
    );
    assert!(
        e.message_en().contains("no households column")
            && e.message_en().contains("--households 户数.csv")
    );
    assert!(
        e.message_zh().contains(&format!("{n} 个小区没有户数")),
        "{}",
        e.message_zh()
    );
    assert!(
        e.message_zh().contains(&format!("另有 {} 个", n - 5)),
        "the whole layer lacks them: a few listed, the rest counted: {}",
        e.message_zh()
    );

    // A table without the rows of two compounds (one of each layer): one problem naming both.
    let csv = encoding_rs::GBK
        .decode(&fixture("handover_households.csv"))
        .0
        .into_owned();
    let area = demo
        .compounds
        .iter()
        .find(|k| matches!(k.shape, shequ_core::model::CompoundShape::Area(_)))
        .unwrap();
    let point = demo
        .compounds
        .iter()
        .find(|k| matches!(k.shape, shequ_core::model::CompoundShape::Point(_)))
        .unwrap();
    let gone = [area, point];
    let kept: String = csv
        .lines()
        .filter(|l| !gone.iter().any(|k| l.starts_with(&format!("{},", k.id))))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(kept.lines().count(), csv.lines().count() - 2);
    let table = encoding_rs::GBK.encode(&kept).0.into_owned();
    let err = to_plan(
        &[("handover_4549_gbk.zip", &zip), ("户数.csv", &table)],
        &handover_options("户数.csv"),
    )
    .unwrap_err();
    assert_eq!(err.errors.len(), 1, "{err}");
    let e = &err.errors[0];
    assert_eq!(e.code, "import.households_missing");
    assert_eq!(e.entry, None, "two layers");
    for k in gone {
        for m in [e.message_en(), e.message_zh()] {
            assert!(m.contains(&k.id) && m.contains(&k.name), "{} in {m}", k.id);
        }
    }
    assert!(
        e.message_en().contains("2 compound(s)"),
        "{}",
        e.message_en()
    );
    assert!(
        e.message_en().contains("户数.csv") && e.message_en().contains("\"XQBM\""),
        "{}",
        e.message_en()
    );
    assert!(
        e.message_zh().contains("小区范围.shp 第") && e.message_zh().contains("小区点位.shp 第"),
        "{}",
        e.message_zh()
    );
}
