//! How the least-privilege rules' messages name things: an entry as written,
//! an action and the pattern that grants it, short lists, large numbers.

use crate::catalog::Action;
use crate::rules::ActionRef;
use std::fmt::{self, Write as _};

/// The text of an entry for messages.
pub fn entry_text(a: &ActionRef) -> String {
    a.value.display()
}

/// `action` as the user wrote it, or "`action` (through `pattern`)".
pub fn through(action: Action, a: Option<&ActionRef>) -> String {
    match a.and_then(|a| a.value.lit()) {
        Some(t) if !t.eq_ignore_ascii_case(&action.full_name()) => format!("`{action}` (through `{t}`)"),
        _ => format!("`{action}`"),
    }
}

/// Up to `n` items in backticks joined with ", " and a final `last` word:
/// "`a`, `b` or `c`", "`a`, `b` or 3 more".
pub fn list_words<T: fmt::Display>(items: &[T], n: usize, last: &str) -> String {
    let shown = &items[..items.len().min(n)];
    let more = items.len() - shown.len();
    // Room for an ARN format or two, the longest items listed: growing a
    // string a piece at a time reallocates it several times.
    let mut out = String::with_capacity(128);
    for (i, item) in shown.iter().enumerate() {
        if i + 1 == shown.len() && i > 0 && more == 0 {
            write!(out, " {last} ").unwrap();
        } else if i > 0 {
            out.push_str(", ");
        }
        write!(out, "`{item}`").unwrap();
    }
    if more > 0 && !shown.is_empty() {
        write!(out, " {last} {more} more").unwrap();
    }
    out
}

/// Number with thousands separators: 22,321.
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
