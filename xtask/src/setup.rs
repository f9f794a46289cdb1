//! Installs what the build and the tests need, skipping what is already there.

use std::path::Path;
use std::process::Command;

use crate::{root, run, step};

/// PATH with cargo's bin directory and the web packages' binaries first
/// (wasm-pack finds binaryen's `wasm-opt` there; its own download cannot work offline).
pub fn path_with_tools() -> String {
    let mut parts = vec![root().join("web/node_modules/.bin").display().to_string()];
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(Into::into)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")));
    if let Some(home) = cargo_home {
        parts.push(home.join("bin").display().to_string());
    }
    parts.push(std::env::var("PATH").unwrap_or_default());
    parts.join(":")
}

/// Everything the build needs; with `browser`, also Chromium for the tests.
pub fn all(browser: bool) -> Result<(), String> {
    step("set-up (skips what is installed)", || {
        wasm_target()?;
        cargo_tool("wasm-pack", "wasm-pack", None)?;
        let v = wasm_bindgen_version()?;
        cargo_tool("wasm-bindgen", "wasm-bindgen-cli", Some(&v))?;
        npm_packages()?;
        if browser {
            cargo_tool("cargo-fuzz", "cargo-fuzz", None)?;
            cargo_tool("cargo-deny", "cargo-deny", None)?;
            chromium()?;
        }
        Ok(())
    })
}

fn output(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd)
        .args(args)
        .env("PATH", path_with_tools())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn wasm_target() -> Result<(), String> {
    if output("rustup", &["target", "list", "--installed"])
        .is_some_and(|s| s.lines().any(|l| l.trim() == "wasm32-unknown-unknown"))
    {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// The exact wasm-bindgen version in Cargo.lock (the CLI must match it).
fn wasm_bindgen_version() -> Result<String, String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(l) = lines.next() {
        if l.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines
                .next()
                .and_then(|v| v.trim().strip_prefix("version = \""))
                .and_then(|v| v.strip_suffix('"'))
            {
                return Ok(v.to_string());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen entry".into())
}

/// Installs `krate` with cargo unless `bin` answers (at `version`, when given).
fn cargo_tool(bin: &str, krate: &str, version: Option<&str>) -> Result<(), String> {
    let have = output(bin, &["--version"]);
    if have
        .as_deref()
        .is_some_and(|s| version.is_none_or(|v| s.split_whitespace().any(|w| w == v)))
    {
        return Ok(());
    }
    eprintln!(
        "  installing {krate}{} (takes several minutes, once)",
        version.map(|v| format!(" {v}")).unwrap_or_default()
    );
    let install = |locked: bool| {
        let mut c = Command::new("cargo");
        c.arg("install").arg(krate);
        if locked {
            c.arg("--locked");
        }
        if let Some(v) = version {
            c.args(["--version", v]);
        }
        run(&mut c)
    };
    // The registry mirror here sometimes lacks a version pinned in a tool's own
    // lockfile; resolving afresh then still gives a working tool.
    install(true).or_else(|e| {
        eprintln!("  {e}; retrying without --locked");
        install(false)
    })
}

fn npm_packages() -> Result<(), String> {
    let web = root().join("web");
    let lock = web.join("package-lock.json");
    let marker = web.join("node_modules/.package-lock.json");
    let fresh = match (
        std::fs::metadata(&lock).and_then(|m| m.modified()),
        std::fs::metadata(&marker).and_then(|m| m.modified()),
    ) {
        (Ok(l), Ok(m)) => m >= l,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&web))
}

/// Debian's Chromium, and a Chinese font for it (WenQuanYi Micro Hei,
/// 5 MB): the page, the printed sheets and the README's screenshots are
/// Chinese first, and without a CJK font Chromium draws boxes.
fn chromium() -> Result<(), String> {
    const FONT: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";
    if Path::new("/usr/bin/chromium").exists() && Path::new(FONT).exists() {
        return Ok(());
    }
    let sudo = output("id", &["-u"]).is_some_and(|u| u.trim() != "0");
    let apt = |args: &[&str]| {
        let mut c = if sudo {
            Command::new("sudo")
        } else {
            Command::new("apt-get")
        };
        if sudo {
            c.arg("apt-get");
        }
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut c)
    };
    apt(&["update"])?;
    apt(&[
        "install",
        "-y",
        "--no-install-recommends",
        "chromium",
        "fonts-wqy-microhei",
    ])
}
