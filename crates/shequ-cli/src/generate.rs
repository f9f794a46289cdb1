//! `shequ generate`: a synthetic district as a GeoJSON plan.

use std::io::Write;

use shequ_core::export::to_geojson_string;
use shequ_core::fmt::int;
use shequ_core::Plan;
use shequ_generate::{generate, GenerateOptions};

use crate::args::{GenerateArgs, Lang};
use crate::input;
use crate::{Failure, Outcome};

pub fn run(a: &GenerateArgs, lang: Lang) -> Result<Outcome, Failure> {
    let communities = usize::try_from(a.communities).unwrap_or(usize::MAX);
    let plan = generate(&GenerateOptions {
        communities,
        seed: a.seed,
    });
    let mut text = to_geojson_string(&plan);
    text.push('\n');
    let name = input::display_name(&a.out);
    if input::is_stdin(&a.out) {
        crate::write_stdout(&text, lang)?;
    } else {
        std::fs::File::create(&a.out)
            .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|()| f.flush()))
            .map_err(|e| Failure::Input(vec![input::cannot("write", &name, &e, lang)]))?;
    }
    crate::stderr_line(&summary(&plan, &name, lang));
    Ok(Outcome::Clean)
}

fn summary(p: &Plan, name: &str, lang: Lang) -> String {
    let households: u64 = p.compounds.iter().map(|c| u64::from(c.households)).sum();
    let planned: u64 = p
        .compounds
        .iter()
        .map(|c| u64::from(c.planned_households))
        .sum();
    match lang {
        Lang::Zh => format!(
            "已写入 {name}：社区 {} 个，小区 {} 个（现有 {} 户，规划 {} 户），网格 {} 个，边界线 {} 条，党群服务中心 {} 个，街道 {} 个",
            p.communities.len(),
            p.compounds.len(),
            int(households),
            int(planned),
            p.grids.len(),
            p.barriers.len(),
            p.centers.len(),
            p.streets.len()
        ),
        Lang::En => format!(
            "wrote {name}: {} communities, {} compounds ({} households, {} planned), {} grid cells, {} barriers, {} service centres, {} streets",
            p.communities.len(),
            p.compounds.len(),
            int(households),
            int(planned),
            p.grids.len(),
            p.barriers.len(),
            p.centers.len(),
            p.streets.len()
        ),
    }
}
