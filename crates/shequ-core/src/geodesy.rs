//! Metres on the WGS 84 ellipsoid from longitude/latitude.
//!
//! A community spans a kilometre or two, so each measurement uses a local
//! equirectangular frame at the feature's own latitude, scaled by the
//! ellipsoid's radii of curvature there. Against geodesic area and length
//! (Karney, via `geo`) the error is far below 0.1 % at city scale; the tests
//! check it.
//!
//! ```
//! use geo::polygon;
//! use shequ_core::geodesy::Frame;
//!
//! // A 0.01° square at Yangzhou's latitude: about 940 m by 1,109 m.
//! let square = polygon![(x: 119.40, y: 32.39), (x: 119.41, y: 32.39), (x: 119.41, y: 32.40), (x: 119.40, y: 32.40)];
//! let frame = Frame::at_lat(32.395);
//! let area = frame.area_m2(&square.into());
//! assert!((area - 1_043_350.0).abs() / area < 0.001, "{area}");
//! ```

use geo::{Area, BoundingRect, Coord, Line, LineString, MultiPolygon};

const A: f64 = 6_378_137.0;
const F: f64 = 1.0 / 298.257_223_563;

/// Metres per degree of longitude (`kx`) and latitude (`ky`) at one latitude.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub kx: f64,
    pub ky: f64,
}

impl Frame {
    pub fn at_lat(lat_deg: f64) -> Frame {
        let e2 = F * (2.0 - F);
        let phi = lat_deg.to_radians();
        let w = (1.0 - e2 * phi.sin().powi(2)).sqrt();
        let m = A * (1.0 - e2) / (w * w * w); // meridional radius
        let n = A / w; // prime vertical radius
        let k = std::f64::consts::PI / 180.0;
        Frame {
            kx: n * phi.cos() * k,
            ky: m * k,
        }
    }

    /// A frame at the middle latitude of `mp`'s bounding box.
    pub fn for_multipolygon(mp: &MultiPolygon) -> Frame {
        match mp.bounding_rect() {
            Some(r) => Frame::at_lat((r.min().y + r.max().y) / 2.0),
            None => Frame::at_lat(0.0),
        }
    }

    /// Square metres per square degree.
    pub fn area_factor(&self) -> f64 {
        self.kx * self.ky
    }

    pub fn area_m2(&self, mp: &MultiPolygon) -> f64 {
        mp.unsigned_area() * self.area_factor()
    }

    pub fn length_m(&self, ls: &LineString) -> f64 {
        ls.lines().map(|l| self.line_m(l)).sum()
    }

    pub fn line_m(&self, l: Line) -> f64 {
        self.dist_m(l.start, l.end)
    }

    pub fn dist_m(&self, a: Coord, b: Coord) -> f64 {
        // Not `hypot`, which is several times slower (a software routine in
        // WebAssembly): at metre scale nothing overflows.
        let (x, y) = ((b.x - a.x) * self.kx, (b.y - a.y) * self.ky);
        (x * x + y * y).sqrt()
    }

    /// Distance in metres from `p` to the segment `l`.
    pub fn dist_to_line_m(&self, p: Coord, l: Line) -> f64 {
        let (ax, ay) = ((l.start.x - p.x) * self.kx, (l.start.y - p.y) * self.ky);
        let (bx, by) = ((l.end.x - p.x) * self.kx, (l.end.y - p.y) * self.ky);
        let (dx, dy) = (bx - ax, by - ay);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 {
            (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        // Not `hypot`: at metre scale nothing overflows, and this runs for every
        // boundary sample against every barrier near it.
        let (x, y) = (ax + t * dx, ay + t * dy);
        (x * x + y * y).sqrt()
    }

    /// Degrees of longitude and latitude spanning `m` metres.
    pub fn deg(&self, m: f64) -> (f64, f64) {
        (m / self.kx, m / self.ky)
    }

    pub fn perimeter_m(&self, mp: &MultiPolygon) -> f64 {
        mp.0.iter()
            .map(|p| {
                self.length_m(p.exterior())
                    + p.interiors().iter().map(|r| self.length_m(r)).sum::<f64>()
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, Geodesic, GeodesicArea, Length, Point};

    fn irregular() -> MultiPolygon {
        polygon![
            (x: 119.3901, y: 32.3802),
            (x: 119.4123, y: 32.3811),
            (x: 119.4170, y: 32.3955),
            (x: 119.4032, y: 32.4068),
            (x: 119.3950, y: 32.3990),
            (x: 119.3870, y: 32.3930),
        ]
        .into()
    }

    #[test]
    fn area_matches_geodesic_within_a_tenth_of_a_percent() {
        let mp = irregular();
        let ours = Frame::for_multipolygon(&mp).area_m2(&mp);
        let geodesic = mp.geodesic_area_unsigned();
        assert!(
            (ours - geodesic).abs() / geodesic < 0.001,
            "ours {ours} geodesic {geodesic}"
        );
    }

    #[test]
    fn perimeter_matches_geodesic_within_a_tenth_of_a_percent() {
        let mp = irregular();
        let ours = Frame::for_multipolygon(&mp).perimeter_m(&mp);
        let geodesic = Geodesic.length(mp.0[0].exterior());
        assert!(
            (ours - geodesic).abs() / geodesic < 0.001,
            "ours {ours} geodesic {geodesic}"
        );
    }

    #[test]
    fn distance_matches_geodesic_at_high_latitude() {
        let (a, b) = (Point::new(126.60, 45.75), Point::new(126.65, 45.78)); // Harbin
        let frame = Frame::at_lat(45.765);
        let ours = frame.dist_m(a.0, b.0);
        let geodesic = geo::Distance::distance(&Geodesic, a, b);
        assert!(
            (ours - geodesic).abs() / geodesic < 0.001,
            "ours {ours} geodesic {geodesic}"
        );
    }

    #[test]
    fn distance_to_segment_projects_onto_the_segment() {
        let f = Frame::at_lat(0.0);
        let l = Line::new(Coord { x: 0.0, y: 0.0 }, Coord { x: 0.01, y: 0.0 });
        let d = f.dist_to_line_m(Coord { x: 0.005, y: 0.001 }, l);
        assert!((d - f.ky * 0.001).abs() < 1e-6);
        let beyond = f.dist_to_line_m(Coord { x: 0.02, y: 0.0 }, l);
        assert!((beyond - f.kx * 0.01).abs() < 1e-6);
    }
}
