//! `shequ rules`: every rule of a profile with the sentence it enforces, its
//! strength, the citation, and each number it reads with its value and origin
//! — so a planner can see why a finding says what it says.

use shequ_core::profile::{RuleEntry, Strength};

use crate::args::{Format, Lang, RulesArgs};
use crate::{input, write_stdout, Failure, Outcome};

pub fn run(a: &RulesArgs, lang: Lang) -> Result<Outcome, Failure> {
    let profile = input::profile(&a.profile, lang).map_err(|e| Failure::Input(vec![e]))?;
    let sheet = profile.rule_sheet();
    let text = match a.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&serde_json::json!({
                "profile": profile.name, "rules": sheet,
            }))
            .unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Table => render(
            &profile.name,
            lang.pick(&profile.title_zh, &profile.title_en),
            &sheet,
            lang,
        ),
    };
    write_stdout(&text, lang)?;
    Ok(Outcome::Clean)
}

fn render(name: &str, title: &str, sheet: &[RuleEntry], lang: Lang) -> String {
    let mut out = format!(
        "{} {name} — {title}\n",
        lang.pick("规则方案", "Rule profile")
    );
    for r in sheet {
        let strength = match (r.strength, lang) {
            (s, Lang::Zh) => s.name_zh(),
            (s, Lang::En) => s.name_en(),
        };
        let severity = lang.pick(r.severity.name_zh(), r.severity.name_en());
        out.push_str(&format!(
            "\n{}  {}  {} → {}\n",
            r.code,
            lang.pick(&r.citation_zh, &r.citation_en),
            strength,
            severity
        ));
        let quote = lang.pick(&r.quote_zh, &r.quote_en);
        if quote.is_empty() {
            out.push_str(&format!(
                "  {}\n",
                lang.pick(
                    "（本方案未摘录条文，见所引文件）",
                    "(not quoted here; see the document cited)"
                )
            ));
        } else if lang == Lang::Zh {
            out.push_str(&format!("  “{quote}”\n"));
        } else {
            out.push_str(&format!("  \"{quote}\"\n"));
        }
        if r.strength == Strength::InPrinciple {
            out.push_str(lang.pick(
                "  偏离须说明理由（可在社区的 explanations 中写明）\n",
                "  a deviation needs a stated reason (the community's explanations)\n",
            ));
        }
        for t in &r.thresholds {
            out.push_str(&format!(
                "  {} = {}  ({})\n",
                t.key,
                value(&t.value),
                lang.pick(&t.origin_zh, &t.origin_en)
            ));
        }
    }
    out
}

fn value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => items.iter().map(value).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}
