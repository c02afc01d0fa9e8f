//! The holes of a template (`arn:aws:s3:::${var.bucket}/*`, `!Sub
//! arn:aws:s3:::${Bucket}/*`) in the resource of a request that `diff` asks:
//! a value the project does not give, but the same value in every statement
//! that writes the same hole.
//!
//! A request written from such a resource marks each hole, and gives the
//! engine that marker as the hole's value, so a statement writing the same hole
//! matches it exactly and a `*` covers it, while a hole it does not give stays
//! unresolved (the answer is unknown). A statement that could match the hole
//! only for some values (`arn:aws:s3:::logs/*`) makes any difference between
//! the two readings unknown too ([`may_decide`]).

use super::eval::{action_match, PolicySet};
use super::pattern::{Mode, Pattern};
use super::request::Request;
use crate::policy::{Value, ValueText};
use crate::syntax::Piece;

const OPEN: char = '\u{1}';
const CLOSE: char = '\u{2}';

/// A resource as a request names it, its holes marked.
pub(crate) fn resource_text(v: &Value) -> String {
    let ValueText::Template(pieces) = &v.text else { return v.lit().map_or_else(|| v.display(), str::to_string) };
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Lit(s) => out.push_str(s),
            // A hole whose text would read as a wildcard or a marker stays as written.
            Piece::Hole(h) if h.contains(['*', '?', OPEN, CLOSE]) => out.push_str(&format!("${{{h}}}")),
            Piece::Hole(h) => out.extend([OPEN].into_iter().chain(h.chars()).chain([CLOSE])),
        }
    }
    out
}

/// The holes of a marked resource, by their text (`var.bucket`).
fn names(resource: &str) -> impl Iterator<Item = &str> {
    resource.split(OPEN).skip(1).filter_map(|s| s.split_once(CLOSE).map(|(h, _)| h))
}

/// The holes of a marked resource as written (`${var.bucket}`).
pub(crate) fn written(resource: &str) -> Vec<String> {
    names(resource).map(|h| format!("${{{h}}}")).collect()
}

/// The request for `action` on a marked resource, each hole given its marker.
pub(crate) fn request(action: &str, resource: &str) -> Request {
    let mut req = Request::new(action, resource);
    for h in names(resource) {
        req.add_context(h, format!("{OPEN}{h}{CLOSE}"));
    }
    req
}

/// A marked resource as written: `arn:aws:s3:::${var.bucket}/*`.
pub(crate) fn shown(resource: &str) -> String {
    resource.replace(OPEN, "${").replace(CLOSE, "}")
}

/// Could the value of a hole of the request's resource decide a statement of
/// these sets? When some statement that names the action has a resource that
/// matches the request for some values of the holes but not for all: the
/// holes and values the answer then turns on.
pub(crate) fn may_decide(sets: &[&PolicySet], req: &Request) -> Option<Vec<String>> {
    if !req.resource.contains(OPEN) {
        return None;
    }
    let mut open = String::new();
    let mut in_hole = false;
    for c in req.resource.chars() {
        match c {
            OPEN => {
                in_hole = true;
                open.push('*');
            }
            CLOSE => in_hole = false,
            _ if !in_hole => open.push(c),
            _ => {}
        }
    }
    let open = Pattern::new(&open, Mode::Glob);
    let exact = req.resource_pattern();
    let mut keys = written(&req.resource);
    let mut decides = false;
    let statements = sets.iter().flat_map(|s| s.layers()).flat_map(|(_, p)| &p.statements);
    for st in statements.filter(|st| !action_match(st.action.as_ref(), &req.action).is_no()) {
        let Some(list) = &st.resource else { continue };
        decides |= list.negated || list.has_unknown;
        for v in &list.values {
            match Pattern::from_value(v, Mode::Glob, true, req) {
                None => decides = true,
                Some(p) if !p.covers(&exact, false) && p.overlaps(&open, false) => {
                    decides = true;
                    for k in p.unresolved {
                        if !keys.contains(&k) {
                            keys.push(k);
                        }
                    }
                }
                Some(_) => {}
            }
        }
    }
    decides.then_some(keys)
}
