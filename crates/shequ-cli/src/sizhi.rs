//! `shequ check --sizhi`: each community's four boundaries (四至).

use shequ_core::sizhi::{sizhi, Sizhi};
use shequ_core::{Plan, Profile};

use crate::args::Lang;
use crate::table::{Align, Table};

/// The 四至 of every community, in plan order.
pub fn all(plan: &Plan, profile: &Profile) -> Vec<Sizhi> {
    (0..plan.communities.len())
        .filter_map(|i| sizhi(plan, profile, i))
        .collect()
}

/// The table section.
pub fn section(list: &[Sizhi], plan: &Plan, lang: Lang, color: bool) -> String {
    let mut out = String::from("\n");
    out.push_str(
        &crate::table::Paint::Bold.apply(lang.pick("四至", "Four boundaries (四至)"), color),
    );
    out.push('\n');
    let mut t = Table::new(
        &[
            lang.pick("社区", "Community"),
            lang.pick("四至", "Bounded by"),
        ],
        &[Align::Left, Align::Left],
    );
    for s in list {
        let name = plan
            .community(&s.community_id)
            .map(|c| c.name.as_str())
            .filter(|n| !n.is_empty())
            .unwrap_or(&s.community_id);
        t.row(vec![
            name.to_string().into(),
            lang.pick(&s.text_zh, &s.text_en).to_string().into(),
        ]);
    }
    out.push_str(&t.render(color));
    out
}
