//! Source layers + mappings → the plan format, checked by `shequ_core`'s
//! loader, whose errors are translated back to the file, entry, record and
//! column they came from.

use std::collections::{BTreeMap, HashSet};

use geo::{Coord, Geometry, MapCoords};
use geojson::{Feature, FeatureCollection, JsonObject};
use serde_json::{json, Value};
use shequ_core::load::{load_layers, LoadError, LoadOptions};
use shequ_core::model::{Layer, Plan};

use crate::crs::{Crs, Transformer};
use crate::error::{ImportError, Note};
use crate::join::{self, CompoundKey, JoinOptions, JoinReport, KeyKind};
use crate::mapping::{self, LayerMapping};
use crate::shp::{GeometryKind, SourceLayer};
use crate::table::Table;

/// Where a generated feature came from.
#[derive(Debug, Clone)]
struct Origin {
    file: String,
    shp: String,
    dbf: String,
    record: usize,
    layer: Layer,
    /// Property → column.
    columns: BTreeMap<String, String>,
}

/// The plan built, the loader's notes, and the households join if one was made.
pub(crate) struct Built {
    pub plan: Plan,
    pub notes: Vec<Note>,
    pub join: Option<JoinReport>,
}

/// Features of every mapped layer, plus GeoJSON inputs, loaded as one plan.
/// A households table is joined to the Shapefiles' compounds before the
/// plan is loaded, so that compounds whose layer has no households column
/// get theirs from it; those still without any are one problem, naming
/// them all.
pub(crate) fn build(
    layers: &[(&SourceLayer, LayerMapping)],
    geojson: &[(String, Vec<u8>)],
    households: Option<(&Table, &JoinOptions)>,
    notes: &mut Vec<Note>,
) -> Result<Built, Vec<ImportError>> {
    let mut features = Vec::new();
    let mut origins = Vec::new();
    let mut errors = Vec::new();
    for (src, m) in layers {
        let Some(layer) = m.layer else { continue };
        if let Err(mut e) = layer_features(src, m, layer, &mut features, &mut origins, notes) {
            errors.append(&mut e);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if origins.is_empty() && geojson.is_empty() {
        let file = layers.first().map_or("", |(l, _)| l.file.as_str());
        let entries: Vec<&str> = layers.iter().map(|(l, _)| l.entry.as_str()).collect();
        let (what_en, what_zh) = if file.to_ascii_lowercase().ends_with(".zip") {
            (
                "the ZIP archive's Shapefile layers",
                "ZIP 压缩包中的 Shapefile 图层",
            )
        } else {
            ("the Shapefile layers", "Shapefile 图层")
        };
        return Err(vec![ImportError::new(
            file,
            "import.no_features",
            format!("{what_en} ({}) hold no features to import", entries.join(", ")),
            format!("{what_zh}（{}）中没有可导入的要素", entries.join("、")),
            "export the layers again with their features (the .shp, .shx and .dbf together), and map at least the community layer",
            "请重新导出包含要素的图层（.shp、.shx、.dbf 一起），并至少对应社区图层",
        )]);
    }
    let compounds: Vec<usize> = (0..origins.len())
        .filter(|&i| origins[i].layer == Layer::Compound)
        .collect();
    let mut join = None;
    if let Some((table, opts)) = households.filter(|_| !compounds.is_empty()) {
        let keys: Vec<CompoundKey> = compounds
            .iter()
            .map(|&i| {
                let count = |k: &str| {
                    prop(&features[i], k)
                        .and_then(mapping::whole_number)
                        .and_then(|n| u32::try_from(n).ok())
                };
                CompoundKey {
                    id: prop_text(&features[i], "id").to_string(),
                    name: prop_text(&features[i], "name").to_string(),
                    households: count("households"),
                    planned: count("planned_households").unwrap_or(0),
                }
            })
            .collect();
        let (set, report) = join::join_keys(&keys, table, opts)?;
        for (&i, (h, p)) in compounds.iter().zip(set) {
            let props = features[i].properties.get_or_insert_with(JsonObject::new);
            if let Some(h) = h {
                props.insert("households".into(), json!(h));
            }
            if let Some(p) = p {
                props.insert("planned_households".into(), json!(p));
            }
        }
        join = Some(report);
    }
    // Compounds still without households: one problem naming them all; 0
    // meanwhile, so that the loader reports every other problem too.
    let missing: Vec<usize> = compounds
        .iter()
        .copied()
        .filter(|&i| prop(&features[i], "households").is_none_or(Value::is_null))
        .collect();
    let missing_error = (!missing.is_empty())
        .then(|| missing_households(&missing, &features, &origins, layers, join.as_ref()));
    for &i in &missing {
        if let Some(p) = features[i].properties.as_mut() {
            p.insert("households".into(), json!(0));
        }
    }
    let fc = FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    };
    let text = fc.to_string();
    const NAME: &str = "(imported layers)";
    let mut inputs: Vec<(Option<Layer>, &str, &[u8])> = Vec::new();
    if !origins.is_empty() || geojson.is_empty() {
        inputs.push((None, NAME, text.as_bytes()));
    }
    for (name, bytes) in geojson {
        inputs.push((None, name.as_str(), bytes.as_slice()));
    }
    let opts = LoadOptions::default();
    match load_layers(&inputs, &opts) {
        Ok(loaded) => {
            let core_notes = loaded
                .notes
                .iter()
                .map(|n| {
                    let (file, entry) = match (n.file == NAME, origins.get(n.feature_index)) {
                        (true, Some(o)) => (
                            o.file.clone(),
                            Some(format!("{} (record {})", o.shp, o.record)),
                        ),
                        _ => (n.file.clone(), None),
                    };
                    let more = if n.count > 1 {
                        format!(" (and {} more)", n.count - 1)
                    } else {
                        String::new()
                    };
                    let more_zh = if n.count > 1 {
                        format!("（另有 {} 处）", n.count - 1)
                    } else {
                        String::new()
                    };
                    Note::info(
                        n.code,
                        &file,
                        entry.as_deref(),
                        format!("{}{more}", n.message_en),
                        format!("{}{more_zh}", n.message_zh),
                    )
                })
                .collect();
            match missing_error {
                Some(e) => Err(vec![e]),
                None => Ok(Built {
                    plan: loaded.plan,
                    notes: core_notes,
                    join,
                }),
            }
        }
        Err(e) => {
            let fallback = layers.first().map_or(NAME, |(l, _)| l.file.as_str());
            let mut out: Vec<ImportError> = missing_error.into_iter().collect();
            out.extend(
                e.errors
                    .iter()
                    .map(|le| translate(le, NAME, fallback, &origins)),
            );
            if e.more > 0 {
                if let Some(last) = out.last_mut() {
                    last.problem_en
                        .push_str(&format!(" (and {} more problems)", e.more));
                    last.problem_zh
                        .push_str(&format!("（另有 {} 个问题）", e.more));
                }
            }
            Err(out)
        }
    }
}

fn prop<'a>(f: &'a Feature, key: &str) -> Option<&'a Value> {
    f.properties.as_ref()?.get(key)
}

fn prop_text<'a>(f: &'a Feature, key: &str) -> &'a str {
    prop(f, key).and_then(Value::as_str).unwrap_or("")
}

/// The one problem for every compound without households (feature indices
/// `missing`): where they are, why they have none, and the fix.
fn missing_households(
    missing: &[usize],
    features: &[Feature],
    origins: &[Origin],
    layers: &[(&SourceLayer, LayerMapping)],
    join: Option<&JoinReport>,
) -> ImportError {
    let first = &origins[missing[0]];
    let one_layer = missing
        .iter()
        .all(|&i| origins[i].file == first.file && origins[i].shp == first.shp);
    // Every compound without: a few name the layer; else each one counts.
    let all = missing.len()
        == origins
            .iter()
            .filter(|o| o.layer == Layer::Compound)
            .count();
    let shown = if all && join.is_none() { 5 } else { 30 };
    let item = |i: usize, zh: bool| {
        let o = &origins[i];
        let text = |k: &str| prop_text(&features[i], k);
        let place = match (one_layer, zh) {
            (true, false) => format!("record {}", o.record),
            (true, true) => format!("第 {} 条记录", o.record),
            (false, false) => format!("{} record {}", o.shp, o.record),
            (false, true) => format!("{} 第 {} 条记录", o.shp, o.record),
        };
        let name = text("name");
        if name.is_empty() {
            format!("{place} {}", text("id"))
        } else {
            format!("{place} {} {name}", text("id"))
        }
    };
    let list = |zh: bool| {
        let mut v: Vec<String> = missing.iter().take(shown).map(|&i| item(i, zh)).collect();
        if missing.len() > shown {
            v.push(if zh {
                format!("另有 {} 个", missing.len() - shown)
            } else {
                format!("and {} more", missing.len() - shown)
            });
        }
        v.join(if zh { "；" } else { "; " })
    };
    // The households column of the first layer concerned, if one was mapped.
    let column = layers
        .iter()
        .find(|(l, _)| l.file == first.file && l.entry == first.shp)
        .and_then(|(_, m)| m.fields.get("households").cloned());
    let n = missing.len();
    let (why_en, why_zh, fix_en, fix_zh) = match (join, &column) {
        (Some(r), _) => {
            let key_en = match r.key {
                KeyKind::Id => "id",
                KeyKind::Name => "name",
            };
            let key_zh = match r.key {
                KeyKind::Id => "编号",
                KeyKind::Name => "名称",
            };
            let unmatched = r.unmatched_rows.len();
            let (more_en, more_zh) = if unmatched > 0 {
                (
                    format!("; {unmatched} row(s) of it matched no compound: check how their keys are written"),
                    format!("；表中另有 {unmatched} 行未匹配到小区：请核对其写法"),
                )
            } else {
                (String::new(), String::new())
            };
            (
                format!(
                    "the households table {} gives them none (joined by {key_en}, column {:?}{more_en})",
                    r.file, r.key_column
                ),
                format!(
                    "户数表 {} 中没有它们的户数（按{key_zh}匹配，列“{}”{more_zh}）",
                    r.file, r.key_column
                ),
                format!(
                    "add a row for each of them to {} with its {key_en} as listed here and its households (0 if no one lives there yet), or choose another key column",
                    r.file
                ),
                format!(
                    "请在 {} 中为每个小区添加一行，{key_zh}与此处所列一致，并填写户数（尚无住户填 0），或改选匹配列",
                    r.file
                ),
            )
        }
        (None, Some(col)) => (
            format!("their households cells (column {col:?}) are empty"),
            format!("其户数（字段“{col}”）为空"),
            "fill in their households (0 if no one lives there yet), or give the households table (CSV/XLSX, by compound id or name) with the Shapefiles: --households 户数.csv on the command line; in the page, pick it together with the zip".to_string(),
            "请填写其户数（尚无住户填 0），或同时提供户数表（CSV/XLSX，按小区编号或名称）：命令行用 --households 户数.csv；网页中与压缩包一起选择".to_string(),
        ),
        (None, None) => (
            "the compound layer has no households column".to_string(),
            "小区图层没有户数字段".to_string(),
            "give the households table (CSV/XLSX with a row per compound: its id or name, 户数 and optionally 规划户数) with the Shapefiles: --households 户数.csv on the command line; in the page, pick it together with the zip. Or map the column that holds households".to_string(),
            "请同时提供户数表（CSV/XLSX，每个小区一行：小区编号或名称、户数，可含规划户数）：命令行用 --households 户数.csv；网页中与压缩包一起选择。或指定存放户数的字段".to_string(),
        ),
    };
    let mut e = ImportError::new(
        &first.file,
        "import.households_missing",
        format!(
            "{n} compound(s) have no households — {why_en}: {}",
            list(false)
        ),
        format!("{n} 个小区没有户数——{why_zh}：{}", list(true)),
        fix_en,
        fix_zh,
    );
    if one_layer {
        e = e.entry(if first.dbf.is_empty() {
            &first.shp
        } else {
            &first.dbf
        });
        if n == 1 {
            e = e.record(first.record);
        }
    }
    e.field(&match &column {
        Some(col) => format!("{col} → households"),
        None => "households".to_string(),
    })
}

fn translate(le: &LoadError, name: &str, fallback: &str, origins: &[Origin]) -> ImportError {
    let origin = (le.file == name)
        .then(|| le.feature_index.and_then(|i| origins.get(i)))
        .flatten();
    let Some(o) = origin else {
        let file = if le.file == name {
            fallback
        } else {
            le.file.as_str()
        };
        let mut e = ImportError::new(
            file,
            le.code,
            le.problem_en.clone(),
            le.problem_zh.clone(),
            le.fix_en.clone(),
            le.fix_zh.clone(),
        );
        if let Some(i) = le.feature_index {
            e.record = Some(i);
            e.problem_en = format!("feature #{i}: {}", e.problem_en);
            e.problem_zh = format!("第 {i} 号要素：{}", e.problem_zh);
        }
        e.field = le.field.clone();
        return e;
    };
    let on_geometry = le.field.as_deref() == Some("geometry");
    let mut e = ImportError::new(
        &o.file,
        le.code,
        le.problem_en.clone(),
        le.problem_zh.clone(),
        le.fix_en.clone(),
        le.fix_zh.clone(),
    )
    .entry(if on_geometry || o.dbf.is_empty() {
        &o.shp
    } else {
        &o.dbf
    })
    .record(o.record);
    e.field = le.field.as_ref().map(|f| match o.columns.get(f) {
        Some(col) if col != f => format!("{col} → {f}"),
        _ => f.clone(),
    });
    e.problem_en = format!(
        "{} ({}): {}",
        le.feature_id
            .as_deref()
            .map(|id| format!("id {id:?}"))
            .unwrap_or_else(|| "no id".into()),
        o.layer.as_str(),
        e.problem_en
    );
    e.problem_zh = format!(
        "{}（{}）：{}",
        le.feature_id
            .as_deref()
            .map(|id| format!("编号 {id:?}"))
            .unwrap_or_else(|| "无编号".into()),
        o.layer.as_str(),
        e.problem_zh
    );
    e
}

fn layer_features(
    src: &SourceLayer,
    m: &LayerMapping,
    layer: Layer,
    features: &mut Vec<Feature>,
    origins: &mut Vec<Origin>,
    notes: &mut Vec<Note>,
) -> Result<(), Vec<ImportError>> {
    let file = src.file.as_str();
    let entry = src.entry.as_str();
    let dbf = if src.fields.is_empty() {
        String::new()
    } else {
        src.dbf_entry()
    };
    let fits = match layer {
        Layer::Community | Layer::Grid | Layer::Street => src.geometry == GeometryKind::Polygon,
        Layer::Compound => matches!(src.geometry, GeometryKind::Polygon | GeometryKind::Point),
        Layer::Barrier => src.geometry == GeometryKind::Polyline,
        Layer::ServiceCenter => src.geometry == GeometryKind::Point,
    };
    if !fits && src.geometry != GeometryKind::Null {
        let need = match layer {
            Layer::Barrier => ("lines", "线"),
            Layer::ServiceCenter => ("points", "点"),
            Layer::Compound => ("polygons or points", "面或点"),
            _ => ("polygons", "面"),
        };
        return Err(vec![ImportError::new(
            file,
            "import.wrong_geometry",
            format!(
                "the layer holds {}s but a {} layer needs {}",
                src.geometry.as_str(),
                layer.as_str(),
                need.0
            ),
            format!(
                "该图层是{}要素，而 {} 图层需要{}",
                match src.geometry {
                    GeometryKind::Polygon => "面",
                    GeometryKind::Polyline => "线",
                    GeometryKind::Point => "点",
                    _ => "其他",
                },
                layer.as_str(),
                need.1
            ),
            "map this layer to another plan layer, or skip it",
            "请把该图层对应到其他方案图层，或跳过它",
        )
        .entry(entry)]);
    }
    // Columns by name, and the mapped ones checked.
    let index: BTreeMap<&str, usize> = src
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name.as_str(), i))
        .collect();
    let mut errors = Vec::new();
    let mut columns: BTreeMap<String, usize> = BTreeMap::new();
    for (target, col) in &m.fields {
        if !mapping::targets(layer).contains(&target.as_str()) {
            errors.push(
                ImportError::new(
                    file,
                    "import.unknown_property",
                    format!(
                        "{target:?} is not a property of the {} layer",
                        layer.as_str()
                    ),
                    format!("{target:?} 不是 {} 图层的属性", layer.as_str()),
                    format!("map columns to {}", mapping::targets(layer).join(", ")),
                    format!("请把字段对应到 {}", mapping::targets(layer).join("、")),
                )
                .entry(&dbf)
                .field(col),
            );
            continue;
        }
        match index.get(col.as_str()) {
            Some(&i) => {
                columns.insert(target.clone(), i);
            }
            None => errors.push(
                ImportError::new(
                    file,
                    "import.unknown_column",
                    format!(
                        "there is no column {col:?} (mapped to {target}); the columns are {}",
                        src.fields
                            .iter()
                            .map(|f| f.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    format!(
                        "没有名为 {col:?} 的字段（对应 {target}）；现有字段为 {}",
                        src.fields
                            .iter()
                            .map(|f| f.name.as_str())
                            .collect::<Vec<_>>()
                            .join("、")
                    ),
                    "pick one of the columns listed",
                    "请从所列字段中选择",
                )
                .entry(if dbf.is_empty() { entry } else { &dbf })
                .field(col),
            ),
        }
    }
    let crs = match &m.crs {
        Some(c) => c.clone(),
        None => {
            errors.push(ImportError::new(
                file,
                "import.crs_unknown",
                "the coordinate system of this layer is unknown",
                "该图层的坐标系未知",
                "choose it (e.g. EPSG:4549 for CGCS2000 3-degree Gauss-Kruger CM 120E, gcj02 for AutoNavi/Tencent, bd09 for Baidu); on the command line: --crs EPSG:4549",
                "请选择坐标系（例如 CGCS2000 3 度带中央经线 120°E 为 EPSG:4549，高德/腾讯为 gcj02，百度为 bd09）；命令行中用 --crs EPSG:4549",
            )
            .entry(entry));
            return Err(errors);
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let transformer = Transformer::new(&crs).map_err(|e| {
        vec![ImportError::new(
            file,
            "import.crs_unusable",
            format!("the coordinate system {crs} cannot be used ({e})"),
            format!("坐标系 {crs} 无法使用（{e}）"),
            "choose a CGCS2000 Gauss-Kruger EPSG code (4491–4554), EPSG:4490/4326, gcj02 or bd09",
            "请选择 CGCS2000 高斯-克吕格 EPSG 代码（4491–4554）、EPSG:4490/4326、gcj02 或 bd09",
        )
        .entry(entry)]
    })?;
    let swap = m.swap_xy.unwrap_or(false);
    let cell = |row: &[Value], target: &str| {
        columns
            .get(target)
            .and_then(|&i| row.get(i))
            .filter(|v| !v.is_null())
            .cloned()
    };
    let text = |v: &Value| match v {
        Value::String(s) => s.trim().to_string(),
        other => other.to_string(),
    };
    // Ids: the mapped column; else names when unique; else layer name + record number.
    let names: Vec<Option<String>> = src
        .records
        .iter()
        .map(|(_, row)| {
            cell(row, "name")
                .map(|v| text(&v))
                .filter(|s| !s.is_empty())
        })
        .collect();
    let names_unique = names.iter().all(Option::is_some)
        && names.iter().flatten().collect::<HashSet<_>>().len() == names.len();
    if !columns.contains_key("id") {
        let how = if names_unique {
            ("the names", "名称")
        } else {
            ("the layer name and record number", "图层名加记录号")
        };
        notes.push(Note::warning(
            "import.generated_ids",
            file,
            Some(entry),
            format!("no id column: ids were made from {} for the {} layer; map an id column if the plan will be compared with another", how.0, layer.as_str()),
            format!("没有编号字段：{} 图层的编号由{}生成；如需与其他方案比较，请指定编号字段", layer.as_str(), how.1),
        ));
    }
    let layer_kind = mapping::barrier_kind_from_name(&src.name)
        .or_else(|| mapping::barrier_kind(&src.name))
        .or_else(|| {
            let n = src.name.to_lowercase();
            if n.contains('河') || n.contains("水系") || n.contains("river") {
                Some("river")
            } else if n.contains('巷') || n.contains("lane") {
                Some("lane")
            } else {
                None
            }
        });
    let mut inferred_kinds = 0usize;
    let mut skipped_null = Vec::new();
    let mut failed: Option<usize> = None;
    let mut lon_range = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for (i, (geom, row)) in src.records.iter().enumerate() {
        let record = i + 1;
        let Some(geom) = geom else {
            skipped_null.push(record);
            continue;
        };
        let bad = std::cell::Cell::new(false);
        let range = std::cell::Cell::new(lon_range);
        let g: Geometry = geom.map_coords(|c| {
            let (x, y) = if swap { (c.y, c.x) } else { (c.x, c.y) };
            match transformer.to_wgs84(x, y) {
                Some((lon, lat)) => {
                    let r = range.get();
                    range.set((r.0.min(lon), r.1.max(lon), r.2.min(lat), r.3.max(lat)));
                    Coord { x: lon, y: lat }
                }
                None => {
                    bad.set(true);
                    c
                }
            }
        });
        lon_range = range.get();
        if bad.get() {
            failed.get_or_insert(record);
            continue;
        }
        let g = match (layer, g) {
            (Layer::ServiceCenter | Layer::Compound, Geometry::MultiPoint(mp))
                if mp.0.len() == 1 =>
            {
                Geometry::Point(mp.0[0])
            }
            (_, g) => g,
        };
        let mut props = JsonObject::new();
        props.insert("layer".into(), json!(layer.as_str()));
        let id = match cell(row, "id") {
            Some(v) => match mapping::whole_number(&v) {
                Some(n) if matches!(v, Value::Number(_)) => n.to_string(),
                _ => text(&v),
            },
            None if names_unique => names[i].clone().unwrap_or_default(),
            None => format!("{}-{record}", src.name),
        };
        props.insert("id".into(), json!(id));
        for &target in mapping::targets(layer) {
            if target == "id" {
                continue;
            }
            let Some(v) = cell(row, target) else {
                if target == "households" && columns.contains_key(target) {
                    // Left out: the core loader names the missing value.
                }
                continue;
            };
            let typed = match target {
                "households" | "planned_households" | "committee_size" | "full_time_staff" => {
                    match mapping::whole_number(&v) {
                        Some(n) => json!(n),
                        None => match &v {
                            Value::Number(_) => v.clone(),
                            _ => json!(text(&v)),
                        },
                    }
                }
                "floor_area_m2" => match &v {
                    Value::String(s) => crate::text::half_width(s)
                        .trim()
                        .trim_end_matches("平方米")
                        .trim_end_matches("㎡")
                        .trim()
                        .parse::<f64>()
                        .map(|x| json!(x))
                        .unwrap_or(v.clone()),
                    _ => v.clone(),
                },
                "kind" if layer == Layer::Community => json!(mapping::community_kind(&text(&v))
                    .map(str::to_string)
                    .unwrap_or_else(|| text(&v))),
                "kind" => json!(mapping::barrier_kind(&text(&v))
                    .map(str::to_string)
                    .unwrap_or_else(|| text(&v))),
                "property_management" => mapping::yes_no(&v).map(Value::Bool).unwrap_or(v.clone()),
                _ => json!(text(&v)),
            };
            props.insert(target.into(), typed);
        }
        if layer == Layer::Barrier && !props.contains_key("kind") {
            let name = props.get("name").and_then(Value::as_str).unwrap_or("");
            let kind = mapping::barrier_kind_from_name(name)
                .or(layer_kind)
                .unwrap_or("road");
            props.insert("kind".into(), json!(kind));
            inferred_kinds += 1;
        }
        if matches!(
            layer,
            Layer::Community
                | Layer::ServiceCenter
                | Layer::Street
                | Layer::Barrier
                | Layer::Compound
        ) && !props.contains_key("name")
        {
            props.insert("name".into(), json!(""));
        }
        let mapped: HashSet<usize> = columns.values().copied().collect();
        for (j, f) in src.fields.iter().enumerate() {
            if mapped.contains(&j) {
                continue;
            }
            if let Some(v) = row.get(j).filter(|v| !v.is_null()) {
                props.insert(mapping::kept_name(&f.name), v.clone());
            }
        }
        features.push(Feature {
            bbox: None,
            geometry: Some(geojson::Geometry::from(&g)),
            id: None,
            properties: Some(props),
            foreign_members: None,
        });
        origins.push(Origin {
            file: file.to_string(),
            shp: entry.to_string(),
            dbf: dbf.clone(),
            record,
            layer,
            columns: m
                .fields
                .iter()
                .filter(|(t, _)| columns.contains_key(*t))
                .map(|(t, c)| (t.clone(), c.clone()))
                .collect(),
        });
    }
    if let Some(record) = failed {
        return Err(vec![ImportError::new(
            file,
            "import.projection_failed",
            format!(
                "the coordinates cannot be converted from {} to WGS 84",
                crs.label_en()
            ),
            format!("坐标无法从 {} 转换到 WGS 84", crs.label_zh()),
            "check the coordinate system chosen for this layer",
            "请检查为该图层选择的坐标系",
        )
        .entry(entry)
        .record(record)]);
    }
    if !skipped_null.is_empty() {
        notes.push(Note::warning(
            "import.null_shapes",
            file,
            Some(entry),
            format!(
                "{} record(s) have no shape and were skipped (record {})",
                skipped_null.len(),
                list(&skipped_null)
            ),
            format!(
                "{} 条记录没有图形，已跳过（第 {} 条）",
                skipped_null.len(),
                list(&skipped_null)
            ),
        ));
    }
    if inferred_kinds > 0 {
        notes.push(Note::info(
            "import.barrier_kind_inferred",
            file,
            Some(entry),
            format!("no kind column: road, lane or river was read from {inferred_kinds} barrier name(s) (…路/街 road, …巷/弄 lane, …河 river; otherwise road)"),
            format!("没有类型字段：{inferred_kinds} 条界线的类型按名称判断（……路/街为道路，……巷/弄为巷道，……河为河流，其余按道路）"),
        ));
    }
    let (x0, x1, y0, y1) = lon_range;
    if x0.is_finite() && (x0 < 73.0 || x1 > 136.0 || y0 < 3.0 || y1 > 54.0) {
        notes.push(Note::warning(
            "crs.result_outside_china",
            file,
            Some(entry),
            format!("after conversion from {} the layer lies at {x0:.4}–{x1:.4}°E, {y0:.4}–{y1:.4}°N, outside China: the coordinate system is probably wrong", crs.label_en()),
            format!("按 {} 转换后，该图层位于东经 {x0:.4}–{x1:.4}°、北纬 {y0:.4}–{y1:.4}°，在中国境外：坐标系很可能选错了", crs.label_zh()),
        ));
    }
    Ok(())
}

/// `3, 7, 9 …` (at most five).
fn list(v: &[usize]) -> String {
    let mut s = v
        .iter()
        .take(5)
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if v.len() > 5 {
        s.push_str(", …");
    }
    s
}

/// The default coordinate system for a crs argument: `auto` or empty means detect.
pub fn crs_option(s: &str) -> Result<Option<Crs>, String> {
    let t = s.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("auto") {
        return Ok(None);
    }
    Crs::parse(t).map(Some).ok_or_else(|| format!("unknown coordinate system {t:?}: use auto, EPSG:4326, EPSG:4490, EPSG:4491–4554, gcj02, bd09 or a +proj string"))
}
