//! `shequ`: the command line of the Shequ rule engine.
//!
//! Thin glue over `shequ-core`: parse arguments, read files, hand bytes to
//! the loader, print the report. Exit codes: 0 no error findings, 1 error
//! findings, 2 the input could not be read (or bad usage).

mod adjust;
mod args;
mod check;
mod generate;
mod import;
mod input;
mod render;
mod rules;
mod sizhi;
mod table;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{error::ErrorKind, CommandFactory, Parser};
use shequ_core::Profile;

use args::{Cli, Command, Lang};

/// How a command ended, as the exit code documents it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0: no error findings.
    Clean,
    /// Exit 1: error findings.
    Errors,
}

/// Why a command could not do its work (exit 2).
#[derive(Debug)]
pub enum Failure {
    /// Problems with the input, one line each, already in the user's language.
    Input(Vec<String>),
    /// Bad usage, with clap's usage text.
    Usage(Box<clap::Error>),
}

fn main() -> ExitCode {
    report_bugs_politely();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version come this way too, with exit code 0.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let result = match &cli.command {
        Command::Check(a) => check::run(a, cli.lang),
        Command::Generate(a) => generate::run(a, cli.lang),
        Command::Import(a) => import::run(a, cli.lang),
        Command::Rules(a) => rules::run(a, cli.lang),
        Command::Suggest(a) => adjust::suggest(a, cli.lang),
        Command::Repair(a) => adjust::repair(a, cli.lang),
        Command::Profiles => profiles(cli.lang),
    };
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Errors) => ExitCode::from(1),
        Err(Failure::Input(lines)) => {
            for line in &lines {
                stderr_line(line);
            }
            ExitCode::from(2)
        }
        Err(Failure::Usage(e)) => {
            let _ = e.print();
            ExitCode::from(2)
        }
    }
}

/// `shequ profiles`: the built-in profiles with their titles.
fn profiles(lang: Lang) -> Result<Outcome, Failure> {
    let mut rows = table::Table::bare(&[table::Align::Left, table::Align::Left]);
    for name in Profile::builtin_names() {
        let title = match Profile::builtin(name) {
            Ok(p) => lang.pick(&p.title_zh, &p.title_en).to_string(),
            Err(e) => e.to_string(),
        };
        let default = if name == shequ_core::profile::DEFAULT_PROFILE {
            lang.pick("（默认）", " (default)")
        } else {
            ""
        };
        rows.row(vec![name.into(), format!("{title}{default}").into()]);
    }
    write_stdout(&rows.render(false), lang)?;
    Ok(Outcome::Clean)
}

/// A usage error for `subcommand`, printed by clap with its usage line.
pub fn usage_error(subcommand: &str, kind: ErrorKind, message: &str) -> Failure {
    let mut cmd = Cli::command();
    cmd.build();
    let err = match cmd.find_subcommand_mut(subcommand) {
        Some(sub) => sub.error(kind, message),
        None => cmd.error(kind, message),
    };
    Failure::Usage(Box::new(err))
}

/// A panic is a bug in shequ (or in a library under it), never the planner's
/// fault: say so in one line and exit 2 instead of printing a backtrace. The
/// release profile aborts on panic, so this hook is the one place to do it.
fn report_bugs_politely() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".to_string());
        let place = info
            .location()
            .map(|l| format!(" ({}:{})", l.file(), l.line()))
            .unwrap_or_default();
        stderr_line(&format!(
            "shequ: internal error: {}{place}; this is a bug in shequ, not a problem with \
             your plan: please report it with the input files",
            input::one_line(&message)
        ));
        std::process::exit(2);
    }));
}

/// Writes the command's output. A closed pipe (`shequ check … | head`) is
/// not an error; anything else is.
pub fn write_stdout(text: &str, lang: Lang) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::Input(vec![input::cannot(
            "write",
            lang.pick("标准输出", "standard output"),
            &e,
            lang,
        )])),
    }
}

/// One line on stderr; a closed stderr is ignored rather than a panic.
pub fn stderr_line(line: &str) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{line}");
}
