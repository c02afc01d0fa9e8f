//! Whether one condition holds whenever another does: how `diff` tells a
//! condition that narrows access from one that widens it.
//!
//! Sound, not complete: a `true` is always right, and anything not recognised
//! (two operators that do not compare, values not known statically, a
//! numeric or date bound) is `false`, which `diff` reads as "not narrower", so
//! a change it cannot judge is reported rather than hidden.

use super::pattern::{Mode, Pattern};
use crate::policy::Condition;

/// Does `strong` hold whenever `weak` must? (`StringEquals k = a` implies
/// `StringEquals k = a | b` and `StringLike k = a*`; `StringNotEquals k = a | b`
/// implies `StringNotEquals k = a`.)
pub(crate) fn implies(strong: &Condition, weak: &Condition) -> bool {
    if same(strong, weak) {
        return true;
    }
    let same_shape = strong.key.eq_ignore_ascii_case(&weak.key)
        && !strong.key_unknown
        && !weak.key_unknown
        && qualifier(strong) == qualifier(weak)
        && strong.operator.ends_with("IfExists") == weak.operator.ends_with("IfExists");
    let (Some(s), Some(w)) = (literals(strong), literals(weak)) else { return false };
    if !same_shape {
        return false;
    }
    let within = |a: &[&str], b: &[&str], eq: &dyn Fn(&str, &str) -> bool| a.iter().all(|x| b.iter().any(|y| eq(x, y)));
    let exact = |x: &str, y: &str| x == y;
    let fold = |x: &str, y: &str| x.eq_ignore_ascii_case(y);
    // A value with a policy variable is no plain string or glob: only equal text compares.
    let glob = |mode: Mode| {
        move |x: &str, y: &str| {
            x == y
                || (!x.contains("${")
                    && !y.contains("${")
                    && Pattern::new(y, Mode::Glob).covers(&Pattern::new(x, mode), false))
        }
    };
    match (strong.base_operator(), weak.base_operator()) {
        ("StringEquals", "StringLike") => within(&s, &w, &glob(Mode::Exact)),
        (so, wo) if so != wo => false,
        ("StringLike", _) => within(&s, &w, &glob(Mode::Glob)),
        ("StringEqualsIgnoreCase", _) => within(&s, &w, &fold),
        ("StringNotEqualsIgnoreCase", _) => within(&w, &s, &fold),
        // The negated operators: excluding more values is the stronger test.
        (op, _) if op.contains("Not") => within(&w, &s, &exact),
        // Equality and membership tests: fewer accepted values is the stronger test.
        ("StringEquals" | "ArnEquals" | "ArnLike" | "Bool" | "Null" | "IpAddress" | "BinaryEquals", _) => {
            within(&s, &w, &exact)
        }
        _ => false,
    }
}

/// Written alike: the same operator, key and values.
fn same(a: &Condition, b: &Condition) -> bool {
    a.operator.eq_ignore_ascii_case(&b.operator)
        && a.key.eq_ignore_ascii_case(&b.key)
        && a.key_unknown == b.key_unknown
        && a.values.iter().map(|v| v.display()).eq(b.values.iter().map(|v| v.display()))
}

/// The set qualifier, case-insensitively.
fn qualifier(c: &Condition) -> Option<String> {
    c.set_qualifier().map(str::to_ascii_lowercase)
}

/// The values when all are known statically.
fn literals(c: &Condition) -> Option<Vec<&str>> {
    c.values.iter().map(|v| v.lit()).collect()
}

/// Does every condition of `weak` follow from one of `strong`? (All of
/// `strong` holding then makes all of `weak` hold.)
pub(crate) fn all(strong: &[&Condition], weak: &[&Condition]) -> bool {
    weak.iter().all(|w| strong.iter().any(|s| implies(s, w)))
}
