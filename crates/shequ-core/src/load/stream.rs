//! Reading the GeoJSON text one feature at a time.
//!
//! A plan never exists as one `serde_json::Value` tree: each feature is handed
//! to the loader as soon as it is read and dropped after, and coordinates go
//! straight into compact [`Coords`] with the vertex limit counted while reading
//! (past it nothing more is stored). A 50 MB plan so needs little more memory
//! than its text and its typed plan, and a million-vertex outline is refused
//! without being built. Nesting is bounded by `serde_json` (128 levels), so no
//! input can overflow the stack.
//!
//! Nothing here judges the data: odd values are kept as found, for
//! [`super::geometry`] and [`super::properties`] to explain.

use std::fmt;

use geojson::JsonObject;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// The top level of the file.
pub(crate) enum Root {
    /// A JSON object, whatever its `type`.
    Object {
        r#type: Option<Value>,
        crs: Option<Value>,
        features: Members,
        /// Foreign members, kept for export.
        meta: JsonObject,
    },
    /// Not an object: `(kind, features)` where `features` counts the
    /// elements of an array that look like GeoJSON Features.
    Other(&'static str, usize),
}

/// What the `features` member held.
pub(crate) enum Members {
    Absent,
    /// An array (each entry was handed to the sink).
    Array,
    /// Something else: its JSON kind.
    Other(&'static str),
}

/// One entry of `features`, as read.
pub(crate) enum RawFeature {
    /// Not a JSON object: its kind and, for text, the text.
    NotObject(&'static str, Option<String>),
    Object {
        r#type: Option<Value>,
        id: Option<Value>,
        properties: Option<Value>,
        /// `None` when the member is absent.
        geometry: Option<RawGeometry>,
    },
}

/// A feature's `geometry` member, as read.
pub(crate) enum RawGeometry {
    Null,
    /// Not a JSON object: its kind and, for text (WKT, say), the text.
    NotObject(&'static str, Option<String>),
    Object {
        r#type: Option<Value>,
        /// `None` when absent (or null).
        coordinates: Option<Coords>,
        /// Positions read, including any past the limit that were not kept.
        vertices: usize,
        /// Arrays of arrays read (rings, parts, empty arrays), likewise.
        lists: usize,
    },
}

/// Coordinates as nested arrays with positions at the leaves.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Coords {
    /// An array whose first element is not an array: a position, maybe a bad one.
    Pos(Pos),
    /// An array of arrays (possibly empty).
    List(Vec<Coords>),
    /// Not an array where one was expected: its JSON kind.
    Scalar(&'static str),
}

/// A position as read: the first two numbers, how many values there were, and
/// the first value that is not a number.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pos {
    pub x: f64,
    pub y: f64,
    /// How many values the array held (numbers or not).
    pub len: usize,
    /// `(index, what)` of the first value that is not a number.
    pub bad: Option<(usize, BadValue)>,
}

/// A value inside a position that is not a number.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum BadValue {
    Null,
    Text(String),
    Other(&'static str),
}

/// Reads the top level, handing each feature to `sink` as it is read.
pub(crate) struct RootSeed<'s> {
    pub sink: &'s mut dyn FnMut(usize, RawFeature),
    pub max_vertices: usize,
}

impl<'de> DeserializeSeed<'de> for RootSeed<'_> {
    type Value = Root;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Root, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RootSeed<'_> {
    type Value = Root;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON FeatureCollection")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Root, A::Error> {
        let (mut r#type, mut crs, mut features, mut meta) =
            (None, None, Members::Absent, JsonObject::new());
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => r#type = Some(map.next_value()?),
                "crs" => crs = Some(map.next_value()?),
                "bbox" => {
                    map.next_value::<IgnoredAny>()?;
                }
                "features" => {
                    features = map.next_value_seed(FeaturesSeed {
                        sink: &mut *self.sink,
                        max_vertices: self.max_vertices,
                    })?
                }
                _ => {
                    meta.insert(key, map.next_value()?);
                }
            }
        }
        Ok(Root::Object {
            r#type,
            crs,
            features,
            meta,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Root, A::Error> {
        // Read each element as a value so that absurd nesting is reported as such.
        let mut features = 0;
        while let Some(v) = seq.next_element::<Value>()? {
            features += usize::from(v.get("type").and_then(Value::as_str) == Some("Feature"));
        }
        Ok(Root::Other("array", features))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Root, E> {
        Ok(Root::Other("boolean", 0))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Root, E> {
        Ok(Root::Other("number", 0))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Root, E> {
        Ok(Root::Other("number", 0))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Root, E> {
        Ok(Root::Other("number", 0))
    }
    fn visit_str<E>(self, _: &str) -> Result<Root, E> {
        Ok(Root::Other("string", 0))
    }
    fn visit_unit<E>(self) -> Result<Root, E> {
        Ok(Root::Other("null", 0))
    }
}

struct FeaturesSeed<'s> {
    sink: &'s mut dyn FnMut(usize, RawFeature),
    max_vertices: usize,
}

impl<'de> DeserializeSeed<'de> for FeaturesSeed<'_> {
    type Value = Members;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Members, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FeaturesSeed<'_> {
    type Value = Members;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of features")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Members, A::Error> {
        let mut index = 0;
        while let Some(feature) = seq.next_element_seed(FeatureSeed {
            max_vertices: self.max_vertices,
        })? {
            (self.sink)(index, feature);
            index += 1;
        }
        Ok(Members::Array)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Members::Other("object"))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Members, E> {
        Ok(Members::Other("boolean"))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Members, E> {
        Ok(Members::Other("number"))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Members, E> {
        Ok(Members::Other("number"))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Members, E> {
        Ok(Members::Other("number"))
    }
    fn visit_str<E>(self, _: &str) -> Result<Members, E> {
        Ok(Members::Other("string"))
    }
    fn visit_unit<E>(self) -> Result<Members, E> {
        Ok(Members::Other("null"))
    }
}

struct FeatureSeed {
    max_vertices: usize,
}

impl<'de> DeserializeSeed<'de> for FeatureSeed {
    type Value = RawFeature;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<RawFeature, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FeatureSeed {
    type Value = RawFeature;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON Feature")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawFeature, A::Error> {
        let (mut r#type, mut id, mut properties, mut geometry) = (None, None, None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => r#type = Some(map.next_value()?),
                "id" => id = Some(map.next_value()?),
                "properties" => properties = Some(map.next_value()?),
                "geometry" => {
                    geometry = Some(map.next_value_seed(GeometrySeed {
                        max_vertices: self.max_vertices,
                    })?)
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(RawFeature::Object {
            r#type,
            id,
            properties,
            geometry,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawFeature, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(RawFeature::NotObject("array", None))
    }
    fn visit_bool<E>(self, _: bool) -> Result<RawFeature, E> {
        Ok(RawFeature::NotObject("boolean", None))
    }
    fn visit_i64<E>(self, _: i64) -> Result<RawFeature, E> {
        Ok(RawFeature::NotObject("number", None))
    }
    fn visit_u64<E>(self, _: u64) -> Result<RawFeature, E> {
        Ok(RawFeature::NotObject("number", None))
    }
    fn visit_f64<E>(self, _: f64) -> Result<RawFeature, E> {
        Ok(RawFeature::NotObject("number", None))
    }
    fn visit_str<E>(self, s: &str) -> Result<RawFeature, E> {
        Ok(RawFeature::NotObject("string", Some(s.to_string())))
    }
    fn visit_unit<E>(self) -> Result<RawFeature, E> {
        Ok(RawFeature::NotObject("null", None))
    }
}

struct GeometrySeed {
    max_vertices: usize,
}

impl<'de> DeserializeSeed<'de> for GeometrySeed {
    type Value = RawGeometry;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<RawGeometry, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for GeometrySeed {
    type Value = RawGeometry;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON geometry")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawGeometry, A::Error> {
        let (mut r#type, mut coordinates) = (None, None);
        let mut count = Counter {
            seen: 0,
            lists: 0,
            max: self.max_vertices,
        };
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => r#type = Some(map.next_value()?),
                "coordinates" => {
                    coordinates = match map.next_value_seed(CoordsSeed { count: &mut count })? {
                        Coords::Scalar("null") => None,
                        c => Some(c),
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(RawGeometry::Object {
            r#type,
            coordinates,
            vertices: count.seen,
            lists: count.lists,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawGeometry, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(RawGeometry::NotObject("array", None))
    }
    fn visit_bool<E>(self, _: bool) -> Result<RawGeometry, E> {
        Ok(RawGeometry::NotObject("boolean", None))
    }
    fn visit_i64<E>(self, _: i64) -> Result<RawGeometry, E> {
        Ok(RawGeometry::NotObject("number", None))
    }
    fn visit_u64<E>(self, _: u64) -> Result<RawGeometry, E> {
        Ok(RawGeometry::NotObject("number", None))
    }
    fn visit_f64<E>(self, _: f64) -> Result<RawGeometry, E> {
        Ok(RawGeometry::NotObject("number", None))
    }
    fn visit_str<E>(self, s: &str) -> Result<RawGeometry, E> {
        Ok(RawGeometry::NotObject(
            "string",
            Some(s.chars().take(60).collect()),
        ))
    }
    fn visit_unit<E>(self) -> Result<RawGeometry, E> {
        Ok(RawGeometry::Null)
    }
}

/// Positions (and other arrays) seen in one geometry; past `max` of either
/// they are counted, not kept.
struct Counter {
    seen: usize,
    lists: usize,
    max: usize,
}

struct CoordsSeed<'c> {
    count: &'c mut Counter,
}

impl<'de> DeserializeSeed<'de> for CoordsSeed<'_> {
    type Value = Coords;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Coords, D::Error> {
        d.deserialize_any(self)
    }
}

/// One element of a coordinate array: a number, another array, or something else.
enum Element {
    Num(f64),
    Array(Coords),
    Bad(BadValue),
}

struct ElementSeed<'c> {
    count: &'c mut Counter,
}

impl<'de> DeserializeSeed<'de> for ElementSeed<'_> {
    type Value = Element;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Element, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ElementSeed<'_> {
    type Value = Element;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number or an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Element, A::Error> {
        CoordsSeed { count: self.count }
            .visit_seq(seq)
            .map(Element::Array)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Element, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Element::Bad(BadValue::Other("object")))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Element, E> {
        Ok(Element::Bad(BadValue::Other("boolean")))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Element, E> {
        Ok(Element::Num(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Element, E> {
        Ok(Element::Num(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Element, E> {
        Ok(Element::Num(v))
    }
    fn visit_str<E>(self, s: &str) -> Result<Element, E> {
        Ok(Element::Bad(BadValue::Text(s.chars().take(30).collect())))
    }
    fn visit_unit<E>(self) -> Result<Element, E> {
        Ok(Element::Bad(BadValue::Null))
    }
}

impl<'de> Visitor<'de> for CoordsSeed<'_> {
    type Value = Coords;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("coordinates")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Coords, A::Error> {
        let count = self.count;
        let Some(first) = seq.next_element_seed(ElementSeed { count: &mut *count })? else {
            count.lists += 1;
            return Ok(Coords::List(Vec::new()));
        };
        match first {
            Element::Array(first) => {
                // A list: of positions, rings or polygons.
                count.lists += 1;
                let mut items = Vec::new();
                let keep = |items: &mut Vec<Coords>, c: Coords, count: &Counter| {
                    if count.seen <= count.max && count.lists <= count.max {
                        items.push(c);
                    }
                };
                keep(&mut items, first, count);
                while let Some(e) = seq.next_element_seed(ElementSeed { count: &mut *count })? {
                    let c = match e {
                        Element::Array(c) => c,
                        Element::Num(_) => Coords::Scalar("number"),
                        Element::Bad(BadValue::Null) => Coords::Scalar("null"),
                        Element::Bad(BadValue::Text(_)) => Coords::Scalar("string"),
                        Element::Bad(BadValue::Other(kind)) => Coords::Scalar(kind),
                    };
                    keep(&mut items, c, count);
                }
                Ok(Coords::List(items))
            }
            first => {
                // A position: [x, y, ...].
                count.seen += 1;
                let mut pos = Pos {
                    x: f64::NAN,
                    y: f64::NAN,
                    len: 0,
                    bad: None,
                };
                let put = |pos: &mut Pos, e: Element| {
                    match e {
                        Element::Num(v) if pos.len == 0 => pos.x = v,
                        Element::Num(v) if pos.len == 1 => pos.y = v,
                        Element::Num(_) => {}
                        Element::Bad(b) => {
                            pos.bad.get_or_insert((pos.len, b));
                        }
                        Element::Array(_) => {
                            pos.bad.get_or_insert((pos.len, BadValue::Other("array")));
                        }
                    }
                    pos.len += 1;
                };
                put(&mut pos, first);
                // Elements of a position are scalars; an array here is read and dropped.
                while let Some(e) = seq.next_element_seed(ElementSeed {
                    count: &mut Counter {
                        seen: 0,
                        lists: 0,
                        max: 0,
                    },
                })? {
                    put(&mut pos, e);
                }
                Ok(Coords::Pos(pos))
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Coords, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Coords::Scalar("object"))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Coords, E> {
        Ok(Coords::Scalar("boolean"))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Coords, E> {
        Ok(Coords::Scalar("number"))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Coords, E> {
        Ok(Coords::Scalar("number"))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Coords, E> {
        Ok(Coords::Scalar("number"))
    }
    fn visit_str<E>(self, _: &str) -> Result<Coords, E> {
        Ok(Coords::Scalar("string"))
    }
    fn visit_unit<E>(self) -> Result<Coords, E> {
        Ok(Coords::Scalar("null"))
    }
}
