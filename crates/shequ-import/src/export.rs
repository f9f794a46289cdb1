//! Writing out: the plan as a zipped Shapefile (one layer per plan layer, in
//! any coordinate system the importer reads, text as UTF-8 or GBK), and a
//! summary workbook of a report.
//!
//! The Shapefile writer is also how the test fixtures under `tests/import/`
//! were made: the demo district projected to EPSG:4549 with a GBK table.

use std::cell::RefCell;
use std::io::{Cursor, Seek, SeekFrom, Write};
use std::rc::Rc;

use encoding_rs::{GBK, UTF_8};
use geo::{Coord, LineString};
use serde_json::Value;
use shapefile::{Point as SPoint, Polygon as SPolygon, PolygonRing, Polyline as SPolyline};
use shequ_core::model::{CompoundShape, Layer, Plan};
use zip::write::SimpleFileOptions;

use crate::crs::{Crs, Transformer};

/// How to write the Shapefile export.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapefileOptions {
    pub crs: Crs,
    /// `UTF-8` or `GBK`.
    pub encoding: &'static str,
    /// Write a `.cpg` naming the encoding.
    pub cpg: bool,
    /// Write a `.prj` (ESRI WKT) for EPSG:4326/4490 and the CGCS2000 GK zones.
    pub prj: bool,
    /// Chinese layer and column names (`社区.shp`, `名称`, `户数`; GBK only:
    /// a dBase column name has 10 bytes).
    pub chinese_names: bool,
    /// Write only these layers (all when `None`).
    pub layers: Option<Vec<Layer>>,
}

impl Default for ShapefileOptions {
    fn default() -> Self {
        ShapefileOptions {
            crs: Crs::Geographic,
            encoding: "UTF-8",
            cpg: true,
            prj: true,
            chinese_names: false,
            layers: None,
        }
    }
}

/// A `Write + Seek` buffer shared with the writer, so the bytes can be taken
/// back after the writer (which finalises on drop) is gone.
#[derive(Clone, Default)]
struct Shared(Rc<RefCell<Cursor<Vec<u8>>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Seek for Shared {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.0.borrow_mut().seek(pos)
    }
}

impl Shared {
    fn bytes(&self) -> Vec<u8> {
        self.0.borrow().get_ref().clone()
    }
}

enum Shp {
    Polygon(SPolygon),
    Line(SPolyline),
    Point(SPoint),
}

/// Column: (English name, Chinese name, width; 0 = numeric).
type Column = (&'static str, &'static str, u8);

fn columns(layer: Layer) -> &'static [Column] {
    match layer {
        Layer::Community => &[
            ("ID", "编号", 40),
            ("NAME", "名称", 100),
            ("KIND", "类型", 20),
            ("COMMITTEE", "两委人数", 0),
            ("STAFF", "专职人员", 0),
            ("CENTER", "服务中心", 40),
        ],
        Layer::Compound => &[
            ("ID", "编号", 40),
            ("NAME", "小区名称", 100),
            ("HOUSEHOLDS", "户数", 0),
            ("PLANNED", "规划户数", 0),
            ("PROPERTY", "物业", 5),
        ],
        Layer::Grid => &[("ID", "编号", 40), ("CODE", "网格编码", 40)],
        Layer::Barrier => &[
            ("ID", "编号", 40),
            ("NAME", "名称", 100),
            ("KIND", "类型", 10),
        ],
        Layer::ServiceCenter => &[
            ("ID", "编号", 40),
            ("NAME", "名称", 100),
            ("FLOOR_AREA", "用房面积", 0),
        ],
        Layer::Street => &[("ID", "编号", 40), ("NAME", "名称", 100)],
    }
}

fn layer_file(layer: Layer, chinese: bool) -> &'static str {
    match (layer, chinese) {
        (Layer::Community, true) => "社区",
        (Layer::Compound, true) => "小区",
        (Layer::Grid, true) => "网格",
        (Layer::Barrier, true) => "道路河流",
        (Layer::ServiceCenter, true) => "党群服务中心",
        (Layer::Street, true) => "街道",
        (l, false) => l.as_str(),
    }
}

/// Values of one feature, in [`columns`] order (`Null` for none).
fn values(plan: &Plan, layer: Layer, i: usize) -> Vec<Value> {
    use serde_json::json;
    let opt = |v: Option<Value>| v.unwrap_or(Value::Null);
    match layer {
        Layer::Community => {
            let c = &plan.communities[i];
            vec![
                json!(c.id),
                json!(c.name),
                json!(c.kind.as_str()),
                opt(c.committee_size.map(|v| json!(v))),
                opt(c.full_time_staff.map(|v| json!(v))),
                opt(c.service_center.as_ref().map(|v| json!(v))),
            ]
        }
        Layer::Compound => {
            let c = &plan.compounds[i];
            vec![
                json!(c.id),
                json!(c.name),
                json!(c.households),
                json!(c.planned_households),
                opt(c
                    .property_management
                    .map(|b| json!(if b { "Y" } else { "N" }))),
            ]
        }
        Layer::Grid => vec![
            json!(plan.grids[i].id),
            opt(plan.grids[i].code.as_ref().map(|v| json!(v))),
        ],
        Layer::Barrier => vec![
            json!(plan.barriers[i].id),
            json!(plan.barriers[i].name),
            json!(plan.barriers[i].kind.as_str()),
        ],
        Layer::ServiceCenter => vec![
            json!(plan.centers[i].id),
            json!(plan.centers[i].name),
            opt(plan.centers[i].floor_area_m2.map(|v| json!(v))),
        ],
        Layer::Street => vec![json!(plan.streets[i].id), json!(plan.streets[i].name)],
    }
}

/// The ESRI WKT of the systems the importer knows by EPSG code.
pub fn esri_wkt(crs: &Crs) -> Option<String> {
    let geog = r#"GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
    match crs {
        Crs::Geographic => Some(r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#.to_string()),
        Crs::GaussKruger { central_meridian, false_easting, zone_width } => {
            let name = if *false_easting != 500_000.0 {
                format!("CGCS2000_{zone_width}_Degree_GK_Zone_{}", (*false_easting / 1e6).floor())
            } else {
                format!("CGCS2000_{zone_width}_Degree_GK_CM_{central_meridian}E")
            };
            Some(format!(
                r#"PROJCS["{name}",{geog},PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",{false_easting:.1}],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",{central_meridian:.1}],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#
            ))
        }
        _ => None,
    }
}

/// The plan as a zip of Shapefiles, one per plan layer present.
pub fn plan_shapefile_zip(plan: &Plan, opts: &ShapefileOptions) -> Result<Vec<u8>, String> {
    let t = Transformer::new(&opts.crs)?;
    let encoding = match opts.encoding.to_ascii_uppercase().as_str() {
        "GBK" | "936" | "CP936" => GBK,
        _ => UTF_8,
    };
    let chinese = opts.chinese_names && encoding == GBK;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    // A fixed date: reproducible bytes, and no clock (there is none in wasm32).
    let zopts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let tr = |c: &Coord| -> Result<SPoint, String> {
        let (x, y) = t
            .from_wgs84(c.x, c.y)
            .ok_or_else(|| format!("({}, {}) cannot be projected to {}", c.x, c.y, opts.crs))?;
        Ok(SPoint::new(x, y))
    };
    let ring = |ls: &LineString| -> Result<Vec<SPoint>, String> { ls.0.iter().map(tr).collect() };
    let polygon = |mp: &geo::MultiPolygon| -> Result<Shp, String> {
        let mut rings = Vec::new();
        for p in &mp.0 {
            rings.push(PolygonRing::Outer(ring(p.exterior())?));
            for h in p.interiors() {
                rings.push(PolygonRing::Inner(ring(h)?));
            }
        }
        Ok(Shp::Polygon(SPolygon::with_rings(rings)))
    };
    for layer in Layer::ALL {
        if opts.layers.as_ref().is_some_and(|ls| !ls.contains(&layer)) {
            continue;
        }
        // (shape, feature index); compounds split into outlines and points.
        let mut groups: Vec<(String, Vec<(Shp, usize)>)> = Vec::new();
        let base = layer_file(layer, chinese).to_string();
        match layer {
            Layer::Community => groups.push((
                base,
                plan.communities
                    .iter()
                    .enumerate()
                    .map(|(i, c)| Ok((polygon(&c.geometry)?, i)))
                    .collect::<Result<_, String>>()?,
            )),
            Layer::Grid => groups.push((
                base,
                plan.grids
                    .iter()
                    .enumerate()
                    .map(|(i, c)| Ok((polygon(&c.geometry)?, i)))
                    .collect::<Result<_, String>>()?,
            )),
            Layer::Street => groups.push((
                base,
                plan.streets
                    .iter()
                    .enumerate()
                    .map(|(i, c)| Ok((polygon(&c.geometry)?, i)))
                    .collect::<Result<_, String>>()?,
            )),
            Layer::Barrier => groups.push((
                base,
                plan.barriers
                    .iter()
                    .enumerate()
                    .map(|(i, b)| {
                        Ok((
                            Shp::Line(SPolyline::with_parts(
                                b.geometry.0.iter().map(ring).collect::<Result<_, _>>()?,
                            )),
                            i,
                        ))
                    })
                    .collect::<Result<_, String>>()?,
            )),
            Layer::ServiceCenter => groups.push((
                base,
                plan.centers
                    .iter()
                    .enumerate()
                    .map(|(i, c)| Ok((Shp::Point(tr(&c.location.0)?), i)))
                    .collect::<Result<_, String>>()?,
            )),
            Layer::Compound => {
                let mut areas = Vec::new();
                let mut points = Vec::new();
                for (i, c) in plan.compounds.iter().enumerate() {
                    match &c.shape {
                        CompoundShape::Area(mp) => areas.push((polygon(mp)?, i)),
                        CompoundShape::Point(p) => points.push((Shp::Point(tr(&p.0)?), i)),
                    }
                }
                groups.push((base.clone(), areas));
                groups.push((
                    format!("{base}{}", if chinese { "点" } else { "_points" }),
                    points,
                ));
            }
        }
        for (name, shapes) in groups {
            if shapes.is_empty() {
                continue;
            }
            let cols = columns(layer);
            let (shp, shx, dbf) = (Shared::default(), Shared::default(), Shared::default());
            {
                let mut builder = dbase::TableWriterBuilder::with_encoding(
                    dbase::encoding::EncodingRs::from(encoding),
                );
                for (k, (_, _, width)) in cols.iter().enumerate() {
                    let placeholder = dbase::FieldName::try_from(format!("F{k}").as_str())
                        .map_err(str::to_string)?;
                    builder = if *width == 0 {
                        builder.add_numeric_field(placeholder, 18, 3)
                    } else {
                        builder.add_character_field(placeholder, *width)
                    };
                }
                let table = builder.build_with_dest(dbf.clone());
                let mut writer = shapefile::Writer::new(
                    shapefile::ShapeWriter::with_shx(shp.clone(), shx.clone()),
                    table,
                );
                for (shape, i) in &shapes {
                    let mut rec = dbase::Record::default();
                    for (k, v) in values(plan, layer, *i).into_iter().enumerate() {
                        let field = if cols[k].2 == 0 {
                            dbase::FieldValue::Numeric(v.as_f64())
                        } else {
                            dbase::FieldValue::Character(v.as_str().map(str::to_string))
                        };
                        rec.insert(format!("F{k}"), field);
                    }
                    let r = match shape {
                        Shp::Polygon(p) => writer.write_shape_and_record(p, &rec),
                        Shp::Line(l) => writer.write_shape_and_record(l, &rec),
                        Shp::Point(p) => writer.write_shape_and_record(p, &rec),
                    };
                    r.map_err(|e| e.to_string())?;
                }
            }
            // Column names in the table's own encoding (dBase writes them as
            // UTF-8 and allows 10 bytes: hence placeholders, patched here).
            let mut dbf_bytes = dbf.bytes();
            for (k, (en, zh, _)) in cols.iter().enumerate() {
                let name = if chinese { *zh } else { *en };
                let (encoded, _, _) = encoding.encode(name);
                let at = 32 + 32 * k;
                if encoded.len() > 10 || dbf_bytes.len() < at + 11 {
                    return Err(format!("column name {name} does not fit a dBase header"));
                }
                dbf_bytes[at..at + 11].fill(0);
                dbf_bytes[at..at + encoded.len()].copy_from_slice(&encoded);
            }
            let mut put = |ext: &str, bytes: &[u8]| -> Result<(), String> {
                zip.start_file(format!("{name}.{ext}"), zopts)
                    .map_err(|e| e.to_string())?;
                zip.write_all(bytes).map_err(|e| e.to_string())
            };
            put("shp", &shp.bytes())?;
            put("shx", &shx.bytes())?;
            put("dbf", &dbf_bytes)?;
            if opts.cpg {
                put("cpg", if encoding == GBK { b"GBK" } else { b"UTF-8" })?;
            }
            if opts.prj {
                if let Some(wkt) = esri_wkt(&opts.crs) {
                    put("prj", wkt.as_bytes())?;
                }
            }
        }
    }
    zip.finish()
        .map(|c| c.into_inner())
        .map_err(|e| e.to_string())
}

/// A summary workbook of a report (the JSON `Engine.report()` or `shequ check
/// --format json` gives) and its plan: sheets 社区 (communities), 问题
/// (findings) and 小区 (compounds), headers in Chinese and English.
pub fn summary_xlsx(report: &Value, plan: &Plan) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let err = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let write_row =
        |sheet: &mut rust_xlsxwriter::Worksheet, row: u32, cells: &[Value]| -> Result<(), String> {
            for (c, v) in cells.iter().enumerate() {
                let c = c as u16;
                match v {
                    Value::Number(n) => {
                        sheet
                            .write_number(row, c, n.as_f64().unwrap_or(0.0))
                            .map_err(err)?;
                    }
                    Value::Null => {}
                    Value::String(s) => {
                        sheet.write_string(row, c, s).map_err(err)?;
                    }
                    Value::Array(a) => {
                        sheet
                            .write_string(
                                row,
                                c,
                                a.iter()
                                    .map(|x| {
                                        x.as_str()
                                            .map(str::to_string)
                                            .unwrap_or_else(|| x.to_string())
                                    })
                                    .collect::<Vec<_>>()
                                    .join("、"),
                            )
                            .map_err(err)?;
                    }
                    other => {
                        sheet.write_string(row, c, other.to_string()).map_err(err)?;
                    }
                }
            }
            Ok(())
        };
    let header = |sheet: &mut rust_xlsxwriter::Worksheet, names: &[&str]| -> Result<(), String> {
        for (c, n) in names.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, *n, &bold)
                .map_err(err)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(err)?;
        Ok(())
    };
    let empty = Vec::new();
    let communities = report
        .get("communities")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let sheet = book
        .add_worksheet()
        .set_name("社区 communities")
        .map_err(err)?;
    header(
        sheet,
        &[
            "编号 id",
            "名称 name",
            "类型 kind",
            "计入户数 households_total",
            "现有户数 households",
            "规划户数 planned",
            "面积 km² area",
            "紧凑度 Polsby-Popper",
            "沿道路河流比例 barrier share",
            "小区数 compounds",
            "状态 status",
        ],
    )?;
    for (r, c) in communities.iter().enumerate() {
        let g = |k: &str| c.get(k).cloned().unwrap_or(Value::Null);
        let area = c
            .get("area_m2")
            .and_then(Value::as_f64)
            .map(|a| serde_json::json!((a / 1e4).round() / 100.0))
            .unwrap_or(Value::Null);
        let n = c
            .get("compounds")
            .and_then(Value::as_array)
            .map(|a| serde_json::json!(a.len()))
            .unwrap_or(Value::Null);
        write_row(
            sheet,
            r as u32 + 1,
            &[
                g("id"),
                g("name"),
                g("kind"),
                g("households_total"),
                g("households"),
                g("planned_households"),
                area,
                g("polsby_popper"),
                g("barrier_share"),
                n,
                g("status"),
            ],
        )?;
    }
    sheet.autofit();
    let findings = report
        .get("findings")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let sheet = book
        .add_worksheet()
        .set_name("问题 findings")
        .map_err(err)?;
    header(
        sheet,
        &[
            "级别 severity",
            "代码 code",
            "方案条款 section",
            "社区 communities",
            "说明",
            "message",
        ],
    )?;
    for (r, f) in findings.iter().enumerate() {
        let g = |k: &str| f.get(k).cloned().unwrap_or(Value::Null);
        write_row(
            sheet,
            r as u32 + 1,
            &[
                g("severity"),
                g("code"),
                g("section"),
                g("community_ids"),
                g("message_zh"),
                g("message_en"),
            ],
        )?;
    }
    sheet.autofit();
    let owner: std::collections::HashMap<&str, &str> = communities
        .iter()
        .flat_map(|c| {
            let id = c.get("id").and_then(Value::as_str).unwrap_or("");
            c.get("compounds")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(move |k| (k, id))
        })
        .collect();
    let sheet = book
        .add_worksheet()
        .set_name("小区 compounds")
        .map_err(err)?;
    header(
        sheet,
        &[
            "编号 id",
            "名称 name",
            "现有户数 households",
            "规划户数 planned",
            "所属社区 community",
        ],
    )?;
    for (r, c) in plan.compounds.iter().enumerate() {
        use serde_json::json;
        write_row(
            sheet,
            r as u32 + 1,
            &[
                json!(c.id),
                json!(c.name),
                json!(c.households),
                json!(c.planned_households),
                json!(owner.get(c.id.as_str()).copied().unwrap_or("")),
            ],
        )?;
    }
    sheet.autofit();
    book.save_to_buffer().map_err(err)
}
