//! `--fix` and `--diff`: applies the fixes the findings offer
//! ([`crate::finding::fix`]) to the files they were read from, then lints
//! again, so only what is left is reported.
//!
//! A file is written only when it is safe to: a regular file (not a link,
//! symbolic or hard), inside the paths given (not one read for
//! `--project-root` or through `file()`), without a parse error, and still
//! holding the text that was linted. It is rewritten whole through
//! [`crate::baseline::replace_file`] (a temporary file renamed over it, its
//! permissions and owner kept); a byte order mark the reader dropped is
//! written back, and every byte outside the edits stays as it was. Fixes
//! whose edits overlap wait for the next pass: each pass applies the first
//! of them, lints again, and so on, at most
//! [`MAX_PASSES`] times. Fixes that undo each other (a pass that would
//! bring back a text the file had) leave the file as it was read.

use crate::config::Config;
use crate::finding::reported::parse_error::PARSE_ERROR;
use crate::finding::{Applicability, Fix};
use crate::outcome::Report;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Passes of fix-then-lint before giving up on fixes that keep overlapping.
pub const MAX_PASSES: usize = 10;

const BOM: &str = "\u{feff}";

/// What `--fix` (or `--diff`) did.
#[derive(Default)]
pub struct Outcome {
    /// The report of the last lint: what is left.
    pub report: Report,
    /// Fixes applied (or, under `--diff`, that would be), by path.
    pub fixed: BTreeMap<String, usize>,
    /// Under `--diff`: the unified diff of every file a fix changes.
    pub diff: String,
    /// Files with fixes that were not written, and why.
    pub refused: BTreeMap<String, String>,
    /// The texts each file had at the start of each pass, the one read first
    /// at the front: a pass that would bring one back is a cycle.
    history: BTreeMap<String, Vec<String>>,
}

impl Outcome {
    pub fn total(&self) -> usize {
        self.fixed.values().sum()
    }
}

/// Lints `paths`, applies the fixes of the findings (`unsafe_fixes`: the
/// unsafe ones too), and lints again until nothing more is fixed. With
/// `write` false (`--diff`) nothing is written: one pass is made and its
/// changes are given as a diff.
pub fn fix(paths: &[String], config: &Config, unsafe_fixes: bool, write: bool) -> Outcome {
    let mut config = config.clone();
    // The edits are applied to the text the findings were made from.
    config.keep_text = crate::config::KeepText::Whole;
    let roots: Vec<PathBuf> = paths.iter().filter_map(|p| std::fs::canonicalize(p).ok()).collect();
    let siblings = module_siblings(paths, &roots);
    let read: Vec<String> = paths.iter().chain(&siblings).cloned().collect();
    let lint = || {
        let mut report = crate::lint(&read, &config);
        let sibling = |path: &str| siblings.iter().any(|s| s.trim_start_matches("./") == path.trim_start_matches("./"));
        report.findings.retain(|f| !sibling(&f.source.path));
        report
    };
    let mut outcome = Outcome::default();
    let mut report = lint();
    for _ in 0..MAX_PASSES {
        let applied = pass(&report, &roots, unsafe_fixes, write, &mut outcome);
        if applied == 0 || !write {
            break;
        }
        report = lint();
    }
    outcome.report = report;
    outcome
}

/// The other Terraform files of the modules (directories) of the files
/// given, not given themselves: read with them, since a fix written into
/// `main.tf` must see what `identity.tf` declares (the account's
/// `aws_caller_identity`, the permission it would add), but neither
/// reported nor written.
fn module_siblings(paths: &[String], roots: &[PathBuf]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in paths.iter().filter(|p| crate::source::is_terraform(p) && Path::new(p).is_file()) {
        let dir = Path::new(p).parent().unwrap_or(Path::new(""));
        let Ok(entries) = std::fs::read_dir(if dir.as_os_str().is_empty() { Path::new(".") } else { dir }) else {
            continue;
        };
        for e in entries.flatten() {
            let path = dir.join(e.file_name());
            let name = path.to_string_lossy().into_owned();
            let given = std::fs::canonicalize(&path).is_ok_and(|real| roots.iter().any(|r| real.starts_with(r)));
            let file = e.file_type().is_ok_and(|t| t.is_file());
            if file && crate::source::is_terraform(&name) && !given && !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

/// One pass over a report's fixes; returns how many were applied.
fn pass(report: &Report, roots: &[PathBuf], unsafe_fixes: bool, write: bool, outcome: &mut Outcome) -> usize {
    let wanted = |fix: &Fix| fix.applicability == Applicability::Safe || unsafe_fixes;
    let mut by_file: BTreeMap<&str, (Option<&crate::source::Source>, Vec<&Fix>, bool)> = BTreeMap::new();
    for f in &report.findings {
        let entry = by_file.entry(&f.source.path).or_insert((None, Vec::new(), false));
        entry.2 |= f.rule == PARSE_ERROR.id;
        if let Some(fix) = f.fix.as_deref().filter(|x| wanted(x)) {
            entry.0 = Some(&f.source);
            entry.1.push(fix);
        }
    }
    let mut applied = 0;
    for (path, (source, mut fixes, parse_error)) in by_file {
        let Some(source) = source else { continue };
        if parse_error {
            outcome.refused.insert(path.to_string(), "the file has a parse error".into());
            continue;
        }
        let disk = match writable(Path::new(path), roots) {
            Ok(d) => d,
            Err(why) => {
                outcome.refused.insert(path.to_string(), why);
                continue;
            }
        };
        let bom = disk.starts_with(BOM);
        if disk.strip_prefix(BOM).unwrap_or(&disk) != source.text {
            outcome.refused.insert(path.to_string(), "the file changed since it was read".into());
            continue;
        }
        let chosen = first_apart(&mut fixes);
        let text = apply(&source.text, &chosen);
        if text == source.text {
            continue;
        }
        let history = outcome.history.entry(path.to_string()).or_default();
        history.push(disk.clone());
        if history.iter().any(|h| h.strip_prefix(BOM).unwrap_or(h) == text) {
            // Fixes that undo each other: the file goes back to what it was
            // read as, and none of its fixes is counted.
            let original = history[0].clone();
            if write && original != disk {
                if let Err(e) = crate::baseline::replace_file(Path::new(path), original.as_bytes()) {
                    outcome.refused.insert(path.to_string(), crate::discover::io_message(&e));
                    continue;
                }
            }
            outcome.fixed.remove(path);
            outcome.refused.insert(path.to_string(), "its fixes undo each other: it is left as it was".into());
            continue;
        }
        let bytes = if bom { format!("{BOM}{text}") } else { text.clone() };
        if write {
            if let Err(e) = crate::baseline::replace_file(Path::new(path), bytes.as_bytes()) {
                outcome.refused.insert(path.to_string(), crate::discover::io_message(&e));
                continue;
            }
        } else {
            outcome.diff.push_str(&unified(path, &disk, &bytes));
        }
        applied += chosen.len();
        *outcome.fixed.entry(path.to_string()).or_default() += chosen.len();
    }
    applied
}

/// The fixes of one pass, in order: each that starts after the one before
/// ends. Touching ranges wait too: two insertions at one place would come
/// out in an order nobody chose. The others wait for the next pass, which
/// lints the text this one left (an insertion made twice is not made).
fn first_apart<'a>(fixes: &mut [&'a Fix]) -> Vec<&'a Fix> {
    fixes.sort_by_key(|x| (x.extent(), x.applicability));
    let mut chosen: Vec<&Fix> = Vec::new();
    for &x in fixes.iter() {
        // The same insertion offered twice (one permission for two
        // applications that share a function) is made once.
        let inserts = |f: &Fix| f.edits.iter().all(|e| e.start == e.end);
        let same = |a: &Fix| a.edits.iter().map(|e| &e.text).eq(x.edits.iter().map(|e| &e.text));
        if inserts(x) && chosen.iter().any(|c| inserts(c) && same(c)) {
            continue;
        }
        if chosen.last().is_none_or(|last| last.extent().end < x.extent().start) {
            chosen.push(x);
        }
    }
    chosen
}

/// `text` with the edits of fixes that do not overlap, from the last back.
fn apply(text: &str, fixes: &[&Fix]) -> String {
    let mut out = text.to_string();
    for edit in fixes.iter().rev().flat_map(|x| x.edits.iter().rev()) {
        out.replace_range(edit.start as usize..edit.end as usize, &edit.text);
    }
    out
}

/// The file's text on disk, when `--fix` may write it.
fn writable(path: &Path, roots: &[PathBuf]) -> Result<String, String> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| crate::discover::io_message(&e))?;
    if meta.file_type().is_symlink() {
        return Err("it is a symbolic link: fixes are not written through links".into());
    }
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // A new file renamed over one of them would part it from the others.
        if meta.nlink() > 1 {
            return Err(format!("it has {} hard links: fixes are not written through links", meta.nlink()));
        }
    }
    let real = std::fs::canonicalize(path).map_err(|e| crate::discover::io_message(&e))?;
    if !roots.iter().any(|r| real.starts_with(r)) {
        return Err("it is outside the paths given".into());
    }
    std::fs::read_to_string(path).map_err(|e| crate::discover::io_message(&e))
}

/// A unified diff of one file, `a/` and `b/` prefixed as `git apply` reads
/// it; an absolute path is prefixed as git writes it (`a/tmp/p.json`).
fn unified(path: &str, old: &str, new: &str) -> String {
    let path = crate::escape::controls(path);
    let path = path.trim_start_matches('/');
    let diff = similar::TextDiff::from_lines(old, new);
    diff.unified_diff().context_radius(3).header(&format!("a/{path}"), &format!("b/{path}")).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceFile, Span};

    #[test]
    fn overlapping_fixes_wait_for_the_next_pass() {
        let src = SourceFile::new("p.json", "[\"a:X\", \"b:Y\"]");
        let fix = |start, end, text: &str| {
            Fix::new(Applicability::Safe, &src, vec![(Span::new(start, end), text.to_string())]).unwrap()
        };
        let (x, y, over, touching) = (fix(2, 5, "a:Z"), fix(9, 12, "b:Q"), fix(1, 6, "\"c\""), fix(5, 5, "!"));
        let mut all = vec![&y, &over, &x, &touching];
        let chosen = first_apart(&mut all);
        assert_eq!(chosen, [&over, &y], "the first of two overlapping, and the one apart");
        assert_eq!(apply(&src.text, &chosen), "[\"c\", \"b:Q\"]");
        // The next pass, on the text that pass left, applies what waited.
        let mut rest = vec![&x, &touching];
        assert_eq!(first_apart(&mut rest), [&x]);
    }

    #[test]
    fn fixes_that_undo_each_other_leave_the_file_as_it_was() {
        use crate::finding::Finding;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.json");
        let path_text = path.to_string_lossy().into_owned();
        let roots = vec![std::fs::canonicalize(dir.path()).unwrap()];
        let report_for = |text: &str, to: &str| {
            let src = SourceFile::new(path_text.clone(), text);
            let fix = Fix::new(Applicability::Safe, &src, vec![(Span::new(0, text.len()), to.to_string())]);
            let f = Finding::new(&crate::rules::service_wildcard::SERVICE_WILDCARD, &src, Span::new(0, 1), "x")
                .with_fix(fix);
            Report { findings: vec![f], ..Report::default() }
        };
        std::fs::write(&path, "\"a\"").unwrap();
        let mut outcome = Outcome::default();
        assert_eq!(pass(&report_for("\"a\"", "\"b\""), &roots, false, true, &mut outcome), 1);
        assert_eq!(pass(&report_for("\"b\"", "\"c\""), &roots, false, true, &mut outcome), 1);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "\"c\"");
        // A third pass would bring back "b": a cycle.
        assert_eq!(pass(&report_for("\"c\"", "\"b\""), &roots, false, true, &mut outcome), 0);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "\"a\"", "the file as it was read");
        assert_eq!(outcome.total(), 0);
        assert!(outcome.refused[&path_text].contains("undo each other"));
    }
}
