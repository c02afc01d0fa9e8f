//! The project's boundary: which files a linted file may make the run read.
//!
//! Terraform's `file()` and `templatefile()` name files by path, and the path
//! is the author's to choose: `file("/proc/self/environ")`, `../../.aws/credentials`,
//! a link inside the tree that points out of it. A linter run on a stranger's
//! pull request must not read those, or its report (and a baseline committed
//! from it) would carry the CI job's secrets. So a referenced file is read only
//! when, with every link resolved, it is a regular file inside the project: the
//! git work tree that holds the paths being linted, or the paths themselves
//! when there is no work tree. System trees (`/proc`, `/sys`, `/dev`) never are.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Trees that hold files of the running system, never project files.
const SYSTEM_TREES: &[&str] = &["/proc", "/sys", "/dev"];

/// The directories referenced files may be read from (canonical paths).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Boundary {
    roots: Vec<PathBuf>,
    held: Held,
}

/// The project's files held in memory (as they were at a git revision), by
/// absolute path: a file they hold is read from here, not from the disk,
/// whose copy may be another version or gone.
#[derive(Clone, Default, PartialEq, Eq)]
struct Held(Option<Arc<HashMap<PathBuf, Arc<str>>>>);

/// The texts are the project's files: a debug print names how many, not what.
impl std::fmt::Debug for Held {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Held({} files)", self.0.as_ref().map_or(0, |h| h.len()))
    }
}

/// What the boundary says of a referenced file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    /// Inside the project, a regular file: read this path (links resolved).
    Read(PathBuf),
    /// There is no such file: the reference stays unknown, as Terraform
    /// would fail on it before anything is deployed.
    Missing,
    /// Not to be read; says why, in words that name no content.
    Refused(&'static str),
}

impl Boundary {
    /// The project of each path linted: the git work tree that holds it, or
    /// the path itself (a file's directory) when none does. A path that does
    /// not exist (a name given to standard input) stands for the directory it
    /// would be in, or the current directory.
    pub fn around<P: AsRef<Path>>(paths: &[P]) -> Boundary {
        let mut roots: Vec<PathBuf> = Vec::new();
        for path in paths {
            let path = path.as_ref();
            let dir = match std::fs::canonicalize(path) {
                Ok(p) if p.is_dir() => Some(p),
                Ok(p) => p.parent().map(Path::to_path_buf),
                Err(_) => {
                    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
                    std::fs::canonicalize(parent).ok()
                }
            };
            let Some(dir) = dir else { continue };
            let root = work_tree(&dir).unwrap_or(dir);
            if !roots.contains(&root) {
                roots.push(root);
            }
        }
        Boundary { roots, held: Held::default() }
    }

    /// The same boundary, with these files (absolute paths and their texts)
    /// read from memory: a referenced file they hold is read from there.
    pub fn holding(self, files: HashMap<PathBuf, Arc<str>>) -> Boundary {
        Boundary { held: Held(Some(Arc::new(files))), ..self }
    }

    /// The path a file held in memory is known by, if it is one.
    fn held_key(&self, path: &Path) -> Option<PathBuf> {
        let held = self.held.0.as_ref()?;
        let cwd = std::env::current_dir().ok()?;
        let key = crate::paths::normalize(&cwd.join(path));
        held.contains_key(&key).then_some(key)
    }

    /// The path that names the file at `path` (the one [`Boundary::admit`]
    /// gives): a held file's absolute path, or the path on disk with every
    /// link resolved.
    pub fn key(&self, path: &Path) -> PathBuf {
        self.held_key(path).unwrap_or_else(|| std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
    }

    /// The text of an admitted file when it is held in memory (else it is
    /// read from the disk).
    pub fn held_text(&self, admitted: &Path) -> Option<String> {
        self.held.0.as_ref()?.get(admitted).map(|text| text.to_string())
    }

    /// True when no root is known (a configuration made by hand): the run
    /// works out its own from the paths it lints.
    pub fn is_unset(&self) -> bool {
        self.roots.is_empty()
    }

    /// Whether the file at `path` may be read. A file held in memory is a
    /// project file by construction, and is read from there.
    pub fn admit(&self, path: &Path) -> Admission {
        if let Some(key) = self.held_key(path) {
            return Admission::Read(key);
        }
        let Ok(resolved) = std::fs::canonicalize(path) else {
            return Admission::Missing;
        };
        if SYSTEM_TREES.iter().any(|t| resolved.starts_with(t)) {
            return Admission::Refused("a file of the running system");
        }
        if !self.roots.iter().any(|r| resolved.starts_with(r)) {
            return Admission::Refused("outside the project");
        }
        match std::fs::metadata(&resolved) {
            Ok(m) if m.is_file() => Admission::Read(resolved),
            Ok(_) => Admission::Refused("not a regular file"),
            Err(_) => Admission::Missing,
        }
    }
}

impl Boundary {
    /// Whether a directory is inside the project, every link resolved: a
    /// function's code directory is listed only then (`CodeUri: ../../`
    /// names a directory the run must not walk).
    pub fn contains_dir(&self, path: &Path) -> bool {
        let Ok(resolved) = std::fs::canonicalize(path) else { return false };
        !SYSTEM_TREES.iter().any(|t| resolved.starts_with(t)) && self.roots.iter().any(|r| resolved.starts_with(r))
    }
}

/// The nearest directory at or above `dir` that holds a `.git` (a directory,
/// or a file in a linked work tree or a submodule).
fn work_tree(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().find(|d| d.join(".git").exists()).map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_inside_are_read_and_files_outside_are_not() {
        let outer = tempfile::tempdir().unwrap();
        let project = outer.path().join("project");
        std::fs::create_dir_all(project.join("infra")).unwrap();
        std::fs::write(project.join("infra/policy.json"), "{}").unwrap();
        std::fs::write(outer.path().join("secret.txt"), "token").unwrap();
        let boundary = Boundary::around(&[project.join("infra")]);
        let inside = std::fs::canonicalize(project.join("infra/policy.json")).unwrap();
        assert_eq!(boundary.admit(&project.join("infra/../infra/policy.json")), Admission::Read(inside));
        assert_eq!(boundary.admit(&project.join("infra/../../secret.txt")), Admission::Refused("outside the project"));
        assert_eq!(boundary.admit(&project.join("infra/nothing.json")), Admission::Missing);
        assert_eq!(boundary.admit(Path::new("/proc/self/environ")), Admission::Refused("a file of the running system"));
        assert_eq!(boundary.admit(&project.join("infra")), Admission::Refused("not a regular file"));
    }

    #[test]
    fn the_work_tree_is_the_project() {
        let outer = tempfile::tempdir().unwrap();
        let repo = outer.path().join("repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::create_dir_all(repo.join("infra/modules/a")).unwrap();
        std::fs::create_dir_all(repo.join("policies")).unwrap();
        std::fs::write(repo.join("policies/p.json"), "{}").unwrap();
        let boundary = Boundary::around(&[repo.join("infra/modules/a")]);
        assert!(matches!(boundary.admit(&repo.join("infra/modules/a/../../../policies/p.json")), Admission::Read(_)));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_out_of_the_tree_is_outside() {
        let outer = tempfile::tempdir().unwrap();
        let project = outer.path().join("project");
        std::fs::create_dir_all(&project).unwrap();
        std::fs::write(outer.path().join("credentials"), "secret").unwrap();
        std::os::unix::fs::symlink(outer.path().join("credentials"), project.join("policy.json")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", project.join("zero.json")).unwrap();
        let boundary = Boundary::around(&[&project]);
        assert_eq!(boundary.admit(&project.join("policy.json")), Admission::Refused("outside the project"));
        assert_eq!(boundary.admit(&project.join("zero.json")), Admission::Refused("a file of the running system"));
    }
}
