//! Which plan layer a source layer is, and which column is which property.
//!
//! Headers are recognised in Chinese and English, as planners name them
//! (`名称`/`NAME`/`MC`, `户数`/`HS`, `规划户数`, `网格编码`, …), each with a
//! confidence; the result is a [`LayerMapping`] the user can correct and hand
//! back to [`crate::to_plan`].
//!
//! ```
//! use shequ_import::mapping::recognise;
//! assert_eq!(recognise("户数").first().map(|g| g.0), Some("households"));
//! assert_eq!(recognise("XQMC").first().map(|g| g.0), Some("name"));
//! assert_eq!(recognise("规划户数").first().map(|g| g.0), Some("planned_households"));
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use shequ_core::model::Layer;

use crate::crs::Crs;
use crate::shp::{GeometryKind, SourceLayer};
use crate::text::header_key;

/// How a source layer becomes a plan layer. Also what the user edits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerMapping {
    /// The source layer: its `.shp` entry (`社区/社区.shp`) or its name (`社区`).
    pub source: String,
    /// The plan layer; `null` skips the source layer.
    pub layer: Option<Layer>,
    /// Plan property (`id`, `name`, `households`, …) → source column.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// The coordinate system; `null` takes the detected one.
    #[serde(default)]
    pub crs: Option<Crs>,
    /// Swap X and Y (files with X = northing); `null` takes the detected choice.
    #[serde(default)]
    pub swap_xy: Option<bool>,
}

/// A column proposed for a property.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldGuess {
    pub target: &'static str,
    pub column: String,
    /// 0–1.
    pub confidence: f64,
}

/// The proposed reading of one source layer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerProposal {
    pub layer: Option<Layer>,
    /// 0–1: how sure the layer guess is.
    pub layer_confidence: f64,
    pub fields: Vec<FieldGuess>,
    /// The proposal as a mapping, ready to correct and use.
    pub mapping: LayerMapping,
}

/// Properties each plan layer takes, most important first.
pub fn targets(layer: Layer) -> &'static [&'static str] {
    match layer {
        Layer::Community => &[
            "id",
            "name",
            "kind",
            "committee_size",
            "full_time_staff",
            "service_center",
        ],
        Layer::Compound => &[
            "id",
            "name",
            "households",
            "planned_households",
            "property_management",
        ],
        Layer::Grid => &["code", "id"],
        Layer::Barrier => &["id", "name", "kind"],
        Layer::ServiceCenter => &["id", "name", "floor_area_m2"],
        Layer::Street => &["id", "name"],
    }
}

/// Every property name of the plan format, which a kept column may not shadow.
const RESERVED: &[&str] = &[
    "layer",
    "id",
    "name",
    "kind",
    "committee_size",
    "full_time_staff",
    "committees",
    "service_center",
    "households",
    "planned_households",
    "property_management",
    "code",
    "floor_area_m2",
    "services",
];

/// Exact headers (compared half-width, upper-case ASCII) per property.
const EXACT: &[(&str, f64, &[&str])] = &[
    (
        "id",
        0.9,
        &[
            "ID",
            "BH",
            "编号",
            "CODE",
            "BM",
            "编码",
            "代码",
            "DM",
            "SQBH",
            "XQBH",
            "SQDM",
            "XQDM",
            "社区编号",
            "小区编号",
            "社区代码",
            "小区代码",
            "道路编号",
            "DLBH",
            "中心编号",
            "ZXBH",
        ],
    ),
    ("id", 0.3, &["OBJECTID", "FID", "OID", "序号", "XH"]),
    (
        "name",
        0.9,
        &[
            "NAME",
            "MC",
            "名称",
            "名字",
            "小区名称",
            "社区名称",
            "XQMC",
            "SQMC",
            "道路名称",
            "DLMC",
            "河流名称",
            "HLMC",
            "中心名称",
            "网格名称",
            "街道名称",
            "JDMC",
            "居委会名称",
            "小区名",
            "社区名",
            "社区居委会",
        ],
    ),
    (
        "households",
        0.9,
        &[
            "户数",
            "HS",
            "住户数",
            "HOUSEHOLDS",
            "现有户数",
            "总户数",
            "XYHS",
            "ZHS",
            "居民户数",
            "实有户数",
            "常住户数",
            "户数(户)",
            "现有户数(户)",
        ],
    ),
    (
        "planned_households",
        0.9,
        &[
            "规划户数",
            "在建户数",
            "GHHS",
            "ZJHS",
            "PLANNED_HOUSEHOLDS",
            "PLANNED",
            "规划及在建户数",
            "在建及规划户数",
            "拟建户数",
            "规划户数(户)",
        ],
    ),
    (
        "code",
        0.9,
        &[
            "CODE",
            "网格编码",
            "网格编号",
            "WGBM",
            "WGBH",
            "GRID_CODE",
            "GRIDCODE",
            "网格代码",
        ],
    ),
    (
        "kind",
        0.8,
        &[
            "KIND",
            "TYPE",
            "类型",
            "类别",
            "LX",
            "LB",
            "社区类型",
            "道路类型",
            "DLLX",
        ],
    ),
    (
        "committee_size",
        0.9,
        &[
            "两委人数",
            "两委",
            "LWRS",
            "COMMITTEE_SIZE",
            "COMMITTEE",
            "两委成员数",
            "两委成员",
        ],
    ),
    (
        "full_time_staff",
        0.85,
        &[
            "专职人员",
            "专职社工",
            "社工人数",
            "ZZRY",
            "FULL_TIME_STAFF",
            "STAFF",
            "专职工作人员",
            "专职人员数",
            "社区工作者",
        ],
    ),
    (
        "service_center",
        0.6,
        &[
            "SERVICE_CENTER",
            "CENTER",
            "CENTRE",
            "服务中心",
            "服务中心编号",
            "党群服务中心",
        ],
    ),
    (
        "floor_area_m2",
        0.8,
        &[
            "FLOOR_AREA_M2",
            "FLOOR_AREA",
            "用房面积",
            "建筑面积",
            "服务用房面积",
            "JZMJ",
            "面积(平方米)",
        ],
    ),
    (
        "property_management",
        0.85,
        &[
            "PROPERTY_MANAGEMENT",
            "PROPERTY",
            "物业",
            "物业管理",
            "有无物业",
            "WYGL",
            "是否有物业",
        ],
    ),
];

/// The properties a header may stand for, most likely first: `(property, confidence)`.
pub fn recognise(header: &str) -> Vec<(&'static str, f64)> {
    let key = header_key(header);
    let mut out: Vec<(&'static str, f64)> = Vec::new();
    for (target, conf, names) in EXACT {
        if names.contains(&key.as_str()) && !out.iter().any(|o| o.0 == *target) {
            out.push((
                target,
                if key.eq_ignore_ascii_case(target) {
                    1.0
                } else {
                    *conf
                },
            ));
        }
    }
    let has = |s: &str| key.contains(s);
    let mut partial = |t: &'static str, c: f64| {
        if !out.iter().any(|o| o.0 == t) {
            out.push((t, c));
        }
    };
    if has("户") && (has("规划") || has("在建") || has("拟建")) {
        partial("planned_households", 0.7);
    } else if has("户数") {
        partial("households", 0.6);
    }
    if has("网格") && (has("编码") || has("编号") || has("代码")) {
        partial("code", 0.7);
    }
    if has("名称") {
        partial("name", 0.6);
    }
    // Pinyin initials, as GIS offices name dBase columns (10 bytes at most):
    // …BM/…BH/…DM (编码/编号/代码) ids, …MC (名称) names, …HS (户数)
    // households, GHHS/ZJHS/NJHS (规划/在建/拟建户数) planned ones.
    if let Some(stem) = pinyin(&key) {
        for (suffix, target) in [("BM", "id"), ("BH", "id"), ("DM", "id"), ("MC", "name")] {
            if stem.ends_with(suffix) {
                partial(target, 0.85);
            }
        }
        if stem.ends_with("HS") {
            if ["GH", "ZJ", "NJ"].iter().any(|p| stem.starts_with(p)) {
                partial("planned_households", 0.85);
            } else {
                partial("households", 0.85);
            }
        }
    }
    if has("编号") || has("编码") || has("代码") {
        partial("id", 0.5);
    }
    if has("两委") {
        partial("committee_size", 0.7);
    }
    if has("物业") {
        partial("property_management", 0.6);
    }
    if has("类型") || has("类别") {
        partial("kind", 0.6);
    }
    out.sort_by(|a, b| b.1.total_cmp(&a.1));
    out
}

/// A header of pinyin initials (`XQBM`, `SQMC`, `GHHS`): 2–8 ASCII letters.
fn pinyin(key: &str) -> Option<&str> {
    (key.len() >= 2 && key.len() <= 8 && key.bytes().all(|b| b.is_ascii_uppercase())).then_some(key)
}

/// The plan layer a header's prefix names, in Chinese (`小区名称`) or pinyin
/// initials (`XQMC`): a compound layer's `SQBM` is its community's code, not
/// the compound's id.
pub fn header_layer(header: &str) -> Option<Layer> {
    let key = header_key(header);
    const CHINESE: &[(&str, Layer)] = &[
        ("小区", Layer::Compound),
        ("社区", Layer::Community),
        ("居委", Layer::Community),
        ("网格", Layer::Grid),
        ("道路", Layer::Barrier),
        ("河流", Layer::Barrier),
        ("河道", Layer::Barrier),
        ("街巷", Layer::Barrier),
        ("巷道", Layer::Barrier),
        ("服务中心", Layer::ServiceCenter),
        ("党群", Layer::ServiceCenter),
        ("中心", Layer::ServiceCenter),
        ("街道", Layer::Street),
        ("乡镇", Layer::Street),
    ];
    if let Some((_, l)) = CHINESE.iter().find(|(p, _)| key.starts_with(p)) {
        return Some(*l);
    }
    const PINYIN: &[(&str, Layer)] = &[
        ("XQ", Layer::Compound),
        ("SQ", Layer::Community),
        ("JWH", Layer::Community),
        ("WG", Layer::Grid),
        ("DL", Layer::Barrier),
        ("HL", Layer::Barrier),
        ("HD", Layer::Barrier),
        ("XD", Layer::Barrier),
        ("FWZX", Layer::ServiceCenter),
        ("DQ", Layer::ServiceCenter),
        ("ZX", Layer::ServiceCenter),
        ("JD", Layer::Street),
        ("XZ", Layer::Street),
    ];
    let stem = pinyin(&key)?;
    // The prefix names a layer only before a known ending (`XQBM`, not `XQ`).
    let rest = |p: &str| stem.strip_prefix(p).filter(|r| r.len() >= 2);
    PINYIN
        .iter()
        .find(|(p, _)| rest(p).is_some())
        .map(|(_, l)| *l)
}

/// [`recognise`] for a column of `layer`: an id or name column prefixed for
/// another layer (`SQBM` in the compounds, `小区名称` in the communities) is
/// not this layer's id or name — but in the communities, a centre's id is
/// the community's `service_center`; one prefixed for this layer is
/// preferred.
pub fn recognise_for(layer: Layer, header: &str) -> Vec<(&'static str, f64)> {
    let mut out = recognise(header);
    let Some(own) = header_layer(header) else {
        return out;
    };
    let id = out.iter().find(|(t, _)| *t == "id").map(|(_, c)| *c);
    out.retain_mut(|(t, c)| {
        if !matches!(*t, "id" | "name") {
            return true;
        }
        if own == layer {
            *c = (*c + 0.05).min(1.0);
            true
        } else {
            false
        }
    });
    if let (Layer::Community, Layer::ServiceCenter, Some(c)) = (layer, own, id) {
        if !out.iter().any(|(t, _)| *t == "service_center") {
            out.push(("service_center", c.min(0.7)));
        }
    }
    out.sort_by(|a, b| b.1.total_cmp(&a.1));
    out
}

/// Columns for each property of `layer`: each column used once (a grid's
/// code may double as its id).
pub fn guess_fields(layer: Layer, columns: &[String]) -> Vec<FieldGuess> {
    let scored: Vec<Vec<(&'static str, f64)>> =
        columns.iter().map(|c| recognise_for(layer, c)).collect();
    let mut used = vec![false; columns.len()];
    let mut out: Vec<FieldGuess> = Vec::new();
    for &target in targets(layer) {
        let best = scored
            .iter()
            .enumerate()
            .filter(|(i, _)| !used[*i])
            .filter_map(|(i, s)| s.iter().find(|(t, _)| *t == target).map(|(_, c)| (i, *c)))
            .filter(|(_, c)| *c >= 0.3)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        if let Some((i, c)) = best {
            used[i] = true;
            out.push(FieldGuess {
                target,
                column: columns[i].clone(),
                confidence: c,
            });
        }
    }
    // A grid cell's code is a better id than a record number (OBJECTID).
    if layer == Layer::Grid && !out.iter().any(|g| g.target == "id" && g.confidence >= 0.5) {
        if let Some(code) = out.iter().find(|g| g.target == "code").cloned() {
            out.retain(|g| g.target != "id");
            out.push(FieldGuess {
                target: "id",
                column: code.column,
                confidence: code.confidence * 0.8,
            });
        }
    }
    out
}

/// Which plan layer a source layer is, from its name, geometry and columns.
pub fn guess_layer(name: &str, geometry: GeometryKind, columns: &[String]) -> (Option<Layer>, f64) {
    let n = header_key(name);
    let has = |keys: &[&str]| keys.iter().any(|k| n.contains(k));
    let named = if has(&["服务中心", "党群", "CENTER", "CENTRE", "FWZX"]) {
        Some(Layer::ServiceCenter)
    } else if has(&["小区", "COMPOUND", "XQ", "住宅", "楼盘", "RESIDENTIAL"]) {
        Some(Layer::Compound)
    } else if has(&["网格", "GRID", "WG"]) {
        Some(Layer::Grid)
    } else if has(&[
        "道路", "路网", "ROAD", "河", "RIVER", "水系", "BARRIER", "巷", "LANE", "DL", "HL",
    ]) {
        Some(Layer::Barrier)
    } else if has(&["街道", "STREET", "JD", "乡镇", "镇界"]) {
        Some(Layer::Street)
    } else if has(&["社区", "COMMUNITY", "SQ", "居委"]) {
        Some(Layer::Community)
    } else {
        None
    };
    let fits = |l: Layer| match l {
        Layer::Community | Layer::Grid | Layer::Street => geometry == GeometryKind::Polygon,
        Layer::Compound => matches!(geometry, GeometryKind::Polygon | GeometryKind::Point),
        Layer::Barrier => geometry == GeometryKind::Polyline,
        Layer::ServiceCenter => geometry == GeometryKind::Point,
    };
    let has_col = |t: &str| {
        columns
            .iter()
            .any(|c| recognise(c).iter().any(|(x, conf)| *x == t && *conf >= 0.6))
    };
    // The layer its id and name columns are prefixed for (`XQBM`, `小区名称`);
    // a layer also carries its parents' codes (a compound's `SQBM`), so the
    // most detailed layer named wins.
    let by_columns = [
        Layer::Compound,
        Layer::Grid,
        Layer::ServiceCenter,
        Layer::Barrier,
        Layer::Community,
        Layer::Street,
    ]
    .into_iter()
    .filter(|&l| fits(l))
    .find(|&l| {
        columns.iter().any(|c| {
            header_layer(c) == Some(l)
                && recognise_for(l, c)
                    .iter()
                    .any(|(t, conf)| matches!(*t, "id" | "name") && *conf >= 0.6)
        })
    });
    match named {
        Some(l) if fits(l) => (Some(l), 0.9),
        _ => match geometry {
            GeometryKind::Polyline => (Some(Layer::Barrier), 0.7),
            GeometryKind::Point if has_col("households") => (Some(Layer::Compound), 0.7),
            GeometryKind::Polygon if has_col("households") => (Some(Layer::Compound), 0.6),
            _ if by_columns.is_some() => (by_columns, 0.6),
            GeometryKind::Point => (Some(Layer::ServiceCenter), 0.4),
            GeometryKind::Polygon if has_col("code") => (Some(Layer::Grid), 0.6),
            GeometryKind::Polygon => (Some(Layer::Community), 0.3),
            _ => (None, 0.0),
        },
    }
}

/// The proposal for one source layer.
pub fn propose(layer: &SourceLayer, crs: &crate::crs::CrsGuess) -> LayerProposal {
    let columns: Vec<String> = layer.fields.iter().map(|f| f.name.clone()).collect();
    let (plan_layer, layer_confidence) = guess_layer(&layer.name, layer.geometry, &columns);
    let fields = plan_layer
        .map(|l| guess_fields(l, &columns))
        .unwrap_or_default();
    let mapping = LayerMapping {
        source: layer.entry.clone(),
        layer: plan_layer,
        fields: fields
            .iter()
            .map(|g| (g.target.to_string(), g.column.clone()))
            .collect(),
        crs: crs.crs.clone(),
        swap_xy: Some(crs.swap_xy),
    };
    LayerProposal {
        layer: plan_layer,
        layer_confidence,
        fields,
        mapping,
    }
}

/// A kept column's property name: its own, unless that would shadow a plan property.
pub fn kept_name(column: &str) -> String {
    if RESERVED.contains(&column.to_ascii_lowercase().as_str()) {
        format!("src_{column}")
    } else {
        column.to_string()
    }
}

/// A whole number from a cell: `1,234`, `１２３４`, `1234户`, `1234.0`.
pub fn whole_number(v: &serde_json::Value) -> Option<i64> {
    match v {
        serde_json::Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9e15)
                .map(|f| f as i64)
        }),
        serde_json::Value::String(s) => {
            let t: String = crate::text::half_width(s)
                .chars()
                .filter(|c| !c.is_whitespace() && *c != ',' && *c != '，')
                .collect();
            let t = t.trim_end_matches(['户', '人', '个', '名']);
            t.parse::<i64>().ok().or_else(|| {
                t.parse::<f64>()
                    .ok()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9e15)
                    .map(|f| f as i64)
            })
        }
        _ => None,
    }
}

/// A community kind from planners' words.
pub fn community_kind(s: &str) -> Option<&'static str> {
    let t = header_key(s);
    Some(match t.as_str() {
        "STANDARD" | "普通" | "标准" | "一般" | "城市社区" | "普通社区" => "standard",
        "OLD_TOWN" | "老城区" | "老城" | "老旧小区" | "老城区社区" | "OLD TOWN" => {
            "old_town"
        }
        "APARTMENT" | "公寓" | "独立楼盘" | "公寓为主" | "楼盘" => "apartment",
        _ => return None,
    })
}

/// A barrier kind from planners' words (`道路`, `巷`, `河流`).
pub fn barrier_kind(s: &str) -> Option<&'static str> {
    let t = header_key(s);
    Some(match t.as_str() {
        "ROAD" | "道路" | "路" | "街" | "大道" | "公路" | "主干路" | "次干路" | "支路"
        | "快速路" | "城市道路" => "road",
        "LANE" | "巷" | "巷道" | "弄" | "胡同" | "街巷" | "小巷" => "lane",
        "RIVER" | "河" | "河流" | "河道" | "水系" | "运河" | "沟渠" | "水体" | "江" => {
            "river"
        }
        _ => return None,
    })
}

/// A barrier kind from its name's last character (`文昌路` road, `皮市街巷` lane, `汶河` river).
pub fn barrier_kind_from_name(name: &str) -> Option<&'static str> {
    let n = name.trim();
    if [
        "河", "江", "湖", "渠", "沟", "港", "塘", "溪", "浦", "运河", "水道",
    ]
    .iter()
    .any(|s| n.ends_with(s))
    {
        Some("river")
    } else if ["巷", "弄", "胡同", "里"].iter().any(|s| n.ends_with(s)) {
        Some("lane")
    } else if ["路", "街", "道", "大道", "公路", "线"]
        .iter()
        .any(|s| n.ends_with(s))
    {
        Some("road")
    } else {
        None
    }
}

/// True/false from planners' words (`是`/`否`, `有`/`无`, `Y`/`N`, 1/0).
pub fn yes_no(v: &serde_json::Value) -> Option<bool> {
    match v {
        serde_json::Value::Bool(b) => Some(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        serde_json::Value::String(s) => match header_key(s).as_str() {
            "是" | "有" | "Y" | "YES" | "TRUE" | "T" | "1" => Some(true),
            "否" | "无" | "没有" | "N" | "NO" | "FALSE" | "F" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(c: &[&str]) -> Vec<String> {
        c.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn chinese_and_pinyin_headers_map_to_properties() {
        let g = guess_fields(
            Layer::Compound,
            &cols(&["OBJECTID", "XQBH", "XQMC", "HS", "GHHS", "备注"]),
        );
        let m: BTreeMap<_, _> = g.iter().map(|g| (g.target, g.column.as_str())).collect();
        assert_eq!(m.get("id"), Some(&"XQBH"));
        assert_eq!(m.get("name"), Some(&"XQMC"));
        assert_eq!(m.get("households"), Some(&"HS"));
        assert_eq!(m.get("planned_households"), Some(&"GHHS"));
        let g = guess_fields(Layer::Grid, &cols(&["网格编码", "网格名称"]));
        assert!(g.iter().any(|g| g.target == "id" && g.column == "网格编码"));
        let g = guess_fields(Layer::Community, &cols(&["社区名称", "两委人数", "ＩＤ"]));
        assert!(g.iter().any(|g| g.target == "id" && g.column == "ＩＤ"));
        assert!(g.iter().any(|g| g.target == "committee_size"));
    }

    #[test]
    fn pinyin_initials_name_each_layer_its_own_id_and_name() {
        let m = |layer, c: &[&str]| -> BTreeMap<&'static str, String> {
            guess_fields(layer, &cols(c))
                .into_iter()
                .map(|g| (g.target, g.column))
                .collect()
        };
        let want = |p: &[(&'static str, &str)]| -> BTreeMap<&'static str, String> {
            p.iter().map(|(t, c)| (*t, c.to_string())).collect()
        };
        // A compound layer carries its community's SQBM/SQMC: not its own.
        assert_eq!(
            m(
                Layer::Compound,
                &["OBJECTID", "SQBM", "SQMC", "XQBM", "XQMC", "HS", "GHHS"]
            ),
            want(&[
                ("id", "XQBM"),
                ("name", "XQMC"),
                ("households", "HS"),
                ("planned_households", "GHHS")
            ])
        );
        assert_eq!(
            m(Layer::Community, &["JDMC", "SQBM", "SQMC", "ZXBM"]),
            want(&[("id", "SQBM"), ("name", "SQMC"), ("service_center", "ZXBM")])
        );
        assert_eq!(
            m(Layer::Grid, &["OBJECTID", "SQBM", "WGBM", "WGMC"]),
            want(&[("code", "WGBM"), ("id", "WGBM")])
        );
        assert_eq!(
            m(Layer::Barrier, &["DLBM", "DLMC", "DLLX"]),
            want(&[("id", "DLBM"), ("name", "DLMC"), ("kind", "DLLX")])
        );
        assert_eq!(
            m(Layer::ServiceCenter, &["SQBM", "ZXBH", "ZXMC"]),
            want(&[("id", "ZXBH"), ("name", "ZXMC")])
        );
        // Chinese prefixes the same way; lower case and full width as written.
        assert_eq!(
            m(
                Layer::Compound,
                &["社区名称", "小区名称", "ｘｑｂｍ", "jmhs"]
            ),
            want(&[
                ("id", "ｘｑｂｍ"),
                ("name", "小区名称"),
                ("households", "jmhs")
            ])
        );
        assert_eq!(header_layer("XQ"), None, "a prefix alone names nothing");
        assert_eq!(header_layer("NAME"), None);
        assert!(
            recognise("SHAPE_AREA").is_empty() && recognise("OBJECTID").iter().all(|r| r.1 < 0.5)
        );
    }

    #[test]
    fn layers_are_guessed_from_pinyin_columns_when_the_name_says_nothing() {
        let g = |geom, c: &[&str]| guess_layer("图层1", geom, &cols(c)).0;
        assert_eq!(
            g(GeometryKind::Polygon, &["XQBM", "XQMC", "SQBM"]),
            Some(Layer::Compound)
        );
        assert_eq!(g(GeometryKind::Point, &["XQMC"]), Some(Layer::Compound));
        assert_eq!(
            g(GeometryKind::Polygon, &["WGBM", "SQBM"]),
            Some(Layer::Grid)
        );
        assert_eq!(
            g(GeometryKind::Polygon, &["SQBM", "SQMC", "JDMC"]),
            Some(Layer::Community)
        );
        assert_eq!(
            g(GeometryKind::Point, &["ZXMC", "SQBM"]),
            Some(Layer::ServiceCenter)
        );
    }

    #[test]
    fn layers_are_guessed_from_names_and_geometry() {
        assert_eq!(
            guess_layer("社区边界", GeometryKind::Polygon, &[]).0,
            Some(Layer::Community)
        );
        assert_eq!(
            guess_layer("小区", GeometryKind::Point, &[]).0,
            Some(Layer::Compound)
        );
        assert_eq!(
            guess_layer("网格", GeometryKind::Polygon, &[]).0,
            Some(Layer::Grid)
        );
        assert_eq!(
            guess_layer("layer1", GeometryKind::Polyline, &[]).0,
            Some(Layer::Barrier)
        );
        assert_eq!(
            guess_layer("社区党群服务中心", GeometryKind::Point, &[]).0,
            Some(Layer::ServiceCenter)
        );
        assert_eq!(
            guess_layer("x", GeometryKind::Polygon, &cols(&["户数"])).0,
            Some(Layer::Compound)
        );
    }

    #[test]
    fn numbers_as_planners_write_them() {
        use serde_json::json;
        assert_eq!(whole_number(&json!("1,234户")), Some(1234));
        assert_eq!(whole_number(&json!("１２３")), Some(123));
        assert_eq!(whole_number(&json!(56.0)), Some(56));
        assert_eq!(whole_number(&json!("约300")), None);
        assert_eq!(barrier_kind_from_name("汶河"), Some("river"));
        assert_eq!(barrier_kind_from_name("文昌中路"), Some("road"));
        assert_eq!(yes_no(&json!("有")), Some(true));
    }
}
