//! Native benchmarks (Criterion) of suggest and repair (shequ_core::adjust),
//! on the generated scenarios S (demo, 48 communities) and M (200):
//!
//! - `suggest/{S,M}`: the 3 best alternatives for the community with the most
//!   households (the plan already evaluated, as the page's engine has it);
//! - `repair/{S,M}`: a whole-plan proposal, default goal and options, seed 1
//!   (the plan already evaluated; targets: M ≤ 3 s natively).
//!
//! Each plan goes through the file format and the loader, with its shared
//! boundaries noded, as `shequ repair` and the page read it. Beside the
//! timings, the repair's quality is written to
//! `target/criterion/repair/<scenario>/quality.json`: households moved
//! against a lower bound ([`lower_bound`]); `cargo xtask bench` reads it.
//!
//! `cargo bench -p shequ-generate --bench adjust`, or `-- repair/M`.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use shequ_core::adjust::{self, Current, RepairOptions, Step, SuggestOptions};
use shequ_core::evaluation::Evaluation;
use shequ_core::load::{load_plan, LoadOptions};
use shequ_core::{Plan, Profile};
use shequ_generate::generate;

mod common;
use common::scenarios;

/// S and M (repair of L and XL is not a target), each with the default
/// profile and its evaluation: what `Current` borrows.
fn plans() -> Vec<(&'static str, Plan, Profile, Evaluation)> {
    scenarios()
        .into_iter()
        .filter(|(name, _)| matches!(*name, "S" | "M"))
        .map(|(name, opts)| {
            let text = shequ_core::export::to_geojson_string(&generate(&opts));
            let mut plan = load_plan(name, text.as_bytes(), &LoadOptions::default())
                .expect("a generated plan loads")
                .plan;
            shequ_core::topology::Topology::build(&mut plan.communities);
            let profile = Profile::default();
            let eval = Evaluation::new(&plan, &profile);
            (name, plan, profile, eval)
        })
        .collect()
}

/// The community with the most households (what the scale rules count).
fn largest(eval: &Evaluation) -> String {
    eval.community_reports()
        .iter()
        .max_by_key(|c| c.households_total)
        .map(|c| c.id.clone())
        .expect("the plan has communities")
}

fn suggest(c: &mut Criterion) {
    let mut g = c.benchmark_group("suggest");
    g.sample_size(10);
    for (name, plan, profile, eval) in plans() {
        let now = Current {
            plan: &plan,
            profile: &profile,
            eval: &eval,
        };
        let id = largest(&eval);
        let opts = SuggestOptions {
            alternatives: 3,
            ..Default::default()
        };
        let alts =
            adjust::suggest(&now, &id, &opts).expect("the largest community has a scale finding");
        eprintln!(
            "suggest/{name}: {id} ({} households): {} alternatives ({})",
            eval.community_reports()
                .iter()
                .find(|c| c.id == id)
                .map_or(0, |c| c.households_total),
            alts.len(),
            alts.iter().map(|a| a.kind).collect::<Vec<_>>().join(", ")
        );
        g.bench_with_input(BenchmarkId::from_parameter(name), &id, |b, id| {
            b.iter(|| adjust::suggest(&now, id, &opts).expect("suggest"))
        });
    }
    g.finish();
}

fn repair(c: &mut Criterion) {
    let mut g = c.benchmark_group("repair");
    g.sample_size(10);
    for (name, plan, profile, eval) in plans() {
        let now = Current {
            plan: &plan,
            profile: &profile,
            eval: &eval,
        };
        let opts = RepairOptions {
            seed: 1,
            ..Default::default()
        };
        let r = adjust::repair(&now, &opts, &mut |_| Step::Go).expect("not cancelled");
        let lb = lower_bound(&plan, &profile, &eval);
        let quality = format!(
            "{{\"moved_households\": {}, \"moved_compounds\": {}, \"lower_bound\": {}, \"excess\": {}, \"deficit\": {}, \"lower_bound_max_of_sums\": {}, \"unresolved\": {}, \"communities_before\": {}, \"communities_after\": {}}}\n",
            r.moved_households,
            r.moved_compounds,
            lb.bound(),
            lb.excess,
            lb.deficit,
            lb.excess.max(lb.deficit),
            r.unresolved.len(),
            r.communities_before,
            r.communities_after
        );
        eprint!("repair/{name}: {quality}");
        let dir = criterion_home().join("repair").join(name);
        std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::write(dir.join("quality.json"), &quality))
            .expect("can write quality.json");
        g.bench_with_input(BenchmarkId::from_parameter(name), &opts, |b, opts| {
            b.iter(|| adjust::repair(&now, opts, &mut |_| Step::Go).expect("not cancelled"))
        });
    }
    g.finish();
}

/// What any proposal clearing 二（一）'s conditions must move, counted per
/// community outside its bounds (`merge_below`..=`adjust_above` of its kind;
/// locked ones left out):
///
/// - `excess`: Σ (h − adjust_above) over those above: the community keeping
///   the id holds at most `adjust_above` of its households, so the rest move
///   (their origin is that community);
/// - `deficit`: Σ min(merge_below − h, h) over those below: it is either
///   dissolved (its h households move out) or keeps its id and takes in at
///   least `merge_below − h` (their destination is that community).
///
/// A moved household has one origin and one destination, so it is counted at
/// most once in `excess` and at most twice in `excess + deficit` (out of one
/// community dissolved below its bound into another kept below it): moved ≥
/// max(excess, ⌈(excess + deficit) / 2⌉). (`max(excess, deficit)` is not a
/// bound: two neighbours of 300 merge by moving 300, against a deficit of 400.)
struct LowerBound {
    excess: u64,
    deficit: u64,
}

impl LowerBound {
    fn bound(&self) -> u64 {
        self.excess.max((self.excess + self.deficit).div_ceil(2))
    }
}

fn lower_bound(plan: &Plan, profile: &Profile, eval: &Evaluation) -> LowerBound {
    let locked = plan.locked();
    let mut lb = LowerBound {
        excess: 0,
        deficit: 0,
    };
    for r in eval.community_reports() {
        let Some(c) = plan.community(&r.id) else {
            continue;
        };
        if locked.contains(&c.id) {
            continue;
        }
        let band = profile.band(c.kind);
        let h = r.households_total;
        if h > band.adjust_above {
            lb.excess += h - band.adjust_above;
        } else if h < band.merge_below {
            lb.deficit += (band.merge_below - h).min(h);
        }
    }
    lb
}

/// Where Criterion writes (as xtask/src/bench.rs finds it).
fn criterion_home() -> PathBuf {
    if let Some(h) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(h);
    }
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../target")))
        .join("criterion")
}

criterion_group!(benches, suggest, repair);
criterion_main!(benches);
