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

/// The files of revision `rev` under `paths` (relative to `cwd` or absolute;
/// `.` for all), from the repository that holds the first of them. Files
/// larger than `max_size`, and those that are not UTF-8, are left out and
/// named in the second list.
pub fn read_revision(
    cwd: &Path,
    rev: &str,
    paths: &[String],
    max_size: u64,
) -> Result<(Vec<RevisionFile>, Vec<String>), GitError> {
    let absolute = |p: &str| crate::paths::normalize(&cwd.join(p));
    // The repository is found from the first path (or the nearest of its
    // parents that exists: BASE may have a directory the work tree deleted).
    let mut start = absolute(paths.first().map_or(".", String::as_str));
    while !start.is_dir() {
        if !start.pop() {
            start = cwd.to_path_buf();
            break;
        }
    }
    let repo = gix::discover(&start).map_err(|e| GitError(format!("no git repository at {}: {e}", start.display())))?;
    let workdir = repo
        .workdir()
        .map(Path::to_path_buf)
        .ok_or_else(|| GitError("the repository is bare: `diff` compares a revision with the work tree".into()))?;
    // A repository without commits has no revision at all: say so, not that the name is malformed.
    if repo.head_id().is_err() && repo.references().is_ok_and(|r| r.all().is_ok_and(|mut all| all.next().is_none())) {
        return Err(GitError(format!(
            "`{rev}` is not a revision: the repository has no commits yet (commit BASE first, then compare)"
        )));
    }
    let id = repo
        .rev_parse_single(rev)
        .map_err(|e| GitError(format!("`{rev}` is not a revision of this repository: {e}")))?;
    let object = id.object().map_err(|e| GitError(format!("cannot read `{rev}`: {e}")))?;
    let tree = object.peel_to_tree().map_err(|e| GitError(format!("`{rev}` names no commit or tree: {e}")))?;
    let mut recorder = gix::traverse::tree::Recorder::default();
    tree.traverse()
        .breadthfirst(&mut recorder)
        .map_err(|e| GitError(format!("cannot read the tree of `{rev}`: {e}")))?;
    let root = std::fs::canonicalize(&workdir).unwrap_or(workdir);
    // Each path given: where it is in the repository, and how a walk of it names files.
    let selected: Vec<(String, String)> = paths
        .iter()
        .filter_map(|p| {
            let abs = absolute(p);
            let abs = canonical_prefix(&abs);
            let inside = abs.strip_prefix(&root).ok()?.to_string_lossy().replace('\\', "/");
            let mut shown = p.as_str();
            while let Some(rest) = shown.strip_prefix("./") {
                shown = rest.trim_start_matches('/');
            }
            let shown = shown.trim_end_matches('/');
            let shown = if shown == "." { "" } else { shown };
            Some((inside, shown.to_string()))
        })
        .collect();
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for entry in recorder.records {
        if !entry.mode.is_blob() {
            continue;
        }
        let repo_path = String::from_utf8_lossy(&entry.filepath).into_owned();
        let Some(display) = selected.iter().find_map(|(inside, shown)| shown_as(&repo_path, inside, shown)) else {
            continue;
        };
        if !crate::discover::is_candidate_name(Path::new(&display)) {
            continue;
        }
        let object =
            repo.find_object(entry.oid).map_err(|e| GitError(format!("cannot read `{display}` at `{rev}`: {e}")))?;
        if object.data.len() as u64 > max_size {
            skipped.push(format!("{display}: larger than the limit of {max_size} bytes"));
            continue;
        }
        let path = PathBuf::from(&display);
        match String::from_utf8(object.detach().data) {
            Ok(text) => files.push(RevisionFile { path, display, text }),
            Err(_) => skipped.push(format!("{display}: not UTF-8 text")),
        }
    }
    files.sort_by(|a, b| a.display.cmp(&b.display));
    Ok((files, skipped))
}

/// The path with its longest existing prefix resolved (links, `/tmp` →
/// `/private/tmp`), the rest kept as written: a path BASE has and the work
/// tree deleted still maps into the repository.
fn canonical_prefix(path: &Path) -> PathBuf {
    let mut head = path.to_path_buf();
    let mut rest = Vec::new();
    loop {
        if let Ok(c) = std::fs::canonicalize(&head) {
            let mut out = c;
            out.extend(rest.iter().rev());
            return out;
        }
        match (head.file_name().map(|n| n.to_os_string()), head.pop()) {
            (Some(name), true) => rest.push(name),
            _ => return path.to_path_buf(),
        }
    }
}

/// How a walk of the path given as `shown` (at `inside` in the repository)
/// names the file at `repo_path`, or `None` when the path does not hold it.
fn shown_as(repo_path: &str, inside: &str, shown: &str) -> Option<String> {
    let rest = if inside.is_empty() {
        repo_path
    } else if repo_path == inside {
        return Some(if shown.is_empty() { repo_path.rsplit('/').next()?.to_string() } else { shown.to_string() });
    } else {
        repo_path.strip_prefix(inside)?.strip_prefix('/')?
    };
    Some(if shown.is_empty() { rest.to_string() } else { format!("{shown}/{rest}") })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_named_as_a_walk_of_the_path_given_names_them() {
        assert_eq!(shown_as("infra/a.tf", "", "").as_deref(), Some("infra/a.tf"));
        assert_eq!(shown_as("infra/a.tf", "infra", "infra").as_deref(), Some("infra/a.tf"));
        assert_eq!(shown_as("infra/a.tf", "infra", "").as_deref(), Some("a.tf"));
        assert_eq!(shown_as("infra/a.tf", "infra", "/abs/infra").as_deref(), Some("/abs/infra/a.tf"));
        assert_eq!(shown_as("infra/a.tf", "infra/a.tf", "infra/a.tf").as_deref(), Some("infra/a.tf"));
        assert_eq!(shown_as("infrastructure/a.tf", "infra", "infra"), None);
        assert_eq!(shown_as("other/a.tf", "infra", "infra"), None);
    }
}
