//! Settings that shape a run: which rules, which files, what fails the build.
//!
//! [`Config`] is what the pipeline reads. It comes from three places, each
//! overriding the one before: the defaults, a `.policy-lint.toml` (found by
//! walking up from the working directory, or named with `--config`), and the
//! command line. [`resolve`] puts them together and remembers where each
//! setting came from, for `--show-config`.

pub mod forbid;
pub mod require;
pub mod select;

use crate::baseline::Baseline;
use crate::finding::Severity;
use crate::paths::slashes;
pub use crate::paths::{normalize, PathBase};
use crate::source::SourceFile;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// The configuration file's name.
pub const FILE_NAME: &str = ".policy-lint.toml";

/// The level at which findings make the run fail (exit 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Info,
    Warning,
    Error,
    Never,
}

impl FailOn {
    pub fn parse(s: &str) -> Option<FailOn> {
        match s {
            "info" => Some(FailOn::Info),
            "warning" => Some(FailOn::Warning),
            "error" => Some(FailOn::Error),
            "never" => Some(FailOn::Never),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::Info => "info",
            FailOn::Warning => "warning",
            FailOn::Error => "error",
            FailOn::Never => "never",
        }
    }

    /// Whether a finding of this severity fails the run.
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Info => true,
            FailOn::Warning => severity >= Severity::Warning,
            FailOn::Error => severity >= Severity::Error,
            FailOn::Never => false,
        }
    }
}

/// Default largest file read, in bytes.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Config {
    /// Only these rules (all when `None`).
    pub select: Option<Vec<String>>,
    /// Rules turned off.
    pub ignore: Vec<String>,
    /// Globs of paths not to lint.
    pub exclude: Vec<String>,
    pub fail_on: FailOn,
    /// Severity overrides by rule id.
    pub severity: BTreeMap<String, Severity>,
    pub max_file_size: u64,
    /// What `exclude` globs are relative to; `None`: matched against the paths as shown.
    pub exclude_base: Option<PathBase>,
    /// `[[ignore]] path = "glob" rules = [..]`: rules turned off for some paths.
    pub path_ignores: PathIgnores,
    /// Findings recorded by `--write-baseline`, not reported again (`--baseline`).
    pub baseline: Option<Arc<Baseline>>,
    /// Read this whole directory (for the project index) but report only on the
    /// paths given (`--project-root`; what the pre-commit hook uses).
    pub project_root: Option<String>,
    /// Where files that linted files name (`file()`) may be read from. Unset,
    /// the run takes the project around the paths it lints.
    pub boundary: crate::boundary::Boundary,
    /// `[[require]]` assertions (checked by `required-access-denied`).
    pub require: Vec<require::Requirement>,
    /// `[[forbid]]` tables (checked by `forbidden-access-granted`).
    pub forbid: Vec<forbid::Forbid>,
    /// Follow symbolic links met while walking directories (off: they are skipped).
    pub follow_links: bool,
    /// Work out each principal's Chime SDK Voice access ([`crate::outcome::Report::workload`]),
    /// for the human report's closing view. Not a configuration key: the CLI sets it.
    pub workload: bool,
    /// What of each file's text its findings keep once their unit is
    /// linted: less than the whole keeps memory from growing with the tree.
    /// Set by the CLI from the output format.
    pub keep_text: KeepText,
    /// Unless the whole text is kept: keep each finding's element text too,
    /// which baselines and SARIF fingerprints are keyed on. Set by the CLI.
    pub element_text: bool,
    /// Keep the name and fate of every file met ([`crate::outcome::Report::files_seen`]),
    /// for `--show-files`. Set by the CLI.
    pub list_files: bool,
    /// Work out the fixes that need the project (a resource of the module,
    /// the calls of the code): only reports that carry fixes, `--fix` and
    /// `--diff` use them, and each asks the index again. Set by the CLI.
    pub project_fixes: bool,
}

/// What of a file's text its findings keep ([`Config::keep_text`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeepText {
    /// All of it: findings are complete (the library's default).
    Whole,
    /// The lines around each finding and its labels, for the human report's snippets.
    Snippets,
    /// None: start and end positions are enough (compact, JSON, GitHub, SARIF).
    Positions,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            select: None,
            ignore: Vec::new(),
            exclude: Vec::new(),
            fail_on: FailOn::Warning,
            severity: BTreeMap::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            exclude_base: None,
            path_ignores: PathIgnores::default(),
            baseline: None,
            project_root: None,
            boundary: crate::boundary::Boundary::default(),
            require: Vec::new(),
            forbid: Vec::new(),
            follow_links: false,
            workload: false,
            keep_text: KeepText::Whole,
            element_text: false,
            list_files: false,
            project_fixes: true,
        }
    }
}

impl Config {
    /// Whether a rule runs under this configuration.
    pub fn enabled(&self, rule: &str) -> bool {
        self.select.as_ref().is_none_or(|s| s.iter().any(|r| r == rule)) && !self.ignore.iter().any(|r| r == rule)
    }

    /// A matcher for `exclude`, built once for a run.
    pub fn exclude_matcher(&self) -> PathMatcher {
        PathMatcher::new(&self.exclude, self.exclude_base.clone())
    }

    /// Whether a rule is turned off for a path by `[[ignore]]`.
    pub fn path_ignored(&self, rule: &str, path: &str) -> bool {
        self.path_ignores.ignores(rule, path)
    }
}

/// A set of globs with the directory they are relative to, compiled once
/// into one `GlobSet` however many there are: a configuration file from a
/// pull request may hold a hundred thousand.
#[derive(Debug, Clone, Default)]
pub struct PathMatcher {
    set: globset::GlobSet,
    base: Option<PathBase>,
}

impl PathMatcher {
    /// Globs as users write them (checked already: an invalid one matches nothing).
    pub fn new(globs: &[String], base: Option<PathBase>) -> PathMatcher {
        let mut b = globset::GlobSetBuilder::new();
        for g in globs {
            // One glob for each pattern keeps pattern `i` at index `i`.
            b.add(checked_glob(g).unwrap_or_else(|_| never()));
        }
        PathMatcher { set: b.build().unwrap_or_else(|_| globset::GlobSet::empty()), base }
    }

    pub fn is_match(&self, display: &str) -> bool {
        !self.set.is_empty() && self.candidates(display, |c| self.set.is_match(c))
    }

    /// The indices of the globs that match, in order.
    pub fn matching(&self, display: &str) -> Vec<usize> {
        let mut out = Vec::new();
        if !self.set.is_empty() {
            self.candidates(display, |c| {
                out.extend(self.set.matches(c));
                false
            });
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Calls `f` on the path relative to the base and on each directory
    /// above it (a pattern that matches a directory covers what is under
    /// it), until `f` says yes.
    fn candidates(&self, display: &str, mut f: impl FnMut(&str) -> bool) -> bool {
        let relative = match &self.base {
            Some(b) => b.relative(display),
            None => display.to_string(),
        };
        let mut ends = memchr::memchr_iter(b'/', relative.as_bytes()).filter(|&i| i > 0);
        ends.any(|i| f(&relative[..i])) || f(&relative)
    }
}

/// Rules turned off for the paths a glob matches.
#[derive(Debug, Clone)]
pub struct PathIgnore {
    pub glob: String,
    pub rules: Vec<String>,
}

/// The `[[ignore]]` tables, with their globs compiled into one set (glob `i`
/// is table `i`): made together, so the set always matches the tables.
#[derive(Debug, Clone, Default)]
pub struct PathIgnores {
    tables: Vec<PathIgnore>,
    matcher: PathMatcher,
}

impl PathIgnores {
    /// The tables, their globs relative to `base` (none: to the paths as shown).
    pub fn new(tables: Vec<PathIgnore>, base: Option<PathBase>) -> PathIgnores {
        let globs: Vec<String> = tables.iter().map(|t| t.glob.clone()).collect();
        PathIgnores { matcher: PathMatcher::new(&globs, base), tables }
    }

    pub fn tables(&self) -> &[PathIgnore] {
        &self.tables
    }

    /// Whether a table whose glob matches `path` turns `rule` off.
    pub fn ignores(&self, rule: &str, path: &str) -> bool {
        let names = |i: usize| self.tables[i].rules.iter().any(|r| r == rule);
        (0..self.tables.len()).any(names) && self.matcher.matching(path).into_iter().any(names)
    }
}

/// A glob as the user wrote it, plus what makes it behave like `.gitignore`:
/// a pattern without `/` matches a name at any depth (`**/` before it), and
/// a pattern that matches a directory covers everything under it
/// ([`PathMatcher`] tries each directory of a path).
fn checked_glob(g: &str) -> Result<globset::Glob, String> {
    let trimmed = g.trim_start_matches("./").trim_end_matches('/');
    let pattern = if trimmed.contains('/') { trimmed.to_string() } else { format!("**/{trimmed}") };
    globset::GlobBuilder::new(&pattern).literal_separator(true).build().map_err(|e| e.to_string())
}

/// A glob that matches no path (relative paths have no empty component).
fn never() -> globset::Glob {
    globset::Glob::new("//").expect("a valid glob")
}

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Default,
    File(PathBuf),
    CommandLine,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::File(p) => write!(f, "{}", p.display()),
            Origin::CommandLine => f.write_str("command line"),
        }
    }
}

/// A problem in the configuration, at its place: `path:line:col: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// `path:line:col`, or just what the error is about (`--select`).
    pub location: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// What the configuration file says; `None` where it says nothing.
#[derive(Debug, Default)]
pub struct FileSettings {
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub exclude: Option<Vec<String>>,
    pub fail_on: Option<FailOn>,
    pub severity: BTreeMap<String, Severity>,
    pub max_file_size: Option<u64>,
    /// `(glob, rules)` of `[[ignore]]` tables.
    pub path_ignores: Vec<(String, Vec<String>)>,
}

/// Settings given on the command line; they override the file's.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// `--config PATH`: this file instead of the one found by walking up.
    pub config: Option<PathBuf>,
    /// `--isolated`: no configuration file at all.
    pub isolated: bool,
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    /// `--extend-select`: added to the file's (or `--select`'s) `select`.
    pub extend_select: Vec<String>,
    /// `--extend-ignore`: added to the file's (or `--ignore`'s) `ignore`.
    pub extend_ignore: Vec<String>,
    pub exclude: Option<Vec<String>>,
    pub fail_on: Option<FailOn>,
    pub project_root: Option<String>,
    /// `--max-file-size`: also the limit on the configuration file itself.
    pub max_file_size: Option<u64>,
}

/// The effective configuration, the file it came from, and where each setting came from.
#[derive(Debug)]
pub struct Resolved {
    pub config: Config,
    pub file: Option<PathBuf>,
    /// By setting name (`select`, `severity.resource-star`, ...).
    pub origins: BTreeMap<String, Origin>,
    /// `--isolated`: no file was looked for.
    pub isolated: bool,
}

/// `select` naming nothing would run no rule and pass: refused.
const NO_RULE_SELECTED: &str =
    "`select` names no rule, so nothing would be checked: list rule ids, categories or prefixes, or leave it out for every rule";

/// The top-level keys of `.policy-lint.toml`.
const KEYS: &[&str] = &["select", "ignore", "exclude", "fail-on", "severity", "max-file-size", "require", "forbid"];

/// `path:line:col: message` → (`path:line:col`, `message`).
fn split_location(text: &str) -> (String, String) {
    let mut parts = text.splitn(4, ": ");
    match (parts.next(), parts.next()) {
        (Some(location), Some(rest)) => {
            let rest = std::iter::once(rest).chain(parts).collect::<Vec<_>>().join(": ");
            (location.to_string(), rest)
        }
        _ => (String::new(), text.to_string()),
    }
}

/// The nearest `.policy-lint.toml` in `start` or one of its parents.
pub fn find_file(start: &Path) -> Option<PathBuf> {
    start.ancestors().map(|d| d.join(FILE_NAME)).find(|p| p.is_file())
}

/// Reads the configuration file (if any) and applies the command line over it.
pub fn resolve(cwd: &Path, overrides: &Overrides) -> Result<Resolved, Vec<ConfigError>> {
    let cwd = normalize(cwd);
    let file = if overrides.isolated {
        None
    } else if let Some(p) = &overrides.config {
        Some(normalize(&cwd.join(p)))
    } else {
        find_file(&cwd)
    };
    let mut config = Config::default();
    let mut origins: BTreeMap<String, Origin> = ["select", "ignore", "exclude", "fail-on", "max-file-size"]
        .iter()
        .map(|k| (k.to_string(), Origin::Default))
        .collect();
    if let Some(path) = &file {
        let shown = shown_path(&cwd, path);
        // The file may come with a pull request: read with the limits of any
        // other file (its own `max-file-size` cannot apply to itself).
        let limit = overrides.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE);
        let text = crate::load::read_text(path, limit).map_err(|e| {
            let hint = if matches!(e, crate::load::LoadError::TooLarge { .. }) {
                " (`--max-file-size` raises it)"
            } else {
                ""
            };
            vec![ConfigError {
                location: shown.clone(),
                message: format!("cannot read the configuration file: {e}{hint}"),
            }]
        })?;
        let settings = parse(&shown, &text)?;
        config.require = require::parse_requirements(&text, &shown).map_err(|message| {
            // The message starts with its own `path:line:col`.
            let (location, message) = split_location(&message);
            vec![ConfigError { location, message }]
        })?;
        config.forbid = forbid::parse_forbids(&text, &shown).map_err(|message| {
            let (location, message) = split_location(&message);
            vec![ConfigError { location, message }]
        })?;
        let origin = Origin::File(PathBuf::from(&shown));
        let base = PathBase { base: path.parent().map(Path::to_path_buf).unwrap_or_default(), cwd: cwd.clone() };
        let mut set = |key: &str| {
            origins.insert(key.to_string(), origin.clone());
        };
        if let Some(v) = settings.select {
            config.select = Some(v);
            set("select");
        }
        if let Some(v) = settings.ignore {
            config.ignore = v;
            set("ignore");
        }
        if let Some(v) = settings.exclude {
            config.exclude = v;
            config.exclude_base = Some(base.clone());
            set("exclude");
        }
        if let Some(v) = settings.fail_on {
            config.fail_on = v;
            set("fail-on");
        }
        if let Some(v) = settings.max_file_size {
            config.max_file_size = v;
            set("max-file-size");
        }
        for (rule, s) in settings.severity {
            set(&format!("severity.{rule}"));
            config.severity.insert(rule, s);
        }
        let mut tables = Vec::new();
        for (i, (glob, rules)) in settings.path_ignores.into_iter().enumerate() {
            set(&format!("ignore.{i}"));
            tables.push(PathIgnore { glob, rules });
        }
        config.path_ignores = PathIgnores::new(tables, Some(base.clone()));
    }
    let mut errors = Vec::new();
    let cli_base = PathBase { base: cwd.clone(), cwd: cwd.clone() };
    let mut from_cli = |key: &str| {
        origins.insert(key.to_string(), Origin::CommandLine);
    };
    let mut expand = |flag: &str, selectors: &[String]| match select::expand_all(selectors) {
        Ok(ids) => ids,
        Err(messages) => {
            errors.extend(messages.into_iter().map(|m| cli_error(flag, m)));
            Vec::new()
        }
    };
    let select = overrides.select.as_ref().map(|v| expand("--select", v));
    let ignore = overrides.ignore.as_ref().map(|v| expand("--ignore", v));
    let extend_select = expand("--extend-select", &overrides.extend_select);
    let extend_ignore = expand("--extend-ignore", &overrides.extend_ignore);
    if overrides.select.as_ref().is_some_and(Vec::is_empty) {
        errors.push(cli_error("--select", NO_RULE_SELECTED.replace("`select`", "it")));
    }
    if let Some(v) = select {
        config.select = Some(v);
        from_cli("select");
    }
    if let Some(v) = ignore {
        config.ignore = v;
        from_cli("ignore");
    }
    if !extend_select.is_empty() {
        // With no `select`, every rule runs already: nothing to add.
        if let Some(selected) = &mut config.select {
            for id in extend_select {
                if !selected.contains(&id) {
                    selected.push(id);
                }
            }
            from_cli("select");
        }
    }
    if !extend_ignore.is_empty() {
        for id in extend_ignore {
            if !config.ignore.contains(&id) {
                config.ignore.push(id);
            }
        }
        from_cli("ignore");
    }
    if let Some(v) = &overrides.exclude {
        errors.extend(v.iter().filter_map(|g| checked_glob(g).err().map(|m| cli_error("--exclude", m))));
        config.exclude = v.clone();
        config.exclude_base = Some(cli_base);
        from_cli("exclude");
    }
    if let Some(v) = overrides.fail_on {
        config.fail_on = v;
        from_cli("fail-on");
    }
    if let Some(v) = overrides.max_file_size {
        config.max_file_size = v;
        from_cli("max-file-size");
    }
    if let Some(v) = &overrides.project_root {
        config.project_root = Some(v.clone());
        from_cli("project-root");
    }
    if errors.is_empty() {
        Ok(Resolved { config, file, origins, isolated: overrides.isolated })
    } else {
        Err(errors)
    }
}

fn cli_error(flag: &str, message: String) -> ConfigError {
    ConfigError { location: flag.to_string(), message }
}

/// A path to show in messages: relative to the working directory when under it.
fn shown_path(cwd: &Path, path: &Path) -> String {
    match path.strip_prefix(cwd) {
        Ok(rel) if !rel.as_os_str().is_empty() => slashes(rel),
        _ => path.display().to_string(),
    }
}

/// Why a rule id is not one, with the nearest real id; `None` when it is one.
pub fn rule_error(id: &str) -> Option<String> {
    if crate::rules::find(id).is_some() {
        return None;
    }
    let near = closest_rule(id).map(|r| format!("; did you mean `{r}`?")).unwrap_or_default();
    Some(format!("`{id}` is not a rule{near} (`policy-lint rules` lists them)"))
}

/// The rule id nearest to a misspelt one, if any is near.
pub fn closest_rule(id: &str) -> Option<&'static str> {
    crate::catalog::closest(id, crate::rules::RULES.iter().map(|r| r.meta.id))
}

fn closest<'a>(word: &str, options: &[&'a str]) -> Option<&'a str> {
    crate::catalog::closest(word, options.iter().copied())
}

/// Reads `.policy-lint.toml` text. `path` is how to name the file in errors.
/// Every problem is reported, each at its place.
pub fn parse(path: &str, text: &str) -> Result<FileSettings, Vec<ConfigError>> {
    let mut cx = Cx { file: SourceFile::new(path, text), errors: Vec::new() };
    let root = match DeTable::parse(text) {
        Ok(t) => t,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            cx.error(span, e.message().trim().to_string());
            return Err(cx.errors);
        }
    };
    let mut out = FileSettings::default();
    for (key, value) in root.get_ref().iter() {
        let span = value.span();
        match &**key.get_ref() {
            "select" => {
                out.select = cx.rule_list(value);
                if out.select.as_ref().is_some_and(Vec::is_empty) && cx.errors.is_empty() {
                    cx.error(span.clone(), NO_RULE_SELECTED.into());
                }
            }
            "ignore" => out.ignore = cx.ignore(value, &mut out.path_ignores),
            "exclude" => {
                out.exclude = cx.string_list(value).map(|globs| {
                    globs
                        .into_iter()
                        .filter_map(|(g, s)| match checked_glob(&g) {
                            Ok(_) => Some(g),
                            Err(m) => {
                                cx.error(s, format!("invalid glob: {m}"));
                                None
                            }
                        })
                        .collect()
                })
            }
            "fail-on" => {
                if let Some(s) = cx.string(value) {
                    match FailOn::parse(&s) {
                        Some(f) => out.fail_on = Some(f),
                        None => cx.error(
                            span,
                            format!("`{s}` is not a level; expected \"error\", \"warning\", \"info\" or \"never\""),
                        ),
                    }
                }
            }
            "severity" => {
                if let Some(table) = cx.table(value) {
                    for (rule, level) in table.iter() {
                        let id: &str = rule.get_ref();
                        if let Some(m) = rule_error(id) {
                            cx.error(rule.span(), m);
                            continue;
                        }
                        let Some(s) = cx.string(level) else { continue };
                        match Severity::parse(&s) {
                            Some(sev) => {
                                out.severity.insert(id.to_string(), sev);
                            }
                            None => cx.error(
                                level.span(),
                                format!("`{s}` is not a severity; expected \"error\", \"warning\" or \"info\""),
                            ),
                        }
                    }
                }
            }
            "max-file-size" => out.max_file_size = cx.size(value),
            // `[[require]]` tables belong to the gap rules, which read them themselves.
            "require" => {}
            // So are `[[forbid]]` tables, read by `forbidden-access-granted`.
            "forbid" => {}
            other => {
                let near = closest(other, KEYS).map(|k| format!("; did you mean `{k}`?")).unwrap_or_default();
                cx.error(key.span(), format!("unknown key `{other}`{near} (expected one of: {})", KEYS.join(", ")))
            }
        }
    }
    if cx.errors.is_empty() {
        Ok(out)
    } else {
        cx.errors.sort_by_key(|e| position_key(&e.location));
        Err(cx.errors)
    }
}

/// Orders `path:line:col` locations by line and column.
fn position_key(location: &str) -> (usize, usize) {
    let mut it = location.rsplit(':');
    let col = it.next().and_then(|c| c.parse().ok()).unwrap_or(0);
    let line = it.next().and_then(|l| l.parse().ok()).unwrap_or(0);
    (line, col)
}

/// Walks the parsed file, collecting errors with their positions.
struct Cx {
    file: crate::source::Source,
    errors: Vec<ConfigError>,
}

type Value<'i> = Spanned<DeValue<'i>>;

impl Cx {
    fn error(&mut self, span: Range<usize>, message: String) {
        let p = self.file.position(span.start as u32);
        self.errors.push(ConfigError { location: format!("{}:{}:{}", self.file.path, p.line, p.column), message });
    }

    fn type_error(&mut self, value: &Value<'_>, expected: &str) {
        let found = match value.get_ref() {
            DeValue::String(_) => "a string",
            DeValue::Integer(_) => "an integer",
            DeValue::Float(_) => "a float",
            DeValue::Boolean(_) => "a boolean",
            DeValue::Datetime(_) => "a date",
            DeValue::Array(_) => "an array",
            DeValue::Table(_) => "a table",
        };
        self.error(value.span(), format!("expected {expected}, found {found}"));
    }

    fn string(&mut self, value: &Value<'_>) -> Option<String> {
        match value.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            _ => {
                self.type_error(value, "a string");
                None
            }
        }
    }

    fn table<'a, 'i>(&mut self, value: &'a Value<'i>) -> Option<&'a DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => {
                self.type_error(value, "a table");
                None
            }
        }
    }

    /// An array of strings, each with its span.
    fn string_list(&mut self, value: &Value<'_>) -> Option<Vec<(String, Range<usize>)>> {
        let DeValue::Array(items) = value.get_ref() else {
            self.type_error(value, "an array of strings");
            return None;
        };
        let mut out = Vec::new();
        for item in items.iter() {
            if let Some(s) = self.string(item) {
                out.push((s, item.span()));
            }
        }
        Some(out)
    }

    /// An array of rule ids.
    fn rule_list(&mut self, value: &Value<'_>) -> Option<Vec<String>> {
        let list = self.string_list(value)?;
        Some(self.rule_ids(list))
    }

    /// Rule ids, categories and prefixes ([`select`]), expanded to rule ids.
    fn rule_ids(&mut self, list: Vec<(String, Range<usize>)>) -> Vec<String> {
        let mut out = Vec::new();
        for (id, span) in list {
            match select::expand(&id) {
                Err(m) => self.error(span, m),
                Ok(ids) => {
                    for id in ids {
                        if !out.iter().any(|o| o == id) {
                            out.push(id.to_string());
                        }
                    }
                }
            }
        }
        out
    }

    /// `ignore`: rule ids (turned off everywhere) and `{ path, rules }` tables
    /// (turned off for some paths; written `[[ignore]]`). A table without
    /// `path` turns its rules off everywhere.
    fn ignore(&mut self, value: &Value<'_>, paths: &mut Vec<(String, Vec<String>)>) -> Option<Vec<String>> {
        let DeValue::Array(items) = value.get_ref() else {
            self.type_error(value, "an array of rule ids or `[[ignore]]` tables");
            return None;
        };
        let mut everywhere = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(id) => match select::expand(id) {
                    Err(m) => self.error(item.span(), m),
                    Ok(ids) => everywhere.extend(ids.into_iter().map(String::from)),
                },
                DeValue::Table(t) => {
                    let (mut path, mut rules) = (None, None);
                    let (mut has_path, mut has_rules) = (false, false);
                    for (k, v) in t.iter() {
                        match &**k.get_ref() {
                            "path" => {
                                has_path = true;
                                if let Some(g) = self.string(v) {
                                    match checked_glob(&g) {
                                        Ok(_) => path = Some(g),
                                        Err(m) => self.error(v.span(), format!("invalid glob: {m}")),
                                    }
                                }
                            }
                            "rules" => {
                                has_rules = true;
                                rules = self.rule_list(v);
                            }
                            "reason" => {
                                self.string(v);
                            }
                            other => {
                                let near = closest(other, &["path", "rules", "reason"])
                                    .map(|k| format!("; did you mean `{k}`?"))
                                    .unwrap_or_default();
                                self.error(
                                    k.span(),
                                    format!(
                                        "unknown key `{other}` in `[[ignore]]`{near} (expected path, rules, reason)"
                                    ),
                                );
                            }
                        }
                    }
                    match (path, rules) {
                        (_, None) if !has_rules => {
                            self.error(item.span(), "`[[ignore]]` needs `rules = [\"rule-id\", ...]`".into())
                        }
                        (Some(p), Some(r)) => paths.push((p, r)),
                        (None, Some(r)) if !has_path => everywhere.extend(r),
                        _ => {}
                    }
                }
                _ => self.type_error(item, "a rule id or a `{ path, rules }` table"),
            }
        }
        Some(everywhere)
    }

    /// A size in bytes: an integer, or a string such as `"20MB"` or `"512KiB"`.
    fn size(&mut self, value: &Value<'_>) -> Option<u64> {
        let parsed = match value.get_ref() {
            DeValue::Integer(i) => i.as_str().parse::<u64>().ok().filter(|&n| n > 0 && i.radix() == 10),
            DeValue::String(s) => parse_size(s),
            _ => {
                self.type_error(value, "a size in bytes (an integer, or a string such as \"20MB\")");
                return None;
            }
        };
        if parsed.is_none() {
            self.error(value.span(), "expected a positive size in bytes, such as 1048576 or \"20MB\"".into());
        }
        parsed
    }
}

/// `"20MB"`, `"512 KiB"`, `"10M"`, `"1048576"` → bytes; `None` for zero, an
/// overflow or an unknown unit. The configuration file and `--max-file-size`
/// both read sizes here, so they accept and refuse the same. A bare `K`, `M`
/// or `G` is binary, as `--max-file-size` always read it.
pub fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: u64 = n.parse().ok()?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1_000,
        "k" | "kib" => 1 << 10,
        "mb" => 1_000_000,
        "m" | "mib" => 1 << 20,
        "gb" => 1_000_000_000,
        "g" | "gib" => 1 << 30,
        _ => return None,
    };
    n.checked_mul(mult).filter(|&b| b > 0)
}

/// `--show-config`: every effective setting, and where it came from.
pub fn show(resolved: &Resolved) -> String {
    use fmt::Write;
    let c = &resolved.config;
    let o = |k: &str| resolved.origins.get(k).cloned().unwrap_or(Origin::Default);
    let mut rows: Vec<(String, String, Origin)> = Vec::new();
    let list = |v: &[String]| format!("[{}]", v.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(", "));
    rows.push(("select".into(), c.select.as_deref().map_or_else(|| "(every rule)".to_string(), list), o("select")));
    rows.push(("ignore".into(), list(&c.ignore), o("ignore")));
    rows.push(("exclude".into(), list(&c.exclude), o("exclude")));
    rows.push(("fail-on".into(), format!("{:?}", c.fail_on.as_str()), o("fail-on")));
    rows.push(("max-file-size".into(), c.max_file_size.to_string(), o("max-file-size")));
    for (rule, s) in &c.severity {
        rows.push((format!("severity.{rule}"), format!("{:?}", s.as_str()), o(&format!("severity.{rule}"))));
    }
    for (i, p) in c.path_ignores.tables().iter().enumerate() {
        rows.push((format!("ignore[path = {:?}]", p.glob), list(&p.rules), o(&format!("ignore.{i}"))));
    }
    if let Some(root) = &c.project_root {
        rows.push(("project-root".into(), format!("{root:?}"), o("project-root")));
    }
    let mut out = String::new();
    match &resolved.file {
        Some(f) => {
            let _ = writeln!(out, "Configuration file: {}\n", f.display());
        }
        None if resolved.isolated => {
            let _ = writeln!(out, "Configuration file: none (--isolated: no file is read)\n");
        }
        None => {
            let _ = writeln!(out, "Configuration file: none (no {FILE_NAME} here or in a parent directory)\n");
        }
    }
    let w0 = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let w1 = rows.iter().map(|r| r.1.len()).max().unwrap_or(0).min(60);
    for (k, v, origin) in rows {
        let _ = writeln!(out, "{k:w0$} = {v:w1$}  # {origin}");
    }
    out
}

/// A configuration file's text and name, to write an error at a place of it
/// as `path:line:col: message` (the `[[require]]` and `[[forbid]]` tables).
pub(crate) struct TomlPlace<'p> {
    pub(crate) source: Arc<SourceFile>,
    path: &'p str,
}

impl<'p> TomlPlace<'p> {
    pub(crate) fn new(toml_text: &str, path: &'p str) -> Self {
        TomlPlace { source: SourceFile::new(path, toml_text), path }
    }

    /// `path:line:col: message`, at the start of `span` (the file's start without one).
    pub(crate) fn at(&self, span: Option<Range<usize>>, message: &str) -> String {
        let pos = self.source.position(span.map_or(0, |s| s.start) as u32);
        format!("{}:{}:{}: {message}", self.path, pos.line, pos.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        parse("p.toml", text).err().unwrap_or_default().iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn reads_every_key() {
        let s = parse(
            "p.toml",
            r#"
select = ["unknown-action", "invalid-arn"]
exclude = ["legacy/**"]
fail-on = "error"
max-file-size = "2MiB"
ignore = ["invalid-arn", { path = "old/*.json", rules = ["unknown-action"], reason = "frozen" }]
[severity]
unknown-action = "warning"
"#,
        )
        .unwrap();
        assert_eq!(s.select.unwrap(), ["unknown-action", "invalid-arn"]);
        assert_eq!(s.ignore.unwrap(), ["invalid-arn"]);
        assert_eq!(s.exclude.unwrap(), ["legacy/**"]);
        assert_eq!(s.fail_on, Some(FailOn::Error));
        assert_eq!(s.max_file_size, Some(2 << 20));
        assert_eq!(s.severity["unknown-action"], Severity::Warning);
        assert_eq!(s.path_ignores, [("old/*.json".to_string(), vec!["unknown-action".to_string()])]);
    }

    #[test]
    fn array_of_tables_form() {
        let s = parse(
            "p.toml",
            "[[ignore]]\npath = \"a/**\"\nrules = [\"invalid-arn\"]\n[[ignore]]\nrules = [\"unknown-action\"]\n",
        )
        .unwrap();
        assert_eq!(s.path_ignores.len(), 1);
        assert_eq!(s.ignore.unwrap(), ["unknown-action"]);
    }

    #[test]
    fn errors_point_at_their_place() {
        assert_eq!(
            errors("select = [\"unknown-actoin\"]\nfail-on = \"sometimes\"\nbogus = 1\n"),
            [
                "p.toml:1:11: `unknown-actoin` is not a rule; did you mean `unknown-action`? (`policy-lint rules` lists them)",
                "p.toml:2:11: `sometimes` is not a level; expected \"error\", \"warning\", \"info\" or \"never\"",
                "p.toml:3:1: unknown key `bogus` (expected one of: select, ignore, exclude, fail-on, severity, max-file-size, require, forbid)",
            ]
        );
        assert_eq!(
            errors("[severity]\nunknown-acton = \"error\"\ninvalid-arn = \"fatal\"\n"),
            [
                "p.toml:2:1: `unknown-acton` is not a rule; did you mean `unknown-action`? (`policy-lint rules` lists them)",
                "p.toml:3:15: `fatal` is not a severity; expected \"error\", \"warning\" or \"info\"",
            ]
        );
        assert_eq!(
            errors("[[ignore]]\npaht = \"x\"\nrules = []\n")[0],
            "p.toml:2:1: unknown key `paht` in `[[ignore]]`; did you mean `path`? (expected path, rules, reason)"
        );
        assert_eq!(errors("exclude = \"x\"")[0], "p.toml:1:11: expected an array of strings, found a string");
        assert_eq!(
            errors("max-file-size = -3")[0],
            "p.toml:1:17: expected a positive size in bytes, such as 1048576 or \"20MB\""
        );
        assert!(errors("select = [")[0].starts_with("p.toml:1:"), "{:?}", errors("select = ["));
        assert_eq!(errors("fail-onn = \"error\"")[0], "p.toml:1:1: unknown key `fail-onn`; did you mean `fail-on`? (expected one of: select, ignore, exclude, fail-on, severity, max-file-size, require, forbid)");
    }

    #[test]
    fn require_tables_are_left_to_the_gap_rules() {
        assert!(errors("[[require]]\nprincipal = \"x\"\nwhatever = 1\n").is_empty());
    }

    #[test]
    fn globs_are_relative_to_the_config_directory() {
        let base = PathBase { base: PathBuf::from("/repo"), cwd: PathBuf::from("/repo/infra") };
        assert_eq!(base.relative("legacy/a.json"), "infra/legacy/a.json");
        assert_eq!(base.relative("../legacy/a.json"), "legacy/a.json");
        assert_eq!(base.relative("/elsewhere/a.json"), "/elsewhere/a.json");
        let p = |g: &str| PathMatcher::new(&[g.to_string()], Some(base.clone()));
        assert!(p("legacy/**").is_match("../legacy/x/a.json"));
        assert!(!p("legacy/**").is_match("legacy/a.json"));
        assert!(p("*.test.json").is_match("deep/x.test.json"));
        assert!(!p("*.test.json").is_match("deep/x.json"));
        assert!(p("infra/old").is_match("old/a.json"));
        assert!(p("old").is_match("old/a.json") && p("old").is_match("x/old/y/a.json"));
        assert!(p("*.json").is_match("../top.json"), "a name at the base's own level");
        assert!(!p("infra").is_match("/elsewhere/infra.json"));
    }

    /// Glob `i` is pattern `i`, invalid ones included (they match nothing).
    #[test]
    fn one_set_keeps_each_patterns_index() {
        let globs: Vec<String> = ["a/**", "[", "*.json", "b"].iter().map(|s| s.to_string()).collect();
        let m = PathMatcher::new(&globs, None);
        assert_eq!(m.matching("a/b/c.json"), [0, 2, 3]);
        assert_eq!(m.matching("x.yaml"), Vec::<usize>::new());
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("20MB"), Some(20_000_000));
        assert_eq!(parse_size("512 KiB"), Some(512 * 1024));
        assert_eq!(parse_size("10"), Some(10));
        assert_eq!(parse_size("0"), None);
        assert_eq!(parse_size("lots"), None);
        assert_eq!(parse_size("10M"), Some(10 << 20));
        assert_eq!(parse_size("10MiB"), parse_size("10m"));
        assert_eq!(parse_size("18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_size("18446744073709551616"), None);
        assert_eq!(parse_size("20000000000GB"), None, "an overflow is refused, not wrapped");
    }
}
