//! A live evaluation: every fact and finding of a plan, cached by what it
//! depends on, so that an edit re-evaluates only what it can affect.
//!
//! Findings live in *scopes*: each community, each grid cell, each compound,
//! the overlaps, the gaps, and the plan as a whole. A boundary edit names the
//! communities it changed and the region it touched; [`Evaluation::update_geometry`]
//! then recomputes the compounds and grid cells in that region, the boundary
//! facts of the communities with edges there, the overlaps of the changed
//! communities with those near the region, and the findings of every scope
//! whose inputs moved. Gaps need the union of all communities, so during a
//! drag they may be deferred to its end ([`Evaluation::refresh_gaps`]).
//!
//! [`crate::evaluate`] is `Evaluation::new(..).report(..)`; the property test
//! in `tests` checks that any sequence of updates gives the report a fresh
//! evaluation gives.

use std::collections::{BTreeSet, HashMap};

use geo::{Intersects, Rect};
use rstar::RTree;

use crate::analysis::*;
use crate::model::Plan;
use crate::profile::Profile;
use crate::report::*;
use crate::rules::{self, organisation::staffing, Ctx, Derived};
use crate::spatial::{each_near, grow, line_rect, rect_of, BoxItem, Chain};

/// What an update changed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    /// Communities (indices) whose report may have changed.
    pub communities: BTreeSet<usize>,
    pub findings_added: Vec<Finding>,
    /// Ids of findings that disappeared or changed (changed ones are also in `findings_added`).
    pub findings_removed: Vec<String>,
    /// Compounds (indices) whose shares changed, so whose owner may have.
    pub compounds: Vec<usize>,
}

impl Changes {
    pub fn merge(&mut self, other: Changes) {
        self.communities.extend(other.communities);
        let added: Vec<String> = other.findings_added.iter().map(|f| f.id.clone()).collect();
        self.findings_added
            .retain(|f| !other.findings_removed.contains(&f.id) && !added.contains(&f.id));
        for id in other.findings_removed {
            if !self.findings_removed.contains(&id) {
                self.findings_removed.push(id);
            }
        }
        self.findings_added.extend(other.findings_added);
        self.compounds.extend(other.compounds);
    }
}

/// The adjustment conditions of section 二 and the finding codes meeting them.
const CONDITIONS: &[(&str, &[&str])] = &[
    (
        "scale",
        &["scale.split_required", "scale.too_large", "scale.too_small"],
    ),
    (
        "jurisdiction",
        &[
            "boundary.non_contiguous",
            "boundary.irregular",
            "boundary.off_barrier",
            "boundary.too_large",
        ],
    ),
    ("management", &["boundary.overlap", "boundary.gap"]),
];

pub struct Evaluation {
    ix: Indices,
    /// Boxes of the compounds and grid cells, built on the first edit: a
    /// one-off evaluation does not need them.
    feature_boxes: Option<FeatureBoxes>,
    analysis: Analysis,
    derived: Derived,
    cut_cells: Vec<Vec<usize>>,
    by_id: HashMap<String, usize>,
    community_findings: Vec<Vec<Finding>>,
    overlap_findings: Vec<Finding>,
    gap_findings: Vec<Finding>,
    grid_findings: Vec<Vec<Finding>>,
    compound_findings: Vec<Vec<Finding>>,
    plan_findings: Vec<Finding>,
    /// Findings naming each community, counted by code.
    codes_of: Vec<HashMap<&'static str, u32>>,
    /// Open (not explained) findings naming each community, by severity.
    open_of: Vec<[u32; 3]>,
    /// Set when a code of [`CONDITIONS`] was counted in or out.
    adjustment_changed: bool,
    reports: Vec<CommunityReport>,
    /// The totals but those read from the reports (area, bands), kept up to date.
    tally: Totals,
    gaps_pending: bool,
}

impl Evaluation {
    /// Evaluates `plan` from scratch.
    pub fn new(plan: &Plan, profile: &Profile) -> Evaluation {
        let ix = Indices::new(plan, profile);
        let analysis = analyse_indexed(plan, profile, &ix);
        let derived = Derived::new(plan, profile, &analysis);
        let n = plan.communities.len();
        let mut e = Evaluation {
            ix,
            feature_boxes: None,
            analysis,
            derived,
            cut_cells: Vec::new(),
            by_id: plan
                .communities
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.clone(), i))
                .collect(),
            community_findings: vec![Vec::new(); n],
            overlap_findings: Vec::new(),
            gap_findings: Vec::new(),
            grid_findings: vec![Vec::new(); plan.grids.len()],
            compound_findings: vec![Vec::new(); plan.compounds.len()],
            plan_findings: Vec::new(),
            codes_of: vec![HashMap::new(); n],
            open_of: vec![[0; 3]; n],
            adjustment_changed: true,
            reports: Vec::new(),
            tally: Totals::default(),
            gaps_pending: false,
        };
        e.cut_cells = cut_cells(profile, &e.analysis.grid_shares, n);
        let ctx = Ctx::new(plan, profile, &e.analysis, &e.derived);
        let community_findings: Vec<Vec<Finding>> =
            (0..n).map(|i| rules::community_findings(&ctx, i)).collect();
        let overlap_findings = rules::overlap_findings(&ctx);
        let gap_findings = rules::gap_findings(&ctx);
        let grid_findings: Vec<Vec<Finding>> = (0..plan.grids.len())
            .map(|k| rules::grid_findings(&ctx, k))
            .collect();
        let compound_findings: Vec<Vec<Finding>> = (0..plan.compounds.len())
            .map(|k| rules::compound_findings(&ctx, k))
            .collect();
        let plan_findings = rules::plan_findings(&ctx);
        e.community_findings = community_findings;
        e.overlap_findings = overlap_findings;
        e.gap_findings = gap_findings;
        e.grid_findings = grid_findings;
        e.compound_findings = compound_findings;
        e.plan_findings = plan_findings;
        e.tally = tally(plan, profile, &e.analysis);
        let all: Vec<Finding> = e.all_findings().cloned().collect();
        for f in &all {
            e.count(f, 1);
        }
        e.reports = (0..n)
            .map(|i| e.community_report(plan, profile, i))
            .collect();
        e
    }

    /// Builds now what the first edit would otherwise build (the boxes of
    /// compounds and grid cells), so that it is as quick as the others.
    pub fn prepare_for_edits(&mut self) {
        self.feature_boxes
            .get_or_insert_with(|| FeatureBoxes::new(&self.ix));
    }

    pub fn analysis(&self) -> &Analysis {
        &self.analysis
    }

    /// The spatial indices (current with the plan the evaluation was last given).
    pub fn indices(&self) -> &Indices {
        &self.ix
    }

    pub fn derived(&self) -> &Derived {
        &self.derived
    }

    /// Checks deferred until [`Self::refresh_gaps`].
    pub fn pending(&self) -> Vec<&'static str> {
        if self.gaps_pending {
            vec!["boundary.gap"]
        } else {
            Vec::new()
        }
    }

    pub fn community_reports(&self) -> &[CommunityReport] {
        &self.reports
    }

    /// Every finding, in report order.
    pub fn all_findings(&self) -> impl Iterator<Item = &Finding> {
        self.community_findings
            .iter()
            .flatten()
            .chain(&self.overlap_findings)
            .chain(&self.gap_findings)
            .chain(self.grid_findings.iter().flatten())
            .chain(self.compound_findings.iter().flatten())
            .chain(&self.plan_findings)
    }

    /// The report (without the comparison).
    pub fn report(&self, plan: &Plan, profile: &Profile) -> Report {
        Report {
            profile: profile.name.clone(),
            communities: self.reports.clone(),
            findings: self.all_findings().cloned().collect(),
            totals: self.totals(plan, profile),
            adjustment: self.adjustment(),
            comparison: None,
        }
    }

    pub fn totals(&self, _plan: &Plan, _profile: &Profile) -> Totals {
        let mut t = self.tally.clone();
        for c in &self.reports {
            t.area_m2 += c.area_m2;
            if c.households_total < c.band.target_min {
                t.below_band += 1;
            } else if c.households_total > c.band.target_max {
                t.above_band += 1;
            } else {
                t.in_band += 1;
            }
        }
        t
    }

    /// Whether [`adjustment`](Self::adjustment) may have changed since the
    /// last call of this method (a code it depends on was added or removed).
    pub fn take_adjustment_changed(&mut self) -> bool {
        std::mem::take(&mut self.adjustment_changed)
    }

    /// Communities meeting an adjustment condition of section 二.
    pub fn adjustment(&self) -> Vec<AdjustmentCandidate> {
        self.reports
            .iter()
            .zip(&self.codes_of)
            .filter_map(|(c, codes)| {
                let mut codes: Vec<&'static str> = codes
                    .keys()
                    .copied()
                    .filter(|code| CONDITIONS.iter().any(|(_, cs)| cs.contains(code)))
                    .collect();
                codes.sort_unstable();
                let conditions: Vec<&'static str> = CONDITIONS
                    .iter()
                    .filter(|(_, cs)| cs.iter().any(|x| codes.contains(x)))
                    .map(|(n, _)| *n)
                    .collect();
                (!conditions.is_empty()).then(|| AdjustmentCandidate {
                    community_id: c.id.clone(),
                    conditions,
                    codes,
                })
            })
            .collect()
    }

    fn count(&mut self, f: &Finding, by: i64) {
        let open = f.explained.is_none();
        let n = match f.severity {
            _ if !open => &mut self.tally.explained,
            Severity::Error => &mut self.tally.errors,
            Severity::Warning => &mut self.tally.warnings,
            Severity::Info => &mut self.tally.infos,
        };
        *n = n.saturating_add_signed(by as isize);
        if CONDITIONS.iter().any(|(_, cs)| cs.contains(&f.code)) {
            self.adjustment_changed = true;
        }
        for id in &f.community_ids {
            if let Some(&i) = self.by_id.get(id) {
                let n = self.codes_of[i].entry(f.code).or_insert(0);
                *n = (i64::from(*n) + by).max(0) as u32;
                if *n == 0 {
                    self.codes_of[i].remove(f.code);
                }
                if open {
                    let n = &mut self.open_of[i][f.severity as usize];
                    *n = (i64::from(*n) + by).max(0) as u32;
                }
            }
        }
    }

    /// The worst open finding naming community `i`: explained ones and
    /// suggestions leave it ok.
    fn status(&self, i: usize) -> Status {
        match self.open_of[i] {
            [e, ..] if e > 0 => Status::Error,
            [_, w, _] if w > 0 => Status::Warning,
            _ => Status::Ok,
        }
    }

    fn community_report(&self, plan: &Plan, profile: &Profile, i: usize) -> CommunityReport {
        let ctx = Ctx::new(plan, profile, &self.analysis, &self.derived);
        let c = &plan.communities[i];
        let g = &self.analysis.geom[i];
        let b = &self.analysis.boundary[i];
        let centre = self.analysis.centers[i];
        let h = self.derived.households[i];
        CommunityReport {
            id: c.id.clone(),
            name: c.name.clone(),
            kind: c.kind.as_str(),
            households: h.existing,
            planned_households: h.planned,
            households_total: h.counted,
            area_m2: g.area_m2,
            perimeter_m: g.perimeter_m,
            polsby_popper: g.polsby_popper,
            parts: g.parts,
            barrier_share: b.barrier_share(),
            compounds: self.derived.compounds_of[i]
                .iter()
                .map(|&k| plan.compounds[k].id.clone())
                .collect(),
            grid_cells: self.derived.grids_of[i]
                .iter()
                .map(|&k| plan.grids[k].id.clone())
                .collect(),
            grid_cells_cut: self.cut_cells[i]
                .iter()
                .map(|&k| plan.grids[k].id.clone())
                .collect(),
            neighbours: b
                .neighbours
                .iter()
                .map(|&(j, m)| Neighbour {
                    id: plan.communities[j].id.clone(),
                    shared_m: m,
                })
                .collect(),
            center_distance_mean_m: centre.map(|c| c.mean_m),
            center_distance_max_m: centre.map(|c| c.max_m),
            share_beyond_radius: centre.map(|c| c.share_beyond_radius),
            band: profile.band(c.kind),
            staffing: staffing(&ctx, i),
            status: self.status(i),
        }
    }

    /// Replaces one scope's findings, recording the difference.
    fn replace(&mut self, scope: Scope, new: Vec<Finding>, changes: &mut Changes) {
        let old = std::mem::take(match scope {
            Scope::Community(i) => &mut self.community_findings[i],
            Scope::Overlaps => &mut self.overlap_findings,
            Scope::Gaps => &mut self.gap_findings,
            Scope::Grid(k) => &mut self.grid_findings[k],
            Scope::Compound(k) => &mut self.compound_findings[k],
            Scope::Plan => &mut self.plan_findings,
        });
        for f in &old {
            if !new.contains(f) {
                self.count(f, -1);
                changes.findings_removed.push(f.id.clone());
                changes.communities.extend(
                    f.community_ids
                        .iter()
                        .filter_map(|id| self.by_id.get(id).copied()),
                );
            }
        }
        for f in &new {
            if !old.contains(f) {
                self.count(f, 1);
                changes.findings_added.push(f.clone());
                changes.communities.extend(
                    f.community_ids
                        .iter()
                        .filter_map(|id| self.by_id.get(id).copied()),
                );
            }
        }
        *match scope {
            Scope::Community(i) => &mut self.community_findings[i],
            Scope::Overlaps => &mut self.overlap_findings,
            Scope::Gaps => &mut self.gap_findings,
            Scope::Grid(k) => &mut self.grid_findings[k],
            Scope::Compound(k) => &mut self.compound_findings[k],
            Scope::Plan => &mut self.plan_findings,
        } = new;
    }

    /// After the geometry of communities `changed` moved within `region`
    /// (which covers the old and new position of every moved edge).
    pub fn update_geometry(
        &mut self,
        plan: &Plan,
        profile: &Profile,
        changed: &[usize],
        region: Rect,
        defer_gaps: bool,
    ) -> Changes {
        let mut changes = Changes::default();
        let rules_b = &profile.boundary;
        // Indices.
        for &i in changed {
            self.ix.update_community(i, &plan.communities[i].geometry);
            self.analysis.geom[i] = community_geom(&plan.communities[i].geometry, profile);
        }
        // Compounds and grid cells in the region.
        let frame = crate::geodesy::Frame::at_lat(region.center().y);
        let (sx, sy) = frame.deg(rules_b.barrier_snap_m.max(rules_b.adjacency_snap_m));
        let near_region = grow(region, 1e-9, 1e-9);
        let mut owners_changed: BTreeSet<usize> = BTreeSet::new();
        let boxes = self
            .feature_boxes
            .get_or_insert_with(|| FeatureBoxes::new(&self.ix));
        let (mut compounds, mut grids) = (Vec::new(), Vec::new());
        each_near(&boxes.compounds, near_region, |k| compounds.push(k));
        each_near(&boxes.grids, near_region, |k| grids.push(k));
        let mut touched_compounds = Vec::new();
        for k in compounds {
            let new = compound_shares(plan, &self.ix, k);
            if new != self.analysis.compound_shares[k] {
                let (was, now) = (self.analysis.compound_owner(k), new.first().map(|s| s.0));
                if was != now {
                    owners_changed.extend(was);
                    owners_changed.extend(now);
                    if was.is_none() != now.is_none() {
                        let h = households_counted(&plan.compounds[k], profile);
                        let t = &mut self.tally;
                        if was.is_none() {
                            (t.unassigned_compounds, t.unassigned_households) =
                                (t.unassigned_compounds - 1, t.unassigned_households - h);
                        } else {
                            (t.unassigned_compounds, t.unassigned_households) =
                                (t.unassigned_compounds + 1, t.unassigned_households + h);
                        }
                    }
                    if let Some(w) = was {
                        self.derived.compounds_of[w].retain(|&x| x != k);
                    }
                    if let Some(n) = now {
                        let list = &mut self.derived.compounds_of[n];
                        let at = list.partition_point(|&x| x < k);
                        list.insert(at, k);
                    }
                }
                self.analysis.compound_shares[k] = new;
                touched_compounds.push(k);
            }
        }
        let mut touched_grids = Vec::new();
        for k in grids {
            let new = grid_shares(plan, &self.ix, k);
            if new != self.analysis.grid_shares[k] {
                let (was, now) = (self.analysis.grid_owner(k), new.first().map(|s| s.0));
                if was != now {
                    owners_changed.extend(was);
                    owners_changed.extend(now);
                    match (was, now) {
                        (None, _) => self.tally.unassigned_grid_cells -= 1,
                        (_, None) => self.tally.unassigned_grid_cells += 1,
                        _ => {}
                    }
                    if let Some(w) = was {
                        self.derived.grids_of[w].retain(|&x| x != k);
                    }
                    if let Some(n) = now {
                        let list = &mut self.derived.grids_of[n];
                        let at = list.partition_point(|&x| x < k);
                        list.insert(at, k);
                    }
                }
                for s in &self.analysis.grid_shares[k] {
                    owners_changed.insert(s.0);
                }
                for s in &new {
                    owners_changed.insert(s.0);
                }
                let tol = profile.boundary.grid_cut_tolerance;
                for c in cutting(&self.analysis.grid_shares[k], tol) {
                    self.cut_cells[c].retain(|&x| x != k);
                }
                for c in cutting(&new, tol) {
                    let at = self.cut_cells[c].partition_point(|&x| x < k);
                    self.cut_cells[c].insert(at, k);
                }
                self.analysis.grid_shares[k] = new;
                touched_grids.push(k);
            }
        }
        // Neighbours' findings read a community's households (merge candidates,
        // re-planning partners): those of neighbours before and after the edit.
        let mut households_changed: Vec<usize> = Vec::new();
        let mut neighbours_of_changed: BTreeSet<usize> = BTreeSet::new();
        for &i in &owners_changed {
            let h = rules::households_of(plan, profile, &self.derived.compounds_of[i]);
            if h != self.derived.households[i] {
                self.derived.households[i] = h;
                households_changed.push(i);
                neighbours_of_changed
                    .extend(self.analysis.boundary[i].neighbours.iter().map(|n| n.0));
            }
        }
        // Boundary facts of every community with an edge near the region.
        let near = grow(region, sx, sy);
        let mut bounded: BTreeSet<usize> = changed.iter().copied().collect();
        self.ix.communities_near(near, |c| {
            let runs = self.ix.outlines[c]
                .iter()
                .filter(|r| r.rect.intersects(&near));
            if runs
                .flat_map(Chain::lines)
                .any(|l| line_rect(l).intersects(&near))
            {
                bounded.insert(c);
            }
        });
        for &i in &bounded {
            self.analysis.boundary[i] =
                boundary_facts(plan, profile, &self.ix, &self.analysis.geom, i);
        }
        // Overlaps of changed communities with those near the region.
        let mut overlaps_changed = false;
        for &i in changed {
            let mut partners: Vec<usize> = Vec::new();
            self.ix
                .communities_near(rect_of(&plan.communities[i].geometry), |c| partners.push(c));
            partners.extend(
                self.analysis
                    .overlaps
                    .iter()
                    .filter(|o| o.a == i || o.b == i)
                    .map(|o| if o.a == i { o.b } else { o.a }),
            );
            partners.sort_unstable();
            partners.dedup();
            for j in partners {
                if j == i || (changed.contains(&j) && j < i) {
                    continue;
                }
                let near_region =
                    changed.contains(&j) || self.ix.rects[j].intersects(&grow(region, 1e-9, 1e-9));
                if !near_region {
                    continue;
                }
                let (a, b) = (i.min(j), i.max(j));
                let new = overlap(plan, &self.analysis.geom, a, b);
                let at = self
                    .analysis
                    .overlaps
                    .iter()
                    .position(|o| o.a == a && o.b == b);
                match (at, new) {
                    (Some(p), Some(o)) => {
                        if self.analysis.overlaps[p] != o {
                            self.analysis.overlaps[p] = o;
                            overlaps_changed = true;
                        }
                    }
                    (Some(p), None) => {
                        self.analysis.overlaps.remove(p);
                        overlaps_changed = true;
                    }
                    (None, Some(o)) => {
                        let p = self
                            .analysis
                            .overlaps
                            .partition_point(|x| (x.a, x.b) < (a, b));
                        self.analysis.overlaps.insert(p, o);
                        overlaps_changed = true;
                    }
                    (None, None) => {}
                }
            }
        }
        // Gaps, now or at the end of the drag.
        let gaps_changed = if defer_gaps {
            self.gaps_pending = true;
            false
        } else {
            self.recompute_gaps(plan, profile)
        };
        // Service-centre distances.
        let mut scoped: BTreeSet<usize> = changed.iter().copied().collect();
        scoped.extend(&owners_changed);
        for &i in &scoped {
            self.analysis.centers[i] =
                center_facts_of(plan, profile, &self.ix, &self.derived.compounds_of[i], i);
        }
        // Findings: the communities whose inputs moved, and the neighbours of
        // those whose households changed.
        scoped.extend(&bounded);
        for &i in &households_changed {
            neighbours_of_changed.extend(self.analysis.boundary[i].neighbours.iter().map(|n| n.0));
        }
        scoped.extend(&neighbours_of_changed);
        let n = plan.communities.len();
        for i in scoped.into_iter().filter(|&i| i < n) {
            let new = rules::community_findings(
                &Ctx::new(plan, profile, &self.analysis, &self.derived),
                i,
            );
            self.replace(Scope::Community(i), new, &mut changes);
            changes.communities.insert(i);
        }
        if overlaps_changed {
            let new =
                rules::overlap_findings(&Ctx::new(plan, profile, &self.analysis, &self.derived));
            self.replace(Scope::Overlaps, new, &mut changes);
        }
        if gaps_changed {
            let new = rules::gap_findings(&Ctx::new(plan, profile, &self.analysis, &self.derived));
            self.replace(Scope::Gaps, new, &mut changes);
        }
        for k in touched_grids {
            let new =
                rules::grid_findings(&Ctx::new(plan, profile, &self.analysis, &self.derived), k);
            self.replace(Scope::Grid(k), new, &mut changes);
        }
        for &k in &touched_compounds {
            let new = rules::compound_findings(
                &Ctx::new(plan, profile, &self.analysis, &self.derived),
                k,
            );
            self.replace(Scope::Compound(k), new, &mut changes);
        }
        changes.compounds = touched_compounds;
        changes.communities.extend(&owners_changed);
        self.refresh_reports(plan, profile, &mut changes.communities);
        changes
    }

    /// Recomputes the gaps deferred during a drag.
    pub fn refresh_gaps(&mut self, plan: &Plan, profile: &Profile) -> Changes {
        let mut changes = Changes::default();
        if self.recompute_gaps(plan, profile) {
            let new = rules::gap_findings(&Ctx::new(plan, profile, &self.analysis, &self.derived));
            self.replace(Scope::Gaps, new, &mut changes);
            self.refresh_reports(plan, profile, &mut changes.communities);
        }
        changes
    }

    fn recompute_gaps(&mut self, plan: &Plan, profile: &Profile) -> bool {
        self.gaps_pending = false;
        let new = gaps(plan, profile, &self.ix);
        let changed = new != self.analysis.gaps;
        self.analysis.gaps = new;
        changed
    }

    /// After the properties of communities `which`, or of service centres, changed.
    pub fn update_properties(
        &mut self,
        plan: &Plan,
        profile: &Profile,
        which: &[usize],
    ) -> Changes {
        let mut changes = Changes::default();
        let mut scoped: BTreeSet<usize> = which.iter().copied().collect();
        // A centre's position or size matters to every community using it.
        for i in 0..plan.communities.len() {
            let facts = center_facts_of(plan, profile, &self.ix, &self.derived.compounds_of[i], i);
            if facts != self.analysis.centers[i] {
                self.analysis.centers[i] = facts;
                scoped.insert(i);
            }
        }
        // A centre edit changes the findings of every community naming it.
        for (i, c) in plan.communities.iter().enumerate() {
            if which.is_empty() && c.service_center.is_some() {
                scoped.insert(i);
            }
        }
        for &i in &scoped {
            let new = rules::community_findings(
                &Ctx::new(plan, profile, &self.analysis, &self.derived),
                i,
            );
            self.replace(Scope::Community(i), new, &mut changes);
            changes.communities.insert(i);
        }
        let new = rules::plan_findings(&Ctx::new(plan, profile, &self.analysis, &self.derived));
        self.replace(Scope::Plan, new, &mut changes);
        // Names appear in other scopes' messages too.
        for k in 0..plan.grids.len() {
            if self.grid_findings[k].iter().any(|f| {
                f.community_ids
                    .iter()
                    .any(|id| which.iter().any(|&i| plan.communities[i].id == *id))
            }) {
                let new = rules::grid_findings(
                    &Ctx::new(plan, profile, &self.analysis, &self.derived),
                    k,
                );
                self.replace(Scope::Grid(k), new, &mut changes);
            }
        }
        for k in 0..plan.compounds.len() {
            if self.compound_findings[k].iter().any(|f| {
                f.community_ids
                    .iter()
                    .any(|id| which.iter().any(|&i| plan.communities[i].id == *id))
            }) {
                let new = rules::compound_findings(
                    &Ctx::new(plan, profile, &self.analysis, &self.derived),
                    k,
                );
                self.replace(Scope::Compound(k), new, &mut changes);
            }
        }
        for scope in [Scope::Overlaps, Scope::Gaps] {
            let ctx = Ctx::new(plan, profile, &self.analysis, &self.derived);
            let new = if scope == Scope::Overlaps {
                rules::overlap_findings(&ctx)
            } else {
                rules::gap_findings(&ctx)
            };
            self.replace(scope, new, &mut changes);
        }
        // Neighbours' messages name this community.
        let named: BTreeSet<usize> = which
            .iter()
            .flat_map(|&i| self.analysis.boundary[i].neighbours.iter().map(|n| n.0))
            .collect();
        for i in named {
            let new = rules::community_findings(
                &Ctx::new(plan, profile, &self.analysis, &self.derived),
                i,
            );
            self.replace(Scope::Community(i), new, &mut changes);
            changes.communities.insert(i);
        }
        self.refresh_reports(plan, profile, &mut changes.communities);
        changes
    }

    /// Recomputes the reports of `which`; keeps in `which` only those that changed.
    fn refresh_reports(&mut self, plan: &Plan, profile: &Profile, which: &mut BTreeSet<usize>) {
        which.retain(|&i| {
            if i >= self.reports.len() {
                return false;
            }
            let new = self.community_report(plan, profile, i);
            let changed = new != self.reports[i];
            self.reports[i] = new;
            changed
        });
    }
}

/// The boxes of the compounds and grid cells, to find those an edit touches.
struct FeatureBoxes {
    compounds: RTree<BoxItem>,
    grids: RTree<BoxItem>,
}

impl FeatureBoxes {
    fn new(ix: &Indices) -> FeatureBoxes {
        let boxes = |prepared: &[Prepared]| {
            RTree::bulk_load(
                prepared
                    .iter()
                    .enumerate()
                    .filter_map(|(id, p)| Some(BoxItem { rect: p.rect?, id }))
                    .collect(),
            )
        };
        FeatureBoxes {
            compounds: boxes(&ix.compounds),
            grids: boxes(&ix.grids),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Community(usize),
    Overlaps,
    Gaps,
    Grid(usize),
    Compound(usize),
    Plan,
}

/// The totals that depend on the plan's compounds and grid cells and on who
/// owns them, not on the reports or the findings.
fn tally(plan: &Plan, profile: &Profile, analysis: &Analysis) -> Totals {
    let mut t = Totals {
        communities: plan.communities.len(),
        compounds: plan.compounds.len(),
        grid_cells: plan.grids.len(),
        ..Totals::default()
    };
    for (k, c) in plan.compounds.iter().enumerate() {
        t.households += u64::from(c.households);
        t.planned_households += u64::from(c.planned_households);
        let n = households_counted(c, profile);
        t.households_total += n;
        if analysis.compound_owner(k).is_none() {
            t.unassigned_compounds += 1;
            t.unassigned_households += n;
        }
    }
    t.unassigned_grid_cells = (0..plan.grids.len())
        .filter(|&k| analysis.grid_owner(k).is_none())
        .count();
    t
}

/// The grid cells each community shares with another beyond the tolerance.
fn cut_cells(profile: &Profile, grid_shares: &[Shares], n: usize) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); n];
    for (k, shares) in grid_shares.iter().enumerate() {
        for c in cutting(shares, profile.boundary.grid_cut_tolerance) {
            out[c].push(k);
        }
    }
    out
}

/// The communities among whom `shares` of a grid cell cut it: each holding
/// more than `tol`, when at least two do.
fn cutting(shares: &Shares, tol: f64) -> impl Iterator<Item = usize> + '_ {
    let cut = shares.get(1).is_some_and(|s| s.1 > tol);
    shares.iter().filter(move |s| cut && s.1 > tol).map(|s| s.0)
}

#[cfg(test)]
mod tests {
    use geo::Coord;
    use proptest::prelude::*;

    use crate::session::{CommunityPatch, HouseholdsChange, Session};
    use crate::testing::grid_plan;
    use crate::topology::NodeId;
    use crate::{evaluate_against, Profile};

    fn plan() -> crate::Plan {
        grid_plan(&[
            &[
                ("A", &[1200, 1300]),
                ("B", &[300, 100]),
                ("C", &[2000, 1700]),
            ],
            &[
                ("D", &[900, 900]),
                ("E", &[1500, 1600]),
                ("F", &[2500, 2700]),
            ],
            &[("G", &[100]), ("H", &[1400, 1200]), ("I", &[800, 700])],
        ])
    }

    #[derive(Debug, Clone)]
    enum Op {
        /// Drag a node by (dx, dy) degrees through a midpoint; cancel or commit.
        Drag(usize, f64, f64, bool),
        Insert(usize, f64),
        Delete(usize),
        Rename(usize),
        /// Set a compound's households (a households table joined).
        Households(usize, u32),
        Undo,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            6 => (0usize..1000, -0.006f64..0.006, -0.006f64..0.006, prop::bool::weighted(0.2)).prop_map(|(n, dx, dy, c)| Op::Drag(n, dx, dy, c)),
            2 => (0usize..1000, 0.1f64..0.9).prop_map(|(e, t)| Op::Insert(e, t)),
            1 => (0usize..1000).prop_map(Op::Delete),
            1 => (0usize..9).prop_map(Op::Rename),
            1 => (0usize..1000, 0u32..4000).prop_map(|(k, h)| Op::Households(k, h)),
            1 => Just(Op::Undo),
        ]
    }

    /// Equal, but for floating-point noise: clipping rounds coordinates to a
    /// grid fitted to all of its input, so a compound far from an edit may be
    /// clipped a last bit differently by a fresh evaluation. Everything else —
    /// owners, counts, codes, messages — must be exactly equal.
    fn same(a: &serde_json::Value, b: &serde_json::Value, at: &str) -> Result<(), String> {
        use serde_json::Value::*;
        match (a, b) {
            (Number(x), Number(y)) => {
                let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
                if (x - y).abs() <= 1e-6 * x.abs().max(y.abs()).max(1e-3) {
                    Ok(())
                } else {
                    Err(format!("{at}: {x} vs {y}"))
                }
            }
            (Array(x), Array(y)) if x.len() == y.len() => x
                .iter()
                .zip(y)
                .enumerate()
                .try_for_each(|(i, (x, y))| same(x, y, &format!("{at}[{i}]"))),
            (Object(x), Object(y)) if x.len() == y.len() => x
                .iter()
                .try_for_each(|(k, v)| same(v, y.get(k).unwrap_or(&Null), &format!("{at}.{k}"))),
            (x, y) if x == y => Ok(()),
            (x, y) => Err(format!("{at}: {x} vs {y}")),
        }
    }

    fn nodes(s: &Session) -> Vec<NodeId> {
        s.topology().nodes_in(-180.0, -90.0, 180.0, 90.0).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(crate::testing::cases(40)))]

        /// After every edit, the incrementally maintained report is exactly
        /// the report of a fresh evaluation of the edited plan.
        #[test]
        fn incremental_report_equals_a_fresh_evaluation(ops in prop::collection::vec(op(), 1..10)) {
            let baseline = plan();
            let profile = Profile::default();
            let mut s = Session::new(baseline.clone(), profile.clone());
            for op in ops {
                match op {
                    Op::Drag(pick, dx, dy, cancel) => {
                        let ns = nodes(&s);
                        let n = ns[pick % ns.len()];
                        let c = s.topology().coord(n);
                        s.begin_drag(n).unwrap();
                        s.drag_to(Coord { x: c.x + dx / 2.0, y: c.y + dy / 2.0 }, 0.0).unwrap();
                        s.drag_to(Coord { x: c.x + dx, y: c.y + dy }, 0.0).unwrap();
                        if cancel { s.cancel_drag().unwrap(); } else { s.end_drag().unwrap(); }
                    }
                    Op::Insert(pick, t) => {
                        let edges: Vec<_> = s.topology().edges().collect();
                        let (a, b) = edges[pick % edges.len()];
                        let (p, q) = (s.topology().coord(a), s.topology().coord(b));
                        let _ = s.insert_vertex(Coord { x: p.x + t * (q.x - p.x), y: p.y + t * (q.y - p.y) }, 1.0);
                    }
                    Op::Delete(pick) => {
                        let ns = nodes(&s);
                        let _ = s.delete_vertex(ns[pick % ns.len()]);
                    }
                    Op::Rename(i) => {
                        let id = s.plan().communities[i % s.plan().communities.len()].id.clone();
                        s.update_community(&id, &CommunityPatch { name: Some(format!("{id}社区")), committee_size: Some(Some(5)), ..Default::default() }).unwrap();
                    }
                    Op::Households(pick, households) => {
                        let c = &s.plan().compounds[pick % s.plan().compounds.len()];
                        let ch = HouseholdsChange { compound: c.id.clone(), households, planned_households: None };
                        s.set_households(&[ch], "hh.csv").unwrap();
                    }
                    Op::Undo => {
                        s.undo();
                    }
                }
                let fresh = evaluate_against(s.plan(), &baseline, &profile);
                let (got, want) = (serde_json::to_value(s.report()).unwrap(), serde_json::to_value(fresh).unwrap());
                if let Err(at) = same(&got, &want, "") {
                    prop_assert!(false, "incremental and fresh reports differ at {}", at);
                }
            }
        }
    }
}
