//! GCJ-02 (国测局坐标, used by 高德/腾讯 maps) and BD-09 (百度) ⇄ WGS 84.
//!
//! GCJ-02 is WGS 84 plus a published, deliberately non-linear offset of a
//! few hundred metres inside China; BD-09 is a further rotation and shift of
//! GCJ-02. The forward formulas are the well-known ones (the `transform_lat`
//! and `transform_lon` series on the Krasovsky ellipsoid, as in
//! googollee/eviltransform and wandergis/coordtransform). They have no closed
//! inverse: [`gcj02_to_wgs84`] inverts by fixed-point iteration, at most 30
//! steps, to 1e-9° (0.1 mm), where the one-step inverse common online is off
//! by a metre or two.
//!
//! The crates.io crates were evaluated: `gcj02` 0.1.0 has the same formulas
//! but an unbounded inverse loop and depends on geo 0.24 (a second `geo` in
//! the build); `coord_transforms` has no GCJ-02 at all. So the formulas live
//! here, tested against published conversions.
//!
//! ```
//! use shequ_import::mars::{wgs84_to_gcj02, gcj02_to_wgs84};
//! let (x, y) = wgs84_to_gcj02(119.4127, 32.3942); // Yangzhou, 文昌阁
//! let (lon, lat) = gcj02_to_wgs84(x, y);
//! assert!((lon - 119.4127).abs() < 1e-8 && (lat - 32.3942).abs() < 1e-8);
//! ```

use std::f64::consts::PI;

/// Krasovsky 1940 ellipsoid, which the GCJ-02 formulas use.
const A: f64 = 6_378_245.0;
const EE: f64 = 0.006_693_421_622_965_943;
const X_PI: f64 = PI * 3000.0 / 180.0;

/// The rough box outside which GCJ-02 adds no offset (the published rule).
pub fn out_of_china(lon: f64, lat: f64) -> bool {
    !(72.004..=137.8347).contains(&lon) || !(0.8293..=55.8271).contains(&lat)
}

fn transform_lat(x: f64, y: f64) -> f64 {
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    r
}

fn transform_lon(x: f64, y: f64) -> f64 {
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    r
}

/// WGS 84 → GCJ-02 (degrees; longitude first). Outside China: unchanged.
pub fn wgs84_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    if !lon.is_finite() || !lat.is_finite() || out_of_china(lon, lat) {
        return (lon, lat);
    }
    let dlat = transform_lat(lon - 105.0, lat - 35.0);
    let dlon = transform_lon(lon - 105.0, lat - 35.0);
    let rad = lat / 180.0 * PI;
    let magic = 1.0 - EE * rad.sin() * rad.sin();
    let sqrt_magic = magic.sqrt();
    let dlat = (dlat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrt_magic) * PI);
    let dlon = (dlon * 180.0) / (A / sqrt_magic * rad.cos() * PI);
    (lon + dlon, lat + dlat)
}

/// GCJ-02 → WGS 84 by iteration (at most 30 steps, to 1e-9°).
pub fn gcj02_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    if !lon.is_finite() || !lat.is_finite() || out_of_china(lon, lat) {
        return (lon, lat);
    }
    let (mut x, mut y) = (lon, lat);
    for _ in 0..30 {
        let (gx, gy) = wgs84_to_gcj02(x, y);
        let (dx, dy) = (gx - lon, gy - lat);
        x -= dx;
        y -= dy;
        if dx.abs() < 1e-9 && dy.abs() < 1e-9 {
            break;
        }
    }
    (x, y)
}

/// GCJ-02 → BD-09.
pub fn gcj02_to_bd09(lon: f64, lat: f64) -> (f64, f64) {
    let z = (lon * lon + lat * lat).sqrt() + 0.00002 * (lat * X_PI).sin();
    let theta = lat.atan2(lon) + 0.000003 * (lon * X_PI).cos();
    (z * theta.cos() + 0.0065, z * theta.sin() + 0.006)
}

/// BD-09 → GCJ-02: Baidu's published approximate inverse (off by up to
/// 0.1 m), refined by fixed-point iteration on [`gcj02_to_bd09`] to 1e-9°.
pub fn bd09_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    if !lon.is_finite() || !lat.is_finite() {
        return (lon, lat);
    }
    let (x, y) = (lon - 0.0065, lat - 0.006);
    let z = (x * x + y * y).sqrt() - 0.00002 * (y * X_PI).sin();
    let theta = y.atan2(x) - 0.000003 * (x * X_PI).cos();
    let (mut gx, mut gy) = (z * theta.cos(), z * theta.sin());
    for _ in 0..10 {
        let (bx, by) = gcj02_to_bd09(gx, gy);
        let (dx, dy) = (bx - lon, by - lat);
        gx -= dx;
        gy -= dy;
        if dx.abs() < 1e-9 && dy.abs() < 1e-9 {
            break;
        }
    }
    (gx, gy)
}

/// BD-09 → WGS 84.
pub fn bd09_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    let (x, y) = bd09_to_gcj02(lon, lat);
    gcj02_to_wgs84(x, y)
}

/// WGS 84 → BD-09.
pub fn wgs84_to_bd09(lon: f64, lat: f64) -> (f64, f64) {
    let (x, y) = wgs84_to_gcj02(lon, lat);
    gcj02_to_bd09(x, y)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Metres between two lon/lat points (local approximation, enough at metre scale).
    fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
        let k = 111_320.0;
        ((a.0 - b.0) * k * (a.1.to_radians().cos())).hypot((a.1 - b.1) * k)
    }

    #[test]
    fn wgs_to_gcj_matches_published_points() {
        // Source: googollee/eviltransform, its test table (wgsLat, wgsLng,
        // gcjLat, gcjLng) in the Python/PHP test files: Shanghai, Shenzhen,
        // Beijing.
        let cases = [
            (
                (121.5272106, 31.1774276),
                (121.531541859215, 31.17530398364597),
            ),
            (
                (113.912316, 22.543847),
                (113.9171764808363, 22.540796131694766),
            ),
            (
                (116.377817, 39.911954),
                (116.38404722455657, 39.91334545536069),
            ),
            // Source: wandergis/coordtransform test/app.js, Tiananmen
            // (116.404, 39.915): wgs84togcj02 → [116.41024449916938, 39.91640428150164].
            ((116.404, 39.915), (116.41024449916938, 39.91640428150164)),
        ];
        for (wgs, gcj) in cases {
            let got = wgs84_to_gcj02(wgs.0, wgs.1);
            assert!(metres(got, gcj) < 0.01, "{wgs:?}: {got:?} vs {gcj:?}");
            let back = gcj02_to_wgs84(gcj.0, gcj.1);
            assert!(metres(back, wgs) < 0.01, "{gcj:?}: {back:?} vs {wgs:?}");
        }
    }

    #[test]
    fn bd09_matches_published_points() {
        // Source: wandergis/coordtransform test/app.js: gcj02tobd09(116.404, 39.915)
        // → [116.41036949371029, 39.92133699351021]; bd09togcj02(116.404, 39.915)
        // → [116.39762729119315, 39.90865673957631] (its one-step inverse, which
        // ours refines: the two agree to 0.2 m).
        let got = gcj02_to_bd09(116.404, 39.915);
        assert!(
            metres(got, (116.41036949371029, 39.92133699351021)) < 0.01,
            "{got:?}"
        );
        let got = bd09_to_gcj02(116.404, 39.915);
        assert!(
            metres(got, (116.39762729119315, 39.90865673957631)) < 0.2,
            "{got:?}"
        );
        let back = gcj02_to_bd09(got.0, got.1);
        assert!(metres(back, (116.404, 39.915)) < 0.001, "{back:?}");
        // Not used: googollee/eviltransform's BD table, whose BD-09 formula
        // differs from Baidu's published one (and wandergis') by about 10 m.
    }

    #[test]
    fn yangzhou_offset_is_a_few_hundred_metres_and_inverts() {
        // Yangzhou city centre (文昌阁, about 119.4127 E, 32.3942 N): the GCJ-02
        // offset there is some 500 m (north-east), as on any 高德 map of the city.
        let wgs = (119.4127, 32.3942);
        let gcj = wgs84_to_gcj02(wgs.0, wgs.1);
        let d = metres(gcj, wgs);
        assert!((300.0..800.0).contains(&d), "{d}");
        assert!(metres(gcj02_to_wgs84(gcj.0, gcj.1), wgs) < 0.001);
        let bd = wgs84_to_bd09(wgs.0, wgs.1);
        assert!(metres(bd09_to_wgs84(bd.0, bd.1), wgs) < 0.001);
    }

    #[test]
    fn outside_china_and_nan_are_unchanged() {
        assert_eq!(wgs84_to_gcj02(2.35, 48.85), (2.35, 48.85));
        let (x, y) = gcj02_to_wgs84(f64::NAN, 1.0);
        assert!(x.is_nan() && y == 1.0);
    }
}
