//! WebAssembly binding of the Shequ engine: one exported class, [`Engine`].
//!
//! No rule logic lives here. This crate converts: JavaScript strings and
//! typed arrays in, [`shequ_core`] calls, plain objects and packed typed
//! arrays out. Geometry crosses packed (`Float64Array` plus offsets) because
//! a per-vertex object costs more than the evaluation itself. The shapes of
//! everything returned are declared in `types.d.ts`.

use geo::{Coord, Point};
use js_sys::{Array, Error, Float64Array, Object, Reflect, Uint32Array, Uint8Array};
use serde::Serialize;
use serde_json::Value;
use shequ_core::load::{load_layers, LoadErrors, LoadOptions};
use shequ_core::model::{BarrierKind, CommunityKind, Layer, Plan};
use shequ_core::profile::Profile;
use shequ_core::session::{
    CenterPatch, CommunityPatch, Delta, EditError, HouseholdsChange, Session,
};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("types.d.ts");

#[wasm_bindgen(start)]
pub fn start() {
    #[cfg(feature = "console_error_panic_hook")]
    console_error_panic_hook::set_once();
}

/// A plan being checked and edited.
#[wasm_bindgen]
pub struct Engine {
    session: Session,
    notes: Vec<shequ_core::load::LoadNote>,
    /// The last suggestions, as the communities each would leave.
    #[cfg(feature = "adjust")]
    suggestions: Vec<(String, String, Vec<shequ_core::model::Community>)>,
    /// The last repair, to accept in part.
    #[cfg(feature = "adjust")]
    repair: Option<shequ_core::adjust::Repair>,
}

#[wasm_bindgen]
impl Engine {
    /// Loads a plan: GeoJSON text, or the bytes of a GeoJSON file (UTF-8, as
    /// read: no conversion to and from a JavaScript string). `profile`: '' for
    /// the default, a built-in name, or the text of a TOML/JSON profile.
    /// Throws `LoadError`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] plan: JsValue,
        file_name: &str,
        profile: &str,
    ) -> Result<Engine, JsValue> {
        let bytes = plan_bytes(&plan, "new Engine")?;
        Self::from_files(&[(None, file_name, &bytes)], profile)
    }

    /// Loads a plan from several files: `[{layer, name, text}]`, `layer` null
    /// when the features say their own layer, `text` GeoJSON text or bytes.
    #[wasm_bindgen(js_name = fromLayers)]
    pub fn from_layers(files: JsValue, profile: &str) -> Result<Engine, JsValue> {
        struct File {
            layer: Option<String>,
            name: String,
            text: Vec<u8>,
        }
        let expects = |why: String| {
            Error::new(&format!(
                "fromLayers expects [{{layer, name, text}}]: {why}"
            ))
        };
        if !Array::is_array(&files) {
            return Err(expects("not an array".into()).into());
        }
        let mut list = Vec::new();
        for (i, f) in Array::from(&files).iter().enumerate() {
            // Reflect.get throws for a primitive, which answers "not an object".
            let get = |key: &str| Reflect::get(&f, &key.into()).ok();
            let string = |key: &str| {
                get(key)
                    .and_then(|v| v.as_string())
                    .ok_or_else(|| expects(format!("item {i}: `{key}` must be a string")))
            };
            let layer = match get("layer") {
                Some(v) if v.is_null() || v.is_undefined() => None,
                Some(v) => Some(v.as_string().ok_or_else(|| {
                    expects(format!("item {i}: `layer` must be a string or null"))
                })?),
                None => return Err(expects(format!("item {i} is not an object")).into()),
            };
            list.push(File {
                layer,
                name: string("name")?,
                text: plan_bytes(&get("text").unwrap_or_default(), "fromLayers").map_err(|_| {
                    expects(format!("item {i}: `text` must be a string or a Uint8Array"))
                })?,
            });
        }
        let mut parsed = Vec::with_capacity(list.len());
        for f in &list {
            let layer = match &f.layer {
                None => None,
                Some(l) => Some(
                    Layer::parse(l)
                        .ok_or_else(|| Error::new(&format!("{}: unknown layer {l:?}", f.name)))?,
                ),
            };
            parsed.push((layer, f.name.as_str(), &f.text[..]));
        }
        Self::from_files(&parsed, profile)
    }

    fn from_files(
        files: &[(Option<Layer>, &str, &[u8])],
        profile: &str,
    ) -> Result<Engine, JsValue> {
        let profile = profile_named(profile, "profile")?;
        let loaded = load_layers(files, &LoadOptions::default()).map_err(load_error)?;
        Ok(Engine {
            session: Session::new(loaded.plan, profile),
            notes: loaded.notes,
            #[cfg(feature = "adjust")]
            suggestions: Vec::new(),
            #[cfg(feature = "adjust")]
            repair: None,
        })
    }

    /// The built-in profiles: `[{name, title_zh, title_en}]`.
    pub fn profiles() -> JsValue {
        let list: Vec<Value> = Profile::builtin_names()
            .filter_map(|n| Profile::builtin(n).ok())
            .map(|p| serde_json::json!({"name": p.name, "title_zh": p.title_zh, "title_en": p.title_en}))
            .collect();
        to_js(&list)
    }

    /// Repairs made while loading.
    pub fn notes(&self) -> JsValue {
        to_js(&self.notes)
    }

    /// Replaces the communities with those of a plan file (a repair's
    /// proposal, say) as one undoable edit; the file is checked by the loader.
    #[wasm_bindgen(js_name = replaceCommunities)]
    pub fn replace_communities(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] plan: JsValue,
        label_zh: &str,
        label_en: &str,
    ) -> Result<JsValue, JsValue> {
        let bytes = plan_bytes(&plan, "replaceCommunities")?;
        let loaded =
            shequ_core::load::load_plan("proposal.geojson", &bytes, &LoadOptions::default())
                .map_err(load_error)?;
        let d = self
            .session
            .replace_communities(loaded.plan.communities, label_zh, label_en)
            .map_err(edit_error)?;
        Ok(self.delta(d))
    }

    /// The name of the rule profile in use.
    pub fn profile(&self) -> String {
        self.session.profile().name.clone()
    }

    /// Every rule of the profile in use, as `shequ rules` lists them: code,
    /// strength, severity, citation, the sentence quoted, and each threshold
    /// with its value and origin (JSON text).
    pub fn rules(&self) -> String {
        serde_json::to_string(&self.session.profile().rule_sheet()).unwrap_or_default()
    }

    /// Checks the plan against another rule profile (a built-in name or JSON
    /// text, from the file `file_name` for messages; empty: the default). The
    /// plan, the undo history and the comparison stay; the Delta carries every
    /// report that changed. A profile that does not read throws a
    /// `ProfileError` naming the file and the setting, and nothing changes.
    #[wasm_bindgen(js_name = setProfile)]
    pub fn set_profile(
        &mut self,
        profile: &str,
        file_name: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let profile = profile_named(profile, file_name.as_deref().unwrap_or("profile"))?;
        let d = self.session.set_profile(profile);
        Ok(self.delta(d))
    }

    /// The full report.
    pub fn report(&self) -> JsValue {
        to_js(&self.session.report())
    }

    /// Geometry of every community, packed.
    pub fn geometry(&self) -> JsValue {
        let plan = self.session.plan();
        pack(plan, plan.communities.iter().map(|c| c.id.as_str()))
    }

    /// Roads, lanes and rivers for drawing, packed: `{kinds, kind, coords,
    /// lines}` — one entry of `kind` per line (an index into `kinds`), lon,lat
    /// pairs in `coords`, and in `lines` the pair where each line starts plus
    /// the total. A city's 50,000 segments as JSON objects took longer to hand
    /// over than to draw.
    #[wasm_bindgen(js_name = barrierLines)]
    pub fn barrier_lines(&self) -> JsValue {
        let (mut kind, mut coords, mut lines) = (Vec::new(), Vec::new(), Vec::new());
        for b in &self.session.plan().barriers {
            let k = b.kind as u8; // its index in BarrierKind::ALL: declaration order
            for line in &b.geometry.0 {
                kind.push(k);
                lines.push((coords.len() / 2) as u32);
                coords.extend(line.0.iter().flat_map(|c| [c.x, c.y]));
            }
        }
        lines.push((coords.len() / 2) as u32);
        let kinds: Array = BarrierKind::ALL
            .iter()
            .map(|k| JsValue::from_str(k.as_str()))
            .collect();
        let o = Object::new();
        set(&o, "kinds", &kinds.into());
        set(&o, "kind", &Uint8Array::from(&kind[..]).into());
        set(&o, "coords", &Float64Array::from(&coords[..]).into());
        set(&o, "lines", &Uint32Array::from(&lines[..]).into());
        o.into()
    }

    /// One data layer as a GeoJSON FeatureCollection object.
    pub fn layer(&self, name: &str) -> Result<JsValue, JsValue> {
        let layer =
            Layer::parse(name).ok_or_else(|| Error::new(&format!("unknown layer {name:?}")))?;
        let fc = geojson::FeatureCollection {
            bbox: None,
            features: shequ_core::export::layer_features(self.session.plan(), layer),
            foreign_members: None,
        };
        Ok(to_js(&fc))
    }

    /// The plan as GeoJSON text, in the format the loader reads.
    #[wasm_bindgen(js_name = exportPlan)]
    pub fn export_plan(&self) -> String {
        shequ_core::export::to_geojson_string(self.session.plan())
    }

    /// Compares from now on against this plan instead of the plan as first loaded.
    #[wasm_bindgen(js_name = setBaseline)]
    pub fn set_baseline(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] plan: JsValue,
        file_name: &str,
    ) -> Result<(), JsValue> {
        let bytes = plan_bytes(&plan, "setBaseline")?;
        let loaded = load_layers(&[(None, file_name, &bytes)], &LoadOptions::default())
            .map_err(load_error)?;
        self.session.set_baseline(loaded.plan);
        Ok(())
    }

    /// Boundary vertices inside a box: `{ids, coords, degree}`.
    pub fn nodes(&self, west: f64, south: f64, east: f64, north: f64) -> JsValue {
        let topo = self.session.topology();
        let ids: Vec<u32> = topo.nodes_in(west, south, east, north).collect();
        nodes_object(topo, &ids)
    }

    /// Boundary vertices used by any of the communities `ids`:
    /// `{ids, coords, degree}` as from `nodes`.
    #[wasm_bindgen(js_name = nodesOf)]
    pub fn nodes_of(&self, ids: Vec<String>) -> JsValue {
        let plan = self.session.plan();
        let wanted: Vec<u32> = ids
            .iter()
            .filter_map(|id| plan.communities.iter().position(|c| &c.id == id))
            .map(|i| i as u32)
            .collect();
        let topo = self.session.topology();
        let nodes: Vec<u32> = topo
            .nodes_in(-180.0, -90.0, 180.0, 90.0)
            .filter(|&n| topo.users(n).iter().any(|u| wanted.contains(u)))
            .collect();
        nodes_object(topo, &nodes)
    }

    /// Evaluates the whole plan from scratch, as `shequ check` does, and
    /// returns the number of findings. The page never needs it (the session
    /// re-evaluates incrementally, and a property test holds that to a fresh
    /// evaluation); it is the counterpart of the native benchmark `full_eval`
    /// (`shequ_core::evaluate`), so that the two time the same work.
    #[wasm_bindgen(js_name = fullEvaluation)]
    pub fn full_evaluation(&self) -> u32 {
        let report = shequ_core::evaluate(self.session.plan(), self.session.profile());
        report.findings.len() as u32
    }

    /// Deliberately traps, as a bug would, so that the page's recovery from a
    /// crashed engine can be tested for real. Never called by the page itself.
    #[wasm_bindgen(js_name = __trapForTests)]
    pub fn trap_for_tests(&self) {
        panic!("trap requested by a test");
    }

    #[wasm_bindgen(js_name = beginDrag)]
    pub fn begin_drag(&mut self, node: u32) -> Result<(), JsValue> {
        self.session.begin_drag(node).map_err(edit_error)
    }

    #[wasm_bindgen(js_name = dragTo)]
    pub fn drag_to(&mut self, lon: f64, lat: f64, snap_metres: f64) -> Result<JsValue, JsValue> {
        let d = self
            .session
            .drag_to(Coord { x: lon, y: lat }, snap_metres)
            .map_err(edit_error)?;
        Ok(self.delta(d))
    }

    #[wasm_bindgen(js_name = endDrag)]
    pub fn end_drag(&mut self) -> Result<JsValue, JsValue> {
        let d = self.session.end_drag().map_err(edit_error)?;
        Ok(self.delta(d))
    }

    #[wasm_bindgen(js_name = cancelDrag)]
    pub fn cancel_drag(&mut self) -> Result<JsValue, JsValue> {
        let d = self.session.cancel_drag().map_err(edit_error)?;
        Ok(self.delta(d))
    }

    #[wasm_bindgen(js_name = insertVertex)]
    pub fn insert_vertex(
        &mut self,
        lon: f64,
        lat: f64,
        tolerance_metres: f64,
    ) -> Result<JsValue, JsValue> {
        let d = self
            .session
            .insert_vertex(Coord { x: lon, y: lat }, tolerance_metres)
            .map_err(edit_error)?;
        Ok(self.delta(d))
    }

    #[wasm_bindgen(js_name = deleteVertex)]
    pub fn delete_vertex(&mut self, node: u32) -> Result<JsValue, JsValue> {
        let d = self.session.delete_vertex(node).map_err(edit_error)?;
        Ok(self.delta(d))
    }

    /// Gives a compound or grid cell (`layer` = 'compound' | 'grid') to a community.
    pub fn reassign(
        &mut self,
        layer: &str,
        feature_id: &str,
        community_id: &str,
    ) -> Result<JsValue, JsValue> {
        let layer = Layer::parse(layer)
            .ok_or_else(|| edit_error(bad_value("layer", "'compound' or 'grid'")))?;
        let d = self
            .session
            .reassign(layer, feature_id, community_id)
            .map_err(edit_error)?;
        Ok(self.delta(d))
    }

    /// Splits a community along a line given as lon,lat pairs.
    pub fn split(&mut self, community_id: &str, line: &[f64]) -> Result<JsValue, JsValue> {
        let d = self
            .session
            .split(community_id, &coords(line))
            .map_err(edit_error)?;
        Ok(self.delta(d))
    }

    pub fn merge(&mut self, keep_id: &str, absorb_id: &str) -> Result<JsValue, JsValue> {
        let d = self.session.merge(keep_id, absorb_id).map_err(edit_error)?;
        Ok(self.delta(d))
    }

    /// Creates a community from a ring of lon,lat pairs (not closed).
    #[wasm_bindgen(js_name = createCommunity)]
    pub fn create_community(
        &mut self,
        ring: &[f64],
        id: &str,
        name: &str,
    ) -> Result<JsValue, JsValue> {
        let d = self
            .session
            .create_community(&coords(ring), id, name)
            .map_err(edit_error)?;
        Ok(self.delta(d))
    }

    #[wasm_bindgen(js_name = deleteCommunity)]
    pub fn delete_community(&mut self, id: &str) -> Result<JsValue, JsValue> {
        let d = self.session.delete_community(id).map_err(edit_error)?;
        Ok(self.delta(d))
    }

    /// Changes a community's properties: `{name, kind, committee_size,
    /// full_time_staff, committees, service_center, sizhi, procedure}`
    /// (`sizhi` and `procedure` are objects the engine keeps as they are);
    /// null clears a value.
    #[wasm_bindgen(js_name = updateCommunity)]
    pub fn update_community(&mut self, id: &str, patch: JsValue) -> Result<JsValue, JsValue> {
        let patch = community_patch(&object(patch)?).map_err(edit_error)?;
        let d = self
            .session
            .update_community(id, &patch)
            .map_err(edit_error)?;
        Ok(self.delta(d))
    }

    /// Changes a service centre: `{name, floor_area_m2, services, lon, lat}`.
    #[wasm_bindgen(js_name = updateCenter)]
    pub fn update_center(&mut self, id: &str, patch: JsValue) -> Result<JsValue, JsValue> {
        let patch = center_patch(&object(patch)?).map_err(edit_error)?;
        let d = self.session.update_center(id, &patch).map_err(edit_error)?;
        Ok(self.delta(d))
    }

    /// Sets compounds' household counts, from the households table `source`:
    /// `[{id, households, planned_households}]` (`planned_households` may be
    /// left out: unchanged). One undo step; the Delta's `compounds` lists the
    /// compounds whose counts changed, with their new counts.
    #[wasm_bindgen(js_name = setHouseholds)]
    pub fn set_households(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "HouseholdsChange[]")] changes: JsValue,
        source: &str,
    ) -> Result<JsValue, JsValue> {
        let changes = households_changes(&changes).map_err(edit_error)?;
        let d = self
            .session
            .set_households(&changes, source)
            .map_err(edit_error)?;
        Ok(self.delta(d))
    }

    /// The plan's own record (the plan file's `shequ` member): `{title,
    /// signoff, locked, …}`, or null.
    #[wasm_bindgen(js_name = planInfo)]
    pub fn plan_info(&self) -> JsValue {
        to_js(&self.session.plan().info())
    }

    /// Sets the plan's `title`, `signoff` (an object of texts) or `locked`
    /// (community ids); null removes one. One undo step; checked as the
    /// loader checks the file.
    #[wasm_bindgen(js_name = setPlanInfo)]
    pub fn set_plan_info(&mut self, patch: JsValue) -> Result<JsValue, JsValue> {
        let d = self
            .session
            .set_plan_info(&object(patch)?)
            .map_err(edit_error)?;
        Ok(self.delta(d))
    }

    pub fn undo(&mut self) -> JsValue {
        self.session
            .undo()
            .map_or(JsValue::UNDEFINED, |d| self.delta(d))
    }

    pub fn redo(&mut self) -> JsValue {
        self.session
            .redo()
            .map_or(JsValue::UNDEFINED, |d| self.delta(d))
    }

    #[wasm_bindgen(js_name = canUndo)]
    pub fn can_undo(&self) -> bool {
        self.session.can_undo()
    }

    #[wasm_bindgen(js_name = canRedo)]
    pub fn can_redo(&self) -> bool {
        self.session.can_redo()
    }

    /// The four boundaries (四至) of a community: `{community_id, east, south,
    /// west, north: [{name, id, kind, length_m}], side_length_m, open_m,
    /// text_zh, text_en}`. Throws `EditError` for an unknown id.
    pub fn sizhi(&self, id: &str) -> Result<JsValue, JsValue> {
        let plan = self.session.plan();
        let i = plan
            .communities
            .iter()
            .position(|c| c.id == id)
            .ok_or_else(|| edit_error(bad_value("id", "the id of a community")))?;
        let s = shequ_core::sizhi::sizhi(plan, self.session.profile(), i)
            .ok_or_else(|| edit_error(bad_value("id", "the id of a community")))?;
        Ok(to_js(&s))
    }

    /// Labels of the next undo and redo: `{undo: {zh, en} | null, redo: …}`.
    pub fn history(&self) -> JsValue {
        let (undo, redo) = self.session.history();
        to_js(&serde_json::json!({"undo": undo, "redo": redo}))
    }

    fn delta(&self, d: Delta) -> JsValue {
        #[derive(Serialize)]
        struct Findings<'a> {
            added: &'a [shequ_core::Finding],
            removed: &'a [String],
        }
        #[derive(Serialize)]
        struct Out<'a> {
            removed: &'a [String],
            added: &'a [String],
            communities: &'a [shequ_core::report::CommunityReport],
            #[serde(skip_serializing_if = "Option::is_none")]
            order: &'a Option<Vec<String>>,
            findings: Findings<'a>,
            totals: &'a shequ_core::report::Totals,
            #[serde(skip_serializing_if = "Option::is_none")]
            adjustment: &'a Option<Vec<shequ_core::report::AdjustmentCandidate>>,
            comparison: &'a Option<shequ_core::Comparison>,
            pending: &'a [&'static str],
            nodes_changed: bool,
            #[serde(skip_serializing_if = "Option::is_none")]
            snapped: &'a Option<shequ_core::session::Snapped>,
            #[serde(skip_serializing_if = "Option::is_none")]
            reverted: Option<Value>,
            #[serde(skip_serializing_if = "Option::is_none")]
            node: Option<u32>,
            #[serde(skip_serializing_if = "<[_]>::is_empty")]
            compounds: &'a [HouseholdsChange],
        }
        let out = to_js(&Out {
            removed: &d.removed,
            added: &d.added,
            communities: &d.communities,
            order: &d.order,
            findings: Findings {
                added: &d.findings_added,
                removed: &d.findings_removed,
            },
            totals: &d.totals,
            adjustment: &d.adjustment,
            comparison: &d.comparison,
            pending: &d.pending,
            nodes_changed: d.nodes_changed,
            snapped: &d.snapped,
            reverted: d
                .reverted
                .as_ref()
                .map(|l| serde_json::json!({"message_zh": l.zh, "message_en": l.en})),
            node: d.node,
            compounds: &d.compounds,
        });
        let plan = self.session.plan();
        let geometry = pack(plan, d.geometry.iter().map(String::as_str));
        let _ = Reflect::set(&out, &"geometry".into(), &geometry);
        // The editable properties of every community in the delta, and the
        // service centres, so that forms need not re-read the whole plan.
        let reported = |id: &str| d.communities.iter().any(|r| r.id == id);
        let props: Vec<Value> = d
            .communities
            .iter()
            .map(|r| r.id.as_str())
            .chain(d.edited.iter().map(String::as_str).filter(|id| !reported(id)))
            .filter_map(|id| plan.community(id))
            .map(|c| {
                serde_json::json!({
                    "id": c.id, "name": c.name, "kind": c.kind.as_str(),
                    "committee_size": c.committee_size, "full_time_staff": c.full_time_staff,
                    "committees": c.committees.as_ref().map(|v| v.iter().map(|x| x.as_str()).collect::<Vec<_>>()),
                    "service_center": c.service_center, "explanations": c.explanations,
                    "sizhi": c.extra.get("sizhi"), "procedure": c.extra.get("procedure"),
                })
            })
            .collect();
        let _ = Reflect::set(&out, &"properties".into(), &to_js(&props));
        if d.centers_changed {
            let fc = geojson::FeatureCollection {
                bbox: None,
                features: shequ_core::export::layer_features(plan, Layer::ServiceCenter),
                foreign_members: None,
            };
            let _ = Reflect::set(&out, &"centers".into(), &to_js(&fc));
        }
        out
    }
}

/// A plan handed over as text or as a file's bytes (`Uint8Array`, copied
/// as is: a fraction of the cost of re-encoding a string of the same size).
fn plan_bytes(plan: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    if let Some(text) = plan.as_string() {
        return Ok(text.into_bytes());
    }
    match plan.dyn_ref::<Uint8Array>() {
        Some(bytes) => Ok(bytes.to_vec()),
        None => Err(Error::new(&format!(
            "{what} expects the plan as GeoJSON text or a Uint8Array"
        ))
        .into()),
    }
}

fn to_js<T: Serialize + ?Sized>(v: &T) -> JsValue {
    // Through JSON text and the JavaScript engine's JSON.parse: the same plain
    // objects as a serializer of JavaScript values would build, from far less
    // WebAssembly code (no serializer instance per type), and no slower.
    // Plain data always serialises; a failure would be a bug in a type above.
    serde_json::to_string(v)
        .ok()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .unwrap_or(JsValue::NULL)
}

fn set(o: &Object, key: &str, v: &JsValue) {
    let _ = Reflect::set(o, &key.into(), v);
}

/// Communities `ids` packed: coords (lon,lat pairs) with ring, polygon and community offsets.
fn pack<'a>(plan: &Plan, ids: impl Iterator<Item = &'a str>) -> JsValue {
    let (mut coords, mut rings, mut polygons, mut communities) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let out_ids = Array::new();
    for id in ids {
        let Some(c) = plan.community(id) else {
            continue;
        };
        out_ids.push(&JsValue::from_str(id));
        communities.push(polygons.len() as u32);
        for p in &c.geometry.0 {
            polygons.push(rings.len() as u32);
            for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                rings.push((coords.len() / 2) as u32);
                for c in &ring.0 {
                    coords.push(c.x);
                    coords.push(c.y);
                }
            }
        }
    }
    rings.push((coords.len() / 2) as u32);
    polygons.push(rings.len() as u32 - 1);
    communities.push(polygons.len() as u32 - 1);
    let o = Object::new();
    set(&o, "ids", &out_ids.into());
    set(&o, "coords", &Float64Array::from(&coords[..]).into());
    set(&o, "rings", &Uint32Array::from(&rings[..]).into());
    set(&o, "polygons", &Uint32Array::from(&polygons[..]).into());
    set(
        &o,
        "communities",
        &Uint32Array::from(&communities[..]).into(),
    );
    o.into()
}

/// `{ids, coords, degree}` for some topology nodes.
fn nodes_object(topo: &shequ_core::topology::Topology, ids: &[u32]) -> JsValue {
    let coords: Vec<f64> = ids
        .iter()
        .flat_map(|&n| {
            let c = topo.coord(n);
            [c.x, c.y]
        })
        .collect();
    let degree: Vec<u8> = ids.iter().map(|&n| topo.degree(n).min(255) as u8).collect();
    let o = Object::new();
    set(&o, "ids", &Uint32Array::from(ids).into());
    set(&o, "coords", &Float64Array::from(&coords[..]).into());
    set(&o, "degree", &Uint8Array::from(&degree[..]).into());
    o.into()
}

fn coords(flat: &[f64]) -> Vec<Coord> {
    flat.chunks_exact(2)
        .map(|p| Coord { x: p[0], y: p[1] })
        .collect()
}

/// A built-in profile by name, the default for "", else the text of `file`.
fn profile_named(p: &str, file: &str) -> Result<Profile, JsValue> {
    let trimmed = p.trim();
    let result = if trimmed.is_empty() {
        Ok(Profile::default_profile())
    } else if Profile::builtin_names().any(|n| n == trimmed) {
        Profile::builtin(trimmed)
    } else {
        Profile::parse(file, p)
    };
    result.map_err(|e| {
        let err = Error::new(&e.to_string());
        err.set_name("ProfileError");
        err.into()
    })
}

/// A `LoadError` JavaScript error: `name`, `errors` (with both messages), `more`.
fn load_error(e: LoadErrors) -> JsValue {
    #[derive(Serialize)]
    struct Problem<'a> {
        #[serde(flatten)]
        e: &'a shequ_core::load::LoadError,
        message_en: String,
        message_zh: String,
    }
    let first = e.errors.first().map(|x| x.message_en()).unwrap_or_default();
    let err = Error::new(&first);
    err.set_name("LoadError");
    let problems: Vec<Problem> = e
        .errors
        .iter()
        .map(|x| Problem {
            e: x,
            message_en: x.message_en(),
            message_zh: x.message_zh(),
        })
        .collect();
    let _ = Reflect::set(&err, &"errors".into(), &to_js(&problems));
    let _ = Reflect::set(&err, &"more".into(), &JsValue::from(e.more as u32));
    err.into()
}

/// An `EditError` JavaScript error: `name`, `code`, `message_zh`, `message_en`.
/// Suggestions and repairs (feature `adjust`).
#[cfg(feature = "adjust")]
#[wasm_bindgen]
impl Engine {
    /// Up to `alternatives` ways to clear community `id`'s scale finding (JSON
    /// text: `[{kind, summary_zh, summary_en, parts: [{id, name, households,
    /// created, polsby_popper, barrier_share, service_center, geometry}],
    /// households_moved, compounds_moved, new_boundary_m,
    /// new_boundary_on_barrier, clears, raises}]`); kept for
    /// `applySuggestion`. Throws `AdjustError` when there is nothing to suggest.
    pub fn suggest(&mut self, id: &str, alternatives: u32) -> Result<String, JsValue> {
        let opts = shequ_core::adjust::SuggestOptions {
            alternatives: alternatives.clamp(1, 10) as usize,
            ..Default::default()
        };
        let alts = shequ_core::adjust::suggest(&self.session.current(), id, &opts)
            .map_err(adjust_error)?;
        let text = serde_json::to_string(&alts).unwrap_or_default();
        self.suggestions = alts
            .into_iter()
            .map(|a| (a.summary_zh, a.summary_en, a.communities))
            .collect();
        Ok(text)
    }

    /// Applies suggestion `k` of the last `suggest` as one undoable edit.
    #[wasm_bindgen(js_name = applySuggestion)]
    pub fn apply_suggestion(&mut self, k: u32) -> Result<JsValue, JsValue> {
        let Some((zh, en, communities)) = self.suggestions.get(k as usize).cloned() else {
            return Err(edit_error(bad_value("k", "the number of a suggestion")));
        };
        self.suggestions.clear();
        let d = self
            .session
            .replace_communities(communities, &zh, &en)
            .map_err(edit_error)?;
        Ok(self.delta(d))
    }

    /// A whole-plan proposal (`options`: JSON `{strict, locked: [id], seed}`);
    /// `progress(fraction)` is called between steps and cancels by returning
    /// false. JSON text: `{moved_households, moved_compounds,
    /// communities_before, communities_after, created, removed, unresolved}`;
    /// the proposal itself through `repairPlan`.
    pub fn repair(
        &mut self,
        options: &str,
        progress: Option<js_sys::Function>,
    ) -> Result<String, JsValue> {
        let v: Value = serde_json::from_str(options).unwrap_or(Value::Null);
        let opts = shequ_core::adjust::RepairOptions {
            strict: v["strict"].as_bool().unwrap_or(false),
            locked: v["locked"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            seed: v["seed"].as_u64().unwrap_or(1),
        };
        let r =
            shequ_core::adjust::repair(&self.session.current(), &opts, &mut |f| match &progress {
                Some(p)
                    if p.call1(&JsValue::NULL, &JsValue::from_f64(f)).ok()
                        == Some(JsValue::FALSE) =>
                {
                    shequ_core::adjust::Step::Cancel
                }
                _ => shequ_core::adjust::Step::Go,
            })
            .map_err(|_| {
                let err = Error::new("the repair was cancelled");
                err.set_name("Cancelled");
                JsValue::from(err)
            })?;
        let text = serde_json::to_string(&r).unwrap_or_default();
        self.repair = Some(r);
        Ok(text)
    }

    /// The last repair's proposal without the changes touching the
    /// communities `rejected` (ids): `{plan: GeoJSON text, also_left_out:
    /// [ids]}`, the communities also left as they are because their changes
    /// depended on a rejected one.
    #[wasm_bindgen(js_name = repairPlan)]
    pub fn repair_plan(&self, rejected: Vec<String>) -> Result<JsValue, JsValue> {
        let Some(r) = &self.repair else {
            return Err(edit_error(bad_value("repair", "a repair run first")));
        };
        let plan = self.session.plan();
        let (communities, also_left_out) = if rejected.is_empty() {
            (r.communities.clone(), Vec::new())
        } else {
            let p = r.proposal.communities_without(plan, &rejected);
            (p.communities, p.also_left_out)
        };
        let text = shequ_core::export::to_geojson_string(&Plan {
            communities,
            ..plan.clone()
        });
        Ok(to_js(&serde_json::json!({
            "plan": text,
            "also_left_out": also_left_out,
        })))
    }
}

#[cfg(feature = "adjust")]
fn adjust_error(e: shequ_core::adjust::AdjustError) -> JsValue {
    edit_error(EditError {
        code: e.code,
        message_zh: e.message_zh,
        message_en: e.message_en,
    })
}

fn edit_error(e: EditError) -> JsValue {
    let err = Error::new(&e.message_en);
    err.set_name("EditError");
    let _ = Reflect::set(&err, &"code".into(), &JsValue::from_str(e.code));
    let _ = Reflect::set(
        &err,
        &"message_zh".into(),
        &JsValue::from_str(&e.message_zh),
    );
    let _ = Reflect::set(
        &err,
        &"message_en".into(),
        &JsValue::from_str(&e.message_en),
    );
    err.into()
}

fn bad_value(field: &str, expected: &str) -> EditError {
    EditError {
        code: "edit.bad_value",
        message_zh: format!("{field} 的取值无效，应为 {expected}"),
        message_en: format!("{field} must be {expected}"),
    }
}

fn object(v: JsValue) -> Result<serde_json::Map<String, Value>, JsValue> {
    let bad = || edit_error(bad_value("patch", "an object"));
    if !v.is_object() || Array::is_array(&v) {
        return Err(bad());
    }
    // Each value through JSON text; `undefined` counts as null, as before.
    let mut m = serde_json::Map::new();
    for entry in Object::entries(v.unchecked_ref()).iter() {
        let entry = Array::from(&entry);
        let value = entry.get(1);
        let value = if value.is_undefined() {
            Value::Null
        } else {
            js_sys::JSON::stringify(&value)
                .ok()
                .and_then(|text| text.as_string())
                .and_then(|text| serde_json::from_str(&text).ok())
                .ok_or_else(bad)?
        };
        m.insert(entry.get(0).as_string().unwrap_or_default(), value);
    }
    Ok(m)
}

/// `None` when absent, `Some(None)` when null, `Some(Some(v))` otherwise.
fn field<T>(
    m: &serde_json::Map<String, Value>,
    key: &str,
    expected: &str,
    parse: impl Fn(&Value) -> Option<T>,
) -> Result<Option<Option<T>>, EditError> {
    match m.get(key) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(v) => parse(v)
            .map(|t| Some(Some(t)))
            .ok_or_else(|| bad_value(key, expected)),
    }
}

fn count(v: &Value) -> Option<u32> {
    v.as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .filter(|&n| n <= 10_000)
}

fn list<T>(v: &Value, parse: fn(&str) -> Option<T>) -> Option<Vec<T>> {
    v.as_array()?
        .iter()
        .map(|x| x.as_str().and_then(parse))
        .collect()
}

fn community_patch(m: &serde_json::Map<String, Value>) -> Result<CommunityPatch, EditError> {
    Ok(CommunityPatch {
        name: field(m, "name", "text", |v| v.as_str().map(str::to_string))?.flatten(),
        kind: field(m, "kind", "standard, old_town or apartment", |v| {
            v.as_str().and_then(CommunityKind::parse)
        })?
        .flatten(),
        committee_size: field(m, "committee_size", "a whole number", count)?,
        full_time_staff: field(m, "full_time_staff", "a whole number", count)?,
        committees: field(m, "committees", "a list of committee names", |v| {
            list(v, shequ_core::model::Committee::parse)
        })?,
        service_center: field(m, "service_center", "a service centre id", |v| {
            v.as_str().map(str::to_string)
        })?,
        explanations: match m.get("explanations") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Object(reasons)) => reasons
                .iter()
                .map(|(code, reason)| match reason {
                    Value::Null => Ok((code.clone(), None)),
                    Value::String(r) => Ok((code.clone(), Some(r.clone()))),
                    _ => Err(bad_value(
                        "explanations",
                        "an object of finding code → reason text or null",
                    )),
                })
                .collect::<Result<_, _>>()?,
            Some(_) => {
                return Err(bad_value(
                    "explanations",
                    "an object of finding code → reason text or null",
                ))
            }
        },
        // The page's 四至 override and procedure tracker, kept as plain properties.
        extra: ["sizhi", "procedure"]
            .into_iter()
            .filter_map(|k| {
                field(m, k, "an object", |v| v.is_object().then(|| v.clone()))
                    .transpose()
                    .map(|r| r.map(|v| (k.to_string(), v)))
            })
            .collect::<Result<_, EditError>>()?,
    })
}

fn households_changes(changes: &JsValue) -> Result<Vec<HouseholdsChange>, EditError> {
    let list = js_sys::JSON::stringify(changes)
        .ok()
        .and_then(|text| text.as_string())
        .and_then(|text| serde_json::from_str::<Vec<Value>>(&text).ok())
        .ok_or_else(|| bad_value("changes", "a list of {id, households, planned_households}"))?;
    let whole = |v: &Value| v.as_u64().and_then(|n| u32::try_from(n).ok());
    list.iter()
        .map(|v| {
            let m = v
                .as_object()
                .ok_or_else(|| bad_value("changes", "a list of objects"))?;
            let id = field(m, "id", "a compound id", |v| v.as_str().map(str::to_string))?
                .flatten()
                .ok_or_else(|| bad_value("id", "a compound id"))?;
            let households = field(m, "households", "a whole number", whole)?
                .flatten()
                .ok_or_else(|| bad_value("households", "a whole number"))?;
            let planned_households =
                field(m, "planned_households", "a whole number", whole)?.flatten();
            Ok(HouseholdsChange {
                compound: id,
                households,
                planned_households,
            })
        })
        .collect()
}

fn center_patch(m: &serde_json::Map<String, Value>) -> Result<CenterPatch, EditError> {
    let lon = field(m, "lon", "a longitude", Value::as_f64)?.flatten();
    let lat = field(m, "lat", "a latitude", Value::as_f64)?.flatten();
    let location = match (lon, lat) {
        (Some(x), Some(y)) => Some(Point::new(x, y)),
        (None, None) => None,
        _ => return Err(bad_value("lon/lat", "both a longitude and a latitude")),
    };
    Ok(CenterPatch {
        name: field(m, "name", "text", |v| v.as_str().map(str::to_string))?.flatten(),
        floor_area_m2: field(
            m,
            "floor_area_m2",
            "a number of square metres",
            Value::as_f64,
        )?,
        services: field(m, "services", "a list of service names", |v| {
            list(v, shequ_core::model::Service::parse)
        })?,
        location,
    })
}
