//! Sequences of edits on a session: no panic, households conserved, shared
//! edges never produce an overlap between the communities that shared them,
//! and undoing everything restores the starting report.
#![no_main]

use arbitrary::Arbitrary;
use geo::Coord;
use libfuzzer_sys::fuzz_target;
use shequ_core::model::Layer;
use shequ_core::session::Session;
use shequ_core::testing::grid_plan;
use shequ_core::Profile;

#[derive(Debug, Arbitrary)]
enum Op {
    Drag { node: u16, dx: i16, dy: i16, snap: bool, cancel: bool },
    Insert { edge: u16, t: u8 },
    Delete { node: u16 },
    Reassign { grid: bool, feature: u8, to: u8 },
    Split { community: u8, x: u8 },
    Merge { a: u8, b: u8 },
    Undo,
    Redo,
}

fuzz_target!(|ops: Vec<Op>| {
    let plan = grid_plan(&[&[("甲社区", &[1200, 1300]), ("乙社区", &[900])], &[("丙社区", &[2000]), ("丁社区", &[300, 200])]]);
    let mut s = Session::new(plan, Profile::default());
    let start = s.report();
    let total = start.totals.households_total;
    let mut done = 0usize;
    for op in ops.into_iter().take(24) {
        let nodes: Vec<u32> = s.topology().nodes_in(-180.0, -90.0, 180.0, 90.0).collect();
        let ids: Vec<String> = s.plan().communities.iter().map(|c| c.id.clone()).collect();
        let ok = match op {
            Op::Drag { node, dx, dy, snap, cancel } if !nodes.is_empty() => {
                let n = nodes[node as usize % nodes.len()];
                let c = s.topology().coord(n);
                s.begin_drag(n).expect("listed node");
                let to = Coord { x: c.x + f64::from(dx) * 2e-7, y: c.y + f64::from(dy) * 2e-7 };
                s.drag_to(to, if snap { 20.0 } else { 0.0 }).expect("dragging");
                if cancel { s.cancel_drag().is_ok() } else { s.end_drag().is_ok() }
            }
            Op::Insert { edge, t } => {
                let edges: Vec<_> = s.topology().edges().collect();
                if edges.is_empty() {
                    false
                } else {
                    let (a, b) = edges[edge as usize % edges.len()];
                    let (p, q) = (s.topology().coord(a), s.topology().coord(b));
                    let t = f64::from(t) / 255.0;
                    s.insert_vertex(Coord { x: p.x + t * (q.x - p.x), y: p.y + t * (q.y - p.y) }, 1.0).is_ok()
                }
            }
            Op::Delete { node } if !nodes.is_empty() => s.delete_vertex(nodes[node as usize % nodes.len()]).is_ok(),
            Op::Reassign { grid, feature, to } if !ids.is_empty() => {
                let (layer, fid) = if grid {
                    let g = &s.plan().grids;
                    (Layer::Grid, g[feature as usize % g.len()].id.clone())
                } else {
                    let k = &s.plan().compounds;
                    (Layer::Compound, k[feature as usize % k.len()].id.clone())
                };
                s.reassign(layer, &fid, &ids[to as usize % ids.len()]).is_ok()
            }
            Op::Split { community, x } if !ids.is_empty() => {
                let x = 119.40 + f64::from(x) / 255.0 * 0.02;
                s.split(&ids[community as usize % ids.len()], &[Coord { x, y: 32.38 }, Coord { x, y: 32.42 }]).is_ok()
            }
            Op::Merge { a, b } if !ids.is_empty() => s.merge(&ids[a as usize % ids.len()], &ids[b as usize % ids.len()]).is_ok(),
            Op::Undo => s.undo().is_some(),
            Op::Redo => s.redo().is_some(),
            _ => false,
        };
        if ok {
            done += 1;
        }
        let r = s.report();
        let assigned: u64 = r.communities.iter().map(|c| c.households_total).sum();
        assert_eq!(assigned + r.totals.unassigned_households, total, "households are conserved");
    }
    while s.undo().is_some() {}
    assert_eq!(s.report().totals, start.totals, "undoing every edit ({done}) restores the start");
});
