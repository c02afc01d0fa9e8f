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

    /// Largest file read, in bytes (suffixes K, M, G); larger files get a `parse-error` [default: 10M].
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,

    /// Follow symbolic links inside walked directories, even out of them (loops are reported).
    #[arg(long)]
    pub follow_links: bool,

    /// Benchmark floor: walk, read and parse, but run no rules (docs/performance.md).
    #[arg(long, hide = true)]
    pub parse_only: bool,
}

/// `4096`, `512K`, `10M`, `1G` (binary multiples).
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (digits, shift) = match t.char_indices().last() {
        Some((i, c)) if c.eq_ignore_ascii_case(&'k') => (&t[..i], 10),
        Some((i, c)) if c.eq_ignore_ascii_case(&'m') => (&t[..i], 20),
        Some((i, c)) if c.eq_ignore_ascii_case(&'g') => (&t[..i], 30),
        _ => (t, 0),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(1u64 << shift))
        .ok_or_else(|| format!("`{s}` is not a size: use bytes, or a number with K, M or G"))
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
    if let Some(n) = cli.max_file_size {
        config.max_file_size = n;
    }
    config.follow_links |= cli.follow_links;
    let report =
        if cli.parse_only { crate::lint::parse_only(&cli.paths, &config) } else { crate::lint(&cli.paths, &config) };
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
    // A path that could not be read (missing, unreadable directory, link loop,
    // FIFO or device named) leaves the run incomplete: that outranks findings.
    let code = if !report.errors.is_empty() {
        EXIT_ERROR
    } else if report.findings.iter().any(|f| config.fail_on.fails(f.severity)) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    // The process ends next: freeing every policy and finding one by one
    // would cost more than the operating system taking the pages back.
    std::mem::forget(report);
    code
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
