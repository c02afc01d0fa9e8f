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
    let (candidates, errors) = discover::discover(paths, &config.exclude_set());
    lint_candidates(&candidates, errors, config)
}

/// Lints one file's text, as if read from `path` (for standard input and tests).
pub fn lint_text(path: &str, text: &str, config: &Config) -> Report {
    let source = SourceFile::new(path, text);
    let out = lint_source(source, true, config);
    finish(vec![out], Vec::new(), config)
}

fn lint_candidates(candidates: &[Candidate], errors: Vec<WalkError>, config: &Config) -> Report {
    let outputs: Vec<FileOutput> = candidates.par_iter().map(|c| lint_file(c, config)).collect();
    finish(outputs, errors, config)
}

fn finish(outputs: Vec<FileOutput>, errors: Vec<WalkError>, config: &Config) -> Report {
    let mut report = Report { errors, ..Report::default() };
    let mut facts = Vec::new();
    for out in outputs {
        report.files += usize::from(out.linted);
        report.policies.extend(out.policies);
        report.findings.extend(out.findings);
        facts.extend(out.facts);
    }
    report.index = ProjectIndex::new(facts);
    if !config.require.is_empty() {
        let found = crate::analysis::require::check(&report, &config.require);
        report.findings.extend(found);
    }
    report.findings.retain(|f| config.enabled(f.rule));
    for f in &mut report.findings {
        if let Some(&s) = config.severity.get(f.rule) {
            f.severity = s;
        }
    }
    report.findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    report
}

fn lint_file(c: &Candidate, config: &Config) -> FileOutput {
    match load(&c.path, config.max_file_size) {
        Ok(text) => {
            if !c.explicit && !worth_reading(&c.display, &text) {
                return FileOutput::default();
            }
            lint_source(SourceFile::new(c.display.clone(), text), c.explicit, config)
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

/// Reads a file as UTF-8 text, refusing what is too large or not text.
fn load(path: &std::path::Path, max: u64) -> Result<String, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read the file: {}", discover::io_message(&e)))?;
    let meta = file.metadata().map_err(|e| format!("cannot read the file: {}", discover::io_message(&e)))?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if meta.len() > max {
        return Err(format!(
            "the file is {} bytes, more than the limit of {max} bytes (set `max-file-size` to raise it)",
            meta.len()
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the file: {}", discover::io_message(&e)))?;
    if bytes.len() as u64 > max {
        return Err(format!("the file is more than the limit of {max} bytes"));
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    String::from_utf8(bytes)
        .map_err(|e| format!("the file is not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()))
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
