//! The command line: arguments in, a report out, an exit code back.

pub mod calls;
pub mod simulate;

use crate::config::{self, FailOn};
use crate::escape;
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

    /// Files and directories to lint (directories are walked recursively); `-` reads standard input.
    #[arg(default_value = ".")]
    pub paths: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Lowest severity that makes the run exit with 1.
    #[arg(long, value_parser = ["info", "warning", "error", "never"])]
    pub fail_on: Option<String>,

    /// Read this configuration file instead of the nearest `.policy-lint.toml`.
    #[arg(long, value_name = "PATH", help_heading = "Configuration")]
    pub config: Option<std::path::PathBuf>,

    /// Read no configuration file.
    #[arg(long, conflicts_with = "config", help_heading = "Configuration")]
    pub isolated: bool,

    /// Print the effective settings and where each came from, then exit.
    #[arg(long, help_heading = "Configuration")]
    pub show_config: bool,

    /// Run only these rules (comma-separated ids; replaces the file's `select`).
    #[arg(long, value_delimiter = ',', value_name = "RULES", help_heading = "Configuration")]
    pub select: Option<Vec<String>>,

    /// Turn these rules off (comma-separated ids; replaces the file's `ignore` list).
    #[arg(long, value_delimiter = ',', value_name = "RULES", help_heading = "Configuration")]
    pub ignore: Option<Vec<String>>,

    /// Skip walked files matching these globs (comma-separated, relative to the working directory).
    #[arg(long, value_delimiter = ',', value_name = "GLOBS", help_heading = "Configuration")]
    pub exclude: Option<Vec<String>>,

    /// Report only findings not recorded in this baseline file.
    #[arg(long, value_name = "FILE", help_heading = "Baselines")]
    pub baseline: Option<std::path::PathBuf>,

    /// Record the current findings in this baseline file (and report nothing).
    #[arg(long, value_name = "FILE", help_heading = "Baselines")]
    pub write_baseline: Option<std::path::PathBuf>,

    /// Read the whole project under DIR (for cross-resource rules) but report
    /// only on the PATHS given: what the pre-commit hook does.
    #[arg(long, value_name = "DIR")]
    pub project_root: Option<String>,

    /// The name of the file read from standard input (`-`); its extension picks the language.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<String>,

    /// Print only the findings (no summary line).
    #[arg(long, short)]
    pub quiet: bool,

    /// Print how many findings each rule reported instead of the findings.
    #[arg(long)]
    pub statistics: bool,

    /// Largest file read, in bytes or with a unit (10M, 10MiB, 20MB; as `max-file-size`); larger files get a `parse-error` [default: 10MiB].
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,

    /// Follow symbolic links inside walked directories, even out of them (loops are reported).
    #[arg(long)]
    pub follow_links: bool,

    /// Benchmark floor: walk, read and parse, but run no rules (docs/performance.md).
    #[arg(long, hide = true)]
    pub parse_only: bool,
}

/// The sizes `max-file-size` takes in the configuration file, and only those.
fn parse_size(s: &str) -> Result<u64, String> {
    config::parse_size(s).ok_or_else(|| {
        format!("`{s}` is not a size: use a positive number of bytes, or one with K, M, G, KiB, MB, ...")
    })
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
    /// Exit 0 allowed, 1 denied or undecided ("depends on `key`"), 2 usage error.
    Simulate(crate::cli::simulate::SimulateArgs),
    /// Explain an AccessDeniedException message from the project's policies, and write the fix.
    ExplainDenied(crate::cli::simulate::ExplainDeniedArgs),
    /// List each Lambda function's AWS SDK calls, the actions they need, and whether its role allows them.
    ///
    /// Exit 0 none denied, 1 one is denied, 2 usage error.
    Calls(crate::cli::calls::CallsArgs),
}

/// Runs the command line; returns the process exit code.
pub fn run() -> ExitCode {
    ExitCode::from(run_with_code())
}

/// [`run`], giving the exit code as a number, with standard output flushed:
/// for a caller that leaves the process at once.
pub fn run_with_code() -> u8 {
    // Made once a process, not leaked once a call: clap wants a `'static` string.
    static VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let version =
        VERSION.get_or_init(|| format!("{} (AWS data {})", env!("CARGO_PKG_VERSION"), crate::catalog::DATA_DATE));
    let matches = Cli::command().version(version.as_str()).get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let code = match &cli.command {
        Some(Command::Rules) => list_rules(&mut out),
        Some(Command::Explain { rule }) => explain(rule, &mut out),
        Some(Command::Simulate(args)) => crate::cli::simulate::simulate(args, &mut out),
        Some(Command::ExplainDenied(args)) => crate::cli::simulate::explain_denied(args, &mut out),
        Some(Command::Calls(args)) => crate::cli::calls::calls(args, &mut out),
        None => lint(&cli, &mut out),
    };
    let _ = out.flush();
    code
}

fn lint(cli: &Cli, out: &mut dyn Write) -> u8 {
    let Ok(cwd) = std::env::current_dir() else {
        eprintln!("policy-lint: cannot read the working directory");
        return EXIT_ERROR;
    };
    let overrides = config::Overrides {
        config: cli.config.clone(),
        isolated: cli.isolated,
        select: non_empty(&cli.select),
        ignore: non_empty(&cli.ignore),
        exclude: non_empty(&cli.exclude),
        fail_on: cli.fail_on.as_deref().and_then(FailOn::parse),
        project_root: cli.project_root.clone(),
        max_file_size: cli.max_file_size,
    };
    let resolved = match config::resolve(&cwd, &overrides) {
        Ok(r) => r,
        Err(errors) => {
            for e in errors {
                eprintln!("policy-lint: {}", escape::controls(&e.to_string()));
            }
            return EXIT_ERROR;
        }
    };
    if cli.show_config {
        let _ = write!(out, "{}", config::show(&resolved));
        return EXIT_OK;
    }
    let mut config = resolved.config;
    config.follow_links |= cli.follow_links;
    config.workload = cli.format == Format::Human;
    config.keep_text =
        if cli.format == Format::Human { config::KeepText::Snippets } else { config::KeepText::Positions };
    config.element_text = cli.format == Format::Sarif || cli.baseline.is_some() || cli.write_baseline.is_some();
    if let (Some(file), None) = (&cli.baseline, &cli.write_baseline) {
        match crate::baseline::Baseline::load(file, &cwd, config.max_file_size) {
            Ok(b) => config.baseline = Some(std::sync::Arc::new(b)),
            Err(m) => {
                eprintln!("policy-lint: {}: {m}", file.display());
                return EXIT_ERROR;
            }
        }
    }
    let stdin = cli.paths.iter().any(|p| p == "-");
    if stdin && cli.paths.len() > 1 {
        eprintln!("policy-lint: `-` (standard input) cannot be combined with other paths");
        return EXIT_ERROR;
    }
    if cli.stdin_filename.is_some() && !stdin {
        eprintln!("policy-lint: --stdin-filename names standard input: pass `-` as the path");
        return EXIT_ERROR;
    }
    let report = if stdin {
        crate::lint::lint_stdin(cli.stdin_filename.as_deref().unwrap_or("<stdin>"), &config)
    } else if cli.parse_only {
        crate::lint::parse_only(&cli.paths, &config)
    } else {
        crate::lint(&cli.paths, &config)
    };
    if let Some(file) = &cli.write_baseline {
        return write_baseline(file, &cwd, &report, cli.quiet);
    }
    let options = report::Options {
        color: cli.format == Format::Human
            && std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        quiet: cli.quiet,
        statistics: cli.statistics,
    };
    // Standard output is line-buffered: one write for each finding would be
    // a system call each. The report is written in one go at the end anyway.
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, out);
    let written = report::write_with(&report, cli.format, options, &mut buffered).and_then(|()| buffered.flush());
    if let Err(e) = written {
        // A reader that stopped early (`| head`) did not get the report:
        // an output error, said by the exit code alone.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("policy-lint: cannot write the report: {e}");
        }
        std::mem::forget(report);
        return EXIT_ERROR;
    }
    if cli.format == Format::Github {
        if let Err(e) = report::github::write_step_summary(&report) {
            eprintln!("policy-lint: cannot append to GITHUB_STEP_SUMMARY: {e}");
        }
    }
    for e in &report.errors {
        eprintln!("policy-lint: {}: {}", escape::controls(&e.path), escape::controls(&e.message));
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
    code
}

/// A comma-separated list flag without its empty items (`--ignore=` clears the list).
fn non_empty(list: &Option<Vec<String>>) -> Option<Vec<String>> {
    list.as_ref().map(|v| v.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).map(String::from).collect())
}

/// `--write-baseline`: records the findings; exits 0 unless a path was missing or the file cannot be written.
fn write_baseline(file: &std::path::Path, cwd: &std::path::Path, report: &crate::Report, quiet: bool) -> u8 {
    for e in &report.errors {
        eprintln!("policy-lint: {}: {}", escape::controls(&e.path), escape::controls(&e.message));
    }
    match crate::baseline::write(file, cwd, &report.findings) {
        Ok(n) if !quiet => {
            eprintln!("policy-lint: recorded {n} finding{} in {}", if n == 1 { "" } else { "s" }, file.display())
        }
        Ok(_) => {}
        Err(e) => {
            eprintln!(
                "policy-lint: {}: cannot write the baseline: {}",
                file.display(),
                crate::discover::io_message(&e)
            );
            return EXIT_ERROR;
        }
    }
    if report.errors.iter().any(|e| e.missing_root) {
        EXIT_ERROR
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
