//! Settings that shape a run: which rules, which files, what fails the build.

use crate::finding::Severity;
use std::collections::BTreeMap;

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
    /// Follow symbolic links met while walking directories (off: they are skipped).
    pub follow_links: bool,
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
            follow_links: false,
        }
    }
}

impl Config {
    /// Whether a rule runs under this configuration.
    pub fn enabled(&self, rule: &str) -> bool {
        self.select.as_ref().is_none_or(|s| s.iter().any(|r| r == rule)) && !self.ignore.iter().any(|r| r == rule)
    }

    pub fn exclude_set(&self) -> globset::GlobSet {
        let mut b = globset::GlobSetBuilder::new();
        for g in &self.exclude {
            if let Ok(glob) = globset::Glob::new(g) {
                b.add(glob);
            }
        }
        b.build().unwrap_or_else(|_| globset::GlobSet::empty())
    }
}
