//! The command line: arguments in, a report out, an exit code back.

use crate::config::{Config, FailOn};
use crate::report::{self, Format};
use crate::rules;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// Exit codes, a public contract: 0 clean, 1 findings at or above `--fail-on`, 2 usage or I/O error.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "policy-lint",
    about = "Static IAM policy linter: finds gaps and over-broad grants before deploy",
    args_conflicts_with_subcommands = true,
    after_help = "Exit codes: 0 no findings at or above --fail-on, 1 findings, 2 usage or I/O error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Files and directories to lint (directories are walked recursively).
    #[arg(default_value = ".")]
    pub paths: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Lowest severity that makes the run exit with 1.
    #[arg(long, value_parser = ["info", "warning", "error", "never"])]
    pub fail_on: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// List every rule: id, severity, category and summary.
    Rules,
    /// Print what a rule checks, why it matters, and a bad and a good example.
    Explain {
        /// The rule id, e.g. `unknown-action`.
        rule: String,
    },
    /// Decide offline whether a principal may perform an action on a resource.
    ///
    /// Exit 0 allowed, 1 denied or undecided ("depends on <key>"), 2 usage error.
    Simulate(crate::cli_simulate::SimulateArgs),
    /// Explain an AccessDeniedException message from the project's policies, and write the fix.
    ExplainDenied(crate::cli_simulate::ExplainDeniedArgs),
}

/// Runs the command line; returns the process exit code.
pub fn run() -> ExitCode {
    let version = format!("{} (AWS data {})", env!("CARGO_PKG_VERSION"), crate::catalog::DATA_DATE);
    let version: &'static str = Box::leak(version.into_boxed_str());
    let matches = Cli::command().version(version).get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let code = match &cli.command {
        Some(Command::Rules) => list_rules(&mut out),
        Some(Command::Explain { rule }) => explain(rule, &mut out),
        Some(Command::Simulate(args)) => crate::cli_simulate::simulate(args, &mut out),
        Some(Command::ExplainDenied(args)) => crate::cli_simulate::explain_denied(args, &mut out),
        None => lint(&cli, &mut out),
    };
    let _ = out.flush();
    ExitCode::from(code)
}

fn lint(cli: &Cli, out: &mut dyn Write) -> u8 {
    let mut config = Config::default();
    if let Some(f) = cli.fail_on.as_deref().and_then(FailOn::parse) {
        config.fail_on = f;
    }
    match crate::analysis::require::load_from_default_location() {
        Ok(require) => config.require = require,
        Err(e) => {
            eprintln!("policy-lint: {e}");
            return EXIT_ERROR;
        }
    }
    let report = crate::lint(&cli.paths, &config);
    let color = cli.format == Format::Human
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    if let Err(e) = report::write(&report, cli.format, color, out) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return EXIT_OK;
        }
        eprintln!("policy-lint: cannot write the report: {e}");
        return EXIT_ERROR;
    }
    for e in &report.errors {
        eprintln!("policy-lint: {}: {}", e.path, e.message);
    }
    if report.errors.iter().any(|e| e.missing_root) {
        EXIT_ERROR
    } else if report.findings.iter().any(|f| config.fail_on.fails(f.severity)) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn list_rules(out: &mut dyn Write) -> u8 {
    let width = rules::RULES.iter().map(|r| r.meta.id.len()).max().unwrap_or(0);
    for r in rules::RULES {
        let m = r.meta;
        let _ = writeln!(out, "{:width$}  {:7}  {:15}  {}", m.id, m.severity.as_str(), m.category.as_str(), m.summary);
    }
    let _ = writeln!(out, "\nAWS data: {} ({})", crate::catalog::DATA_DATE, crate::catalog::DATA_SOURCE);
    EXIT_OK
}

fn explain(id: &str, out: &mut dyn Write) -> u8 {
    match rules::find(id) {
        Some(r) => {
            let m = r.meta;
            let _ = writeln!(out, "# {} ({}, {})\n\n{}\n", m.id, m.severity, m.category.as_str(), m.summary);
            let _ = write!(out, "{}", unindent(m.doc));
            EXIT_OK
        }
        None => {
            let near = rules::RULES
                .iter()
                .map(|r| r.meta.id)
                .find(|r| r.contains(id) || id.contains(r))
                .map(|r| format!("; did you mean `{r}`?"))
                .unwrap_or_default();
            eprintln!("policy-lint: no rule `{id}`{near} (`policy-lint rules` lists them)");
            EXIT_ERROR
        }
    }
}

/// Doc comments keep the single leading space rustdoc adds; drop it.
fn unindent(doc: &str) -> String {
    doc.lines().map(|l| l.strip_prefix(' ').unwrap_or(l)).collect::<Vec<_>>().join("\n") + "\n"
}
