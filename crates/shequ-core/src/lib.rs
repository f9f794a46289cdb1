//! # shequ-core
//!
//! The rule engine of Shequ (社区): it checks a plan of urban community
//! residents' committee boundaries against a municipal plan's rules — household
//! scale, boundary shape, grid cells, staffing, service centres — and explains
//! every finding in Chinese and English with the numbers behind it.
//!
//! Pure Rust on `geo` and `geojson`: no I/O, no JavaScript; it builds for
//! `wasm32-unknown-unknown`. Text goes in, typed results come out.
//!
//! ```
//! use shequ_core::{evaluate, load::{load_plan, LoadOptions}, Profile};
//!
//! let text = shequ_core::export::to_geojson_string(&shequ_core::testing::row_plan(&[("文昌社区", &[2600, 2630])]));
//! let plan = load_plan("plan.geojson", text.as_bytes(), &LoadOptions::default()).unwrap().plan;
//! let report = evaluate(&plan, &Profile::default());
//! assert_eq!(report.communities[0].households_total, 5230);
//! assert_eq!(report.findings[0].code, "scale.too_large"); // 大于3000户: in principle split
//! assert_eq!(report.findings[1].code, "scale.split_required"); // 5000户以上: may be split
//! ```
//!
//! Module map: [`load`] reads and validates input; [`model`] is the typed plan;
//! [`profile`] holds the thresholds; [`analysis`] computes geometric facts;
//! [`rules`] turns facts into findings; [`eval`] assembles the [`Report`];
//! [`compare`](mod@compare) diffs two plans; [`export`] writes GeoJSON back.

pub mod adjust;
pub mod analysis;
pub mod compare;
pub mod eval;
pub mod evaluation;
pub mod export;
pub mod fmt;
pub mod geodesy;
pub mod load;
pub mod model;
mod order;
pub mod profile;
pub mod report;
pub mod rules;
pub mod session;
pub mod sizhi;
pub mod spatial;
#[doc(hidden)]
pub mod testing;
pub mod topology;

pub use compare::Comparison;
pub use eval::{compare, evaluate, evaluate_against};
pub use model::Plan;
pub use profile::Profile;
pub use report::{Finding, Report, Severity};
