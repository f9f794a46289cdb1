//! `shequ suggest` and `shequ repair`: the splits, merges and moves the plan
//! orders, with as few households moved as possible (shequ_core::adjust).

use std::path::Path;
use std::time::Instant;

use serde::Serialize;
use shequ_core::adjust::{self, Alternative, Current, RepairOptions, Step, SuggestOptions};
use shequ_core::evaluation::Evaluation;
use shequ_core::load::{load_plan, LoadOptions};
use shequ_core::{Plan, Profile};

use crate::args::{Format, Lang, RepairArgs, SuggestArgs};
use crate::input;
use crate::table::{Align, Table};
use crate::{write_stdout, Failure, Outcome};

/// The plan and profile named on the command line.
fn read(path: &Path, profile: &str, lang: Lang) -> Result<(Plan, Profile), Failure> {
    let mut problems = Vec::new();
    let profile = input::profile(profile, lang)
        .map_err(|l| problems.push(l))
        .ok();
    let plan = match input::read(path, lang) {
        Ok(s) => load_plan(&s.name, &s.bytes, &LoadOptions::default())
            .map_err(|e| problems.extend(input::load_error_lines(&e, lang)))
            .ok(),
        Err(line) => {
            problems.push(line);
            None
        }
    };
    match (plan, profile) {
        (Some(loaded), Some(profile)) if problems.is_empty() => {
            for n in &loaded.notes {
                crate::stderr_line(&input::note_line(n, lang));
            }
            // Shared boundaries snapped and noded, as the page's session has them.
            let mut plan = loaded.plan;
            shequ_core::topology::Topology::build(&mut plan.communities);
            Ok((plan, profile))
        }
        _ => Err(Failure::Input(problems)),
    }
}

fn int(n: u64) -> String {
    shequ_core::fmt::int(n)
}

fn pct(x: f64) -> String {
    shequ_core::fmt::pct(x)
}

pub fn suggest(a: &SuggestArgs, lang: Lang) -> Result<Outcome, Failure> {
    let (plan, profile) = read(&a.plan, &a.profile, lang)?;
    let eval = Evaluation::new(&plan, &profile);
    let now = Current {
        plan: &plan,
        profile: &profile,
        eval: &eval,
    };
    let opts = SuggestOptions {
        alternatives: a.alternatives.max(1),
        seed: a.seed,
        ..Default::default()
    };
    let alts = adjust::suggest(&now, &a.community, &opts).map_err(|e| {
        Failure::Input(vec![format!(
            "shequ: {}: {}",
            input::display_name(&a.plan),
            lang.pick(&e.message_zh, &e.message_en)
        )])
    })?;
    let text = match a.format {
        Format::Json => {
            #[derive(Serialize)]
            struct Out<'a> {
                community: &'a str,
                alternatives: &'a [Alternative],
            }
            let mut s = serde_json::to_string_pretty(&Out {
                community: &a.community,
                alternatives: &alts,
            })
            .unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Table => suggestions_table(&alts, lang),
    };
    write_stdout(&text, lang)?;
    Ok(Outcome::Clean)
}

fn suggestions_table(alts: &[Alternative], lang: Lang) -> String {
    let mut out = String::new();
    for (k, alt) in alts.iter().enumerate() {
        out.push_str(&format!(
            "{}{}  {}\n",
            lang.pick("方案 ", "Alternative "),
            k + 1,
            lang.pick(&alt.summary_zh, &alt.summary_en)
        ));
        out.push_str(&match lang {
            Lang::Zh => format!(
                "  调整户数 {}（{} 个小区），新边界沿道路河流 {}\n",
                int(alt.households_moved),
                alt.compounds_moved,
                pct(alt.new_boundary_on_barrier)
            ),
            Lang::En => format!(
                "  {} households move ({} compounds); {} of the new boundary follows roads and rivers\n",
                int(alt.households_moved),
                alt.compounds_moved,
                pct(alt.new_boundary_on_barrier)
            ),
        });
        let header: &[&str] = match lang {
            Lang::Zh => &["编号", "名称", "户数", "紧凑度", "沿路河", "党群服务中心"],
            Lang::En => &[
                "ID",
                "Name",
                "Households",
                "Polsby-Popper",
                "On barriers",
                "Service centre",
            ],
        };
        let mut t = Table::new(
            header,
            &[
                Align::Left,
                Align::Left,
                Align::Right,
                Align::Right,
                Align::Right,
                Align::Left,
            ],
        )
        .indent(2);
        for p in &alt.parts {
            let created = if p.created {
                lang.pick("（新）", " (new)")
            } else {
                ""
            };
            t.row(vec![
                format!("{}{created}", p.id).into(),
                p.name.clone().into(),
                int(p.households).into(),
                format!("{:.2}", p.polsby_popper).into(),
                pct(p.barrier_share).into(),
                p.service_center
                    .clone()
                    .unwrap_or_else(|| lang.pick("无", "none").to_string())
                    .into(),
            ]);
        }
        out.push_str(&t.render(false));
        for (list, zh, en) in [
            (&alt.clears, "消除", "Clears"),
            (&alt.raises, "新增", "Raises"),
        ] {
            if list.is_empty() {
                continue;
            }
            out.push_str(&format!("  {}（{}）:\n", lang.pick(zh, en), list.len()));
            for f in list {
                out.push_str(&format!(
                    "    [{}] {}\n",
                    f.code,
                    lang.pick(&f.message_zh, &f.message_en)
                ));
            }
        }
        out.push('\n');
    }
    out
}

/// `shequ repair --format json`.
#[derive(Serialize)]
struct RepairJson<'a> {
    moved_households: u64,
    moved_compounds: usize,
    communities_before: usize,
    communities_after: usize,
    created: &'a [String],
    removed: &'a [String],
    unresolved: &'a [adjust::Unresolved],
    seconds: f64,
}

pub fn repair(a: &RepairArgs, lang: Lang) -> Result<Outcome, Failure> {
    let (plan, profile) = read(&a.plan, &a.profile, lang)?;
    let t = Instant::now();
    let eval = Evaluation::new(&plan, &profile);
    let now = Current {
        plan: &plan,
        profile: &profile,
        eval: &eval,
    };
    let locked: Vec<String> = a
        .lock
        .iter()
        .flat_map(|l| l.split(','))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if let Some(bad) = locked.iter().find(|id| plan.community(id).is_none()) {
        return Err(Failure::Input(vec![match lang {
            Lang::Zh => format!("shequ: --lock {bad}：方案中没有这个社区编号"),
            Lang::En => format!("shequ: --lock {bad}: the plan has no community with this id"),
        }]));
    }
    let opts = RepairOptions {
        strict: a.strict,
        locked,
        seed: a.seed,
    };
    let limit = a.time_limit;
    let r = adjust::repair(&now, &opts, &mut |_| match limit {
        Some(s) if t.elapsed().as_secs_f64() > s => Step::Finish,
        _ => Step::Go,
    })
    .map_err(|_| Failure::Input(vec!["shequ: the repair was cancelled".into()]))?;
    let seconds = t.elapsed().as_secs_f64();
    let proposal = Plan {
        communities: r.communities.clone(),
        ..plan.clone()
    };
    let text = shequ_core::export::to_geojson_string(&proposal);
    let out_name = input::display_name(&a.out);
    if input::is_stdin(&a.out) {
        write_stdout(&text, lang)?;
    } else {
        std::fs::write(&a.out, text)
            .map_err(|e| Failure::Input(vec![input::cannot("write", &out_name, &e, lang)]))?;
    }
    let summary = match a.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&RepairJson {
                moved_households: r.moved_households,
                moved_compounds: r.moved_compounds,
                communities_before: r.communities_before,
                communities_after: r.communities_after,
                created: &r.created,
                removed: &r.removed,
                unresolved: &r.unresolved,
                seconds,
            })
            .unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Table => {
            let mut s = match lang {
                Lang::Zh => format!(
                    "已写入 {out_name}：调整户数 {}（{} 个小区），社区 {} → {} 个，新设 {}，撤销 {}，用时 {:.1} 秒\n",
                    int(r.moved_households),
                    r.moved_compounds,
                    r.communities_before,
                    r.communities_after,
                    list(&r.created, lang),
                    list(&r.removed, lang),
                    seconds
                ),
                Lang::En => format!(
                    "wrote {out_name}: {} households move ({} compounds), communities {} → {}, created {}, removed {}, in {:.1} s\n",
                    int(r.moved_households),
                    r.moved_compounds,
                    r.communities_before,
                    r.communities_after,
                    list(&r.created, lang),
                    list(&r.removed, lang),
                    seconds
                ),
            };
            if !r.unresolved.is_empty() {
                s.push_str(lang.pick("未能解决：\n", "Not resolved:\n"));
                for u in &r.unresolved {
                    s.push_str(&format!(
                        "  [{}] {}：{}\n",
                        u.code,
                        u.community_ids.join("、"),
                        lang.pick(&u.reason_zh, &u.reason_en)
                    ));
                }
            }
            s
        }
    };
    // With the proposal on standard output, the summary goes to stderr.
    if input::is_stdin(&a.out) {
        eprint!("{summary}");
    } else {
        write_stdout(&summary, lang)?;
    }
    Ok(if r.unresolved.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Errors
    })
}

fn list(ids: &[String], lang: Lang) -> String {
    if ids.is_empty() {
        lang.pick("无", "none").to_string()
    } else {
        ids.join(lang.pick("、", ", "))
    }
}
