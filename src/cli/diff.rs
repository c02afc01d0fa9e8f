//! `policy-lint diff BASE [PATHS]`: the access each principal gains and
//! loses between the project at git revision `BASE` (read from the object
//! store and linted in memory, never checked out) and the work tree.
//!
//! Exit codes: 0 when done (and no access gained at or above
//! `--fail-on-new-access`); 1 when some is; 2 on usage errors (no repository,
//! a `BASE` that does not exist, paths that exist in neither reading).

use crate::analysis::access::{self, level_rank};
use crate::catalog::AccessLevel;
use crate::cli::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::config::{self, Config};
use crate::escape;
use crate::lint::overlay::{lint_memory, MemoryFile};
use std::io::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Human,
    /// A pull-request comment or GitHub step summary.
    Markdown,
    Json,
}

/// The access levels `--fail-on-new-access` takes, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NewAccessLevel {
    List,
    Read,
    Tagging,
    Write,
    PermissionsManagement,
}

impl NewAccessLevel {
    fn level(self) -> AccessLevel {
        match self {
            NewAccessLevel::List => AccessLevel::List,
            NewAccessLevel::Read => AccessLevel::Read,
            NewAccessLevel::Tagging => AccessLevel::Tagging,
            NewAccessLevel::Write => AccessLevel::Write,
            NewAccessLevel::PermissionsManagement => AccessLevel::PermissionsManagement,
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// The git revision to compare the work tree with: `main`, `HEAD~1`, a commit id.
    pub base: String,
    /// Files and directories to compare (in both readings).
    #[arg(default_value = ".")]
    pub paths: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// Exit 1 when a principal gains access at or above this level:
    /// list < read < tagging < write < permissions-management.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on_new_access: Option<NewAccessLevel>,
    /// Read this configuration file instead of the nearest `.policy-lint.toml` (for `exclude`).
    #[arg(long, value_name = "PATH")]
    pub config: Option<std::path::PathBuf>,
    /// Read no configuration file.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
}

pub fn diff(args: &DiffArgs, out: &mut dyn Write) -> u8 {
    let Ok(cwd) = std::env::current_dir() else {
        eprintln!("policy-lint: cannot read the working directory");
        return EXIT_ERROR;
    };
    let overrides = config::Overrides { config: args.config.clone(), isolated: args.isolated, ..Default::default() };
    let Some(resolved) = crate::cli::resolve_config(&cwd, &overrides) else { return EXIT_ERROR };
    // The model is all `diff` needs: no rule runs in either reading.
    let config = Config { select: Some(Vec::new()), require: Vec::new(), forbid: Vec::new(), ..resolved.config };
    let (files, skipped) = match crate::git::read_revision(&cwd, &args.base, &args.paths, config.max_file_size) {
        Ok(read) => read,
        Err(e) => {
            eprintln!("policy-lint: {}", escape::controls(&e.to_string()));
            return EXIT_ERROR;
        }
    };
    for s in &skipped {
        eprintln!("policy-lint: {} at {}: not read", escape::controls(s), escape::controls(&args.base));
    }
    let exclude = config.exclude_matcher();
    let files: Vec<MemoryFile> = files
        .into_iter()
        .filter(|f| !exclude.is_match(&f.display))
        .map(|f| MemoryFile { path: std::path::PathBuf::from(&f.display), display: f.display, text: f.text })
        .collect();
    let base_had_files = !files.is_empty();
    let (base, head) =
        rayon::join(|| lint_memory(files, &config, true), || crate::lint::lint_with_model(&args.paths, &config));
    for e in &head.errors {
        // A path the work tree deleted is no error when BASE had it.
        if e.missing_root && base_had_files {
            continue;
        }
        eprintln!("policy-lint: {}: {}", escape::controls(&e.path), escape::controls(&e.message));
    }
    if head.errors.iter().any(|e| e.missing_root) && !base_had_files {
        return EXIT_ERROR;
    }
    let (b, h) = (access::subjects(&base.policies, &base.index), access::subjects(&head.policies, &head.index));
    let changes = access::diff(&b, &h);
    let text = match args.format {
        DiffFormat::Human => crate::report::access::human(&args.base, &changes),
        DiffFormat::Markdown => crate::report::access::markdown(&args.base, &changes),
        DiffFormat::Json => crate::report::access::json(&args.base, &changes),
    };
    if out.write_all(text.as_bytes()).is_err() {
        return EXIT_ERROR;
    }
    let Some(threshold) = args.fail_on_new_access else { return EXIT_OK };
    let rank = level_rank(threshold.level());
    let over = changes.iter().flat_map(|c| &c.gained).any(|g| g.highest_level().is_some_and(|l| level_rank(l) >= rank));
    if over {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
