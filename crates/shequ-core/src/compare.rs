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

use std::collections::HashMap;

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
pub fn compare_assignments(baseline: &Plan, before: &Analysis, proposal: &Plan, after: &Analysis) -> Comparison {
    let owner = |plan: &Plan, a: &Analysis| -> HashMap<String, Option<String>> {
        plan.compounds.iter().enumerate().map(|(k, c)| (c.id.clone(), a.compound_owner(k).map(|i| plan.communities[i].id.clone()))).collect()
    };
    let (was, now) = (owner(baseline, before), owner(proposal, after));
    let mut c = Comparison::default();
    for compound in &proposal.compounds {
        match was.get(&compound.id) {
            None => c.compounds_added.push(compound.id.clone()),
            Some(from) => {
                let to = &now[&compound.id];
                if from != to {
                    c.households_moved += compound.households_total();
                    c.moves.push(Move {
                        compound_id: compound.id.clone(),
                        name: compound.name.clone(),
                        households_total: compound.households_total(),
                        from: from.clone(),
                        to: to.clone(),
                    });
                }
            }
        }
    }
    c.compounds_moved = c.moves.len();
    c.compounds_removed = baseline.compounds.iter().filter(|k| !now.contains_key(&k.id)).map(|k| k.id.clone()).collect();
    let names_before: HashMap<&str, &str> = baseline.communities.iter().map(|k| (k.id.as_str(), k.name.as_str())).collect();
    let names_after: HashMap<&str, &str> = proposal.communities.iter().map(|k| (k.id.as_str(), k.name.as_str())).collect();
    for k in &proposal.communities {
        match names_before.get(k.id.as_str()) {
            None => c.communities_created.push(k.id.clone()),
            Some(&old) if old != k.name => c.communities_renamed.push(Renamed { id: k.id.clone(), from: old.into(), to: k.name.clone() }),
            Some(_) => {}
        }
    }
    c.communities_removed = baseline.communities.iter().filter(|k| !names_after.contains_key(k.id.as_str())).map(|k| k.id.clone()).collect();
    let sums = |plan: &Plan, own: &HashMap<String, Option<String>>| {
        let mut m: HashMap<String, u64> = HashMap::new();
        for k in &plan.compounds {
            if let Some(Some(id)) = own.get(&k.id) {
                *m.entry(id.clone()).or_default() += k.households_total();
            }
        }
        m
    };
    let (hb, ha) = (sums(baseline, &was), sums(proposal, &now));
    let mut ids: Vec<&str> = baseline.communities.iter().chain(&proposal.communities).map(|k| k.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        let (b, a) = (hb.get(id).copied().unwrap_or(0), ha.get(id).copied().unwrap_or(0));
        if b != a || !names_before.contains_key(id) || !names_after.contains_key(id) {
            c.households.push(Change { id: id.to_string(), before: b, after: a });
        }
    }
    c
}
