//! The report for people: header, communities, findings, adjustment
//! candidates and the comparison, in Chinese or English.

use std::collections::HashMap;

use shequ_core::compare::Comparison;
use shequ_core::fmt::{int, pct, section_en};
use shequ_core::report::{CommunityReport, Status};
use shequ_core::{Plan, Profile, Report, Severity};

use crate::args::Lang;
use crate::table::{clean, Align, Cell, Paint, Table};

/// What the table view needs besides the report.
pub struct View<'a> {
    pub lang: Lang,
    pub color: bool,
    pub profile: &'a Profile,
    pub plan: &'a Plan,
    pub baseline: Option<(&'a str, &'a Plan)>,
}

pub fn report(r: &Report, v: &View) -> String {
    let mut out = String::new();
    header(&mut out, r, v);
    communities(&mut out, r, v);
    findings(&mut out, r, v);
    adjustment(&mut out, r, v);
    if let (Some(c), Some((name, _))) = (&r.comparison, v.baseline) {
        comparison(&mut out, c, name, v);
    }
    out
}

fn heading(out: &mut String, text: &str, v: &View) {
    out.push('\n');
    out.push_str(&Paint::Bold.apply(text, v.color));
    out.push('\n');
}

fn header(out: &mut String, r: &Report, v: &View) {
    let t = &r.totals;
    let lang = v.lang;
    let title = lang.pick(&v.profile.title_zh, &v.profile.title_en);
    let mut kv = Table::bare(&[Align::Left, Align::Left]);
    match lang {
        Lang::Zh => {
            kv.row(vec![
                "规则配置".into(),
                format!("{}（{}）", r.profile, title).into(),
            ]);
            kv.row(vec!["社区".into(), format!("{} 个", t.communities).into()]);
            kv.row(vec![
                "户数".into(),
                format!(
                    "现有 {}，规划 {}，计入 {}",
                    int(t.households),
                    int(t.planned_households),
                    int(t.households_total)
                )
                .into(),
            ]);
            kv.row(vec![
                "问题".into(),
                format!(
                    "错误 {}，警告 {}，建议 {}，已说明 {}",
                    t.errors, t.warnings, t.infos, t.explained
                )
                .into(),
            ]);
            kv.row(vec![
                "户数目标区间".into(),
                format!(
                    "区间内 {}，低于 {}，高于 {}",
                    t.in_band, t.below_band, t.above_band
                )
                .into(),
            ]);
            if t.unassigned_compounds > 0 || t.unassigned_grid_cells > 0 {
                kv.row(vec![
                    "未划入社区".into(),
                    format!(
                        "小区 {} 个（{} 户），网格 {} 个",
                        t.unassigned_compounds,
                        int(t.unassigned_households),
                        t.unassigned_grid_cells
                    )
                    .into(),
                ]);
            }
        }
        Lang::En => {
            kv.row(vec![
                "Profile".into(),
                format!("{} — {}", r.profile, title).into(),
            ]);
            kv.row(vec!["Communities".into(), t.communities.to_string().into()]);
            kv.row(vec![
                "Households".into(),
                format!(
                    "{} existing, {} planned, {} counted",
                    int(t.households),
                    int(t.planned_households),
                    int(t.households_total)
                )
                .into(),
            ]);
            kv.row(vec![
                "Findings".into(),
                format!(
                    "{} {}, {} {}, {} {}, {} explained",
                    t.errors,
                    plural(t.errors, "error", "errors"),
                    t.warnings,
                    plural(t.warnings, "warning", "warnings"),
                    t.infos,
                    plural(t.infos, "suggestion", "suggestions"),
                    t.explained
                )
                .into(),
            ]);
            kv.row(vec![
                "Target band".into(),
                format!(
                    "{} in band, {} below, {} above",
                    t.in_band, t.below_band, t.above_band
                )
                .into(),
            ]);
            if t.unassigned_compounds > 0 || t.unassigned_grid_cells > 0 {
                kv.row(vec![
                    "Outside every community".into(),
                    format!(
                        "{} {} ({} households), {} {}",
                        t.unassigned_compounds,
                        plural(t.unassigned_compounds, "compound", "compounds"),
                        int(t.unassigned_households),
                        t.unassigned_grid_cells,
                        plural(t.unassigned_grid_cells, "grid cell", "grid cells")
                    )
                    .into(),
                ]);
            }
        }
    }
    out.push_str(&kv.render(false));
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

fn communities(out: &mut String, r: &Report, v: &View) {
    let lang = v.lang;
    heading(
        out,
        &format!(
            "{}{}",
            lang.pick("社区", "Communities"),
            paren(r.communities.len(), lang)
        ),
        v,
    );
    if r.communities.is_empty() {
        out.push_str(lang.pick("方案中没有社区。\n", "The plan has no communities.\n"));
        return;
    }
    use Align::{Left, Right};
    let header: &[&str] = match lang {
        Lang::Zh => &[
            "编号",
            "名称",
            "现有户数",
            "规划户数",
            "计入户数",
            "目标区间",
            "面积(平方公里)",
            "紧凑度",
            "沿路河",
            "相邻",
            "状态",
        ],
        Lang::En => &[
            "ID",
            "Name",
            "Households",
            "Planned",
            "Counted",
            "Target band",
            "Area km²",
            "Polsby-Popper",
            "On barriers",
            "Neighbours",
            "Status",
        ],
    };
    let mut t = Table::new(
        header,
        &[
            Left, Left, Right, Right, Right, Right, Right, Right, Right, Right, Left,
        ],
    );
    for c in &r.communities {
        t.row(vec![
            c.id.as_str().into(),
            c.name.as_str().into(),
            int(c.households).into(),
            int(c.planned_households).into(),
            band_cell(c),
            format!("{}-{}", int(c.band.target_min), int(c.band.target_max)).into(),
            fixed(c.area_m2 / 1e6, 2).into(),
            fixed(c.polsby_popper, 2).into(),
            share(c.barrier_share).into(),
            c.neighbours.len().to_string().into(),
            status_cell(c.status, lang),
        ]);
    }
    out.push_str(&t.render(v.color));
    out.push_str(lang.pick(
        "计入户数为规模规则计入的户数（现有加规划，视规则配置而定）；紧凑度为 Polsby-Popper 指数（圆为 1）；沿路河为边界沿道路、街巷、河流（或街道界）的比例。\n",
        "Counted: the households the scale rules count (existing plus planned, as the profile says); Polsby-Popper compactness (a circle is 1); On barriers: share of the boundary along roads, lanes, rivers (or the street outline).\n",
    ));
}

/// Counted households, coloured by where they fall against the band.
fn band_cell(c: &CommunityReport) -> Cell {
    let text = int(c.households_total);
    if c.households_total > c.band.split_above {
        Cell::painted(text, Paint::Red)
    } else if c.households_total > c.band.target_max || c.households_total < c.band.target_min {
        Cell::painted(text, Paint::Yellow)
    } else {
        text.into()
    }
}

fn status_cell(s: Status, lang: Lang) -> Cell {
    match s {
        Status::Ok => Cell::painted(lang.pick("通过", "ok"), Paint::Green),
        Status::Warning => Cell::painted(lang.pick("警告", "warning"), Paint::Yellow),
        Status::Error => Cell::painted(lang.pick("错误", "error"), Paint::Red),
    }
}

fn fixed(x: f64, digits: usize) -> String {
    if x.is_finite() {
        format!("{x:.digits$}")
    } else {
        "-".into()
    }
}

fn share(x: f64) -> String {
    if x.is_finite() {
        pct(x)
    } else {
        "-".into()
    }
}

fn paren(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("（{n}）"),
        Lang::En => format!(" ({n})"),
    }
}

fn findings(out: &mut String, r: &Report, v: &View) {
    let lang = v.lang;
    if r.findings.is_empty() {
        heading(out, lang.pick("问题", "Findings"), v);
        out.push_str(lang.pick("未发现问题。\n", "No findings.\n"));
        return;
    }
    for (severity, en, paint) in [
        (Severity::Error, "Errors", Paint::Red),
        (Severity::Warning, "Warnings", Paint::Yellow),
        (Severity::Info, "Suggestions", Paint::Cyan),
    ] {
        let group: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.severity == severity && f.explained.is_none())
            .collect();
        if group.is_empty() {
            continue;
        }
        out.push('\n');
        out.push_str(&paint.apply(
            &format!(
                "{}{}",
                lang.pick(severity.name_zh(), en),
                paren(group.len(), lang)
            ),
            v.color,
        ));
        out.push('\n');
        for f in group {
            let message = lang.pick(&f.message_zh, &f.message_en);
            out.push_str(&format!("  [{}] {}\n", f.code, clean(message)));
        }
    }
    // In-principle deviations the planner has answered with a reason.
    let explained: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.explained.is_some())
        .collect();
    if !explained.is_empty() {
        out.push('\n');
        out.push_str(&Paint::Cyan.apply(
            &format!(
                "{}{}",
                lang.pick("已说明", "Explained"),
                paren(explained.len(), lang)
            ),
            v.color,
        ));
        out.push('\n');
        for f in explained {
            let message = lang.pick(&f.message_zh, &f.message_en);
            let reason = f.explained.as_ref().map_or("", |e| e.reason.as_str());
            out.push_str(&format!(
                "  [{}] {}\n      {}{}\n",
                f.code,
                clean(message),
                lang.pick("理由：", "Reason: "),
                clean(reason)
            ));
        }
    }
}

fn adjustment(out: &mut String, r: &Report, v: &View) {
    let lang = v.lang;
    heading(
        out,
        lang.pick(
            "调整对象（方案二：调整条件）",
            "Adjustment candidates (plan §2: conditions for adjustment)",
        ),
        v,
    );
    if r.adjustment.is_empty() {
        out.push_str(lang.pick(
            "没有社区符合调整条件。\n",
            "No community meets a condition for adjustment.\n",
        ));
        return;
    }
    let header: &[&str] = match lang {
        Lang::Zh => &["编号", "名称", "调整条件", "依据"],
        Lang::En => &["ID", "Name", "Conditions", "Findings"],
    };
    let mut t = Table::new(
        header,
        &[Align::Left, Align::Left, Align::Left, Align::Left],
    );
    let names: HashMap<&str, &str> = r
        .communities
        .iter()
        .map(|c| (c.id.as_str(), c.name.as_str()))
        .collect();
    for a in &r.adjustment {
        let conditions: Vec<String> = a.conditions.iter().map(|c| condition(c, lang)).collect();
        t.row(vec![
            a.community_id.as_str().into(),
            names
                .get(a.community_id.as_str())
                .copied()
                .unwrap_or("")
                .into(),
            conditions.join(lang.pick("；", "; ")).into(),
            a.codes.join(", ").into(),
        ]);
    }
    out.push_str(&t.render(v.color));
}

/// The conditions of section 二 by their report names.
fn condition(name: &str, lang: Lang) -> String {
    let (zh, section) = match name {
        "scale" => ("社区规模不适宜", "二（一）"),
        "jurisdiction" => ("管辖范围不合理", "二（二）"),
        "management" => ("社区管理不顺畅", "二（三）"),
        other => return other.to_string(),
    };
    match lang {
        Lang::Zh => format!("{zh}（{section}）"),
        Lang::En => {
            let en = match name {
                "scale" => "unsuitable scale",
                "jurisdiction" => "unreasonable jurisdiction",
                _ => "management not running smoothly",
            };
            format!("{en} ({})", section_en(section))
        }
    }
}

fn comparison(out: &mut String, c: &Comparison, baseline_name: &str, v: &View) {
    let lang = v.lang;
    let title = match lang {
        Lang::Zh => format!("与现状比较（现状：{}）", clean(baseline_name)),
        Lang::En => format!("Against the baseline ({})", clean(baseline_name)),
    };
    heading(out, &title, v);
    let label = |id: &str| community_label(id, v);
    let list = |ids: &[String]| {
        ids.iter()
            .map(|id| label(id))
            .collect::<Vec<_>>()
            .join(lang.pick("、", ", "))
    };
    out.push_str(&match lang {
        Lang::Zh => format!(
            "移动小区 {} 个，共 {} 户\n",
            c.compounds_moved,
            int(c.households_moved)
        ),
        Lang::En => format!(
            "{} {} moved, {} households\n",
            c.compounds_moved,
            plural(c.compounds_moved, "compound", "compounds"),
            int(c.households_moved)
        ),
    });
    if !c.moves.is_empty() {
        let header: &[&str] = match lang {
            Lang::Zh => &["小区编号", "小区名称", "户数", "原属社区", "新属社区"],
            Lang::En => &["Compound", "Name", "Households", "From", "To"],
        };
        let mut t = Table::new(
            header,
            &[
                Align::Left,
                Align::Left,
                Align::Right,
                Align::Left,
                Align::Left,
            ],
        )
        .indent(2);
        let none = lang.pick("（无）", "(none)");
        for m in &c.moves {
            t.row(vec![
                m.compound_id.as_str().into(),
                m.name.as_str().into(),
                int(m.households_total).into(),
                m.from
                    .as_deref()
                    .map_or_else(|| none.to_string(), label)
                    .into(),
                m.to.as_deref()
                    .map_or_else(|| none.to_string(), label)
                    .into(),
            ]);
        }
        out.push_str(&t.render(v.color));
    }
    let mut kv = Table::bare(&[Align::Left, Align::Left]);
    let mut item =
        |zh: &str, en: &str, text: String| kv.row(vec![lang.pick(zh, en).into(), text.into()]);
    if !c.communities_created.is_empty() {
        item("新设社区", "Created", list(&c.communities_created));
    }
    if !c.communities_removed.is_empty() {
        item("撤销社区", "Removed", list(&c.communities_removed));
    }
    if !c.communities_renamed.is_empty() {
        let renamed: Vec<String> = c
            .communities_renamed
            .iter()
            .map(|r| format!("{}{}{} → {}", r.id, lang.pick("：", ": "), r.from, r.to))
            .collect();
        item("更名社区", "Renamed", renamed.join(lang.pick("；", "; ")));
    }
    if !c.compounds_added.is_empty() {
        item(
            "新增小区",
            "Compounds added",
            c.compounds_added.join(lang.pick("、", ", ")),
        );
    }
    if !c.compounds_removed.is_empty() {
        item(
            "删除小区",
            "Compounds removed",
            c.compounds_removed.join(lang.pick("、", ", ")),
        );
    }
    if !kv.is_empty() {
        out.push_str(&kv.render(false));
    }
    if !c.households.is_empty() {
        out.push_str(lang.pick("\n户数变化\n", "\nHouseholds by community\n"));
        let header: &[&str] = match lang {
            Lang::Zh => &["社区", "调整前", "调整后", "变化"],
            Lang::En => &["Community", "Before", "After", "Change"],
        };
        let mut t = Table::new(
            header,
            &[Align::Left, Align::Right, Align::Right, Align::Right],
        )
        .indent(2);
        for h in &c.households {
            let change = if h.after >= h.before {
                format!("+{}", int(h.after - h.before))
            } else {
                format!("-{}", int(h.before - h.after))
            };
            t.row(vec![
                label(&h.id).into(),
                int(h.before).into(),
                int(h.after).into(),
                change.into(),
            ]);
        }
        out.push_str(&t.render(v.color));
    }
    if c.compounds_moved == 0
        && c.households.is_empty()
        && c.communities_renamed.is_empty()
        && c.compounds_added.is_empty()
        && c.compounds_removed.is_empty()
    {
        out.push_str(lang.pick(
            "与现状相比没有变化。\n",
            "Nothing changes against the baseline.\n",
        ));
    }
}

/// `文昌社区（C01）`: the name from the proposal, else from the baseline.
fn community_label(id: &str, v: &View) -> String {
    let name = v
        .plan
        .community(id)
        .or_else(|| v.baseline.and_then(|(_, b)| b.community(id)))
        .map(|c| c.name.trim())
        .filter(|n| !n.is_empty() && *n != id);
    match (name, v.lang) {
        (Some(n), Lang::Zh) => format!("{n}（{id}）"),
        (Some(n), Lang::En) => format!("{n} ({id})"),
        (None, _) => id.to_string(),
    }
}
