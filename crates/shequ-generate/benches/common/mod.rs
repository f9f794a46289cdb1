//! What the bench targets share (`mod common;`): the generated scenarios.
//! A folder, so that Cargo does not take it for a bench target of its own.

use shequ_generate::{GenerateOptions, DEMO};

/// The benchmark scenarios: (name, options). `cargo xtask bench` writes the
/// same plans with `shequ generate` (xtask/src/bench.rs).
pub fn scenarios() -> Vec<(&'static str, GenerateOptions)> {
    vec![
        ("S", DEMO),
        (
            "M",
            GenerateOptions {
                communities: 200,
                seed: 7,
            },
        ),
        (
            "L",
            GenerateOptions {
                communities: 1000,
                seed: 7,
            },
        ),
        (
            "XL",
            GenerateOptions {
                communities: 5000,
                seed: 7,
            },
        ),
    ]
}
