//! How a rule declares itself: id, severity, category, summary and the long
//! text `policy-lint explain` prints, all in one place (in the manner of
//! clippy's `declare_clippy_lint!`). The doc comment *is* the explain text.

use super::Severity;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    Syntax,
    Validity,
    LeastPrivilege,
    Gap,
    /// Limits AWS sets on sizes and counts (IAM quotas, service quotas).
    Quota,
    /// The network paths a workload needs (Voice Connector termination and origination).
    Network,
    Meta,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Syntax => "syntax",
            Category::Validity => "validity",
            Category::LeastPrivilege => "least-privilege",
            Category::Gap => "gap",
            Category::Quota => "quota",
            Category::Network => "network",
            Category::Meta => "meta",
        }
    }
}

/// The `## ` sections of every rule's documentation, in this order, none
/// empty (checked for every rule by `tests/it/fixtures.rs`; `tools/new-rule`
/// writes them for a new rule to fill in).
pub const DOC_SECTIONS: [&str; 4] = ["What it does", "Why is this bad?", "Example", "Use instead"];

/// Everything there is to know about a rule, apart from its check.
#[derive(Debug)]
pub struct RuleMeta {
    pub id: &'static str,
    pub severity: Severity,
    pub category: Category,
    pub summary: &'static str,
    /// Markdown in the [`DOC_SECTIONS`], as the doc comment has it (each line
    /// keeps the space after `///`).
    pub doc: &'static str,
    /// The fix its findings may offer ([`super::fix`]), if any: `policy-lint
    /// rules` and `explain` say so.
    pub fix: Option<super::Applicability>,
}

impl RuleMeta {
    /// The documentation's `## ` sections in order, as (heading, body); a
    /// `#` line inside a code fence (a YAML or HCL comment) is body.
    pub fn sections(&self) -> Vec<(&'static str, String)> {
        let mut sections: Vec<(&'static str, String)> = Vec::new();
        let mut fenced = false;
        for line in self.doc.lines().map(|l| l.strip_prefix(' ').unwrap_or(l)) {
            if line.starts_with("```") {
                fenced = !fenced;
            }
            match line.strip_prefix("## ") {
                Some(heading) if !fenced => sections.push((heading.trim(), String::new())),
                _ => {
                    if let Some((_, body)) = sections.last_mut() {
                        body.push_str(line);
                        body.push('\n');
                    }
                }
            }
        }
        sections
    }
}

/// Declares a rule's [`RuleMeta`] from its doc comment and attributes:
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub UNKNOWN_ACTION, "unknown-action", Error, Validity,
///     "an action that the service does not have"
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (@meta [$($doc:literal)*] $name:ident, $id:literal, $severity:ident, $category:ident, $summary:literal, $fix:expr) => {
        $(#[doc = $doc])*
        pub static $name: $crate::finding::RuleMeta = $crate::finding::RuleMeta {
            id: $id,
            severity: $crate::finding::Severity::$severity,
            category: $crate::finding::Category::$category,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
            fix: $fix,
        };
    };
    (
        $(#[doc = $doc:literal])*
        pub $name:ident, $id:literal, $severity:ident, $category:ident, $summary:literal
    ) => {
        $crate::declare_rule!(@meta [$($doc)*] $name, $id, $severity, $category, $summary, None);
    };
    (
        $(#[doc = $doc:literal])*
        pub $name:ident, $id:literal, $severity:ident, $category:ident, $summary:literal, fix = $fix:ident
    ) => {
        $crate::declare_rule!(
            @meta [$($doc)*] $name, $id, $severity, $category, $summary,
            Some($crate::finding::Applicability::$fix)
        );
    };
}
