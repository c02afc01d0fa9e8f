//! Linting text held in memory: an editor's unsaved buffer read with the rest
//! of its project on disk ([`lint_overlay`]), or a whole project as it was at
//! a git revision ([`lint_memory`]). The text goes through the same pipeline
//! as a file read from disk, so it gets exactly the findings the same text
//! saved would get.
//!
//! A policy file that a Terraform `file()` names is read from memory when the
//! files held there include it ([`crate::boundary::Boundary::holding`]), from
//! disk otherwise; the functions' code is read from disk.

use super::{finish, lint_in_project, lint_unit, units_of, Mode};
use crate::config::Config;
use crate::discover::Candidate;
use crate::outcome::Report;
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

/// A file's text held in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryFile {
    /// Where the file is (or would be) on disk: it picks the file's unit
    /// (its Terraform module) and the file it stands in for.
    pub path: PathBuf,
    /// The name findings show.
    pub display: String,
    pub text: String,
}

impl MemoryFile {
    /// A file shown under the path it is at.
    pub fn new(path: &str, text: impl Into<String>) -> Self {
        Self { path: PathBuf::from(path), display: path.trim_start_matches("./").to_string(), text: text.into() }
    }
}

/// Lints the project under `root` as it is on disk, except that each file of
/// `overlay` is read from memory (and added when it is not on disk), and
/// reports on the files under `paths` only.
pub fn lint_overlay(root: &str, paths: &[String], overlay: Vec<MemoryFile>, config: &Config) -> Report {
    let mut roots: Vec<&str> = paths.iter().map(String::as_str).collect();
    roots.push(root);
    let boundary = super::bounded(config, &roots).boundary.clone().holding(held(&overlay));
    let config = &Config { project_root: Some(root.to_string()), boundary, ..config.clone() };
    let mode = if config.require.is_empty() && config.forbid.is_empty() { Mode::Units } else { Mode::WholeProject };
    lint_in_project(root, paths, config, mode, &overlay)
        .or_else(|| lint_in_project(root, paths, config, Mode::WholeProject, &overlay))
        .unwrap_or_default()
}

/// The files' texts by absolute path, for the boundary to read a file that
/// `file()` names from memory when it is one of them (the disk may have
/// another version of it, or none).
fn held(files: &[MemoryFile]) -> std::collections::HashMap<PathBuf, Arc<str>> {
    let cwd = std::env::current_dir().unwrap_or_default();
    files.iter().map(|f| (crate::paths::normalize(&cwd.join(&f.path)), Arc::from(f.text.as_str()))).collect()
}

/// Lints a project held in memory only: nothing of it is read from disk.
/// With `keep_model` the report keeps every policy and the project index, as
/// [`super::lint_with_model`] does.
pub fn lint_memory(files: Vec<MemoryFile>, config: &Config, keep_model: bool) -> Report {
    let mut dirs: Vec<String> = files
        .iter()
        .map(|f| f.path.parent().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default())
        .map(|d| if d.is_empty() { ".".to_string() } else { d })
        .collect();
    dirs.sort();
    dirs.dedup();
    let roots: Vec<&str> = dirs.iter().map(String::as_str).collect();
    let boundary = super::bounded(config, &roots).boundary.clone().holding(held(&files));
    let config = &Config { boundary, ..config.clone() };
    let candidates: Vec<Candidate> = files
        .into_iter()
        .map(|f| Candidate { display: f.display, path: f.path, explicit: false, text: Some(f.text) })
        .collect();
    let run = |candidates: Vec<Candidate>, mode: Mode| {
        let units = units_of(candidates).into_par_iter().map(|u| lint_unit(u, config, mode)).collect();
        finish(units, Vec::new(), config, mode)
    };
    if keep_model || !config.require.is_empty() || !config.forbid.is_empty() {
        return run(candidates, Mode::WholeProject).unwrap_or_default();
    }
    // A service control policy needs the project read as one: kept for that.
    run(candidates.clone(), Mode::Units).or_else(|| run(candidates, Mode::WholeProject)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A handler, its permission for Chime and its SIP media application, in one file.
    const ONE_FILE: &str = include_str!("../../fixtures/sma-lambda-permission-missing/silent/with-permission.tf");

    /// The fixture as a module of two files: the permission in a file of its own.
    fn split() -> (String, String) {
        let at = ONE_FILE.find("resource \"aws_lambda_permission\"").unwrap();
        let end = ONE_FILE.find("resource \"aws_chimesdkvoice_sip_media_application\"").unwrap();
        (format!("{}{}", &ONE_FILE[..at], &ONE_FILE[end..]), ONE_FILE[at..end].to_string())
    }

    fn found(report: &Report) -> Vec<String> {
        report.findings.iter().map(|f| format!("{}:{}:{}", f.source.path, f.rule, f.start.line)).collect()
    }

    /// Files that exist nowhere on disk are one Terraform module together.
    #[test]
    fn a_module_in_memory_is_read_as_one() {
        let config = Config::default();
        let (main, permission) = split();
        let both = vec![
            MemoryFile::new("in-memory/infra/main.tf", &*main),
            MemoryFile::new("in-memory/infra/p.tf", permission),
        ];
        assert_eq!(found(&lint_memory(both, &config, false)), Vec::<String>::new());
        let alone = vec![MemoryFile::new("in-memory/infra/main.tf", &*main)];
        let line = main[..main.find("resource \"aws_chimesdkvoice").unwrap()].lines().count() + 1;
        let expected = [format!("in-memory/infra/main.tf:sma-lambda-permission-missing:{line}")];
        assert_eq!(found(&lint_memory(alone.clone(), &config, false)), expected);
        assert_eq!(found(&lint_memory(alone, &config, true)), expected);
    }
}
