//! `shequ check`: read the inputs, evaluate, print the report.

use std::io::IsTerminal;
use std::path::Path;

use clap::error::ErrorKind;
use serde::Serialize;
use shequ_core::load::{load_layers, load_plan, LoadNote, LoadOptions, Loaded};
use shequ_core::model::Layer;
use shequ_core::{evaluate, evaluate_against, Report};

use crate::args::{CheckArgs, ColorChoice, Format, Lang};
use crate::input::{self, Source};
use crate::render::{self, View};
use crate::{usage_error, Failure, Outcome};

/// `--format json`: the report exactly as the core serialises it, plus the
/// loader's repair notes.
#[derive(Serialize)]
struct JsonReport<'a> {
    #[serde(flatten)]
    report: &'a Report,
    notes: &'a [LoadNote],
    /// With `--sizhi`: each community's four boundaries.
    #[serde(skip_serializing_if = "Option::is_none")]
    sizhi: Option<Vec<shequ_core::sizhi::Sizhi>>,
}

pub fn run(a: &CheckArgs, lang: Lang) -> Result<Outcome, Failure> {
    let inputs = inputs(a);
    if inputs.is_empty() {
        return Err(usage_error(
            "check",
            ErrorKind::MissingRequiredArgument,
            "no plan given: pass PLAN (one GeoJSON FeatureCollection whose features carry \
             properties.layer), or one file per layer with --communities FILE, --compounds FILE, \
             --grids FILE, --barriers FILE, --centers FILE, --streets FILE",
        ));
    }
    let stdin_uses = inputs
        .iter()
        .map(|(_, p)| *p)
        .chain(a.baseline.as_deref())
        .filter(|p| input::is_stdin(p))
        .count();
    if stdin_uses > 1 {
        return Err(usage_error(
            "check",
            ErrorKind::ArgumentConflict,
            "standard input (-) can be read only once; save the other input to a file",
        ));
    }

    // Gather every problem with the inputs before giving up, so that one run
    // shows them all.
    let mut problems = Vec::new();
    let profile = input::profile(&a.profile, lang)
        .map_err(|line| problems.push(line))
        .ok();
    let mut sources: Vec<(Option<Layer>, Source)> = Vec::new();
    for (layer, path) in &inputs {
        match input::read(path, lang) {
            // A zipped Shapefile is imported as `shequ import` would.
            Ok(s) if shequ_import::shp::is_zip(&s.bytes) => {
                match crate::import::zip_source(&s, lang) {
                    Ok(s) => sources.push((*layer, s)),
                    Err(lines) => problems.extend(lines),
                }
            }
            Ok(s) => sources.push((*layer, s)),
            Err(line) => problems.push(line),
        }
    }
    let baseline_source = match a.baseline.as_deref().map(|p| input::read(p, lang)) {
        Some(Ok(s)) => Some(s),
        Some(Err(line)) => {
            problems.push(line);
            None
        }
        None => None,
    };
    if !problems.is_empty() {
        return Err(Failure::Input(problems));
    }

    let opts = LoadOptions::default();
    let files: Vec<(Option<Layer>, &str, &[u8])> = sources
        .iter()
        .map(|(l, s)| (*l, s.name.as_str(), s.bytes.as_slice()))
        .collect();
    let plan = load_layers(&files, &opts)
        .map_err(|e| problems.extend(input::load_error_lines(&e, lang)))
        .ok();
    let baseline = baseline_source.as_ref().and_then(|s| {
        load_plan(&s.name, &s.bytes, &opts)
            .map_err(|e| problems.extend(input::load_error_lines(&e, lang)))
            .ok()
    });
    let (Some(profile), Some(Loaded { plan, mut notes }), true) =
        (profile, plan, problems.is_empty())
    else {
        return Err(Failure::Input(problems));
    };
    let baseline = baseline.map(|b| {
        notes.extend(b.notes);
        b.plan
    });

    let report = match &baseline {
        Some(b) => evaluate_against(&plan, b, &profile),
        None => evaluate(&plan, &profile),
    };
    let outcome = if report.has_errors() {
        Outcome::Errors
    } else {
        Outcome::Clean
    };

    let sizhi = a.sizhi.then(|| crate::sizhi::all(&plan, &profile));
    let text = match a.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&JsonReport {
                report: &report,
                notes: &notes,
                sizhi,
            })
            .map_err(|e| {
                Failure::Input(vec![format!("shequ: cannot write the report as JSON: {e}")])
            })?;
            s.push('\n');
            s
        }
        Format::Table => {
            for n in &notes {
                crate::stderr_line(&input::note_line(n, lang));
            }
            let baseline_name = baseline_source
                .as_ref()
                .map(|s| s.name.as_str())
                .unwrap_or_default();
            let view = View {
                lang,
                color: use_color(a.color),
                profile: &profile,
                plan: &plan,
                baseline: baseline.as_ref().map(|b| (baseline_name, b)),
            };
            let mut text = render::report(&report, &view);
            if let Some(list) = &sizhi {
                text.push_str(&crate::sizhi::section(list, &plan, lang, view.color));
            }
            text
        }
    };
    crate::write_stdout(&text, lang)?;
    Ok(outcome)
}

/// The inputs in load order: PLAN first, then the layer files.
fn inputs(a: &CheckArgs) -> Vec<(Option<Layer>, &Path)> {
    let layers = [
        (None, &a.plan),
        (Some(Layer::Community), &a.communities),
        (Some(Layer::Compound), &a.compounds),
        (Some(Layer::Grid), &a.grids),
        (Some(Layer::Barrier), &a.barriers),
        (Some(Layer::ServiceCenter), &a.centers),
        (Some(Layer::Street), &a.streets),
    ];
    layers
        .into_iter()
        .filter_map(|(layer, path)| path.as_deref().map(|p| (layer, p)))
        .collect()
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
        }
    }
}
