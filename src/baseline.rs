//! Baselines: record today's findings (`--write-baseline FILE`) and report
//! only new ones later (`--baseline FILE`), so a team can adopt the linter on
//! a large repository and fail CI only on what changes.
//!
//! A finding is keyed on its rule, its path and the text of the element it
//! points at (the source under its span, whitespace collapsed), plus its
//! occurrence among identical keys in the file. Line numbers are left out on
//! purpose: lines inserted elsewhere in the file do not bring a finding back.
//! The same key gives SARIF results their `partialFingerprints`.

use crate::finding::Finding;
use crate::paths::PathBase;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The baseline file format's version.
const VERSION: u32 = 1;

/// What identifies a finding across edits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Key {
    pub rule: String,
    pub path: String,
    /// The element's text, whitespace collapsed (the message when the span is empty).
    pub text: String,
}

/// One recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
struct Entry {
    rule: String,
    /// Relative to the baseline file's directory, `/`-separated.
    path: String,
    text: String,
    /// Which of the findings with this rule, path and text (0 = first in the file).
    #[serde(default)]
    index: usize,
    /// For people reading the file; not part of the key.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    message: String,
}

#[derive(Serialize, Deserialize)]
struct Document {
    version: u32,
    findings: Vec<Entry>,
}

/// A loaded baseline: how many findings of each key it accepts.
#[derive(Debug, Clone)]
pub struct Baseline {
    counts: HashMap<Key, usize>,
    base: PathBase,
}

/// The element text of a finding: its source text with runs of whitespace
/// collapsed to one space, or the message when the span is empty.
pub fn element_text(f: &Finding) -> String {
    if let Some(element) = &f.element {
        return element.to_string();
    }
    let text = f.source.slice(f.span);
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.is_empty() {
        f.message.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        collapsed
    }
}

/// Each finding's key (with its path made by `path`) and occurrence index, in
/// the order given (findings sorted by position give document order).
pub fn keys(findings: &[Finding], path: impl Fn(&str) -> String) -> Vec<(Key, usize)> {
    let keys: Vec<Key> = findings
        .iter()
        .map(|f| Key { rule: f.rule.to_string(), path: path(&f.source.path), text: element_text(f) })
        .collect();
    // Counted through references: each key is held once, however many findings.
    let mut seen: HashMap<&Key, usize> = HashMap::new();
    let occurrences: Vec<usize> = keys
        .iter()
        .map(|key| {
            let n = seen.entry(key).or_default();
            *n += 1;
            *n - 1
        })
        .collect();
    drop(seen);
    keys.into_iter().zip(occurrences).collect()
}

fn base_for(file: &Path, cwd: &Path) -> PathBase {
    let abs = crate::paths::normalize(&cwd.join(file));
    PathBase { base: abs.parent().map(Path::to_path_buf).unwrap_or_default(), cwd: cwd.to_path_buf() }
}

impl Baseline {
    /// Reads a baseline file, no larger than `max` bytes (`max-file-size`:
    /// the file may come with the pull request); `cwd` is what the paths of
    /// findings are relative to.
    pub fn load(file: &Path, cwd: &Path, max: u64) -> Result<Baseline, String> {
        let text = crate::load::read_text(file, max).map_err(|e| match e {
            crate::load::LoadError::TooLarge { .. } => {
                format!("cannot read the baseline: {e} (set `max-file-size` to raise it)")
            }
            _ => format!("cannot read the baseline: {e}"),
        })?;
        let doc: Document = serde_json::from_str(&text).map_err(|e| format!("not a policy-lint baseline file: {e}"))?;
        if doc.version != VERSION {
            return Err(format!("baseline version {} is not supported (expected {VERSION})", doc.version));
        }
        let mut counts = HashMap::new();
        for e in doc.findings {
            *counts.entry(Key { rule: e.rule, path: e.path, text: e.text }).or_default() += 1;
        }
        Ok(Baseline { counts, base: base_for(file, cwd) })
    }

    /// An empty baseline relative to a directory (for tests and embedding).
    pub fn empty(base: PathBuf, cwd: PathBuf) -> Baseline {
        Baseline { counts: HashMap::new(), base: PathBase { base, cwd } }
    }

    /// How many findings it records.
    pub fn len(&self) -> usize {
        self.counts.values().sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The findings that are not in the baseline. `findings` must be sorted by
    /// position, so that identical findings are matched in document order.
    pub fn filter(&self, findings: Vec<Finding>) -> Vec<Finding> {
        self.filter_counting(findings).0
    }

    /// [`Baseline::filter`], and what the baseline did: how many findings it
    /// hid, and how many of its entries matched no finding (fixed since, or
    /// in files this run did not lint), so the file can shrink.
    pub fn filter_counting(&self, findings: Vec<Finding>) -> (Vec<Finding>, Applied) {
        let keys = keys(&findings, |p| self.base.relative(p));
        let mut matched: HashMap<&Key, usize> = HashMap::new();
        let mut kept = Vec::with_capacity(findings.len());
        for (f, (key, index)) in findings.into_iter().zip(&keys) {
            let recorded = self.counts.get(key).copied().unwrap_or(0);
            if *index < recorded {
                *matched.entry(key).or_default() += 1;
            } else {
                kept.push(f);
            }
        }
        let hidden: usize = matched.values().sum();
        (kept, Applied { hidden, unmatched: self.len() - hidden })
    }
}

/// What a baseline did to a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    /// Findings it hid.
    pub hidden: usize,
    /// Entries that matched no finding.
    pub unmatched: usize,
}

/// Writes the findings as a baseline file; returns how many it recorded.
pub fn write(file: &Path, cwd: &Path, findings: &[Finding]) -> std::io::Result<usize> {
    let base = base_for(file, cwd);
    let mut entries: Vec<Entry> = keys(findings, |p| base.relative(p))
        .into_iter()
        .zip(findings)
        .map(|((k, index), f)| Entry {
            rule: k.rule,
            path: k.path,
            text: k.text,
            index,
            message: crate::finding::one_line(&f.message).into_owned(),
        })
        .collect();
    entries.sort();
    let n = entries.len();
    let doc = Document { version: VERSION, findings: entries };
    let mut text = serde_json::to_string_pretty(&doc).map_err(std::io::Error::other)?;
    text.push('\n');
    replace_file(file, text.as_bytes())?;
    Ok(n)
}

/// Writes `file` whole or not at all: into a temporary file in its directory,
/// then renamed over it, so a reader never sees it half-written. A file
/// replaced keeps its permissions and its owner (`--fix` rewrites the user's
/// files too, maybe as root); when the owner cannot be kept, it is not written.
pub fn replace_file(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = file.file_name().map_or_else(Default::default, |n| n.to_string_lossy().into_owned());
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    // `create_new`: never through a link or over a file someone planted there.
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&temp)?;
    let old = std::fs::metadata(file).ok();
    let written = f
        .write_all(bytes)
        .and_then(|()| old.as_ref().map_or(Ok(()), |m| keep_owner(&f, m)))
        .and_then(|()| old.as_ref().map_or(Ok(()), |m| f.set_permissions(m.permissions())))
        .and_then(|()| f.sync_all())
        .and_then(|()| std::fs::rename(&temp, file));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// Gives the new file the owner and group of the one it replaces (a
/// change only when they differ: creating it made it ours).
#[cfg(unix)]
fn keep_owner(new: &std::fs::File, old: &std::fs::Metadata) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let ours = new.metadata()?;
    if (ours.uid(), ours.gid()) == (old.uid(), old.gid()) {
        return Ok(());
    }
    std::os::unix::fs::fchown(new, Some(old.uid()), Some(old.gid()))
}

#[cfg(not(unix))]
fn keep_owner(_: &std::fs::File, _: &std::fs::Metadata) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::unknown_action::UNKNOWN_ACTION;
    use crate::source::{SourceFile, Span};

    fn finding(text: &str, needle: &str, nth: usize) -> (Finding, crate::source::Source) {
        let src = SourceFile::new("p.json", text);
        let start = text.match_indices(needle).nth(nth).unwrap().0;
        (Finding::new(&UNKNOWN_ACTION, &src, Span::new(start, start + needle.len()), "m"), src)
    }

    #[test]
    fn survives_lines_inserted_above_and_counts_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let cwd = dir.path();
        let old = "{\n \"Action\": [\"a:X\", \"a:X\"]\n}";
        let found: Vec<Finding> = (0..2).map(|i| finding(old, "\"a:X\"", i).0).collect();
        let file = cwd.join("baseline.json");
        assert_eq!(write(&file, cwd, &found).unwrap(), 2);
        let b = Baseline::load(&file, cwd, 1 << 20).unwrap();
        assert_eq!(b.len(), 2);
        let new = "\n\n{\n  \"Action\": [\n \"a:X\",\n \"a:X\", \"a:X\"]\n}";
        let now: Vec<Finding> = (0..3).map(|i| finding(new, "\"a:X\"", i).0).collect();
        let (left, applied) = b.filter_counting(now);
        assert_eq!(left.len(), 1, "one new duplicate");
        assert_eq!(applied, Applied { hidden: 2, unmatched: 0 });
        let (_, applied) = b.filter_counting(vec![finding(new, "\"a:X\"", 0).0]);
        assert_eq!(applied, Applied { hidden: 1, unmatched: 1 }, "one entry fixed since");
        assert_eq!(left[0].source.position(left[0].span.start).line, 6);
    }

    #[test]
    fn whitespace_is_collapsed_and_empty_spans_use_the_message() {
        let (f, _) = finding("[\"a\",\n     \"b\"]", "[\"a\",\n     \"b\"]", 0);
        assert_eq!(element_text(&f), "[\"a\", \"b\"]");
        let src = SourceFile::new("p.json", "");
        let f = Finding::new(&UNKNOWN_ACTION, &src, Span::default(), "the file is empty");
        assert_eq!(element_text(&f), "the file is empty");
    }
}
