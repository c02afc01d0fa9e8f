//! Finding the files to lint: named files always, directories walked
//! (respecting `.gitignore`, skipping `.git/`, `.terraform/`, `node_modules/`,
//! `cdk.out/asset.*`), keeping the names the user will recognise. The walk
//! hands each file over as soon as it meets it, so the linting (on all cores,
//! in [`crate::lint`](mod@crate::lint)) overlaps the walk.
//!
//! A walk never opens anything but directories: FIFOs, sockets and devices are
//! skipped by their directory-entry type, and symbolic links are not followed
//! (a link to a file inside the scanned root would only lint that file a second
//! time; one pointing outside it is not the user's tree). `follow_links` turns
//! following on, with loops detected and reported. Every problem is reported
//! once, under the path where it was met, and the walk goes on.

use crate::source::Language;
use ignore::DirEntry;
use std::path::{Path, PathBuf};

/// A file to read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    /// The path shown in findings: as the user gave it, relative stays relative.
    /// Names that are not UTF-8 are shown lossily; `path` still opens the file.
    pub display: String,
    pub path: PathBuf,
    /// Named on the command line (always linted) rather than found by a walk.
    pub explicit: bool,
    /// The file's text when it is held in memory (an editor's unsaved
    /// buffer, a file of a git revision): read instead of `path`.
    pub text: Option<String>,
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
    // Asked twice of every file the walk meets. On Unix the path's bytes are
    // read in place: a path that does not end in `/` or `.` ends with its
    // name, and only the name's ASCII suffix counts, so there is no need to
    // split the path into components or to check it as UTF-8.
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bytes = path.as_os_str().as_bytes();
        if !matches!(bytes.last(), Some(b'/' | b'.')) {
            return Language::from_name(bytes).is_some();
        }
    }
    path.file_name().is_some_and(|n| Language::from_name(n.as_encoded_bytes()).is_some())
}

/// Expands the user's paths into candidate files, sorted and without duplicates.
pub fn discover(paths: &[String], exclude: &globset::GlobSet) -> (Vec<Candidate>, Vec<WalkError>) {
    discover_with(paths, &WalkOptions { exclude: exclude.clone(), follow_links: false })
}

/// [`discover`] with all the options.
pub fn discover_with(paths: &[String], options: &WalkOptions) -> (Vec<Candidate>, Vec<WalkError>) {
    let (mut files, roots, mut errors) = named(paths);
    if !roots.is_empty() {
        let mut e = walk_each(&roots, options, &mut |c| files.push(c));
        errors.append(&mut e);
    }
    // The same name twice (overlapping roots, a file named and walked): the
    // first one met, named before walked; with links followed, the same file
    // under two names likewise.
    let mut names = std::collections::HashSet::new();
    let mut identities = std::collections::HashSet::new();
    files.retain(|c| {
        names.insert(c.display.clone())
            && (!options.follow_links || file_id(&c.path).is_none_or(|id| identities.insert(id)))
    });
    files.sort();
    sort_errors(&mut errors);
    (files, errors)
}

/// Sorted, one per path.
pub fn sort_errors(errors: &mut Vec<WalkError>) {
    errors.sort();
    errors.dedup_by(|a, b| a.path == b.path);
}

/// The paths as given: named files (as candidates, without repeats),
/// directories to walk, and what could not be used.
pub fn named(paths: &[String]) -> (Vec<Candidate>, Vec<PathBuf>, Vec<WalkError>) {
    let mut files: Vec<Candidate> = Vec::new();
    let mut names = std::collections::HashSet::new();
    let mut roots = Vec::new();
    let mut errors = Vec::new();
    for root in paths {
        let root_path = Path::new(root);
        // Named paths are followed when they are links: the user chose them.
        // `metadata` only stats; nothing is opened before we know it is a file.
        match std::fs::metadata(root_path) {
            Ok(m) if m.is_dir() => roots.push(root_path.to_path_buf()),
            Ok(m) if m.is_file() => {
                let display = clean(root);
                if names.insert(display.clone()) {
                    files.push(Candidate { display, path: root_path.to_path_buf(), explicit: true, text: None });
                }
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
    (files, roots, errors)
}

/// Walks directories in order, calling `found` with each file worth reading
/// as soon as the walk meets it. Returns the problems met on the way.
pub fn walk_each(roots: &[PathBuf], options: &WalkOptions, found: &mut dyn FnMut(Candidate)) -> Vec<WalkError> {
    Walk::start(roots, options).each(found)
}

/// A walk over directories, started: its first entry is read. Before it, the
/// walker reads the ignore files of every directory above the roots and
/// compiles them, the slow part of a small walk, which [`Walk::start`] lets
/// the caller do while something else gets ready.
pub struct Walk {
    entries: ignore::Walk,
    first: Option<Result<DirEntry, ignore::Error>>,
    exclude: globset::GlobSet,
}

impl Walk {
    /// `roots` must not be empty.
    pub fn start(roots: &[PathBuf], options: &WalkOptions) -> Walk {
        let mut builder = ignore::WalkBuilder::new(&roots[0]);
        for r in &roots[1..] {
            builder.add(r);
        }
        let exclude = options.exclude.clone();
        builder
            .hidden(false)
            .follow_links(options.follow_links)
            .require_git(false)
            .git_global(global_excludes_possible())
            .filter_entry(move |e| keep_entry(e, &exclude));
        if options.follow_links {
            // Which of a file's names is met first must not vary.
            builder.sort_by_file_name(|a, b| a.cmp(b));
        }
        let mut entries = builder.build();
        let first = entries.next();
        Walk { entries, first, exclude: options.exclude.clone() }
    }

    /// Goes on with the walk, calling `found` with each file worth reading
    /// as soon as the walk meets it. Returns the problems met on the way.
    pub fn each(self, found: &mut dyn FnMut(Candidate)) -> Vec<WalkError> {
        let mut errors = Vec::new();
        for entry in self.first.into_iter().chain(self.entries) {
            match entry {
                // Only regular files: links (when not followed), FIFOs, sockets and
                // devices are skipped on their directory-entry type, never opened.
                Ok(e) => {
                    if e.file_type().is_some_and(|t| t.is_file()) && is_candidate_name(e.path()) {
                        let display = clean(&e.path().to_string_lossy());
                        if self.exclude.is_empty() || !self.exclude.is_match(&display) {
                            found(Candidate { display, path: e.into_path(), explicit: false, text: None });
                        }
                    }
                }
                Err(e) => walk_error(&e, &mut errors),
            }
        }
        errors
    }
}

/// Whether git's global excludes file may apply: a config file that the
/// walker reads for `core.excludesFile` names one, or the default one
/// (`$XDG_CONFIG_HOME/git/ignore`, `~/.config/git/ignore`) is there. When
/// neither, its matcher would be empty, and the walk does not look for it:
/// the look compiles a regular expression, a quarter of an empty run.
fn global_excludes_possible() -> bool {
    let non_empty = |v: std::ffi::OsString| Some(PathBuf::from(v)).filter(|p| !p.as_os_str().is_empty());
    #[allow(deprecated)] // the walker finds the home directory the same way
    let home = std::env::home_dir();
    let xdg =
        std::env::var_os("XDG_CONFIG_HOME").and_then(non_empty).or_else(|| home.as_ref().map(|h| h.join(".config")));
    let system = std::env::var_os("GIT_CONFIG_SYSTEM").and_then(non_empty).unwrap_or_else(|| "/etc/gitconfig".into());
    let configs = [
        std::env::var_os("GIT_CONFIG_GLOBAL").and_then(non_empty),
        home.map(|h| h.join(".gitconfig")),
        xdg.as_ref().map(|x| x.join("git/config")),
        Some(system),
    ];
    let names_one = |data: Vec<u8>| data.windows(12).any(|w| w.eq_ignore_ascii_case(b"excludesfile"));
    configs.into_iter().flatten().any(|c| std::fs::read(c).is_ok_and(names_one))
        || xdg.is_some_and(|x| x.join("git/ignore").is_file())
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

/// Records a walk error, unless it is not ours to report.
fn walk_error(e: &ignore::Error, errors: &mut Vec<WalkError>) {
    match e {
        ignore::Error::Partial(errs) => errs.iter().for_each(|e| walk_error(e, errors)),
        // A bad pattern in someone's `.gitignore` is not ours to report (git skips it too).
        ignore::Error::Glob { .. } | ignore::Error::WithLineNumber { .. } => {}
        _ => {
            let path = error_path(e);
            let message = walk_message(e);
            // A broken link (when following) only matters if its name is one we would read.
            if message == "broken symbolic link" && !path.as_deref().is_some_and(is_candidate_name) {
                return;
            }
            let path = path.map_or_else(|| "<walk>".to_string(), |p| clean(&p.to_string_lossy()));
            errors.push(WalkError { path, message, missing_root: false });
        }
    }
}

/// A file's identity, whatever its name: device and inode.
#[cfg(unix)]
pub fn file_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// A file's identity, whatever its name: its canonical path.
#[cfg(not(unix))]
pub fn file_id(path: &Path) -> Option<PathBuf> {
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
        ignore::Error::Io(io) if os_error(io).raw_os_error().is_some_and(is_loop_errno) => "symbolic link loop".into(),
        ignore::Error::Io(io) => io_message(os_error(io)),
        other => other.to_string(),
    }
}

/// The operating system's error under the walker's wrapping of it.
fn os_error(e: &std::io::Error) -> &std::io::Error {
    match e.get_ref().and_then(|inner| inner.source()).and_then(|s| s.downcast_ref::<std::io::Error>()) {
        Some(inner) => os_error(inner),
        None => e,
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
        assert!(is_candidate_name(Path::new("a/B.YML")));
        assert!(is_candidate_name(Path::new("a/.json")));
        assert!(!is_candidate_name(Path::new("a/json")));
        assert!(!is_candidate_name(Path::new("a.json/..")));
        // Read as its name, as `Path::file_name` reads it.
        assert!(is_candidate_name(Path::new("a/b.json/")));
        assert!(is_candidate_name(Path::new("a/b.json/.")));
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let name = std::ffi::OsStr::from_bytes(b"dir/\xff\xfe.tf");
            assert!(is_candidate_name(Path::new(name)));
        }
    }
}
