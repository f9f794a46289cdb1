//! `shequ import`, and zipped Shapefiles given to `shequ check`: thin glue over
//! `shequ-import` (files in, bilingual lines out).

use std::path::Path;

use shequ_import::{
    HouseholdsTable, ImportErrors, ImportOptions, JoinOptions, KeyKind, LayerMapping, Level, Note,
};

use crate::args::{ImportArgs, KeyArg, Lang};
use crate::input::{self, Source};
use crate::{Failure, Outcome};

/// One line per import problem, in the user's language.
pub fn error_lines(e: &ImportErrors, lang: Lang) -> Vec<String> {
    let mut lines: Vec<String> = e
        .errors
        .iter()
        .map(|e| input::one_line(lang.pick(&e.message_zh(), &e.message_en())))
        .collect();
    if e.more > 0 {
        lines.push(
            lang.pick(
                &format!("…… 另有 {} 个问题未列出", e.more),
                &format!("… and {} more problems", e.more),
            )
            .to_string(),
        );
    }
    lines
}

/// `warning: plan.zip: 社区.shp: …` (or `note:` for information).
pub fn note_line(n: &Note, lang: Lang) -> String {
    let tag = match n.level {
        Level::Warning => "warning",
        Level::Info => "note",
    };
    format!(
        "{tag}: {}",
        input::one_line(lang.pick(&n.line_zh(), &n.line_en()))
    )
}

/// A zipped Shapefile as GeoJSON text in the plan format, for `shequ check`;
/// warnings go to stderr.
pub fn zip_source(src: &Source, lang: Lang) -> Result<Source, Vec<String>> {
    let imported = shequ_import::to_plan(
        &[(src.name.as_str(), &src.bytes)],
        &ImportOptions::default(),
    )
    .map_err(|e| error_lines(&e, lang))?;
    for n in imported.notes.iter().filter(|n| n.level == Level::Warning) {
        crate::stderr_line(&note_line(n, lang));
    }
    Ok(Source {
        name: src.name.clone(),
        bytes: imported.geojson.into_bytes(),
    })
}

pub fn run(a: &ImportArgs, lang: Lang) -> Result<Outcome, Failure> {
    let mut problems = Vec::new();
    let mut sources = Vec::new();
    for p in &a.inputs {
        match input::read(p, lang) {
            Ok(s) => sources.push(s),
            Err(line) => problems.push(line),
        }
    }
    let crs = shequ_import::crs_option(&a.crs)
        .map_err(|e| problems.push(format!("shequ: --crs: {e}")))
        .ok()
        .flatten();
    let layers = if a.layer_map.trim().eq_ignore_ascii_case("auto") {
        Vec::new()
    } else {
        match read_layer_map(Path::new(&a.layer_map), lang) {
            Ok(l) => l,
            Err(line) => {
                problems.push(line);
                Vec::new()
            }
        }
    };
    let table = a
        .households
        .as_deref()
        .map(|p| input::read(p, lang))
        .transpose()
        .map_err(|line| problems.push(line))
        .ok()
        .flatten();
    if !problems.is_empty() {
        return Err(Failure::Input(problems));
    }
    // The households table goes in with the layers: the compounds may come
    // without households and take theirs from it before the plan is checked.
    let files: Vec<(&str, &[u8])> = sources
        .iter()
        .chain(&table)
        .map(|s| (s.name.as_str(), s.bytes.as_slice()))
        .collect();
    let opts = ImportOptions {
        layers,
        crs,
        only_listed: false,
        households: table.as_ref().map(|t| HouseholdsTable {
            file: t.name.clone(),
            join: JoinOptions {
                key: a.key.map(|k| match k {
                    KeyArg::Id => KeyKind::Id,
                    KeyArg::Name => KeyKind::Name,
                }),
                sheet: a.sheet.clone(),
                ..Default::default()
            },
        }),
    };
    let imported =
        shequ_import::to_plan(&files, &opts).map_err(|e| Failure::Input(error_lines(&e, lang)))?;
    for n in &imported.notes {
        crate::stderr_line(&note_line(n, lang));
    }
    if let Some(path) = &a.write_layer_map {
        let text = serde_json::to_string_pretty(&imported.mappings).unwrap_or_default() + "\n";
        std::fs::write(path, text).map_err(|e| {
            Failure::Input(vec![input::cannot(
                "write",
                &path.display().to_string(),
                &e,
                lang,
            )])
        })?;
    }
    if let Some(r) = &imported.households {
        report_join(r, lang);
    }
    let plan = imported.plan;
    let text = shequ_core::export::to_geojson_string(&plan) + "\n";
    if input::is_stdin(&a.out) {
        crate::write_stdout(&text, lang)?;
    } else {
        std::fs::write(&a.out, text).map_err(|e| {
            Failure::Input(vec![input::cannot(
                "write",
                &input::display_name(&a.out),
                &e,
                lang,
            )])
        })?;
    }
    crate::stderr_line(&match lang {
        Lang::Zh => format!(
            "shequ: 已写入 {}：社区 {} 个，小区 {} 个（{} 户），网格 {} 个，道路河流 {} 条，党群服务中心 {} 个",
            input::display_name(&a.out),
            plan.communities.len(),
            plan.compounds.len(),
            plan.households_total(),
            plan.grids.len(),
            plan.barriers.len(),
            plan.centers.len()
        ),
        Lang::En => format!(
            "shequ: wrote {}: {} communities, {} compounds ({} households), {} grid cells, {} barriers, {} service centres",
            input::display_name(&a.out),
            plan.communities.len(),
            plan.compounds.len(),
            plan.households_total(),
            plan.grids.len(),
            plan.barriers.len(),
            plan.centers.len()
        ),
    });
    Ok(Outcome::Clean)
}

fn read_layer_map(path: &Path, lang: Lang) -> Result<Vec<LayerMapping>, String> {
    let src = input::read(path, lang)?;
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Map {
        List(Vec<LayerMapping>),
        Options { layers: Vec<LayerMapping> },
    }
    let text = String::from_utf8_lossy(&src.bytes);
    match serde_json::from_str::<Map>(text.trim_start_matches('\u{feff}')) {
        Ok(Map::List(l)) | Ok(Map::Options { layers: l }) => Ok(l),
        Err(e) => Err(match lang {
            Lang::Zh => format!("shequ: {}：图层映射文件无法读取（{e}）。修改建议：应为 JSON 数组，例如 [{{\"source\": \"社区.shp\", \"layer\": \"community\", \"fields\": {{\"name\": \"MC\"}}}}]；可用 --write-layer-map 生成后修改", src.name),
            Lang::En => format!("shequ: {}: the layer map cannot be read ({e}); fix: write a JSON array such as [{{\"source\": \"社区.shp\", \"layer\": \"community\", \"fields\": {{\"name\": \"MC\"}}}}], or start from --write-layer-map", src.name),
        }),
    }
}

fn report_join(r: &shequ_import::JoinReport, lang: Lang) {
    let key = match r.key {
        KeyKind::Id => lang.pick("编号", "id"),
        KeyKind::Name => lang.pick("名称", "name"),
    };
    // Which columns were read: the mapping, to check and correct (--key).
    let mut cols_zh = format!("列“{}”", r.key_column);
    let mut cols_en = format!("column {:?}", r.key_column);
    if let Some(c) = &r.households_column {
        cols_zh.push_str(&format!("；户数取自“{c}”"));
        cols_en.push_str(&format!("; households from {c:?}"));
    }
    if let Some(c) = &r.planned_column {
        cols_zh.push_str(&format!("，规划户数取自“{c}”"));
        cols_en.push_str(&format!(", planned households from {c:?}"));
    }
    crate::stderr_line(&match lang {
        Lang::Zh => format!(
            "shequ: {}：按{key}（{cols_zh}）匹配，更新小区 {} 个；未匹配的行 {} 行，没有对应行的小区 {} 个，重复 {} 处",
            r.file,
            r.updated.len(),
            r.unmatched_rows.len(),
            r.compounds_without_row.len(),
            r.duplicates.len()
        ),
        Lang::En => format!(
            "shequ: {}: joined by {key} ({cols_en}): {} compounds updated; {} rows matched nothing, {} compounds have no row, {} duplicates",
            r.file,
            r.updated.len(),
            r.unmatched_rows.len(),
            r.compounds_without_row.len(),
            r.duplicates.len()
        ),
    });
    for u in &r.unmatched_rows {
        crate::stderr_line(&input::one_line(&match lang {
            Lang::Zh => format!(
                "warning: {}：第 {} 行：“{}”没有匹配到小区",
                r.file, u.row, u.key
            ),
            Lang::En => format!(
                "warning: {}: row {}: {:?} matches no compound",
                r.file, u.row, u.key
            ),
        }));
    }
    for d in &r.duplicates {
        let rows = d
            .rows
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        crate::stderr_line(&input::one_line(&match lang {
            Lang::Zh => format!(
                "warning: {}：第 {rows} 行：“{}”重复或对应多个小区（{}）",
                r.file,
                d.key,
                d.compounds.join("、")
            ),
            Lang::En => format!(
                "warning: {}: rows {rows}: {:?} is repeated or means several compounds ({})",
                r.file,
                d.key,
                d.compounds.join(", ")
            ),
        }));
    }
    for n in &r.notes {
        crate::stderr_line(&note_line(n, lang));
    }
}
