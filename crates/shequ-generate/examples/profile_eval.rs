//! Repeated full evaluations of a generated city, for profiling with `perf`:
//!
//! ```text
//! cargo build --release -p shequ-generate --example profile_eval
//! perf record -e cpu-clock -g target/release/examples/profile_eval 1000 5
//! ```
//!
//! Arguments: communities (default 1000), repetitions (default 5). Criterion's
//! `full_eval` is the benchmark of record.

use shequ_core::{evaluate, Profile};
use shequ_generate::{generate, GenerateOptions};
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let reps: u32 = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let plan = generate(&GenerateOptions {
        communities: n,
        seed: 7,
    });
    let profile = Profile::default();
    eprintln!("ready");
    for _ in 0..reps {
        let t0 = Instant::now();
        let r = evaluate(&plan, &profile);
        eprintln!(
            "{:.1} ms ({} findings)",
            t0.elapsed().as_secs_f64() * 1000.0,
            r.findings.len()
        );
    }
}
