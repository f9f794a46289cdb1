//! `cargo xtask`: the project's two everyday commands and their parts.
//!
//! ```text
//! cargo xtask serve [--port N]   set up, build the WASM and the site, serve the demo on 127.0.0.1
//! cargo xtask test               set up, then run every test (Rust, WASM, browser)
//! cargo xtask setup              install what is missing (skips what is there)
//! cargo xtask build              build the WASM and the site into web/dist
//! cargo xtask bench [--quick]    benchmarks: Criterion, WASM in Node and Chromium, turf.js
//! ```
//!
//! Set-up installs only what is missing: the wasm32 target, wasm-pack,
//! wasm-bindgen-cli at exactly the version in Cargo.lock, the web packages
//! (`npm ci`), and Debian's Chromium for the browser tests.

mod bench;
mod serve;
mod setup;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve_cmd(&args[1..]),
        Some("test") => test_cmd(&args[1..]),
        Some("setup") => setup::all(true),
        Some("build") => setup::all(false).and_then(|_| build()),
        Some("bench") => bench_cmd(&args[1..]),
        Some("-h" | "--help" | "help") | None => {
            println!("{}", HELP);
            Ok(())
        }
        Some(other) => Err(format!("unknown command {other:?}\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

const HELP: &str = "usage: cargo xtask <command>

  serve [--port N]   set up, build, and serve the planner with the demo district on http://127.0.0.1:N (default 8000)
  test               set up, then run every test: Rust (fmt, clippy, unit, doc, wasm32 check),
                     the WASM binding (Node), the web build and the browser tests (Chromium)
  setup              install what is missing: wasm32 target, wasm-pack, wasm-bindgen-cli, npm packages, Chromium
  build              build the WASM and the site into web/dist
  bench [--quick]    run the benchmarks and write bench/results.json";

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Runs `cmd`, echoing it; fails with its exit status.
pub fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}").replace('"', "");
    eprintln!("  $ {shown}");
    let status = cmd
        .env("PATH", setup::path_with_tools())
        .status()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

pub fn step<T>(name: &str, f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    eprintln!("==> {name}");
    let t = Instant::now();
    let r = f();
    eprintln!(
        "    {name}: {} in {:.1} s",
        if r.is_ok() { "ok" } else { "FAILED" },
        t.elapsed().as_secs_f64()
    );
    r
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

fn npm(args: &[&str]) -> Command {
    let mut c = Command::new("npm");
    c.args(args).current_dir(root().join("web"));
    c
}

/// Builds the WASM packages (web/pkg, web/pkg-import, web/pkg-adjust) and the site (web/dist).
pub fn build() -> Result<(), String> {
    build_wasm()?;
    step("build site (vite)", || run(&mut npm(&["run", "build"])))
}

fn build_wasm() -> Result<(), String> {
    step("build WASM (wasm-pack, wasm-opt from binaryen)", || {
        run(&mut npm(&["run", "wasm"]))
    })
}

fn serve_cmd(args: &[String]) -> Result<(), String> {
    let port = match args {
        [] => 8000,
        [flag, n] if flag == "--port" => n
            .parse()
            .map_err(|_| format!("--port expects a number, got {n:?}"))?,
        _ => return Err("usage: cargo xtask serve [--port N]".into()),
    };
    setup::all(false)?;
    build()?;
    serve::serve(&root().join("web/dist"), port)
}

fn test_cmd(args: &[String]) -> Result<(), String> {
    if !args.is_empty() {
        return Err("usage: cargo xtask test".into());
    }
    let t = Instant::now();
    setup::all(true)?;
    step("rustfmt", || run(cargo().args(["fmt", "--all", "--check"])))?;
    step("clippy", || {
        run(cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    step(
        "Rust tests (unit, property, integration, corpus, doc)",
        || run(cargo().args(["test", "--workspace"])),
    )?;
    step("engine and importer build for wasm32", || {
        run(cargo().args([
            "check",
            "-p",
            "shequ-core",
            "-p",
            "shequ-import",
            "--target",
            "wasm32-unknown-unknown",
        ]))
    })?;
    step("rustdoc (warnings denied)", || {
        run(cargo()
            .args(["doc", "--no-deps", "-p", "shequ-core", "-p", "shequ-import"])
            .env("RUSTDOCFLAGS", "-D warnings"))
    })?;
    step(
        "dependency policy (cargo deny: licenses, bans, sources; advisories when reachable)",
        deny,
    )?;
    step("fuzzing (cargo fuzz, a short run per target)", fuzz)?;
    step("WASM binding tests (wasm-bindgen-test in Node)", || {
        // With the suggest/repair part, which the page's own engine leaves out.
        run(Command::new("wasm-pack")
            .args(["test", "--node", "--release"])
            .arg(root().join("crates/shequ-wasm"))
            .args(["--features", "adjust"])
            .current_dir(root()))
    })?;
    build_wasm()?;
    step(
        "npm audit (when the registry's audit service answers)",
        npm_audit,
    )?;
    step("site build and browser tests (Chromium)", || {
        run(&mut npm(&["test"]))
    })?;
    eprintln!("all tests passed in {:.0} s", t.elapsed().as_secs_f64());
    Ok(())
}

/// Licences, duplicate and source checks run offline; the advisory database
/// lives on github.com, which this build machine cannot reach, so advisories
/// are checked only when it can be fetched.
fn deny() -> Result<(), String> {
    run(cargo().args(["deny", "--offline", "check", "licenses", "bans", "sources"]))?;
    match run(cargo().args(["deny", "check", "advisories"])) {
        Ok(()) => Ok(()),
        Err(e) => {
            eprintln!(
                "    advisories not checked: the RustSec database could not be fetched ({e})"
            );
            Ok(())
        }
    }
}

/// Each fuzz target for a short while from its committed seeds; the long run
/// is documented in README (`cargo xtask fuzz` is not needed: see there).
fn fuzz() -> Result<(), String> {
    let dir = root().join("crates/shequ-core/fuzz");
    let secs = std::env::var("SHEQU_FUZZ_SECONDS").unwrap_or_else(|_| "20".into());
    for target in ["load", "evaluate", "edits"] {
        let corpus = dir.join("corpus").join(target);
        std::fs::create_dir_all(&corpus)
            .map_err(|e| format!("cannot create {}: {e}", corpus.display()))?;
        for seed in std::fs::read_dir(dir.join("seeds").join(target))
            .map_err(|e| e.to_string())?
            .flatten()
        {
            let _ = std::fs::copy(seed.path(), corpus.join(seed.file_name()));
        }
        run(Command::new("cargo")
            .args(["fuzz", "run", target])
            .arg(&corpus)
            .args([
                "--",
                &format!("-max_total_time={secs}"),
                "-max_len=65536",
                "-print_final_stats=1",
            ])
            .env("RUSTC_BOOTSTRAP", "1")
            .current_dir(&dir))?;
    }
    Ok(())
}

/// `npm audit` needs the registry's audit endpoint, which the mirror here
/// refuses (HTTP 405); the installed tree is then only checked against the lockfile.
fn npm_audit() -> Result<(), String> {
    let out = Command::new("npm")
        .args(["audit", "--audit-level=high", "--omit=optional"])
        .current_dir(root().join("web"))
        .output()
        .map_err(|e| format!("cannot start npm: {e}"))?;
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    if out.status.success() {
        eprintln!("{}", text.trim());
        return Ok(());
    }
    if text.contains("audit endpoint returned an error")
        || text.contains("ENOTFOUND")
        || text.contains("405")
    {
        eprintln!("    npm audit not run: the registry's audit endpoint is unreachable here");
        return run(Command::new("npm")
            .args(["ls", "--all"])
            .current_dir(root().join("web"))
            .stdout(std::process::Stdio::null()));
    }
    Err(format!("npm audit found problems:\n{text}"))
}

fn bench_cmd(args: &[String]) -> Result<(), String> {
    bench::bench(args)
}
