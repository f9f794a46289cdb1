//! Zipped Shapefiles: the archive's entries grouped into layers, each layer's
//! shapes read with `shapefile` and its attribute table with `dbase`, the text
//! decoded as the `.cpg` says, else as UTF-8 when every value is valid UTF-8,
//! else as GBK.

use encoding_rs::{GBK, UTF_8};
use geo::orient::{Direction, Orient};
use geo::{
    BoundingRect, Contains, Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon,
    Point, Polygon, Rect,
};
use serde::Serialize;
use serde_json::Value;
use shapefile::{Shape, ShapeReader};
use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use crate::error::{ImportError, Note};
use crate::text::{encoding_from_cpg, Decoding};

/// Limits on what an archive may unpack to.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Bytes all entries together may unpack to (a zip bomb stops here).
    pub max_unpacked: u64,
    /// Entries an archive may hold.
    pub max_entries: usize,
    /// Vertices a layer may hold.
    pub max_vertices: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_unpacked: 512 << 20,
            max_entries: 10_000,
            max_vertices: 5_000_000,
        }
    }
}

/// The geometry type of a layer, as the `.shp` header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GeometryKind {
    Polygon,
    Polyline,
    Point,
    Null,
    Other,
}

impl GeometryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Polygon => "polygon",
            Self::Polyline => "polyline",
            Self::Point => "point",
            Self::Null => "null",
            Self::Other => "other",
        }
    }
}

/// A column of the attribute table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    pub name: String,
    /// dBase type: `C` text, `N`/`F` number, `L` logical, `D` date, …
    pub kind: String,
}

/// One Shapefile layer, read.
#[derive(Debug, Clone)]
pub struct SourceLayer {
    /// The archive (or file) name as the user named it.
    pub file: String,
    /// The `.shp` entry inside the archive (`社区/社区.shp`).
    pub entry: String,
    /// The layer's name: the entry's stem (`社区`).
    pub name: String,
    pub geometry: GeometryKind,
    pub fields: Vec<Field>,
    /// Record `i` (record number `i + 1`): its shape (`None` for a null shape) and values.
    pub records: Vec<(Option<Geometry>, Vec<Value>)>,
    pub decoding: Option<Decoding>,
    /// The `.prj` text, if there is one.
    pub prj: Option<Vec<u8>>,
    /// Bounding box of all shapes, in the file's own units.
    pub bbox: Option<Rect>,
}

impl SourceLayer {
    /// The `.dbf` entry beside the `.shp`, for messages.
    pub fn dbf_entry(&self) -> String {
        format!(
            "{}.dbf",
            self.entry.strip_suffix(".shp").unwrap_or(&self.entry)
        )
    }
}

/// Is this a zip archive?
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// Every Shapefile layer in a zip archive, in entry order.
pub fn read_zip(
    file: &str,
    bytes: &[u8],
    limits: &Limits,
    notes: &mut Vec<Note>,
) -> Result<Vec<SourceLayer>, Vec<ImportError>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        vec![ImportError::new(
            file,
            "import.bad_zip",
            format!("the file is not a readable zip archive ({e})"),
            format!("文件不是可读取的 zip 压缩包（{e}）"),
            "zip the Shapefile's .shp, .shx, .dbf, .prj and .cpg together again (or send them unzipped)",
            "请重新把 Shapefile 的 .shp、.shx、.dbf、.prj、.cpg 文件一起压缩（或直接提供这些文件）",
        )]
    })?;
    if archive.len() > limits.max_entries {
        return Err(vec![ImportError::new(
            file,
            "import.too_many_entries",
            format!(
                "the archive holds {} entries, more than the {} allowed",
                archive.len(),
                limits.max_entries
            ),
            format!(
                "压缩包内有 {} 个文件，超过 {} 个的上限",
                archive.len(),
                limits.max_entries
            ),
            "zip only the layers of the plan",
            "请只压缩方案所需的图层",
        )]);
    }
    // Entries by base path (without extension), extension → bytes.
    let mut sets: BTreeMap<String, BTreeMap<String, Vec<u8>>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut budget = limits.max_unpacked;
    let mut errors = Vec::new();
    for i in 0..archive.len() {
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                errors.push(
                    ImportError::new(
                        file,
                        "import.bad_zip",
                        format!("entry #{} cannot be read ({e})", i + 1),
                        format!("第 {} 个文件无法读取（{e}）", i + 1),
                        "zip the files again with ordinary (deflate) compression and no password",
                        "请用普通（deflate）压缩、不加密码重新压缩",
                    )
                    .entry(&format!("#{}", i + 1)),
                );
                continue;
            }
        };
        if entry.is_dir() {
            continue;
        }
        let name = entry_name(entry.name_raw());
        let Some((base, ext)) = name.rsplit_once('.') else {
            continue;
        };
        let ext = ext.to_ascii_lowercase();
        if !["shp", "shx", "dbf", "prj", "cpg"].contains(&ext.as_str())
            || base.starts_with("__MACOSX/")
            || base.rsplit('/').next().is_some_and(|s| s.starts_with("._"))
        {
            continue;
        }
        let mut data = Vec::new();
        match (&mut entry).take(budget + 1).read_to_end(&mut data) {
            Ok(n) if n as u64 > budget => {
                return Err(vec![ImportError::new(
                    file,
                    "import.too_large",
                    format!(
                        "the archive unpacks to more than {} MB",
                        limits.max_unpacked >> 20
                    ),
                    format!("压缩包解压后超过 {} MB", limits.max_unpacked >> 20),
                    "split the plan by street, or simplify the geometry",
                    "请按街道拆分方案，或简化几何图形",
                )
                .entry(&name)]);
            }
            Ok(n) => budget -= n as u64,
            Err(e) => {
                errors.push(
                    ImportError::new(
                        file,
                        "import.bad_zip",
                        format!("the entry cannot be unpacked ({e})"),
                        format!("该文件无法解压（{e}）"),
                        "zip the files again with ordinary (deflate) compression and no password",
                        "请用普通（deflate）压缩、不加密码重新压缩",
                    )
                    .entry(&name),
                );
                continue;
            }
        }
        let key = base.to_string();
        if !sets.contains_key(&key) {
            order.push(key.clone());
        }
        sets.entry(key).or_default().insert(ext, data);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut layers = Vec::new();
    for base in order {
        let Some(mut parts) = sets.remove(&base) else {
            continue;
        };
        let Some(shp) = parts.remove("shp") else {
            if parts.contains_key("dbf") {
                notes.push(Note::warning(
                    "import.dbf_without_shp",
                    file,
                    Some(&format!("{base}.dbf")),
                    "a .dbf without its .shp: this table has no shapes and was skipped (for households, use a CSV or XLSX table)",
                    "只有 .dbf 没有对应的 .shp：这个属性表没有图形，已跳过（户数表请用 CSV 或 XLSX）",
                ));
            }
            continue;
        };
        let dbf = parts.remove("dbf");
        let layer = read_layer(
            file,
            &format!("{base}.shp"),
            &shp,
            dbf.as_deref(),
            parts.remove("cpg").as_deref(),
            parts.remove("prj"),
            limits,
            notes,
        );
        match layer {
            Ok(l) => layers.push(l),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if layers.is_empty() {
        return Err(vec![ImportError::new(
            file,
            "import.no_shapefile",
            "the ZIP archive holds no Shapefile (.shp)",
            "ZIP 压缩包中没有 Shapefile（.shp 文件）",
            "zip the .shp together with its .shx, .dbf, .prj and .cpg",
            "请把 .shp 与同名的 .shx、.dbf、.prj、.cpg 一起压缩",
        )]);
    }
    Ok(layers)
}

/// Entry names: UTF-8 when valid, else GBK (Windows' zip in a Chinese locale).
fn entry_name(raw: &[u8]) -> String {
    let s = match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => GBK.decode_without_bom_handling(raw).0.into_owned(),
    };
    s.replace('\\', "/")
}

/// Reads one layer from its parts.
#[allow(clippy::too_many_arguments)]
pub fn read_layer(
    file: &str,
    entry: &str,
    shp: &[u8],
    dbf: Option<&[u8]>,
    cpg: Option<&[u8]>,
    prj: Option<Vec<u8>>,
    limits: &Limits,
    notes: &mut Vec<Note>,
) -> Result<SourceLayer, Vec<ImportError>> {
    let name = entry
        .rsplit('/')
        .next()
        .unwrap_or(entry)
        .strip_suffix(".shp")
        .unwrap_or(entry)
        .to_string();
    let dbf_entry = format!("{}.dbf", entry.strip_suffix(".shp").unwrap_or(entry));
    let bad_shp = |what: String, zh: String| {
        ImportError::new(
            file,
            "import.bad_shp",
            what,
            zh,
            "export the layer again from your GIS as a Shapefile, and zip all its files",
            "请从 GIS 软件重新导出该图层为 Shapefile，并把所有同名文件一起压缩",
        )
        .entry(entry)
    };
    let mut reader = ShapeReader::new(Cursor::new(shp)).map_err(|e| {
        vec![bad_shp(
            format!("the .shp cannot be read ({e})"),
            format!(".shp 文件无法读取（{e}）"),
        )]
    })?;
    let geometry = match reader.header().shape_type {
        shapefile::ShapeType::Polygon
        | shapefile::ShapeType::PolygonM
        | shapefile::ShapeType::PolygonZ => GeometryKind::Polygon,
        shapefile::ShapeType::Polyline
        | shapefile::ShapeType::PolylineM
        | shapefile::ShapeType::PolylineZ => GeometryKind::Polyline,
        shapefile::ShapeType::Point
        | shapefile::ShapeType::PointM
        | shapefile::ShapeType::PointZ
        | shapefile::ShapeType::Multipoint
        | shapefile::ShapeType::MultipointM
        | shapefile::ShapeType::MultipointZ => GeometryKind::Point,
        shapefile::ShapeType::NullShape => GeometryKind::Null,
        _ => GeometryKind::Other,
    };
    let mut shapes = Vec::new();
    let mut vertices = 0usize;
    for (i, shape) in reader.iter_shapes().enumerate() {
        let shape = shape.map_err(|e| {
            vec![bad_shp(
                format!("shape {} cannot be read ({e})", i + 1),
                format!("第 {} 个图形无法读取（{e}）", i + 1),
            )
            .record(i + 1)]
        })?;
        let (g, n) = to_geo(shape);
        vertices += n;
        if vertices > limits.max_vertices {
            return Err(vec![ImportError::new(
                file,
                "import.too_many_vertices",
                format!("the layer has more than {} vertices", limits.max_vertices),
                format!("图层顶点数超过 {} 个", limits.max_vertices),
                "simplify the layer (e.g. to 0.5 m) in your GIS before importing",
                "请先在 GIS 软件中简化图层（例如容差 0.5 米）再导入",
            )
            .entry(entry)]);
        }
        shapes.push(g);
    }
    let (fields, rows, decoding) = match dbf {
        Some(dbf) => read_dbf(file, &dbf_entry, dbf, cpg, notes)?,
        None => {
            notes.push(Note::warning(
                "import.no_dbf",
                file,
                Some(entry),
                "no .dbf beside the .shp: the layer has no attributes (ids are generated from record numbers)",
                ".shp 旁没有 .dbf 属性表：图层没有属性（编号将按记录号生成）",
            ));
            (Vec::new(), Vec::new(), None)
        }
    };
    if dbf.is_some() && rows.len() != shapes.len() {
        return Err(vec![ImportError::new(
            file,
            "import.count_mismatch",
            format!("the .shp has {} shapes but the .dbf has {} records", shapes.len(), rows.len()),
            format!(".shp 有 {} 个图形，而 .dbf 有 {} 条记录", shapes.len(), rows.len()),
            "the files come from different exports: export the layer again and zip its .shp, .shx and .dbf together",
            "这些文件来自不同的导出：请重新导出该图层，并把 .shp、.shx、.dbf 一起压缩",
        )
        .entry(&dbf_entry)]);
    }
    let mut rows = rows.into_iter();
    let records: Vec<(Option<Geometry>, Vec<Value>)> = shapes
        .into_iter()
        .map(|g| (g, rows.next().unwrap_or_default()))
        .collect();
    let bbox = records
        .iter()
        .filter_map(|(g, _)| g.as_ref()?.bounding_rect())
        .reduce(|a, b| {
            Rect::new(
                Coord {
                    x: a.min().x.min(b.min().x),
                    y: a.min().y.min(b.min().y),
                },
                Coord {
                    x: a.max().x.max(b.max().x),
                    y: a.max().y.max(b.max().y),
                },
            )
        });
    Ok(SourceLayer {
        file: file.to_string(),
        entry: entry.to_string(),
        name,
        geometry,
        fields,
        records,
        decoding,
        prj,
        bbox,
    })
}

fn pt<P: shapefile::record::traits::HasXY>(p: &P) -> Coord {
    Coord { x: p.x(), y: p.y() }
}

/// A shape as a `geo` geometry (longitude/latitude not yet known), with its vertex count.
fn to_geo(shape: Shape) -> (Option<Geometry>, usize) {
    fn polygon<P: shapefile::record::traits::HasXY>(
        rings: &[shapefile::PolygonRing<P>],
    ) -> (Option<Geometry>, usize) {
        let n = rings.iter().map(|r| r.points().len()).sum();
        let mut outers: Vec<Polygon> = Vec::new();
        let mut inners: Vec<LineString> = Vec::new();
        for r in rings {
            let ls = LineString::new(r.points().iter().map(pt).collect());
            match r {
                shapefile::PolygonRing::Outer(_) => outers.push(Polygon::new(ls, vec![])),
                shapefile::PolygonRing::Inner(_) => inners.push(ls),
            }
        }
        for hole in inners {
            let probe = hole.0.first().copied();
            let owner = probe.and_then(|p| {
                outers
                    .iter()
                    .position(|o| o.contains(&p) || o.exterior().0.contains(&p))
            });
            match owner {
                Some(i) => outers[i].interiors_push(hole),
                // A hole in no outer ring is an outer ring drawn the wrong way round.
                None => outers.push(Polygon::new(hole, vec![])),
            }
        }
        // Shapefile rings run clockwise; GeoJSON (RFC 7946) wants outer rings counter-clockwise.
        let outers: Vec<Polygon> = outers
            .into_iter()
            .map(|p| p.orient(Direction::Default))
            .collect();
        (
            (!outers.is_empty()).then(|| Geometry::MultiPolygon(MultiPolygon::new(outers))),
            n,
        )
    }
    fn lines<P: shapefile::record::traits::HasXY>(parts: &[Vec<P>]) -> (Option<Geometry>, usize) {
        let n = parts.iter().map(Vec::len).sum();
        let mls = MultiLineString::new(
            parts
                .iter()
                .map(|p| LineString::new(p.iter().map(pt).collect()))
                .collect(),
        );
        (
            (!mls.0.is_empty()).then_some(Geometry::MultiLineString(mls)),
            n,
        )
    }
    fn points<P: shapefile::record::traits::HasXY>(ps: &[P]) -> (Option<Geometry>, usize) {
        let g = match ps {
            [] => None,
            [p] => Some(Geometry::Point(Point::from(pt(p)))),
            _ => Some(Geometry::MultiPoint(MultiPoint::new(
                ps.iter().map(|p| Point::from(pt(p))).collect(),
            ))),
        };
        (g, ps.len())
    }
    match shape {
        Shape::NullShape => (None, 0),
        Shape::Point(p) => (Some(Geometry::Point(Point::from(pt(&p)))), 1),
        Shape::PointM(p) => (Some(Geometry::Point(Point::from(pt(&p)))), 1),
        Shape::PointZ(p) => (Some(Geometry::Point(Point::from(pt(&p)))), 1),
        Shape::Multipoint(m) => points(m.points()),
        Shape::MultipointM(m) => points(m.points()),
        Shape::MultipointZ(m) => points(m.points()),
        Shape::Polyline(l) => lines(l.parts()),
        Shape::PolylineM(l) => lines(l.parts()),
        Shape::PolylineZ(l) => lines(l.parts()),
        Shape::Polygon(p) => polygon(p.rings()),
        Shape::PolygonM(p) => polygon(p.rings()),
        Shape::PolygonZ(p) => polygon(p.rings()),
        Shape::Multipatch(_) => (None, 0),
    }
}

type Table = (Vec<Field>, Vec<Vec<Value>>, Option<Decoding>);

/// Reads a `.dbf`: fields and values, text decoded as the `.cpg` says or as detected.
pub fn read_dbf(
    file: &str,
    entry: &str,
    dbf: &[u8],
    cpg: Option<&[u8]>,
    notes: &mut Vec<Note>,
) -> Result<Table, Vec<ImportError>> {
    let declared = cpg.and_then(encoding_from_cpg);
    if let (Some(c), None) = (cpg, declared) {
        notes.push(Note::warning(
            "import.unknown_cpg",
            file,
            Some(entry),
            format!(
                "the .cpg names an unknown encoding {:?}: the encoding is detected instead",
                String::from_utf8_lossy(c).trim()
            ),
            format!(
                ".cpg 中的编码 {:?} 无法识别：改为自动判断编码",
                String::from_utf8_lossy(c).trim()
            ),
        ));
    }
    // The dBase language driver byte: 0x4D (936, GBK) and 0x7A (PRC GBK).
    let ldid = dbf.get(29).copied();
    let (first, source) = match (declared, ldid) {
        (Some(e), _) => (e, "cpg"),
        (None, Some(0x4D) | Some(0x7A)) => (GBK, "ldid"),
        _ => (UTF_8, "detected"),
    };
    // Strict UTF-8 fails on the first invalid byte; GBK (like any encoding_rs
    // decoder) never fails, so it is the fallback.
    let read = |encoding: &'static encoding_rs::Encoding,
                strict: bool|
     -> Result<(Vec<Field>, Vec<Vec<Value>>), ImportError> {
        let builder = dbase::ReaderBuilder::new();
        let builder = if strict {
            builder.with_encoding(dbase::Unicode)
        } else {
            builder.with_encoding(dbase::encoding::EncodingRs::from(encoding))
        };
        let mut reader = builder
            .build(Cursor::new(dbf))
            .map_err(|e| dbf_error(file, entry, None, &e.to_string()))?;
        let fields: Vec<Field> = reader
            .fields()
            .iter()
            .map(|f| Field {
                name: f.name().trim().to_string(),
                kind: char::from(u8::from(f.field_type())).to_string(),
            })
            .collect();
        let mut rows = Vec::new();
        for (i, rec) in reader.iter_records().enumerate() {
            let rec = rec.map_err(|e| dbf_error(file, entry, Some(i + 1), &e.to_string()))?;
            let map: std::collections::HashMap<String, dbase::FieldValue> = rec.into();
            rows.push(
                fields
                    .iter()
                    .map(|f| map.get(&f.name).map(value).unwrap_or(Value::Null))
                    .collect(),
            );
        }
        Ok((fields, rows))
    };
    let (fields, rows, decoding) = if first == UTF_8 {
        match read(UTF_8, true) {
            Ok((f, r)) => (
                f,
                r,
                Decoding {
                    encoding: "UTF-8",
                    source,
                },
            ),
            Err(_) if source == "cpg" => {
                notes.push(Note::warning(
                    "import.encoding_errors",
                    file,
                    Some(entry),
                    "some text is not valid UTF-8 although the .cpg says so: unreadable characters became \u{FFFD}; fix the .cpg (GBK?)",
                    "部分文字不是 .cpg 所说的 UTF-8 编码：无法识别的字符已替换为 \u{FFFD}；请修正 .cpg（是否为 GBK？）",
                ));
                let (f, r) = read(UTF_8, false).map_err(|e| vec![e])?;
                (
                    f,
                    r,
                    Decoding {
                        encoding: "UTF-8",
                        source,
                    },
                )
            }
            Err(_) => {
                let (f, r) = read(GBK, false).map_err(|e| vec![e])?;
                (
                    f,
                    r,
                    Decoding {
                        encoding: "GBK",
                        source: "detected",
                    },
                )
            }
        }
    } else {
        let (f, r) = read(first, false).map_err(|e| vec![e])?;
        (
            f,
            r,
            Decoding {
                encoding: first.name(),
                source,
            },
        )
    };
    if decoding.source != "cpg" {
        notes.push(Note::info(
            "import.encoding_detected",
            file,
            Some(entry),
            format!(
                "no .cpg: the attribute text was read as {} (detected)",
                decoding.encoding
            ),
            format!(
                "没有 .cpg 文件：属性文字按 {} 编码读取（自动判断）",
                decoding.encoding
            ),
        ));
    }
    Ok((fields, rows, Some(decoding)))
}

fn dbf_error(file: &str, entry: &str, record: Option<usize>, reason: &str) -> ImportError {
    let e = ImportError::new(
        file,
        "import.bad_dbf",
        format!("the attribute table cannot be read ({reason})"),
        format!("属性表无法读取（{reason}）"),
        "export the layer again from your GIS; if a text column holds very long values, shorten them to 254 characters",
        "请从 GIS 软件重新导出该图层；如果某文本字段的值过长，请缩短到 254 个字符以内",
    )
    .entry(entry);
    match record {
        Some(r) => e.record(r),
        None => e,
    }
}

/// A dBase value as JSON.
fn value(v: &dbase::FieldValue) -> Value {
    use dbase::FieldValue as F;
    let num = |x: f64| {
        serde_json::Number::from_f64(x).map_or(Value::Null, |n| {
            if x.fract() == 0.0 && x.abs() < 9.0e15 {
                Value::from(x as i64)
            } else {
                Value::Number(n)
            }
        })
    };
    match v {
        F::Character(Some(s)) | F::Memo(s) => {
            let t = s.trim();
            if t.is_empty() {
                Value::Null
            } else {
                Value::String(t.to_string())
            }
        }
        F::Character(None) => Value::Null,
        F::Numeric(Some(x)) | F::Double(x) => num(*x),
        F::Float(Some(x)) => num(*x as f64),
        F::Numeric(None) | F::Float(None) => Value::Null,
        F::Integer(i) => Value::from(*i),
        F::Currency(x) => num(*x),
        F::Logical(Some(b)) => Value::Bool(*b),
        F::Logical(None) => Value::Null,
        F::Date(Some(d)) => {
            Value::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        }
        F::Date(None) => Value::Null,
        F::DateTime(dt) => {
            let d = dt.date();
            Value::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        }
    }
}
