//! `cargo xtask bench [--quick]`: the engine measured natively (Criterion),
//! as WebAssembly in Node and in headless Chromium (alone and inside the app,
//! driven with a real mouse), against a turf.js implementation of the same
//! checks, on the same generated plans. Prints a table and the key ratios and
//! writes `bench/results.json`: an array of
//! `{scenario, metric, engine, value, unit, n, p25, p75, min, max, …}`.
//!
//! ```text
//! 1. set-up, then `shequ generate` writes bench/tmp/{S,M,L,XL}.geojson
//! 2. the WASM and the site are built (web/dist, with web/bench/page.html)
//! 3. Criterion: crates/shequ-generate/benches/{evaluate,adjust}.rs, medians read from
//!    target/criterion/<group>/<scenario>/new/{estimates,sample}.json (suggest and
//!    repair on S and M only; the repair's quality from repair/<scenario>/quality.json)
//! 4. web/bench/run.mjs node | turf | chromium | size | adjust, each writing bench/tmp/<part>.json
//! 5. everything merged into bench/results.json, with ratios and the load average
//! ```
//!
//! The machine has two shared cores: every measurement is repeated, the
//! spread is kept beside the median, and the load average is recorded so that
//! a busy run can be recognised as one.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Instant, SystemTime};

use crate::{root, run, setup, step};

/// A generated district; `reps` repetitions of each whole-plan measurement.
struct Scenario {
    name: &'static str,
    communities: usize,
    seed: u64,
    reps: usize,
}

/// S is the demo (`generate::DEMO`, tests/data/demo.geojson); the others as
/// in benches/evaluate.rs.
const FULL: [Scenario; 4] = [
    Scenario {
        name: "S",
        communities: 48,
        seed: 2022,
        reps: 5,
    },
    Scenario {
        name: "M",
        communities: 200,
        seed: 7,
        reps: 5,
    },
    Scenario {
        name: "L",
        communities: 1000,
        seed: 7,
        reps: 5,
    },
    Scenario {
        name: "XL",
        communities: 5000,
        seed: 7,
        reps: 3,
    },
];
const QUICK: [Scenario; 2] = [
    Scenario {
        name: "S",
        communities: 48,
        seed: 2022,
        reps: 3,
    },
    Scenario {
        name: "M",
        communities: 200,
        seed: 7,
        reps: 3,
    },
];

const USAGE: &str = "usage: cargo xtask bench [--quick] [--no-build] [--only-adjust]

  --quick        S and M only, fewer repetitions (a few minutes)
  --no-build     skip set-up and builds: measure web/dist and the plans as they are
  --only-adjust  suggest and repair only (S and M, natively and in Chromium); their
                 records replace those of the same scenario, metric and engine in
                 bench/results.json, the others are kept";

struct Options {
    quick: bool,
    build: bool,
    only_adjust: bool,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let mut o = Options {
            quick: false,
            build: true,
            only_adjust: false,
        };
        for a in args {
            match a.as_str() {
                "--quick" => o.quick = true,
                "--no-build" => o.build = false,
                "--only-adjust" => o.only_adjust = true,
                "-h" | "--help" => return Err(USAGE.into()),
                other => return Err(format!("unknown option {other:?}\n\n{USAGE}")),
            }
        }
        Ok(o)
    }
}

pub fn bench(args: &[String]) -> Result<(), String> {
    let opts = Options::parse(args)?;
    let started = Instant::now();
    let scenarios: &[Scenario] = if opts.quick || opts.only_adjust {
        &QUICK
    } else {
        &FULL
    };
    let tmp = root().join("bench/tmp");
    std::fs::create_dir_all(&tmp).map_err(|e| format!("cannot create {}: {e}", tmp.display()))?;
    let mut load = vec![load_average()];
    let mut notes: Vec<String> = Vec::new();

    if opts.build {
        setup::all(true)?;
    }
    if opts.build {
        step("generate the plans (shequ generate)", || {
            generate(scenarios, &tmp, &mut notes)
        })?;
    } else if let Some(s) = scenarios
        .iter()
        .find(|s| !tmp.join(format!("{}.geojson", s.name)).exists())
    {
        return Err(format!(
            "bench/tmp/{}.geojson is missing: run without --no-build first",
            s.name
        ));
    }
    if opts.build {
        crate::build()?;
        step("build the Criterion bench", || {
            let args = [
                "bench",
                "-p",
                "shequ-generate",
                "--bench",
                "evaluate",
                "--bench",
                "adjust",
                "--no-run",
                "-q",
            ];
            run(crate::cargo().args(args))
        })?;
    }
    let built = started.elapsed();
    let measuring = Instant::now();
    load.push(load_average());

    let mut records = step(
        "native: Criterion (benches/evaluate.rs, benches/adjust.rs)",
        || criterion(scenarios, opts.quick, opts.only_adjust),
    )?;
    load.push(load_average());
    let list = scenarios
        .iter()
        .map(|s| format!("{}:{}", s.name, s.reps))
        .collect::<Vec<_>>()
        .join(",");
    let adjust_list = scenarios
        .iter()
        .filter(|s| matches!(s.name, "S" | "M"))
        .map(|s| format!("{}:{}", s.name, s.reps))
        .collect::<Vec<_>>()
        .join(",");
    let drag = if opts.quick { "120" } else { "240" };
    for (part, title) in [
        ("node", "WASM in Node"),
        ("turf", "turf.js in Node"),
        ("chromium", "WASM and the app in Chromium"),
        ("size", "WASM size"),
        (
            "adjust",
            "suggest and repair in Chromium (pkg-adjust, the app)",
        ),
    ] {
        if opts.only_adjust && part != "adjust" {
            continue;
        }
        // Suggest and repair are measured on S and M only.
        let list = if part == "adjust" {
            adjust_list.as_str()
        } else {
            list.as_str()
        };
        let out = tmp.join(format!("{part}.json"));
        let _ = std::fs::remove_file(&out);
        step(title, || {
            run(Command::new("node")
                .args([
                    "bench/run.mjs",
                    part,
                    "--scenarios",
                    list,
                    "--drag",
                    drag,
                    "--plans",
                ])
                .arg(&tmp)
                .arg("--out")
                .arg(&out)
                .current_dir(root().join("web")))
        })?;
        records.extend(read_records(&out)?);
        load.push(load_average());
    }

    let load: Vec<f64> = load.into_iter().flatten().collect();
    if opts.only_adjust {
        return merge_adjust(records, &load, started);
    }
    records.extend(ratios(&records, scenarios));
    if let Some(s) = Summary::of(&load) {
        let mut r = record("all", "load_average_1m", "machine", s.median, "tasks");
        s.spread(&mut r);
        r.set("spread_of", Json::Str("steps".into()));
        r.set("note", Json::Str("1-minute load average at each step, on 2 cores: above 2 the measurements shared the CPU".into()));
        records.push(r);
        if s.max > 2.5 {
            notes.push(format!("the machine was busy (1-minute load average up to {:.1} on 2 cores): expect inflated, noisy numbers", s.max));
        }
    }
    for r in &mut records {
        if is_noisy(r) {
            r.set("noisy", Json::Bool(true));
        }
    }

    let path = root().join("bench/results.json");
    write_records(&path, &records)?;

    println!("{}", table(&records));
    println!("{}", ratio_lines(&records, scenarios));
    for n in &notes {
        println!("note: {n}");
    }
    let noisy: Vec<String> = records
        .iter()
        .filter(|r| r.get("noisy").is_some())
        .map(label)
        .collect();
    if !noisy.is_empty() {
        println!(
            "noisy (interquartile range over 20 % of the median): {}",
            noisy.join(", ")
        );
    }
    let capped: Vec<String> = records
        .iter()
        .filter(|r| matches!(r.get("capped"), Some(Json::Bool(true))))
        .map(label)
        .collect();
    if !capped.is_empty() {
        println!(
            "time-capped (fewer samples than asked for): {}",
            capped.join(", ")
        );
    }
    println!(
        "wrote {} ({} records); set-up, generation and builds {:.0} s, measurements {:.0} s, total {:.0} s",
        path.display(),
        records.len(),
        built.as_secs_f64(),
        measuring.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

// ---- plans ---------------------------------------------------------------------------

/// Writes each scenario's plan with the CLI, so that Rust and JavaScript
/// measure the same data.
fn generate(scenarios: &[Scenario], tmp: &Path, notes: &mut Vec<String>) -> Result<(), String> {
    run(crate::cargo().args(["build", "--release", "-q", "-p", "shequ-cli"]))?;
    let exe = root()
        .join("target/release")
        .join(format!("shequ{}", std::env::consts::EXE_SUFFIX));
    for s in scenarios {
        let out = tmp.join(format!("{}.geojson", s.name));
        run(Command::new(&exe)
            .args([
                "generate",
                "--lang",
                "en",
                "--communities",
                &s.communities.to_string(),
                "--seed",
                &s.seed.to_string(),
                "--out",
            ])
            .arg(&out))?;
        if s.name == "S" {
            let demo = root().join("tests/data/demo.geojson");
            if std::fs::read(&demo).ok() != std::fs::read(&out).ok() {
                notes.push(format!("S differs from {}: the generator changed since the demo was written; S measures the generator's output", demo.display()));
            }
        }
    }
    Ok(())
}

// ---- Criterion -----------------------------------------------------------------------

/// A Criterion bench target of crates/shequ-generate.
struct Bench {
    name: &'static str,
    /// Its groups, with the note on each record.
    groups: &'static [(&'static str, &'static str)],
    /// The scenarios it runs on (`None`: all).
    only: Option<&'static [&'static str]>,
}

const BENCHES: [Bench; 2] = [
    Bench {
        name: "evaluate",
        groups: &[
            ("full_eval", "evaluate(plan, profile) on the generated plan"),
            ("drag_step", "Session::drag_to (native Delta, no JavaScript)"),
        ],
        only: None,
    },
    Bench {
        name: "adjust",
        groups: &[
            ("suggest", "adjust::suggest, 3 alternatives for the community with the most households (plan evaluated beforehand)"),
            ("repair", "adjust::repair, default goal, seed 1 (plan evaluated beforehand)"),
        ],
        only: Some(&["S", "M"]),
    },
];

fn criterion(scenarios: &[Scenario], quick: bool, only_adjust: bool) -> Result<Vec<Json>, String> {
    let (warm, measure) = if quick { ("0.5", "1.5") } else { ("1", "3") };
    let home = criterion_home();
    let mut out = Vec::new();
    for Bench {
        name: bench,
        groups,
        only,
    } in BENCHES
    {
        if only_adjust && bench != "adjust" {
            continue;
        }
        let names: Vec<&str> = scenarios
            .iter()
            .map(|s| s.name)
            .filter(|n| only.is_none_or(|o| o.contains(n)))
            .collect();
        if names.is_empty() {
            continue;
        }
        let group_names: Vec<&str> = groups.iter().map(|(g, _)| *g).collect();
        let filter = format!("^({})/({})$", group_names.join("|"), names.join("|"));
        let start = SystemTime::now();
        run(crate::cargo().args([
            "bench",
            "-p",
            "shequ-generate",
            "--bench",
            bench,
            "-q",
            "--",
            "--warm-up-time",
            warm,
            "--measurement-time",
            measure,
            "--sample-size",
            "10",
            "--nresamples",
            "10000",
            &filter,
        ]))?;
        let fresh = |path: &Path| {
            std::fs::metadata(path)
                .and_then(|m| m.modified())
                .map(|t| t >= start)
                .unwrap_or(false)
        };
        for name in &names {
            for (group, what) in groups.iter() {
                let dir = home.join(group).join(name).join("new");
                let estimates = dir.join("estimates.json");
                if !fresh(&estimates) {
                    return Err(format!("Criterion wrote no fresh {} (does benches/{bench}.rs still name it {group}/{name}?)", estimates.display()));
                }
                let est = Json::parse(&read(&estimates)?)
                    .map_err(|e| format!("{}: {e}", estimates.display()))?;
                let median = est
                    .get("median")
                    .and_then(|m| m.get("point_estimate"))
                    .and_then(Json::as_f64)
                    .ok_or_else(|| format!("{}: no median.point_estimate", estimates.display()))?;
                let mut r = record(name, group, "native", round3(median / 1e6), "ms");
                // Each sample is a run of `iters` calls: its per-call mean is one observation.
                let sample = Json::parse(&read(&dir.join("sample.json"))?)
                    .map_err(|e| format!("sample.json: {e}"))?;
                let per_call: Vec<f64> = match (
                    sample.get("iters").and_then(Json::as_array),
                    sample.get("times").and_then(Json::as_array),
                ) {
                    (Some(i), Some(t)) => i
                        .iter()
                        .zip(t)
                        .filter_map(|(i, t)| Some(t.as_f64()? / i.as_f64()? / 1e6))
                        .collect(),
                    _ => Vec::new(),
                };
                if let Some(sm) = Summary::of(&per_call) {
                    sm.spread(&mut r);
                }
                r.set(
                    "spread_of",
                    Json::Str("criterion samples (per-call means)".into()),
                );
                r.set("note", Json::Str(format!("Criterion median, {what}")));
                out.push(r);
            }
            // benches/adjust.rs: the repair's households moved against a lower bound.
            let quality = home.join("repair").join(name).join("quality.json");
            if bench == "adjust" {
                if !fresh(&quality) {
                    return Err(format!(
                        "benches/adjust.rs wrote no fresh {}",
                        quality.display()
                    ));
                }
                out.extend(repair_quality(name, &read(&quality)?)?);
            }
        }
    }
    Ok(out)
}

/// Records from benches/adjust.rs's quality.json: households moved by the
/// repair, the lower bound, their ratio.
fn repair_quality(scenario: &str, text: &str) -> Result<Vec<Json>, String> {
    let q = Json::parse(text).map_err(|e| format!("quality.json: {e}"))?;
    let num = |k: &str| {
        q.get(k)
            .and_then(Json::as_f64)
            .ok_or_else(|| format!("quality.json: no {k}"))
    };
    let (moved, bound) = (num("moved_households")?, num("lower_bound")?);
    let mut m = record(
        scenario,
        "repair_moved_households",
        "native",
        moved,
        "households",
    );
    for k in [
        "moved_compounds",
        "unresolved",
        "communities_before",
        "communities_after",
    ] {
        m.set(k, Json::Num(num(k)?));
    }
    m.set("note", Json::Str("adjust::repair, default goal, seed 1: households whose community id changes (compare::Comparison)".into()));
    let mut b = record(
        scenario,
        "repair_moved_lower_bound",
        "native",
        bound,
        "households",
    );
    b.set("excess", Json::Num(num("excess")?));
    b.set("deficit", Json::Num(num("deficit")?));
    b.set("note", Json::Str("max(excess, ⌈(excess + deficit) / 2⌉): excess = Σ (h − 3,000) above, deficit = Σ min(500 − h, h) below (bounds of each community's kind); benches/adjust.rs lower_bound".into()));
    let mut out = vec![m, b];
    if bound > 0.0 {
        let mut r = record(
            scenario,
            "repair_moved_over_lower_bound",
            "native",
            round3(moved / bound),
            "x",
        );
        r.set("note", Json::Str("repair_moved_households / repair_moved_lower_bound (1 = optimal; above 1: the optimum lies between the bound and the repair)".into()));
        out.push(r);
    }
    Ok(out)
}

fn criterion_home() -> PathBuf {
    if let Some(h) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(h);
    }
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
        .join("criterion")
}

/// `--only-adjust`: the new records (and their ratios to native) replace
/// those of the same scenario, metric and engine in bench/results.json; each
/// carries the run's highest load average, since the file's
/// `load_average_1m` record is about the full run.
fn merge_adjust(mut records: Vec<Json>, load: &[f64], started: Instant) -> Result<(), String> {
    let path = root().join("bench/results.json");
    let mut old = if path.exists() {
        read_records(&path)?
    } else {
        Vec::new()
    };
    let mut all = old.clone();
    all.extend(records.iter().cloned());
    records.extend(ratios(&all, &QUICK).into_iter().filter(|r| {
        let m = field(r, "metric");
        m.starts_with("suggest") || m.starts_with("repair")
    }));
    let summary = Summary::of(load);
    for r in &mut records {
        if let Some(s) = &summary {
            r.set("load_average_1m", Json::Num(s.max));
        }
        if is_noisy(r) {
            r.set("noisy", Json::Bool(true));
        }
    }
    let key = |r: &Json| {
        (
            field(r, "scenario").to_string(),
            field(r, "metric").to_string(),
            field(r, "engine").to_string(),
        )
    };
    let fresh: std::collections::HashSet<_> = records.iter().map(key).collect();
    old.retain(|r| !fresh.contains(&key(r)));
    let kept = old.len();
    old.extend(records.iter().cloned());
    write_records(&path, &old)?;
    println!("{}", table(&records));
    if let Some(s) = summary {
        println!("1-minute load average {:.1}–{:.1} on 2 cores", s.min, s.max);
    }
    println!(
        "wrote {}: {} records kept, {} new; {:.0} s",
        path.display(),
        kept,
        records.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn write_records(path: &Path, records: &[Json]) -> Result<(), String> {
    let mut text = String::from("[\n");
    for (i, r) in records.iter().enumerate() {
        text.push_str("  ");
        r.write(&mut text);
        text.push_str(if i + 1 < records.len() { ",\n" } else { "\n" });
    }
    text.push_str("]\n");
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

// ---- records, ratios, table ----------------------------------------------------------

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn read_records(path: &Path) -> Result<Vec<Json>, String> {
    match Json::parse(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))? {
        Json::Arr(list) => Ok(list),
        _ => Err(format!("{}: expected an array of records", path.display())),
    }
}

fn record(scenario: &str, metric: &str, engine: &str, value: f64, unit: &str) -> Json {
    Json::Obj(vec![
        ("scenario".into(), Json::Str(scenario.into())),
        ("metric".into(), Json::Str(metric.into())),
        ("engine".into(), Json::Str(engine.into())),
        ("value".into(), Json::Num(value)),
        ("unit".into(), Json::Str(unit.into())),
    ])
}

fn field<'a>(r: &'a Json, key: &str) -> &'a str {
    r.get(key).and_then(Json::as_str).unwrap_or("")
}

fn label(r: &Json) -> String {
    format!(
        "{} {} {}",
        field(r, "scenario"),
        field(r, "metric"),
        field(r, "engine")
    )
}

fn value(records: &[Json], scenario: &str, metric: &str, engine: &str) -> Option<f64> {
    records
        .iter()
        .find(|r| {
            field(r, "scenario") == scenario
                && field(r, "metric") == metric
                && field(r, "engine") == engine
        })
        .and_then(|r| r.get("value"))
        .and_then(Json::as_f64)
}

/// A repeated measurement whose interquartile range exceeds 20 % of its median
/// (the spread of the calls within one drag is the subject, not noise).
fn is_noisy(r: &Json) -> bool {
    if field(r, "spread_of") == "samples"
        || field(r, "unit") == "x"
        || field(r, "engine") == "machine"
    {
        return false;
    }
    let num = |k: &str| r.get(k).and_then(Json::as_f64);
    match (num("value"), num("p25"), num("p75")) {
        (Some(v), Some(a), Some(b)) if v > 0.0 => (b - a) / v > 0.2,
        _ => false,
    }
}

const RATIOS: [(&str, &str, &str, &str); 7] = [
    ("full_eval", "wasm-chromium", "full_eval", "native"),
    ("full_eval", "wasm-node", "full_eval", "native"),
    ("full_eval", "turf", "full_eval", "wasm-chromium"),
    ("drag_step_p50", "wasm-chromium", "drag_step", "native"),
    ("load", "wasm-chromium", "engine_new", "wasm-chromium"),
    ("suggest", "wasm-chromium", "suggest", "native"),
    ("repair", "wasm-chromium", "repair", "native"),
];

fn ratios(records: &[Json], scenarios: &[Scenario]) -> Vec<Json> {
    let mut out = Vec::new();
    for s in scenarios {
        for (m1, e1, m2, e2) in RATIOS {
            if let (Some(a), Some(b)) = (
                value(records, s.name, m1, e1),
                value(records, s.name, m2, e2),
            ) {
                if b > 0.0 {
                    let metric = if m1 == m2 {
                        format!("{m1}_ratio")
                    } else {
                        format!("{m1}_over_{m2}")
                    };
                    out.push(record(
                        s.name,
                        &metric,
                        &format!("{e1}/{e2}"),
                        round3(a / b),
                        "x",
                    ));
                }
            }
        }
    }
    let first = scenarios.first().map(|s| s.name).unwrap_or("S");
    for s in scenarios.iter().skip(1) {
        for m in [
            "drag_step_p50",
            "drag_step_p95",
            "pointer_to_panel_p95",
            "full_eval",
        ] {
            if let (Some(a), Some(b)) = (
                value(records, first, m, "wasm-chromium"),
                value(records, s.name, m, "wasm-chromium"),
            ) {
                if a > 0.0 {
                    let mut r = record(
                        s.name,
                        &format!("{m}_scaling"),
                        "wasm-chromium",
                        round3(b / a),
                        "x",
                    );
                    r.set("note", Json::Str(format!("{} / {first}", s.name)));
                    out.push(r);
                }
            }
        }
    }
    out
}

fn ratio_lines(records: &[Json], scenarios: &[Scenario]) -> String {
    let mut s = String::from("\nkey ratios (medians)\n");
    let row = |metric: &str, engine: &str| -> String {
        scenarios
            .iter()
            .map(|sc| match value(records, sc.name, metric, engine) {
                Some(v) => format!("{} {}", sc.name, fmt_num(v)),
                None => format!("{} –", sc.name),
            })
            .collect::<Vec<_>>()
            .join("   ")
    };
    let _ = writeln!(
        s,
        "  full_eval wasm-chromium / native     {}",
        row("full_eval_ratio", "wasm-chromium/native")
    );
    let _ = writeln!(
        s,
        "  full_eval wasm-node / native         {}",
        row("full_eval_ratio", "wasm-node/native")
    );
    let _ = writeln!(
        s,
        "  full_eval turf / wasm-chromium       {}",
        row("full_eval_ratio", "turf/wasm-chromium")
    );
    let _ = writeln!(
        s,
        "  drag_step p50 wasm-chromium / native {}",
        row("drag_step_p50_over_drag_step", "wasm-chromium/native")
    );
    let first = scenarios.first().map(|s| s.name).unwrap_or("S");
    for m in ["drag_step_p50", "drag_step_p95", "pointer_to_panel_p95"] {
        let steps: Vec<String> = scenarios
            .iter()
            .map(|sc| match value(records, sc.name, m, "wasm-chromium") {
                Some(v) => format!("{} {} ms", sc.name, fmt_num(v)),
                None => format!("{} –", sc.name),
            })
            .collect();
        let last = scenarios.last().map(|s| s.name).unwrap_or(first);
        let x = value(records, last, &format!("{m}_scaling"), "wasm-chromium")
            .map(|v| format!("  (×{} {first}→{last})", fmt_num(v)))
            .unwrap_or_default();
        let _ = writeln!(s, "  {m:<22} wasm-chromium  {}{x}", steps.join(" → "));
    }
    s
}

const SCENARIO_ORDER: [&str; 6] = ["S", "M", "L", "XL", "all", ""];
const METRIC_ORDER: [&str; 18] = [
    "full_eval",
    "rebuild",
    "engine_new",
    "drag_step",
    "drag_step_p50",
    "drag_step_p95",
    "pointer_to_panel_p95",
    "load",
    "memory_peak_mb",
    "wasm_gzip_bytes",
    "suggest",
    "repair",
    "repair_app",
    "repair_long_task_max_ms",
    "repair_moved_households",
    "repair_moved_lower_bound",
    "load_average_1m",
    "",
];
const ENGINE_ORDER: [&str; 6] = ["native", "wasm-node", "wasm-chromium", "turf", "wasm", ""];

fn rank(list: &[&str], x: &str) -> usize {
    list.iter().position(|y| *y == x).unwrap_or(list.len())
}

fn table(records: &[Json]) -> String {
    let mut rows: Vec<&Json> = records.iter().filter(|r| field(r, "unit") != "x").collect();
    rows.sort_by_key(|r| {
        (
            rank(&SCENARIO_ORDER, field(r, "scenario")),
            rank(&METRIC_ORDER, field(r, "metric")),
            rank(&ENGINE_ORDER, field(r, "engine")),
        )
    });
    let head = [
        "scenario",
        "metric",
        "engine",
        "median",
        "unit",
        "p25–p75",
        "min–max",
        "n",
        "of",
        "",
    ];
    let mut cells: Vec<Vec<String>> = vec![head.iter().map(|s| s.to_string()).collect()];
    for r in rows {
        let num = |k: &str| r.get(k).and_then(Json::as_f64);
        let pair = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => format!("{}–{}", fmt_num(a), fmt_num(b)),
            _ => String::new(),
        };
        let mut flags = Vec::new();
        for (k, f) in [
            ("noisy", "noisy"),
            ("capped", "capped"),
            ("warning", "WARNING"),
        ] {
            if matches!(r.get(k), Some(Json::Bool(true)) | Some(Json::Str(_))) {
                flags.push(f);
            }
        }
        cells.push(vec![
            field(r, "scenario").into(),
            field(r, "metric").into(),
            field(r, "engine").into(),
            num("value").map(fmt_num).unwrap_or_default(),
            field(r, "unit").into(),
            pair(num("p25"), num("p75")),
            pair(num("min"), num("max")),
            num("n").map(|n| format!("{n}")).unwrap_or_default(),
            // What the spread is over: repeated runs, the calls of one drag, Criterion's samples.
            field(r, "spread_of").split(' ').next().unwrap_or("").into(),
            flags.join(" "),
        ]);
    }
    let widths: Vec<usize> = (0..head.len())
        .map(|i| {
            cells
                .iter()
                .map(|row| row[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut s = String::new();
    for (k, row) in cells.iter().enumerate() {
        let line: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = " ".repeat(widths[i] - c.chars().count());
                if matches!(i, 3 | 5 | 6 | 7) {
                    format!("{pad}{c}")
                } else {
                    format!("{c}{pad}")
                }
            })
            .collect();
        let _ = writeln!(s, "{}", line.join("  ").trim_end());
        if k == 0 {
            let _ = writeln!(
                s,
                "{}",
                widths
                    .iter()
                    .map(|w| "-".repeat(*w))
                    .collect::<Vec<_>>()
                    .join("  ")
            );
        }
    }
    s
}

/// Three significant digits, plainly (no exponent).
fn fmt_num(v: f64) -> String {
    let a = v.abs();
    if a >= 100.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

struct Summary {
    median: f64,
    p25: f64,
    p75: f64,
    min: f64,
    max: f64,
    n: usize,
}

impl Summary {
    /// Nearest-rank percentiles, as web/bench/engine-bench.mjs computes them.
    fn of(xs: &[f64]) -> Option<Summary> {
        let mut s: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
        if s.is_empty() {
            return None;
        }
        s.sort_by(f64::total_cmp);
        let at = |p: f64| s[((p * s.len() as f64) as usize).min(s.len() - 1)];
        Some(Summary {
            median: at(0.5),
            p25: at(0.25),
            p75: at(0.75),
            min: s[0],
            max: s[s.len() - 1],
            n: s.len(),
        })
    }

    fn spread(&self, r: &mut Json) {
        r.set("n", Json::Num(self.n as f64));
        for (k, v) in [
            ("p25", self.p25),
            ("p75", self.p75),
            ("min", self.min),
            ("max", self.max),
        ] {
            r.set(k, Json::Num(round3(v)));
        }
    }
}

fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

// ---- JSON ----------------------------------------------------------------------------

/// Just enough JSON for Criterion's files and the harness's records (xtask
/// keeps its dependencies to a minimum). Objects keep their key order.
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Sets `key`, in place if present, else at the end.
    fn set(&mut self, key: &str, v: Json) {
        if let Json::Obj(m) = self {
            match m.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1 = v,
                None => m.push((key.into(), v)),
            }
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Num(n) => Some(*n),
            _ => None,
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Arr(a) => Some(a),
            _ => None,
        }
    }

    fn parse(text: &str) -> Result<Json, String> {
        let mut p = Parser {
            s: text.as_bytes(),
            i: 0,
        };
        let v = p.value(0)?;
        p.ws();
        if p.i != p.s.len() {
            return Err(format!("trailing characters at byte {}", p.i));
        }
        Ok(v)
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Num(n) if !n.is_finite() => out.push_str("null"),
            Json::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => {
                let _ = write!(out, "{}", *n as i64);
            }
            Json::Num(n) => {
                let _ = write!(out, "{n}");
            }
            Json::Str(s) => {
                out.push('"');
                for c in s.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        '\n' => out.push_str("\\n"),
                        c if (c as u32) < 0x20 => {
                            let _ = write!(out, "\\u{:04x}", c as u32);
                        }
                        c => out.push(c),
                    }
                }
                out.push('"');
            }
            Json::Arr(a) => {
                out.push('[');
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    v.write(out);
                }
                out.push(']');
            }
            Json::Obj(m) => {
                out.push('{');
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    Json::Str(k.clone()).write(out);
                    out.push_str(": ");
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn err<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("{what} at byte {}", self.i))
    }

    fn eat(&mut self, lit: &str) -> bool {
        if self.s[self.i..].starts_with(lit.as_bytes()) {
            self.i += lit.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, String> {
        if depth > 64 {
            return self.err("nested too deeply");
        }
        self.ws();
        match self.s.get(self.i) {
            None => self.err("unexpected end"),
            Some(b'{') => {
                self.i += 1;
                let mut m = Vec::new();
                self.ws();
                if self.eat("}") {
                    return Ok(Json::Obj(m));
                }
                loop {
                    self.ws();
                    let k = match self.value(depth + 1)? {
                        Json::Str(k) => k,
                        _ => return self.err("expected a key"),
                    };
                    self.ws();
                    if !self.eat(":") {
                        return self.err("expected ':'");
                    }
                    m.push((k, self.value(depth + 1)?));
                    self.ws();
                    if self.eat("}") {
                        return Ok(Json::Obj(m));
                    }
                    if !self.eat(",") {
                        return self.err("expected ',' or '}'");
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut a = Vec::new();
                self.ws();
                if self.eat("]") {
                    return Ok(Json::Arr(a));
                }
                loop {
                    a.push(self.value(depth + 1)?);
                    self.ws();
                    if self.eat("]") {
                        return Ok(Json::Arr(a));
                    }
                    if !self.eat(",") {
                        return self.err("expected ',' or ']'");
                    }
                }
            }
            Some(b'"') => self.string().map(Json::Str),
            Some(_) if self.eat("true") => Ok(Json::Bool(true)),
            Some(_) if self.eat("false") => Ok(Json::Bool(false)),
            Some(_) if self.eat("null") => Ok(Json::Null),
            Some(_) => {
                let start = self.i;
                while self.i < self.s.len()
                    && matches!(
                        self.s[self.i],
                        b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
                    )
                {
                    self.i += 1;
                }
                let t = std::str::from_utf8(&self.s[start..self.i]).unwrap_or("");
                t.parse().map(Json::Num).or_else(|_| {
                    self.i = start;
                    self.err("expected a value")
                })
            }
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.i += 1; // the opening quote
        let mut out = String::new();
        loop {
            let start = self.i;
            while self.i < self.s.len() && self.s[self.i] != b'"' && self.s[self.i] != b'\\' {
                self.i += 1;
            }
            out.push_str(
                std::str::from_utf8(&self.s[start..self.i])
                    .map_err(|_| format!("invalid UTF-8 at byte {start}"))?,
            );
            match self.s.get(self.i) {
                None => return self.err("unterminated string"),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                _ => {}
            }
            self.i += 1; // the backslash
            let c = match self.s.get(self.i) {
                Some(b'"') => '"',
                Some(b'\\') => '\\',
                Some(b'/') => '/',
                Some(b'b') => '\u{8}',
                Some(b'f') => '\u{c}',
                Some(b'n') => '\n',
                Some(b'r') => '\r',
                Some(b't') => '\t',
                Some(b'u') => {
                    let hi = self.hex4()?;
                    let code = if (0xD800..0xDC00).contains(&hi)
                        && self.s[self.i + 1..].starts_with(b"\\u")
                    {
                        self.i += 2;
                        let lo = self.hex4()?;
                        0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF)
                    } else {
                        hi
                    };
                    char::from_u32(code).unwrap_or('\u{FFFD}')
                }
                _ => return self.err("invalid escape"),
            };
            self.i += 1;
            out.push(c);
        }
    }

    /// The 4 hex digits after `\u`; leaves `i` on the last one.
    fn hex4(&mut self) -> Result<u32, String> {
        let digits = self
            .s
            .get(self.i + 1..self.i + 5)
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| u32::from_str_radix(d, 16).ok());
        match digits {
            Some(v) => {
                self.i += 4;
                Ok(v)
            }
            None => self.err("invalid \\u escape"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trips_records() {
        let text = r#"[{"scenario": "S", "metric": "full_eval", "value": 12.5, "n": 5, "ok": true, "x": null, "note": "a \"b\" 社区 \u00e9\ud83d\ude00", "check": {"a": [1, -2.5e-3, 1e21]}}]"#;
        let v = Json::parse(text).unwrap();
        let r = &v.as_array().unwrap()[0];
        assert_eq!(
            r.get("note").and_then(Json::as_str),
            Some("a \"b\" 社区 é😀")
        );
        assert_eq!(
            r.get("check")
                .and_then(|c| c.get("a"))
                .and_then(Json::as_array)
                .map(|a| a[1].as_f64()),
            Some(Some(-0.0025))
        );
        let mut out = String::new();
        v.write(&mut out);
        assert_eq!(Json::parse(&out).unwrap(), v);
    }

    #[test]
    fn json_rejects_what_is_not_json() {
        for bad in [
            "",
            "{",
            "[1,]",
            "{\"a\" 1}",
            "\"abc",
            "tru",
            "[1] 2",
            "{\"a\": 01x}",
        ] {
            assert!(Json::parse(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn criterion_estimates_give_the_median() {
        let est = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":2.0},"point_estimate":36800194.0,"standard_error":878544.7},"median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":35750766.75,"upper_bound":36347675.675},"point_estimate":35935232.08333333,"standard_error":256184.2}}"#;
        let v = Json::parse(est).unwrap();
        let m = v
            .get("median")
            .and_then(|m| m.get("point_estimate"))
            .and_then(Json::as_f64)
            .unwrap();
        assert_eq!(round3(m / 1e6), 35.935);
    }

    #[test]
    fn repair_quality_gives_moved_bound_and_ratio() {
        let q = r#"{"moved_households": 6508, "moved_compounds": 53, "lower_bound": 4933, "excess": 4933, "deficit": 142, "lower_bound_max_of_sums": 4933, "unresolved": 0, "communities_before": 200, "communities_after": 202}"#;
        let r = repair_quality("M", q).unwrap();
        let v: Vec<(&str, f64)> = r
            .iter()
            .map(|r| {
                (
                    field(r, "metric"),
                    r.get("value").and_then(Json::as_f64).unwrap(),
                )
            })
            .collect();
        assert_eq!(
            v,
            [
                ("repair_moved_households", 6508.0),
                ("repair_moved_lower_bound", 4933.0),
                ("repair_moved_over_lower_bound", 1.319)
            ]
        );
        assert!(repair_quality("M", r#"{"moved_households": 1}"#).is_err());
    }

    #[test]
    fn summary_uses_nearest_rank_percentiles() {
        let s = Summary::of(&[5.0, 1.0, 4.0, 2.0, 3.0]).unwrap();
        assert_eq!(
            (s.median, s.p25, s.p75, s.min, s.max, s.n),
            (3.0, 2.0, 4.0, 1.0, 5.0, 5)
        );
        assert!(Summary::of(&[]).is_none());
    }

    #[test]
    fn noisy_means_a_wide_interquartile_range_of_repeated_runs() {
        let mut r = record("L", "full_eval", "turf", 100.0, "ms");
        r.set("p25", Json::Num(95.0));
        r.set("p75", Json::Num(130.0));
        assert!(is_noisy(&r));
        r.set("p75", Json::Num(110.0));
        assert!(!is_noisy(&r));
        r.set("p75", Json::Num(200.0));
        r.set("spread_of", Json::Str("samples".into()));
        assert!(!is_noisy(&r));
    }

    #[test]
    fn numbers_print_with_three_significant_digits() {
        assert_eq!(fmt_num(1234.4), "1234");
        assert_eq!(fmt_num(12.345), "12.3");
        assert_eq!(fmt_num(1.2345), "1.23");
        assert_eq!(fmt_num(0.12345), "0.123");
        assert_eq!(fmt_num(3.0), "3");
    }
}
