//! When one reading of a project allows one request, as terms two readings
//! can be compared by: `diff` asks whether the work tree allows anything BASE
//! did not (access gained) and the other way round (access lost), so a
//! condition loosened, dropped or negated is a change, and one added is a
//! narrowing, not a loss of everything.
//!
//! The terms are the engine's deciding statements: allowed under any one of
//! the `Allow` alternatives (each its statement's conditions, all of which must
//! hold) and none of the `Deny` ones. Comparisons use [`super::implies`] and
//! are sound: "within" is claimed only when it is certain.

use super::eval::{Decision, Evaluation, Layer, StatementRef};
use super::implies;
use crate::policy::{Condition, Effect};

/// One deciding statement: it applies when all its conditions hold.
#[derive(Debug, Clone)]
pub(crate) struct Alternative<'p> {
    pub at: Option<StatementRef<'p>>,
    conditions: Vec<&'p Condition>,
    /// What else the statement's match turns on (a policy variable in its
    /// `Resource`, say): alternatives compare only when these are equal.
    other: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Terms<'p> {
    pub allow: Vec<Alternative<'p>>,
    pub deny: Vec<Alternative<'p>>,
    /// The answer also turns on a boundary, SCP or session policy, which these
    /// terms do not model: such terms compare only by their statements' text.
    opaque: Option<Vec<String>>,
}

impl<'p> Terms<'p> {
    /// Allowed without conditions.
    fn always() -> Terms<'p> {
        Terms { allow: vec![Alternative { at: None, conditions: Vec::new(), other: Vec::new() }], ..Terms::default() }
    }

    /// The terms of an evaluation (denied: no `Allow` alternative).
    pub fn of(ev: &Evaluation<'p>) -> Terms<'p> {
        match ev.decision {
            Decision::Allowed => Terms::always(),
            Decision::ExplicitDeny | Decision::ImplicitDeny => Terms::default(),
            Decision::Depends { .. } => {
                let mut terms = Terms::default();
                for r in ev.deciding() {
                    let st = r.at.statement();
                    let mut other: Vec<String> = Vec::new();
                    for m in [&r.action, &r.resource, &r.principal] {
                        other.extend(m.keys().iter().cloned());
                    }
                    other.sort();
                    let alt = Alternative { at: Some(r.at), conditions: st.conditions.iter().collect(), other };
                    match r.effect {
                        Effect::Deny => terms.deny.push(alt),
                        Effect::Allow if matches!(r.layer, Layer::Identity | Layer::Resource) => terms.allow.push(alt),
                        _ => {}
                    }
                    if !matches!(r.layer, Layer::Identity | Layer::Resource) || r.effect == Effect::Unknown {
                        terms.opaque = Some(Vec::new());
                    }
                }
                if terms.allow.is_empty() {
                    // Only a Deny is undecided: the Allow side holds without conditions.
                    let granting = ev.results.iter().find(|r| {
                        r.effect == Effect::Allow
                            && r.outcome.is_yes()
                            && matches!(r.layer, Layer::Identity | Layer::Resource)
                    });
                    terms.allow.push(Alternative {
                        at: granting.map(|r| r.at),
                        conditions: Vec::new(),
                        other: Vec::new(),
                    });
                }
                if terms.opaque.is_some() {
                    let text = ev
                        .deciding()
                        .map(|r| format!("{:?} {}", r.layer, r.at.policy.source.slice(r.at.statement().span)));
                    terms.opaque = Some(text.collect());
                }
                terms
            }
        }
    }

    /// Does this reading allow nothing that `other` does not?
    pub fn within(&self, other: &Terms) -> bool {
        if self.allow.is_empty() {
            return true;
        }
        if other.allow.is_empty() {
            return false;
        }
        if self.opaque.is_some() || other.opaque.is_some() {
            return self.opaque == other.opaque;
        }
        self.allows_within(other) && other.deny.iter().all(|d| covered_by(d, &self.deny))
    }

    /// Every `Allow` alternative of this reading is one of `other`'s, or narrower.
    pub fn allows_within(&self, other: &Terms) -> bool {
        self.allow.iter().all(|a| other.allow.iter().any(|b| narrower(a, b)))
    }

    /// The first `Deny` alternative that `other` has no equal or wider one for.
    pub fn new_deny(&self, other: &Terms) -> Option<StatementRef<'p>> {
        self.deny.iter().find(|d| !other.deny.iter().any(|o| narrower(d, o))).and_then(|d| d.at)
    }
}

/// Does `a` apply only where `b` does?
fn narrower(a: &Alternative, b: &Alternative) -> bool {
    a.other == b.other && implies::all(&a.conditions, &b.conditions)
}

/// Is `d` a `Deny` that one of `list` applies wherever it does?
fn covered_by(d: &Alternative, list: &[Alternative]) -> bool {
    list.iter().any(|e| narrower(d, e))
}
