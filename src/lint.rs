//! The pipeline: discover → load → parse → extract → policy model → rules →
//! filter → sorted report. Files are processed in parallel; the output does
//! not depend on the order they finish in.

use crate::config::Config;
use crate::discover::{self, Candidate, WalkError};
use crate::extract::{self, Extracted, ReferencedFile};
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
    /// The file's text, for the suppression comments in it.
    source: Option<Source>,
    /// The file as found and as shown, for files that others reference.
    path: Option<std::path::PathBuf>,
    display: String,
    referenced: Vec<ReferencedFile>,
}

/// Lints files and directories.
pub fn lint(paths: &[String], config: &Config) -> Report {
    if let Some(root) = &config.project_root {
        return lint_in_project(root, paths, config);
    }
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
    let exclude = config.exclude_matcher();
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
            if exclude.is_match(&c.display) || !seen.insert(c.display.clone()) {
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

/// `exclude` is applied by the caller ([`Config::exclude_matcher`]): its globs
/// are relative to the configuration file, not to the walk.
fn walk_options(config: &Config) -> discover::WalkOptions {
    discover::WalkOptions { exclude: globset::GlobSet::empty(), follow_links: config.follow_links }
}

/// What to do with each file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Lint,
    ParseOnly,
}

/// Reads every file of the project under `root` (so cross-resource rules see
/// the whole project) and reports only on the files under `paths`: what a
/// pre-commit hook needs when it is handed the changed files.
fn lint_in_project(root: &str, paths: &[String], config: &Config) -> Report {
    let (walked, mut errors) = discover::discover(std::slice::from_ref(&root.to_string()), &globset::GlobSet::empty());
    let exclude = config.exclude_matcher();
    let cwd = std::env::current_dir().unwrap_or_default();
    let absolute = |p: &std::path::Path| crate::config::normalize(&cwd.join(p));
    // The selected paths, as absolute paths, with the name the user gave.
    let mut selected = Vec::new();
    for p in paths {
        match std::fs::metadata(p) {
            Ok(m) => {
                selected.push((absolute(std::path::Path::new(p)), p.trim_start_matches("./").to_string(), m.is_dir()))
            }
            Err(e) => errors.push(WalkError { path: p.clone(), message: discover::io_message(&e), missing_root: true }),
        }
    }
    let mut candidates = Vec::new();
    let mut reported = std::collections::HashSet::new();
    let mut found = std::collections::HashSet::new();
    for mut c in walked.into_iter().filter(|c| !exclude.is_match(&c.display)) {
        let abs = absolute(&c.path);
        if let Some((sel, given, is_dir)) = selected.iter().find(|(s, _, _)| abs.starts_with(s)) {
            if !is_dir {
                c.display = given.clone();
            }
            found.insert(sel.clone());
            reported.insert(c.display.clone());
        }
        candidates.push(c);
    }
    let root_abs = absolute(std::path::Path::new(root));
    // Files given outside the project are read on their own, as a walk would.
    for (abs, given, is_dir) in &selected {
        if !is_dir && !found.contains(abs) && !abs.starts_with(&root_abs) && discover::is_candidate_name(abs) {
            candidates.push(Candidate { display: given.clone(), path: abs.clone(), explicit: false });
            reported.insert(given.clone());
        }
    }
    let mut outputs: Vec<FileOutput> = candidates.par_iter().map(|c| lint_file(c, config, Mode::Lint)).collect();
    for (c, out) in candidates.iter().zip(&mut outputs) {
        if !reported.contains(&c.display) {
            out.linted = false;
        }
    }
    let mut report = finish(outputs, errors, config);
    report.findings.retain(|f| reported.contains(&f.source.path));
    report
}

/// Lints one file read from standard input, named `name` (which also picks its language).
pub fn lint_stdin(name: &str, config: &Config) -> Report {
    use std::io::Read;
    let mut bytes = Vec::new();
    let read = std::io::stdin().lock().take(config.max_file_size + 1).read_to_end(&mut bytes);
    let text = match read {
        Err(e) => Err(format!("cannot read standard input: {}", discover::io_message(&e))),
        Ok(_) if bytes.len() as u64 > config.max_file_size => Err(format!(
            "the input is more than the limit of {} bytes (set `max-file-size` to raise it)",
            config.max_file_size
        )),
        Ok(_) => {
            if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
                bytes.drain(..3);
            }
            String::from_utf8(bytes).map_err(|e| {
                format!("the input is not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to())
            })
        }
    };
    match text {
        Ok(text) => lint_text(name, &text, config),
        Err(message) => {
            let source = SourceFile::new(name, String::new());
            let finding = Finding::new(&PARSE_ERROR, &source, Span::default(), message);
            let out = FileOutput { linted: true, findings: vec![finding], ..FileOutput::default() };
            finish(vec![out], Vec::new(), config)
        }
    }
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

fn finish(mut outputs: Vec<FileOutput>, errors: Vec<WalkError>, config: &Config) -> Report {
    lint_referenced(&mut outputs, config);
    let mut report = Report { errors, ..Report::default() };
    let mut facts = Vec::with_capacity(outputs.iter().map(|o| o.facts.len()).sum());
    let mut sources = Vec::with_capacity(outputs.len());
    report.policies.reserve_exact(outputs.iter().map(|o| o.policies.len()).sum());
    report.findings.reserve_exact(outputs.iter().map(|o| o.findings.len()).sum());
    for out in outputs {
        report.files += usize::from(out.linted);
        report.policies.extend(out.policies);
        report.findings.extend(out.findings);
        facts.extend(out.facts);
        sources.extend(out.source);
    }
    report.index = ProjectIndex::new(facts);
    run_project_rules(&report.policies, &report.index, config, &mut report.findings);
    if !config.require.is_empty() {
        let found = crate::analysis::require::check(&report, &config.require);
        report.findings.extend(found);
    }
    report.findings = filter(std::mem::take(&mut report.findings), &sources, config);
    report
}

/// The filter stage: rules turned off (`select`, `ignore`, `[[ignore]]` by
/// path), inline suppressions, severity overrides, then the baseline.
/// Returns the findings sorted.
fn filter(mut findings: Vec<Finding>, sources: &[Source], config: &Config) -> Vec<Finding> {
    let keep = |f: &Finding| config.enabled(f.rule) && !config.path_ignored(f.rule, &f.source.path);
    findings.retain(keep);
    findings = crate::suppress::apply(findings, sources, config);
    findings.retain(keep);
    for f in &mut findings {
        if let Some(&s) = config.severity.get(f.rule) {
            f.severity = s;
        }
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    // The same text can stand in several policies (a YAML alias, a Terraform
    // document merged into another and also used on its own): report it once.
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
    match &config.baseline {
        Some(baseline) => baseline.filter(findings),
        None => findings,
    }
}

fn lint_file(c: &Candidate, config: &Config, mode: Mode) -> FileOutput {
    match load(&c.path, config.max_file_size) {
        Ok(text) => {
            if !c.explicit && !worth_reading(&c.display, &text) {
                return FileOutput::default();
            }
            let source = SourceFile::new(c.display.clone(), text);
            let out = match mode {
                Mode::Lint => lint_source(source, c.explicit, config),
                Mode::ParseOnly => parse_source(source),
            };
            FileOutput { path: Some(c.path.clone()), display: c.display.clone(), ..out }
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
                || (path.to_ascii_lowercase().ends_with(".template") && text.contains("AWS::"))
        }
        Some(Language::Yaml) => extract::cloudformation::looks_like_yaml_template(text),
        Some(Language::Hcl) => true,
        None => false,
    }
}

fn lint_source(source: Source, explicit: bool, config: &Config) -> FileOutput {
    let mut out = FileOutput { linted: true, source: Some(source.clone()), ..FileOutput::default() };
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
    add_extracted(&mut out, extracted, config);
    out
}

fn add_extracted(out: &mut FileOutput, extracted: Extracted, config: &Config) {
    out.findings.extend(extracted.findings);
    out.facts = extracted.facts;
    out.referenced = extracted.referenced_files;
    for doc in &extracted.policies {
        let policy = policy::parse_policy(doc, &mut out.findings);
        run_policy_rules(&policy, config, &mut out.findings);
        out.policies.push(policy);
    }
}

/// Policy files read by Terraform's `file()` / `templatefile()` are linted once,
/// as the kind of policy they are used as (the first use wins); when the walk
/// found such a file too, its plain reading is dropped.
fn lint_referenced(outputs: &mut Vec<FileOutput>, config: &Config) {
    let canonical = |p: &std::path::Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let mut wanted: Vec<(std::path::PathBuf, ReferencedFile)> = Vec::new();
    for r in outputs.iter().flat_map(|o| &o.referenced) {
        let key = canonical(&r.path);
        if !wanted.iter().any(|(k, _)| *k == key) {
            wanted.push((key, r.clone()));
        }
    }
    if wanted.is_empty() {
        return;
    }
    let names: Vec<_> = wanted.iter().filter_map(|(k, _)| k.file_name().map(|n| n.to_os_string())).collect();
    let mut found = std::collections::HashMap::new();
    outputs.retain(|o| {
        let Some(path) = o.path.as_ref().filter(|p| p.file_name().is_some_and(|n| names.iter().any(|w| w == n))) else {
            return true;
        };
        let key = canonical(path);
        if wanted.iter().any(|(k, _)| *k == key) {
            found.insert(key, o.display.clone());
            return false;
        }
        true
    });
    for (key, r) in wanted {
        let display = found.remove(&key).unwrap_or_else(|| r.path.to_string_lossy().into_owned());
        let mut out = FileOutput { linted: true, ..FileOutput::default() };
        match load(&r.path, config.max_file_size) {
            Ok(text) => {
                let source = SourceFile::new(display, text);
                add_extracted(&mut out, extract::terraform::extract_referenced(&source, &r), config);
            }
            Err(message) => {
                let source = SourceFile::new(display, String::new());
                out.findings.push(Finding::new(&PARSE_ERROR, &source, Span::default(), message));
            }
        }
        outputs.push(out);
    }
}

fn parse(source: &Source, language: Language) -> Result<Node, syntax::SyntaxError> {
    match language {
        Language::Json => syntax::json::parse(&source.text)
            .or_else(|e| extract::cloudformation::template_read_as_yaml(&source.text).ok_or(e)),
        Language::Yaml => syntax::yaml::parse(&source.text),
        Language::Hcl => syntax::hcl::parse(&source.text),
    }
}

/// Runs every enabled project rule, once all files are read.
fn run_project_rules(policies: &[Policy], index: &ProjectIndex, config: &Config, out: &mut Vec<Finding>) {
    let cx = rules::ProjectCx::new(policies, index);
    for rule in rules::RULES {
        if let Check::Project(check) = rule.check {
            if config.enabled(rule.meta.id) {
                check(&cx, out);
            }
        }
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
