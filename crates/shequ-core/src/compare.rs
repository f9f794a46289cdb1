//! What a proposal changes against the plan as it stands: compounds and
//! households that move, communities created, removed and renamed.
//!
//! Communities are matched by id, compounds by id.
//!
//! ```
//! use shequ_core::{compare, testing::row_plan, Profile};
//!
//! let before = row_plan(&[("A", &[1200, 1300]), ("B", &[900])]);
//! let mut after = before.clone();
//! after.communities[1].name = "B2".into();
//! // Move the boundary so that A's second compound falls in B.
//! after.communities[0].geometry = shequ_core::testing::square(119.40, 32.39, 0.0055, 0.01).into();
//! after.communities[1].geometry = shequ_core::testing::square(119.4055, 32.39, 0.0145, 0.01).into();
//! let c = compare(&before, &after, &Profile::default());
//! assert_eq!(c.households_moved, 1300);
//! assert_eq!(c.moves[0].from.as_deref(), Some("A"));
//! assert_eq!(c.moves[0].to.as_deref(), Some("B"));
//! assert_eq!(c.communities_renamed[0].to, "B2");
//! ```

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::analysis::Analysis;
use crate::model::Plan;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Move {
    pub compound_id: String,
    pub name: String,
    pub households_total: u64,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Renamed {
    pub id: String,
    pub from: String,
    pub to: String,
}

/// Households of one community before and after (0 where it does not exist).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub id: String,
    pub before: u64,
    pub after: u64,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Comparison {
    pub compounds_moved: usize,
    pub households_moved: u64,
    pub moves: Vec<Move>,
    pub communities_created: Vec<String>,
    pub communities_removed: Vec<String>,
    pub communities_renamed: Vec<Renamed>,
    pub compounds_added: Vec<String>,
    pub compounds_removed: Vec<String>,
    /// Every community whose households changed.
    pub households: Vec<Change>,
}

/// Compares two analysed plans.
pub fn compare_assignments(
    baseline: &Plan,
    before: &Analysis,
    proposal: &Plan,
    after: &Analysis,
) -> Comparison {
    let mut households = vec![0; proposal.communities.len()];
    for (k, c) in proposal.compounds.iter().enumerate() {
        if let Some(i) = after.compound_owner(k) {
            households[i] += c.households_total();
        }
    }
    Tracker::new(baseline, before, proposal, after).comparison(|i| households[i])
}

/// The comparison with one baseline, kept up to date while a session edits
/// the proposal, so that every step of a drag can report it: after an edit
/// only the compounds whose owner may have changed are looked at again
/// ([`Tracker::update`]), and the community lists only when communities were
/// added, removed or renamed ([`Tracker::set_communities`]).
///
/// Compound and community ids are unique in a loaded plan; the tracker relies
/// on it.
#[derive(Debug, Clone)]
pub struct Tracker {
    /// Per proposal compound: its owner in the baseline, `None` if the baseline lacks it.
    was: Vec<Option<Option<String>>>,
    /// The compounds (proposal indices) whose owner differs from the baseline's.
    moves: BTreeMap<usize, Move>,
    compounds_added: Vec<String>,
    compounds_removed: Vec<String>,
    /// Baseline community ids in baseline order, with names and households.
    before: Vec<(String, String, u64)>,
    /// Set by `set_communities`.
    lists: Lists,
}

/// What depends only on the two lists of communities.
#[derive(Debug, Clone, Default)]
struct Lists {
    created: Vec<String>,
    removed: Vec<String>,
    renamed: Vec<Renamed>,
    /// Every community id of either plan, sorted: households before, and the
    /// proposal index (`None`: not in the proposal).
    rows: Vec<(String, Option<u64>, Option<usize>)>,
}

impl Tracker {
    pub fn new(baseline: &Plan, before: &Analysis, proposal: &Plan, after: &Analysis) -> Tracker {
        let owner = |k: usize| {
            before
                .compound_owner(k)
                .map(|i| baseline.communities[i].id.clone())
        };
        let was_by_id: HashMap<&str, Option<String>> = baseline
            .compounds
            .iter()
            .enumerate()
            .map(|(k, c)| (c.id.as_str(), owner(k)))
            .collect();
        let was: Vec<Option<Option<String>>> = proposal
            .compounds
            .iter()
            .map(|c| was_by_id.get(c.id.as_str()).cloned())
            .collect();
        let now: HashSet<&str> = proposal.compounds.iter().map(|c| c.id.as_str()).collect();
        let mut households: HashMap<&str, u64> = HashMap::new();
        for (k, c) in baseline.compounds.iter().enumerate() {
            if let Some(i) = before.compound_owner(k) {
                *households
                    .entry(baseline.communities[i].id.as_str())
                    .or_default() += c.households_total();
            }
        }
        let mut t = Tracker {
            compounds_added: proposal
                .compounds
                .iter()
                .zip(&was)
                .filter(|(_, w)| w.is_none())
                .map(|(c, _)| c.id.clone())
                .collect(),
            compounds_removed: baseline
                .compounds
                .iter()
                .filter(|c| !now.contains(c.id.as_str()))
                .map(|c| c.id.clone())
                .collect(),
            was,
            moves: BTreeMap::new(),
            before: baseline
                .communities
                .iter()
                .map(|c| {
                    (
                        c.id.clone(),
                        c.name.clone(),
                        households.get(c.id.as_str()).copied().unwrap_or(0),
                    )
                })
                .collect(),
            lists: Lists::default(),
        };
        t.set_communities(proposal);
        t.update(proposal, after, 0..proposal.compounds.len());
        t
    }

    /// After the proposal's communities were added, removed, reordered or renamed.
    pub fn set_communities(&mut self, proposal: &Plan) {
        let before: HashMap<&str, &str> = self
            .before
            .iter()
            .map(|(id, name, _)| (id.as_str(), name.as_str()))
            .collect();
        let after: HashMap<&str, usize> = proposal
            .communities
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        let mut l = Lists::default();
        for k in &proposal.communities {
            match before.get(k.id.as_str()) {
                None => l.created.push(k.id.clone()),
                Some(&old) if old != k.name => l.renamed.push(Renamed {
                    id: k.id.clone(),
                    from: old.into(),
                    to: k.name.clone(),
                }),
                Some(_) => {}
            }
        }
        l.removed = self
            .before
            .iter()
            .filter(|(id, _, _)| !after.contains_key(id.as_str()))
            .map(|(id, _, _)| id.clone())
            .collect();
        l.rows = self
            .before
            .iter()
            .map(|(id, _, h)| (id.clone(), Some(*h), after.get(id.as_str()).copied()))
            .collect();
        l.rows.extend(
            l.created
                .iter()
                .map(|id| (id.clone(), None, after.get(id.as_str()).copied())),
        );
        crate::order::sort_by_text(&mut l.rows, |r| (0, r.0.as_str()));
        l.rows.dedup_by(|a, b| a.0 == b.0);
        self.lists = l;
    }

    /// After the owners of proposal compounds `which` may have changed.
    pub fn update(
        &mut self,
        proposal: &Plan,
        after: &Analysis,
        which: impl IntoIterator<Item = usize>,
    ) {
        for k in which {
            let Some(from) = &self.was[k] else {
                continue;
            };
            let to = after
                .compound_owner(k)
                .map(|i| proposal.communities[i].id.as_str());
            if from.as_deref() == to {
                self.moves.remove(&k);
            } else {
                let c = &proposal.compounds[k];
                let m = Move {
                    compound_id: c.id.clone(),
                    name: c.name.clone(),
                    households_total: c.households_total(),
                    from: from.clone(),
                    to: to.map(String::from),
                };
                self.moves.insert(k, m);
            }
        }
    }

    /// The comparison, given the households (existing and planned) of each
    /// proposal community by index.
    pub fn comparison(&self, households_after: impl Fn(usize) -> u64) -> Comparison {
        let moves: Vec<Move> = self.moves.values().cloned().collect();
        let l = &self.lists;
        let households = l
            .rows
            .iter()
            .filter_map(|(id, before, now)| {
                let (b, a) = (before.unwrap_or(0), now.map_or(0, &households_after));
                (b != a || before.is_none() || now.is_none()).then(|| Change {
                    id: id.clone(),
                    before: b,
                    after: a,
                })
            })
            .collect();
        Comparison {
            compounds_moved: moves.len(),
            households_moved: moves.iter().map(|m| m.households_total).sum(),
            moves,
            communities_created: l.created.clone(),
            communities_removed: l.removed.clone(),
            communities_renamed: l.renamed.clone(),
            compounds_added: self.compounds_added.clone(),
            compounds_removed: self.compounds_removed.clone(),
            households,
        }
    }
}
