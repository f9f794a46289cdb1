//! Geometry checks: the right type for the layer, WGS 84 coordinates, valid rings.
//!
//! Every problem names where it is: the point (`part #1, hole #2, point #17`)
//! for a bad coordinate, the JSON path (`coordinates[0][3]`) for bad nesting,
//! and a longitude/latitude for a crossing.

use geo::line_intersection::line_intersection;
use geo::{
    BoundingRect, Coord, Line, LineIntersection, LineString, MultiLineString, MultiPolygon, Point,
    Polygon, Rect,
};
use rstar::RTree;
use serde_json::Value;

use super::properties::{closest, mean_en, mean_zh, quoted, Props};
use super::stream::{BadValue, Coords, Pos, RawGeometry};
use super::{a, kind_zh, LoadNote, LoadOptions};
use crate::model::Layer;
use crate::spatial::{box_tree, line_rect, until_near, BoxItem};

pub(crate) enum Shape {
    Area(MultiPolygon),
    Point(Point),
    Lines(MultiLineString),
}

pub(crate) struct GeomReader<'a> {
    pub opts: &'a LoadOptions,
    pub notes: &'a mut Vec<LoadNote>,
}

const FIX_GIS: &str =
    "repair it in your GIS (QGIS: Processing Toolbox ▸ Vector geometry ▸ Fix geometries; \
                       Vector ▸ Geometry Tools ▸ Check Validity shows where) and export again";
const FIX_GIS_ZH: &str = "请在 GIS 中修复后重新导出（QGIS：处理工具箱 ▸ 矢量几何 ▸ 修复几何图形；\
                          矢量 ▸ 几何图形工具 ▸ 检查有效性 可定位问题）";
const FIX_REDRAW: &str = "draw the outline again, or remove the feature if it is a leftover";
const FIX_REDRAW_ZH: &str = "请重新绘制轮廓；若为残留要素请删除";

/// The GeoJSON geometry types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Point,
    MultiPoint,
    LineString,
    MultiLineString,
    Polygon,
    MultiPolygon,
    GeometryCollection,
}

impl Kind {
    const ALL: [Kind; 7] = [
        Kind::Point,
        Kind::MultiPoint,
        Kind::LineString,
        Kind::MultiLineString,
        Kind::Polygon,
        Kind::MultiPolygon,
        Kind::GeometryCollection,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Kind::Point => "Point",
            Kind::MultiPoint => "MultiPoint",
            Kind::LineString => "LineString",
            Kind::MultiLineString => "MultiLineString",
            Kind::Polygon => "Polygon",
            Kind::MultiPolygon => "MultiPolygon",
            Kind::GeometryCollection => "GeometryCollection",
        }
    }

    /// The shape of the coordinates, for messages: `(en, zh)`.
    fn template(self) -> (&'static str, &'static str) {
        match self {
            Kind::Point => ("[lon, lat]", "[经度, 纬度]"),
            Kind::MultiPoint | Kind::LineString => ("[[lon, lat], ...]", "[[经度, 纬度], ...]"),
            Kind::MultiLineString => (
                "[[[lon, lat], ...], ...] (a list of lines)",
                "[[[经度, 纬度], ...], ...]（线的列表）",
            ),
            Kind::Polygon => (
                "[[[lon, lat], ...], ...] (a list of rings)",
                "[[[经度, 纬度], ...], ...]（环的列表）",
            ),
            Kind::MultiPolygon => (
                "[[[[lon, lat], ...], ...], ...] (a list of polygons)",
                "[[[[经度, 纬度], ...], ...], ...]（多边形的列表）",
            ),
            Kind::GeometryCollection => (
                "(none: it has \"geometries\")",
                "（无：它使用 \"geometries\"）",
            ),
        }
    }
}

/// A problem found while reading coordinates.
struct Bad {
    code: &'static str,
    en: String,
    zh: String,
    fix_en: String,
    fix_zh: String,
}

impl Bad {
    fn new(code: &'static str, en: String, zh: String, fix_en: &str, fix_zh: &str) -> Self {
        Bad {
            code,
            en,
            zh,
            fix_en: fix_en.into(),
            fix_zh: fix_zh.into(),
        }
    }
}

/// Where a position is, for messages.
#[derive(Clone, Copy)]
struct Loc {
    kind: Kind,
    part: usize,
    ring: usize,
    point: usize,
}

impl Loc {
    fn en(&self) -> String {
        let Loc {
            part, ring, point, ..
        } = *self;
        match self.kind {
            Kind::Point => "the point".into(),
            Kind::LineString => format!("point #{point}"),
            Kind::MultiLineString => format!("line #{ring}, point #{point}"),
            Kind::Polygon | Kind::MultiPolygon => {
                let part = if self.kind == Kind::MultiPolygon {
                    format!("part #{part}, ")
                } else {
                    String::new()
                };
                let ring = if ring == 0 {
                    "outer ring".to_string()
                } else {
                    format!("hole #{ring}")
                };
                format!("{part}{ring}, point #{point}")
            }
            Kind::MultiPoint | Kind::GeometryCollection => format!("position #{point}"),
        }
    }

    fn zh(&self) -> String {
        let Loc {
            part, ring, point, ..
        } = *self;
        match self.kind {
            Kind::Point => "该点".into(),
            Kind::LineString => format!("第 {point} 号点"),
            Kind::MultiLineString => format!("第 {ring} 条线第 {point} 号点"),
            Kind::Polygon | Kind::MultiPolygon => {
                let part = if self.kind == Kind::MultiPolygon {
                    format!("第 {part} 部分")
                } else {
                    String::new()
                };
                let ring = if ring == 0 {
                    "外环".to_string()
                } else {
                    format!("第 {ring} 个内环")
                };
                format!("{part}{ring}第 {point} 号点")
            }
            Kind::MultiPoint | Kind::GeometryCollection => format!("第 {point} 号坐标"),
        }
    }
}

/// Where in `coordinates` a value is: `[0][3]`. Built as the reader descends,
/// written out only for a message.
#[derive(Clone, Copy, Default)]
struct Path {
    idx: [usize; 4],
    len: usize,
}

impl Path {
    fn push(mut self, i: usize) -> Self {
        if self.len < self.idx.len() {
            self.idx[self.len] = i;
            self.len += 1;
        }
        self
    }
}

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.idx[..self.len]
            .iter()
            .try_for_each(|i| write!(f, "[{i}]"))
    }
}

/// Turns nested [`Coords`] into checked coordinates.
struct Reader {
    kind: Kind,
    min_x: f64,
    max_x: f64,
    has_z: bool,
}

impl Reader {
    fn list(
        &self,
        c: Coords,
        path: Path,
        what_en: &str,
        what_zh: &str,
    ) -> Result<Vec<Coords>, Bad> {
        let kind = self.kind.as_str();
        let (template, template_zh) = self.kind.template();
        match c {
            Coords::List(v) => Ok(v),
            Coords::Pos(_) => Err(Bad::new(
                "load.bad_coordinates",
                format!("coordinates{path} is a single position where {what_en} was expected; a {kind}'s coordinates are {template}"),
                format!("coordinates{path} 处是单个坐标，此处应为{what_zh}；{kind} 的坐标格式为 {template_zh}"),
                "add the missing pair of brackets, or export the layer again as GeoJSON",
                "请补上缺少的一层方括号，或重新导出为 GeoJSON",
            )),
            Coords::Scalar(found) => Err(Bad::new(
                "load.bad_coordinates",
                format!("coordinates{path} is {}, expected {what_en}; a {kind}'s coordinates are {template}", a(found)),
                format!("coordinates{path} 处是{}，应为{what_zh}；{kind} 的坐标格式为 {template_zh}", kind_zh(found)),
                "export the layer again as GeoJSON; coordinates are nested arrays of numbers",
                "请重新导出为 GeoJSON；坐标应为嵌套的数字数组",
            )),
        }
    }

    fn position(&mut self, c: Coords, path: Path, loc: Loc) -> Result<Coord, Bad> {
        let kind = self.kind.as_str();
        let (template, template_zh) = self.kind.template();
        match c {
            Coords::Pos(p) => self.check(&p, loc),
            Coords::List(_) => Err(Bad::new(
                "load.bad_coordinates",
                format!("coordinates{path} is an array of arrays where a position [lon, lat] was expected; a {kind}'s coordinates are {template}"),
                format!("coordinates{path} 处是多层数组，此处应为坐标 [经度, 纬度]；{kind} 的坐标格式为 {template_zh}"),
                "remove the extra pair of brackets, or check the geometry \"type\"",
                "请删除多余的一层方括号，或检查几何的 \"type\"",
            )),
            Coords::Scalar(found) => Err(Bad::new(
                "load.bad_coordinates",
                format!("coordinates{path} is {}, expected a position [lon, lat]; a {kind}'s coordinates are {template}", a(found)),
                format!("coordinates{path} 处是{}，应为坐标 [经度, 纬度]；{kind} 的坐标格式为 {template_zh}", kind_zh(found)),
                "write every position as [longitude, latitude]",
                "每个坐标请写成 [经度, 纬度]",
            )),
        }
    }

    fn positions(&mut self, c: Coords, path: Path, mut loc: Loc) -> Result<Vec<Coord>, Bad> {
        let (what_en, what_zh) = match self.kind {
            Kind::Polygon | Kind::MultiPolygon => {
                ("a ring [[lon, lat], ...]", "环 [[经度, 纬度], ...]")
            }
            Kind::MultiLineString => ("a line [[lon, lat], ...]", "线 [[经度, 纬度], ...]"),
            _ => (
                "a list of positions [[lon, lat], ...]",
                "坐标列表 [[经度, 纬度], ...]",
            ),
        };
        let items = self.list(c, path, what_en, what_zh)?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            loc.point = i;
            out.push(self.position(item, path.push(i), loc)?);
        }
        Ok(out)
    }

    fn rings(&mut self, c: Coords, path: Path, mut loc: Loc) -> Result<Vec<Vec<Coord>>, Bad> {
        let (what_en, what_zh) = match self.kind {
            Kind::MultiLineString => ("a list of lines", "线的列表"),
            _ => ("a list of rings", "环的列表"),
        };
        let items = self.list(c, path, what_en, what_zh)?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            loc.ring = i;
            out.push(self.positions(item, path.push(i), loc)?);
        }
        Ok(out)
    }

    fn polygons(&mut self, c: Coords) -> Result<Vec<Vec<Vec<Coord>>>, Bad> {
        let items = self.list(c, Path::default(), "a list of polygons", "多边形列表")?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            let loc = Loc {
                kind: self.kind,
                part: i,
                ring: 0,
                point: 0,
            };
            out.push(self.rings(item, Path::default().push(i), loc)?);
        }
        Ok(out)
    }

    /// One position: two finite numbers, longitude and latitude in range.
    fn check(&mut self, p: &Pos, loc: Loc) -> Result<Coord, Bad> {
        let (x, y) = (p.x, p.y);
        let fine = p.len >= 2
            && p.bad.as_ref().is_none_or(|(k, _)| *k >= 2)
            && x.abs() <= 180.0
            && y.abs() <= 90.0
            && !((18.0..=54.0).contains(&x) && (73.0..=136.0).contains(&y));
        if !fine {
            return Err(self.problem(p, loc));
        }
        self.has_z |= p.len > 2;
        self.min_x = self.min_x.min(x);
        self.max_x = self.max_x.max(x);
        Ok(Coord { x, y })
    }

    /// What is wrong with a position [`Self::check`] refused.
    #[cold]
    fn problem(&self, p: &Pos, loc: Loc) -> Bad {
        let (at, at_zh) = (loc.en(), loc.zh());
        if let Some((k, bad)) = p.bad.as_ref().filter(|(k, _)| *k < 2) {
            let (what, what_zh) = if *k == 0 {
                ("longitude", "经度")
            } else {
                ("latitude", "纬度")
            };
            return match bad {
                BadValue::Null => Bad::new(
                    "load.null_coordinate",
                    format!("{at}: the {what} is null (NaN and Infinity become null when written as JSON)"),
                    format!("{at_zh}：{what_zh}为 null（NaN、Infinity 写入 JSON 后会变成 null）"),
                    "fix or delete that vertex in your GIS (QGIS: Vertex Tool) and export again",
                    "请在 GIS 中修正或删除该顶点（QGIS：顶点工具）后重新导出",
                ),
                BadValue::Text(s) => Bad::new(
                    "load.bad_position",
                    format!("{at}: the {what} is the text {s:?}; coordinates are numbers"),
                    format!("{at_zh}：{what_zh}是文本 {s:?}，坐标应为数字"),
                    "write coordinates as numbers, without quotes",
                    "坐标请写成数字，不加引号",
                ),
                BadValue::Other(found) => Bad::new(
                    "load.bad_position",
                    format!("{at}: the {what} is {}; coordinates are numbers", a(found)),
                    format!("{at_zh}：{what_zh}是{}，坐标应为数字", kind_zh(found)),
                    "write every position as [longitude, latitude]",
                    "每个坐标请写成 [经度, 纬度]",
                ),
            };
        }
        if p.len < 2 {
            let shown = if p.len == 0 {
                "[]".to_string()
            } else {
                format!("[{}]", p.x)
            };
            return Bad::new(
                "load.bad_position",
                format!(
                    "{at} is {shown}, {} number(s); a position is [longitude, latitude]",
                    p.len
                ),
                format!(
                    "{at_zh}为 {shown}，只有 {} 个数值；坐标应为 [经度, 纬度]",
                    p.len
                ),
                "write every position as [longitude, latitude]",
                "每个坐标请写成 [经度, 纬度]",
            );
        }
        let (x, y) = (p.x, p.y);
        if !x.is_finite() || !y.is_finite() {
            return Bad::new(
                "load.non_finite",
                format!("{at}: [{x}, {y}] is not a finite number"),
                format!("{at_zh}：[{x}, {y}] 不是有限数字"),
                "fix the coordinate in your GIS",
                "请在 GIS 中修正该坐标",
            );
        }
        if x.abs() > 180.0 || y.abs() > 90.0 {
            return out_of_range(x, y, &at, &at_zh);
        }
        // Chinese coordinates read the wrong way round can still be "in range".
        swapped(x, y, &at, &at_zh)
    }
}

fn swapped(x: f64, y: f64, at: &str, at_zh: &str) -> Bad {
    Bad::new(
        "load.swapped",
        format!("{at} is [{x}, {y}], which reads as longitude {x}°, latitude {y}°, not in China; longitude and latitude look swapped"),
        format!("{at_zh}为 [{x}, {y}]，按经度 {x}°、纬度 {y}° 理解不在中国境内，经纬度似乎写反了"),
        "write positions as [longitude, latitude] (GeoJSON order); in QGIS re-export with Export ▸ Save Features As…, or swap the X/Y fields when importing the table",
        "GeoJSON 坐标顺序为 [经度, 纬度]；请在 QGIS 中用 导出 ▸ 要素另存为… 重新导出，或导入表格时交换 X/Y 字段",
    )
}

fn out_of_range(x: f64, y: f64, at: &str, at_zh: &str) -> Bad {
    if x.abs() > 1000.0 || y.abs() > 1000.0 {
        let (guess, guess_zh) = projected_guess(x, y);
        return Bad::new(
            "load.projected",
            format!("{at} is [{x}, {y}], which looks like projected metres{guess}, not longitude/latitude"),
            format!("{at_zh}为 [{x}, {y}]，像是以米为单位的投影坐标{guess_zh}，而不是经纬度"),
            "set the layer's real CRS in QGIS (Layer Properties ▸ Source), then Export ▸ Save Features As… with CRS EPSG:4326 (WGS 84)",
            "请在 QGIS 中先设置图层的实际坐标系（图层属性 ▸ 源），再用 导出 ▸ 要素另存为… 并将坐标系选为 EPSG:4326（WGS 84）",
        );
    }
    if y.abs() > 90.0 && x.abs() <= 90.0 {
        return swapped(x, y, at, at_zh);
    }
    let (what, what_zh, v) = if y.abs() > 90.0 {
        ("latitude", "纬度", y)
    } else {
        ("longitude", "经度", x)
    };
    let limit = if y.abs() > 90.0 { 90 } else { 180 };
    Bad::new(
        "load.out_of_range",
        format!("{at} is [{x}, {y}]: {what} {v} is beyond ±{limit}°"),
        format!("{at_zh}为 [{x}, {y}]：{what_zh} {v} 超出 ±{limit}°"),
        "check the coordinate; plans are in WGS 84 longitude/latitude (EPSG:4326)",
        "请检查该坐标；方案须使用 WGS 84 经纬度（EPSG:4326）",
    )
}

/// A guess at the projection from Gauss–Krüger coordinates: with a zone
/// number the easting is `zone × 1,000,000 + 500,000 ± …`.
fn projected_guess(x: f64, y: f64) -> (String, String) {
    let northing = (1_500_000.0..6_500_000.0).contains(&y);
    let zone = (x / 1_000_000.0).floor();
    if northing && (25.0..=45.0).contains(&zone) {
        let epsg = 4488 + zone as u32;
        let s = format!(" (CGCS2000 3-degree Gauss–Krüger zone {zone}, EPSG:{epsg}?)");
        let zh = format!("（CGCS2000 3 度带高斯–克吕格第 {zone} 带，EPSG:{epsg}？）");
        (s, zh)
    } else if northing && (16.0..=23.0).contains(&zone) {
        let epsg = 4478 + zone as u32;
        let s = format!(" (CGCS2000 6-degree Gauss–Krüger zone {zone}, EPSG:{epsg}?)");
        let zh = format!("（CGCS2000 6 度带高斯–克吕格第 {zone} 带，EPSG:{epsg}？）");
        (s, zh)
    } else if northing && (0.0..1_000_000.0).contains(&x) {
        (
            " (Gauss–Krüger without a zone number, e.g. CGCS2000 3-degree CM 120°E, EPSG:4549)"
                .into(),
            "（不带带号的高斯–克吕格坐标，例如 CGCS2000 3 度带中央经线 120°E，EPSG:4549）".into(),
        )
    } else {
        (String::new(), String::new())
    }
}

impl GeomReader<'_> {
    pub fn read(
        &mut self,
        f: &mut Props,
        layer: Layer,
        geometry: Option<RawGeometry>,
    ) -> Option<Shape> {
        let expected = match layer {
            Layer::Community | Layer::Grid | Layer::Street => "Polygon or MultiPolygon",
            Layer::Compound => "Polygon, MultiPolygon or Point",
            Layer::Barrier => "LineString or MultiLineString",
            Layer::ServiceCenter => "Point",
        };
        let expected_zh = expected.replace(", ", "、").replace(" or ", " 或 ");
        let l = layer.as_str();
        let (type_value, coordinates, vertices, lists) = match geometry {
            None | Some(RawGeometry::Null) => {
                fail(
                    f,
                    "load.missing_geometry",
                    format!("missing; a {l} feature needs a {expected} geometry"),
                    format!("缺失；{l} 要素须有 {expected_zh} 几何"),
                    "draw the feature or remove it from the plan",
                    "请绘制该要素的几何，或将其从方案中删除",
                );
                return None;
            }
            Some(RawGeometry::NotObject(found, text)) => {
                let text = text.unwrap_or_default();
                let upper = text.trim_start().to_uppercase();
                if Kind::ALL
                    .iter()
                    .any(|k| upper.starts_with(&k.as_str().to_uppercase()))
                {
                    fail(
                        f,
                        "load.bad_geometry",
                        format!("the geometry is WKT text ({text:?}), not a GeoJSON geometry object"),
                        format!("几何是 WKT 文本（{text:?}），不是 GeoJSON 几何对象"),
                        "export the layer as GeoJSON (QGIS: Export ▸ Save Features As… ▸ Format GeoJSON) instead of writing WKT into it",
                        "请直接导出为 GeoJSON（QGIS：导出 ▸ 要素另存为… ▸ 格式 GeoJSON），不要把 WKT 写进文件",
                    );
                } else {
                    fail(
                        f,
                        "load.bad_geometry",
                        format!("the geometry must be an object {{\"type\": ..., \"coordinates\": ...}}, found {}", a(found)),
                        format!("几何应为 {{\"type\": ..., \"coordinates\": ...}} 对象，实际为{}", kind_zh(found)),
                        "export the layer again as GeoJSON",
                        "请重新导出为 GeoJSON",
                    );
                }
                return None;
            }
            Some(RawGeometry::Object {
                r#type,
                coordinates,
                vertices,
                lists,
            }) => (r#type, coordinates, vertices, lists),
        };
        let kind = match &type_value {
            Some(Value::String(s)) => match Kind::ALL.into_iter().find(|k| k.as_str() == s) {
                Some(k) => k,
                None => {
                    let names = Kind::ALL.map(Kind::as_str);
                    let meant = closest(s, &names);
                    let (s, en, zh) = (quoted(s), mean_en(meant), mean_zh(meant));
                    fail(
                        f,
                        "load.bad_geometry",
                        format!("unknown geometry type {s}{en}"),
                        format!("未知的几何类型 {s}{zh}"),
                        &format!("use a GeoJSON type, here {expected} (the case matters)"),
                        &format!("请使用 GeoJSON 几何类型，此处应为 {expected_zh}（区分大小写）"),
                    );
                    return None;
                }
            },
            None => {
                fail(
                    f,
                    "load.bad_geometry",
                    "the geometry has no \"type\"".into(),
                    "几何缺少 \"type\"".into(),
                    &format!("add \"type\": {expected} to the geometry, or export the layer again as GeoJSON"),
                    &format!("请为几何添加 \"type\"（{expected_zh}），或重新导出为 GeoJSON"),
                );
                return None;
            }
            Some(other) => {
                fail(
                    f,
                    "load.bad_geometry",
                    format!(
                        "the geometry \"type\" must be text such as \"Polygon\", found {}",
                        a(super::json_kind(other))
                    ),
                    format!(
                        "几何的 \"type\" 应为 \"Polygon\" 等文本，实际为{}",
                        super::json_kind_zh(other)
                    ),
                    "export the layer again as GeoJSON",
                    "请重新导出为 GeoJSON",
                );
                return None;
            }
        };
        let type_name = kind.as_str();
        let shape_ok = matches!(
            (kind, layer),
            (
                Kind::Polygon | Kind::MultiPolygon,
                Layer::Community | Layer::Grid | Layer::Street | Layer::Compound
            ) | (Kind::Point, Layer::Compound | Layer::ServiceCenter)
                | (Kind::LineString | Kind::MultiLineString, Layer::Barrier)
        );
        if !shape_ok {
            fail(
                f,
                "load.wrong_geometry",
                format!("a {l} feature must be a {expected}, found a {type_name}"),
                format!("{l} 要素的几何应为 {expected_zh}，实际为 {type_name}"),
                &format!("give it a {expected} geometry, or check its \"layer\""),
                &format!("请改为 {expected_zh} 几何，或检查其 \"layer\" 属性"),
            );
            return None;
        }
        if vertices > self.opts.max_vertices_per_feature {
            let max = crate::fmt::int(self.opts.max_vertices_per_feature as u64);
            let n = crate::fmt::int(vertices as u64);
            fail(
                f,
                "load.too_many_vertices",
                format!("the {type_name} has {n} vertices; the limit is {max}"),
                format!("{type_name} 有 {n} 个顶点，超过上限 {max}"),
                "simplify it (QGIS: Vector ▸ Geometry Tools ▸ Simplify, tolerance 0.5 m) and export again",
                "请先简化后重新导出（QGIS：矢量 ▸ 几何图形工具 ▸ 简化，容差 0.5 米）",
            );
            return None;
        }
        if lists > self.opts.max_vertices_per_feature {
            let max = crate::fmt::int(self.opts.max_vertices_per_feature as u64);
            let n = crate::fmt::int(lists as u64);
            fail(
                f,
                "load.too_many_vertices",
                format!("the {type_name} has {n} rings, parts or empty arrays; the limit is {max}"),
                format!("{type_name} 有 {n} 个环、部分或空数组，超过上限 {max}"),
                "remove the empty parts and tiny holes (QGIS: Processing Toolbox ▸ Delete holes) or simplify it, and export again",
                "请删除空的部分和细小孔洞（QGIS：处理工具箱 ▸ 删除孔洞）或先简化，再重新导出",
            );
            return None;
        }
        let Some(coordinates) = coordinates else {
            fail(
                f,
                "load.bad_geometry",
                format!("the {type_name} has no \"coordinates\""),
                format!("{type_name} 缺少 \"coordinates\""),
                "draw the feature again, or remove it from the plan",
                "请重新绘制该要素，或将其从方案中删除",
            );
            return None;
        };
        let mut r = Reader {
            kind,
            min_x: f64::INFINITY,
            max_x: f64::NEG_INFINITY,
            has_z: false,
        };
        let start = Loc {
            kind,
            part: 0,
            ring: 0,
            point: 0,
        };
        let read = match kind {
            Kind::Point => r
                .position(coordinates, Path::default(), start)
                .map(|c| Parsed::Done(Shape::Point(c.into()))),
            Kind::LineString => r
                .positions(coordinates, Path::default(), start)
                .map(|l| Parsed::Lines(vec![l])),
            Kind::MultiLineString => r
                .rings(coordinates, Path::default(), start)
                .map(Parsed::Lines),
            Kind::Polygon => r
                .rings(coordinates, Path::default(), start)
                .map(|p| Parsed::Polygons(vec![p])),
            Kind::MultiPolygon => r.polygons(coordinates).map(Parsed::Polygons),
            Kind::MultiPoint | Kind::GeometryCollection => return None, // refused above
        };
        let parsed = match read {
            Ok(p) => p,
            Err(b) => {
                f.fail_field("geometry", b.code, b.en, b.zh, b.fix_en, b.fix_zh);
                return None;
            }
        };
        if r.max_x - r.min_x > 180.0 {
            let span = r.max_x - r.min_x;
            fail(
                f,
                "load.antimeridian",
                format!("the geometry spans {span:.2}° of longitude ({:.2}° to {:.2}°), crossing the antimeridian", r.min_x, r.max_x),
                format!("几何横跨经度 {span:.2}°（{:.2}° 至 {:.2}°），跨过了 180° 经线", r.min_x, r.max_x),
                "split the feature at 180° longitude (RFC 7946 §3.1.9), or check for a stray vertex",
                "请在 180° 经线处拆分该要素（RFC 7946 §3.1.9），或检查是否有离群顶点",
            );
            return None;
        }
        if r.has_z {
            self.note(
                f,
                "repair.dropped_z",
                "ignored the third number (height) of positions",
                "已忽略坐标的第三个数值（高程）",
            );
        }
        match parsed {
            Parsed::Done(shape) => Some(shape),
            Parsed::Lines(lines) => self.lines(f, lines).map(Shape::Lines),
            Parsed::Polygons(polys) => self.polygons(f, polys).map(Shape::Area),
        }
    }

    fn note(&mut self, f: &Props, code: &'static str, en: &str, zh: &str) {
        self.notes.push(LoadNote {
            code,
            file: f.file_name().to_string(),
            feature_index: f.index(),
            feature_id: f.feature_id_hint().map(str::to_string),
            message_en: en.to_string(),
            message_zh: zh.to_string(),
            count: 1,
        })
    }

    fn lines(&mut self, f: &mut Props, lines: Vec<Vec<Coord>>) -> Option<MultiLineString> {
        let mut out = Vec::new();
        for (i, mut ls) in lines.into_iter().enumerate() {
            ls.dedup();
            if ls.len() < 2 {
                fail(
                    f,
                    "load.too_few_points",
                    format!(
                        "line #{i} has {} distinct point(s); a line needs at least 2",
                        ls.len()
                    ),
                    format!("第 {i} 条线只有 {} 个不同的点，至少需要 2 个", ls.len()),
                    "remove the empty line or draw it again",
                    "请删除该空线或重新绘制",
                );
                return None;
            }
            out.push(LineString::new(ls));
        }
        if out.is_empty() {
            fail(
                f,
                "load.empty_geometry",
                "the geometry has no lines".into(),
                "几何中没有线".into(),
                "draw the line or remove the feature",
                "请绘制该线或删除该要素",
            );
            return None;
        }
        Some(MultiLineString::new(out))
    }

    fn polygons(&mut self, f: &mut Props, polys: Vec<Vec<Vec<Coord>>>) -> Option<MultiPolygon> {
        let mut out = Vec::with_capacity(polys.len());
        let (mut closed, mut rewound, mut deduped) = (false, false, false);
        for (pi, rings) in polys.into_iter().enumerate() {
            let part = if pi > 0 {
                format!("part #{pi}, ")
            } else {
                String::new()
            };
            let part_zh = if pi > 0 {
                format!("第 {pi} 部分")
            } else {
                String::new()
            };
            let mut geo_rings = Vec::with_capacity(rings.len());
            for (ri, mut cs) in rings.into_iter().enumerate() {
                let role = if ri == 0 {
                    "outer ring".to_string()
                } else {
                    format!("hole #{ri}")
                };
                let role_zh = if ri == 0 {
                    "外环".to_string()
                } else {
                    format!("第 {ri} 个内环")
                };
                let before = cs.len();
                cs.dedup();
                deduped |= cs.len() != before;
                if cs.len() > 1 && cs.first() != cs.last() {
                    cs.push(cs[0]);
                    closed = true;
                }
                let distinct = if cs.len() > 1 { cs.len() - 1 } else { cs.len() };
                if distinct < 3 {
                    fail(
                        f,
                        "load.too_few_points",
                        format!("{part}{role} has {distinct} distinct point(s); a ring needs at least 3"),
                        format!("{part_zh}{role_zh}只有 {distinct} 个不同的点，至少需要 3 个"),
                        FIX_REDRAW,
                        FIX_REDRAW_ZH,
                    );
                    return None;
                }
                geo_rings.push(LineString::new(cs));
            }
            if geo_rings.is_empty() {
                fail(
                    f,
                    "load.empty_geometry",
                    format!("{part}the polygon has no rings"),
                    format!("{part_zh}多边形没有环"),
                    "draw the outline or remove the feature",
                    "请绘制轮廓或删除该要素",
                );
                return None;
            }
            let exterior = geo_rings.remove(0);
            let mut poly = Polygon::new(exterior, geo_rings);
            if is_flat(poly.exterior()) {
                fail(
                    f,
                    "load.zero_area",
                    format!(
                        "{part}the polygon has no area: all {} of its points lie on one line",
                        poly.exterior().0.len() - 1
                    ),
                    format!(
                        "{part_zh}多边形面积为零：其 {} 个点都在一条直线上",
                        poly.exterior().0.len() - 1
                    ),
                    FIX_REDRAW,
                    FIX_REDRAW_ZH,
                );
                return None;
            }
            if !is_rfc7946_wound(&poly) {
                use geo::orient::{Direction, Orient};
                poly = poly.orient(Direction::Default);
                rewound = true;
            }
            out.push(poly);
        }
        if out.is_empty() {
            fail(
                f,
                "load.empty_geometry",
                "the MultiPolygon has no polygons".into(),
                "MultiPolygon 中没有多边形".into(),
                "draw the outline or remove the feature",
                "请绘制轮廓或删除该要素",
            );
            return None;
        }
        let mp = MultiPolygon::new(out);
        match first_invalidity(&mp) {
            Ok(None) => {}
            Ok(Some((en, zh, at))) => {
                fail(
                    f,
                    "load.invalid_geometry",
                    format!("{en} near {:.6}, {:.6}", at.x, at.y),
                    format!("{zh}（位置约 {:.6}, {:.6}）", at.x, at.y),
                    FIX_GIS,
                    FIX_GIS_ZH,
                );
                return None;
            }
            Err(TooIntricate) => {
                fail(
                    f,
                    "load.too_complex",
                    "the outline is too intricate to check (many of its edges overlap one another's extent)".into(),
                    "轮廓过于复杂，无法完成检查（大量边的范围相互重叠）".into(),
                    "simplify it (QGIS: Vector ▸ Geometry Tools ▸ Simplify, tolerance 0.5 m) and export again",
                    "请先简化后重新导出（QGIS：矢量 ▸ 几何图形工具 ▸ 简化，容差 0.5 米）",
                );
                return None;
            }
        }
        if closed {
            self.note(
                f,
                "repair.closed_ring",
                "closed a ring whose last point did not repeat its first",
                "已闭合首尾点不一致的环",
            );
        }
        if rewound {
            self.note(
                f,
                "repair.winding",
                "reversed rings to RFC 7946 winding (outer rings counter-clockwise)",
                "已按 RFC 7946 调整环的方向（外环逆时针）",
            );
        }
        if deduped {
            self.note(
                f,
                "repair.repeated_point",
                "removed repeated consecutive points",
                "已删除连续重复的点",
            );
        }
        Some(mp)
    }
}

/// Coordinates read and checked, before the shape checks.
enum Parsed {
    Done(Shape),
    Lines(Vec<Vec<Coord>>),
    Polygons(Vec<Vec<Vec<Coord>>>),
}

fn fail(f: &mut Props, code: &'static str, en: String, zh: String, fix_en: &str, fix_zh: &str) {
    f.fail_field(
        "geometry",
        code,
        en,
        zh,
        fix_en.to_string(),
        fix_zh.to_string(),
    );
}

/// Whether every point of `ring` lies on one line (to within a hundred-millionth
/// of its extent: rounding, not a sliver). A bow-tie has zero area too, but is
/// not flat: it is reported as crossing itself.
fn is_flat(ring: &LineString) -> bool {
    let Some(&p0) = ring.0.first() else {
        return true;
    };
    let d2 = |c: &Coord| (c.x - p0.x).powi(2) + (c.y - p0.y).powi(2);
    let far = ring
        .0
        .iter()
        .copied()
        .max_by(|a, b| d2(a).total_cmp(&d2(b)))
        .unwrap_or(p0);
    let len = d2(&far).sqrt();
    if len == 0.0 {
        return true;
    }
    let (dx, dy) = (far.x - p0.x, far.y - p0.y);
    ring.0
        .iter()
        .all(|c| ((c.x - p0.x) * dy - (c.y - p0.y) * dx).abs() / len <= 1e-8 * len)
}

fn is_rfc7946_wound(p: &Polygon) -> bool {
    use geo::Winding;
    p.exterior().is_ccw() && p.interiors().iter().all(|r| r.is_cw())
}

/// A segment of ring `ring` (global ring number) at position `idx` of `len`.
#[derive(Clone, Copy)]
struct Seg {
    part: usize,
    ring: usize,
    idx: usize,
    len: usize,
    line: Line,
}

/// The outline has so many edges whose boxes overlap that checking it would
/// take too long (a comb or a sunburst of long thin spikes).
#[derive(Debug, PartialEq)]
pub(crate) struct TooIntricate;

/// Candidate pairs checked per segment before giving up; real outlines need
/// two or three.
const PAIRS_PER_SEGMENT: usize = 64;

/// What a search for a crossing found: a problem, none, or it ran out of budget.
type Found = (String, String, Coord);

/// The first reason `mp` is not a valid (OGC) multipolygon, with where it is.
///
/// `geo`'s own `Validation` compares every pair of segments, and a plain sweep
/// every pair that overlaps in x; both hang on a 100,000-vertex comb whose
/// teeth all span the same x. So: a sweep in x, within a budget of
/// [`PAIRS_PER_SEGMENT`] candidate pairs per segment (ample for real
/// outlines); past it, an R-tree of bounding boxes, within the same budget;
/// past that, [`TooIntricate`].
pub(crate) fn first_invalidity(mp: &MultiPolygon) -> Result<Option<Found>, TooIntricate> {
    let mut segs = Vec::new();
    let mut ring_no = 0;
    for (part, poly) in mp.0.iter().enumerate() {
        for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
            let len = ring.0.len().saturating_sub(1);
            for (idx, line) in ring.lines().enumerate() {
                segs.push(Seg {
                    part,
                    ring: ring_no,
                    idx,
                    len,
                    line,
                });
            }
            ring_no += 1;
        }
    }
    let mut budget = PAIRS_PER_SEGMENT * segs.len() + 10_000;
    let crossing = match sweep(&segs, budget) {
        Some(found) => found,
        None => boxes(segs, budget).ok_or(TooIntricate)?,
    };
    match crossing {
        Some(found) => Ok(Some(found)),
        None => nesting_problem(mp, &mut budget),
    }
}

/// The first bad crossing by a sweep in x; `None` when that would compare
/// more than `budget` pairs (counted before comparing any).
fn sweep(segs: &[Seg], budget: usize) -> Option<Option<Found>> {
    let span = |s: &Seg| {
        (
            s.line.start.x.min(s.line.end.x),
            s.line.start.x.max(s.line.end.x),
        )
    };
    let mut order: Vec<(f64, f64, usize)> = segs
        .iter()
        .enumerate()
        .map(|(i, s)| (span(s).0, span(s).1, i))
        .collect();
    crate::order::sort_by_key(&mut order, |o| (crate::order::asc(o.0), 0));
    // Pairs overlapping in x: for each segment, those starting before it ends.
    let mut pairs = 0usize;
    for (k, &(_, max_x, _)) in order.iter().enumerate() {
        pairs += order[k + 1..].partition_point(|o| o.0 <= max_x);
        if pairs > budget {
            return None;
        }
    }
    for (k, &(_, max_x, i)) in order.iter().enumerate() {
        let a = &segs[i];
        let (a_lo, a_hi) = (
            a.line.start.y.min(a.line.end.y),
            a.line.start.y.max(a.line.end.y),
        );
        for &(min_x, _, j) in &order[k + 1..] {
            if min_x > max_x {
                break;
            }
            let b = &segs[j];
            if b.line.start.y.max(b.line.end.y) < a_lo || b.line.start.y.min(b.line.end.y) > a_hi {
                continue;
            }
            if let Some(found) = line_intersection(a.line, b.line).and_then(|x| judge(a, b, x)) {
                return Some(Some(found));
            }
        }
    }
    Some(None)
}

/// The first bad crossing among segments whose boxes overlap; `None` when
/// over `budget` pairs.
fn boxes(segs: Vec<Seg>, mut budget: usize) -> Option<Option<Found>> {
    let tree = box_tree(&segs, |s| line_rect(s.line));
    for a in &segs {
        // Set when the search stops: over budget (`None`) or a crossing.
        let mut stop: Option<Option<Found>> = None;
        until_near(&tree, line_rect(a.line), &mut |j| {
            let b = &segs[j];
            // Each pair once.
            if (b.ring, b.idx) <= (a.ring, a.idx) {
                return false;
            }
            let Some(left) = budget.checked_sub(1) else {
                stop = Some(None);
                return true;
            };
            budget = left;
            let found = line_intersection(a.line, b.line).and_then(|x| judge(a, b, x));
            stop = found.map(Some);
            stop.is_some()
        });
        match stop {
            Some(None) => return None,
            Some(found) => return Some(found),
            None => {}
        }
    }
    Some(None)
}

/// Whether an intersection of two segments makes the multipolygon invalid.
fn judge(a: &Seg, b: &Seg, x: LineIntersection<f64>) -> Option<Found> {
    let at = match x {
        LineIntersection::SinglePoint { intersection, .. } => intersection,
        LineIntersection::Collinear { intersection } => intersection.start,
    };
    let collinear = matches!(x, LineIntersection::Collinear { .. });
    let proper = matches!(
        x,
        LineIntersection::SinglePoint {
            is_proper: true,
            ..
        }
    );
    if a.ring == b.ring {
        let gap = a.idx.abs_diff(b.idx);
        let adjacent = gap == 1 || gap + 1 == a.len;
        if adjacent && !collinear {
            return None;
        }
        return Some((
            "the outline crosses or touches itself (a bow-tie, a loop or a spike)".into(),
            "轮廓自相交或自接触（蝴蝶结形、打圈或尖刺）".into(),
            at,
        ));
    }
    if !(collinear || proper) {
        return None;
    }
    if a.part == b.part {
        return Some((
            "a hole crosses the outer ring or another hole".into(),
            "内环与外环或其他内环相交".into(),
            at,
        ));
    }
    let (p, q) = (a.part.min(b.part), a.part.max(b.part));
    Some((
        format!("parts #{p} and #{q} of the MultiPolygon overlap or share an edge"),
        format!("MultiPolygon 的第 {p} 与第 {q} 部分重叠或共边"),
        at,
    ))
}

/// With no crossings, rings are either nested or apart: holes must be inside
/// their outer ring, and no part inside another. One vertex off the other's
/// boundary decides each case. Ray casting on an R-tree of edges keeps a
/// polygon with thousands of holes or parts fast; the budget (as for
/// crossings) keeps a pathological one from hanging.
fn nesting_problem(mp: &MultiPolygon, budget: &mut usize) -> Result<Option<Found>, TooIntricate> {
    use geo::coordinate_position::CoordPos;
    // The first vertex of `ring` not on the boundary of what `of` indexes.
    let first_off = |ring: &LineString,
                     of: &Locator,
                     budget: &mut usize|
     -> Result<Option<(CoordPos, Coord)>, TooIntricate> {
        for c in &ring.0 {
            match of.position(*c, budget)? {
                CoordPos::OnBoundary => continue,
                pos => return Ok(Some((pos, *c))),
            }
        }
        Ok(None)
    };
    for (pi, poly) in mp.0.iter().enumerate() {
        if poly.interiors().is_empty() {
            continue;
        }
        let outer = Locator::new([poly.exterior()]);
        for hole in poly.interiors() {
            if let Some((CoordPos::Outside, c)) = first_off(hole, &outer, budget)? {
                return Ok(Some((
                    format!("a hole of part #{pi} lies outside its outer ring"),
                    format!("第 {pi} 部分的内环位于外环之外"),
                    c,
                )));
            }
        }
    }
    if mp.0.len() < 2 {
        return Ok(None);
    }
    let boxes: Vec<Part> =
        mp.0.iter()
            .enumerate()
            .filter_map(|(i, p)| p.bounding_rect().map(|r| Part(i, r)))
            .collect();
    let index = box_tree(&boxes, |p| p.1);
    let mut locators: Vec<Option<Locator>> = (0..mp.0.len()).map(|_| None).collect();
    for Part(qi, q) in &boxes {
        let mut stop: Option<Result<Found, TooIntricate>> = None;
        until_near(&index, *q, &mut |k| {
            let Part(pi, p) = &boxes[k];
            let Some(left) = budget.checked_sub(1) else {
                stop = Some(Err(TooIntricate));
                return true;
            };
            *budget = left;
            let within = p.min().x <= q.min().x
                && p.min().y <= q.min().y
                && p.max().x >= q.max().x
                && p.max().y >= q.max().y;
            if pi == qi || !within {
                return false;
            }
            let poly = &mp.0[*pi];
            let of = locators[*pi].get_or_insert_with(|| {
                Locator::new(std::iter::once(poly.exterior()).chain(poly.interiors()))
            });
            stop = match first_off(mp.0[*qi].exterior(), of, budget) {
                Err(e) => Some(Err(e)),
                Ok(Some((CoordPos::Inside, c))) => Some(Ok((
                    format!("part #{qi} lies inside part #{pi}"),
                    format!("第 {qi} 部分位于第 {pi} 部分之内"),
                    c,
                ))),
                Ok(_) => None,
            };
            stop.is_some()
        });
        if let Some(stop) = stop {
            return stop.map(Some);
        }
    }
    Ok(None)
}

/// A part's bounding box, for finding the parts that might contain it.
#[derive(Clone)]
struct Part(usize, Rect);

/// Where points are relative to some rings (even–odd rule), by casting a ray
/// east and counting the edges it crosses: the rings' edges and their index.
struct Locator(Vec<Line>, RTree<BoxItem>);

impl Locator {
    fn new<'r>(rings: impl IntoIterator<Item = &'r LineString>) -> Self {
        let edges: Vec<Line> = rings.into_iter().flat_map(|r| r.lines()).collect();
        let tree = box_tree(&edges, |e| line_rect(*e));
        Locator(edges, tree)
    }

    fn position(
        &self,
        c: Coord,
        budget: &mut usize,
    ) -> Result<geo::coordinate_position::CoordPos, TooIntricate> {
        use geo::coordinate_position::CoordPos;
        use geo::{Kernel, Orientation};
        let ray = Rect::new(
            c,
            Coord {
                x: f64::MAX,
                y: c.y,
            },
        );
        let mut inside = false;
        let mut stop = None;
        until_near(&self.1, ray, &mut |k| {
            let Some(left) = budget.checked_sub(1) else {
                stop = Some(Err(TooIntricate));
                return true;
            };
            *budget = left;
            let (a, b) = (self.0[k].start, self.0[k].end);
            let on_line = <f64 as geo::GeoNum>::Ker::orient2d(a, b, c) == Orientation::Collinear;
            if on_line
                && c.x >= a.x.min(b.x)
                && c.x <= a.x.max(b.x)
                && c.y >= a.y.min(b.y)
                && c.y <= a.y.max(b.y)
            {
                stop = Some(Ok(CoordPos::OnBoundary));
                return true;
            }
            if (a.y > c.y) != (b.y > c.y) && a.x + (c.y - a.y) * (b.x - a.x) / (b.y - a.y) > c.x {
                inside = !inside;
            }
            false
        });
        stop.unwrap_or(Ok(if inside {
            CoordPos::Inside
        } else {
            CoordPos::Outside
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::wkt;

    fn problem(mp: &MultiPolygon) -> Option<String> {
        first_invalidity(mp).unwrap().map(|(en, _, _)| en)
    }

    #[test]
    fn bow_tie_is_invalid() {
        let bowtie: MultiPolygon = wkt!(POLYGON((0. 0., 0. 10., 10. 0., 10. 10., 0. 0.))).into();
        let (en, _, at) = first_invalidity(&bowtie).unwrap().unwrap();
        assert!(en.contains("crosses"), "{en}");
        assert_eq!(at, Coord { x: 5.0, y: 5.0 });
    }

    #[test]
    fn square_with_hole_is_valid() {
        let p: MultiPolygon = wkt!(POLYGON((0. 0., 10. 0., 10. 10., 0. 10., 0. 0.),(2. 2., 2. 4., 4. 4., 4. 2., 2. 2.))).into();
        assert_eq!(problem(&p), None);
    }

    #[test]
    fn spike_is_invalid() {
        let p: MultiPolygon =
            wkt!(POLYGON((0. 0., 10. 0., 10. 10., 10. 15., 10. 10., 0. 10., 0. 0.))).into();
        assert!(problem(&p).is_some());
    }

    #[test]
    fn parts_touching_at_a_point_are_valid_but_sharing_an_edge_is_not() {
        let touching: MultiPolygon = wkt!(MULTIPOLYGON(((0. 0., 1. 0., 1. 1., 0. 1., 0. 0.)),((1. 1., 2. 1., 2. 2., 1. 2., 1. 1.))));
        assert_eq!(problem(&touching), None);
        let sharing: MultiPolygon = wkt!(MULTIPOLYGON(((0. 0., 1. 0., 1. 1., 0. 1., 0. 0.)),((1. 0., 2. 0., 2. 1., 1. 1., 1. 0.))));
        assert!(problem(&sharing).unwrap().contains("share an edge"));
    }

    #[test]
    fn nested_parts_are_invalid() {
        let nested: MultiPolygon = wkt!(MULTIPOLYGON(((0. 0., 10. 0., 10. 10., 0. 10., 0. 0.)),((2. 2., 3. 2., 3. 3., 2. 3., 2. 2.))));
        assert!(problem(&nested).unwrap().contains("inside"));
    }

    #[test]
    fn island_in_a_hole_is_valid() {
        let island: MultiPolygon = wkt!(MULTIPOLYGON(((0. 0., 10. 0., 10. 10., 0. 10., 0. 0.),(2. 2., 2. 8., 8. 8., 8. 2., 2. 2.)),((4. 4., 5. 4., 5. 5., 4. 5., 4. 4.))));
        assert_eq!(problem(&island), None);
    }

    #[test]
    fn hole_outside_is_invalid() {
        let p: MultiPolygon = wkt!(POLYGON((0. 0., 10. 0., 10. 10., 0. 10., 0. 0.),(20. 20., 21. 20., 21. 21., 20. 20.))).into();
        assert!(problem(&p).unwrap().contains("outside"));
    }

    #[test]
    fn hole_crossing_the_shell_is_invalid() {
        let p: MultiPolygon = wkt!(POLYGON((0. 0., 10. 0., 10. 10., 0. 10., 0. 0.),(8. 2., 12. 2., 12. 4., 8. 4., 8. 2.))).into();
        assert!(problem(&p).unwrap().contains("hole crosses"));
    }

    /// A comb of long teeth: every edge overlaps every other in x, so a plain
    /// x-sweep compares n²/2 pairs (the old loader took 83 s on 100,000
    /// vertices). Past the budget the R-tree of boxes takes over, in linear time.
    #[test]
    fn a_comb_of_long_teeth_is_checked_quickly() {
        let n = 10_000;
        let mut ring: Vec<Coord> = Vec::with_capacity(2 * n + 3);
        for i in 0..n {
            let y = i as f64 * 1e-5;
            ring.push(Coord { x: 0.0, y });
            ring.push(Coord {
                x: 1.0,
                y: y + 0.5e-5,
            });
        }
        ring.push(Coord {
            x: -1.0,
            y: n as f64 * 1e-5,
        });
        ring.push(Coord { x: -1.0, y: 0.0 });
        ring.push(ring[0]);
        let segs = ring.len() - 1;
        let comb = MultiPolygon::new(vec![Polygon::new(LineString::new(ring), vec![])]);
        let start = std::time::Instant::now();
        assert_eq!(first_invalidity(&comb), Ok(None));
        assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
        assert!(
            segs * segs / 2 > PAIRS_PER_SEGMENT * segs + 10_000,
            "the comb must exceed the sweep's budget"
        );
    }

    /// Thousands of holes in a big outline, and thousands of parts: each
    /// vertex test is a ray cast on an index, not a scan of the outline.
    #[test]
    fn many_holes_and_parts_are_checked_quickly() {
        let n = 20_000;
        let outer: Vec<Coord> = (0..=n)
            .map(|i| {
                let t = (i % n) as f64 / n as f64 * std::f64::consts::TAU;
                Coord {
                    x: 100.0 * t.cos(),
                    y: 100.0 * t.sin(),
                }
            })
            .collect();
        let hole = |x: f64, y: f64| {
            LineString::from(vec![
                (x, y),
                (x, y + 0.5),
                (x + 0.5, y + 0.5),
                (x + 0.5, y),
                (x, y),
            ])
        };
        let holes: Vec<LineString> = (0..4_000)
            .map(|k| hole(-30.0 + (k % 60) as f64, -30.0 + (k / 60) as f64))
            .collect();
        let start = std::time::Instant::now();
        let swiss = MultiPolygon::new(vec![Polygon::new(LineString::new(outer), holes)]);
        assert_eq!(first_invalidity(&swiss), Ok(None));
        let squares = MultiPolygon::new(
            (0..5_000)
                .map(|k| Polygon::new(hole((k % 100) as f64, (k / 100) as f64), vec![]))
                .collect(),
        );
        assert_eq!(first_invalidity(&squares), Ok(None));
        assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
    }

    /// Every edge through one small disc: no box test can help, so the budget
    /// stops it rather than hang.
    #[test]
    fn a_sunburst_gives_up_instead_of_hanging() {
        let n = 8_000;
        let mut ring: Vec<Coord> = Vec::with_capacity(n + 1);
        for i in 0..n {
            let t = i as f64 / n as f64 * std::f64::consts::TAU;
            let r = if i % 2 == 0 { 1.0 } else { 0.001 };
            ring.push(Coord {
                x: r * t.cos(),
                y: r * t.sin(),
            });
        }
        ring.push(ring[0]);
        let sun = MultiPolygon::new(vec![Polygon::new(LineString::new(ring), vec![])]);
        let start = std::time::Instant::now();
        assert_eq!(first_invalidity(&sun), Err(TooIntricate));
        assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
    }
}
