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
    Meta,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Syntax => "syntax",
            Category::Validity => "validity",
            Category::LeastPrivilege => "least-privilege",
            Category::Gap => "gap",
            Category::Meta => "meta",
        }
    }
}

/// Everything there is to know about a rule, apart from its check.
#[derive(Debug)]
pub struct RuleMeta {
    pub id: &'static str,
    pub severity: Severity,
    pub category: Category,
    pub summary: &'static str,
    /// Markdown: *What it does*, *Why is this bad?*, *Example*, *Use instead*.
    pub doc: &'static str,
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
    (
        $(#[doc = $doc:literal])*
        pub $name:ident, $id:literal, $severity:ident, $category:ident, $summary:literal
    ) => {
        $(#[doc = $doc])*
        pub static $name: $crate::finding::RuleMeta = $crate::finding::RuleMeta {
            id: $id,
            severity: $crate::finding::Severity::$severity,
            category: $crate::finding::Category::$category,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
        };
    };
}
