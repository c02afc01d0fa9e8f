//! The project as it was at a git revision, read from the repository's object
//! store (never checked out over the work tree): `policy-lint diff BASE`.
//!
//! Only the files a walk would read are taken (the names [`crate::discover`]
//! reads), under the paths given, with the names the walk of the work tree
//! gives them, so that the two readings name each file alike.

use std::path::{Path, PathBuf};

/// One file of the revision.
#[derive(Debug, Clone)]
pub struct RevisionFile {
    /// Where it would be in the work tree.
    pub path: PathBuf,
    /// As a walk from the working directory names it (`infra/role.tf`).
    pub display: String,
    pub text: String,
}

/// Why a revision could not be read. Each is a usage error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitError(pub String);

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The files of revision `rev` under `paths` (relative to `cwd`, `.` for all),
/// from the repository that holds `cwd`. Files larger than `max_size`, and
/// those that are not UTF-8, are left out and named in the second list.
pub fn read_revision(
    cwd: &Path,
    rev: &str,
    paths: &[String],
    max_size: u64,
) -> Result<(Vec<RevisionFile>, Vec<String>), GitError> {
    let repo = gix::discover(cwd).map_err(|e| GitError(format!("no git repository here: {e}")))?;
    let workdir = repo
        .workdir()
        .map(Path::to_path_buf)
        .ok_or_else(|| GitError("the repository is bare: `diff` compares a revision with the work tree".into()))?;
    let id = repo
        .rev_parse_single(rev)
        .map_err(|e| GitError(format!("`{rev}` is not a revision of this repository: {e}")))?;
    let object = id.object().map_err(|e| GitError(format!("cannot read `{rev}`: {e}")))?;
    let tree = object.peel_to_tree().map_err(|e| GitError(format!("`{rev}` names no commit or tree: {e}")))?;
    let mut recorder = gix::traverse::tree::Recorder::default();
    tree.traverse()
        .breadthfirst(&mut recorder)
        .map_err(|e| GitError(format!("cannot read the tree of `{rev}`: {e}")))?;
    // The working directory, relative to the repository's root: only the
    // files under it are read, named relative to it.
    let cwd_abs = crate::paths::normalize(&std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf()));
    let root = crate::paths::normalize(&std::fs::canonicalize(&workdir).unwrap_or(workdir));
    let prefix = cwd_abs.strip_prefix(&root).map(Path::to_path_buf).unwrap_or_default();
    let prefix = prefix.to_string_lossy().replace('\\', "/");
    let selected: Vec<String> = paths
        .iter()
        .map(|p| p.trim_start_matches("./").trim_end_matches('/').to_string())
        .map(|p| if p == "." { String::new() } else { p })
        .collect();
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for entry in recorder.records {
        if !entry.mode.is_blob() {
            continue;
        }
        let repo_path = String::from_utf8_lossy(&entry.filepath).into_owned();
        let display = if prefix.is_empty() {
            repo_path.clone()
        } else {
            match repo_path.strip_prefix(&format!("{prefix}/")) {
                Some(rest) => rest.to_string(),
                None => continue,
            }
        };
        if !selected.iter().any(|s| s.is_empty() || display == *s || display.starts_with(&format!("{s}/"))) {
            continue;
        }
        let path = root.join(&repo_path);
        if !crate::discover::is_candidate_name(Path::new(&display)) {
            continue;
        }
        let object =
            repo.find_object(entry.oid).map_err(|e| GitError(format!("cannot read `{display}` at `{rev}`: {e}")))?;
        if object.data.len() as u64 > max_size {
            skipped.push(format!("{display}: larger than the limit of {max_size} bytes"));
            continue;
        }
        match String::from_utf8(object.detach().data) {
            Ok(text) => files.push(RevisionFile { path, display, text }),
            Err(_) => skipped.push(format!("{display}: not UTF-8 text")),
        }
    }
    files.sort_by(|a, b| a.display.cmp(&b.display));
    Ok((files, skipped))
}
