//! Coordinate systems planners' files arrive in, and the way to WGS 84.
//!
//! - **WGS 84 and CGCS2000 longitude/latitude** are treated as identical:
//!   CGCS2000 is realised on ITRF97 at epoch 2000.0 and its ellipsoid differs
//!   from WGS 84's only in the flattening's tenth digit, so the two agree to a
//!   few centimetres — far below the metres a boundary is drawn to. GeoJSON
//!   (RFC 7946) asks for WGS 84; a CGCS2000 file is written as it is.
//! - **GCJ-02** (高德/腾讯) and **BD-09** (百度): see [`crate::mars`].
//! - **CGCS2000 Gauss–Krüger** (transverse Mercator, scale 1, on the CGCS2000
//!   ellipsoid = GRS80 to that precision): 3° zones EPSG:4513–4533 (zone
//!   prefix in the false easting, zones 25–45) and 4534–4554 (no prefix,
//!   CM 75°E–135°E); 6° zones EPSG:4491–4501 (prefix, zones 13–23) and
//!   4502–4512 (no prefix). Projected through `proj4rs`.
//! - Anything else a `.prj` describes and `proj4wkt` + `proj4rs` understand
//!   (with a warning when the datum is Beijing 1954 or Xi'an 1980, whose
//!   shift to CGCS2000 needs local parameters).
//!
//! [`guess`] reads the numbers as well as the `.prj`: an 8-digit easting
//! carries its zone; a 6-digit one does not, and then the central meridian
//! must come from the `.prj` or from the user. A `.prj` that disagrees with
//! the numbers gets a warning.
//!
//! ```
//! use shequ_import::crs::{Crs, Transformer};
//! let crs = Crs::parse("EPSG:4549").unwrap();   // CGCS2000 / 3-degree GK CM 120E
//! let t = Transformer::new(&crs).unwrap();
//! let (lon, lat) = t.to_wgs84(500_000.0, 3_585_000.0).unwrap();
//! assert!((lon - 120.0).abs() < 1e-9 && (lat - 32.39).abs() < 0.01);
//! ```

use std::fmt;

use geo::Rect;
use proj4rs::proj::Proj;
use serde::{Deserialize, Serialize};

use crate::error::Note;
use crate::mars;

/// A coordinate system the importer can bring to WGS 84.
#[derive(Debug, Clone, PartialEq)]
pub enum Crs {
    /// WGS 84 or CGCS2000 longitude/latitude (EPSG:4326, EPSG:4490).
    Geographic,
    /// 国测局 GCJ-02 longitude/latitude (高德, 腾讯).
    Gcj02,
    /// 百度 BD-09 longitude/latitude.
    Bd09,
    /// CGCS2000 Gauss–Krüger: transverse Mercator, scale 1, latitude of origin 0.
    GaussKruger {
        central_meridian: f64,
        /// 500 000 m, or `zone × 1 000 000 + 500 000` with the zone prefix.
        false_easting: f64,
        /// 3 or 6 (degrees), 0 when neither.
        zone_width: u8,
    },
    /// Another projection, as a PROJ string (from a `.prj`).
    Proj { proj: String, label: String },
}

impl Crs {
    /// Parses `EPSG:4549`, `4549`, `wgs84`, `cgcs2000`, `gcj02`, `bd09` or a `+proj=` string.
    pub fn parse(s: &str) -> Option<Crs> {
        let t = s.trim();
        let lower = t.to_ascii_lowercase();
        let code = lower.strip_prefix("epsg:").unwrap_or(&lower);
        if let Ok(n) = code.parse::<u32>() {
            return Crs::from_epsg(n);
        }
        match lower.replace(['-', '_', ' '], "").as_str() {
            "wgs84" | "cgcs2000" | "crs84" | "lonlat" | "geographic" => {
                return Some(Crs::Geographic)
            }
            "gcj02" | "gcj" | "amap" | "gaode" | "高德" | "火星" => return Some(Crs::Gcj02),
            "bd09" | "bd09ll" | "baidu" | "百度" => return Some(Crs::Bd09),
            _ => {}
        }
        if t.starts_with("+proj=") || t.starts_with("proj=") {
            Proj::from_proj_string(t).ok()?;
            return Some(Crs::Proj {
                proj: t.to_string(),
                label: t.to_string(),
            });
        }
        None
    }

    /// The CGCS2000 systems by EPSG code (and 4326).
    pub fn from_epsg(code: u32) -> Option<Crs> {
        let gk = |cm: u32, prefix: Option<u32>, width: u8| Crs::GaussKruger {
            central_meridian: cm as f64,
            false_easting: prefix.map_or(500_000.0, |z| z as f64 * 1e6 + 500_000.0),
            zone_width: width,
        };
        Some(match code {
            4326 | 4490 => Crs::Geographic,
            4491..=4501 => {
                let zone = code - 4491 + 13;
                gk(zone * 6 - 3, Some(zone), 6)
            }
            4502..=4512 => gk(75 + 6 * (code - 4502), None, 6),
            4513..=4533 => {
                let zone = code - 4513 + 25;
                gk(zone * 3, Some(zone), 3)
            }
            4534..=4554 => gk(75 + 3 * (code - 4534), None, 3),
            _ => return None,
        })
    }

    /// The EPSG code, where there is one.
    pub fn epsg(&self) -> Option<u32> {
        match *self {
            Crs::Geographic => Some(4326),
            Crs::GaussKruger {
                central_meridian: cm,
                false_easting: fe,
                zone_width,
            } => {
                if cm.fract() != 0.0 || !(75.0..=135.0).contains(&cm) {
                    return None;
                }
                let cm = cm as u32;
                let prefixed = fe != 500_000.0;
                match (zone_width, prefixed) {
                    (3, false) if cm.is_multiple_of(3) => Some(4534 + (cm - 75) / 3),
                    (3, true)
                        if cm.is_multiple_of(3) && fe == (cm / 3) as f64 * 1e6 + 500_000.0 =>
                    {
                        Some(4513 + cm / 3 - 25)
                    }
                    (6, false) if (cm + 3).is_multiple_of(6) => Some(4502 + (cm - 75) / 6),
                    (6, true)
                        if (cm + 3).is_multiple_of(6)
                            && fe == ((cm + 3) / 6) as f64 * 1e6 + 500_000.0 =>
                    {
                        Some(4491 + (cm + 3) / 6 - 13)
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The code [`Crs::parse`] reads back: `EPSG:4549`, `gcj02`, `bd09`, or a PROJ string.
    pub fn code(&self) -> String {
        if let Some(n) = self.epsg() {
            return format!("EPSG:{n}");
        }
        match self {
            Crs::Gcj02 => "gcj02".into(),
            Crs::Bd09 => "bd09".into(),
            Crs::Proj { proj, .. } => proj.clone(),
            _ => self.proj_string().unwrap_or_default(),
        }
    }

    fn proj_string(&self) -> Option<String> {
        match self {
            Crs::GaussKruger { central_meridian, false_easting, .. } => Some(format!(
                "+proj=tmerc +lat_0=0 +lon_0={central_meridian} +k=1 +x_0={false_easting} +y_0=0 +ellps=GRS80 +units=m +no_defs"
            )),
            Crs::Proj { proj, .. } => Some(proj.clone()),
            _ => None,
        }
    }

    pub fn is_projected(&self) -> bool {
        matches!(self, Crs::GaussKruger { .. } | Crs::Proj { .. })
    }

    /// A name for people, in English.
    pub fn label_en(&self) -> String {
        match self {
            Crs::Geographic => "WGS 84 / CGCS2000 longitude/latitude".into(),
            Crs::Gcj02 => "GCJ-02 (AutoNavi/Tencent maps)".into(),
            Crs::Bd09 => "BD-09 (Baidu maps)".into(),
            Crs::GaussKruger {
                central_meridian,
                false_easting,
                zone_width,
            } => {
                let zone = if *false_easting != 500_000.0 {
                    format!(", zone {}", (*false_easting / 1e6).floor())
                } else {
                    String::new()
                };
                let w = if *zone_width > 0 {
                    format!("{zone_width}-degree ")
                } else {
                    String::new()
                };
                let epsg = self
                    .epsg()
                    .map(|n| format!(" (EPSG:{n})"))
                    .unwrap_or_default();
                format!("CGCS2000 {w}Gauss-Kruger CM {central_meridian}E{zone}{epsg}")
            }
            Crs::Proj { label, .. } => label.clone(),
        }
    }

    /// A name for people, in Chinese.
    pub fn label_zh(&self) -> String {
        match self {
            Crs::Geographic => "WGS 84 / CGCS2000 经纬度".into(),
            Crs::Gcj02 => "GCJ-02 国测局坐标（高德、腾讯地图）".into(),
            Crs::Bd09 => "BD-09 百度坐标".into(),
            Crs::GaussKruger {
                central_meridian,
                false_easting,
                zone_width,
            } => {
                let zone = if *false_easting != 500_000.0 {
                    format!(
                        "，第 {} 带（带号加在东坐标前）",
                        (*false_easting / 1e6).floor()
                    )
                } else {
                    String::new()
                };
                let w = if *zone_width > 0 {
                    format!("{zone_width} 度带")
                } else {
                    String::new()
                };
                let epsg = self
                    .epsg()
                    .map(|n| format!("（EPSG:{n}）"))
                    .unwrap_or_default();
                format!("CGCS2000 高斯-克吕格{w}投影，中央经线 {central_meridian}°E{zone}{epsg}")
            }
            Crs::Proj { label, .. } => label.clone(),
        }
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

impl Serialize for Crs {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}

impl<'de> Deserialize<'de> for Crs {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Crs::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown coordinate system {s:?}: use EPSG:4326, EPSG:4490, EPSG:4491–4554, gcj02, bd09 or a +proj string")))
    }
}

/// Brings coordinates of one [`Crs`] to WGS 84 longitude/latitude.
pub struct Transformer {
    kind: Kind,
}

enum Kind {
    Identity,
    Gcj02,
    Bd09,
    Proj(Box<(Proj, Proj)>),
}

impl Transformer {
    /// Fails (with PROJ's reason) only for a PROJ string `proj4rs` cannot use.
    pub fn new(crs: &Crs) -> Result<Transformer, String> {
        let kind = match crs {
            Crs::Geographic => Kind::Identity,
            Crs::Gcj02 => Kind::Gcj02,
            Crs::Bd09 => Kind::Bd09,
            Crs::GaussKruger { .. } | Crs::Proj { .. } => {
                let src = Proj::from_proj_string(&crs.proj_string().unwrap_or_default())
                    .map_err(|e| e.to_string())?;
                // GRS80 = CGCS2000's ellipsoid; a datum shift only where the source names one.
                let dst = if matches!(crs, Crs::GaussKruger { .. }) {
                    "+proj=longlat +ellps=GRS80 +no_defs"
                } else {
                    "+proj=longlat +datum=WGS84 +no_defs"
                };
                let dst = Proj::from_proj_string(dst).map_err(|e| e.to_string())?;
                if !src.has_inverse() {
                    return Err("the projection has no inverse in proj4rs".into());
                }
                Kind::Proj(Box::new((src, dst)))
            }
        };
        Ok(Transformer { kind })
    }

    /// WGS 84 longitude/latitude in degrees, or `None` where the projection fails.
    pub fn to_wgs84(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        if !x.is_finite() || !y.is_finite() {
            return None;
        }
        let (lon, lat) = match &self.kind {
            Kind::Identity => (x, y),
            Kind::Gcj02 => mars::gcj02_to_wgs84(x, y),
            Kind::Bd09 => mars::bd09_to_wgs84(x, y),
            Kind::Proj(p) => {
                let mut pt = (x, y, 0.0);
                proj4rs::transform::transform(&p.0, &p.1, &mut pt).ok()?;
                (pt.0.to_degrees(), pt.1.to_degrees())
            }
        };
        (lon.is_finite() && lat.is_finite()).then_some((lon, lat))
    }

    /// The other way: WGS 84 longitude/latitude (degrees) to this system.
    pub fn from_wgs84(&self, lon: f64, lat: f64) -> Option<(f64, f64)> {
        if !lon.is_finite() || !lat.is_finite() {
            return None;
        }
        let (x, y) = match &self.kind {
            Kind::Identity => (lon, lat),
            Kind::Gcj02 => mars::wgs84_to_gcj02(lon, lat),
            Kind::Bd09 => mars::wgs84_to_bd09(lon, lat),
            Kind::Proj(p) => {
                let mut pt = (lon.to_radians(), lat.to_radians(), 0.0);
                proj4rs::transform::transform(&p.1, &p.0, &mut pt).ok()?;
                (pt.0, pt.1)
            }
        };
        (x.is_finite() && y.is_finite()).then_some((x, y))
    }
}

/// WGS 84 longitude/latitude to `crs` (for exports and test fixtures).
pub fn from_wgs84(crs: &Crs, lon: f64, lat: f64) -> Option<(f64, f64)> {
    Transformer::new(crs).ok()?.from_wgs84(lon, lat)
}

/// What a `.prj` says.
#[derive(Debug, Clone, PartialEq)]
pub struct Declared {
    /// The name in the WKT (`CGCS2000_3_Degree_GK_CM_120E`).
    pub name: String,
    /// The system, when the importer can use it.
    pub crs: Option<Crs>,
    /// Beijing 1954, Xi'an 1980 or another datum that is not CGCS2000/WGS 84.
    pub other_datum: Option<String>,
}

/// Reads a `.prj` (WKT 1 as ESRI and OGC write it; WKT 2 through `proj4wkt`).
pub fn read_prj(bytes: &[u8]) -> Declared {
    let text = String::from_utf8_lossy(bytes);
    let wkt = text.trim().trim_start_matches('\u{feff}');
    let name = wkt.split('"').nth(1).unwrap_or("").to_string();
    let upper = wkt.to_ascii_uppercase();
    let datum = wkt
        .to_ascii_uppercase()
        .split("DATUM[")
        .nth(1)
        .and_then(|d| d.split('"').nth(1))
        .unwrap_or("")
        .to_string();
    let known_datum = datum.is_empty()
        || ["2000", "CGCS", "WGS", "CHINA_2000", "ITRF"]
            .iter()
            .any(|k| datum.contains(k));
    let other_datum = (!known_datum).then(|| datum.clone());
    // An EPSG code on the outermost CRS (the last AUTHORITY in WKT 1).
    let outer_epsg = upper.rfind("AUTHORITY[\"EPSG\",").and_then(|i| {
        let rest = &upper[i + 17..];
        rest.split('"').nth(1).and_then(|n| n.parse::<u32>().ok())
    });
    if let Some(c) = outer_epsg.and_then(Crs::from_epsg) {
        return Declared {
            name,
            crs: Some(c),
            other_datum,
        };
    }
    if upper.starts_with("GEOGCS") || upper.starts_with("GEOGCRS") || upper.starts_with("GEODCRS") {
        return Declared {
            name,
            crs: Some(Crs::Geographic),
            other_datum,
        };
    }
    let projection = upper
        .split("PROJECTION[")
        .nth(1)
        .and_then(|d| d.split('"').nth(1))
        .unwrap_or("");
    if projection.contains("GAUSS") || projection == "TRANSVERSE_MERCATOR" {
        let p = |names: &[&str]| param(&upper, names);
        let cm = p(&[
            "CENTRAL_MERIDIAN",
            "LONGITUDE_OF_ORIGIN",
            "LONGITUDE_OF_CENTER",
        ]);
        let fe = p(&["FALSE_EASTING"]).unwrap_or(0.0);
        let fnorth = p(&["FALSE_NORTHING"]).unwrap_or(0.0);
        let k = p(&["SCALE_FACTOR"]).unwrap_or(1.0);
        let lat0 = p(&["LATITUDE_OF_ORIGIN", "LATITUDE_OF_CENTER"]).unwrap_or(0.0);
        let unit_ok = !upper.contains("UNIT[\"FOOT") && !upper.contains("UNIT[\"US SURVEY FOOT");
        if let (Some(cm), true, true, true, true) =
            (cm, k == 1.0, fnorth == 0.0, lat0 == 0.0, unit_ok)
        {
            let zone_width = if name.contains("3_Degree")
                || name.contains("3-degree")
                || name.contains("3 degree")
            {
                3
            } else if name.contains("6_Degree")
                || name.contains("6-degree")
                || name.contains("6 degree")
            {
                6
            } else if cm.fract() == 0.0 && (cm as i64) % 3 == 0 {
                3
            } else if cm.fract() == 0.0 && (cm as i64 + 3) % 6 == 0 {
                6
            } else {
                0
            };
            return Declared {
                name,
                crs: Some(Crs::GaussKruger {
                    central_meridian: cm,
                    false_easting: fe,
                    zone_width,
                }),
                other_datum,
            };
        }
    }
    let crs = proj4wkt::wkt_to_projstring(wkt)
        .ok()
        .filter(|p| Proj::from_proj_string(p).is_ok())
        .map(|proj| {
            if proj.contains("+proj=longlat") || proj.contains("+proj=latlong") {
                Crs::Geographic
            } else {
                Crs::Proj {
                    proj,
                    label: name.clone(),
                }
            }
        });
    Declared {
        name,
        crs,
        other_datum,
    }
}

/// `PARAMETER["Central_Meridian",120.0]` (names compared in upper case, spaces as `_`).
fn param(upper_wkt: &str, names: &[&str]) -> Option<f64> {
    upper_wkt.split("PARAMETER[").skip(1).find_map(|p| {
        let mut parts = p.splitn(3, '"');
        let key = parts.nth(1)?.replace(' ', "_");
        if !names.contains(&key.as_str()) {
            return None;
        }
        let value = parts
            .next()?
            .trim_start_matches(',')
            .split([',', ']'])
            .next()?
            .trim();
        value.parse().ok()
    })
}

/// What the numbers look like.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Looks {
    Empty,
    /// Longitude/latitude inside China's box.
    LonLat,
    /// Longitude/latitude but outside China.
    LonLatElsewhere,
    /// Latitude/longitude: the axes are swapped.
    LatLon,
    /// Metres with an 8-digit easting: the zone is its first two digits.
    Zoned {
        zone: u32,
        swapped: bool,
    },
    /// Metres with a 6-digit easting: the central meridian is not in the numbers.
    Metres {
        swapped: bool,
    },
    Unknown,
}

/// Classifies a bounding box of raw coordinates.
pub fn looks(bbox: Option<Rect>) -> Looks {
    let Some(r) = bbox else { return Looks::Empty };
    let (x0, y0, x1, y1) = (r.min().x, r.min().y, r.max().x, r.max().y);
    if ![x0, y0, x1, y1].iter().all(|v| v.is_finite()) {
        return Looks::Unknown;
    }
    let in_box = |lon0: f64, lat0: f64, lon1: f64, lat1: f64| {
        lon0 >= 73.0 && lon1 <= 136.0 && lat0 >= 3.0 && lat1 <= 54.0
    };
    if in_box(x0, y0, x1, y1) {
        return Looks::LonLat;
    }
    if in_box(y0, x0, y1, x1) {
        return Looks::LatLon;
    }
    if x0 >= -180.0 && x1 <= 180.0 && y0 >= -90.0 && y1 <= 90.0 {
        return Looks::LonLatElsewhere;
    }
    let zone_of = |a: f64, b: f64| {
        let (z0, z1) = ((a / 1e6).floor(), (b / 1e6).floor());
        (z0 == z1 && ((13.0..=23.0).contains(&z0) || (25.0..=45.0).contains(&z0)))
            .then_some(z0 as u32)
    };
    let northing = |a: f64, b: f64| a >= 0.0 && b <= 6.5e6;
    let easting6 = |a: f64, b: f64| a > 0.0 && b < 1e6;
    if let (Some(zone), true) = (zone_of(x0, x1), northing(y0, y1)) {
        return Looks::Zoned {
            zone,
            swapped: false,
        };
    }
    if let (Some(zone), true) = (zone_of(y0, y1), northing(x0, x1)) {
        return Looks::Zoned {
            zone,
            swapped: true,
        };
    }
    // China's northings run from about 2 000 km to 6 000 km.
    if easting6(x0, x1) && y0 >= 1.5e6 && y1 <= 6.5e6 {
        return Looks::Metres { swapped: false };
    }
    if easting6(y0, y1) && x0 >= 1.5e6 && x1 <= 6.5e6 {
        return Looks::Metres { swapped: true };
    }
    Looks::Unknown
}

/// The coordinate system the importer proposes for a layer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrsGuess {
    /// `None`: the numbers do not say and nothing declares it; ask the user.
    pub crs: Option<Crs>,
    /// The axes are swapped in the file (X = northing, as surveyors write it).
    pub swap_xy: bool,
    /// 0–1: how sure the guess is.
    pub confidence: f64,
    /// The name in the `.prj`, if there is one.
    pub declared: Option<String>,
    pub label_en: String,
    pub label_zh: String,
}

/// Proposes a coordinate system from the numbers and the `.prj`; warnings go to `notes`.
pub fn guess(
    file: &str,
    entry: &str,
    bbox: Option<Rect>,
    declared: Option<&Declared>,
    notes: &mut Vec<Note>,
) -> CrsGuess {
    let look = looks(bbox);
    let decl = declared.and_then(|d| d.crs.clone());
    let warn = |notes: &mut Vec<Note>, code: &'static str, en: String, zh: String| {
        notes.push(Note::warning(code, file, Some(entry), en, zh))
    };
    if let Some(d) = declared {
        if let Some(datum) = &d.other_datum {
            warn(
                notes,
                "crs.other_datum",
                format!("the .prj names the datum {datum}, not CGCS2000 or WGS 84: without the local conversion parameters positions may be off by up to 100 m; reproject the layer to CGCS2000 (EPSG:4490 or 4513–4554) in your GIS with the bureau's parameters"),
                format!(".prj 中的大地基准为 {datum}，不是 CGCS2000 或 WGS 84：没有当地转换参数，位置可能偏差达 100 米；请先在 GIS 软件中用测绘部门提供的参数转换到 CGCS2000（EPSG:4490 或 4513–4554）"),
            );
        }
    }
    let zoned = |zone: u32| {
        let width = if zone >= 25 { 3 } else { 6 };
        let cm = if width == 3 { zone * 3 } else { zone * 6 - 3 };
        Crs::GaussKruger {
            central_meridian: cm as f64,
            false_easting: zone as f64 * 1e6 + 500_000.0,
            zone_width: width,
        }
    };
    let (crs, swap, confidence) = match (look, decl) {
        (Looks::Empty, d) => (d.or(Some(Crs::Geographic)), false, 0.5),
        (Looks::LonLat, None) => {
            notes.push(Note::info(
                "crs.assumed_wgs84",
                file,
                Some(entry),
                "no .prj: the numbers are longitude/latitude in China, read as WGS 84/CGCS2000; if the layer was traced on AutoNavi (高德) or Tencent maps choose GCJ-02, on Baidu maps BD-09 — the numbers alone cannot tell (the offset is about 500 m)",
                "没有 .prj 文件：坐标是国内的经纬度，按 WGS 84/CGCS2000 读取；如果是在高德或腾讯地图上描绘的，请选择 GCJ-02，百度地图请选择 BD-09——仅凭数值无法区分（偏移约 500 米）",
            ));
            (Some(Crs::Geographic), false, 0.6)
        }
        (Looks::LonLat, Some(d)) if !d.is_projected() => (Some(d), false, 0.95),
        (Looks::LonLat, Some(d)) => {
            warn(
                notes,
                "crs.declared_mismatch",
                format!("the .prj declares {} (metres) but the coordinates are longitude/latitude in degrees; read as WGS 84/CGCS2000 — fix the .prj if that is wrong", d.label_en()),
                format!(".prj 声明为 {}（米），但坐标是经纬度（度）；已按 WGS 84/CGCS2000 读取——如不对，请修正 .prj", d.label_zh()),
            );
            (Some(Crs::Geographic), false, 0.7)
        }
        (Looks::LatLon, d) => {
            warn(
                notes,
                "crs.swapped_axes",
                "the coordinates are latitude/longitude (latitude first); swapped to longitude/latitude".into(),
                "坐标为“纬度, 经度”顺序（纬度在前）；已交换为“经度, 纬度”".into(),
            );
            (
                Some(d.filter(|d| !d.is_projected()).unwrap_or(Crs::Geographic)),
                true,
                0.7,
            )
        }
        (Looks::LonLatElsewhere, d) => {
            warn(
                notes,
                "crs.outside_china",
                "the coordinates are longitude/latitude outside China: check that this is the right file and coordinate system".into(),
                "坐标是中国境外的经纬度：请检查文件和坐标系是否正确".into(),
            );
            (
                Some(d.filter(|d| !d.is_projected()).unwrap_or(Crs::Geographic)),
                false,
                0.3,
            )
        }
        (Looks::Zoned { zone, swapped }, d) => {
            let detected = zoned(zone);
            if swapped {
                warn(notes, "crs.swapped_axes", "the first coordinate is the northing (X = north, as surveyors write it); swapped to easting, northing".into(), "第一个坐标是北坐标（测量习惯 X 为北）；已交换为东坐标、北坐标".into());
            }
            match d {
                Some(d) if d == detected => (Some(d), swapped, 0.95),
                Some(Crs::GaussKruger {
                    central_meridian, ..
                }) if central_meridian
                    == (match &detected {
                        Crs::GaussKruger {
                            central_meridian, ..
                        } => *central_meridian,
                        _ => f64::NAN,
                    }) =>
                {
                    warn(
                        notes,
                        "crs.declared_mismatch",
                        format!("the .prj declares no zone prefix but the eastings carry the zone number {zone}: read as {}", detected.label_en()),
                        format!(".prj 未声明带号，但东坐标前带有带号 {zone}：已按 {} 读取", detected.label_zh()),
                    );
                    (Some(detected), swapped, 0.85)
                }
                Some(d) => {
                    warn(
                        notes,
                        "crs.declared_mismatch",
                        format!("the .prj declares {} but the eastings carry the zone number {zone}: read as {} — check the .prj", d.label_en(), detected.label_en()),
                        format!(".prj 声明为 {}，但东坐标前带有带号 {zone}：已按 {} 读取——请检查 .prj", d.label_zh(), detected.label_zh()),
                    );
                    (Some(detected), swapped, 0.7)
                }
                None => (Some(detected), swapped, 0.8),
            }
        }
        (Looks::Metres { swapped }, d) => {
            if swapped {
                warn(notes, "crs.swapped_axes", "the first coordinate is the northing (X = north, as surveyors write it); swapped to easting, northing".into(), "第一个坐标是北坐标（测量习惯 X 为北）；已交换为东坐标、北坐标".into());
            }
            match d {
                Some(Crs::GaussKruger {
                    central_meridian,
                    zone_width,
                    false_easting,
                }) => {
                    if false_easting != 500_000.0 {
                        warn(
                            notes,
                            "crs.declared_mismatch",
                            format!("the .prj declares a zone prefix (false easting {false_easting}) but the eastings have 6 digits: read with false easting 500000"),
                            format!(".prj 声明东坐标带带号（东偏移 {false_easting}），但东坐标只有 6 位：已按东偏移 500000 读取"),
                        );
                    }
                    (
                        Some(Crs::GaussKruger {
                            central_meridian,
                            zone_width,
                            false_easting: 500_000.0,
                        }),
                        swapped,
                        0.9,
                    )
                }
                Some(d @ Crs::Proj { .. }) => (Some(d), swapped, 0.8),
                Some(d) => {
                    warn(
                        notes,
                        "crs.declared_mismatch",
                        format!("the .prj declares {} but the coordinates are projected metres without a zone number: choose the Gauss-Kruger zone (e.g. EPSG:4549 = CM 120E, which covers Yangzhou)", d.label_en()),
                        format!(".prj 声明为 {}，但坐标是不带带号的投影坐标（米）：请选择高斯-克吕格投影带（例如 EPSG:4549，中央经线 120°E，扬州所在）", d.label_zh()),
                    );
                    (None, swapped, 0.0)
                }
                None => {
                    warn(
                        notes,
                        "crs.needs_central_meridian",
                        "the coordinates are Gauss-Kruger metres without a zone number and there is no .prj: the central meridian cannot be told from the numbers; choose it (e.g. EPSG:4549 = CGCS2000 3-degree CM 120E, which covers Yangzhou; EPSG:4548 = CM 117E)".into(),
                        "坐标是不带带号的高斯-克吕格投影坐标（米），且没有 .prj：无法从数值判断中央经线；请选择坐标系（例如 EPSG:4549 = CGCS2000 3 度带中央经线 120°E，扬州所在；EPSG:4548 = 中央经线 117°E）".into(),
                    );
                    (None, swapped, 0.0)
                }
            }
        }
        (Looks::Unknown, d) => {
            warn(
                notes,
                "crs.unknown",
                "the coordinates are neither longitude/latitude in China nor Gauss-Kruger metres: choose the coordinate system, or reproject the layer to CGCS2000/WGS 84 first".into(),
                "坐标既不是国内经纬度，也不是高斯-克吕格投影坐标：请选择坐标系，或先把图层转换到 CGCS2000/WGS 84".into(),
            );
            (d, false, 0.1)
        }
    };
    let (label_en, label_zh) = match &crs {
        Some(c) => (c.label_en(), c.label_zh()),
        None => ("unknown: choose one".into(), "未知：请选择".into()),
    };
    CrsGuess {
        crs,
        swap_xy: swap,
        confidence,
        declared: declared.map(|d| d.name.clone()),
        label_en,
        label_zh,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Gauss–Krüger (transverse Mercator) forward projection by Krüger's
    /// series in n to n³ (as in Karney 2011, "Transverse Mercator with an
    /// accuracy of a few nanometres", eqs. 35–36; also the textbook form in
    /// Wikipedia's "Transverse Mercator projection"), written independently of
    /// proj4rs to check it: sub-millimetre within a 3° zone.
    fn kruger(lon: f64, lat: f64, cm: f64, fe: f64) -> (f64, f64) {
        let a: f64 = 6_378_137.0;
        let f: f64 = 1.0 / 298.257_222_101; // CGCS2000 (= GRS80)
        let n = f / (2.0 - f);
        let big_a = a / (1.0 + n) * (1.0 + n * n / 4.0 + n.powi(4) / 64.0);
        let alpha = [
            n / 2.0 - 2.0 * n * n / 3.0 + 5.0 * n.powi(3) / 16.0,
            13.0 * n * n / 48.0 - 3.0 * n.powi(3) / 5.0,
            61.0 * n.powi(3) / 240.0,
        ];
        let phi = lat.to_radians();
        let lam = (lon - cm).to_radians();
        let c = 2.0 * n.sqrt() / (1.0 + n);
        let t = (phi.sin().atanh() - c * (c * phi.sin()).atanh()).sinh();
        let xi = t.atan2(lam.cos());
        let eta = (lam.sin() / (1.0 + t * t).sqrt()).atanh();
        let mut e = eta;
        let mut nn = xi;
        for (j, al) in alpha.iter().enumerate() {
            let k = 2.0 * (j + 1) as f64;
            e += al * (k * xi).cos() * (k * eta).sinh();
            nn += al * (k * xi).sin() * (k * eta).cosh();
        }
        (fe + big_a * e, big_a * nn)
    }

    #[test]
    fn epsg_codes_round_trip() {
        for code in 4491..=4554 {
            let c = Crs::from_epsg(code).unwrap();
            assert_eq!(c.epsg(), Some(code), "{c:?}");
            assert_eq!(Crs::parse(&c.code()), Some(c));
        }
        assert_eq!(
            Crs::from_epsg(4549),
            Some(Crs::GaussKruger {
                central_meridian: 120.0,
                false_easting: 500_000.0,
                zone_width: 3
            })
        );
        assert_eq!(
            Crs::from_epsg(4528),
            Some(Crs::GaussKruger {
                central_meridian: 120.0,
                false_easting: 40_500_000.0,
                zone_width: 3
            })
        );
        assert_eq!(
            Crs::from_epsg(4498),
            Some(Crs::GaussKruger {
                central_meridian: 117.0,
                false_easting: 20_500_000.0,
                zone_width: 6
            })
        );
        assert_eq!(Crs::parse("EPSG:4490"), Some(Crs::Geographic));
        assert_eq!(Crs::parse("gcj02"), Some(Crs::Gcj02));
        assert_eq!(Crs::parse("EPSG:3857"), None);
    }

    #[test]
    fn proj4rs_matches_the_epsg_guidance_note_transverse_mercator_example() {
        // Source: IOGP Publication 373-7-2 (EPSG Guidance Note 7-2), Transverse
        // Mercator worked example: OSGB 1936 / British National Grid,
        // φ = 50°30'00"N, λ = 00°30'00"E → E = 577 274.98 m, N = 69 740.49 m
        // (PROJ gives 577 274.9838, 69 740.4923, as cartopy's tests pin).
        let src = Proj::from_proj_string("+proj=longlat +ellps=airy +no_defs").unwrap();
        let dst = Proj::from_proj_string("+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy +units=m +no_defs").unwrap();
        let mut p = (0.5f64.to_radians(), 50.5f64.to_radians(), 0.0);
        proj4rs::transform::transform(&src, &dst, &mut p).unwrap();
        assert!(
            (p.0 - 577_274.98).abs() < 0.01 && (p.1 - 69_740.49).abs() < 0.01,
            "{p:?}"
        );
    }

    #[test]
    fn gauss_kruger_agrees_with_kruger_series_and_meridian_arc() {
        // Points around Yangzhou and at the edges of zone CM 120E.
        for (lon, lat) in [
            (119.4127, 32.3942),
            (120.0, 32.0),
            (118.5, 33.5),
            (121.4, 31.2),
            (119.0, 25.0),
        ] {
            for code in [4549, 4528] {
                let crs = Crs::from_epsg(code).unwrap();
                let Crs::GaussKruger { false_easting, .. } = crs else {
                    unreachable!()
                };
                let (e, n) = from_wgs84(&crs, lon, lat).unwrap();
                let (ke, kn) = kruger(lon, lat, 120.0, false_easting);
                assert!(
                    (e - ke).abs() < 0.001 && (n - kn).abs() < 0.001,
                    "{code} {lon},{lat}: proj4rs {e},{n} vs series {ke},{kn}"
                );
                let (lon2, lat2) = Transformer::new(&crs).unwrap().to_wgs84(e, n).unwrap();
                assert!(
                    (lon2 - lon).abs() < 1e-9 && (lat2 - lat).abs() < 1e-9,
                    "round trip {lon2},{lat2}"
                );
            }
        }
        // On the central meridian the northing is the meridian arc: integrate
        // M(φ) = a(1−e²)/(1−e² sin²φ)^{3/2} numerically (Simpson, 2 000 steps).
        let (a, f): (f64, f64) = (6_378_137.0, 1.0 / 298.257_222_101);
        let e2 = f * (2.0 - f);
        let m = |phi: f64| a * (1.0 - e2) / (1.0 - e2 * phi.sin().powi(2)).powf(1.5);
        let phi = 32.0f64.to_radians();
        let steps = 2000;
        let h = phi / steps as f64;
        let arc: f64 = (0..=steps)
            .map(|i| {
                let w = if i == 0 || i == steps {
                    1.0
                } else if i % 2 == 1 {
                    4.0
                } else {
                    2.0
                };
                w * m(i as f64 * h)
            })
            .sum::<f64>()
            * h
            / 3.0;
        let (e, n) = from_wgs84(&Crs::from_epsg(4549).unwrap(), 120.0, 32.0).unwrap();
        assert!(
            (e - 500_000.0).abs() < 1e-6 && (n - arc).abs() < 0.001,
            "{n} vs arc {arc}"
        );
    }

    #[test]
    fn zone_and_projection_are_read_from_the_numbers() {
        let r = |x0: f64, y0: f64, x1: f64, y1: f64| Some(Rect::new((x0, y0), (x1, y1)));
        assert_eq!(looks(r(119.3, 32.3, 119.5, 32.5)), Looks::LonLat);
        assert_eq!(looks(r(32.3, 119.3, 32.5, 119.5)), Looks::LatLon);
        assert_eq!(
            looks(r(40_440_000.0, 3_580_000.0, 40_460_000.0, 3_600_000.0)),
            Looks::Zoned {
                zone: 40,
                swapped: false
            }
        );
        assert_eq!(
            looks(r(3_580_000.0, 40_440_000.0, 3_600_000.0, 40_460_000.0)),
            Looks::Zoned {
                zone: 40,
                swapped: true
            }
        );
        assert_eq!(
            looks(r(20_440_000.0, 3_580_000.0, 20_460_000.0, 3_600_000.0)),
            Looks::Zoned {
                zone: 20,
                swapped: false
            }
        );
        assert_eq!(
            looks(r(440_000.0, 3_580_000.0, 460_000.0, 3_600_000.0)),
            Looks::Metres { swapped: false }
        );
        let mut notes = Vec::new();
        let g = guess(
            "a.zip",
            "a.shp",
            r(40_440_000.0, 3_580_000.0, 40_460_000.0, 3_600_000.0),
            None,
            &mut notes,
        );
        assert_eq!(g.crs.and_then(|c| c.epsg()), Some(4528));
        let g = guess(
            "a.zip",
            "a.shp",
            r(440_000.0, 3_580_000.0, 460_000.0, 3_600_000.0),
            None,
            &mut notes,
        );
        assert_eq!(g.crs, None);
        assert!(notes.iter().any(|n| n.code == "crs.needs_central_meridian"));
    }

    #[test]
    fn declared_wgs84_with_projected_values_warns() {
        let prj = read_prj(br#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#);
        assert_eq!(prj.crs, Some(Crs::Geographic));
        let mut notes = Vec::new();
        let g = guess(
            "a.zip",
            "a.shp",
            Some(Rect::new(
                (40_440_000.0, 3_580_000.0),
                (40_460_000.0, 3_600_000.0),
            )),
            Some(&prj),
            &mut notes,
        );
        assert_eq!(g.crs.and_then(|c| c.epsg()), Some(4528));
        assert!(
            notes.iter().any(|n| n.code == "crs.declared_mismatch"),
            "{notes:?}"
        );
    }

    #[test]
    fn esri_prj_of_epsg_4549_is_recognised() {
        let prj = read_prj(br#"PROJCS["CGCS2000_3_Degree_GK_CM_120E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",120.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#);
        assert_eq!(prj.crs.and_then(|c| c.epsg()), Some(4549));
        assert_eq!(prj.other_datum, None);
        let xian = read_prj(br#"PROJCS["Xian_1980_3_Degree_GK_CM_120E",GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",120.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#);
        assert_eq!(xian.other_datum.as_deref(), Some("D_XIAN_1980"));
    }
}
