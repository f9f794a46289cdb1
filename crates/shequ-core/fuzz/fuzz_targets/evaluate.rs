//! A valid small plan with its vertices and numbers moved by the fuzzer: the
//! evaluator must not panic on any geometry the loader accepts.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use shequ_core::load::{load_plan, LoadOptions};
use shequ_core::testing::grid_plan;

#[derive(Debug, Arbitrary)]
struct Input {
    /// (which vertex, dx, dy) in 1e-5 degree steps (about a metre).
    moves: Vec<(u16, i16, i16)>,
    households: Vec<u16>,
}

fuzz_target!(|input: Input| {
    let mut plan = grid_plan(&[&[("甲社区", &[1200, 1300]), ("乙社区", &[900])], &[("丙社区", &[2000]), ("丁社区", &[300, 200])]]);
    let n = plan.communities.len();
    for (k, &(pick, dx, dy)) in input.moves.iter().take(64).enumerate() {
        let c = &mut plan.communities[k % n];
        c.geometry.0[0].exterior_mut(|r| {
            let len = r.0.len() - 1;
            let i = pick as usize % len;
            r.0[i].x += f64::from(dx) * 1e-5;
            r.0[i].y += f64::from(dy) * 1e-5;
            if i == 0 {
                r.0[len] = r.0[0];
            }
        });
    }
    for (c, &h) in plan.compounds.iter_mut().zip(&input.households) {
        c.households = u32::from(h);
    }
    // Through the loader, as a user's file would come: invalid geometry is refused there.
    let text = shequ_core::export::to_geojson_string(&plan);
    if let Ok(loaded) = load_plan("fuzz.geojson", text.as_bytes(), &LoadOptions::default()) {
        let report = shequ_core::evaluate(&loaded.plan, &shequ_core::Profile::default());
        let assigned: u64 = report.communities.iter().map(|c| c.households_total).sum();
        assert_eq!(assigned + report.totals.unassigned_households, report.totals.households_total, "households are conserved");
    }
});
