//! An editing session: a plan being re-drawn, with undo, redo and a live report.
//!
//! Every edit goes through the [`Topology`], so boundaries shared before an
//! edit stay shared after it, and returns a [`Delta`]: what changed in the
//! report since the last edit, small enough to hand to a map on every frame
//! of a drag. The browser (through `shequ-wasm`) and the tests drive this type;
//! it knows nothing of JavaScript.
//!
//! ```
//! use shequ_core::{session::Session, testing::row_plan, Profile};
//! use geo::Coord;
//!
//! // A and B side by side; A's second compound lies near their shared edge.
//! let mut s = Session::new(row_plan(&[("A", &[1200, 1300]), ("B", &[900])]), Profile::default());
//! let corner = |y| s.topology().node_at(Coord { x: 119.41, y }, 1e-9).unwrap();
//! let (south, north) = (corner(32.39), corner(32.40));
//! // Drag the shared edge west, across the compound, one end after the other.
//! s.begin_drag(south).unwrap();
//! s.drag_to(Coord { x: 119.4045, y: 32.39 }, 0.0).unwrap();
//! s.end_drag().unwrap();
//! s.begin_drag(north).unwrap();
//! // Every pointer move reports what changed: here A's area and households.
//! let delta = s.drag_to(Coord { x: 119.4045, y: 32.40 }, 0.0).unwrap();
//! s.end_drag().unwrap();
//! assert_eq!(s.report().community("B").unwrap().households, 2200);
//! assert!(delta.communities.iter().any(|c| c.id == "A" && c.households == 1200));
//! s.undo().unwrap();
//! s.undo().unwrap();
//! assert_eq!(s.report().community("B").unwrap().households, 900);
//! ```

use std::collections::{HashMap, HashSet};
use std::fmt;

use geo::{Area, BooleanOps, BoundingRect, Coord, Intersects, MultiPolygon, Polygon, Rect};
use geojson::JsonObject;
use serde::Serialize;

use crate::analysis::analyse;
use crate::compare::{Comparison, Tracker};
use crate::evaluation::{Changes, Evaluation};
use crate::geodesy::Frame;
use crate::model::*;
use crate::profile::Profile;
use crate::report::{AdjustmentCandidate, CommunityReport, Finding, Report, Totals};

use crate::topology::{NodeId, Topology, TopologyError};

/// A refused edit, in both languages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EditError {
    pub code: &'static str,
    pub message_zh: String,
    pub message_en: String,
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en)
    }
}

impl std::error::Error for EditError {}

fn refuse(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> EditError {
    EditError {
        code,
        message_zh: zh.into(),
        message_en: en.into(),
    }
}

/// A label in both languages (undo/redo menus, messages).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Label {
    pub zh: String,
    pub en: String,
}

fn label(zh: impl Into<String>, en: impl Into<String>) -> Label {
    Label {
        zh: zh.into(),
        en: en.into(),
    }
}

/// Where a dragged vertex ended up.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Snapped {
    pub lon: f64,
    pub lat: f64,
    /// `vertex`, `barrier`, or `None` when not snapped.
    pub kind: Option<&'static str>,
}

/// What one edit changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delta {
    /// Communities whose geometry changed or that were added (ids).
    pub geometry: Vec<String>,
    pub removed: Vec<String>,
    pub added: Vec<String>,
    /// Reports of the communities whose report changed.
    pub communities: Vec<CommunityReport>,
    /// Community ids in plan order after the edit, when communities were
    /// added, removed or rebuilt (`None`: the order is unchanged).
    pub order: Option<Vec<String>>,
    pub findings_added: Vec<Finding>,
    pub findings_removed: Vec<String>,
    pub totals: Totals,
    /// The communities meeting an adjustment condition, when that list may
    /// have changed (`None`: unchanged since the previous delta).
    pub adjustment: Option<Vec<AdjustmentCandidate>>,
    pub comparison: Option<Comparison>,
    /// Checks deferred until the drag ends.
    pub pending: Vec<&'static str>,
    pub nodes_changed: bool,
    pub snapped: Option<Snapped>,
    pub reverted: Option<Label>,
    pub node: Option<NodeId>,
    /// Whether any service centre changed (position, size, functions).
    pub centers_changed: bool,
    /// Communities whose stored record changed (any property, including
    /// `extra`), even when their report did not: forms showing them refresh.
    pub edited: Vec<String>,
    /// Compounds whose household counts changed, with their counts now.
    pub compounds: Vec<HouseholdsChange>,
}

/// Changes to a list, as removals (indices before) and insertions (indices after).
#[derive(Debug, Clone, PartialEq)]
struct ListPatch<T> {
    removed: Vec<(usize, T)>,
    inserted: Vec<(usize, T)>,
}

impl<T: Clone + PartialEq> ListPatch<T> {
    fn none() -> Self {
        ListPatch {
            removed: Vec::new(),
            inserted: Vec::new(),
        }
    }

    /// The patch from `before` to `after`; items are matched by `key`, and
    /// unchanged items must keep their relative order (edits never reorder).
    fn diff(before: &[T], after: &[T], key: impl Fn(&T) -> &str) -> Self {
        let after_by: HashMap<&str, &T> = after.iter().map(|t| (key(t), t)).collect();
        let before_by: HashMap<&str, &T> = before.iter().map(|t| (key(t), t)).collect();
        let removed = before
            .iter()
            .enumerate()
            .filter(|(_, t)| after_by.get(key(t)) != Some(t))
            .map(|(i, t)| (i, t.clone()))
            .collect();
        let inserted = after
            .iter()
            .enumerate()
            .filter(|(_, t)| before_by.get(key(t)) != Some(t))
            .map(|(i, t)| (i, t.clone()))
            .collect();
        ListPatch { removed, inserted }
    }

    fn apply(&self, list: &mut Vec<T>) {
        for (i, _) in self.removed.iter().rev() {
            list.remove(*i);
        }
        for (i, t) in &self.inserted {
            list.insert(*i, t.clone());
        }
    }

    fn revert(&self, list: &mut Vec<T>) {
        for (i, _) in self.inserted.iter().rev() {
            list.remove(*i);
        }
        for (i, t) in &self.removed {
            list.insert(*i, t.clone());
        }
    }

    fn is_empty(&self) -> bool {
        self.removed.is_empty() && self.inserted.is_empty()
    }
}

#[derive(Debug, Clone)]
struct Step {
    label: Label,
    communities: ListPatch<Community>,
    centers: ListPatch<ServiceCenter>,
    compounds: CountsPatch,
    /// The plan's record (`shequ` member) before and after, when it
    /// changed (null: none).
    info: Option<[serde_json::Value; 2]>,
}

/// Household counts changed by one step, compound by compound: its index in
/// `plan.compounds` (no edit adds or removes compounds), `[households,
/// planned_households]` before and after.
type CountsPatch = Vec<(usize, [u32; 2], [u32; 2])>;

fn set_counts(compounds: &mut [Compound], patch: &CountsPatch, after: bool) {
    for &(k, before, now) in patch {
        let [households, planned] = if after { now } else { before };
        compounds[k].households = households;
        compounds[k].planned_households = planned;
    }
}

#[derive(Debug, Clone)]
struct Drag {
    node: NodeId,
    origin: Coord,
    communities: Vec<Community>,
}

/// A plan under edit.
pub struct Session {
    plan: Plan,
    profile: Profile,
    topo: Topology,
    /// The comparison with the baseline.
    tracker: Tracker,
    eval: Evaluation,
    undo: Vec<Step>,
    redo: Vec<Step>,
    drag: Option<Drag>,
}

/// Snapshot of what an edit may change, to diff against afterwards.
struct Before {
    communities: Vec<Community>,
    centers: Vec<ServiceCenter>,
}

impl Session {
    /// Starts a session on `plan`; the plan as given is the baseline for comparison.
    pub fn new(plan: Plan, profile: Profile) -> Session {
        let baseline = plan.clone();
        let mut plan = plan;
        let topo = Topology::build(&mut plan.communities);
        let mut eval = Evaluation::new(&plan, &profile);
        eval.prepare_for_edits();
        // Noding usually leaves a plan as it was: then the baseline's analysis is the evaluation's.
        let tracker = if baseline.communities == plan.communities {
            Tracker::new(&baseline, eval.analysis(), &plan, eval.analysis())
        } else {
            Tracker::new(
                &baseline,
                &analyse(&baseline, &profile),
                &plan,
                eval.analysis(),
            )
        };
        Session {
            plan,
            profile,
            topo,
            tracker,
            eval,
            undo: Vec::new(),
            redo: Vec::new(),
            drag: None,
        }
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The full report, with the comparison against the baseline.
    pub fn report(&self) -> Report {
        let mut r = self.eval.report(&self.plan, &self.profile);
        r.comparison = Some(self.comparison());
        r
    }

    fn comparison(&self) -> Comparison {
        let households = self.eval.derived().households.as_slice();
        self.tracker
            .comparison(|i| households[i].existing + households[i].planned)
    }

    /// The plan, profile and evaluation, for [`crate::adjust`]'s suggestions and repairs.
    pub fn current(&self) -> crate::adjust::Current<'_> {
        crate::adjust::Current {
            plan: &self.plan,
            profile: &self.profile,
            eval: &self.eval,
        }
    }

    pub fn topology(&self) -> &Topology {
        &self.topo
    }

    /// Compares from now on against `baseline` instead of the plan as first loaded.
    pub fn set_baseline(&mut self, baseline: Plan) {
        self.tracker = Tracker::new(
            &baseline,
            &analyse(&baseline, &self.profile),
            &self.plan,
            self.eval.analysis(),
        );
    }

    /// Checks the plan against another rule profile. The plan, the undo and
    /// redo history and the comparison stay (which compound lies in which
    /// community is geometry, whatever the profile); every report and finding
    /// is evaluated afresh. Not an undo step: the profile is how the plan is
    /// read, not part of it.
    pub fn set_profile(&mut self, profile: Profile) -> Delta {
        if self.drag.is_some() {
            let _ = self.cancel_drag();
        }
        self.profile = profile;
        self.refresh(Vec::new(), Update::Rebuilt)
    }

    fn index_of(&self, id: &str) -> Result<usize, EditError> {
        self.plan
            .communities
            .iter()
            .position(|c| c.id == id)
            .ok_or_else(|| {
                refuse(
                    "edit.no_community",
                    format!("没有编号为 {id:?} 的社区"),
                    format!("there is no community with id {id:?}"),
                )
            })
    }

    fn before(&self) -> Before {
        Before {
            communities: self.plan.communities.clone(),
            centers: self.plan.centers.clone(),
        }
    }

    /// Records an edit made since `before` as one undo step and reports it.
    /// `how` says what to re-evaluate.
    fn commit(
        &mut self,
        label: Label,
        before: Before,
        geometry: Vec<String>,
        how: Update,
    ) -> Delta {
        // Rebuilding the topology snaps and nodes the new geometry, which may
        // touch neighbours too: do it before taking the difference, so that
        // the undo step holds everything the edit changed.
        let how = match how {
            Update::Rebuild => {
                self.topo = Topology::build(&mut self.plan.communities);
                Update::Rebuilt
            }
            other => other,
        };
        let step = Step {
            label,
            communities: ListPatch::diff(&before.communities, &self.plan.communities, |c| {
                c.id.as_str()
            }),
            centers: ListPatch::diff(&before.centers, &self.plan.centers, |c| c.id.as_str()),
            compounds: CountsPatch::new(),
            info: None,
        };
        let centers_changed = !step.centers.is_empty();
        let edited = step
            .communities
            .inserted
            .iter()
            .map(|(_, c)| c.id.clone())
            .collect();
        if !(step.communities.is_empty() && step.centers.is_empty()) {
            self.undo.push(step);
            self.redo.clear();
        }
        let mut delta = self.refresh(geometry, how);
        delta.centers_changed = centers_changed;
        delta.edited = edited;
        delta
    }

    /// Re-evaluates what `how` names and returns what changed since the last delta.
    fn refresh(&mut self, mut geometry: Vec<String>, how: Update) -> Delta {
        // Only a rebuild adds or removes communities.
        let (mut removed, mut added) = (Vec::new(), Vec::new());
        let (communities, findings_added, findings_removed, nodes_changed) = match how {
            Update::Geometry {
                changed,
                region,
                defer_gaps,
            } => {
                let c = self.eval.update_geometry(
                    &self.plan,
                    &self.profile,
                    &changed,
                    region,
                    defer_gaps,
                );
                self.tracker.update(
                    &self.plan,
                    self.eval.analysis(),
                    c.compounds.iter().copied(),
                );
                self.split_changes(c, false)
            }
            Update::Nothing => (Vec::new(), Vec::new(), Vec::new(), false),
            Update::Gaps => {
                let c = self.eval.refresh_gaps(&self.plan, &self.profile);
                self.split_changes(c, false)
            }
            Update::Properties(which) => {
                let c = self
                    .eval
                    .update_properties(&self.plan, &self.profile, &which);
                self.tracker.set_communities(&self.plan);
                self.split_changes(c, false)
            }
            rebuild @ (Update::Rebuild | Update::Rebuilt) => {
                if matches!(rebuild, Update::Rebuild) {
                    self.topo = Topology::build(&mut self.plan.communities);
                }
                let old_ids: Vec<String> = self
                    .eval
                    .community_reports()
                    .iter()
                    .map(|c| c.id.clone())
                    .collect();
                let old_reports: HashMap<String, CommunityReport> = self
                    .eval
                    .community_reports()
                    .iter()
                    .map(|c| (c.id.clone(), c.clone()))
                    .collect();
                let old_findings: HashMap<String, Finding> = self
                    .eval
                    .all_findings()
                    .map(|f| (f.id.clone(), f.clone()))
                    .collect();
                self.eval = Evaluation::new(&self.plan, &self.profile);
                self.eval.prepare_for_edits();
                self.tracker.set_communities(&self.plan);
                self.tracker.update(
                    &self.plan,
                    self.eval.analysis(),
                    0..self.plan.compounds.len(),
                );
                let new_ids: HashSet<&str> = self
                    .plan
                    .communities
                    .iter()
                    .map(|c| c.id.as_str())
                    .collect();
                removed = old_ids
                    .into_iter()
                    .filter(|id| !new_ids.contains(id.as_str()))
                    .collect();
                added = self
                    .plan
                    .communities
                    .iter()
                    .filter(|c| !old_reports.contains_key(&c.id))
                    .map(|c| c.id.clone())
                    .collect();
                let communities = self
                    .eval
                    .community_reports()
                    .iter()
                    .filter(|c| old_reports.get(&c.id) != Some(c))
                    .cloned()
                    .collect();
                let new_findings: HashMap<&str, &Finding> = self
                    .eval
                    .all_findings()
                    .map(|f| (f.id.as_str(), f))
                    .collect();
                let added_findings = self
                    .eval
                    .all_findings()
                    .filter(|f| old_findings.get(&f.id) != Some(f))
                    .cloned()
                    .collect();
                let removed_findings = old_findings
                    .iter()
                    .filter(|(id, f)| new_findings.get(id.as_str()) != Some(f))
                    .map(|(id, _)| id.clone())
                    .collect();
                (communities, added_findings, removed_findings, true)
            }
        };
        // Only a rebuild can add, remove or reorder communities.
        let order =
            nodes_changed.then(|| self.plan.communities.iter().map(|c| c.id.clone()).collect());
        for id in &added {
            if !geometry.contains(id) {
                geometry.push(id.clone());
            }
        }
        Delta {
            geometry,
            removed,
            added,
            communities,
            order,
            findings_added,
            findings_removed,
            totals: self.eval.totals(&self.plan, &self.profile),
            adjustment: self
                .eval
                .take_adjustment_changed()
                .then(|| self.eval.adjustment()),
            comparison: Some(self.comparison()),
            pending: self.eval.pending(),
            nodes_changed,
            snapped: None,
            reverted: None,
            node: None,
            centers_changed: false,
            edited: Vec::new(),
            compounds: Vec::new(),
        }
    }

    fn split_changes(
        &self,
        c: Changes,
        nodes_changed: bool,
    ) -> (Vec<CommunityReport>, Vec<Finding>, Vec<String>, bool) {
        let reports = self.eval.community_reports();
        let communities = c.communities.iter().map(|&i| reports[i].clone()).collect();
        (
            communities,
            c.findings_added,
            c.findings_removed,
            nodes_changed,
        )
    }

    /// The box covering the edges at node `n` and its positions `a` and `b`.
    fn region_around(&self, n: NodeId, a: Coord, b: Coord) -> Rect {
        let mut r = Rect::new(a, b);
        for (p, q) in self.topo.incident_edges(n) {
            for c in [self.topo.coord(p), self.topo.coord(q)] {
                r = Rect::new(
                    Coord {
                        x: r.min().x.min(c.x),
                        y: r.min().y.min(c.y),
                    },
                    Coord {
                        x: r.max().x.max(c.x),
                        y: r.max().y.max(c.y),
                    },
                );
            }
        }
        r
    }

    fn ids_of(&self, idx: impl IntoIterator<Item = usize>) -> Vec<String> {
        idx.into_iter()
            .map(|i| self.plan.communities[i].id.clone())
            .collect()
    }

    fn check_node(&self, n: NodeId) -> Result<(), EditError> {
        if (n as usize) < self.topo.node_count() && self.topo.degree(n) > 0 {
            Ok(())
        } else {
            Err(refuse(
                "edit.no_node",
                "该顶点已不存在，请重新选择",
                "that vertex no longer exists; pick it again",
            ))
        }
    }

    // ---- dragging ------------------------------------------------------

    /// Starts dragging node `n`. One drag is one undo step.
    pub fn begin_drag(&mut self, n: NodeId) -> Result<(), EditError> {
        self.check_node(n)?;
        if self.drag.is_some() {
            self.cancel_drag()?;
        }
        let communities = self
            .topo
            .users(n)
            .iter()
            .map(|&c| self.plan.communities[c as usize].clone())
            .collect();
        self.drag = Some(Drag {
            node: n,
            origin: self.topo.coord(n),
            communities,
        });
        Ok(())
    }

    /// Moves the dragged node to `to`, snapping to vertices and barriers within
    /// `snap_m` metres (0: no snapping), and reports the effect.
    pub fn drag_to(&mut self, to: Coord, snap_m: f64) -> Result<Delta, EditError> {
        let Some(drag) = &self.drag else {
            return Err(refuse(
                "edit.no_drag",
                "没有正在拖动的顶点",
                "no vertex is being dragged",
            ));
        };
        let n = drag.node;
        if !(to.x.is_finite() && to.y.is_finite()) {
            return Err(refuse(
                "edit.bad_point",
                "坐标无效",
                "the position is not a finite coordinate",
            ));
        }
        let (target, kind) = if snap_m > 0.0 {
            self.snap(n, to, snap_m)
        } else {
            (to, None)
        };
        let mut delta = self.move_node_to(n, target, true);
        delta.snapped = Some(Snapped {
            lon: target.x,
            lat: target.y,
            kind,
        });
        Ok(delta)
    }

    /// Ends the drag: commits it as one undo step, or reverts it if it made a
    /// boundary cross itself.
    pub fn end_drag(&mut self) -> Result<Delta, EditError> {
        let Some(drag) = self.drag.take() else {
            return Err(refuse(
                "edit.no_drag",
                "没有正在拖动的顶点",
                "no vertex is being dragged",
            ));
        };
        let users: Vec<usize> = self
            .topo
            .users(drag.node)
            .iter()
            .map(|&c| c as usize)
            .collect();
        let crossing = users
            .iter()
            .find(|&&c| crosses_itself(&self.plan.communities[c].geometry));
        if let Some(&c) = crossing {
            let name = self.plan.communities[c].name.clone();
            let mut delta = self.move_node_to(drag.node, drag.origin, false);
            delta.reverted = Some(label(
                format!("这次拖动会使{name}的边界自相交，已撤回"),
                format!("that move would make {name}'s boundary cross itself; it was undone"),
            ));
            return Ok(delta);
        }
        let mut before = self.before();
        for (c, old) in users.iter().zip(&drag.communities) {
            before.communities[*c] = old.clone();
        }
        let n = drag.node;
        let label = label("拖动边界顶点", "move boundary vertex");
        let geometry = self.ids_of(users);
        let mut delta = self.commit(label, before, geometry, Update::Gaps);
        delta.node = Some(n);
        Ok(delta)
    }

    /// Moves node `n` to `to` and re-evaluates around it.
    fn move_node_to(&mut self, n: NodeId, to: Coord, defer_gaps: bool) -> Delta {
        let region = self.region_around(n, self.topo.coord(n), to);
        self.topo.move_node(n, to);
        let users: Vec<usize> = self.topo.users(n).iter().map(|&c| c as usize).collect();
        self.topo
            .write_back(&mut self.plan.communities, users.iter().copied());
        let geometry = self.ids_of(users.iter().copied());
        self.refresh(
            geometry,
            Update::Geometry {
                changed: users,
                region,
                defer_gaps,
            },
        )
    }

    /// Abandons the drag, putting the vertex back.
    pub fn cancel_drag(&mut self) -> Result<Delta, EditError> {
        let Some(drag) = self.drag.take() else {
            return Err(refuse(
                "edit.no_drag",
                "没有正在拖动的顶点",
                "no vertex is being dragged",
            ));
        };
        Ok(self.move_node_to(drag.node, drag.origin, false))
    }

    /// The nearest other vertex, else the nearest point on a barrier, within `snap_m`.
    fn snap(&self, n: NodeId, to: Coord, snap_m: f64) -> (Coord, Option<&'static str>) {
        let frame = Frame::at_lat(to.y);
        let (dx, dy) = frame.deg(snap_m);
        let neighbours: Vec<NodeId> = self
            .topo
            .incident_edges(n)
            .into_iter()
            .flat_map(|(a, b)| [a, b])
            .collect();
        let mut best: Option<(f64, Coord)> = None;
        for m in self
            .topo
            .nodes_in(to.x - dx, to.y - dy, to.x + dx, to.y + dy)
        {
            if m == n || neighbours.contains(&m) {
                continue;
            }
            let c = self.topo.coord(m);
            let d = frame.dist_m(c, to);
            if d <= snap_m && best.is_none_or(|b| d < b.0) {
                best = Some((d, c));
            }
        }
        if let Some((_, c)) = best {
            return (c, Some("vertex"));
        }
        // Roads, lanes and rivers (the evaluation's index; not the street outline).
        let mut best: Option<(f64, Coord)> = None;
        let reach = Rect::new(
            Coord {
                x: to.x - dx,
                y: to.y - dy,
            },
            Coord {
                x: to.x + dx,
                y: to.y + dy,
            },
        );
        self.eval.indices().barriers_near(reach, |run| {
            if run.id == crate::analysis::STREET {
                return;
            }
            for line in run.lines() {
                let p = closest_on(line, to);
                let d = frame.dist_m(p, to);
                if d <= snap_m && best.is_none_or(|b| d < b.0) {
                    best = Some((d, p));
                }
            }
        });
        match best {
            Some((_, c)) => (c, Some("barrier")),
            None => (to, None),
        }
    }

    // ---- vertices ------------------------------------------------------

    /// Inserts a vertex on the community edge nearest to `at` (within `tol_m`),
    /// in every community sharing that edge.
    pub fn insert_vertex(&mut self, at: Coord, tol_m: f64) -> Result<Delta, EditError> {
        let frame = Frame::at_lat(at.y);
        let best = self
            .topo
            .edges()
            .map(|(a, b)| {
                let l = geo::Line::new(self.topo.coord(a), self.topo.coord(b));
                (frame.dist_to_line_m(at, l), a, b, l)
            })
            .filter(|e| e.0 <= tol_m)
            .min_by(|x, y| x.0.total_cmp(&y.0));
        let Some((_, a, b, l)) = best else {
            return Err(refuse(
                "edit.no_edge",
                "附近没有社区边界，请在边界线上点击",
                "no community boundary near that point; click on a boundary line",
            ));
        };
        let p = closest_on(l, at);
        if p == l.start || p == l.end {
            return Err(refuse(
                "edit.on_vertex",
                "该处已有顶点",
                "there is already a vertex there",
            ));
        }
        let before = self.before();
        let (node, changed) = self.topo.insert_node(a, b, p);
        let changed: Vec<usize> = changed.into_iter().map(|c| c as usize).collect();
        self.topo
            .write_back(&mut self.plan.communities, changed.iter().copied());
        let geometry = self.ids_of(changed.iter().copied());
        let region = Rect::new(l.start, l.end);
        let mut delta = self.commit(
            label("插入边界顶点", "insert boundary vertex"),
            before,
            geometry,
            Update::Geometry {
                changed,
                region,
                defer_gaps: false,
            },
        );
        delta.nodes_changed = true;
        delta.node = Some(node);
        Ok(delta)
    }

    /// Deletes vertex `n` from every community using it.
    pub fn delete_vertex(&mut self, n: NodeId) -> Result<Delta, EditError> {
        self.check_node(n)?;
        let before = self.before();
        let region = self.region_around(n, self.topo.coord(n), self.topo.coord(n));
        let changed = self.topo.remove_node(n).map_err(|e| match e {
            TopologyError::Junction => refuse(
                "edit.junction",
                "该顶点是几条边界的交汇点，删除会产生空白或重叠；请拖动它",
                "this vertex is where boundaries meet; deleting it would open a gap or an overlap — drag it instead",
            ),
            TopologyError::TooFewPoints => refuse("edit.too_few_points", "边界至少需要 3 个顶点", "a boundary needs at least 3 vertices"),
            _ => refuse("edit.no_node", "该顶点已不存在", "that vertex no longer exists"),
        })?;
        let changed: Vec<usize> = changed.into_iter().map(|c| c as usize).collect();
        self.topo
            .write_back(&mut self.plan.communities, changed.iter().copied());
        if let Some(&c) = changed
            .iter()
            .find(|&&c| crosses_itself(&self.plan.communities[c].geometry))
        {
            let name = self.plan.communities[c].name.clone();
            self.plan.communities = before.communities;
            self.topo = Topology::build(&mut self.plan.communities);
            return Err(refuse(
                "edit.self_intersection",
                format!("删除该顶点会使{name}的边界自相交"),
                format!("deleting that vertex would make {name}'s boundary cross itself"),
            ));
        }
        let geometry = self.ids_of(changed.iter().copied());
        let mut delta = self.commit(
            label("删除边界顶点", "delete boundary vertex"),
            before,
            geometry,
            Update::Geometry {
                changed,
                region,
                defer_gaps: false,
            },
        );
        delta.nodes_changed = true;
        Ok(delta)
    }

    // ---- structural edits ----------------------------------------------

    /// Gives a compound or grid cell to community `to`; the boundaries follow it.
    pub fn reassign(
        &mut self,
        layer: Layer,
        feature_id: &str,
        to: &str,
    ) -> Result<Delta, EditError> {
        let (shape, what_zh, what_en): (MultiPolygon, String, String) = match layer {
            Layer::Compound => {
                let c = self
                    .plan
                    .compounds
                    .iter()
                    .find(|c| c.id == feature_id)
                    .ok_or_else(|| no_feature("compound", feature_id))?;
                match &c.shape {
                    CompoundShape::Area(mp) => (mp.clone(), format!("住宅区{}", c.name), format!("compound {}", c.name)),
                    CompoundShape::Point(_) => {
                        return Err(refuse(
                            "edit.point_compound",
                            "该住宅区只有点位，没有范围；请改为调整它所在的网格",
                            "this compound is a point without an outline; reassign its grid cell instead",
                        ))
                    }
                }
            }
            Layer::Grid => {
                let g = self
                    .plan
                    .grids
                    .iter()
                    .find(|g| g.id == feature_id)
                    .ok_or_else(|| no_feature("grid", feature_id))?;
                let code = g.code.clone().unwrap_or_else(|| g.id.clone());
                (
                    g.geometry.clone(),
                    format!("网格 {code}"),
                    format!("grid cell {code}"),
                )
            }
            _ => {
                return Err(refuse(
                    "edit.layer",
                    "只能调整住宅区或网格的归属",
                    "only compounds and grid cells can be reassigned",
                ))
            }
        };
        let t = self.index_of(to)?;
        let before = self.before();
        let mut changed = vec![t];
        let bbox = shape.bounding_rect();
        for (i, c) in self.plan.communities.iter_mut().enumerate() {
            if i == t
                || !bbox
                    .is_some_and(|b| c.geometry.bounding_rect().is_some_and(|r| r.intersects(&b)))
            {
                continue;
            }
            if c.geometry.intersection(&shape).unsigned_area() > 0.0 {
                c.geometry = c.geometry.difference(&shape);
                changed.push(i);
            }
        }
        let target = &mut self.plan.communities[t];
        target.geometry = target.geometry.union(&shape);
        let name = target.name.clone();
        // A community swallowed whole by the feature disappears.
        self.plan.communities.retain(|c| !c.geometry.0.is_empty());
        let geometry = changed
            .iter()
            .filter_map(|&i| before.communities.get(i))
            .map(|c| c.id.clone())
            .filter(|id| self.plan.community(id).is_some())
            .collect();
        Ok(self.commit(
            label(
                format!("将{what_zh}划入{name}"),
                format!("give {what_en} to {name}"),
            ),
            before,
            geometry,
            Update::Rebuild,
        ))
    }

    /// Splits community `id` along `line` (lon/lat). The largest piece keeps the
    /// id and properties; the others become new, unnamed-for-now communities.
    pub fn split(&mut self, id: &str, line: &[Coord]) -> Result<Delta, EditError> {
        use i_overlay::core::fill_rule::FillRule;
        use i_overlay::float::slice::FloatSlice;
        let i = self.index_of(id)?;
        if line.len() < 2 || line.iter().any(|c| !(c.x.is_finite() && c.y.is_finite())) {
            return Err(refuse(
                "edit.bad_line",
                "分割线至少需要两个点",
                "a split line needs at least two points",
            ));
        }
        let shapes: Vec<Vec<Vec<[f64; 2]>>> = self.plan.communities[i]
            .geometry
            .0
            .iter()
            .map(|p| {
                std::iter::once(p.exterior())
                    .chain(p.interiors())
                    .map(|r| r.0[..r.0.len() - 1].iter().map(|c| [c.x, c.y]).collect())
                    .collect()
            })
            .collect();
        let path: Vec<[f64; 2]> = line.iter().map(|c| [c.x, c.y]).collect();
        let pieces = shapes.slice_by(&path, FillRule::NonZero);
        let mut polys: Vec<Polygon> = pieces
            .into_iter()
            .map(|shape| to_polygon(&shape))
            .filter(|p| p.unsigned_area() > 0.0)
            .collect();
        if polys.len() < 2 {
            return Err(refuse(
                "edit.split_miss",
                "分割线须完整穿过该社区",
                "the line must cross the community from side to side",
            ));
        }
        crate::order::sort_by_key(&mut polys, |p| (crate::order::desc(p.unsigned_area()), 0));
        let before = self.before();
        let original = self.plan.communities[i].clone();
        let name = original.name.clone();
        self.plan.communities[i].geometry = MultiPolygon::new(vec![polys.remove(0)]);
        let mut geometry = vec![original.id.clone()];
        for p in polys {
            let new_id = self.fresh_id(&original.id);
            let new_name = self.fresh_name();
            geometry.push(new_id.clone());
            self.plan.communities.push(Community {
                id: new_id,
                name: new_name,
                kind: original.kind,
                committee_size: None,
                full_time_staff: None,
                committees: None,
                service_center: None,
                explanations: Default::default(),
                geometry: MultiPolygon::new(vec![p]),
                extra: Default::default(),
            });
        }
        Ok(self.commit(
            label(format!("拆分{name}"), format!("split {name}")),
            before,
            geometry,
            Update::Rebuild,
        ))
    }

    /// Merges community `absorb` into `keep`, which keeps its id and properties.
    pub fn merge(&mut self, keep: &str, absorb: &str) -> Result<Delta, EditError> {
        let (k, a) = (self.index_of(keep)?, self.index_of(absorb)?);
        if k == a {
            return Err(refuse(
                "edit.same",
                "请选择两个不同的社区",
                "choose two different communities",
            ));
        }
        let adjacent = self
            .eval
            .community_reports()
            .get(k)
            .is_some_and(|c| c.neighbours.iter().any(|n| n.id == absorb));
        if !adjacent {
            return Err(refuse(
                "edit.not_adjacent",
                "只能合并相邻的社区",
                "only adjacent communities can be merged",
            ));
        }
        let before = self.before();
        let absorbed = self.plan.communities.remove(a);
        let k = if a < k { k - 1 } else { k };
        let keep_c = &mut self.plan.communities[k];
        keep_c.geometry = keep_c.geometry.union(&absorbed.geometry);
        if keep_c.service_center.is_none() {
            keep_c.service_center = absorbed.service_center.clone();
        }
        let (kn, an) = (keep_c.name.clone(), absorbed.name.clone());
        let geometry = vec![keep.to_string()];
        Ok(self.commit(
            label(format!("将{an}并入{kn}"), format!("merge {an} into {kn}")),
            before,
            geometry,
            Update::Rebuild,
        ))
    }

    /// Creates a community from a drawn ring; the area is taken from the
    /// communities it overlaps.
    pub fn create_community(
        &mut self,
        ring: &[Coord],
        id: &str,
        name: &str,
    ) -> Result<Delta, EditError> {
        if ring.len() < 3 || ring.iter().any(|c| !(c.x.is_finite() && c.y.is_finite())) {
            return Err(refuse(
                "edit.bad_ring",
                "新社区的范围至少需要 3 个点",
                "a new community needs at least 3 points",
            ));
        }
        let id = if id.trim().is_empty() {
            self.fresh_id("C")
        } else {
            id.trim().to_string()
        };
        if self.plan.community(&id).is_some() {
            return Err(refuse(
                "edit.duplicate_id",
                format!("编号 {id:?} 已被使用"),
                format!("the id {id:?} is already used"),
            ));
        }
        let mut cs = ring.to_vec();
        cs.push(cs[0]);
        let poly = Polygon::new(geo::LineString::new(cs), vec![]);
        let shape = MultiPolygon::new(vec![poly]).union(&MultiPolygon::new(vec![]));
        if shape.0.is_empty() || crosses_itself(&shape) {
            return Err(refuse(
                "edit.bad_ring",
                "新社区的范围不能自相交",
                "the outline of a new community must not cross itself",
            ));
        }
        let before = self.before();
        let mut geometry = vec![id.clone()];
        for c in self.plan.communities.iter_mut() {
            if c.geometry.intersection(&shape).unsigned_area() > 0.0 {
                c.geometry = c.geometry.difference(&shape);
                geometry.push(c.id.clone());
            }
        }
        self.plan.communities.retain(|c| !c.geometry.0.is_empty());
        let name = if name.trim().is_empty() {
            self.fresh_name()
        } else {
            name.trim().to_string()
        };
        self.plan.communities.push(Community {
            id: id.clone(),
            name: name.clone(),
            kind: CommunityKind::Standard,
            committee_size: None,
            full_time_staff: None,
            committees: None,
            service_center: None,
            explanations: Default::default(),
            geometry: shape,
            extra: Default::default(),
        });
        geometry.retain(|g| self.plan.community(g).is_some());
        Ok(self.commit(
            label(format!("新建{name}"), format!("create {name}")),
            before,
            geometry,
            Update::Rebuild,
        ))
    }

    /// Replaces the communities with `communities` (a suggestion or a repair
    /// applied, see [`crate::adjust`]) as one undoable edit.
    pub fn replace_communities(
        &mut self,
        communities: Vec<Community>,
        label_zh: &str,
        label_en: &str,
    ) -> Result<Delta, EditError> {
        let mut seen = std::collections::HashSet::new();
        if let Some(c) = communities.iter().find(|c| !seen.insert(c.id.as_str())) {
            return Err(refuse(
                "edit.duplicate_id",
                format!("编号 {:?} 重复", c.id),
                format!("the id {:?} is used twice", c.id),
            ));
        }
        let before = self.before();
        let geometry = communities
            .iter()
            .filter(|c| self.plan.community(&c.id) != Some(*c))
            .map(|c| c.id.clone())
            .collect();
        self.plan.communities = communities;
        Ok(self.commit(
            label(label_zh.to_string(), label_en.to_string()),
            before,
            geometry,
            Update::Rebuild,
        ))
    }

    /// Deletes community `id`; its area becomes nobody's until reassigned.
    pub fn delete_community(&mut self, id: &str) -> Result<Delta, EditError> {
        let i = self.index_of(id)?;
        let before = self.before();
        let c = self.plan.communities.remove(i);
        Ok(self.commit(
            label(format!("删除{}", c.name), format!("delete {}", c.name)),
            before,
            Vec::new(),
            Update::Rebuild,
        ))
    }

    /// Changes a community's properties.
    pub fn update_community(
        &mut self,
        id: &str,
        patch: &CommunityPatch,
    ) -> Result<Delta, EditError> {
        let i = self.index_of(id)?;
        // The loader's limits: an edited plan always exports to a file that loads.
        for (field, value, max) in [
            ("committee_size", patch.committee_size, MAX_COMMITTEE_SIZE),
            (
                "full_time_staff",
                patch.full_time_staff,
                MAX_FULL_TIME_STAFF,
            ),
        ] {
            if value.flatten().is_some_and(|n| n > max) {
                return Err(refuse(
                    "edit.bad_value",
                    format!("{field} 应为不超过 {max} 的整数"),
                    format!("{field} must be a whole number up to {max}"),
                ));
            }
        }
        for (code, reason) in &patch.explanations {
            if let Some(p) = reason
                .as_deref()
                .and_then(|r| crate::model::explanation_problem(code, r))
            {
                return Err(refuse("edit.bad_explanation", p.zh, p.en));
            }
        }
        if let Some(Some(sc)) = &patch.service_center {
            if self.plan.center(sc).is_none() {
                return Err(refuse(
                    "edit.no_center",
                    format!("没有编号为 {sc:?} 的党群服务中心"),
                    format!("there is no service centre with id {sc:?}"),
                ));
            }
        }
        let before = self.before();
        let c = &mut self.plan.communities[i];
        if let Some(v) = &patch.name {
            c.name = v.clone();
        }
        if let Some(v) = patch.kind {
            c.kind = v;
        }
        if let Some(v) = patch.committee_size {
            c.committee_size = v;
        }
        if let Some(v) = patch.full_time_staff {
            c.full_time_staff = v;
        }
        if let Some(v) = &patch.committees {
            c.committees = v.clone();
        }
        if let Some(v) = &patch.service_center {
            c.service_center = v.clone();
        }
        for (code, reason) in &patch.explanations {
            match reason {
                Some(r) => c.explanations.insert(code.clone(), r.trim().to_string()),
                None => c.explanations.remove(code),
            };
        }
        for (k, v) in &patch.extra {
            match v {
                Some(v) => c.extra.insert(k.clone(), v.clone()),
                None => c.extra.remove(k),
            };
        }
        let name = c.name.clone();
        Ok(self.commit(
            label(format!("修改{name}的属性"), format!("edit {name}")),
            before,
            Vec::new(),
            Update::Properties(vec![i]),
        ))
    }

    /// Changes a service centre's properties or position.
    pub fn update_center(&mut self, id: &str, patch: &CenterPatch) -> Result<Delta, EditError> {
        let i = self
            .plan
            .centers
            .iter()
            .position(|c| c.id == id)
            .ok_or_else(|| no_feature("service_center", id))?;
        if let Some(p) = patch.location {
            if !(p.x().is_finite()
                && p.y().is_finite()
                && p.x().abs() <= 180.0
                && p.y().abs() <= 90.0)
            {
                return Err(refuse(
                    "edit.bad_point",
                    "坐标无效",
                    "the position is not a valid longitude/latitude",
                ));
            }
        }
        if patch
            .floor_area_m2
            .flatten()
            .is_some_and(|a| !(0.0..=1_000_000.0).contains(&a))
        {
            return Err(refuse(
                "edit.bad_area",
                "面积应在 0 至 1,000,000 平方米之间",
                "floor area must be between 0 and 1,000,000 m²",
            ));
        }
        let before = self.before();
        let c = &mut self.plan.centers[i];
        if let Some(v) = &patch.name {
            c.name = v.clone();
        }
        if let Some(v) = patch.floor_area_m2 {
            c.floor_area_m2 = v;
        }
        if let Some(v) = &patch.services {
            c.services = v.clone();
        }
        if let Some(p) = patch.location {
            c.location = p;
        }
        let name = c.name.clone();
        Ok(self.commit(
            label(format!("修改{name}"), format!("edit {name}")),
            before,
            Vec::new(),
            Update::Properties(Vec::new()),
        ))
    }

    /// Sets compounds' household counts, as the households table `source`
    /// joined to the plan says: one undo step. Unchanged counts are skipped;
    /// for a compound named twice the last counts hold. Counts the loader
    /// would refuse are refused here, so that the plan always exports to a
    /// file that loads again.
    pub fn set_households(
        &mut self,
        changes: &[HouseholdsChange],
        source: &str,
    ) -> Result<Delta, EditError> {
        if self.drag.is_some() {
            let _ = self.cancel_drag();
        }
        let max = crate::load::LoadOptions::default().max_households_per_compound;
        if let Some(ch) = changes
            .iter()
            .find(|ch| ch.households.max(ch.planned_households.unwrap_or(0)) > max)
        {
            return Err(refuse(
                "edit.bad_households",
                format!("小区 {:?} 的户数超过 {max}，请核对户数表", ch.compound),
                format!(
                    "compound {:?}: more than {max} households; check the households table",
                    ch.compound
                ),
            ));
        }
        let index: HashMap<&str, usize> = self
            .plan
            .compounds
            .iter()
            .enumerate()
            .map(|(k, c)| (c.id.as_str(), k))
            .collect();
        // Per compound, the counts asked for (the last, when asked twice).
        let mut asked = vec![None; self.plan.compounds.len()];
        for ch in changes {
            let k = *index
                .get(ch.compound.as_str())
                .ok_or_else(|| no_feature("compound", &ch.compound))?;
            asked[k] = Some((ch.households, ch.planned_households));
        }
        let patch: CountsPatch = asked
            .into_iter()
            .enumerate()
            .filter_map(|(k, a)| {
                let (households, planned) = a?;
                let c = &self.plan.compounds[k];
                let before = [c.households, c.planned_households];
                let after = [households, planned.unwrap_or(c.planned_households)];
                (before != after).then_some((k, before, after))
            })
            .collect();
        if patch.is_empty() {
            // Every count is as asked already: no step, nothing to evaluate.
            return Ok(self.refresh(Vec::new(), Update::Nothing));
        }
        set_counts(&mut self.plan.compounds, &patch, true);
        let compounds = self.counts_of(&patch);
        self.undo.push(Step {
            label: label(
                format!("导入户数表 {source}"),
                format!("households from {source}"),
            ),
            communities: ListPatch::none(),
            centers: ListPatch::none(),
            compounds: patch,
            info: None,
        });
        self.redo.clear();
        let mut delta = self.refresh(Vec::new(), Update::Rebuilt);
        delta.compounds = compounds;
        Ok(delta)
    }

    /// The compounds a counts patch names, with their counts now.
    fn counts_of(&self, patch: &CountsPatch) -> Vec<HouseholdsChange> {
        patch
            .iter()
            .map(|&(k, _, _)| {
                let c = &self.plan.compounds[k];
                HouseholdsChange {
                    compound: c.id.clone(),
                    households: c.households,
                    planned_households: Some(c.planned_households),
                }
            })
            .collect()
    }

    // ---- history ---------------------------------------------------------

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Labels of the next undo and redo steps.
    pub fn history(&self) -> (Option<&Label>, Option<&Label>) {
        (
            self.undo.last().map(|s| &s.label),
            self.redo.last().map(|s| &s.label),
        )
    }

    pub fn undo(&mut self) -> Option<Delta> {
        if self.drag.is_some() {
            let _ = self.cancel_drag();
        }
        let step = self.undo.pop()?;
        step.communities.revert(&mut self.plan.communities);
        step.centers.revert(&mut self.plan.centers);
        set_counts(&mut self.plan.compounds, &step.compounds, false);
        self.set_info(&step, false);
        let geometry = step
            .communities
            .removed
            .iter()
            .map(|(_, c)| c.id.clone())
            .collect();
        let delta = self.after_history(geometry, &step);
        self.redo.push(step);
        Some(delta)
    }

    pub fn redo(&mut self) -> Option<Delta> {
        let step = self.redo.pop()?;
        step.communities.apply(&mut self.plan.communities);
        step.centers.apply(&mut self.plan.centers);
        set_counts(&mut self.plan.compounds, &step.compounds, true);
        self.set_info(&step, true);
        let geometry = step
            .communities
            .inserted
            .iter()
            .map(|(_, c)| c.id.clone())
            .collect();
        let delta = self.after_history(geometry, &step);
        self.undo.push(step);
        Some(delta)
    }

    fn after_history(&mut self, geometry: Vec<String>, step: &Step) -> Delta {
        let geometry = geometry
            .into_iter()
            .filter(|id: &String| self.plan.community(id).is_some())
            .collect();
        let only_info =
            step.communities.is_empty() && step.centers.is_empty() && step.compounds.is_empty();
        let update = if only_info {
            Update::Nothing
        } else {
            Update::Rebuild
        };
        let mut delta = self.refresh(geometry, update);
        delta.centers_changed = !step.centers.is_empty();
        delta.edited = delta.geometry.clone();
        delta.compounds = self.counts_of(&step.compounds);
        delta
    }

    fn set_info(&mut self, step: &Step, after: bool) {
        if let Some(both) = &step.info {
            match &both[usize::from(after)] {
                serde_json::Value::Null => self.plan.meta.remove(PLAN_INFO),
                v => self.plan.meta.insert(PLAN_INFO.into(), v.clone()),
            };
        }
    }

    /// Sets keys of the plan's own record (the plan file's top-level `shequ`
    /// member): `title`, `signoff` (编制单位、联系人、审核、日期 …) and `locked`
    /// (communities adjustment must leave as they are); null removes a key.
    /// Checked as the loader checks them; one undo step; nothing is
    /// re-evaluated (no rule reads the record).
    pub fn set_plan_info(&mut self, patch: &JsonObject) -> Result<Delta, EditError> {
        use serde_json::Value;
        let mut info = self.plan.info().cloned().unwrap_or_default();
        for (key, value) in patch {
            let problem = plan_info_problem(key, value)
                .filter(|_| !(value.is_null() && PLAN_INFO_KEYS.contains(&key.as_str())));
            if let Some(p) = problem {
                return Err(refuse("edit.bad_plan_info", p.zh, p.en));
            }
            info.insert(key.clone(), value.clone());
        }
        info.retain(|_, v| !v.is_null());
        let before = self
            .plan
            .meta
            .get(PLAN_INFO)
            .cloned()
            .unwrap_or(Value::Null);
        let step = Step {
            label: label("修改方案信息", "edit the plan's details"),
            communities: ListPatch::none(),
            centers: ListPatch::none(),
            compounds: Vec::new(),
            info: Some([before, Value::Object(info)].map(|v| match v {
                Value::Object(o) if o.is_empty() => Value::Null,
                v => v,
            })),
        };
        self.set_info(&step, true);
        self.undo.push(step);
        self.redo.clear();
        Ok(self.refresh(Vec::new(), Update::Nothing))
    }

    fn fresh_id(&self, base: &str) -> String {
        (2..)
            .map(|k| format!("{base}-{k}"))
            .find(|id| self.plan.community(id).is_none())
            .unwrap_or_default()
    }

    fn fresh_name(&self) -> String {
        (1..)
            .map(|k| format!("新社区{k}"))
            .find(|n| !self.plan.communities.iter().any(|c| &c.name == n))
            .unwrap_or_default()
    }
}

/// Properties of a community that an edit may change; `None` leaves one as is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommunityPatch {
    pub name: Option<String>,
    pub kind: Option<CommunityKind>,
    pub committee_size: Option<Option<u32>>,
    pub full_time_staff: Option<Option<u32>>,
    pub committees: Option<Option<Vec<Committee>>>,
    pub service_center: Option<Option<String>>,
    /// Reasons for findings, by code: `(code, Some(reason))` explains one,
    /// `(code, None)` withdraws the explanation.
    pub explanations: Vec<(String, Option<String>)>,
    /// Properties the engine does not interpret (kept in `extra`, written back
    /// on export): `(key, Some(value))` sets one, `(key, None)` removes it.
    pub extra: Vec<(String, Option<geojson::JsonValue>)>,
}

/// A compound's household counts ([`Session::set_households`], [`Delta`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HouseholdsChange {
    /// The compound's id.
    #[serde(rename = "id")]
    pub compound: String,
    pub households: u32,
    /// `None`: unchanged.
    pub planned_households: Option<u32>,
}

/// Properties of a service centre that an edit may change.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CenterPatch {
    pub name: Option<String>,
    pub floor_area_m2: Option<Option<f64>>,
    pub services: Option<Option<Vec<Service>>>,
    pub location: Option<geo::Point>,
}

fn no_feature(layer: &str, id: &str) -> EditError {
    refuse(
        "edit.no_feature",
        format!("{layer} 图层中没有编号为 {id:?} 的要素"),
        format!("the {layer} layer has no feature with id {id:?}"),
    )
}

/// Whether `mp` is not a valid polygon (a boundary crossing itself or another).
fn crosses_itself(mp: &MultiPolygon) -> bool {
    matches!(crate::load::first_invalidity(mp), Ok(Some(_)))
}

fn closest_on(l: geo::Line, p: Coord) -> Coord {
    let (dx, dy) = (l.end.x - l.start.x, l.end.y - l.start.y);
    let len2 = dx * dx + dy * dy;
    if len2 == 0.0 {
        return l.start;
    }
    let t = (((p.x - l.start.x) * dx + (p.y - l.start.y) * dy) / len2).clamp(0.0, 1.0);
    Coord {
        x: l.start.x + t * dx,
        y: l.start.y + t * dy,
    }
}

fn to_polygon(shape: &[Vec<[f64; 2]>]) -> Polygon {
    let ring = |pts: &Vec<[f64; 2]>| {
        let mut cs: Vec<Coord> = pts.iter().map(|p| Coord { x: p[0], y: p[1] }).collect();
        if let Some(&f) = cs.first() {
            cs.push(f);
        }
        geo::LineString::new(cs)
    };
    let mut rings = shape.iter().map(ring);
    let exterior = rings.next().unwrap_or_else(|| geo::LineString::new(vec![]));
    Polygon::new(exterior, rings.collect())
}

/// What an edit asks to re-evaluate.
enum Update {
    /// Communities `changed` moved within `region`.
    Geometry {
        changed: Vec<usize>,
        region: Rect,
        defer_gaps: bool,
    },
    /// Only the gaps deferred during a drag.
    Gaps,
    /// Properties of these communities (or, when empty, of service centres).
    Properties(Vec<usize>),
    /// Communities were added or removed: start afresh.
    Rebuild,
    /// As `Rebuild`, with the topology already rebuilt.
    Rebuilt,
    /// Nothing changed: the Delta only restates the totals.
    Nothing,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{row_plan, SIDE, X0, Y0};

    fn session() -> Session {
        Session::new(
            row_plan(&[
                ("A", &[1200, 1300]),
                ("B", &[900, 900]),
                ("C", &[1000, 1500]),
            ]),
            Profile::default(),
        )
    }

    fn node(s: &Session, x: f64, y: f64) -> NodeId {
        s.topology().node_at(Coord { x, y }, 1e-9).unwrap()
    }

    fn households(s: &Session, id: &str) -> u64 {
        s.report().community(id).unwrap().households
    }

    /// Moves the shared edge between A and B to longitude `x`.
    fn move_ab_edge(s: &mut Session, x: f64) {
        for y in [Y0, Y0 + SIDE] {
            let n = node(s, X0 + SIDE, y);
            s.begin_drag(n).unwrap();
            s.drag_to(Coord { x, y }, 0.0).unwrap();
            s.end_drag().unwrap();
        }
    }

    #[test]
    fn counts_beyond_the_loaders_limits_are_refused_so_the_export_loads() {
        let mut s = session();
        let patch = CommunityPatch {
            committee_size: Some(Some(MAX_COMMITTEE_SIZE + 1)),
            ..Default::default()
        };
        assert_eq!(
            s.update_community("A", &patch).unwrap_err().code,
            "edit.bad_value"
        );
        let patch = CommunityPatch {
            committee_size: Some(Some(MAX_COMMITTEE_SIZE)),
            full_time_staff: Some(Some(MAX_FULL_TIME_STAFF)),
            ..Default::default()
        };
        s.update_community("A", &patch).unwrap();
        let text = crate::export::to_geojson_string(s.plan());
        crate::load::load_plan("p.geojson", text.as_bytes(), &Default::default()).unwrap();
        let patch = CommunityPatch {
            full_time_staff: Some(Some(MAX_FULL_TIME_STAFF + 1)),
            ..Default::default()
        };
        assert!(s.update_community("A", &patch).is_err());
    }

    #[test]
    fn the_plans_details_are_one_undoable_step_checked_as_the_loader_checks_them() {
        use serde_json::json;
        let mut s = session();
        let set = |k: &str, v: serde_json::Value| {
            let mut m = JsonObject::new();
            m.insert(k.into(), v);
            m
        };
        s.set_plan_info(&set("title", json!("文昌街道社区优化方案")))
            .unwrap();
        s.set_plan_info(&set("locked", json!(["A"]))).unwrap();
        assert_eq!(s.plan().locked(), ["A"]);
        assert_eq!(s.plan().info().unwrap()["title"], "文昌街道社区优化方案");
        // What the loader refuses, the edit refuses; nothing changes.
        for (k, v) in [
            ("title", json!("长".repeat(MAX_TITLE_CHARS + 1))),
            ("signoff", json!({"审核": 3})),
            ("locked", json!("A")),
            ("baseline", json!({})),
        ] {
            let e = s.set_plan_info(&set(k, v)).unwrap_err();
            assert_eq!(e.code, "edit.bad_plan_info", "{k}");
        }
        assert_eq!(s.history().0.unwrap().en, "edit the plan's details");
        // It exports and loads again.
        let text = crate::export::to_geojson_string(s.plan());
        let back =
            crate::load::load_plan("p.geojson", text.as_bytes(), &Default::default()).unwrap();
        assert_eq!(back.plan.meta, s.plan().meta);
        // Removing a key; then undo, undo, undo back to no record at all.
        s.set_plan_info(&set("title", serde_json::Value::Null))
            .unwrap();
        assert!(s.plan().info().unwrap().get("title").is_none());
        s.undo().unwrap();
        assert_eq!(s.plan().info().unwrap()["title"], "文昌街道社区优化方案");
        s.undo().unwrap();
        assert!(s.plan().locked().is_empty());
        s.undo().unwrap();
        assert!(s.plan().info().is_none());
        assert!(!s.can_undo());
        s.redo().unwrap();
        assert_eq!(s.plan().info().unwrap()["title"], "文昌街道社区优化方案");
    }

    #[test]
    fn households_from_a_table_are_one_undoable_step() {
        let mut s = session();
        let rename = CommunityPatch {
            name: Some("乙".into()),
            ..Default::default()
        };
        s.update_community("B", &rename).unwrap(); // an edit before the join
        let change = |compound: &str, households, planned: u32| HouseholdsChange {
            compound: compound.into(),
            households,
            planned_households: Some(planned),
        };
        let d = s
            .set_households(&[change("B-0", 2000, 100), change("B-1", 900, 0)], "hh.csv")
            .unwrap();
        let ids = |d: &Delta| {
            d.compounds
                .iter()
                .map(|c| c.compound.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&d), ["B-0"], "B-1 is unchanged");
        assert_eq!(
            (d.compounds[0].households, d.compounds[0].planned_households),
            (2000, Some(100))
        );
        let reported: Vec<_> = d
            .communities
            .iter()
            .map(|c| (c.id.as_str(), c.households, c.households_total))
            .collect();
        assert_eq!(reported, [("B", 2900, 3000)]);
        let cmp = s.report().comparison.unwrap();
        assert!(cmp
            .households
            .iter()
            .any(|c| c.id == "B" && c.before == 1800 && c.after == 3000));
        assert_eq!(s.history().0.unwrap().en, "households from hh.csv");

        let d = s.undo().unwrap();
        assert_eq!(ids(&d), ["B-0"]);
        assert_eq!(
            (d.compounds[0].households, d.compounds[0].planned_households),
            (900, Some(0))
        );
        assert_eq!(households(&s, "B"), 1800);
        let b0 = |s: &Session| {
            s.plan()
                .compounds
                .iter()
                .find(|c| c.id == "B-0")
                .unwrap()
                .clone()
        };
        assert_eq!((b0(&s).households, b0(&s).planned_households), (900, 0));
        // The rename before it is still undoable.
        assert!(s.can_undo());
        s.redo().unwrap();
        assert_eq!((b0(&s).households, b0(&s).planned_households), (2000, 100));
        assert_eq!(households(&s, "B"), 2900);
    }

    #[test]
    fn households_that_would_not_load_again_are_refused() {
        let mut s = session();
        let change = |compound: &str, households| HouseholdsChange {
            compound: compound.into(),
            households,
            planned_households: None,
        };
        let e = s
            .set_households(&[change("nope", 10)], "hh.csv")
            .unwrap_err();
        assert_eq!(e.code, "edit.no_feature");
        let e = s
            .set_households(&[change("A-0", 20_001)], "hh.csv")
            .unwrap_err();
        assert_eq!(e.code, "edit.bad_households");
        assert!(e.message_en.contains("A-0"), "{}", e.message_en);
        assert!(!s.can_undo());
        assert_eq!(households(&s, "A"), 2500);
    }

    #[test]
    fn another_profile_keeps_the_history_and_the_comparison() {
        let mut s = session();
        move_ab_edge(&mut s, X0 + 0.0045);
        let moved = s.report();
        let national = Profile::builtin("national-2025").unwrap();
        let d = s.set_profile(national.clone());
        let fresh = crate::evaluate(s.plan(), &national);
        let now = s.report();
        assert_eq!(now.profile, "national-2025");
        assert_eq!(now.findings, fresh.findings);
        assert_eq!(now.communities, fresh.communities);
        assert_eq!(d.totals, fresh.totals);
        assert_ne!(
            now.totals, moved.totals,
            "the national profile reads the plan differently"
        );
        assert_eq!(
            now.comparison, moved.comparison,
            "the comparison is geometry"
        );
        assert!(s.can_undo(), "the history stays");
        // Undo under the new profile: the plan as it was, read by the new profile.
        while s.can_undo() {
            s.undo().unwrap();
        }
        let start = crate::evaluate(s.plan(), &national);
        assert_eq!(s.report().findings, start.findings);
        assert_eq!(s.report().totals, start.totals);
        assert!(s.report().comparison.unwrap().households.is_empty());
    }

    #[test]
    fn households_already_as_asked_are_no_step() {
        let mut s = session();
        let before = s.report();
        let same: Vec<_> = s
            .plan()
            .compounds
            .iter()
            .map(|c| HouseholdsChange {
                compound: c.id.clone(),
                households: c.households,
                planned_households: Some(c.planned_households),
            })
            .collect();
        let d = s.set_households(&same, "hh.csv").unwrap();
        assert!(d.compounds.is_empty() && d.communities.is_empty());
        assert!(d.findings_added.is_empty() && d.findings_removed.is_empty());
        assert_eq!(d.totals, before.totals);
        assert!(
            !s.can_undo(),
            "no undo step for a table that changes nothing"
        );
        assert_eq!(s.report(), before);
    }

    #[test]
    fn dragging_a_shared_vertex_moves_both_communities() {
        let mut s = session();
        let n = node(&s, X0 + SIDE, Y0);
        s.begin_drag(n).unwrap();
        let d = s
            .drag_to(
                Coord {
                    x: X0 + SIDE - 0.002,
                    y: Y0,
                },
                0.0,
            )
            .unwrap();
        assert_eq!(d.geometry, ["A", "B"]);
        let has = |id: &str| {
            s.plan().community(id).unwrap().geometry.0[0]
                .exterior()
                .0
                .contains(&Coord {
                    x: X0 + SIDE - 0.002,
                    y: Y0,
                })
        };
        assert!(has("A") && has("B"));
        assert!(s
            .report()
            .findings_with_code("boundary.overlap")
            .next()
            .is_none());
        assert!(s
            .report()
            .findings_with_code("boundary.gap")
            .next()
            .is_none());
    }

    #[test]
    fn households_follow_the_boundary_and_undo_restores_them() {
        let mut s = session();
        let start = s.report();
        move_ab_edge(&mut s, X0 + 0.0045);
        assert_eq!(households(&s, "A"), 1200);
        assert_eq!(households(&s, "B"), 3100);
        let moves = s.report().comparison.unwrap().moves;
        assert_eq!(moves.len(), 1);
        assert_eq!(moves[0].to.as_deref(), Some("B"));
        s.undo().unwrap();
        s.undo().unwrap();
        assert_eq!(
            s.report(),
            start,
            "undo back to the start restores the report exactly"
        );
        assert!(!s.can_undo());
        s.redo().unwrap();
        s.redo().unwrap();
        assert_eq!(households(&s, "B"), 3100);
    }

    #[test]
    fn drag_deltas_name_what_changed() {
        let mut s = session();
        let n = node(&s, X0 + SIDE, Y0);
        s.begin_drag(n).unwrap();
        let d = s
            .drag_to(
                Coord {
                    x: X0 + 0.0045,
                    y: Y0,
                },
                0.0,
            )
            .unwrap();
        let ids: Vec<_> = d.communities.iter().map(|c| c.id.as_str()).collect();
        assert!(
            ids.contains(&"A") && ids.contains(&"B") && !ids.contains(&"C"),
            "{ids:?}"
        );
        assert_eq!(d.order, None, "a drag keeps the order");
        let cancelled = s.cancel_drag().unwrap();
        assert!(cancelled.communities.iter().any(|c| c.id == "A"));
        assert!(!s.can_undo());
    }

    #[test]
    fn snapping_prefers_vertices_then_barriers() {
        let mut s = session();
        let n = node(&s, X0 + SIDE, Y0 + SIDE);
        s.begin_drag(n).unwrap();
        // 5 m south of the north road, far from any vertex: snaps onto the road.
        let d = s
            .drag_to(
                Coord {
                    x: X0 + SIDE + 0.003,
                    y: Y0 + SIDE - 0.000045,
                },
                20.0,
            )
            .unwrap();
        let snapped = d.snapped.unwrap();
        assert_eq!(snapped.kind, Some("barrier"));
        assert!((snapped.lat - (Y0 + SIDE)).abs() < 1e-12);
        // 14 m from C's north-east corner (not a neighbour of the dragged vertex):
        // the vertex wins over the roads 9 m and 11 m away.
        let d = s
            .drag_to(
                Coord {
                    x: X0 + 3.0 * SIDE - 0.0001,
                    y: Y0 + SIDE - 0.0001,
                },
                20.0,
            )
            .unwrap();
        assert_eq!(d.snapped.unwrap().kind, Some("vertex"));
        s.cancel_drag().unwrap();
    }

    #[test]
    fn a_drag_that_crosses_the_boundary_is_reverted() {
        let mut s = session();
        let n = node(&s, X0, Y0);
        s.begin_drag(n).unwrap();
        // Pull A's south-west corner past its own north edge: a bow-tie.
        s.drag_to(
            Coord {
                x: X0 + 0.005,
                y: Y0 + SIDE + 0.002,
            },
            0.0,
        )
        .unwrap();
        let d = s.end_drag().unwrap();
        assert!(d.reverted.is_some());
        assert!(!s.can_undo());
        assert_eq!(s.topology().coord(n), Coord { x: X0, y: Y0 });
    }

    #[test]
    fn insert_and_delete_on_a_shared_edge() {
        let mut s = session();
        let d = s
            .insert_vertex(
                Coord {
                    x: X0 + SIDE + 0.00001,
                    y: Y0 + 0.005,
                },
                10.0,
            )
            .unwrap();
        let n = d.node.unwrap();
        assert_eq!(s.topology().degree(n), 2);
        assert_eq!(
            s.topology().coord(n).x,
            X0 + SIDE,
            "projected onto the edge"
        );
        s.begin_drag(n).unwrap();
        s.drag_to(
            Coord {
                x: X0 + SIDE + 0.002,
                y: Y0 + 0.005,
            },
            0.0,
        )
        .unwrap();
        s.end_drag().unwrap();
        assert!(s
            .report()
            .findings_with_code("boundary.overlap")
            .next()
            .is_none());
        assert!(s.delete_vertex(n).is_ok());
        let corner = node(&s, X0 + SIDE, Y0);
        assert_eq!(s.delete_vertex(corner).unwrap_err().code, "edit.junction");
        assert!(s.insert_vertex(Coord { x: 119.0, y: 32.0 }, 10.0).is_err());
    }

    #[test]
    fn reassigning_a_compound_moves_the_boundary_with_it() {
        let mut s = session();
        let d = s.reassign(Layer::Compound, "A-1", "B").unwrap();
        assert_eq!(households(&s, "A"), 1200);
        assert_eq!(households(&s, "B"), 3100);
        assert!(d.nodes_changed);
        for code in ["boundary.overlap", "boundary.gap"] {
            assert!(
                s.report().findings_with_code(code).next().is_none(),
                "{code}"
            );
        }
        // A now has a hole where the compound was... inside B's exclave: B is in two parts.
        assert_eq!(s.report().community("B").unwrap().parts, 2);
        s.undo().unwrap();
        assert_eq!(households(&s, "B"), 1800);
    }

    #[test]
    fn reassigning_a_grid_cell_takes_it_whole() {
        let mut s = session();
        s.reassign(Layer::Grid, "B-grid", "A").unwrap();
        assert!(
            s.plan().community("B").is_none(),
            "B was exactly its grid cell"
        );
        assert_eq!(households(&s, "A"), 4300);
        assert!(s.reassign(Layer::Grid, "nope", "A").is_err());
    }

    #[test]
    fn split_and_merge() {
        let mut s = session();
        let line = [
            Coord {
                x: X0 + 0.0045,
                y: Y0 - 0.001,
            },
            Coord {
                x: X0 + 0.0045,
                y: Y0 + SIDE + 0.001,
            },
        ];
        let d = s.split("A", &line).unwrap();
        assert_eq!(d.added.len(), 1);
        let new_id = d.added[0].clone();
        assert_eq!(s.plan().communities.len(), 4);
        assert_eq!(households(&s, "A") + households(&s, &new_id), 2500);
        assert!(s
            .report()
            .findings_with_code("boundary.gap")
            .next()
            .is_none());
        s.merge("A", &new_id).unwrap();
        assert_eq!(households(&s, "A"), 2500);
        assert_eq!(s.report().community("A").unwrap().parts, 1);
        assert_eq!(s.merge("A", "C").unwrap_err().code, "edit.not_adjacent");
        assert_eq!(
            s.split(
                "A",
                &[Coord { x: 119.0, y: 32.0 }, Coord { x: 119.01, y: 32.0 }]
            )
            .unwrap_err()
            .code,
            "edit.split_miss"
        );
    }

    /// Found by the `edits` fuzz target: rebuilding the topology after a split
    /// nodes the neighbours' edges too; the undo step must hold that change.
    #[test]
    fn undoing_a_split_restores_the_neighbours_exactly() {
        let plan = crate::testing::grid_plan(&[
            &[("甲社区", &[1200, 1300]), ("乙社区", &[900])],
            &[("丙社区", &[2000]), ("丁社区", &[300, 200])],
        ]);
        let mut s = Session::new(plan, Profile::default());
        let start = s.report();
        s.split(
            "甲社区",
            &[
                Coord {
                    x: 119.4051,
                    y: 32.38,
                },
                Coord {
                    x: 119.4051,
                    y: 32.42,
                },
            ],
        )
        .unwrap();
        s.undo().unwrap();
        assert_eq!(s.report(), start);
    }

    #[test]
    fn create_carves_out_and_delete_leaves_a_gap() {
        let mut s = session();
        let ring = [
            Coord {
                x: X0 + 0.008,
                y: Y0,
            },
            Coord {
                x: X0 + 0.012,
                y: Y0,
            },
            Coord {
                x: X0 + 0.012,
                y: Y0 + SIDE,
            },
            Coord {
                x: X0 + 0.008,
                y: Y0 + SIDE,
            },
        ];
        s.create_community(&ring, "N", "新社区").unwrap();
        assert!(s
            .report()
            .findings_with_code("boundary.overlap")
            .next()
            .is_none());
        assert_eq!(s.plan().communities.len(), 4);
        s.delete_community("N").unwrap();
        assert!(s.report().findings_with_code("boundary.gap").next().is_none(), "the strip runs from the south edge to the north edge: not enclosed, and there is no street outline");
        s.undo().unwrap();
        s.undo().unwrap();
        assert_eq!(s.plan().communities.len(), 3);
    }

    #[test]
    fn property_edits_are_undoable() {
        let mut s = session();
        s.update_community(
            "A",
            &CommunityPatch {
                name: Some("文昌社区".into()),
                committee_size: Some(Some(12)),
                ..Default::default()
            },
        )
        .unwrap();
        assert!(s
            .report()
            .findings_with_code("org.committee_size")
            .next()
            .is_some());
        s.update_center(
            "A-centre",
            &CenterPatch {
                floor_area_m2: Some(Some(100.0)),
                ..Default::default()
            },
        )
        .unwrap();
        assert!(s
            .report()
            .findings_with_code("facility.floor_area")
            .next()
            .is_some());
        assert_eq!(s.history().0.unwrap().zh, "修改A党群服务中心");
        let sizhi = serde_json::json!({"east": "文昌路"});
        s.update_community(
            "A",
            &CommunityPatch {
                extra: vec![("sizhi".into(), Some(sizhi.clone()))],
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            s.plan().community("A").unwrap().extra.get("sizhi"),
            Some(&sizhi)
        );
        let d = s.undo().unwrap();
        assert_eq!(d.edited, ["A"]);
        assert!(!s.plan().community("A").unwrap().extra.contains_key("sizhi"));
        s.undo().unwrap();
        s.undo().unwrap();
        assert_eq!(s.plan().community("A").unwrap().name, "A");
        assert!(s
            .update_community(
                "A",
                &CommunityPatch {
                    service_center: Some(Some("nope".into())),
                    ..Default::default()
                }
            )
            .is_err());
    }
}
