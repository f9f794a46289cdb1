//! Native benchmarks (Criterion): a full evaluation and one drag step, on the
//! generated scenarios S (demo), M (200), L (1,000) and XL (5,000 communities).
//!
//! `cargo bench -p shequ-generate --bench evaluate` (all), or with a filter such as
//! `-- full_eval/L`. `cargo xtask bench` runs these and the WASM harness and
//! writes bench/results.json.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use geo::Coord;
use shequ_core::session::Session;
use shequ_core::{evaluate, Profile};
use shequ_generate::generate;

mod common;
use common::scenarios;

fn full_eval(c: &mut Criterion) {
    let mut g = c.benchmark_group("full_eval");
    g.sample_size(10);
    for (name, opts) in scenarios() {
        let plan = generate(&opts);
        let profile = Profile::default();
        g.bench_with_input(BenchmarkId::from_parameter(name), &plan, |b, plan| {
            b.iter(|| evaluate(plan, &profile))
        });
    }
    g.finish();
}

fn drag_step(c: &mut Criterion) {
    let mut g = c.benchmark_group("drag_step");
    for (name, opts) in scenarios() {
        let mut s = Session::new(generate(&opts), Profile::default());
        let n = shared_node_near_middle(&s);
        let origin = s.topology().coord(n);
        s.begin_drag(n).expect("node exists");
        let mut k = 0u32;
        g.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| {
                // A pointer wandering a few metres around the vertex, as a hand does.
                k = k.wrapping_add(1);
                let t = f64::from(k % 16) / 16.0 * std::f64::consts::TAU;
                s.drag_to(
                    Coord {
                        x: origin.x + 0.0002 * t.cos(),
                        y: origin.y + 0.0002 * t.sin(),
                    },
                    0.0,
                )
                .expect("drag")
            })
        });
        s.cancel_drag().expect("cancel");
    }
    g.finish();
}

/// A vertex shared by two communities, nearest the middle of the district.
pub fn shared_node_near_middle(s: &Session) -> u32 {
    let t = s.topology();
    let ids: Vec<u32> = t.nodes_in(-180.0, -90.0, 180.0, 90.0).collect();
    let (mut sx, mut sy) = (0.0, 0.0);
    for &n in &ids {
        sx += t.coord(n).x;
        sy += t.coord(n).y;
    }
    let mid = Coord {
        x: sx / ids.len() as f64,
        y: sy / ids.len() as f64,
    };
    ids.into_iter()
        .filter(|&n| t.degree(n) == 2)
        .min_by(|&a, &b| {
            let d = |n: u32| (t.coord(n).x - mid.x).powi(2) + (t.coord(n).y - mid.y).powi(2);
            d(a).total_cmp(&d(b))
        })
        .expect("the plan has shared vertices")
}

criterion_group!(benches, full_eval, drag_step);
criterion_main!(benches);
