//! The pipeline: discover → load → parse → extract → policy model → rules →
//! filter → sorted report.
//!
//! Files are linted in *units*: the files whose addresses can refer to one
//! another, a CloudFormation template or a policy file on its own, the `.tf`
//! files of one Terraform module directory ([`crate::index::scope`]). Units
//! run in parallel, each through the per-policy rules and then the
//! project-wide rules over its own policies and facts, and keep only their
//! findings: memory stays flat and the cross-resource work is spread over the
//! cores however large the tree. Two things need the whole project at once and
//! read it as one unit instead: a service control policy (it applies to every
//! principal of the project), and callers that use the model afterwards
//! ([`lint_with_model`]: the simulator, `explain-denied`, `[[require]]`).
//! The output does not depend on the order in which units finish.

pub mod fix;
pub mod forbid;
pub mod overlay;
pub mod require;

use crate::config::Config;
use crate::discover::{self, Candidate, WalkError};
use crate::extract::{self, Extracted, ReferencedFile};
use crate::finding::reported::{file_outside_project::FILE_OUTSIDE_PROJECT, parse_error::PARSE_ERROR};
use crate::finding::Finding;
use crate::index::{Fact, ProjectIndex};
use crate::load::LoadError;
pub use crate::outcome::Report;
use crate::outcome::{Fate, FileSeen};
use crate::policy::{self, Policy, PolicyKind};
use crate::rules::{self, Check, PolicyCx};
use crate::source::{Language, Source, SourceFile, Span};
use crate::syntax::{self, Node};
use crate::workload::PrincipalAccess;
use rayon::prelude::*;
use std::sync::Arc;

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
    /// Read because a `file()` call names it (`path` is then the path the
    /// boundary admitted): its policies are the calling resources'.
    from_reference: bool,
    /// Policies read from the file (kept when the policies themselves are dropped).
    policy_count: usize,
    /// Read, but nothing in it to lint.
    not_policy: bool,
    /// Read for the project, outside the paths reported on (`--project-root`).
    not_reported: bool,
}

/// What one unit contributed, once its project-wide rules ran.
#[derive(Default)]
struct UnitOutput {
    files: Vec<FileOutput>,
    /// The unit holds a service control policy (it applies to every unit):
    /// the project must be read as one unit.
    read_whole: bool,
    workload: Vec<PrincipalAccess>,
}

/// How much of the project the project-wide rules see at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Each unit on its own, dropped once linted.
    Units,
    /// The whole project, kept in the report.
    WholeProject,
    /// The benchmark's floor: read and parse, nothing else.
    ParseOnly,
}

/// Lints files and directories. The report has no model ([`Report::policies`]
/// stays empty) unless the project had to be read as a whole.
pub fn lint(paths: &[String], config: &Config) -> Report {
    if !config.require.is_empty() || !config.forbid.is_empty() {
        return lint_with_model(paths, config);
    }
    read(paths, config, Mode::Units).unwrap_or_else(|| lint_with_model(paths, config))
}

/// Lints files and directories and keeps every policy and the project index
/// in the report, for the simulator, `explain-denied` and `[[require]]`.
pub fn lint_with_model(paths: &[String], config: &Config) -> Report {
    read(paths, config, Mode::WholeProject).unwrap_or_default()
}

/// The floor the benchmark compares against: the same walk, reads and
/// front-end parses as [`lint`], and nothing else (no extraction, no rules).
/// Reports only `parse-error` findings. Behind the hidden `--parse-only` flag.
pub fn parse_only(paths: &[String], config: &Config) -> Report {
    read(paths, config, Mode::ParseOnly).unwrap_or_default()
}

/// `None` when units met a service control policy: the project must be read as a whole.
fn read(paths: &[String], config: &Config, mode: Mode) -> Option<Report> {
    let mut roots: Vec<&str> = paths.iter().map(String::as_str).collect();
    roots.extend(config.project_root.as_deref());
    let config = &*bounded(config, &roots);
    match &config.project_root {
        Some(root) => lint_in_project(root, paths, config, mode, &[]),
        None => lint_paths(paths, config, mode),
    }
}

/// Walks on one thread and lints on all the others: each unit is handed to
/// the thread pool as soon as the walk has it (a Terraform module once the
/// walk is over, since its files may come at any time), so reading and
/// linting overlap the walk.
fn lint_paths(paths: &[String], config: &Config, mode: Mode) -> Option<Report> {
    let options = walk_options(config);
    let exclude = config.exclude_matcher();
    let (named, roots, mut errors) = discover::named(paths);
    if roots.is_empty() && named.len() <= 1 {
        // One file (a pre-commit hook, an editor) does not wake the thread pool.
        let units = units_of(named).into_iter().map(|u| lint_unit(u, config, mode)).collect();
        return finish(units, errors, config, mode);
    }
    let outputs = std::sync::Mutex::new(Vec::new());
    let mut excluded = Vec::new();
    let lint_batch = |batch: Vec<Vec<Candidate>>| {
        let done: Vec<UnitOutput> = batch.into_iter().map(|u| lint_unit(u, config, mode)).collect();
        outputs.lock().unwrap_or_else(|p| p.into_inner()).extend(done);
    };
    // The pool's threads take a while to come up: meanwhile this thread
    // starts the walk, and the first of them up reads the rules' tables
    // (not for the floor, which runs no rule).
    let walk = (!roots.is_empty()).then(|| {
        rayon::spawn(move || {
            if mode != Mode::ParseOnly {
                rules::prepare();
            }
        });
        discover::Walk::start(&roots, &options)
    });
    rayon::scope(|scope| {
        // Read each file once: under its first name, and (when links are
        // followed) once whatever name the walk meets it under.
        // Hashed with foldhash: a path is hashed once a file, on the thread
        // that feeds all the others, and the standard hash costs several times more.
        let mut seen = foldhash::HashSet::default();
        let mut identities = foldhash::HashSet::default();
        for c in &named {
            seen.insert(c.display.clone());
            if options.follow_links {
                identities.extend(discover::file_id(&c.path));
            }
        }
        let mut modules = Modules::default();
        for unit in units_of(named) {
            scope.spawn(move |_| lint_batch(vec![unit]));
        }
        if let Some(walk) = walk {
            // Units go to the pool in batches of at most four: a hand-over
            // costs a microsecond or two, a unit ten or more, and small last
            // batches let every thread finish at about the same time.
            let mut batch = Vec::new();
            let mut walk_errors = walk.each(&mut |c| {
                if exclude.is_match(&c.display) {
                    if config.list_files {
                        excluded.push(c.display);
                    }
                    return;
                }
                if !seen.insert(c.display.clone()) {
                    return;
                }
                if options.follow_links && discover::file_id(&c.path).is_some_and(|id| !identities.insert(id)) {
                    return;
                }
                let Some(c) = modules.add(c) else { return };
                batch.push(vec![c]);
                if batch.len() >= (seen.len() / 16).clamp(1, 4) {
                    let full = std::mem::take(&mut batch);
                    scope.spawn(move |_| lint_batch(full));
                }
            });
            if !batch.is_empty() {
                scope.spawn(move |_| lint_batch(batch));
            }
            errors.append(&mut walk_errors);
        }
        for unit in modules.into_units() {
            scope.spawn(move |_| lint_batch(vec![unit]));
        }
    });
    let outputs = outputs.into_inner().unwrap_or_else(|p| p.into_inner());
    discover::sort_errors(&mut errors);
    let mut report = finish(outputs, errors, config, mode)?;
    if config.list_files {
        report.files_seen.extend(excluded.into_iter().map(|path| FileSeen { path, fate: Fate::Excluded }));
        report.files_seen.sort_by(|a, b| a.path.cmp(&b.path));
    }
    Some(report)
}

/// The Terraform files met so far, by module directory.
#[derive(Default)]
struct Modules(std::collections::BTreeMap<String, Vec<Candidate>>);

impl Modules {
    /// Keeps a Terraform file for its module; gives any other file back.
    fn add(&mut self, c: Candidate) -> Option<Candidate> {
        if !crate::index::is_terraform(&c.display) {
            return Some(c);
        }
        self.0.entry(crate::index::scope(&c.display).to_string()).or_default().push(c);
        None
    }

    fn into_units(self) -> impl Iterator<Item = Vec<Candidate>> {
        self.0.into_values()
    }
}

/// Candidates grouped into units: each Terraform module directory together,
/// every other file on its own.
fn units_of(candidates: Vec<Candidate>) -> Vec<Vec<Candidate>> {
    let mut modules = Modules::default();
    let mut units: Vec<Vec<Candidate>> =
        candidates.into_iter().filter_map(|c| modules.add(c)).map(|c| vec![c]).collect();
    units.extend(modules.into_units());
    units
}

/// `exclude` is applied by the caller ([`Config::exclude_matcher`]): its globs
/// are relative to the configuration file, not to the walk.
fn walk_options(config: &Config) -> discover::WalkOptions {
    discover::WalkOptions { exclude: globset::GlobSet::empty(), follow_links: config.follow_links }
}

/// Reads every file of the project under `root` (so cross-resource rules see
/// the whole project) and reports only on the files under `paths`: what a
/// pre-commit hook needs when it is handed the changed files.
fn lint_in_project(
    root: &str,
    paths: &[String],
    config: &Config,
    mode: Mode,
    overlay: &[overlay::MemoryFile],
) -> Option<Report> {
    let (walked, mut errors) = discover::discover(std::slice::from_ref(&root.to_string()), &globset::GlobSet::empty());
    let exclude = config.exclude_matcher();
    let cwd = std::env::current_dir().unwrap_or_default();
    let absolute = |p: &std::path::Path| crate::paths::normalize(&cwd.join(p));
    // The selected paths, as absolute paths, with the name the user gave.
    let mut selected = Vec::new();
    // Held in memory, by absolute path: read instead of the file on disk.
    let mut in_memory: std::collections::HashMap<std::path::PathBuf, &overlay::MemoryFile> =
        overlay.iter().map(|f| (absolute(&f.path), f)).collect();
    for p in paths {
        let abs = absolute(std::path::Path::new(p));
        match std::fs::metadata(p) {
            Ok(m) => selected.push((abs, p.trim_start_matches("./").to_string(), m.is_dir())),
            // A buffer not saved yet is a file all the same.
            Err(_) if in_memory.contains_key(&abs) => {
                selected.push((abs, p.trim_start_matches("./").to_string(), false))
            }
            Err(e) => errors.push(WalkError { path: p.clone(), message: discover::io_message(&e), missing_root: true }),
        }
    }
    let mut candidates = Vec::new();
    let mut reported = std::collections::HashSet::new();
    let mut found = std::collections::HashSet::new();
    let mut excluded = Vec::new();
    for mut c in walked {
        if exclude.is_match(&c.display) {
            if config.list_files {
                excluded.push(FileSeen { path: c.display, fate: Fate::Excluded });
            }
            continue;
        }
        let abs = absolute(&c.path);
        if let Some(memory) = in_memory.remove(&abs) {
            c.text = Some(memory.text.clone());
        }
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
    // Files held in memory that the walk did not meet: new, not saved yet.
    for memory in overlay {
        let abs = absolute(&memory.path);
        if in_memory.remove(&abs).is_none() {
            continue;
        }
        let display = match selected.iter().find(|(s, _, is_dir)| !is_dir && *s == abs) {
            Some((sel, given, _)) => {
                found.insert(sel.clone());
                reported.insert(given.clone());
                given.clone()
            }
            None => memory.display.clone(),
        };
        // Named as the root itself, it is read as a named file on disk is
        // (a walk makes a file root explicit): linted even when not a policy.
        let explicit = abs == root_abs || !abs.starts_with(&root_abs);
        candidates.push(Candidate { display, path: abs, explicit, text: Some(memory.text.clone()) });
    }
    // Files given outside the project are read on their own, as a walk would.
    for (abs, given, is_dir) in &selected {
        if !is_dir && !found.contains(abs) && !abs.starts_with(&root_abs) && discover::is_candidate_name(abs) {
            candidates.push(Candidate { display: given.clone(), path: abs.clone(), explicit: false, text: None });
            reported.insert(given.clone());
        }
    }
    let mut units: Vec<UnitOutput> = units_of(candidates).into_par_iter().map(|u| lint_unit(u, config, mode)).collect();
    for out in units.iter_mut().flat_map(|u| &mut u.files) {
        if !reported.contains(&out.display) {
            out.linted = false;
            out.not_reported = true;
        }
    }
    let mut report = finish(units, errors, config, mode)?;
    report.findings.retain(|f| reported.contains(&f.source.path));
    // The access summary speaks of the principals of the files reported
    // only, and counts again on the findings this run reports.
    crate::workload::count_gaps(&mut report.workload, &report.findings);
    report.workload.retain(|access| access.policies.iter().any(|(path, _)| reported.contains(path)));
    if config.list_files {
        report.files_seen.append(&mut excluded);
        report.files_seen.sort_by(|a, b| a.path.cmp(&b.path));
    }
    Some(report)
}

/// `config` with the project's boundary around `roots` when it names none
/// ([`crate::boundary`]).
fn bounded<'c>(config: &'c Config, roots: &[&str]) -> std::borrow::Cow<'c, Config> {
    if !config.boundary.is_unset() {
        return std::borrow::Cow::Borrowed(config);
    }
    std::borrow::Cow::Owned(Config { boundary: crate::boundary::Boundary::around(roots), ..config.clone() })
}

/// Lints one file read from standard input, named `name` (which also picks its language).
pub fn lint_stdin(name: &str, config: &Config) -> Report {
    let read = crate::load::read_limited(std::io::stdin().lock(), 0, config.max_file_size);
    let text = read.and_then(crate::load::text).map_err(|e| match e {
        LoadError::Io(_) => format!("cannot read standard input: {e}"),
        LoadError::TooLarge { max, .. } => {
            format!("the input is more than the limit of {max} bytes (set `max-file-size` to raise it)")
        }
        LoadError::NotUtf8(at) => format!("the input is not UTF-8 text (invalid byte at offset {at})"),
        LoadError::NotRegular => e.to_string(),
    });
    match text {
        Ok(text) => match &config.project_root {
            // Read with the rest of its project, as the same text saved would be.
            Some(root) => {
                overlay::lint_overlay(root, &[name.to_string()], vec![overlay::MemoryFile::new(name, text)], config)
            }
            None => lint_text(name, &text, config),
        },
        Err(message) => {
            let source = SourceFile::new(name, String::new());
            let finding = Finding::new(&PARSE_ERROR, &source, Span::default(), message);
            let out = FileOutput { linted: true, findings: vec![finding], ..FileOutput::default() };
            finish_whole(vec![out], config)
        }
    }
}

/// Lints one file's text, as if read from `path` (for standard input and
/// tests). One file is a whole project: the report keeps its model.
pub fn lint_text(path: &str, text: &str, config: &Config) -> Report {
    let config = &*bounded(config, &[path]);
    let source = SourceFile::new(path, text);
    finish_whole(vec![lint_source(source, true, config)], config)
}

fn finish_whole(files: Vec<FileOutput>, config: &Config) -> Report {
    let unit = UnitOutput { files, ..UnitOutput::default() };
    finish(vec![unit], Vec::new(), config, Mode::WholeProject).unwrap_or_default()
}

/// Lints the files of one unit and, unit by unit, runs its project-wide rules.
/// The files are read in parallel too: one large Terraform module (the unit
/// the language server lints again on each change) would otherwise be read
/// on one core.
fn lint_unit(mut candidates: Vec<Candidate>, config: &Config, mode: Mode) -> UnitOutput {
    candidates.sort_by(|a, b| a.display.cmp(&b.display));
    let mut files: Vec<FileOutput> = candidates.par_iter().map(|c| lint_file(c, config, mode)).collect();
    if mode == Mode::Units {
        // The policy files its `file()` calls read are its roles' policies.
        let referenced = files.iter_mut().flat_map(|o| std::mem::take(&mut o.referenced)).collect();
        files.extend(read_referenced(referenced, config));
    }
    close_unit(files, config, mode)
}

/// In [`Mode::Units`]: runs the unit's project-wide rules over its own
/// policies and facts, filters its findings, and drops the rest.
fn close_unit(mut files: Vec<FileOutput>, config: &Config, mode: Mode) -> UnitOutput {
    if mode != Mode::Units {
        return UnitOutput { files, ..UnitOutput::default() };
    }
    let policies: Vec<Policy> = files.iter_mut().flat_map(|f| std::mem::take(&mut f.policies)).collect();
    let facts: Vec<Fact> = files.iter_mut().flat_map(|f| std::mem::take(&mut f.facts)).collect();
    let read_whole = policies.iter().any(|p| p.kind == PolicyKind::Scp);
    if read_whole || files.is_empty() {
        // Read again as a whole; nothing of this unit is used.
        return UnitOutput { files, read_whole, ..UnitOutput::default() };
    }
    let index = ProjectIndex::new(facts);
    let code = read_code(&index, config);
    let cx = rules::ProjectCx::new(&policies, &index).with_code(&code);
    let mut found = Vec::new();
    run_project_rules(&cx, config, &mut found);
    for out in files.iter_mut().filter(|_| config.project_fixes) {
        rules::add_project_fixes(&cx, &mut out.findings);
    }
    for f in found {
        let i = files.iter().position(|o| o.display == f.source.path).unwrap_or(0);
        files[i].findings.push(f);
    }
    for out in &mut files {
        out.findings = filter_rules(std::mem::take(&mut out.findings), out.source.as_slice(), config);
        // Sorted here, on the pool: files are put in path order at the end,
        // so the whole report is then in order without sorting it again.
        out.findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        out.findings.shrink_to_fit();
        out.source = None;
        if config.keep_text != crate::config::KeepText::Whole {
            let snippets = config.keep_text == crate::config::KeepText::Snippets;
            let_text_go(&mut out.findings, config.element_text, snippets);
        }
    }
    let workload =
        if config.workload { crate::workload::principal_access(cx.principal_policies(), cx.index) } else { Vec::new() };
    UnitOutput { files, read_whole, workload }
}

/// Points findings and their labels at text-less copies of their files (one
/// per file), so the texts are freed with the unit. First, `elements` keeps
/// each finding's element text and `snippets` the lines the human report shows.
fn let_text_go(findings: &mut [Finding], elements: bool, snippets: bool) {
    let mut slim: Vec<Source> = Vec::new();
    let mut without_text = |source: &mut Source| {
        if source.text.is_empty() {
            return;
        }
        *source = match slim.iter().find(|s| s.path == source.path) {
            Some(s) => s.clone(),
            None => {
                slim.push(source.without_text());
                slim[slim.len() - 1].clone()
            }
        };
    };
    for f in findings {
        if elements && !f.source.text.is_empty() {
            f.element = Some(crate::baseline::element_text(f).into());
        }
        if snippets && !f.source.text.is_empty() {
            let same_file = f.labels.iter().filter(|l| Arc::ptr_eq(&l.source, &f.source)).map(|l| l.span);
            let spans: Vec<Span> = std::iter::once(f.span).chain(same_file).collect();
            f.snippet = crate::finding::Snippet::around(&f.source, &spans, crate::finding::CONTEXT_LINES);
        }
        without_text(&mut f.source);
        for label in &mut f.labels {
            without_text(&mut label.source);
        }
    }
}

/// Puts the units together. `None` in [`Mode::Units`] when one of them holds
/// a service control policy: the caller reads the project again as a whole.
fn finish(units: Vec<UnitOutput>, errors: Vec<WalkError>, config: &Config, mode: Mode) -> Option<Report> {
    let mut report = Report { errors, ..Report::default() };
    let mut files = Vec::with_capacity(units.iter().map(|u| u.files.len()).sum());
    for unit in units {
        if unit.read_whole {
            return None;
        }
        files.extend(unit.files);
        report.workload.extend(unit.workload);
    }
    // Path order, so nothing depends on which thread finished first.
    sort_by_display(&mut files);
    settle_referenced(&mut files, &mut report.workload, config);
    let mut facts = Vec::new();
    let mut sources = Vec::new();
    report.findings.reserve_exact(files.iter().map(|o| o.findings.len()).sum());
    for out in &mut files {
        if config.list_files && !out.display.is_empty() {
            let fate = if out.not_reported {
                Fate::ReadNotReported
            } else if out.not_policy {
                Fate::NotPolicy
            } else {
                Fate::Linted
            };
            report.files_seen.push(FileSeen { path: out.display.clone(), fate });
        }
        report.files += usize::from(out.linted);
        report.policy_count += out.policy_count;
        report.policies.append(&mut out.policies);
        report.findings.append(&mut out.findings);
        facts.append(&mut out.facts);
        sources.extend(out.source.take());
    }
    drop_in_background(files);
    if mode == Mode::WholeProject {
        report.index = ProjectIndex::new(facts);
        let code = read_code(&report.index, config);
        let cx = rules::ProjectCx::new(&report.policies, &report.index).with_code(&code);
        let mut found = Vec::new();
        run_project_rules(&cx, config, &mut found);
        if config.project_fixes {
            rules::add_project_fixes(&cx, &mut report.findings);
        }
        if config.workload {
            report.workload = crate::workload::principal_access(cx.principal_policies(), cx.index);
        }
        report.findings.append(&mut found);
        if !config.require.is_empty() {
            let found = require::check(&report.policies, &report.index, &config.require);
            report.findings.extend(found);
        }
        if !config.forbid.is_empty() && config.enabled(forbid::FORBIDDEN_ACCESS_GRANTED.id) {
            let found = forbid::check(&report.policies, &report.index, &config.forbid);
            report.findings.extend(found);
        }
    }
    if mode != Mode::Units {
        report.findings = filter_rules(std::mem::take(&mut report.findings), &sources, config);
    }
    (report.findings, report.baseline) = order(std::mem::take(&mut report.findings), config);
    crate::workload::count_gaps(&mut report.workload, &report.findings);
    Some(report)
}

/// Puts the files in path order. The order is worked out on their indexes
/// and then applied with one swap a file: a `FileOutput` is large, and a sort
/// of the values themselves would move each of them many times.
fn sort_by_display(files: &mut [FileOutput]) {
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by(|&a, &b| files[a].display.cmp(&files[b].display));
    // Where each file goes, then each swap puts one file in its place.
    let mut place = vec![0; order.len()];
    for (to, &from) in order.iter().enumerate() {
        place[from] = to;
    }
    for i in 0..files.len() {
        while place[i] != i {
            let j = place[i];
            files.swap(i, j);
            place.swap(i, j);
        }
    }
}

/// What is left of the files once their findings are taken (names, emptied
/// vectors) is freed on the thread pool, where it was allocated, while the
/// report is written. A handful is freed at once, without waking the pool.
fn drop_in_background(files: Vec<FileOutput>) {
    if files.len() < 64 {
        return;
    }
    rayon::spawn(move || drop(files));
}

/// The filter stage, up to what can be decided file by file: rules turned
/// off (`select`, `ignore`, `[[ignore]]` by path), inline suppressions (the
/// comments of `sources`), severity overrides.
fn filter_rules(mut findings: Vec<Finding>, sources: &[Source], config: &Config) -> Vec<Finding> {
    let keep = |f: &Finding| config.enabled(f.rule) && !config.path_ignored(f.rule, &f.source.path);
    findings.retain(keep);
    findings = crate::suppress::apply(findings, sources, config);
    findings.retain(keep);
    for f in &mut findings {
        if let Some(&s) = config.severity.get(f.rule) {
            f.severity = s;
        }
    }
    findings
}

/// The end of the filter stage: sorted, each finding once, then the baseline.
fn order(mut findings: Vec<Finding>, config: &Config) -> (Vec<Finding>, Option<crate::baseline::Applied>) {
    if !findings.is_sorted_by(|a, b| a.sort_key() <= b.sort_key()) {
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    // The same text can stand in several policies (a YAML alias, a Terraform
    // document merged into another and also used on its own): report it once.
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
    match &config.baseline {
        Some(baseline) => {
            let (kept, applied) = baseline.filter_counting(findings);
            (kept, Some(applied))
        }
        None => (findings, None),
    }
}

fn lint_file(c: &Candidate, config: &Config, mode: Mode) -> FileOutput {
    let text = match &c.text {
        Some(text) => Ok(text.clone()),
        None => crate::load::load(&c.path, config.max_file_size),
    };
    match text {
        Ok(text) => {
            if !c.explicit && !worth_reading(&c.display, &text) {
                return FileOutput { display: c.display.clone(), not_policy: true, ..FileOutput::default() };
            }
            let source = SourceFile::new(c.display.clone(), text);
            let out = match mode {
                Mode::Units | Mode::WholeProject => lint_source(source, c.explicit, config),
                Mode::ParseOnly => parse_source(source),
            };
            FileOutput { path: Some(c.path.clone()), display: c.display.clone(), ..out }
        }
        Err(message) => {
            let source = SourceFile::new(c.display.clone(), String::new());
            FileOutput {
                linted: true,
                findings: vec![Finding::new(&PARSE_ERROR, &source, Span::default(), message)],
                display: c.display.clone(),
                ..FileOutput::default()
            }
        }
    }
}

/// The `--parse-only` floor: the front-end's parse and nothing after it.
fn parse_source(source: Source) -> FileOutput {
    let mut out = FileOutput { linted: true, ..FileOutput::default() };
    let language = source.language();
    if let Err(e) = parse(&source, language) {
        out.findings.push(Finding::new(&PARSE_ERROR, &source, e.span, e.message));
    }
    out
}

/// A cheap look at a walked file before parsing it: JSON that cannot be a
/// policy, template or Terraform document is skipped without a parse.
fn worth_reading(path: &str, text: &str) -> bool {
    match Language::from_path(path) {
        Some(Language::Json) => {
            crate::source::is_terraform(path)
                || ["\"Statement\"", "\"AWSTemplateFormatVersion\"", "\"Resources\"", "\"format_version\""]
                    .iter()
                    .any(|k| text.contains(k))
                || (crate::source::ends_with_ignore_case(path, ".template") && text.contains("AWS::"))
        }
        Some(Language::Yaml) => {
            extract::cloudformation::looks_like_yaml_template(text)
                || extract::policy_file::looks_like_yaml_policy(text)
        }
        Some(Language::Hcl) => true,
        None => false,
    }
}

fn lint_source(source: Source, explicit: bool, config: &Config) -> FileOutput {
    let mut out = FileOutput { linted: true, source: Some(source.clone()), ..FileOutput::default() };
    let language = source.language();
    let roots = match parse(&source, language) {
        Ok(nodes) => nodes,
        Err(e) => {
            out.findings.push(Finding::new(&PARSE_ERROR, &source, e.span, e.message));
            return out;
        }
    };
    let mut any = false;
    for root in roots {
        let kind = extract::classify(&source, language, &root, explicit);
        if kind != extract::DocKind::NotPolicy {
            any = true;
            add_extracted(&mut out, extract::extract(&source, kind, root), config);
        }
    }
    if !any {
        return FileOutput { not_policy: true, ..FileOutput::default() };
    }
    out
}

fn add_extracted(out: &mut FileOutput, extracted: Extracted, config: &Config) {
    out.findings.extend(extracted.findings);
    out.facts.extend(extracted.facts);
    let admitted = admitted(extracted.referenced_files, config, &mut out.findings);
    out.referenced.extend(admitted);
    for doc in &extracted.policies {
        let policy = policy::parse_policy(doc, &mut out.findings);
        run_policy_rules(&policy, config, &mut out.findings);
        out.policies.push(policy);
        out.policy_count += 1;
    }
}

/// The referenced files that the project's boundary lets the run read, each
/// with the path to read (links resolved); each one refused is reported at
/// the call that names it, by its path alone.
fn admitted(referenced: Vec<ReferencedFile>, config: &Config, findings: &mut Vec<Finding>) -> Vec<ReferencedFile> {
    use crate::boundary::Admission;
    let mut admitted = Vec::with_capacity(referenced.len());
    for mut r in referenced {
        match config.boundary.admit(&r.path) {
            Admission::Read(path) => {
                r.resolved = path;
                admitted.push(r);
            }
            Admission::Missing => {}
            Admission::Refused(why) => findings.push(Finding::new(
                &FILE_OUTSIDE_PROJECT,
                &r.site.source,
                r.site.span,
                format!(
                    "`{}` is {why}: policy-lint does not read it, so the policy of `{}` is unknown and not checked",
                    r.written, r.origin
                ),
            )),
        }
    }
    admitted
}

/// The policy files that Terraform's `file()` / `templatefile()` calls
/// name, each read once (the first use wins) as the kind of policy it is
/// used as.
fn read_referenced(referenced: Vec<ReferencedFile>, config: &Config) -> Vec<FileOutput> {
    let mut seen = std::collections::HashSet::new();
    referenced
        .into_iter()
        .filter(|r| seen.insert(r.resolved.clone()))
        .map(|r| read_one_referenced(&r, config))
        .collect()
}

fn read_one_referenced(r: &ReferencedFile, config: &Config) -> FileOutput {
    let display = r.path.to_string_lossy().into_owned();
    let mut out = FileOutput {
        linted: true,
        display: display.clone(),
        path: Some(r.resolved.clone()),
        from_reference: true,
        ..FileOutput::default()
    };
    // The path the boundary admitted, not the one written: a link
    // swapped in since then is not followed out of the project.
    let text = config.boundary.held_text(&r.resolved).map(Ok);
    match text.unwrap_or_else(|| crate::load::load(&r.resolved, config.max_file_size)) {
        Ok(text) => {
            let source = SourceFile::new(display, text);
            add_extracted(&mut out, extract::terraform::extract_referenced(&source, r), config);
            for policy in &mut out.policies {
                policy.used_from = Some(r.site.source.path.clone());
            }
        }
        Err(message) => {
            let source = SourceFile::new(display, String::new());
            out.findings.push(Finding::new(&PARSE_ERROR, &source, Span::default(), message));
        }
    }
    out
}

/// Policy files read through `file()` are linted once, as what they are used
/// as: those the units did not read yet (the whole project is one unit) are
/// read now; a file read by two units keeps its first reading; and when the
/// walk found such a file too, its plain reading is dropped, with its access.
fn settle_referenced(outputs: &mut Vec<FileOutput>, workload: &mut Vec<PrincipalAccess>, config: &Config) {
    let pending: Vec<ReferencedFile> = outputs.iter_mut().flat_map(|o| std::mem::take(&mut o.referenced)).collect();
    let read = read_referenced(pending, config);
    outputs.extend(read);
    // Looked up by set, not by scanning: a file may reference thousands.
    let mut keys = std::collections::HashSet::new();
    outputs.retain(|o| !o.from_reference || o.path.as_ref().is_some_and(|k| keys.insert(k.clone())));
    if keys.is_empty() {
        return;
    }
    let names: std::collections::HashSet<_> = keys.iter().filter_map(|k| k.file_name()).collect();
    let mut dropped = std::collections::HashSet::new();
    outputs.retain(|o| {
        let Some(path) = o.path.as_ref().filter(|p| p.file_name().is_some_and(|n| names.contains(n))) else {
            return true;
        };
        if o.from_reference || !keys.contains(&config.boundary.key(path)) {
            return true;
        }
        dropped.insert(o.display.clone());
        false
    });
    // Units worked out the dropped readings' access already: it goes with them.
    workload.retain(|access| !dropped.contains(&access.principal));
}

/// The documents of a file: one, but for a YAML stream of several (`---`).
fn parse(source: &Source, language: Language) -> Result<Vec<Node>, syntax::SyntaxError> {
    match language {
        Language::Json => match syntax::json::parse(&source.text) {
            Ok(node) => Ok(vec![node]),
            Err(e) => {
                let node = extract::cloudformation::template_read_as_yaml(&source.text).ok_or(e)?;
                source.read_as(Language::Yaml);
                Ok(vec![node])
            }
        },
        Language::Yaml => {
            let (documents, anchored) = syntax::yaml::parse_with_anchors(&source.text)?;
            source.anchored(anchored);
            Ok(documents)
        }
        Language::Hcl => syntax::hcl::parse(&source.text).map(|node| vec![node]),
    }
}

/// The functions' code, read when a rule that needs it is enabled.
fn read_code(index: &ProjectIndex, config: &Config) -> Vec<crate::code::FunctionCode> {
    use crate::rules::service_wildcard::SERVICE_WILDCARD;
    use crate::rules::{code_not_read::CODE_NOT_READ, sdk_call_denied::SDK_CALL_DENIED, unused_grant::UNUSED_GRANT};
    let readers = [SDK_CALL_DENIED.id, UNUSED_GRANT.id, CODE_NOT_READ.id];
    // `service-wildcard`'s fix names the actions the code calls.
    let for_fix = config.project_fixes && config.enabled(SERVICE_WILDCARD.id);
    if !for_fix && !readers.iter().any(|id| config.enabled(id)) {
        return Vec::new();
    }
    crate::code::read(index, &config.boundary, config.max_file_size)
}

/// Runs every enabled project rule over a whole project or one unit of it.
fn run_project_rules(cx: &rules::ProjectCx, config: &Config, out: &mut Vec<Finding>) {
    for rule in rules::RULES {
        if let Check::Project(check) | Check::PolicyAndProject(_, check) = rule.check {
            if config.enabled(rule.meta.id) {
                check(cx, out);
            }
        }
    }
}

/// Runs every enabled per-policy rule.
pub fn run_policy_rules(policy: &Policy, config: &Config, out: &mut Vec<Finding>) {
    let cx = PolicyCx::new(policy);
    for rule in rules::RULES {
        if let Check::Policy(check) | Check::PolicyAndProject(check, _) = rule.check {
            if config.enabled(rule.meta.id) {
                check(&cx, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_put_in_path_order_whatever_order_they_finish_in() {
        // Every order of a few names, and a longer one scrambled by a multiplier.
        let names = ["a/b.json", "a/b/c.json", "a-c.json", "b.json"];
        let mut orders: Vec<Vec<usize>> = vec![vec![0, 1, 2, 3], vec![3, 2, 1, 0], vec![1, 3, 0, 2], vec![2, 0, 3, 1]];
        orders.push((0..500).map(|i| (i * 211) % 500).collect());
        for order in orders {
            let display = |i: usize| names.get(i).map_or_else(|| format!("f{i:04}.json"), |n| n.to_string());
            let mut files: Vec<FileOutput> = order
                .iter()
                .map(|&i| FileOutput { display: display(i), policy_count: i, ..FileOutput::default() })
                .collect();
            sort_by_display(&mut files);
            let got: Vec<&str> = files.iter().map(|f| f.display.as_str()).collect();
            let mut expected: Vec<String> = order.iter().map(|&i| display(i)).collect();
            expected.sort();
            assert_eq!(got, expected);
            assert!(files.iter().all(|f| display(f.policy_count) == f.display), "a file kept its own contents");
        }
    }
}
