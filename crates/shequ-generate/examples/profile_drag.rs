//! A loop of drag steps on a generated city, for profiling with `perf`:
//!
//! ```text
//! cargo build --release -p shequ-generate --example profile_drag
//! perf record -e cpu-clock -g target/release/examples/profile_drag 5000 3000
//! ```
//!
//! Arguments: communities (default 5000), steps (default 500). Prints the mean
//! time per step; Criterion's `drag_step` is the benchmark of record.

use geo::Coord;
use shequ_core::session::Session;
use shequ_core::Profile;
use shequ_generate::{generate, GenerateOptions};
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(5000);
    let steps: u32 = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(500);
    let plan = generate(&GenerateOptions {
        communities: n,
        seed: 7,
    });
    let mut s = Session::new(plan, Profile::default());
    let t = s.topology();
    let ids: Vec<u32> = t.nodes_in(-180.0, -90.0, 180.0, 90.0).collect();
    let (mut sx, mut sy) = (0.0, 0.0);
    for &k in &ids {
        sx += t.coord(k).x;
        sy += t.coord(k).y;
    }
    let mid = Coord {
        x: sx / ids.len() as f64,
        y: sy / ids.len() as f64,
    };
    let node = ids
        .into_iter()
        .filter(|&k| t.degree(k) == 2)
        .min_by(|&a, &b| {
            let d = |k: u32| (t.coord(k).x - mid.x).powi(2) + (t.coord(k).y - mid.y).powi(2);
            d(a).total_cmp(&d(b))
        })
        .unwrap();
    let origin = s.topology().coord(node);
    eprintln!("ready");
    s.begin_drag(node).unwrap();
    let t0 = Instant::now();
    for k in 0..steps {
        let a = f64::from(k % 16) / 16.0 * std::f64::consts::TAU;
        s.drag_to(
            Coord {
                x: origin.x + 0.0002 * a.cos(),
                y: origin.y + 0.0002 * a.sin(),
            },
            0.0,
        )
        .unwrap();
    }
    eprintln!(
        "{:.3} ms/step",
        t0.elapsed().as_secs_f64() * 1000.0 / f64::from(steps)
    );
}
