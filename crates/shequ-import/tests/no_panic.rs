//! Input is never trusted: arbitrary bytes, and Shapefile parts with bytes
//! changed, go through `inspect`, `to_plan` and the households join without a
//! panic (errors are fine). `PROPTEST_CASES` makes the run longer.

use std::io::Read;

use proptest::prelude::*;
use shequ_import::export::{plan_shapefile_zip, ShapefileOptions};
use shequ_import::{inspect, join, to_plan, Crs, ImportOptions, JoinOptions};

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The parts of a small GBK zip in EPSG:4528: (entry name, bytes).
fn parts() -> Vec<(String, Vec<u8>)> {
    let plan = shequ_core::testing::row_plan(&[("文昌社区", &[1200, 900]), ("汶河社区", &[700])]);
    let opts = ShapefileOptions {
        crs: Crs::from_epsg(4528).unwrap(),
        encoding: "GBK",
        chinese_names: true,
        ..Default::default()
    };
    let zipped = plan_shapefile_zip(&plan, &opts).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zipped)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut e = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            e.read_to_end(&mut data).unwrap();
            (String::from_utf8_lossy(e.name_raw()).into_owned(), data)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(256)))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048), ext in prop::sample::select(vec!["zip", "shp", "xlsx", "csv", "geojson", "bin"])) {
        let name = format!("input.{ext}");
        let _ = inspect(&name, &bytes);
        let _ = to_plan(&[(name.as_str(), &bytes)], &ImportOptions::default());
        let plan = shequ_core::testing::row_plan(&[("甲", &[1])]);
        let _ = join::join_households(&plan, &name, &bytes, &JoinOptions::default());
    }

    #[test]
    fn zip_magic_then_garbage_never_panics(tail in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend(tail);
        let _ = inspect("x.zip", &bytes);
        let _ = inspect("x.xlsx", &bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(64)))]

    #[test]
    fn shapefile_parts_with_bytes_changed_never_panic(
        which in 0usize..64,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..12),
        truncate in prop::option::of(any::<prop::sample::Index>()),
    ) {
        let mut parts = parts();
        let k = which % parts.len();
        let data = &mut parts[k].1;
        for (at, b) in &edits {
            let i = at.index(data.len());
            data[i] = *b;
        }
        if let Some(t) = truncate {
            let n = t.index(data.len() + 1);
            data.truncate(n);
        }
        let files: Vec<(&str, &[u8])> = parts.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
        let _ = to_plan(&files, &ImportOptions::default());
        let _ = shequ_import::read_sources(&files, &Default::default());
    }
}
