//! Reading a plan: GeoJSON text in, a typed [`Plan`] or every problem out.
//!
//! A plan is one FeatureCollection whose features say their layer in
//! `properties.layer`; or one collection per layer ([`load_layers`]). Nothing is
//! silently accepted: each problem becomes a [`LoadError`] naming the file, the
//! feature (index and id), the field, what was expected and how to fix it.
//! Repairs that cannot change meaning — closing a ring, fixing its winding — are
//! made and reported as [`LoadNote`]s. A plan without a single community is
//! the error `load.empty_plan`. Every code is listed in [`CODES`] and
//! [`NOTE_CODES`]; `tests/corpus/` holds a file for each kind of bad input.
//!
//! Where things are: `input` turns bytes into text (size, encoding,
//! files that are not GeoJSON at all); `stream` reads the JSON one feature at a
//! time, so a 50 MB plan never exists as one `Value` tree; `properties` and
//! `geometry` read and check one feature; this module ties them together and
//! checks what spans features (duplicate ids, references).
//!
//! # Performance
//!
//! A 50 MB plan (7,000 features, 1.3 million vertices) loads in 0.4 s on a
//! quiet machine (1.1 s on a busy two-core one), peaking at about 80 MB of
//! which 50 MB is the file itself (release build; the `Value`-tree loader it
//! replaced took 0.7 s and 300 MB). Input is bounded: files by
//! [`LoadOptions::max_bytes`], outlines by
//! [`LoadOptions::max_vertices_per_feature`] (counted while reading; a
//! million-vertex outline is refused in 0.2–0.5 s), JSON nesting by 128
//! levels, and the polygon validity check by a per-segment work budget
//! (`load.too_complex` rather than a hang).
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
mod input;
mod properties;
mod stream;

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use geojson::JsonObject;
use serde::de::DeserializeSeed;
use serde_json::Value;

pub use error::{LoadError, LoadErrors, LoadNote, CODES, NOTE_CODES};
/// Polygon validity, for editors that must refuse an edit making one invalid.
pub(crate) use geometry::first_invalidity;
use geometry::{GeomReader, Shape};
use properties::{quoted, Props};
use stream::{Members, RawFeature, Root, RootSeed};

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
///
/// A plan needs at least one community: without one the result is the error
/// `load.empty_plan`, which says what was found instead.
pub fn load_layers(
    files: &[(Option<Layer>, &str, &[u8])],
    opts: &LoadOptions,
) -> Result<Loaded, LoadErrors> {
    let mut loader = Loader {
        opts,
        plan: Plan::default(),
        errors: Vec::new(),
        more: 0,
        notes: Vec::new(),
        origins: HashMap::new(),
        file: "".into(),
        layers_seen: [0; Layer::ALL.len()],
    };
    for (layer, file, bytes) in files {
        loader.read_file(file, *layer, bytes);
    }
    if loader.errors.is_empty() {
        loader.check_references();
    }
    if loader.errors.is_empty() && loader.plan.communities.is_empty() {
        let file = files
            .iter()
            .find(|(l, _, _)| *l == Some(Layer::Community))
            .or(files.first())
            .map_or("(no file)", |(_, f, _)| *f);
        loader.empty_plan(file);
    }
    loader.finish()
}

/// Where a feature came from, for cross-feature errors (duplicate ids, references).
#[derive(Debug, Clone)]
struct Origin {
    /// Shared by every feature of the file.
    file: Rc<str>,
    index: usize,
}

struct Loader<'o> {
    opts: &'o LoadOptions,
    plan: Plan,
    /// Listed errors, at most `opts.max_errors`.
    errors: Vec<LoadError>,
    /// Errors beyond the listing limit.
    more: usize,
    notes: Vec<LoadNote>,
    origins: HashMap<(Layer, String), Origin>,
    /// The name of the file being read, for [`Origin`]s.
    file: Rc<str>,
    /// Features read per layer (in `Layer::ALL` order), valid or not.
    layers_seen: [usize; Layer::ALL.len()],
}

impl Loader<'_> {
    /// Keeps the listing within `max_errors`, counting the rest.
    fn cap(&mut self) {
        let max = self.opts.max_errors;
        if self.errors.len() > max {
            self.more += self.errors.len() - max;
            self.errors.truncate(max);
        }
    }

    fn read_file(&mut self, file: &str, layer: Option<Layer>, bytes: &[u8]) {
        self.file = file.into();
        let text = match input::text(file, bytes, self.opts) {
            Ok(t) => t,
            Err(e) => {
                self.errors.push(*e);
                return self.cap();
            }
        };
        // A file-level problem replaces whatever its features said.
        let mark = (self.errors.len(), self.more, self.notes.len());
        let mut de = serde_json::Deserializer::from_str(text);
        let max_vertices = self.opts.max_vertices_per_feature;
        let root = {
            let mut sink = |index: usize, feature: RawFeature| {
                self.read_feature(file, layer, index, feature);
                self.cap();
            };
            RootSeed {
                sink: &mut sink,
                max_vertices,
            }
            .deserialize(&mut de)
            .and_then(|root| de.end().map(|()| root))
        };
        let problem = match root {
            Err(e) => Some(json_error(file, text, &e)),
            Ok(Root::Other(kind, features)) => Some(not_collection(file, kind, features)),
            Ok(Root::Object {
                r#type,
                crs,
                features,
                meta,
            }) => {
                let problem = collection_problem(file, r#type.as_ref(), &features)
                    .or_else(|| crs.as_ref().and_then(|c| crs_problem(file, c)))
                    .or_else(|| info_problem(file, &meta));
                if problem.is_none() {
                    self.plan.meta.extend(meta);
                }
                problem
            }
        };
        if let Some(e) = problem {
            self.errors.truncate(mark.0);
            self.more = mark.1;
            self.notes.truncate(mark.2);
            self.errors.push(e);
            self.cap();
        }
    }

    fn empty_plan(&mut self, file: &str) {
        let seen: Vec<(Layer, usize)> = Layer::ALL
            .iter()
            .zip(self.layers_seen)
            .filter(|(_, n)| *n > 0)
            .map(|(l, n)| (*l, n))
            .collect();
        let (found, found_zh) = if seen.is_empty() {
            (
                "the plan holds no features at all".to_string(),
                "方案中没有任何要素".to_string(),
            )
        } else {
            let list = seen
                .iter()
                .map(|(l, n)| format!("{n} {}", l.as_str()))
                .collect::<Vec<_>>()
                .join(", ");
            let list_zh = seen
                .iter()
                .map(|(l, n)| format!("{} {n} 个", l.as_str()))
                .collect::<Vec<_>>()
                .join("、");
            (
                format!("the plan has no community features (found {list})"),
                format!("方案中没有社区（community）要素（只有 {list_zh}）"),
            )
        };
        self.errors.push(LoadError::file(
            file,
            "load.empty_plan",
            found,
            found_zh,
            "add the community outlines: Polygon features with \"layer\": \"community\" (or load the community layer's file too)".into(),
            "请添加社区边界：\"layer\" 为 \"community\" 的 Polygon 要素（或同时载入社区图层的文件）".into(),
        ));
    }

    fn read_feature(
        &mut self,
        file: &str,
        file_layer: Option<Layer>,
        index: usize,
        feature: RawFeature,
    ) {
        let mut f = Props::new(file, index, &mut self.errors);
        let (r#type, feature_id, properties, geometry) = match feature {
            RawFeature::Object {
                r#type,
                id,
                properties,
                geometry,
            } => (r#type, id, properties, geometry),
            RawFeature::NotObject(kind, text) => {
                let shown = text
                    .map(|t| format!(" {:?}", t.chars().take(40).collect::<String>()))
                    .unwrap_or_default();
                f.fail_feature(
                    "load.not_feature",
                    format!("expected a GeoJSON Feature object, found {}{shown}", a(kind)),
                    format!("应为 GeoJSON Feature 对象，实际为{}{shown}", kind_zh(kind)),
                    "each entry of \"features\" is {\"type\": \"Feature\", \"geometry\": ..., \"properties\": {...}}",
                    "\"features\" 中每一项应为 {\"type\": \"Feature\", \"geometry\": ..., \"properties\": {...}}",
                );
                return;
            }
        };
        if r#type.as_ref().and_then(Value::as_str) != Some("Feature") {
            let (en, zh) = match r#type.as_ref() {
                None => (
                    "this entry has no \"type\"; expected \"Feature\"".to_string(),
                    "该项缺少 \"type\"，应为 \"Feature\"".to_string(),
                ),
                Some(Value::String(t)) if t == "FeatureCollection" => (
                    "this entry is a whole FeatureCollection nested inside \"features\""
                        .to_string(),
                    "该项是嵌套在 \"features\" 中的整个 FeatureCollection".to_string(),
                ),
                Some(Value::String(t)) => {
                    let t = quoted(t);
                    (
                        format!("this entry has \"type\": {t}; expected \"Feature\""),
                        format!("该项的 \"type\" 为 {t}，应为 \"Feature\""),
                    )
                }
                Some(other) => (
                    format!(
                        "this entry's \"type\" is {}; expected \"Feature\"",
                        a(json_kind(other))
                    ),
                    format!(
                        "该项的 \"type\" 是{}，应为 \"Feature\"",
                        kind_zh(json_kind(other))
                    ),
                ),
            };
            f.fail_feature(
                "load.not_feature",
                en,
                zh,
                "write each entry as {\"type\": \"Feature\", \"geometry\": ..., \"properties\": {...}}",
                "每一项请写成 {\"type\": \"Feature\", \"geometry\": ..., \"properties\": {...}}",
            );
            return;
        }
        let props = match properties {
            Some(Value::Object(p)) => p,
            Some(Value::Null) | None => JsonObject::new(),
            Some(other) => {
                f.fail_field(
                    "properties",
                    "load.wrong_type",
                    format!(
                        "\"properties\" must be an object, found {}",
                        a(json_kind(&other))
                    ),
                    format!(
                        "\"properties\" 应为对象，实际为{}",
                        kind_zh(json_kind(&other))
                    ),
                    "write the attributes as \"properties\": {\"layer\": ..., \"id\": ...}".into(),
                    "属性应写成 \"properties\": {\"layer\": ..., \"id\": ...}".into(),
                );
                return;
            }
        };
        f.set_props(props, feature_id);
        let layer = match (file_layer, f.take_layer()) {
            (Some(l), None) => l,
            (None, Some(Ok(l))) => l,
            (Some(l), Some(Ok(own))) if own == l => l,
            (Some(l), Some(Ok(own))) => {
                f.fail_field(
                    "layer",
                    "load.layer_mismatch",
                    format!(
                        "the feature says layer {:?} but the file was given as the {} layer",
                        own.as_str(),
                        l.as_str()
                    ),
                    format!(
                        "要素的图层为 {:?}，但该文件是作为 {} 图层读入的",
                        own.as_str(),
                        l.as_str()
                    ),
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
                    format!(
                        "请在 properties 中添加 \"layer\"，取值为 {} 之一",
                        layer_list()
                    ),
                );
                return;
            }
        };
        f.set_layer(layer);
        self.layers_seen[Layer::ALL.iter().position(|l| *l == layer).unwrap_or(0)] += 1;
        let id = f.id();
        let shape = GeomReader {
            opts: self.opts,
            notes: &mut self.notes,
        }
        .read(&mut f, layer, geometry);
        let (Some(id), Some(shape)) = (id, shape) else {
            return;
        };
        let first = match self.origins.entry((layer, id.clone())) {
            Entry::Vacant(v) => {
                v.insert(Origin {
                    file: Rc::clone(&self.file),
                    index,
                });
                None
            }
            Entry::Occupied(o) => Some(o.get().clone()),
        };
        if let Some(first) = first {
            let place = if *first.file == *file {
                format!("feature #{}", first.index)
            } else {
                format!("feature #{} of {}", first.index, first.file)
            };
            let place_zh = if *first.file == *file {
                format!("第 {} 号要素", first.index)
            } else {
                format!("{} 的第 {} 号要素", first.file, first.index)
            };
            f.fail_field(
                "id",
                "load.duplicate_id",
                format!(
                    "the id {} is already used by {place} in the {} layer",
                    quoted(&id),
                    layer.as_str()
                ),
                format!(
                    "编号 {} 已被 {} 图层的{place_zh}使用",
                    quoted(&id),
                    layer.as_str()
                ),
                "give every feature of a layer its own id".into(),
                "同一图层中每个要素的编号须唯一".into(),
            );
            return;
        }
        match layer {
            Layer::Community => {
                let name = f.string("name").unwrap_or_default();
                let kind = f
                    .enum_value("kind", CommunityKind::parse, &kinds(), KIND_ALIASES)
                    .unwrap_or_default();
                let committee_size = f.count("committee_size", MAX_COMMITTEE_SIZE);
                let full_time_staff = f.count("full_time_staff", MAX_FULL_TIME_STAFF);
                let committees = f.enum_list(
                    "committees",
                    Committee::parse,
                    &committee_list(),
                    &Committee::ALL.map(|c| (c.name_zh(), c.as_str())),
                );
                let service_center = f.string("service_center").filter(|s| !s.is_empty());
                let explanations = f.explanations("explanations");
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
                    explanations,
                    geometry,
                    extra,
                });
            }
            Layer::Compound => {
                let max = self.opts.max_households_per_compound;
                let name = f.string("name").unwrap_or_default();
                let households = f.households("households", max, true);
                let planned_households =
                    f.households("planned_households", max, false).unwrap_or(0);
                let property_management = f.boolean("property_management");
                let extra = f.finish();
                let Some(households) = households else { return };
                let shape = match shape {
                    Shape::Area(mp) => CompoundShape::Area(mp),
                    Shape::Point(p) => CompoundShape::Point(p),
                    Shape::Lines(_) => return,
                };
                self.plan.compounds.push(Compound {
                    id,
                    name,
                    households,
                    planned_households,
                    property_management,
                    shape,
                    extra,
                });
            }
            Layer::Grid => {
                let code = f.string("code");
                let Shape::Area(geometry) = shape else { return };
                let extra = f.finish();
                self.plan.grids.push(GridCell {
                    id,
                    code,
                    geometry,
                    extra,
                });
            }
            Layer::Barrier => {
                let name = f.string("name").unwrap_or_default();
                let kind = f.enum_value(
                    "kind",
                    BarrierKind::parse,
                    &barrier_kinds(),
                    BARRIER_ALIASES,
                );
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
                let (Some(kind), Shape::Lines(geometry)) = (kind, shape) else {
                    return;
                };
                self.plan.barriers.push(Barrier {
                    id,
                    kind,
                    name,
                    geometry,
                    extra,
                });
            }
            Layer::ServiceCenter => {
                let name = f.string("name").unwrap_or_default();
                let floor_area_m2 = f.area("floor_area_m2");
                let services = f.enum_list(
                    "services",
                    Service::parse,
                    &service_list(),
                    &Service::ALL.map(|c| (c.name_zh(), c.as_str())),
                );
                let Shape::Point(location) = shape else {
                    return;
                };
                let extra = f.finish();
                self.plan.centers.push(ServiceCenter {
                    id,
                    name,
                    floor_area_m2,
                    services,
                    location,
                    extra,
                });
            }
            Layer::Street => {
                let name = f.string("name").unwrap_or_default();
                let Shape::Area(geometry) = shape else { return };
                let extra = f.finish();
                self.plan.streets.push(Street {
                    id,
                    name,
                    geometry,
                    extra,
                });
            }
        }
    }

    /// Community → service centre references must resolve.
    fn check_references(&mut self) {
        let centers: HashSet<&str> = self.plan.centers.iter().map(|c| c.id.as_str()).collect();
        for c in &self.plan.communities {
            let Some(sc) = &c.service_center else {
                continue;
            };
            if centers.contains(sc.as_str()) {
                continue;
            }
            let origin = &self.origins[&(Layer::Community, c.id.clone())];
            let (known, known_zh) = if centers.is_empty() {
                (
                    "the plan has no service_center features".to_string(),
                    "方案中没有党群服务中心要素".to_string(),
                )
            } else {
                let mut ids: Vec<_> = centers.iter().copied().collect();
                ids.sort_unstable();
                let more = if ids.len() > 8 { ", …" } else { "" };
                ids.truncate(8);
                (
                    format!("known centres: {}{more}", ids.join(", ")),
                    format!("已有：{}{more}", ids.join("、")),
                )
            };
            self.errors.push(LoadError {
                file: origin.file.to_string(),
                feature_index: Some(origin.index),
                feature_id: Some(c.id.clone()),
                layer: Some("community"),
                field: Some("service_center".into()),
                code: "load.dangling_reference",
                problem_en: format!("no service_center feature has the id {} ({known})", quoted(sc)),
                problem_zh: format!("没有编号为 {} 的党群服务中心要素（{known_zh}）", quoted(sc)),
                fix_en: "use the id of a service_center feature, or remove the property if the centre is not decided".into(),
                fix_zh: "请填写已有党群服务中心要素的编号；尚未确定选址的可删除该属性".into(),
            });
        }
    }

    fn finish(self) -> Result<Loaded, LoadErrors> {
        if self.errors.is_empty() {
            Ok(Loaded {
                plan: self.plan,
                notes: error::summarise_notes(self.notes),
            })
        } else {
            let mut errors = LoadErrors::new(self.errors, self.opts.max_errors);
            errors.more += self.more;
            Err(errors)
        }
    }
}

fn file_error(
    file: &str,
    code: &'static str,
    en: String,
    zh: String,
    fix_en: &str,
    fix_zh: &str,
) -> LoadError {
    LoadError::file(file, code, en, zh, fix_en.to_string(), fix_zh.to_string())
}

const WRAP_EN: &str = "a plan is one object {\"type\": \"FeatureCollection\", \"features\": [...]}; export the layer as GeoJSON (QGIS: Export ▸ Save Features As… ▸ Format GeoJSON)";
const WRAP_ZH: &str = "方案应为一个 {\"type\": \"FeatureCollection\", \"features\": [...]} 对象；请导出为 GeoJSON（QGIS：导出 ▸ 要素另存为… ▸ 格式 GeoJSON）";

/// A top level that is not an object.
fn not_collection(file: &str, kind: &'static str, features: usize) -> LoadError {
    if features > 0 {
        return file_error(
            file,
            "load.not_collection",
            format!("the file holds a JSON array of {features} features, not a GeoJSON FeatureCollection"),
            format!("文件内容是含 {features} 个要素的 JSON 数组，不是 GeoJSON FeatureCollection"),
            "wrap the array: {\"type\": \"FeatureCollection\", \"features\": [ ...the features... ]}",
            "请把数组包起来：{\"type\": \"FeatureCollection\", \"features\": [ ……要素…… ]}",
        );
    }
    file_error(
        file,
        "load.not_collection",
        format!(
            "the file holds {}, not a GeoJSON FeatureCollection",
            a_json(kind)
        ),
        format!(
            "文件内容是 JSON {}，不是 GeoJSON FeatureCollection",
            kind_zh(kind)
        ),
        WRAP_EN,
        WRAP_ZH,
    )
}

/// What is wrong with a top-level object as a FeatureCollection, if anything.
fn collection_problem(file: &str, r#type: Option<&Value>, features: &Members) -> Option<LoadError> {
    const GEOMETRIES: [&str; 7] = [
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
    ];
    let e = |en: String, zh: String, fix_en: &str, fix_zh: &str| {
        Some(file_error(
            file,
            "load.not_collection",
            en,
            zh,
            fix_en,
            fix_zh,
        ))
    };
    match r#type {
        Some(Value::String(t)) if t == "FeatureCollection" => {}
        Some(Value::String(t)) if t == "Feature" => {
            return e(
                "the file holds a single Feature, not a FeatureCollection".into(),
                "文件内容是单个 Feature，不是 FeatureCollection".into(),
                "wrap it: {\"type\": \"FeatureCollection\", \"features\": [ ...the feature... ]}",
                "请把它包起来：{\"type\": \"FeatureCollection\", \"features\": [ ……该要素…… ]}",
            )
        }
        Some(Value::String(t)) if t == "Topology" => {
            return e(
                "the file is TopoJSON (\"type\": \"Topology\"), not GeoJSON".into(),
                "文件是 TopoJSON（\"type\": \"Topology\"），不是 GeoJSON".into(),
                "convert it to GeoJSON (mapshaper: -o format=geojson), or export GeoJSON from your GIS",
                "请转换为 GeoJSON（mapshaper：-o format=geojson），或从 GIS 直接导出 GeoJSON",
            )
        }
        Some(Value::String(t)) if GEOMETRIES.contains(&t.as_str()) => {
            return e(
                format!("the file holds a bare {t} geometry, without features or properties"),
                format!("文件内容是单独的 {t} 几何，没有要素和属性"),
                "export the layer with its attributes as a GeoJSON FeatureCollection (QGIS: Export ▸ Save Features As… ▸ Format GeoJSON)",
                "请连同属性导出为 GeoJSON FeatureCollection（QGIS：导出 ▸ 要素另存为… ▸ 格式 GeoJSON）",
            )
        }
        Some(Value::String(t)) => {
            let t = quoted(t);
            return e(
                format!("the file's \"type\" is {t}; expected \"FeatureCollection\""),
                format!("文件的 \"type\" 为 {t}，应为 \"FeatureCollection\""),
                "set \"type\": \"FeatureCollection\" (the spelling and case matter)",
                "请设为 \"type\": \"FeatureCollection\"（拼写和大小写都须一致）",
            );
        }
        Some(other) => {
            return e(
                format!("the file's \"type\" is {}; expected \"FeatureCollection\"", a_json(json_kind(other))),
                format!("文件的 \"type\" 是{}，应为 \"FeatureCollection\"", kind_zh(json_kind(other))),
                "set \"type\": \"FeatureCollection\"",
                "请设为 \"type\": \"FeatureCollection\"",
            )
        }
        None => {
            let (en, zh) = match features {
                Members::Array => (
                    "the object has \"features\" but no \"type\"".to_string(),
                    "对象有 \"features\" 但缺少 \"type\"".to_string(),
                ),
                _ => ("the file is a JSON object with no \"type\", not a GeoJSON FeatureCollection".to_string(), "文件是缺少 \"type\" 的 JSON 对象，不是 GeoJSON FeatureCollection".to_string()),
            };
            return e(en, zh, "add \"type\": \"FeatureCollection\" next to \"features\"", "请在 \"features\" 旁添加 \"type\": \"FeatureCollection\"");
        }
    }
    let mut e = match features {
        Members::Array => return None,
        Members::Absent => file_error(
            file,
            "load.not_collection",
            "the FeatureCollection has no \"features\" member".into(),
            "FeatureCollection 缺少 \"features\" 成员".into(),
            "add the features: \"features\": [ ... ]",
            "请添加要素：\"features\": [ ... ]",
        ),
        Members::Other(kind) => file_error(
            file,
            "load.not_collection",
            format!(
                "\"features\" must be an array of features, found {}",
                a_json(kind)
            ),
            format!("\"features\" 应为要素数组，实际为{}", kind_zh(kind)),
            "put the features in an array: \"features\": [ {...}, {...} ]",
            "请将要素放入数组：\"features\": [ {...}, {...} ]",
        ),
    };
    e.field = Some("features".into());
    Some(e)
}

/// The `crs` member (GeoJSON 2008; RFC 7946 dropped it, but GIS still write it).
/// The plan's record (`shequ`: title, sign-off, locked communities), checked
/// as every edit checks it ([`crate::model::plan_info_problem`]).
fn info_problem(file: &str, meta: &JsonObject) -> Option<LoadError> {
    let info = meta.get(crate::model::PLAN_INFO)?.as_object()?;
    crate::model::PLAN_INFO_KEYS.iter().find_map(|&key| {
        let p = crate::model::plan_info_problem(key, info.get(key)?)?;
        let mut e = file_error(file, "load.bad_plan_info", p.en, p.zh, p.fix_en, p.fix_zh);
        e.field = Some(format!("{}.{key}", crate::model::PLAN_INFO));
        Some(e)
    })
}

fn crs_problem(file: &str, crs: &Value) -> Option<LoadError> {
    let name = crs.pointer("/properties/name").and_then(Value::as_str)?;
    let upper = name.to_uppercase();
    if upper.contains("CRS84") || upper.contains("CRS:84") {
        return None;
    }
    let code: Option<u32> = upper.find("EPSG").and_then(|i| {
        let digits: String = upper[i..]
            .chars()
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    });
    let (what, what_zh) = match code {
        Some(4326 | 4490) => return None,
        Some(c) => match crs_name(c) {
            Some((n, true)) => (
                format!("EPSG:{c} ({n}), a projected system in metres"),
                format!("EPSG:{c}（{n}），以米为单位的投影坐标系"),
            ),
            Some((n, false)) => (
                format!("EPSG:{c} ({n}), longitude/latitude on another datum"),
                format!("EPSG:{c}（{n}），其他基准面上的经纬度"),
            ),
            None => (format!("{name:?}"), format!("{name:?}")),
        },
        None => (format!("{name:?}"), format!("{name:?}")),
    };
    let mut e = file_error(
        file,
        "load.crs",
        format!("the file declares the coordinate system {what}; plans are WGS 84 longitude/latitude (EPSG:4326)"),
        format!("文件声明的坐标系为 {what_zh}；方案须使用 WGS 84 经纬度（EPSG:4326）"),
        "reproject it: QGIS: right-click the layer ▸ Export ▸ Save Features As… ▸ CRS EPSG:4326 - WGS 84",
        "请重投影：QGIS 中右键图层 ▸ 导出 ▸ 要素另存为… ▸ 坐标系选 EPSG:4326 - WGS 84",
    );
    e.field = Some("crs".into());
    Some(e)
}

/// Names of the coordinate systems Chinese plans come in: `(name, projected)`.
fn crs_name(code: u32) -> Option<(String, bool)> {
    Some(match code {
        4214 => ("Beijing 1954".into(), false),
        4610 => ("Xian 1980".into(), false),
        4555 => ("New Beijing".into(), false),
        3857 | 900913 => ("WGS 84 / Pseudo-Mercator".into(), true),
        4491..=4501 => (
            format!("CGCS2000 / Gauss-Kruger zone {}", code - 4478),
            true,
        ),
        4502..=4512 => (
            format!("CGCS2000 / Gauss-Kruger CM {}E", 75 + 6 * (code - 4502)),
            true,
        ),
        4513..=4533 => (
            format!("CGCS2000 / 3-degree Gauss-Kruger zone {}", code - 4488),
            true,
        ),
        4534..=4554 => (
            format!(
                "CGCS2000 / 3-degree Gauss-Kruger CM {}E",
                75 + 3 * (code - 4534)
            ),
            true,
        ),
        2327..=2442 => (
            "a Xian 1980 or Beijing 1954 Gauss-Kruger system".into(),
            true,
        ),
        32601..=32660 => (format!("WGS 84 / UTM zone {}N", code - 32600), true),
        _ => return None,
    })
}

/// A parse error, said as specifically as the text allows.
fn json_error(file: &str, text: &str, e: &serde_json::Error) -> LoadError {
    let (line, column) = (e.line(), e.column());
    let msg = strip_position(&e.to_string());
    let at = offset(text, line, column);
    if msg == "recursion limit exceeded" {
        return file_error(
            file,
            "load.too_deep",
            format!("the JSON is nested more than 128 levels deep (line {line}, column {column}); a GeoJSON plan needs fewer than 10"),
            format!("JSON 嵌套超过 128 层（第 {line} 行第 {column} 列）；正常的 GeoJSON 方案不超过 10 层"),
            "this is not a GeoJSON plan; export the plan again from your GIS as GeoJSON",
            "这不是 GeoJSON 方案文件，请从 GIS 重新导出为 GeoJSON",
        );
    }
    if e.classify() == serde_json::error::Category::Eof {
        return file_error(
            file,
            "load.truncated",
            format!("the file ends in the middle of the JSON (line {line}, column {column}); it looks cut off"),
            format!("文件在 JSON 中途结束（第 {line} 行第 {column} 列），似乎不完整"),
            "export or copy the file again, and check that the copy finished",
            "请重新导出或复制该文件，并确认复制已完成",
        );
    }
    if msg == "trailing characters" {
        return file_error(
            file,
            "load.json",
            format!("a second JSON value starts at line {line}, column {column}; a plan is one FeatureCollection (is this line-delimited GeoJSONSeq?)"),
            format!("第 {line} 行第 {column} 列开始了第二个 JSON 值；方案应为单个 FeatureCollection（是否为逐行的 GeoJSONSeq？）"),
            "export as GeoJSON, not GeoJSONSeq (QGIS: Save Features As… ▸ Format GeoJSON), or remove what follows the collection",
            "请导出为 GeoJSON 而非 GeoJSONSeq（QGIS：要素另存为… ▸ 格式 GeoJSON），或删除集合之后的内容",
        );
    }
    // The error points at, or just after, the start of the word.
    let word = (at.saturating_sub(4)..=at).find_map(|start| {
        let rest = text.get(start..)?;
        ["-Infinity", "Infinity", "-NaN", "NaN", "-inf", "inf", "nan"]
            .into_iter()
            .find(|w| rest.starts_with(w))
    });
    if let Some(w) = word {
        return file_error(
            file,
            "load.nan",
            format!("{w} at line {line}, column {column} is not a JSON number; the exporting program wrote a missing or broken value"),
            format!("第 {line} 行第 {column} 列的 {w} 不是合法的 JSON 数字；导出程序写入了缺失或损坏的数值"),
            "fix the empty or broken values in your GIS (a vertex or an attribute with no number), or write null instead, and export again",
            "请在 GIS 中修正缺失或损坏的数值（某个顶点或属性没有数字），或改写为 null 后重新导出",
        );
    }
    if line == 1 && !text.trim_start().starts_with(['{', '[']) {
        let first = text.lines().next().unwrap_or("");
        if first.contains(',') || first.contains('\t') {
            return file_error(
                file,
                "load.not_geojson",
                "the file looks like a table (CSV), not GeoJSON".into(),
                "文件看起来是表格（CSV），不是 GeoJSON".into(),
                "in QGIS add it with Layer ▸ Add Layer ▸ Add Delimited Text Layer (with its coordinate columns), then Export ▸ Save Features As… ▸ Format GeoJSON",
                "请在 QGIS 中用 图层 ▸ 添加图层 ▸ 添加分隔文本图层（指定坐标列）打开，再用 导出 ▸ 要素另存为… ▸ 格式 GeoJSON 导出",
            );
        }
    }
    let near = snippet(text, at);
    file_error(
        file,
        "load.json",
        format!("not valid JSON at line {line}, column {column}: {msg}, near {near:?}"),
        format!("第 {line} 行第 {column} 列不是有效的 JSON：{}，附近内容为 {near:?}", json_message_zh(&msg)),
        "fix the text there (a JSON validator shows it), or export the plan again from your GIS as GeoJSON",
        "请修改该处内容（可用 JSON 校验工具查看），或从 GIS 重新导出为 GeoJSON",
    )
}

/// The byte offset of a 1-based `(line, column)` as `serde_json` counts them.
fn offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column).min(text.len())
}

/// Up to 20 characters either side of `at`, on one line.
fn snippet(text: &str, at: usize) -> String {
    let mut lo = at.saturating_sub(21);
    while !text.is_char_boundary(lo) {
        lo -= 1;
    }
    let mut hi = (at + 19).min(text.len());
    while !text.is_char_boundary(hi) {
        hi += 1;
    }
    let s = &text[lo..hi];
    let s = s.rsplit_once('\n').map_or(
        s,
        |(_, after)| if after.trim().is_empty() { s } else { after },
    );
    s.chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .to_string()
}

fn json_message_zh(msg: &str) -> String {
    let known = [
        ("expected value", "此处缺少值"),
        ("expected `,` or `}`", "缺少逗号或右花括号 }"),
        ("expected `,` or `]`", "缺少逗号或右方括号 ]"),
        ("expected `:`", "缺少冒号 :"),
        ("key must be a string", "对象的键须为带双引号的字符串"),
        ("trailing comma", "多余的逗号"),
        ("expected ident", "无法识别的词（true、false、null 须小写）"),
        ("invalid number", "无效的数字"),
        ("number out of range", "数字超出范围"),
        ("invalid escape", "无效的转义符"),
        (
            "control character (\\u0000-\\u001F) found while parsing a string",
            "字符串中有控制字符（如未转义的换行）",
        ),
        ("invalid unicode code point", "无效的 Unicode 码位"),
        (
            "lone leading surrogate in hex escape",
            "无效的 Unicode 转义",
        ),
    ];
    known
        .iter()
        .find(|(en, _)| *en == msg)
        .map_or_else(|| msg.to_string(), |(_, zh)| zh.to_string())
}

fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// `a JSON array`, `a JSON null`.
fn a_json(kind: &str) -> String {
    format!("a JSON {kind}")
}

/// `an array`, `a string`, `null`.
pub(crate) fn a(kind: &str) -> String {
    match kind {
        "null" => "null".into(),
        "array" | "object" => format!("an {kind}"),
        _ => format!("a {kind}"),
    }
}

pub(crate) fn kind_zh(kind: &str) -> &'static str {
    match kind {
        "null" => "空值 null",
        "boolean" => "布尔值",
        "number" => "数字",
        "string" => "字符串",
        "array" => "数组",
        _ => "对象",
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
    kind_zh(json_kind(v))
}

/// Community kinds as planners write them in Chinese.
const KIND_ALIASES: &[(&str, &str)] = &[
    ("老城", "old_town"),
    ("老旧", "old_town"),
    ("公寓", "apartment"),
    ("独立楼盘", "apartment"),
    ("普通", "standard"),
    ("标准", "standard"),
];
const BARRIER_ALIASES: &[(&str, &str)] = &[
    ("道路", "road"),
    ("马路", "road"),
    ("街巷", "lane"),
    ("巷", "lane"),
    ("河", "river"),
    ("水系", "river"),
];

fn layer_list() -> String {
    Layer::ALL
        .iter()
        .map(|l| l.as_str())
        .collect::<Vec<_>>()
        .join(", ")
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
