//! Writing a plan back as the GeoJSON the loader reads.
//!
//! Known fields are written from the typed plan; the planner's own properties
//! (`extra`) follow unchanged. `load(export(plan)) == plan` (tested).

use geojson::{Feature, FeatureCollection, Geometry, JsonObject, JsonValue};
use serde_json::json;

use crate::model::*;

/// The plan as one FeatureCollection with `properties.layer` on every feature.
pub fn to_feature_collection(plan: &Plan) -> FeatureCollection {
    let features = Layer::ALL
        .iter()
        .flat_map(|&l| layer_features(plan, l))
        .collect();
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: (!plan.meta.is_empty()).then(|| plan.meta.clone()),
    }
}

/// The features of one layer, as the loader reads them.
pub fn layer_features(plan: &Plan, layer: Layer) -> Vec<Feature> {
    let mut features = Vec::new();
    match layer {
        Layer::Community => communities(plan, &mut features),
        Layer::Compound => compounds(plan, &mut features),
        Layer::Grid => grids(plan, &mut features),
        Layer::Barrier => barriers(plan, &mut features),
        Layer::ServiceCenter => centers(plan, &mut features),
        Layer::Street => streets(plan, &mut features),
    }
    features
}

fn communities(plan: &Plan, features: &mut Vec<Feature>) {
    for c in &plan.communities {
        let mut p = props(Layer::Community, &c.id, &c.extra);
        p.insert("name".into(), json!(c.name));
        p.insert("kind".into(), json!(c.kind.as_str()));
        opt(&mut p, "committee_size", c.committee_size.map(|v| json!(v)));
        opt(
            &mut p,
            "full_time_staff",
            c.full_time_staff.map(|v| json!(v)),
        );
        opt(
            &mut p,
            "committees",
            c.committees
                .as_ref()
                .map(|v| json!(v.iter().map(|x| x.as_str()).collect::<Vec<_>>())),
        );
        opt(
            &mut p,
            "service_center",
            c.service_center.as_ref().map(|v| json!(v)),
        );
        opt(
            &mut p,
            "explanations",
            (!c.explanations.is_empty()).then(|| json!(c.explanations)),
        );
        features.push(feature(Geometry::from(&c.geometry), p));
    }
}

fn compounds(plan: &Plan, features: &mut Vec<Feature>) {
    for c in &plan.compounds {
        let mut p = props(Layer::Compound, &c.id, &c.extra);
        p.insert("name".into(), json!(c.name));
        p.insert("households".into(), json!(c.households));
        p.insert("planned_households".into(), json!(c.planned_households));
        opt(
            &mut p,
            "property_management",
            c.property_management.map(|v| json!(v)),
        );
        let g = match &c.shape {
            CompoundShape::Area(mp) => Geometry::from(mp),
            CompoundShape::Point(pt) => Geometry::from(pt),
        };
        features.push(feature(g, p));
    }
}

fn grids(plan: &Plan, features: &mut Vec<Feature>) {
    for g in &plan.grids {
        let mut p = props(Layer::Grid, &g.id, &g.extra);
        opt(&mut p, "code", g.code.as_ref().map(|v| json!(v)));
        features.push(feature(Geometry::from(&g.geometry), p));
    }
}

fn barriers(plan: &Plan, features: &mut Vec<Feature>) {
    for b in &plan.barriers {
        let mut p = props(Layer::Barrier, &b.id, &b.extra);
        p.insert("kind".into(), json!(b.kind.as_str()));
        p.insert("name".into(), json!(b.name));
        features.push(feature(Geometry::from(&b.geometry), p));
    }
}

fn centers(plan: &Plan, features: &mut Vec<Feature>) {
    for s in &plan.centers {
        let mut p = props(Layer::ServiceCenter, &s.id, &s.extra);
        p.insert("name".into(), json!(s.name));
        opt(&mut p, "floor_area_m2", s.floor_area_m2.map(|v| json!(v)));
        opt(
            &mut p,
            "services",
            s.services
                .as_ref()
                .map(|v| json!(v.iter().map(|x| x.as_str()).collect::<Vec<_>>())),
        );
        features.push(feature(Geometry::from(&s.location), p));
    }
}

fn streets(plan: &Plan, features: &mut Vec<Feature>) {
    for s in &plan.streets {
        let mut p = props(Layer::Street, &s.id, &s.extra);
        p.insert("name".into(), json!(s.name));
        features.push(feature(Geometry::from(&s.geometry), p));
    }
}

/// The plan as GeoJSON text.
pub fn to_geojson_string(plan: &Plan) -> String {
    // Serialising plain data to a String cannot fail.
    serde_json::to_string(&to_feature_collection(plan)).unwrap_or_default()
}

fn props(layer: Layer, id: &str, extra: &JsonObject) -> JsonObject {
    let mut p = JsonObject::new();
    p.insert("layer".into(), json!(layer.as_str()));
    p.insert("id".into(), json!(id));
    for (k, v) in extra {
        p.insert(k.clone(), v.clone());
    }
    p
}

fn opt(p: &mut JsonObject, key: &str, v: Option<JsonValue>) {
    if let Some(v) = v {
        p.insert(key.into(), v);
    }
}

fn feature(g: Geometry, properties: JsonObject) -> Feature {
    Feature {
        bbox: None,
        geometry: Some(g),
        id: None,
        properties: Some(properties),
        foreign_members: None,
    }
}
