//! Reading a plan: GeoJSON text in, a typed [`Plan`] or every problem out.
//!
//! A plan is one FeatureCollection whose features say their layer in
//! `properties.layer`; or one collection per layer ([`load_layers`]). Nothing is
//! silently accepted: each problem becomes a [`LoadError`] naming the file, the
//! feature (index and id), the field, what was expected and how to fix it.
//! Repairs that cannot change meaning — closing a ring, fixing its winding — are
//! made and reported as [`LoadNote`]s.
//!
//! ```
//! use shequ_core::load::{load_plan, LoadOptions};
//!
//! let text = r#"{"type": "FeatureCollection", "features": [
//!   {"type": "Feature", "properties": {"layer": "compound", "id": "X1", "households": -5},
//!    "geometry": {"type": "Point", "coordinates": [119.4, 32.4]}}]}"#;
//! let err = load_plan("plan.geojson", text.as_bytes(), &LoadOptions::default()).unwrap_err();
//! let first = &err.errors[0];
//! assert_eq!(first.field.as_deref(), Some("households"));
//! assert_eq!(first.feature_id.as_deref(), Some("X1"));
//! assert!(first.to_string().starts_with("plan.geojson: feature #0 (id \"X1\", layer compound): households:"));
//! ```

mod error;
mod geometry;
mod properties;

use std::collections::{HashMap, HashSet};

use geojson::JsonObject;
use serde_json::Value;

pub use error::{LoadError, LoadErrors, LoadNote};
use geometry::{GeomReader, Shape};
use properties::Props;

use crate::model::*;

/// Limits that keep absurd input from hanging the engine.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// More households than this in one compound is taken for a typing error.
    pub max_households_per_compound: u32,
    /// Features with more vertices must be simplified before loading.
    pub max_vertices_per_feature: usize,
    /// Files larger than this are refused before parsing.
    pub max_bytes: usize,
    /// At most this many errors are listed; the rest are counted.
    pub max_errors: usize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_households_per_compound: 20_000,
            max_vertices_per_feature: 100_000,
            max_bytes: 256 * 1024 * 1024,
            max_errors: 200,
        }
    }
}

/// A plan that loaded, with the repairs made on the way.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub plan: Plan,
    pub notes: Vec<LoadNote>,
}

/// Reads a whole plan from one FeatureCollection. `file` names it in messages.
pub fn load_plan(file: &str, bytes: &[u8], opts: &LoadOptions) -> Result<Loaded, LoadErrors> {
    load_layers(&[(None, file, bytes)], opts)
}

/// Reads a plan from several files. Each entry is `(layer, file name, bytes)`;
/// with `Some(layer)` every feature of the file belongs to that layer (a
/// `properties.layer`, when present, must agree); with `None` each feature
/// names its layer.
pub fn load_layers(files: &[(Option<Layer>, &str, &[u8])], opts: &LoadOptions) -> Result<Loaded, LoadErrors> {
    let mut loader = Loader { opts, plan: Plan::default(), errors: Vec::new(), notes: Vec::new(), origins: HashMap::new() };
    for (layer, file, bytes) in files {
        loader.read_file(file, *layer, bytes);
    }
    if loader.errors.is_empty() {
        loader.check_references();
    }
    loader.finish()
}

/// Where a feature came from, for cross-feature errors (duplicate ids, references).
#[derive(Debug, Clone)]
struct Origin {
    file: String,
    index: usize,
}

struct Loader<'o> {
    opts: &'o LoadOptions,
    plan: Plan,
    errors: Vec<LoadError>,
    notes: Vec<LoadNote>,
    origins: HashMap<(Layer, String), Origin>,
}

impl Loader<'_> {
    fn read_file(&mut self, file: &str, layer: Option<Layer>, bytes: &[u8]) {
        let file_err = |code, en: String, zh: String, fix_en: &str, fix_zh: &str| {
            LoadError::file(file, code, en, zh, fix_en.to_string(), fix_zh.to_string())
        };
        if bytes.len() > self.opts.max_bytes {
            self.errors.push(file_err(
                "load.too_large",
                format!("the file is {} MB; the limit is {} MB", bytes.len() >> 20, self.opts.max_bytes >> 20),
                format!("文件大小 {} MB，超过上限 {} MB", bytes.len() >> 20, self.opts.max_bytes >> 20),
                "split the plan by street, or simplify the geometry",
                "请按街道拆分方案，或简化几何图形",
            ));
            return;
        }
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let at = e.valid_up_to();
                let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
                self.errors.push(file_err(
                    "load.not_utf8",
                    format!("the file is not UTF-8 text (invalid byte at offset {at}, line {line})"),
                    format!("文件不是 UTF-8 编码（第 {line} 行，偏移 {at} 处有无效字节）"),
                    "save it as UTF-8 (GeoJSON must be UTF-8; files from Chinese GIS software are often GBK)",
                    "请另存为 UTF-8 编码（GeoJSON 须为 UTF-8，国产 GIS 软件导出的文件常为 GBK）",
                ));
                return;
            }
        };
        if text.trim().is_empty() {
            self.errors.push(file_err(
                "load.empty_file",
                "the file is empty".into(),
                "文件为空".into(),
                "export the plan again; a plan is a GeoJSON FeatureCollection",
                "请重新导出方案；方案文件应为 GeoJSON FeatureCollection",
            ));
            return;
        }
        let root: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                let (en, zh) = match e.classify() {
                    serde_json::error::Category::Eof => (
                        format!("the JSON ends too early at line {}, column {} (is the file truncated?)", e.line(), e.column()),
                        format!("JSON 在第 {} 行第 {} 列意外结束（文件是否不完整？）", e.line(), e.column()),
                    ),
                    _ => (
                        format!("not valid JSON at line {}, column {}: {}", e.line(), e.column(), strip_position(&e.to_string())),
                        format!("第 {} 行第 {} 列不是有效的 JSON：{}", e.line(), e.column(), strip_position(&e.to_string())),
                    ),
                };
                self.errors.push(file_err(
                    "load.json",
                    en,
                    zh,
                    "check the file in a JSON validator, or export it again from your GIS as GeoJSON",
                    "请用 JSON 校验工具检查，或从 GIS 软件重新导出为 GeoJSON",
                ));
                return;
            }
        };
        let Value::Object(mut root) = root else {
            self.errors.push(file_err(
                "load.not_collection",
                format!("the file holds a JSON {}, not a GeoJSON FeatureCollection", json_kind(&root)),
                format!("文件内容是 JSON {}，不是 GeoJSON FeatureCollection", json_kind_zh(&root)),
                "a plan is an object {\"type\": \"FeatureCollection\", \"features\": [...]}",
                "方案应为 {\"type\": \"FeatureCollection\", \"features\": [...]} 对象",
            ));
            return;
        };
        match root.get("type").and_then(Value::as_str) {
            Some("FeatureCollection") => {}
            other => {
                let found = other.map_or_else(|| "no type".to_string(), |t| format!("type {t:?}"));
                self.errors.push(file_err(
                    "load.not_collection",
                    format!("expected a GeoJSON FeatureCollection, found {found}"),
                    format!("应为 GeoJSON FeatureCollection，实际为 {found}"),
                    "wrap the features in {\"type\": \"FeatureCollection\", \"features\": [...]}",
                    "请将要素放入 {\"type\": \"FeatureCollection\", \"features\": [...]}",
                ));
                return;
            }
        }
        if let Some(crs) = root.get("crs") {
            if let Some(name) = crs.pointer("/properties/name").and_then(Value::as_str) {
                let wgs84 = ["EPSG::4326", "EPSG:4326", "CRS84", "EPSG::4490", "EPSG:4490"];
                if !wgs84.iter().any(|w| name.contains(w)) {
                    self.errors.push(file_err(
                        "load.crs",
                        format!("the file declares the coordinate system {name:?}; plans are WGS 84 longitude/latitude (EPSG:4326)"),
                        format!("文件声明的坐标系为 {name:?}；方案须使用 WGS 84 经纬度（EPSG:4326）"),
                        "reproject it to EPSG:4326 in your GIS (QGIS: Export ▸ Save Features As ▸ CRS EPSG:4326)",
                        "请在 GIS 中重投影到 EPSG:4326（QGIS：导出 ▸ 要素另存为 ▸ 坐标系 EPSG:4326）",
                    ));
                    return;
                }
            }
        }
        let features = match root.remove("features") {
            Some(Value::Array(a)) => a,
            other => {
                let found = other.as_ref().map_or("nothing".to_string(), |v| format!("a JSON {}", json_kind(v)));
                self.errors.push(file_err(
                    "load.not_collection",
                    format!("\"features\" must be an array of features, found {found}"),
                    "\"features\" 应为要素数组".into(),
                    "put the features in an array: \"features\": [ ... ]",
                    "请将要素放入数组：\"features\": [ ... ]",
                ));
                return;
            }
        };
        for (key, value) in root {
            if key != "type" && key != "bbox" && key != "crs" {
                self.plan.meta.insert(key, value);
            }
        }
        for (index, feature) in features.into_iter().enumerate() {
            if self.errors.len() > self.opts.max_errors {
                break;
            }
            self.read_feature(file, layer, index, feature);
        }
    }

    fn read_feature(&mut self, file: &str, file_layer: Option<Layer>, index: usize, feature: Value) {
        let mut f = Props::new(file, index, &mut self.errors);
        let Value::Object(mut feature) = feature else {
            f.fail_feature(
                "load.not_feature",
                format!("expected a GeoJSON Feature object, found a JSON {}", json_kind(&feature)),
                format!("应为 GeoJSON Feature 对象，实际为 JSON {}", json_kind_zh(&feature)),
                "each entry of \"features\" is {\"type\": \"Feature\", \"geometry\": ..., \"properties\": {...}}",
                "\"features\" 中每一项应为 {\"type\": \"Feature\", \"geometry\": ..., \"properties\": {...}}",
            );
            return;
        };
        if feature.get("type").and_then(Value::as_str) != Some("Feature") {
            f.fail_feature(
                "load.not_feature",
                "this entry is not a GeoJSON Feature (its \"type\" is not \"Feature\")".into(),
                "该项不是 GeoJSON Feature（\"type\" 不是 \"Feature\"）".into(),
                "set \"type\": \"Feature\" and put attributes under \"properties\"",
                "请设置 \"type\": \"Feature\"，属性放在 \"properties\" 中",
            );
            return;
        }
        let props = match feature.remove("properties") {
            Some(Value::Object(p)) => p,
            Some(Value::Null) | None => JsonObject::new(),
            Some(other) => {
                f.fail_feature(
                    "load.wrong_type",
                    format!("\"properties\" must be an object, found a JSON {}", json_kind(&other)),
                    format!("\"properties\" 应为对象，实际为 JSON {}", json_kind_zh(&other)),
                    "write the attributes as \"properties\": {\"layer\": ..., \"id\": ...}",
                    "属性应写成 \"properties\": {\"layer\": ..., \"id\": ...}",
                );
                return;
            }
        };
        f.set_props(props, feature.get("id").cloned());
        let layer = match (file_layer, f.take_layer()) {
            (Some(l), None) => l,
            (None, Some(Ok(l))) => l,
            (Some(l), Some(Ok(own))) if own == l => l,
            (Some(l), Some(Ok(own))) => {
                f.fail_field(
                    "layer",
                    "load.layer_mismatch",
                    format!("the feature says layer {:?} but the file was given as the {} layer", own.as_str(), l.as_str()),
                    format!("要素的图层为 {:?}，但该文件是作为 {} 图层读入的", own.as_str(), l.as_str()),
                    "remove the \"layer\" property or load the file as the layer it says".into(),
                    "请删除 \"layer\" 属性，或按其所写图层读入该文件".into(),
                );
                return;
            }
            (_, Some(Err(()))) => return, // already reported
            (None, None) => {
                f.fail_field(
                    "layer",
                    "load.missing_layer",
                    "missing; every feature says which layer it belongs to".into(),
                    "缺失；每个要素须注明所属图层".into(),
                    format!("add \"layer\" to properties: one of {}", layer_list()),
                    format!("请在 properties 中添加 \"layer\"，取值为 {} 之一", layer_list()),
                );
                return;
            }
        };
        f.set_layer(layer);
        let id = f.id();
        let geometry = feature.remove("geometry");
        let shape = GeomReader { opts: self.opts, notes: &mut self.notes }.read(&mut f, layer, geometry);
        let (Some(id), Some(shape)) = (id, shape) else {
            return;
        };
        if let Some(first) = self.origins.get(&(layer, id.clone())) {
            let place = if first.file == file { format!("feature #{}", first.index) } else { format!("feature #{} of {}", first.index, first.file) };
            let place_zh = if first.file == file { format!("第 {} 号要素", first.index) } else { format!("{} 的第 {} 号要素", first.file, first.index) };
            f.fail_field(
                "id",
                "load.duplicate_id",
                format!("the id {id:?} is already used by {place} in the {} layer", layer.as_str()),
                format!("编号 {id:?} 已被 {} 图层的{place_zh}使用", layer.as_str()),
                "give every feature of a layer its own id".into(),
                "同一图层中每个要素的编号须唯一".into(),
            );
            return;
        }
        self.origins.insert((layer, id.clone()), Origin { file: file.to_string(), index });
        match layer {
            Layer::Community => {
                let name = f.string("name").unwrap_or_default();
                let kind = f.enum_value("kind", CommunityKind::parse, &kinds()).unwrap_or_default();
                let committee_size = f.count("committee_size", 1000);
                let full_time_staff = f.count("full_time_staff", 10_000);
                let committees = f.enum_list("committees", Committee::parse, &committee_list());
                let service_center = f.string("service_center").filter(|s| !s.is_empty());
                let Shape::Area(geometry) = shape else { return };
                let extra = f.finish();
                self.plan.communities.push(Community {
                    id,
                    name,
                    kind,
                    committee_size,
                    full_time_staff,
                    committees,
                    service_center,
                    geometry,
                    extra,
                });
            }
            Layer::Compound => {
                let max = self.opts.max_households_per_compound;
                let name = f.string("name").unwrap_or_default();
                let households = f.households("households", max, true);
                let planned_households = f.households("planned_households", max, false).unwrap_or(0);
                let property_management = f.boolean("property_management");
                let extra = f.finish();
                let Some(households) = households else { return };
                let shape = match shape {
                    Shape::Area(mp) => CompoundShape::Area(mp),
                    Shape::Point(p) => CompoundShape::Point(p),
                    Shape::Lines(_) => return,
                };
                self.plan.compounds.push(Compound { id, name, households, planned_households, property_management, shape, extra });
            }
            Layer::Grid => {
                let code = f.string("code");
                let Shape::Area(geometry) = shape else { return };
                let extra = f.finish();
                self.plan.grids.push(GridCell { id, code, geometry, extra });
            }
            Layer::Barrier => {
                let name = f.string("name").unwrap_or_default();
                let kind = f.enum_value("kind", BarrierKind::parse, &barrier_kinds());
                if kind.is_none() && f.is_missing("kind") {
                    f.fail_field(
                        "kind",
                        "load.missing_field",
                        "missing; a barrier is a road, a lane or a river".into(),
                        "缺失；边界线须注明为道路（road）、街巷（lane）或河流（river）".into(),
                        "add \"kind\": \"road\", \"lane\" or \"river\"".into(),
                        "请添加 \"kind\": \"road\"、\"lane\" 或 \"river\"".into(),
                    );
                }
                let extra = f.finish();
                let (Some(kind), Shape::Lines(geometry)) = (kind, shape) else { return };
                self.plan.barriers.push(Barrier { id, kind, name, geometry, extra });
            }
            Layer::ServiceCenter => {
                let name = f.string("name").unwrap_or_default();
                let floor_area_m2 = f.area("floor_area_m2");
                let services = f.enum_list("services", Service::parse, &service_list());
                let Shape::Point(location) = shape else { return };
                let extra = f.finish();
                self.plan.centers.push(ServiceCenter { id, name, floor_area_m2, services, location, extra });
            }
            Layer::Street => {
                let name = f.string("name").unwrap_or_default();
                let Shape::Area(geometry) = shape else { return };
                let extra = f.finish();
                self.plan.streets.push(Street { id, name, geometry, extra });
            }
        }
    }

    /// Community → service centre references must resolve.
    fn check_references(&mut self) {
        let centers: HashSet<&str> = self.plan.centers.iter().map(|c| c.id.as_str()).collect();
        for c in &self.plan.communities {
            let Some(sc) = &c.service_center else { continue };
            if centers.contains(sc.as_str()) {
                continue;
            }
            let origin = &self.origins[&(Layer::Community, c.id.clone())];
            let known = if centers.is_empty() {
                "the plan has no service_center features".to_string()
            } else {
                let mut ids: Vec<_> = centers.iter().copied().collect();
                ids.sort_unstable();
                ids.truncate(8);
                format!("known centres: {}", ids.join(", "))
            };
            self.errors.push(LoadError {
                file: origin.file.clone(),
                feature_index: Some(origin.index),
                feature_id: Some(c.id.clone()),
                layer: Some("community"),
                field: Some("service_center".into()),
                code: "load.dangling_reference",
                problem_en: format!("no service_center feature has the id {sc:?} ({known})"),
                problem_zh: format!("没有编号为 {sc:?} 的党群服务中心要素"),
                fix_en: "use the id of a service_center feature, or remove the property if the centre is not decided".into(),
                fix_zh: "请填写已有党群服务中心要素的编号；尚未确定选址的可删除该属性".into(),
            });
        }
    }

    fn finish(self) -> Result<Loaded, LoadErrors> {
        if self.errors.is_empty() {
            Ok(Loaded { plan: self.plan, notes: error::summarise_notes(self.notes) })
        } else {
            Err(LoadErrors::new(self.errors, self.opts.max_errors))
        }
    }
}

fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

pub(crate) fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

pub(crate) fn json_kind_zh(v: &Value) -> &'static str {
    match v {
        Value::Null => "空值 null",
        Value::Bool(_) => "布尔值",
        Value::Number(_) => "数字",
        Value::String(_) => "字符串",
        Value::Array(_) => "数组",
        Value::Object(_) => "对象",
    }
}

fn layer_list() -> String {
    Layer::ALL.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(", ")
}
fn kinds() -> Vec<&'static str> {
    CommunityKind::ALL.iter().map(|k| k.as_str()).collect()
}
fn committee_list() -> Vec<&'static str> {
    Committee::ALL.iter().map(|k| k.as_str()).collect()
}
fn service_list() -> Vec<&'static str> {
    Service::ALL.iter().map(|k| k.as_str()).collect()
}
fn barrier_kinds() -> Vec<&'static str> {
    BarrierKind::ALL.iter().map(|k| k.as_str()).collect()
}

#[cfg(test)]
mod tests;
