//! The pipeline: discover → load → parse → extract → policy model → rules →
//! filter → sorted report. Files are processed in parallel; the output does
//! not depend on the order they finish in.

use crate::config::Config;
use crate::discover::{self, Candidate, WalkError};
use crate::extract::{self, Extracted};
use crate::finding::Finding;
use crate::index::{Fact, ProjectIndex};
use crate::policy::{self, Policy};
use crate::rules::{self, parse_error::PARSE_ERROR, Check, PolicyCx};
use crate::source::{Language, Source, SourceFile, Span};
use crate::syntax::{self, Node};
use rayon::prelude::*;

/// The result of a run.
#[derive(Debug, Default)]
pub struct Report {
    /// Sorted by path, then position, then rule.
    pub findings: Vec<Finding>,
    /// Paths that could not be walked; `missing_root` ones are usage errors.
    pub errors: Vec<WalkError>,
    /// Files read and linted.
    pub files: usize,
    pub policies: Vec<Policy>,
    pub index: ProjectIndex,
}

/// What one file contributed.
#[derive(Default)]
struct FileOutput {
    linted: bool,
    policies: Vec<Policy>,
    facts: Vec<Fact>,
    findings: Vec<Finding>,
}

/// Lints files and directories.
pub fn lint(paths: &[String], config: &Config) -> Report {
    lint_paths(paths, config, Mode::Lint)
}

/// The floor the benchmark compares against: the same walk, reads and
/// front-end parses as [`lint`], and nothing else (no extraction, no rules).
/// Reports only `parse-error` findings. Behind the hidden `--parse-only` flag.
pub fn parse_only(paths: &[String], config: &Config) -> Report {
    lint_paths(paths, config, Mode::ParseOnly)
}

/// Walks on one thread and lints on all the others: each file is handed to
/// the thread pool as soon as the walk meets it, so reading and linting
/// overlap the walk. The outputs are put in path order afterwards, so nothing
/// depends on which thread finished first.
fn lint_paths(paths: &[String], config: &Config, mode: Mode) -> Report {
    let options = walk_options(config);
    let (named, roots, mut errors) = discover::named(paths);
    if roots.is_empty() && named.len() <= 1 {
        // One file (a pre-commit hook, an editor) does not wake the thread pool.
        return lint_candidates(&named, errors, config, mode);
    }
    let outputs = std::sync::Mutex::new(Vec::new());
    let lint_batch = |batch: Vec<Candidate>| {
        let done: Vec<_> = batch.into_iter().map(|c| (c.display.clone(), lint_file(&c, config, mode))).collect();
        outputs.lock().unwrap_or_else(|p| p.into_inner()).extend(done);
    };
    rayon::scope(|scope| {
        // Read each file once: under its first name, and (when links are
        // followed) once whatever name the walk meets it under.
        let mut seen = std::collections::HashSet::new();
        let mut identities = std::collections::HashSet::new();
        for c in &named {
            seen.insert(c.display.clone());
            if options.follow_links {
                identities.extend(discover::file_id(&c.path));
            }
            scope.spawn(move |_| lint_batch(vec![c.clone()]));
        }
        if roots.is_empty() {
            return;
        }
        // Files go to the pool in batches that grow with the walk: the first
        // ones at once, later ones in bigger batches to keep the hand-over cheap.
        let mut batch = Vec::new();
        let mut walk_errors = discover::walk_each(&roots, &options, &mut |c| {
            if !seen.insert(c.display.clone()) {
                return;
            }
            if options.follow_links && discover::file_id(&c.path).is_some_and(|id| !identities.insert(id)) {
                return;
            }
            batch.push(c);
            if batch.len() >= (seen.len() / 16).clamp(1, 64) {
                let full = std::mem::take(&mut batch);
                scope.spawn(move |_| lint_batch(full));
            }
        });
        if !batch.is_empty() {
            scope.spawn(move |_| lint_batch(batch));
        }
        errors.append(&mut walk_errors);
    });
    let mut outputs = outputs.into_inner().unwrap_or_else(|p| p.into_inner());
    outputs.sort_by(|a, b| a.0.cmp(&b.0));
    discover::sort_errors(&mut errors);
    finish(outputs.into_iter().map(|(_, out)| out).collect(), errors, config)
}

fn walk_options(config: &Config) -> discover::WalkOptions {
    discover::WalkOptions { exclude: config.exclude_set(), follow_links: config.follow_links }
}

/// What to do with each file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Lint,
    ParseOnly,
}

/// Lints one file's text, as if read from `path` (for standard input and tests).
pub fn lint_text(path: &str, text: &str, config: &Config) -> Report {
    let source = SourceFile::new(path, text);
    let out = lint_source(source, true, config);
    finish(vec![out], Vec::new(), config)
}

fn lint_candidates(candidates: &[Candidate], errors: Vec<WalkError>, config: &Config, mode: Mode) -> Report {
    // One file (a pre-commit hook, an editor) does not wake the thread pool.
    let outputs: Vec<FileOutput> = if candidates.len() <= 1 {
        candidates.iter().map(|c| lint_file(c, config, mode)).collect()
    } else {
        candidates.par_iter().map(|c| lint_file(c, config, mode)).collect()
    };
    finish(outputs, errors, config)
}

fn finish(outputs: Vec<FileOutput>, errors: Vec<WalkError>, config: &Config) -> Report {
    let mut report = Report { errors, ..Report::default() };
    let mut facts = Vec::with_capacity(outputs.iter().map(|o| o.facts.len()).sum());
    report.policies.reserve_exact(outputs.iter().map(|o| o.policies.len()).sum());
    report.findings.reserve_exact(outputs.iter().map(|o| o.findings.len()).sum());
    for out in outputs {
        report.files += usize::from(out.linted);
        report.policies.extend(out.policies);
        report.findings.extend(out.findings);
        facts.extend(out.facts);
    }
    report.index = ProjectIndex::new(facts);
    report.findings.retain(|f| config.enabled(f.rule));
    for f in &mut report.findings {
        if let Some(&s) = config.severity.get(f.rule) {
            f.severity = s;
        }
    }
    report.findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    report
}

fn lint_file(c: &Candidate, config: &Config, mode: Mode) -> FileOutput {
    match load(&c.path, config.max_file_size) {
        Ok(text) => {
            if !c.explicit && !worth_reading(&c.display, &text) {
                return FileOutput::default();
            }
            let source = SourceFile::new(c.display.clone(), text);
            match mode {
                Mode::Lint => lint_source(source, c.explicit, config),
                Mode::ParseOnly => parse_source(source),
            }
        }
        Err(message) => {
            let source = SourceFile::new(c.display.clone(), String::new());
            FileOutput {
                linted: true,
                findings: vec![Finding::new(&PARSE_ERROR, &source, Span::default(), message)],
                ..FileOutput::default()
            }
        }
    }
}

/// The `--parse-only` floor: the front-end's parse and nothing after it.
fn parse_source(source: Source) -> FileOutput {
    let mut out = FileOutput { linted: true, ..FileOutput::default() };
    let language = Language::from_path(&source.path).unwrap_or(Language::Json);
    if let Err(e) = parse(&source, language) {
        out.findings.push(Finding::new(&PARSE_ERROR, &source, e.span, e.message));
    }
    out
}

/// Reads a file as UTF-8 text, refusing what is too large or not text. The
/// file is read once, into a buffer of its size. Nothing but a regular file is
/// read: on Unix it is opened non-blocking, so a FIFO swapped in after the walk
/// looked at it cannot hang the run, and checked before the first read.
fn load(path: &std::path::Path, max: u64) -> Result<String, String> {
    use std::io::Read;
    let cannot = |e: std::io::Error| format!("cannot read the file: {}", discover::io_message(&e));
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if meta.len() > max {
        return Err(too_large(meta.len(), max));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    file.take(max + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > max {
        return Err(format!("the file is more than the limit of {max} bytes (set `max-file-size` to raise it)"));
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    String::from_utf8(bytes)
        .map_err(|e| format!("the file is not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()))
}

fn too_large(len: u64, max: u64) -> String {
    format!("the file is {len} bytes, more than the limit of {max} bytes (set `max-file-size` to raise it)")
}

/// A cheap look at a walked file before parsing it: JSON that cannot be a
/// policy, template or Terraform document is skipped without a parse.
fn worth_reading(path: &str, text: &str) -> bool {
    match Language::from_path(path) {
        Some(Language::Json) => {
            path.to_ascii_lowercase().ends_with(".tf.json")
                || ["\"Statement\"", "\"AWSTemplateFormatVersion\"", "\"Resources\"", "\"format_version\""]
                    .iter()
                    .any(|k| text.contains(k))
        }
        Some(Language::Yaml) => text.contains("AWSTemplateFormatVersion") || text.contains("AWS::"),
        Some(Language::Hcl) => true,
        None => false,
    }
}

fn lint_source(source: Source, explicit: bool, config: &Config) -> FileOutput {
    let mut out = FileOutput { linted: true, ..FileOutput::default() };
    let language = Language::from_path(&source.path).unwrap_or(Language::Json);
    let root = match parse(&source, language) {
        Ok(node) => node,
        Err(e) => {
            out.findings.push(Finding::new(&PARSE_ERROR, &source, e.span, e.message));
            return out;
        }
    };
    let kind = extract::classify(&source, language, &root, explicit);
    if kind == extract::DocKind::NotPolicy {
        return FileOutput::default();
    }
    let extracted: Extracted = extract::extract(&source, kind, root);
    out.findings.extend(extracted.findings);
    out.facts = extracted.facts;
    for doc in &extracted.policies {
        let policy = policy::parse_policy(doc, &mut out.findings);
        run_policy_rules(&policy, config, &mut out.findings);
        out.policies.push(policy);
    }
    out
}

fn parse(source: &Source, language: Language) -> Result<Node, syntax::SyntaxError> {
    match language {
        Language::Json => syntax::json::parse(&source.text),
        Language::Yaml => syntax::yaml::parse(&source.text),
        Language::Hcl => syntax::hcl::parse(&source.text),
    }
}

/// Runs every enabled per-policy rule.
pub fn run_policy_rules(policy: &Policy, config: &Config, out: &mut Vec<Finding>) {
    let cx = PolicyCx::new(policy);
    for rule in rules::RULES {
        if let Check::Policy(check) = rule.check {
            if config.enabled(rule.meta.id) {
                check(&cx, out);
            }
        }
    }
}
