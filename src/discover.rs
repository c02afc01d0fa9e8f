//! Finding the files to lint: named files always, directories walked in
//! parallel (respecting `.gitignore`, skipping `.git/`, `.terraform/`,
//! `node_modules/`, `cdk.out/asset.*`), keeping the names the user will recognise.
//!
//! A walk never opens anything but directories: FIFOs, sockets and devices are
//! skipped by their directory-entry type, and symbolic links are not followed
//! (a link to a file inside the scanned root would only lint that file a second
//! time; one pointing outside it is not the user's tree). `follow_links` turns
//! following on, with loops detected and reported. Every problem is reported
//! once, under the path where it was met, and the walk goes on.

use crate::source::Language;
use ignore::{DirEntry, ParallelVisitor, ParallelVisitorBuilder, WalkState};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A file to read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    /// The path shown in findings: as the user gave it, relative stays relative.
    /// Names that are not UTF-8 are shown lossily; `path` still opens the file.
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

/// How to walk.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Paths (as displayed) not to lint; a matching directory is not entered.
    pub exclude: globset::GlobSet,
    /// Follow symbolic links inside walked directories, wherever they point.
    pub follow_links: bool,
}

/// Directory names never entered.
const SKIPPED_DIRS: &[&str] = &[".git", ".terraform", "node_modules", ".hg", ".svn", "target", "__pycache__", ".venv"];

/// Whether a walked file's name makes it worth reading.
pub fn is_candidate_name(path: &Path) -> bool {
    path.file_name().is_some_and(|n| Language::from_path(&n.to_string_lossy()).is_some())
}

/// Expands the user's paths into candidate files, sorted and without duplicates.
pub fn discover(paths: &[String], exclude: &globset::GlobSet) -> (Vec<Candidate>, Vec<WalkError>) {
    discover_with(paths, &WalkOptions { exclude: exclude.clone(), follow_links: false })
}

/// [`discover`] with all the options.
pub fn discover_with(paths: &[String], options: &WalkOptions) -> (Vec<Candidate>, Vec<WalkError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut roots = Vec::new();
    for root in paths {
        let root_path = Path::new(root);
        // Named paths are followed when they are links: the user chose them.
        // `metadata` only stats; nothing is opened before we know it is a file.
        match std::fs::metadata(root_path) {
            Ok(m) if m.is_dir() => roots.push(root_path.to_path_buf()),
            Ok(m) if m.is_file() => {
                files.push(Candidate { display: clean(root), path: root_path.to_path_buf(), explicit: true })
            }
            Ok(m) => errors.push(WalkError {
                path: root.clone(),
                message: format!("{}, not a regular file; skipped", special_kind(&m.file_type())),
                missing_root: false,
            }),
            Err(e) => {
                let dangling = std::fs::symlink_metadata(root_path).is_ok_and(|m| m.file_type().is_symlink());
                let message = match (dangling, e.raw_os_error()) {
                    (_, Some(code)) if is_loop_errno(code) => "symbolic link loop".to_string(),
                    (true, _) => "broken symbolic link".to_string(),
                    _ => io_message(&e),
                };
                errors.push(WalkError { path: root.clone(), message, missing_root: !dangling });
            }
        }
    }
    if !roots.is_empty() {
        walk(&roots, options, &mut files, &mut errors);
    }
    files.sort();
    // The same name twice (overlapping roots, a file named and walked): keep
    // one, explicit if either was.
    files.dedup_by(|later, kept| {
        let same = later.display == kept.display;
        kept.explicit |= same && later.explicit;
        same
    });
    if options.follow_links {
        dedup_by_identity(&mut files);
    }
    errors.sort();
    errors.dedup_by(|a, b| a.path == b.path);
    (files, errors)
}

/// Walks the directories on all cores.
fn walk(roots: &[PathBuf], options: &WalkOptions, files: &mut Vec<Candidate>, errors: &mut Vec<WalkError>) {
    let mut builder = ignore::WalkBuilder::new(&roots[0]);
    for r in &roots[1..] {
        builder.add(r);
    }
    let exclude = options.exclude.clone();
    builder
        .hidden(false)
        .follow_links(options.follow_links)
        .require_git(false)
        .filter_entry(move |e| keep_entry(e, &exclude));
    let sink = Mutex::new((Vec::new(), Vec::new()));
    let mut collector = Collector { sink: &sink, exclude: &options.exclude };
    builder.build_parallel().visit(&mut collector);
    let (mut f, mut e) = sink.into_inner().unwrap_or_else(|p| p.into_inner());
    files.append(&mut f);
    errors.append(&mut e);
}

/// Whether the walk looks at an entry at all (and, for a directory, enters it).
fn keep_entry(e: &DirEntry, exclude: &globset::GlobSet) -> bool {
    if e.depth() == 0 {
        return true;
    }
    let is_dir = e.file_type().is_some_and(|t| t.is_dir());
    if !is_dir {
        return is_candidate_name(e.path());
    }
    let name = e.file_name().to_string_lossy();
    if SKIPPED_DIRS.contains(&name.as_ref()) {
        return false;
    }
    if name.starts_with("asset.") && e.path().parent().and_then(Path::file_name).is_some_and(|p| p == "cdk.out") {
        return false;
    }
    exclude.is_empty() || !exclude.is_match(clean(&e.path().to_string_lossy()))
}

struct Collector<'a> {
    sink: &'a Mutex<(Vec<Candidate>, Vec<WalkError>)>,
    exclude: &'a globset::GlobSet,
}

impl<'s> ParallelVisitorBuilder<'s> for Collector<'s> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(Visitor { sink: self.sink, exclude: self.exclude, files: Vec::new(), errors: Vec::new() })
    }
}

/// One walker thread's findings, handed over when the thread is done.
struct Visitor<'a> {
    sink: &'a Mutex<(Vec<Candidate>, Vec<WalkError>)>,
    exclude: &'a globset::GlobSet,
    files: Vec<Candidate>,
    errors: Vec<WalkError>,
}

impl ParallelVisitor for Visitor<'_> {
    fn visit(&mut self, entry: Result<DirEntry, ignore::Error>) -> WalkState {
        match entry {
            // Only regular files: links (when not followed), FIFOs, sockets and
            // devices are skipped on their directory-entry type, never opened.
            Ok(e) => {
                if e.file_type().is_some_and(|t| t.is_file()) && is_candidate_name(e.path()) {
                    let display = clean(&e.path().to_string_lossy());
                    if self.exclude.is_empty() || !self.exclude.is_match(&display) {
                        self.files.push(Candidate { display, path: e.into_path(), explicit: false });
                    }
                }
            }
            Err(e) => self.error(&e),
        }
        WalkState::Continue
    }
}

impl Visitor<'_> {
    fn error(&mut self, e: &ignore::Error) {
        match e {
            ignore::Error::Partial(errs) => errs.iter().for_each(|e| self.error(e)),
            // A bad pattern in someone's `.gitignore` is not ours to report (git skips it too).
            ignore::Error::Glob { .. } | ignore::Error::WithLineNumber { .. } => {}
            _ => {
                let path = error_path(e);
                let message = walk_message(e);
                // A broken link (when following) only matters if its name is one we would read.
                if message == "broken symbolic link" && !path.as_deref().is_some_and(|p| is_candidate_name(p)) {
                    return;
                }
                let path = path.map_or_else(|| "<walk>".to_string(), |p| clean(&p.to_string_lossy()));
                self.errors.push(WalkError { path, message, missing_root: false });
            }
        }
    }
}

impl Drop for Visitor<'_> {
    fn drop(&mut self) {
        let mut sink = self.sink.lock().unwrap_or_else(|p| p.into_inner());
        sink.0.append(&mut self.files);
        sink.1.append(&mut self.errors);
    }
}

/// When links are followed, one file can be reached under several names:
/// keep the first name (in sorted order) of each file.
fn dedup_by_identity(files: &mut Vec<Candidate>) {
    let mut seen = std::collections::HashSet::new();
    files.retain(|c| match file_id(&c.path) {
        Some(id) => seen.insert(id),
        None => true,
    });
}

#[cfg(unix)]
fn file_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(path).ok()
}

/// `./infra/x.json` → `infra/x.json`; other paths stay as given.
fn clean(path: &str) -> String {
    let mut p = path;
    while let Some(rest) = p.strip_prefix("./") {
        p = rest.trim_start_matches('/');
    }
    if p.is_empty() {
        path.to_string()
    } else {
        p.to_string()
    }
}

fn error_path(e: &ignore::Error) -> Option<PathBuf> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => error_path(err),
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

fn walk_message(e: &ignore::Error) -> String {
    match e {
        ignore::Error::WithPath { err, path } => {
            if matches!(err.io_error().map(std::io::Error::kind), Some(std::io::ErrorKind::NotFound))
                && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
            {
                return "broken symbolic link".into();
            }
            walk_message(err)
        }
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => walk_message(err),
        ignore::Error::Loop { ancestor, .. } => {
            format!("symbolic link loop back to {}; not followed", clean(&ancestor.to_string_lossy()))
        }
        ignore::Error::Io(io) if io.raw_os_error().is_some_and(is_loop_errno) => "symbolic link loop".into(),
        ignore::Error::Io(io) => io_message(io),
        other => other.to_string(),
    }
}

/// `ELOOP`: too many levels of symbolic links.
fn is_loop_errno(code: i32) -> bool {
    #[cfg(unix)]
    {
        code == libc::ELOOP
    }
    #[cfg(not(unix))]
    {
        let _ = code;
        false
    }
}

/// What a file that is neither a regular file nor a directory is.
fn special_kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        } else if t.is_socket() {
            return "a socket";
        } else if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    let _ = t;
    "a special file"
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_drops_leading_dot_slashes_only() {
        assert_eq!(clean("./infra/x.json"), "infra/x.json");
        assert_eq!(clean(".//a.json"), "a.json");
        assert_eq!(clean("."), ".");
        assert_eq!(clean("../x.json"), "../x.json");
        assert_eq!(clean("/abs/x.json"), "/abs/x.json");
    }

    #[test]
    fn candidate_names_are_judged_by_the_file_name() {
        assert!(is_candidate_name(Path::new("a/b.tf")));
        assert!(is_candidate_name(Path::new("x.template.json")));
        assert!(!is_candidate_name(Path::new("a.json/README")));
    }
}
