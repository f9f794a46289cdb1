//! # shequ-import
//!
//! Planners' data as it arrives, brought into Shequ's plan format: zipped
//! Shapefiles (several layers per zip; attribute text in UTF-8 or GBK, from
//! the `.cpg` or detected), coordinates in CGCS2000 Gauss–Krüger zones,
//! GCJ-02 or BD-09 (see [`crs`], [`mars`]), and households in CSV or XLSX
//! tables keyed by compound id or name ([`join`]).
//!
//! Pure Rust, no file or network I/O — bytes in, results out — so that it
//! builds for `wasm32-unknown-unknown` and runs in the browser as its own,
//! lazily loaded module (its dependencies stay out of `shequ-core`'s WASM).
//! Output is a [`shequ_core::model::Plan`] checked by `shequ_core`'s own
//! loader, or GeoJSON text in the plan format: everything downstream is
//! unchanged. Every decision is a [`Note`] and every problem an
//! [`ImportError`] naming the file, the entry in the zip, the record or row,
//! the column and the fix, in Chinese and English.
//!
//! ```
//! use shequ_import::{inspect, to_plan, ImportOptions};
//! # let zip = shequ_import::export::plan_shapefile_zip(&shequ_core::testing::row_plan(&[("文昌社区", &[2600])]), &Default::default()).unwrap();
//! let seen = inspect("plan.zip", &zip);            // layers, fields, CRS, proposed mapping
//! assert!(seen.layers.iter().any(|l| l.proposal.layer == Some(shequ_core::model::Layer::Community)));
//! let imported = to_plan(&[("plan.zip", &zip[..])], &ImportOptions::default()).unwrap();
//! assert_eq!(imported.plan.communities[0].name, "文昌社区");
//! ```

// Errors carry both languages, the place and the fix: large by design, and
// rare, so they are returned by value.
#![allow(clippy::result_large_err)]

pub mod crs;
pub mod error;
pub mod export;
pub mod join;
pub mod mapping;
pub mod mars;
mod plan;
pub mod shp;
pub mod table;
pub mod text;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use shequ_core::model::Plan;

pub use crs::{Crs, CrsGuess};
pub use error::{ImportError, ImportErrors, Level, Note};
pub use join::{HouseholdsTable, JoinOptions, JoinReport, KeyKind};
pub use mapping::{LayerMapping, LayerProposal};
pub use plan::crs_option;
use shp::{Limits, SourceLayer};

/// What was found in the inputs: Shapefile layers and GeoJSON files.
pub struct Sources {
    pub layers: Vec<SourceLayer>,
    /// GeoJSON inputs, passed to the core loader as they are.
    pub geojson: Vec<(String, Vec<u8>)>,
    pub notes: Vec<Note>,
}

/// Reads every input: zips (every layer in them), loose Shapefile parts
/// (`.shp` with its `.dbf`, `.prj`, `.cpg` given as separate files, matched
/// by name) and GeoJSON.
pub fn read_sources(files: &[(&str, &[u8])], limits: &Limits) -> Result<Sources, ImportErrors> {
    let mut out = Sources {
        layers: Vec::new(),
        geojson: Vec::new(),
        notes: Vec::new(),
    };
    let mut errors = Vec::new();
    let mut loose: BTreeMap<String, BTreeMap<String, (&str, &[u8])>> = BTreeMap::new();
    for &(name, bytes) in files {
        let lower = name.to_ascii_lowercase();
        if shp::is_zip(bytes) && !table::is_table(name, bytes) {
            match shp::read_zip(name, bytes, limits, &mut out.notes) {
                Ok(mut l) => out.layers.append(&mut l),
                Err(mut e) => errors.append(&mut e),
            }
        } else if let Some((stem, ext)) = lower
            .rsplit_once('.')
            .filter(|(_, e)| ["shp", "shx", "dbf", "prj", "cpg"].contains(e))
        {
            let stem_orig = &name[..stem.len()];
            loose
                .entry(stem_orig.to_string())
                .or_default()
                .insert(ext.to_string(), (name, bytes));
        } else if table::is_table(name, bytes) {
            errors.push(ImportError::new(
                name,
                "import.table_not_layer",
                "this is a table, not a map layer",
                "这是表格，不是地图图层",
                "give it as the households table (--households on the command line)",
                "请作为户数表导入（命令行中使用 --households）",
            ));
        } else {
            out.geojson.push((name.to_string(), bytes.to_vec()));
        }
    }
    for (stem, parts) in loose {
        let Some((shp_name, shp_bytes)) = parts.get("shp").copied() else {
            errors.push(ImportError::new(
                &stem,
                "import.no_shp",
                "the .dbf/.prj/.cpg came without the .shp",
                "提供了 .dbf/.prj/.cpg，但缺少 .shp 文件",
                "add the .shp of the same name",
                "请同时提供同名的 .shp 文件",
            ));
            continue;
        };
        let get = |e: &str| parts.get(e).map(|p| p.1);
        match shp::read_layer(
            shp_name,
            shp_name,
            shp_bytes,
            get("dbf"),
            get("cpg"),
            get("prj").map(<[u8]>::to_vec),
            limits,
            &mut out.notes,
        ) {
            Ok(l) => out.layers.push(l),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(ImportErrors::from_vec(errors))
    }
}

/// A column with a few of its values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldInfo {
    pub name: String,
    /// dBase type letter (`C`, `N`, `F`, `L`, `D`).
    pub kind: String,
    /// Up to three distinct non-empty values.
    pub samples: Vec<Value>,
}

/// What one Shapefile layer holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerInfo {
    /// The `.shp` entry; what a [`LayerMapping`]'s `source` names.
    pub entry: String,
    pub name: String,
    pub geometry: &'static str,
    pub records: usize,
    pub fields: Vec<FieldInfo>,
    pub encoding: Option<text::Decoding>,
    /// Bounding box in the file's own units: `[min x, min y, max x, max y]`.
    pub bbox: Option<[f64; 4]>,
    pub crs: CrsGuess,
    pub proposal: LayerProposal,
}

/// What a file is, as far as the importer can tell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inspection {
    pub file: String,
    /// `shapefile`, `table`, `geojson` or `unknown`.
    pub format: &'static str,
    pub layers: Vec<LayerInfo>,
    /// For a table: the sheet, header row, columns and proposed join.
    pub table: Option<TableInfo>,
    pub notes: Vec<Note>,
    pub errors: Vec<ImportError>,
    /// The properties each plan layer takes ([`mapping::targets`]): what a
    /// column may be mapped to, for the page's mapping dialog.
    pub targets: BTreeMap<&'static str, &'static [&'static str]>,
}

/// What a households table holds and how it would be joined.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableInfo {
    pub sheet: Option<String>,
    pub sheets: Vec<String>,
    /// 1-based, as the spreadsheet shows it.
    pub header_row: Option<usize>,
    pub columns: Vec<String>,
    pub rows: usize,
    pub encoding: Option<text::Decoding>,
    /// Proposed columns: `key_id`, `key_name`, `households`, `planned_households`.
    pub proposal: BTreeMap<String, String>,
}

/// Looks into one file without importing it. Never fails: problems are in `errors`.
pub fn inspect(name: &str, bytes: &[u8]) -> Inspection {
    let mut out = Inspection {
        file: name.to_string(),
        format: "unknown",
        layers: Vec::new(),
        table: None,
        notes: Vec::new(),
        errors: Vec::new(),
        targets: shequ_core::model::Layer::ALL
            .iter()
            .map(|&l| (l.as_str(), mapping::targets(l)))
            .collect(),
    };
    if table::is_table(name, bytes) {
        out.format = "table";
        match table::read_table(name, bytes, None) {
            Ok(t) => out.table = Some(table_info(&t)),
            Err(e) => out.errors.push(e),
        }
        return out;
    }
    let lower = name.to_ascii_lowercase();
    if !shp::is_zip(bytes) && !lower.ends_with(".shp") {
        let trimmed = bytes
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map(|i| &bytes[i..])
            .unwrap_or(&[]);
        if trimmed.starts_with(b"{") || trimmed.starts_with(b"\xEF\xBB\xBF{") {
            out.format = "geojson";
        } else {
            out.errors.push(ImportError::new(
                name,
                "import.unknown_format",
                "this is neither a zipped Shapefile, a table (CSV/XLSX) nor GeoJSON",
                "该文件既不是压缩的 Shapefile，也不是表格（CSV/XLSX）或 GeoJSON",
                "export the layers from your GIS as Shapefiles and zip them (one zip may hold several layers)",
                "请从 GIS 软件把图层导出为 Shapefile 并压缩（一个 zip 可包含多个图层）",
            ));
        }
        return out;
    }
    out.format = "shapefile";
    match read_sources(&[(name, bytes)], &Limits::default()) {
        Ok(s) => {
            out.notes = s.notes;
            for l in &s.layers {
                out.layers.push(layer_info(l, &mut out.notes));
            }
        }
        Err(e) => out.errors = e.errors,
    }
    out
}

fn table_info(t: &table::Table) -> TableInfo {
    let header = table::header_row(&t.rows);
    let columns: Vec<String> = header
        .map(|h| t.rows[h].iter().map(table::cell_text).collect())
        .unwrap_or_default();
    let mut proposal = BTreeMap::new();
    for (target, key) in [
        ("id", "key_id"),
        ("name", "key_name"),
        ("households", "households"),
        ("planned_households", "planned_households"),
    ] {
        let best = columns
            .iter()
            .filter_map(|c| {
                mapping::recognise_for(shequ_core::model::Layer::Compound, c)
                    .into_iter()
                    .find(|(x, _)| *x == target)
                    .map(|(_, conf)| (c, conf))
            })
            .filter(|(_, c)| *c >= 0.5)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((c, _)) = best {
            proposal.insert(key.to_string(), c.clone());
        }
    }
    TableInfo {
        sheet: t.sheet.clone(),
        sheets: t.sheets.clone(),
        header_row: header.map(|h| h + t.first_row),
        columns,
        rows: header.map_or(t.rows.len(), |h| t.rows.len() - h - 1),
        encoding: t.decoding,
        proposal,
    }
}

fn layer_info(l: &SourceLayer, notes: &mut Vec<Note>) -> LayerInfo {
    let declared = l.prj.as_deref().map(crs::read_prj);
    let guess = crs::guess(&l.file, &l.entry, l.bbox, declared.as_ref(), notes);
    let proposal = mapping::propose(l, &guess);
    let fields = l
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut samples: Vec<Value> = Vec::new();
            for (_, row) in &l.records {
                if let Some(v) = row.get(i).filter(|v| !v.is_null()) {
                    if !samples.contains(v) {
                        samples.push(v.clone());
                    }
                }
                if samples.len() == 3 {
                    break;
                }
            }
            FieldInfo {
                name: f.name.clone(),
                kind: f.kind.clone(),
                samples,
            }
        })
        .collect();
    LayerInfo {
        entry: l.entry.clone(),
        name: l.name.clone(),
        geometry: l.geometry.as_str(),
        records: l.records.len(),
        fields,
        encoding: l.decoding,
        bbox: l.bbox.map(|r| [r.min().x, r.min().y, r.max().x, r.max().y]),
        crs: guess,
        proposal,
    }
}

/// How to import: mappings (empty: proposed ones) and a default coordinate system.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImportOptions {
    /// One per source layer to use (matched by entry or name); source layers
    /// not listed are imported as proposed. An empty list takes every proposal.
    pub layers: Vec<LayerMapping>,
    /// The coordinate system for layers whose mapping names none (instead of
    /// the detected one); `None`: as detected.
    pub crs: Option<Crs>,
    /// Import only the listed layers.
    pub only_listed: bool,
    /// A households table among the files, joined to the compounds before
    /// the plan is checked: the Shapefiles' compounds may come without
    /// households (the usual hand-over: boundaries from the GIS office,
    /// households from the housing bureau).
    pub households: Option<HouseholdsTable>,
}

/// The imported plan.
#[derive(Debug, Clone)]
pub struct Imported {
    pub plan: Plan,
    /// The plan as GeoJSON text in the plan format.
    pub geojson: String,
    /// The mapping used for each source layer.
    pub mappings: Vec<LayerMapping>,
    pub notes: Vec<Note>,
    /// What joining [`ImportOptions::households`] did.
    pub households: Option<JoinReport>,
}

/// Imports zipped Shapefiles (and GeoJSON) into one plan.
pub fn to_plan(files: &[(&str, &[u8])], opts: &ImportOptions) -> Result<Imported, ImportErrors> {
    let table = match &opts.households {
        None => None,
        Some(h) => {
            let Some(&(name, bytes)) = files.iter().find(|f| f.0 == h.file) else {
                let names: Vec<&str> = files.iter().map(|f| f.0).collect();
                return Err(ImportErrors::from_vec(vec![ImportError::new(
                    &h.file,
                    "import.households_not_given",
                    format!(
                        "the households table is not among the files ({})",
                        names.join(", ")
                    ),
                    format!("户数表不在所给文件中（{}）", names.join("、")),
                    "give the table with the Shapefiles, under the name the options use",
                    "请把户数表与 Shapefile 一起提供，文件名与选项中的一致",
                )]));
            };
            let t = table::read_table(name, bytes, h.join.sheet.as_deref())
                .map_err(|e| ImportErrors::from_vec(vec![e]))?;
            Some((t, &h.join))
        }
    };
    let layer_files: Vec<(&str, &[u8])> = files
        .iter()
        .copied()
        .filter(|f| opts.households.as_ref().is_none_or(|h| h.file != f.0))
        .collect();
    let sources = read_sources(&layer_files, &Limits::default())?;
    let mut notes = sources.notes;
    let mut chosen: Vec<(&SourceLayer, LayerMapping)> = Vec::new();
    let mut errors = Vec::new();
    for m in &opts.layers {
        let matches = sources
            .layers
            .iter()
            .filter(|l| l.entry == m.source || l.name == m.source)
            .count();
        if matches != 1 {
            let names: Vec<&str> = sources.layers.iter().map(|l| l.entry.as_str()).collect();
            let file = files.first().map_or("", |f| f.0);
            errors.push(if matches == 0 {
                ImportError::new(file, "import.unknown_layer", format!("the mapping names the layer {:?}, which is not in the input; the layers are {}", m.source, names.join(", ")), format!("映射中的图层 {:?} 不在输入中；现有图层为 {}", m.source, names.join("、")), "name a layer by its .shp entry as listed", "请使用所列的 .shp 名称指定图层")
            } else {
                ImportError::new(file, "import.ambiguous_layer", format!("{:?} names several layers; use the full entry: {}", m.source, names.join(", ")), format!("{:?} 对应多个图层；请使用完整名称：{}", m.source, names.join("、")), "name the layer by its .shp entry with its folder", "请用含文件夹的 .shp 名称指定图层")
            });
        }
    }
    if !errors.is_empty() {
        return Err(ImportErrors::from_vec(errors));
    }
    for l in &sources.layers {
        let given = opts
            .layers
            .iter()
            .find(|m| m.source == l.entry || m.source == l.name);
        if given.is_none() && opts.only_listed {
            continue;
        }
        let declared = l.prj.as_deref().map(crs::read_prj);
        let guess = crs::guess(&l.file, &l.entry, l.bbox, declared.as_ref(), &mut notes);
        let mut m = match given {
            Some(m) => m.clone(),
            None => {
                let p = mapping::propose(l, &guess);
                if p.layer.is_none() {
                    notes.push(Note::warning("import.layer_skipped", &l.file, Some(&l.entry), "the layer could not be matched to a plan layer and was skipped; map it by hand", "无法判断该图层对应的方案图层，已跳过；请手动指定"));
                } else if p.layer_confidence < 0.5 {
                    notes.push(Note::warning(
                        "import.layer_guessed",
                        &l.file,
                        Some(&l.entry),
                        format!(
                            "read as the {} layer from its geometry alone: check it",
                            p.layer.map_or("", |x| x.as_str())
                        ),
                        format!(
                            "仅凭几何类型判断为 {} 图层：请核对",
                            p.layer.map_or("", |x| x.as_str())
                        ),
                    ));
                }
                p.mapping
            }
        };
        if given.is_none_or(|g| g.crs.is_none()) {
            if let Some(c) = &opts.crs {
                m.crs = Some(c.clone());
            } else if m.crs.is_none() {
                m.crs = guess.crs.clone();
            }
        }
        if m.swap_xy.is_none() {
            m.swap_xy = Some(guess.swap_xy);
        }
        if let Some(layer) = m.layer {
            notes.push(mapping_note(l, &m, layer, opts.households.as_ref()));
            if let Some(c) = &m.crs {
                notes.push(Note::info(
                    "crs.used",
                    &l.file,
                    Some(&l.entry),
                    format!("coordinates read as {}", c.label_en()),
                    format!("坐标按 {} 读取", c.label_zh()),
                ));
            }
        }
        chosen.push((l, m));
    }
    let built = plan::build(
        &chosen,
        &sources.geojson,
        table.as_ref().map(|(t, o)| (t, *o)),
        &mut notes,
    )
    .map_err(ImportErrors::from_vec)?;
    notes.extend(built.notes);
    let (plan, households) = match (built.join, &table) {
        // No Shapefile compounds: the table goes to the plan's (GeoJSON) ones.
        (None, Some((t, o))) => {
            let j = join::join_table(&built.plan, t, o).map_err(ImportErrors::from_vec)?;
            (j.plan, Some(j.report))
        }
        (report, _) => (built.plan, report),
    };
    let geojson = shequ_core::export::to_geojson_string(&plan);
    Ok(Imported {
        plan,
        geojson,
        mappings: chosen.into_iter().map(|(_, m)| m).collect(),
        notes,
        households,
    })
}

/// "Read as the compound layer: id ← XQBM, name ← XQMC; households from 户数.csv."
fn mapping_note(
    l: &SourceLayer,
    m: &LayerMapping,
    layer: shequ_core::model::Layer,
    table: Option<&HouseholdsTable>,
) -> Note {
    let fields = |sep: &str| {
        mapping::targets(layer)
            .iter()
            .filter_map(|t| m.fields.get(*t).map(|c| format!("{t} ← {c}")))
            .collect::<Vec<_>>()
            .join(sep)
    };
    let (mut en, mut zh) = (
        format!("read as the {} layer: {}", layer.as_str(), fields(", ")),
        format!("按 {} 图层读取：{}", layer.as_str(), fields("，")),
    );
    let mapped: Vec<&String> = m.fields.values().collect();
    let kept: Vec<&str> = l
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .filter(|n| !mapped.iter().any(|c| c.as_str() == *n))
        .collect();
    if !kept.is_empty() {
        en.push_str(&format!("; kept as properties: {}", kept.join(", ")));
        zh.push_str(&format!("；其余字段作为属性保留：{}", kept.join("、")));
    }
    if let Some(t) = table.filter(|_| layer == shequ_core::model::Layer::Compound) {
        en.push_str(&format!("; households from {}", t.file));
        zh.push_str(&format!("；户数取自 {}", t.file));
    }
    Note::info("import.mapping", &l.file, Some(&l.entry), en, zh)
}

/// Joins a households table to a plan given as GeoJSON text.
pub fn join_households_text(
    plan_name: &str,
    plan_text: &[u8],
    table_name: &str,
    bytes: &[u8],
    opts: &JoinOptions,
) -> Result<(String, join::Joined), ImportErrors> {
    let plan = shequ_core::load::load_plan(
        plan_name,
        plan_text,
        &shequ_core::load::LoadOptions::default(),
    )
    .map_err(|e| {
        ImportErrors::from_vec(
            e.errors
                .iter()
                .map(|le| ImportError {
                    entry: None,
                    record: le.feature_index,
                    row: None,
                    field: le.field.clone(),
                    ..ImportError::new(
                        &le.file,
                        le.code,
                        le.problem_en.clone(),
                        le.problem_zh.clone(),
                        le.fix_en.clone(),
                        le.fix_zh.clone(),
                    )
                })
                .collect(),
        )
    })?;
    let joined = join::join_households(&plan.plan, table_name, bytes, opts)
        .map_err(ImportErrors::from_vec)?;
    Ok((shequ_core::export::to_geojson_string(&joined.plan), joined))
}
