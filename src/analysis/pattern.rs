//! Patterns as IAM reads them: `*` any run of characters, `?` exactly one, with
//! policy variables (`${aws:username}`, `${*}`, `${aws:PrincipalTag/team, 'default'}`)
//! and the unresolved holes of templates substituted from the request.
//!
//! A pattern is a list of tokens, so a `*` that came from `${*}` or from a
//! substituted value stays a literal character. A variable or hole that the
//! request cannot fill becomes a `*` and is recorded as unresolved: the pattern
//! then covers every value the hole might take, so "no match" is still certain
//! and "match" becomes "depends on that key".
//!
//! Matching goes both ways: [`Pattern::covers`] (every string of the other
//! pattern is matched: a request for `sma/*` is covered by a grant of `sma/*`)
//! and [`Pattern::overlaps`] (some string is matched by both: a Deny of
//! `sma/abc` touches a request for `sma/*`). A plain string is a pattern with no
//! wildcards, so `covers` is also ordinary matching.

use crate::policy::{Value, ValueText};
use crate::syntax::Piece;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok {
    Lit(char),
    /// `*`: any run of characters, also empty.
    Star,
    /// `?`: exactly one character.
    One,
}

/// How the literal text of a value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `*` and `?` are wildcards (Resource, `StringLike`, `ArnLike`).
    Glob,
    /// Every character is literal (`StringEquals`).
    Exact,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Pattern {
    pub toks: Vec<Tok>,
    /// Variables and holes the request could not fill (read as `*`).
    pub unresolved: Vec<String>,
    /// A variable that can take no value (a key the request does not carry, a
    /// multivalued key): the pattern matches nothing.
    pub impossible: bool,
}

/// Where the values of variables come from.
pub(crate) trait Vars {
    /// The values of a context key (case-insensitive), or `None` when the request does not give it.
    fn var(&self, key: &str) -> Option<Vec<String>>;

    /// Is the key known to be absent from the request?
    fn absent(&self, _key: &str) -> bool {
        false
    }
}

/// Context keys that hold a set of values: as a policy variable they match nothing
/// (IAM User Guide, "Single-valued vs. multivalued context keys").
const MULTIVALUED: &[&str] = &[
    "aws:TagKeys",
    "aws:CalledVia",
    "aws:PrincipalServiceNamesList",
    "aws:PrincipalOrgPaths",
    "aws:ResourceOrgPaths",
    "aws:SourceOrgPaths",
];

impl Pattern {
    /// A concrete string or a wildcard pattern, no variables.
    pub fn new(text: &str, mode: Mode) -> Pattern {
        let mut p = Pattern::default();
        p.push_text(text, mode);
        p
    }

    fn push_text(&mut self, text: &str, mode: Mode) {
        for c in text.chars() {
            self.toks.push(match (mode, c) {
                (Mode::Glob, '*') => Tok::Star,
                (Mode::Glob, '?') => Tok::One,
                _ => Tok::Lit(c),
            });
        }
    }

    fn push_literal(&mut self, text: &str) {
        self.toks.extend(text.chars().map(Tok::Lit));
    }

    fn push_unresolved(&mut self, what: String) {
        if self.toks.last() != Some(&Tok::Star) {
            self.toks.push(Tok::Star);
        }
        if !self.unresolved.contains(&what) {
            self.unresolved.push(what);
        }
    }

    /// A policy value read as a pattern. With `variables`, `${...}` in the
    /// literal text are policy variables; holes of a template are filled from the
    /// context by their text (`AWS::AccountId`, `var.region`) when given.
    /// `None` for a value that is wholly unknown.
    pub fn from_value(value: &Value, mode: Mode, variables: bool, vars: &dyn Vars) -> Option<Pattern> {
        let mut p = Pattern::default();
        match &value.text {
            ValueText::Lit(s) => p.push_with_variables(s, mode, variables, vars),
            ValueText::Template(pieces) => {
                for piece in pieces {
                    match piece {
                        Piece::Lit(s) => p.push_with_variables(s, mode, variables, vars),
                        Piece::Hole(h) => match vars.var(h) {
                            Some(v) if v.len() == 1 => p.push_literal(&v[0]),
                            _ => p.push_unresolved(format!("${{{h}}}")),
                        },
                    }
                }
            }
            ValueText::Unknown => return None,
        }
        Some(p)
    }

    fn push_with_variables(&mut self, text: &str, mode: Mode, variables: bool, vars: &dyn Vars) {
        if !variables || !text.contains("${") {
            self.push_text(text, mode);
            return;
        }
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            let Some(len) = rest[start + 2..].find('}') else { break };
            self.push_text(&rest[..start], mode);
            let inner = &rest[start + 2..start + 2 + len];
            match inner {
                "*" | "?" | "$" => self.push_literal(inner),
                _ => {
                    let (key, default) = split_default(inner);
                    let multivalued = MULTIVALUED.iter().any(|m| m.eq_ignore_ascii_case(key));
                    match (vars.var(key), default) {
                        _ if multivalued => self.impossible = true,
                        (Some(v), _) if v.len() == 1 => self.push_literal(&v[0]),
                        (Some(v), _) if v.len() > 1 => self.impossible = true,
                        (None, Some(d)) => self.push_literal(d),
                        // "not present ... any attempt to match it fails".
                        (None, None) if vars.absent(key) => self.impossible = true,
                        _ => self.push_unresolved(key.to_string()),
                    }
                }
            }
            rest = &rest[start + 2 + len + 1..];
        }
        self.push_text(rest, mode);
    }

    /// Does this pattern match every string `other` stands for? (Sound: a `true`
    /// is always right; `*` in `other` is only covered by a `*` here.)
    pub fn covers(&self, other: &Pattern, case_insensitive: bool) -> bool {
        !self.impossible && !other.impossible && covers(&self.toks, &other.toks, case_insensitive)
    }

    /// Does some string match both patterns?
    pub fn overlaps(&self, other: &Pattern, case_insensitive: bool) -> bool {
        !self.impossible && !other.impossible && overlaps(&self.toks, &other.toks, case_insensitive)
    }

    /// Splits at literal `:` into at most `n` parts (for ARN components).
    pub fn split_colons(&self, n: usize) -> Vec<Pattern> {
        let mut parts = vec![Pattern::default()];
        for &t in &self.toks {
            if t == Tok::Lit(':') && parts.len() < n {
                parts.push(Pattern::default());
            } else {
                parts.last_mut().expect("non-empty").toks.push(t);
            }
        }
        parts
    }
}

/// `aws:username, 'default'` → (`aws:username`, Some(`default`)).
fn split_default(inner: &str) -> (&str, Option<&str>) {
    match inner.split_once(',') {
        Some((key, default)) => {
            let d = default.trim();
            let d = d.strip_prefix('\'').and_then(|d| d.strip_suffix('\'')).unwrap_or(d);
            (key.trim(), Some(d))
        }
        None => (inner.trim(), None),
    }
}

fn lit_eq(a: char, b: char, ci: bool) -> bool {
    a == b || (ci && a.to_lowercase().eq(b.to_lowercase()))
}

/// `p[i..]` matches every string of `r[j..]`. Bottom-up over `i`, two rows of
/// `|r| + 1` cells: O(|p|·|r|) time, O(|r|) memory.
fn covers(p: &[Tok], r: &[Tok], ci: bool) -> bool {
    let m = r.len();
    // Row i = p.len(): only the empty rest of r is covered by an empty pattern.
    let mut next: Vec<bool> = (0..=m).map(|j| j == m).collect();
    let mut cur = vec![false; m + 1];
    for &pt in p.iter().rev() {
        for j in (0..=m).rev() {
            cur[j] = match pt {
                Tok::Star => next[j] || (j < m && cur[j + 1]),
                _ => match r.get(j) {
                    None | Some(Tok::Star) => false,
                    Some(&rt) => {
                        let ok = match (pt, rt) {
                            (Tok::One, _) => true,
                            (Tok::Lit(a), Tok::Lit(b)) => lit_eq(a, b, ci),
                            _ => false,
                        };
                        ok && next[j + 1]
                    }
                },
            };
        }
        std::mem::swap(&mut cur, &mut next);
    }
    next[0]
}

/// Some string matches both `p[i..]` and `r[j..]`. Same shape as [`covers`].
fn overlaps(p: &[Tok], r: &[Tok], ci: bool) -> bool {
    let m = r.len();
    let mut next = vec![false; m + 1];
    // Row i = p.len(): the rest of r must be able to produce the empty string.
    next[m] = true;
    for j in (0..m).rev() {
        next[j] = r[j] == Tok::Star && next[j + 1];
    }
    let mut cur = vec![false; m + 1];
    for &pt in p.iter().rev() {
        for j in (0..=m).rev() {
            cur[j] = match (pt, r.get(j)) {
                (Tok::Star, _) => next[j] || (j < m && cur[j + 1]),
                (_, Some(Tok::Star)) => cur[j + 1] || next[j],
                (a, Some(&b)) => {
                    let ok = match (a, b) {
                        (Tok::Lit(x), Tok::Lit(y)) => lit_eq(x, y, ci),
                        _ => true,
                    };
                    ok && next[j + 1]
                }
                (_, None) => false,
            };
        }
        std::mem::swap(&mut cur, &mut next);
    }
    next[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoVars;
    impl Vars for NoVars {
        fn var(&self, key: &str) -> Option<Vec<String>> {
            (key == "aws:username").then(|| vec!["alice*".to_string()])
        }
    }

    fn g(s: &str) -> Pattern {
        Pattern::new(s, Mode::Glob)
    }

    #[test]
    fn covers_is_glob_matching_on_plain_strings() {
        assert!(g("a*c").covers(&g("abbbc"), false));
        assert!(g("a?c").covers(&g("abc"), false));
        assert!(!g("a?c").covers(&g("ac"), false));
        assert!(g("A*").covers(&g("abc"), true));
        assert!(!g("A*").covers(&g("abc"), false));
        assert!(g("*").covers(&g(""), false));
        assert!(!g("").covers(&g("a"), false));
    }

    #[test]
    fn covers_and_overlaps_between_patterns() {
        assert!(g("sma/*").covers(&g("sma/*"), false));
        assert!(g("sma/*").covers(&g("sma/a*"), false));
        assert!(!g("sma/a*").covers(&g("sma/*"), false));
        assert!(g("sma/a*").overlaps(&g("sma/*"), false));
        assert!(g("sma/abc").overlaps(&g("sma/*"), false));
        assert!(!g("sma/abc").overlaps(&g("vc/*"), false));
        assert!(g("*b").overlaps(&g("a*"), false));
        assert!(!g("?").covers(&g("*"), false));
        assert!(g("?*").covers(&g("?*"), false));
        assert!(!g("x?").overlaps(&g("x"), false));
    }

    #[test]
    fn variables_are_literal_and_missing_ones_unresolved() {
        let v = Value { span: Default::default(), text: ValueText::Lit("home/${aws:username}/${*}".into()) };
        let p = Pattern::from_value(&v, Mode::Glob, true, &NoVars).unwrap();
        assert!(p.covers(&Pattern::new("home/alice*/*", Mode::Exact), false));
        assert!(!p.covers(&Pattern::new("home/alice-x/*", Mode::Exact), false));
        assert!(p.unresolved.is_empty());
        let v = Value { span: Default::default(), text: ValueText::Lit("u/${aws:userid}".into()) };
        let p = Pattern::from_value(&v, Mode::Glob, true, &NoVars).unwrap();
        assert_eq!(p.unresolved, ["aws:userid"]);
        let v = Value { span: Default::default(), text: ValueText::Lit("u/${aws:userid, 'none'}".into()) };
        let p = Pattern::from_value(&v, Mode::Glob, true, &NoVars).unwrap();
        assert!(p.covers(&g("u/none"), false) && p.unresolved.is_empty());
        let p = Pattern::from_value(&v, Mode::Glob, false, &NoVars).unwrap();
        assert!(p.covers(&Pattern::new("u/${aws:userid, 'none'}", Mode::Exact), false));
    }

    #[test]
    fn agrees_with_the_catalog_glob_on_plain_text() {
        // A small deterministic generator: patterns over {a, b, *, ?}, texts over {a, b}.
        let mut seed = 0x2545_f491_u32;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        for _ in 0..5000 {
            let plen = (next() % 7) as usize;
            let tlen = (next() % 7) as usize;
            let pat: String = (0..plen).map(|_| ['a', 'b', '*', '?'][(next() % 4) as usize]).collect();
            let text: String = (0..tlen).map(|_| ['a', 'b'][(next() % 2) as usize]).collect();
            let want = crate::catalog::wildcard_match(&pat, &text, false);
            let t = Pattern::new(&text, Mode::Exact);
            assert_eq!(g(&pat).covers(&t, false), want, "covers {pat} {text}");
            assert_eq!(g(&pat).overlaps(&t, false), want, "overlaps {pat} {text}");
            assert_eq!(t.overlaps(&g(&pat), false), want, "overlaps reversed {pat} {text}");
            // A pattern covers a pattern only if it matches every instance tried.
            let other = g(&text.replace('b', "*"));
            if g(&pat).covers(&other, false) {
                assert!(crate::catalog::wildcard_match(&pat, &text.replace('b', "bab"), false), "{pat} ⊇ {text}");
            }
        }
    }

    #[test]
    fn splits_arn_components() {
        let parts = g("arn:aws:s3:::b/k:with:colons").split_colons(6);
        assert_eq!(parts.len(), 6);
        assert_eq!(parts[5], g("b/k:with:colons"));
    }
}
