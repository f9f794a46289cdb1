//! Geometry checks: the right type for the layer, WGS 84 coordinates, valid rings.

use geo::sweep::{Cross, Intersections};
use geo::{
    Area, Coord, CoordinatePosition, Line, LineIntersection, LineString, MultiLineString, MultiPolygon, Point,
    Polygon,
};
use serde_json::Value;

use super::properties::Props;
use super::{LoadNote, LoadOptions};
use crate::model::Layer;

pub(crate) enum Shape {
    Area(MultiPolygon),
    Point(Point),
    Lines(MultiLineString),
}

pub(crate) struct GeomReader<'a> {
    pub opts: &'a LoadOptions,
    pub notes: &'a mut Vec<LoadNote>,
}

const FIX_GIS: &str = "repair it in your GIS (QGIS: Vector ▸ Geometry Tools ▸ Fix Geometries) and export again";
const FIX_GIS_ZH: &str = "请在 GIS 中修复（QGIS：矢量 ▸ 几何工具 ▸ 修复几何）后重新导出";

impl GeomReader<'_> {
    pub fn read(&mut self, f: &mut Props, layer: Layer, geometry: Option<Value>) -> Option<Shape> {
        let expected = match layer {
            Layer::Community | Layer::Grid | Layer::Street => "Polygon or MultiPolygon",
            Layer::Compound => "Polygon, MultiPolygon or Point",
            Layer::Barrier => "LineString or MultiLineString",
            Layer::ServiceCenter => "Point",
        };
        let v = match geometry {
            None | Some(Value::Null) => {
                fail(f, "load.missing_geometry", format!("missing; a {} feature needs a {expected} geometry", layer.as_str()), format!("缺失；{} 要素须有 {expected} 几何", layer.as_str()), "draw the feature or remove it from the plan", "请绘制该要素的几何，或将其从方案中删除");
                return None;
            }
            Some(v) => v,
        };
        let geom: geojson::Geometry = match serde_json::from_value(v) {
            Ok(g) => g,
            Err(e) => {
                let msg = e.to_string();
                let hint = if msg.contains("null") || msg.contains("f64") {
                    " (NaN and Infinity are not numbers in JSON and become null)"
                } else {
                    ""
                };
                fail(f, "load.bad_geometry", format!("not a valid GeoJSON geometry: {msg}{hint}"), format!("不是有效的 GeoJSON 几何：{msg}"), "export the geometry again from your GIS; every coordinate must be a finite number", "请从 GIS 重新导出；每个坐标都须是有限数字");
                return None;
            }
        };
        use geojson::GeometryValue as G;
        let type_name = geom.value.type_name();
        let shape_ok = match (&geom.value, layer) {
            (G::Polygon { .. } | G::MultiPolygon { .. }, Layer::Community | Layer::Grid | Layer::Street | Layer::Compound) => true,
            (G::Point { .. }, Layer::Compound | Layer::ServiceCenter) => true,
            (G::LineString { .. } | G::MultiLineString { .. }, Layer::Barrier) => true,
            _ => false,
        };
        if !shape_ok {
            fail(
                f,
                "load.wrong_geometry",
                format!("a {} feature must be a {expected}, found a {type_name}", layer.as_str()),
                format!("{} 要素的几何应为 {expected}，实际为 {type_name}", layer.as_str()),
                &format!("give it a {expected} geometry, or check its \"layer\""),
                &format!("请改为 {expected} 几何，或检查其 \"layer\" 属性"),
            );
            return None;
        }
        let count = count_positions(&geom.value);
        if count > self.opts.max_vertices_per_feature {
            fail(
                f,
                "load.too_many_vertices",
                format!("the geometry has {count} vertices; the limit is {}", self.opts.max_vertices_per_feature),
                format!("几何有 {count} 个顶点，超过上限 {}", self.opts.max_vertices_per_feature),
                "simplify it (QGIS: Vector ▸ Geometry Tools ▸ Simplify, tolerance 0.5 m)",
                "请先简化（QGIS：矢量 ▸ 几何工具 ▸ 简化，容差 0.5 米）",
            );
            return None;
        }
        if !check_positions(f, &geom.value) {
            return None;
        }
        match geom.value {
            G::Point { coordinates } => Some(Shape::Point(Point::new(coordinates.as_slice()[0], coordinates.as_slice()[1]))),
            G::LineString { coordinates } => self.lines(f, vec![coordinates]).map(Shape::Lines),
            G::MultiLineString { coordinates } => self.lines(f, coordinates).map(Shape::Lines),
            G::Polygon { coordinates } => self.polygons(f, vec![coordinates]).map(Shape::Area),
            G::MultiPolygon { coordinates } => self.polygons(f, coordinates).map(Shape::Area),
            G::MultiPoint { .. } | G::GeometryCollection { .. } => None,
        }
    }

    fn lines(&mut self, f: &mut Props, lines: Vec<Vec<geojson::Position>>) -> Option<MultiLineString> {
        let mut out = Vec::new();
        for (i, line) in lines.into_iter().enumerate() {
            let mut ls: Vec<Coord> = line.iter().map(coord).collect();
            ls.dedup();
            if ls.len() < 2 {
                fail(f, "load.too_few_points", format!("line #{i} has fewer than 2 distinct points"), format!("第 {i} 条线少于 2 个不同的点"), "remove the empty line or draw it again", "请删除该空线或重新绘制");
                return None;
            }
            out.push(LineString::new(ls));
        }
        if out.is_empty() {
            fail(f, "load.empty_geometry", "the geometry has no lines".into(), "几何中没有线".into(), "draw the line or remove the feature", "请绘制该线或删除该要素");
            return None;
        }
        Some(MultiLineString::new(out))
    }

    fn polygons(&mut self, f: &mut Props, polys: Vec<Vec<Vec<geojson::Position>>>) -> Option<MultiPolygon> {
        let mut out = Vec::with_capacity(polys.len());
        let (mut closed, mut rewound, mut deduped) = (false, false, false);
        for (pi, rings) in polys.into_iter().enumerate() {
            let part = if pi > 0 { format!("part #{pi}, ") } else { String::new() };
            let part_zh = if pi > 0 { format!("第 {pi} 部分") } else { String::new() };
            let mut geo_rings = Vec::with_capacity(rings.len());
            for (ri, ring) in rings.into_iter().enumerate() {
                let role = if ri == 0 { "outer ring".to_string() } else { format!("hole #{ri}") };
                let role_zh = if ri == 0 { "外环".to_string() } else { format!("第 {ri} 个内环") };
                let mut cs: Vec<Coord> = ring.iter().map(coord).collect();
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
                        format!("{part}{role} has {distinct} distinct points; a ring needs at least 3"),
                        format!("{part_zh}{role_zh}只有 {distinct} 个不同的点，至少需要 3 个"),
                        "draw the outline again, or remove the feature if it is a leftover",
                        "请重新绘制轮廓；若为残留要素请删除",
                    );
                    return None;
                }
                geo_rings.push(LineString::new(cs));
            }
            let Some(exterior) = geo_rings.first().cloned() else {
                fail(f, "load.empty_geometry", format!("{part}the polygon has no rings"), format!("{part_zh}多边形没有环"), "draw the outline or remove the feature", "请绘制轮廓或删除该要素");
                return None;
            };
            let mut poly = Polygon::new(exterior, geo_rings[1..].to_vec());
            if poly.unsigned_area() == 0.0 {
                fail(f, "load.zero_area", format!("{part}the polygon has no area (all its points lie on one line)"), format!("{part_zh}多边形面积为零（所有点在一条直线上）"), "draw the outline again", "请重新绘制轮廓");
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
            fail(f, "load.empty_geometry", "the MultiPolygon has no polygons".into(), "MultiPolygon 中没有多边形".into(), "draw the outline or remove the feature", "请绘制轮廓或删除该要素");
            return None;
        }
        let mp = MultiPolygon::new(out);
        if let Some((en, zh, at)) = first_invalidity(&mp) {
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
        let mut note = |code, en: &str, zh: &str| {
            self.notes.push(LoadNote {
                code,
                file: f_file(f),
                feature_index: f_index(f),
                feature_id: f.feature_id_hint().map(str::to_string),
                message_en: en.to_string(),
                message_zh: zh.to_string(),
                count: 1,
            })
        };
        if closed {
            note("repair.closed_ring", "closed a ring whose last point did not repeat its first", "已闭合首尾点不一致的环");
        }
        if rewound {
            note("repair.winding", "reversed rings to RFC 7946 winding (outer rings counter-clockwise)", "已按 RFC 7946 调整环的方向（外环逆时针）");
        }
        if deduped {
            note("repair.repeated_point", "removed repeated consecutive points", "已删除连续重复的点");
        }
        Some(mp)
    }
}

fn f_file(f: &Props) -> String {
    f.file_name().to_string()
}
fn f_index(f: &Props) -> usize {
    f.index()
}

fn fail(f: &mut Props, code: &'static str, en: String, zh: String, fix_en: &str, fix_zh: &str) {
    f.fail_field("geometry", code, en, zh, fix_en.to_string(), fix_zh.to_string());
}

fn coord(p: &geojson::Position) -> Coord {
    let s = p.as_slice();
    Coord { x: s[0], y: s[1] }
}

fn count_positions(v: &geojson::GeometryValue) -> usize {
    use geojson::GeometryValue as G;
    match v {
        G::Point { .. } => 1,
        G::MultiPoint { coordinates } | G::LineString { coordinates } => coordinates.len(),
        G::MultiLineString { coordinates } | G::Polygon { coordinates } => coordinates.iter().map(Vec::len).sum(),
        G::MultiPolygon { coordinates } => coordinates.iter().flatten().map(Vec::len).sum(),
        G::GeometryCollection { geometries } => geometries.iter().map(|g| count_positions(&g.value)).sum(),
    }
}

/// Every position: at least two finite numbers, longitude and latitude in range.
fn check_positions(f: &mut Props, v: &geojson::GeometryValue) -> bool {
    use geojson::GeometryValue as G;
    let all: Vec<&geojson::Position> = match v {
        G::Point { coordinates } => vec![coordinates],
        G::MultiPoint { coordinates } | G::LineString { coordinates } => coordinates.iter().collect(),
        G::MultiLineString { coordinates } | G::Polygon { coordinates } => coordinates.iter().flatten().collect(),
        G::MultiPolygon { coordinates } => coordinates.iter().flatten().flatten().collect(),
        G::GeometryCollection { .. } => Vec::new(),
    };
    let (mut min_x, mut max_x) = (f64::INFINITY, f64::NEG_INFINITY);
    for p in &all {
        let s = p.as_slice();
        if s.len() < 2 {
            fail(f, "load.bad_position", format!("a position has {} number(s); expected [longitude, latitude]", s.len()), format!("坐标只有 {} 个数值，应为 [经度, 纬度]", s.len()), "write every position as [longitude, latitude]", "每个坐标请写成 [经度, 纬度]");
            return false;
        }
        let (x, y) = (s[0], s[1]);
        if !x.is_finite() || !y.is_finite() {
            fail(f, "load.non_finite", format!("the position [{x}, {y}] is not finite"), format!("坐标 [{x}, {y}] 不是有限数字"), "fix the coordinate in your GIS", "请在 GIS 中修正该坐标");
            return false;
        }
        if x.abs() > 180.0 || y.abs() > 90.0 {
            let (en, zh, fix_en, fix_zh) = if x.abs() > 1000.0 || y.abs() > 1000.0 {
                (
                    format!("[{x}, {y}] looks like projected metres, not longitude/latitude"),
                    format!("[{x}, {y}] 像是投影坐标（米），而不是经纬度"),
                    "reproject to WGS 84 longitude/latitude (EPSG:4326) before loading, e.g. QGIS: Export ▸ Save Features As ▸ CRS EPSG:4326",
                    "请先重投影到 WGS 84 经纬度（EPSG:4326），例如 QGIS：导出 ▸ 要素另存为 ▸ 坐标系 EPSG:4326",
                )
            } else if y.abs() > 90.0 && x.abs() <= 90.0 {
                (
                    format!("[{x}, {y}]: latitude {y} is beyond ±90°; longitude and latitude look swapped"),
                    format!("[{x}, {y}]：纬度 {y} 超出 ±90°，经纬度似乎写反了"),
                    "write positions as [longitude, latitude] (GeoJSON order), not [latitude, longitude]",
                    "GeoJSON 坐标顺序为 [经度, 纬度]，请勿写成 [纬度, 经度]",
                )
            } else {
                (
                    format!("[{x}, {y}] is outside longitude ±180°, latitude ±90°"),
                    format!("[{x}, {y}] 超出经度 ±180°、纬度 ±90° 的范围"),
                    "check the coordinate; plans are in WGS 84 longitude/latitude",
                    "请检查坐标；方案须使用 WGS 84 经纬度",
                )
            };
            fail(f, "load.out_of_range", en, zh, fix_en, fix_zh);
            return false;
        }
        // Chinese coordinates read the wrong way round are still "in range".
        if (18.0..=54.0).contains(&x) && (73.0..=136.0).contains(&y) {
            fail(
                f,
                "load.swapped",
                format!("[{x}, {y}] reads as latitude {y}°, which no Chinese city has; longitude and latitude look swapped"),
                format!("[{x}, {y}] 的纬度为 {y}°，不在中国范围内，经纬度似乎写反了"),
                "write positions as [longitude, latitude] (GeoJSON order)",
                "GeoJSON 坐标顺序为 [经度, 纬度]",
            );
            return false;
        }
        min_x = min_x.min(x);
        max_x = max_x.max(x);
    }
    if max_x - min_x > 180.0 {
        fail(f, "load.antimeridian", format!("the geometry spans {:.1}° of longitude, crossing the antimeridian", max_x - min_x), format!("几何跨越经度 {:.1}°，跨过了 180° 经线", max_x - min_x), "split the feature at 180° longitude (RFC 7946 §3.1.9)", "请在 180° 经线处拆分该要素（RFC 7946 §3.1.9）");
        return false;
    }
    true
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

impl Cross for Seg {
    type Scalar = f64;
    fn line(&self) -> Line {
        self.line
    }
}

/// The first reason `mp` is not a valid (OGC) multipolygon, with where it is.
///
/// `geo`'s own `Validation` compares every pair of segments, which hangs on the
/// 100,000-vertex outlines a GIS can export; this uses `geo`'s sweep instead.
pub(crate) fn first_invalidity(mp: &MultiPolygon) -> Option<(String, String, Coord)> {
    let mut segs = Vec::new();
    let mut ring_no = 0;
    for (part, poly) in mp.0.iter().enumerate() {
        for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
            let len = ring.0.len() - 1;
            for (idx, line) in ring.lines().enumerate() {
                segs.push(Seg { part, ring: ring_no, idx, len, line });
            }
            ring_no += 1;
        }
    }
    for (a, b, x) in Intersections::from_iter(segs) {
        let at = match x {
            LineIntersection::SinglePoint { intersection, .. } => intersection,
            LineIntersection::Collinear { intersection } => intersection.start,
        };
        let collinear = matches!(x, LineIntersection::Collinear { .. });
        if a.ring == b.ring {
            let adjacent = a.idx.abs_diff(b.idx) == 1 || a.idx.abs_diff(b.idx) == a.len - 1;
            if adjacent && !collinear {
                continue;
            }
            return Some(("the outline crosses or touches itself (a bow-tie or a spike)".into(), "轮廓自相交或自接触（蝴蝶结形或尖刺）".into(), at));
        }
        if a.part == b.part {
            if collinear || is_proper(&x) {
                return Some(("a hole crosses the outer ring or another hole".into(), "内环与外环或其他内环相交".into(), at));
            }
            continue;
        }
        if collinear || is_proper(&x) {
            return Some((
                format!("parts #{} and #{} of the MultiPolygon overlap or share an edge", a.part.min(b.part), a.part.max(b.part)),
                format!("MultiPolygon 的第 {} 与第 {} 部分重叠或共边", a.part.min(b.part), a.part.max(b.part)),
                at,
            ));
        }
    }
    // No crossings: rings are either nested or apart. Holes must be inside their
    // outer ring, and no part inside another.
    for (pi, poly) in mp.0.iter().enumerate() {
        let outer = Polygon::new(poly.exterior().clone(), vec![]);
        for hole in poly.interiors() {
            if let Some(c) = hole.0.iter().find(|c| outer.coordinate_position(c) == geo::coordinate_position::CoordPos::Outside) {
                return Some((format!("a hole of part #{pi} lies outside its outer ring"), format!("第 {pi} 部分的内环位于外环之外"), *c));
            }
        }
        for (qi, other) in mp.0.iter().enumerate() {
            if qi == pi {
                continue;
            }
            if let Some(c) = other.exterior().0.iter().find(|c| poly.coordinate_position(c) == geo::coordinate_position::CoordPos::Inside) {
                return Some((format!("part #{qi} lies inside part #{pi}"), format!("第 {qi} 部分位于第 {pi} 部分之内"), *c));
            }
        }
    }
    None
}

fn is_proper(x: &LineIntersection<f64>) -> bool {
    matches!(x, LineIntersection::SinglePoint { is_proper: true, .. })
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::wkt;

    #[test]
    fn bow_tie_is_invalid() {
        let bowtie: MultiPolygon = wkt!(POLYGON((0. 0., 0. 10., 10. 0., 10. 10., 0. 0.))).into();
        let (en, _, at) = first_invalidity(&bowtie).unwrap();
        assert!(en.contains("crosses"), "{en}");
        assert_eq!(at, Coord { x: 5.0, y: 5.0 });
    }

    #[test]
    fn square_with_hole_is_valid() {
        let p: MultiPolygon = wkt!(POLYGON((0. 0., 10. 0., 10. 10., 0. 10., 0. 0.),(2. 2., 2. 4., 4. 4., 4. 2., 2. 2.))).into();
        assert!(first_invalidity(&p).is_none());
    }

    #[test]
    fn spike_is_invalid() {
        let p: MultiPolygon = wkt!(POLYGON((0. 0., 10. 0., 10. 10., 10. 15., 10. 10., 0. 10., 0. 0.))).into();
        assert!(first_invalidity(&p).is_some());
    }

    #[test]
    fn parts_touching_at_a_point_are_valid_but_sharing_an_edge_is_not() {
        let touching: MultiPolygon = wkt!(MULTIPOLYGON(((0. 0., 1. 0., 1. 1., 0. 1., 0. 0.)),((1. 1., 2. 1., 2. 2., 1. 2., 1. 1.))));
        assert!(first_invalidity(&touching).is_none());
        let sharing: MultiPolygon = wkt!(MULTIPOLYGON(((0. 0., 1. 0., 1. 1., 0. 1., 0. 0.)),((1. 0., 2. 0., 2. 1., 1. 1., 1. 0.))));
        assert!(first_invalidity(&sharing).unwrap().0.contains("share an edge"));
    }

    #[test]
    fn nested_parts_are_invalid() {
        let nested: MultiPolygon = wkt!(MULTIPOLYGON(((0. 0., 10. 0., 10. 10., 0. 10., 0. 0.)),((2. 2., 3. 2., 3. 3., 2. 3., 2. 2.))));
        assert!(first_invalidity(&nested).unwrap().0.contains("inside"));
    }

    #[test]
    fn hole_outside_is_invalid() {
        let p: MultiPolygon = wkt!(POLYGON((0. 0., 10. 0., 10. 10., 0. 10., 0. 0.),(20. 20., 21. 20., 21. 21., 20. 20.))).into();
        assert!(first_invalidity(&p).unwrap().0.contains("outside"));
    }
}
