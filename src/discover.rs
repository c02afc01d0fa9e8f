//! Finding the files to lint: named files always, directories walked
//! (respecting `.gitignore`, skipping `.git/`, `.terraform/`, `node_modules/`,
//! `cdk.out/asset.*`), keeping the names the user will recognise.

use crate::source::Language;
use std::path::{Path, PathBuf};

/// A file to read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    /// The path shown in findings: as the user gave it, relative stays relative.
    pub display: String,
    pub path: PathBuf,
    /// Named on the command line (always linted) rather than found by a walk.
    pub explicit: bool,
}

/// A path that could not be walked.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct WalkError {
    pub path: String,
    pub message: String,
    /// The path itself was given by the user and does not exist: a usage error.
    pub missing_root: bool,
}

/// Directory names never entered.
const SKIPPED_DIRS: &[&str] = &[".git", ".terraform", "node_modules", ".hg", ".svn", "target", "__pycache__", ".venv"];

/// Whether a walked file's name makes it worth reading.
pub fn is_candidate_name(path: &Path) -> bool {
    let name = path.to_string_lossy();
    Language::from_path(&name).is_some()
}

/// Expands the user's paths into candidate files, sorted and without duplicates.
pub fn discover(paths: &[String], exclude: &globset::GlobSet) -> (Vec<Candidate>, Vec<WalkError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for root in paths {
        let root_path = Path::new(root);
        let meta = match std::fs::metadata(root_path) {
            Ok(m) => m,
            Err(e) => {
                errors.push(WalkError { path: root.clone(), message: io_message(&e), missing_root: true });
                continue;
            }
        };
        if !meta.is_dir() {
            files.push(Candidate { display: clean(root), path: root_path.to_path_buf(), explicit: true });
            continue;
        }
        let walker = ignore::WalkBuilder::new(root_path)
            .follow_links(false)
            .require_git(false)
            .filter_entry(|e| {
                let name = e.file_name().to_string_lossy();
                let is_dir = e.file_type().is_some_and(|t| t.is_dir());
                !(is_dir && (SKIPPED_DIRS.contains(&name.as_ref()) || name.starts_with("asset.")))
            })
            .build();
        for entry in walker {
            match entry {
                Ok(e) => {
                    if !e.file_type().is_some_and(|t| t.is_file()) || !is_candidate_name(e.path()) {
                        continue;
                    }
                    let display = clean(&e.path().to_string_lossy());
                    if exclude.is_match(&display) {
                        continue;
                    }
                    files.push(Candidate { display, path: e.path().to_path_buf(), explicit: false });
                }
                Err(e) => errors.push(WalkError {
                    path: error_path(&e).unwrap_or_else(|| root.clone()),
                    message: walk_message(&e),
                    missing_root: false,
                }),
            }
        }
    }
    files.sort();
    files.dedup_by(|a, b| a.display == b.display);
    errors.sort();
    errors.dedup();
    (files, errors)
}

/// `./infra/x.json` → `infra/x.json`; other paths stay as given.
fn clean(path: &str) -> String {
    let mut p = path;
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    if p.is_empty() {
        path.to_string()
    } else {
        p.to_string()
    }
}

fn error_path(e: &ignore::Error) -> Option<String> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(clean(&path.to_string_lossy())),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => error_path(err),
        ignore::Error::Loop { child, .. } => Some(clean(&child.to_string_lossy())),
        _ => None,
    }
}

fn walk_message(e: &ignore::Error) -> String {
    match e {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => walk_message(err),
        ignore::Error::Loop { ancestor, .. } => format!("symbolic link loop back to {}", ancestor.display()),
        ignore::Error::Io(io) => io_message(io),
        other => other.to_string(),
    }
}

/// An I/O error in a few lower-case words, without the OS error number.
pub fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "no such file or directory".into(),
        PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            s.split(" (os error").next().unwrap_or(&s).to_lowercase()
        }
    }
}
