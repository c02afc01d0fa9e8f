//! Paths as the user sees them: relative to the working directory or to a
//! configuration file, with `.` and `..` resolved, `/`-separated, the way
//! globs, baselines and reports name files.

use std::path::{Component, Path, PathBuf};

/// A directory that globs are relative to, and the working directory that
/// relative paths as shown start from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathBase {
    pub base: PathBuf,
    pub cwd: PathBuf,
}

impl PathBase {
    /// `display` (as shown: relative to the working directory, or absolute)
    /// relative to the base, with `/` separators; the absolute path when it is
    /// not under the base.
    pub fn relative(&self, display: &str) -> String {
        let abs = normalize(&self.cwd.join(display));
        let rel = match abs.strip_prefix(&self.base) {
            Ok(rel) => rel.to_path_buf(),
            Err(_) => abs,
        };
        slashes(&rel)
    }
}

/// A path with `.` and `..` resolved lexically (no file system access).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

pub fn slashes(p: &Path) -> String {
    let s = p.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '\\' {
        s.replace('\\', "/")
    } else {
        s.into_owned()
    }
}
