//! The command line: arguments in, a report out, an exit code back.

pub mod calls;
pub mod diff;
pub mod info;
pub mod output;
pub mod simulate;

use crate::config::{self, FailOn};
use crate::escape;
use crate::report::{self, Format};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use output::{ColorChoice, Output};
use std::io::Write;
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

    /// Output format: human, compact, json, sarif, github, junit or gitlab.
    /// `FORMAT:PATH` writes that report to a file; repeat the flag for several
    /// reports in one run (`--format sarif:out.sarif --format github`).
    #[arg(long, value_name = "FORMAT[:PATH]", value_parser = output::parse_output, default_value = "human")]
    pub format: Vec<Output>,

    /// Write the report to this file instead of standard output (the one
    /// `--format` given without `:PATH`).
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output_file: Option<std::path::PathBuf>,

    /// Colour the human report: auto (a terminal, unless NO_COLOR is set; FORCE_COLOR or
    /// CLICOLOR_FORCE force it), always, never.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

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

    /// Run only these rules: comma-separated ids, categories (least-privilege, gap, validity,
    /// syntax, quota, network, meta) or id prefixes (`unknown`); replaces the file's `select`.
    #[arg(long, value_delimiter = ',', value_name = "RULES", help_heading = "Configuration")]
    pub select: Option<Vec<String>>,

    /// Turn these rules off (ids, categories or prefixes; replaces the file's `ignore` list).
    #[arg(long, value_delimiter = ',', value_name = "RULES", help_heading = "Configuration")]
    pub ignore: Option<Vec<String>>,

    /// Add these rules to those the file (or `--select`) selects.
    #[arg(long, value_delimiter = ',', value_name = "RULES", help_heading = "Configuration")]
    pub extend_select: Vec<String>,

    /// Turn these rules off too, on top of the file's (or `--ignore`'s) list.
    #[arg(long, value_delimiter = ',', value_name = "RULES", help_heading = "Configuration")]
    pub extend_ignore: Vec<String>,

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

    /// The name of the file read from standard input (`-`); its extension picks the language
    /// (without it, the text's first line does: JSON, Terraform or YAML).
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<String>,

    /// Print only the findings (no summary line, no notes on standard error).
    #[arg(long, short)]
    pub quiet: bool,

    /// Print how many findings each rule reported instead of the findings.
    #[arg(long)]
    pub statistics: bool,

    /// List every file met and what was done with it (linted, skipped and why) instead of the findings.
    #[arg(long)]
    pub show_files: bool,

    /// Largest file read, in bytes or with a unit (10M, 10MiB, 20MB; as `max-file-size`); larger files get a `parse-error` [default: 10MiB].
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,

    /// Follow symbolic links inside walked directories, even out of them (loops are reported).
    #[arg(long)]
    pub follow_links: bool,

    /// Apply the safe fixes the findings offer to the files, then report what is left.
    #[arg(long, help_heading = "Fixes", conflicts_with_all = ["write_baseline", "show_files", "parse_only"])]
    pub fix: bool,

    /// With `--fix` or `--diff`: apply the unsafe fixes too (they change what is granted: review them).
    #[arg(long, help_heading = "Fixes")]
    pub unsafe_fixes: bool,

    /// Print a unified diff of what `--fix` would change, change nothing; exit 1 when there is one.
    #[arg(long, help_heading = "Fixes", conflicts_with_all = ["write_baseline", "show_files", "parse_only"])]
    pub diff: bool,

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
    Rules {
        /// `text` (a table) or `json` (an array of objects).
        #[arg(long, value_enum, default_value_t = info::RulesFormat::Text)]
        format: info::RulesFormat,
    },
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
    /// Print a shell completion script: `policy-lint completions bash > /etc/bash_completion.d/policy-lint`.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `policy-lint man > policy-lint.1`.
    Man,
    /// List each Lambda function's AWS SDK calls, the actions they need, and whether its role allows them.
    ///
    /// Exit 0 none denied, 1 one is denied, 2 usage error.
    Calls(crate::cli::calls::CallsArgs),
    /// Run the language server: Language Server Protocol over standard input and output, for editors.
    ///
    /// Editors start it and speak JSON-RPC to it: the findings of the unsaved buffer as
    /// diagnostics (JSON, YAML and Terraform, read with the rest of its unit on disk), hover on
    /// actions, action patterns, condition keys and ARNs, completion of service prefixes,
    /// actions, condition keys and operators, and code actions (the findings' fixes, and a
    /// suppression comment). The workspace's `.policy-lint.toml` applies, and is read again
    /// when it changes. The README says how to set up VS Code, Neovim, Helix and Zed.
    Server(crate::server::ServerArgs),
    /// Compare each principal's access at a git revision with the work tree: gained, lost, unknown.
    ///
    /// Exit 0 done, 1 access gained at or above --fail-on-new-access, 2 usage error (BASE not found).
    Diff(crate::cli::diff::DiffArgs),
}

/// The subcommands' names, for "did you mean" when one is mistyped (it is
/// read as a path, which does not exist).
const SUBCOMMANDS: [&str; 10] =
    ["rules", "explain", "simulate", "explain-denied", "completions", "man", "calls", "server", "diff", "help"];

/// Runs the command line; returns the process exit code.
pub fn run() -> ExitCode {
    ExitCode::from(run_with_code())
}

/// The command line's definition, with the version and the AWS data's date.
pub fn command(version: &'static str) -> clap::Command {
    Cli::command().version(version)
}

/// [`run`], giving the exit code as a number, with standard output flushed:
/// for a caller that leaves the process at once.
pub fn run_with_code() -> u8 {
    // Made once a process, not leaked once a call: clap wants a `'static` string.
    static VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let version =
        VERSION.get_or_init(|| format!("{} (AWS data {})", env!("CARGO_PKG_VERSION"), crate::catalog::DATA_DATE));
    let matches = command(version.as_str()).get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    if let Some(Command::Server(args)) = &cli.command {
        // Its writer thread owns standard output.
        return crate::server::run(args);
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let code = match &cli.command {
        Some(Command::Rules { format }) => info::list_rules(*format, &mut out),
        Some(Command::Explain { rule }) => info::explain(rule, &mut out),
        Some(Command::Simulate(args)) => crate::cli::simulate::simulate(args, &mut out),
        Some(Command::ExplainDenied(args)) => crate::cli::simulate::explain_denied(args, &mut out),
        Some(Command::Completions { shell }) => info::completions(*shell, command(version.as_str()), &mut out),
        Some(Command::Man) => info::man(command(version.as_str()), &mut out),
        Some(Command::Calls(args)) => crate::cli::calls::calls(args, &mut out),
        // Run above, before standard output is locked here.
        Some(Command::Server(_)) => EXIT_OK,
        Some(Command::Diff(args)) => crate::cli::diff::diff(args, &mut out),
        None => lint(&cli, &mut out),
    };
    let _ = out.flush();
    code
}

/// The configuration for `cwd` with the command line's overrides; its errors
/// are printed, one a line, and give `None`.
pub(crate) fn resolve_config(cwd: &std::path::Path, overrides: &config::Overrides) -> Option<config::Resolved> {
    match config::resolve(cwd, overrides) {
        Ok(r) => Some(r),
        Err(errors) => {
            for e in errors {
                eprintln!("policy-lint: {}", escape::controls(&e.to_string()));
            }
            None
        }
    }
}

fn lint(cli: &Cli, out: &mut dyn Write) -> u8 {
    let Ok(cwd) = std::env::current_dir() else {
        eprintln!("policy-lint: cannot read the working directory");
        return EXIT_ERROR;
    };
    if let Some(code) = mistyped_subcommand(&cli.paths) {
        return code;
    }
    let outputs = match output::resolve(&cli.format, cli.output_file.as_ref()) {
        Ok(o) => o,
        Err(m) => {
            eprintln!("policy-lint: {m}");
            return EXIT_ERROR;
        }
    };
    let overrides = config::Overrides {
        config: cli.config.clone(),
        isolated: cli.isolated,
        select: cli
            .select
            .as_ref()
            .map(|v| v.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).map(String::from).collect()),
        ignore: non_empty(&cli.ignore),
        extend_select: non_empty(&Some(cli.extend_select.clone())).unwrap_or_default(),
        extend_ignore: non_empty(&Some(cli.extend_ignore.clone())).unwrap_or_default(),
        exclude: non_empty(&cli.exclude),
        fail_on: cli.fail_on.as_deref().and_then(FailOn::parse),
        project_root: cli.project_root.clone(),
        max_file_size: cli.max_file_size,
    };
    let Some(resolved) = resolve_config(&cwd, &overrides) else { return EXIT_ERROR };
    if cli.show_config {
        let _ = write!(out, "{}", config::show(&resolved));
        return EXIT_OK;
    }
    let has = |f: Format| outputs.iter().any(|o| o.format == f);
    let mut config = resolved.config;
    config.follow_links |= cli.follow_links;
    config.workload = has(Format::Human);
    config.keep_text = if has(Format::Human) { config::KeepText::Snippets } else { config::KeepText::Positions };
    config.element_text =
        outputs.iter().any(|o| o.format.fingerprints()) || cli.baseline.is_some() || cli.write_baseline.is_some();
    config.list_files = cli.show_files;
    config.project_fixes = cli.fix || cli.diff || has(Format::Json) || has(Format::Sarif);
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
    if cli.unsafe_fixes && !(cli.fix || cli.diff) {
        eprintln!("policy-lint: --unsafe-fixes goes with --fix or --diff");
        return EXIT_ERROR;
    }
    if stdin && (cli.fix || cli.diff) {
        eprintln!("policy-lint: --fix and --diff change files: standard input cannot be fixed");
        return EXIT_ERROR;
    }
    if cli.diff {
        return diff(cli, &config, out);
    }
    let report = if cli.fix {
        let outcome = crate::lint::fix::fix(&cli.paths, &config, cli.unsafe_fixes, true);
        fix_notes(&outcome, "fixed", cli.quiet);
        outcome.report
    } else if stdin {
        crate::lint::lint_stdin(cli.stdin_filename.as_deref().unwrap_or("<stdin>"), &config)
    } else if cli.parse_only {
        crate::lint::parse_only(&cli.paths, &config)
    } else {
        crate::lint(&cli.paths, &config)
    };
    if let Some(file) = &cli.write_baseline {
        return write_baseline(file, &cwd, &report, cli.quiet);
    }
    if cli.show_files {
        return show_files(&report, out);
    }
    let mut code = EXIT_OK;
    for o in &outputs {
        if !write_report(&report, o, cli, out) {
            code = EXIT_ERROR;
        }
    }
    if has(Format::Github) {
        if let Err(e) = report::github::write_step_summary(&report) {
            eprintln!("policy-lint: cannot append to GITHUB_STEP_SUMMARY: {e}");
        }
    }
    for e in &report.errors {
        eprintln!("policy-lint: {}: {}", escape::controls(&e.path), escape::controls(&e.message));
    }
    if !cli.quiet {
        // Under `--project-root` (pre-commit) the paths are a commit's files:
        // none of them a policy is no news.
        notes(&report, stdin || cli.project_root.is_some());
    }
    if code != EXIT_OK {
        std::mem::forget(report);
        return code;
    }
    // A path that could not be read (missing, unreadable directory, link loop,
    // FIFO or device named) leaves the run incomplete: that outranks findings.
    if !report.errors.is_empty() {
        EXIT_ERROR
    } else if report.findings.iter().any(|f| config.fail_on.fails(f.severity)) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// `--diff`: the diff on standard output; exit 1 when there is one.
fn diff(cli: &Cli, config: &config::Config, out: &mut dyn Write) -> u8 {
    let outcome = crate::lint::fix::fix(&cli.paths, config, cli.unsafe_fixes, false);
    // The files' own text, as `git diff` shows it; the paths in it are escaped.
    if out.write_all(outcome.diff.as_bytes()).is_err() {
        return EXIT_ERROR;
    }
    fix_notes(&outcome, "would fix", cli.quiet);
    for e in &outcome.report.errors {
        eprintln!("policy-lint: {}: {}", escape::controls(&e.path), escape::controls(&e.message));
    }
    if !outcome.report.errors.is_empty() {
        EXIT_ERROR
    } else if outcome.diff.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    }
}

/// What `--fix` or `--diff` did, on standard error: how many fixes, and the
/// files left alone and why.
fn fix_notes(outcome: &crate::lint::fix::Outcome, verb: &str, quiet: bool) {
    for (path, why) in &outcome.refused {
        eprintln!("policy-lint: {}: not fixed: {}", escape::controls(path), escape::controls(why));
    }
    let n = outcome.total();
    if !quiet && n > 0 {
        let files = outcome.fixed.len();
        let s = |n: usize| if n == 1 { "" } else { "s" };
        eprintln!("policy-lint: {verb} {n} finding{} in {files} file{}", s(n), s(files));
    }
}

/// Writes one report to its place; false (said on standard error) when it could not be written.
fn write_report(report: &crate::Report, o: &Output, cli: &Cli, stdout: &mut dyn Write) -> bool {
    let to_stdout = o.path.is_none();
    let options = report::Options {
        color: o.format == Format::Human
            && match cli.color {
                ColorChoice::Always => true,
                _ if !to_stdout => false,
                choice => output::color_for_stdout(choice),
            },
        quiet: cli.quiet,
        statistics: cli.statistics,
        width: if to_stdout { output::width_for_stdout() } else { 0 },
    };
    let written = match &o.path {
        // Standard output is line-buffered: one write for each finding would
        // be a system call each. The report is written in one go at the end anyway.
        None => {
            let mut buffered = std::io::BufWriter::with_capacity(1 << 16, stdout);
            report::write_with(report, o.format, options, &mut buffered).and_then(|()| buffered.flush())
        }
        Some(path) => std::fs::File::create(path).and_then(|file| {
            let mut buffered = std::io::BufWriter::with_capacity(1 << 16, file);
            report::write_with(report, o.format, options, &mut buffered).and_then(|()| buffered.flush())
        }),
    };
    match written {
        Ok(()) => true,
        // A reader that stopped early (`| head`) did not get the report:
        // an output error, said by the exit code alone.
        Err(e) if to_stdout && e.kind() == std::io::ErrorKind::BrokenPipe => false,
        Err(e) => {
            let place = o.path.as_ref().map_or_else(|| "standard output".to_string(), |p| p.display().to_string());
            eprintln!(
                "policy-lint: cannot write the {} report to {place}: {}",
                o.format.name(),
                crate::discover::io_message(&e)
            );
            false
        }
    }
}

/// What a run should tell beside its report, on standard error: nothing
/// linted (a wrong path, everything excluded), and what a baseline hid.
fn notes(report: &crate::Report, selection: bool) {
    if report.files == 0 && report.errors.is_empty() && !selection {
        eprintln!(
            "policy-lint: warning: no file was linted: no IAM policy, CloudFormation template or Terraform found (`--show-files` lists what was skipped and why)"
        );
    }
    if let Some(applied) = report.baseline {
        let s = |n: usize| if n == 1 { "" } else { "s" };
        let mut line = format!("policy-lint: the baseline hid {} finding{}", applied.hidden, s(applied.hidden));
        if applied.unmatched > 0 {
            line.push_str(&format!(
                "; {} of its entries match{} no finding (fixed, or in files not linted): `--write-baseline` shrinks it",
                applied.unmatched,
                if applied.unmatched == 1 { "es" } else { "" }
            ));
        }
        eprintln!("{line}");
    }
}

/// `--show-files`: each file met, in path order, and what was done with it.
fn show_files(report: &crate::Report, out: &mut dyn Write) -> u8 {
    let width = report.files_seen.iter().map(|f| f.path.chars().count()).max().unwrap_or(0).min(60);
    let mut text = String::new();
    for f in &report.files_seen {
        text.push_str(&format!("{:width$}  {}\n", escape::controls(&f.path), f.fate.describe()));
    }
    for e in &report.errors {
        text.push_str(&format!("{:width$}  not read: {}\n", escape::controls(&e.path), escape::controls(&e.message)));
    }
    if out.write_all(text.as_bytes()).is_err() {
        return EXIT_ERROR;
    }
    if report.errors.is_empty() {
        EXIT_OK
    } else {
        EXIT_ERROR
    }
}

/// A first path that does not exist but is nearly a subcommand's name
/// (`policy-lint rule`, `policy-lint explian x`): a usage error naming it,
/// rather than "no such file".
fn mistyped_subcommand(paths: &[String]) -> Option<u8> {
    let first = paths.first()?;
    if first == "-" || first.contains(['/', '\\', '.']) || std::fs::symlink_metadata(first).is_ok() {
        return None;
    }
    let near = crate::catalog::closest(first, SUBCOMMANDS.iter().copied())?;
    eprintln!(
        "policy-lint: `{}` is neither a file nor a subcommand; did you mean `policy-lint {near}`? (`policy-lint --help` lists them)",
        escape::controls(first)
    );
    Some(EXIT_ERROR)
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
