//! Reading what the user named: files (or standard input) and profiles.
//!
//! The core does no I/O; this module turns paths into bytes and every failure
//! into one line for stderr, in the user's language.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use shequ_core::load::{LoadErrors, LoadNote, LoadOptions};
use shequ_core::Profile;

use crate::args::Lang;

/// A file read into memory, with the name used in messages.
pub struct Source {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The name under which `path` appears in messages.
pub fn display_name(path: &Path) -> String {
    if is_stdin(path) {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Reads a whole file, or standard input for `-`, up to the loader's limit.
pub fn read(path: &Path, lang: Lang) -> Result<Source, String> {
    let name = display_name(path);
    let limit = LoadOptions::default().max_bytes;
    let result = if is_stdin(path) {
        read_limited(io::stdin().lock(), limit)
    } else {
        File::open(path).and_then(|f| read_limited(f, limit))
    };
    match result {
        Ok(bytes) if bytes.len() > limit => Err(match lang {
            Lang::Zh => format!(
                "shequ: {name}：文件超过 {} MB 的上限。修改建议：请按街道拆分方案，或简化几何图形",
                limit >> 20
            ),
            Lang::En => format!(
                "shequ: {name}: the file is larger than the {} MB limit; fix: split the plan by \
                 street, or simplify the geometry",
                limit >> 20
            ),
        }),
        Ok(bytes) => Ok(Source { name, bytes }),
        Err(e) => Err(cannot("read", &name, &e, lang)),
    }
}

/// Reads at most `limit + 1` bytes, so that an oversized input is refused
/// without holding all of it in memory.
fn read_limited(r: impl Read, limit: usize) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    r.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// `shequ: cannot read plan.geojson: No such file or directory`.
pub fn cannot(verb: &str, name: &str, e: &io::Error, lang: Lang) -> String {
    match lang {
        Lang::Zh => {
            let verb = if verb == "read" { "读取" } else { "写入" };
            format!("shequ: 无法{verb} {name}：{}", io_reason_zh(e))
        }
        Lang::En => format!("shequ: cannot {verb} {name}: {}", io_reason_en(e)),
    }
}

/// The OS's reason without the `(os error 2)` tail.
fn io_reason_en(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn io_reason_zh(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "文件或文件夹不存在".into(),
        io::ErrorKind::PermissionDenied => "没有访问权限".into(),
        io::ErrorKind::IsADirectory => "这是文件夹，不是文件".into(),
        io::ErrorKind::NotADirectory => "路径中有一段不是文件夹".into(),
        _ => io_reason_en(e),
    }
}

/// A built-in profile by name, or a profile file by path.
pub fn profile(spec: &str, lang: Lang) -> Result<Profile, String> {
    if Profile::builtin_names().any(|n| n == spec) {
        return Profile::builtin(spec).map_err(|e| profile_error(&e.to_string(), lang));
    }
    let path = PathBuf::from(spec);
    let looks_like_file = path.exists()
        || path
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("toml") || x.eq_ignore_ascii_case("json"))
        || spec.contains(std::path::MAIN_SEPARATOR)
        || spec.contains('/');
    if !looks_like_file {
        let names = Profile::builtin_names().collect::<Vec<_>>();
        return Err(match lang {
            Lang::Zh => format!(
                "shequ: --profile {spec}：没有名为 {spec:?} 的内置规则配置。修改建议：请使用 {} \
                 之一，或给出 .toml / .json 规则配置文件的路径",
                names.join("、")
            ),
            Lang::En => format!(
                "shequ: --profile {spec}: no built-in profile is called {spec:?}; fix: use one of \
                 {}, or give the path of a .toml or .json profile",
                names.join(", ")
            ),
        });
    }
    let source = read(&path, lang)?;
    let text = String::from_utf8(source.bytes).map_err(|_| match lang {
        Lang::Zh => format!(
            "shequ: {}：规则配置文件不是 UTF-8 文本。修改建议：请另存为 UTF-8",
            source.name
        ),
        Lang::En => format!(
            "shequ: {}: the profile is not UTF-8 text; fix: save it as UTF-8",
            source.name
        ),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    Profile::parse(&source.name, text).map_err(|e| profile_error(&e.to_string(), lang))
}

fn profile_error(message: &str, lang: Lang) -> String {
    let message = one_line(message);
    match lang {
        Lang::Zh => format!("shequ: 规则配置无法使用：{message}"),
        Lang::En => format!("shequ: bad profile: {message}"),
    }
}

/// One line per load problem, in the user's language.
pub fn load_error_lines(errors: &LoadErrors, lang: Lang) -> Vec<String> {
    let mut lines: Vec<String> = errors
        .errors
        .iter()
        .map(|e| match lang {
            Lang::Zh => one_line(&e.message_zh()),
            Lang::En => one_line(&e.to_string()),
        })
        .collect();
    if errors.more > 0 {
        lines.push(match lang {
            Lang::Zh => format!("…… 另有 {} 个问题未列出", errors.more),
            Lang::En => format!("… and {} more problems", errors.more),
        });
    }
    lines
}

/// A repair note for stderr: `note: plan.geojson: feature #3 (id "C03"): …`.
pub fn note_line(n: &LoadNote, lang: Lang) -> String {
    let text = match lang {
        Lang::En => n.to_string(),
        Lang::Zh => {
            let mut s = format!("{}：第 {} 号要素", n.file, n.feature_index);
            if let Some(id) = &n.feature_id {
                s.push_str(&format!("（编号 {id:?}）"));
            }
            s.push_str(&format!("：{}", n.message_zh));
            if n.count > 1 {
                s.push_str(&format!("（另有 {} 个要素同样处理）", n.count - 1));
            }
            s
        }
    };
    format!("note: {}", one_line(&text))
}

/// Guarantees one problem per line, whatever the message holds.
pub fn one_line(s: &str) -> String {
    crate::table::clean(&s.replace(['\r', '\n'], " "))
}
