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

/// `rel` as written in `file` (a template's `CodeUri`, a module's
/// `source_dir`), from the working directory: joined to the file's
/// directory, `.` and `..` resolved. An absolute `rel` stays as it is.
pub fn join_relative(file: &str, rel: &str) -> String {
    let dir = Path::new(file).parent().unwrap_or(Path::new(""));
    let joined = normalize(&dir.join(rel));
    if joined.as_os_str().is_empty() {
        ".".to_string()
    } else {
        slashes(&joined)
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
