//! Any bytes into the loader: it must return a plan or errors, never panic,
//! and a plan that loads must evaluate and round-trip through export.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shequ_core::load::{load_plan, LoadOptions};

fuzz_target!(|data: &[u8]| {
    let opts = LoadOptions { max_bytes: 1 << 20, max_vertices_per_feature: 5_000, ..LoadOptions::default() };
    if let Ok(loaded) = load_plan("fuzz.geojson", data, &opts) {
        let _ = shequ_core::evaluate(&loaded.plan, &shequ_core::Profile::default());
        let text = shequ_core::export::to_geojson_string(&loaded.plan);
        let again = load_plan("again.geojson", text.as_bytes(), &opts).expect("an exported plan loads");
        assert_eq!(again.plan, loaded.plan, "export then load changes nothing");
    }
});
