//! The condition operators: one `"Operator": {"key": [values]}` test against a request.
//!
//! IAM's rules, as implemented here:
//! - several values for one key are ORed; for a negated operator
//!   (`StringNotEquals`, `NotIpAddress`, `ArnNotLike`, ...) they are NORed: the
//!   test holds when the request value matches none of them;
//! - without a set qualifier, a key with several request values holds for a
//!   positive operator when any value matches, and for a negated one when none does;
//!   `ForAnyValue:` holds when some request value passes the test,
//!   `ForAllValues:` when every request value does (so on an empty set it holds);
//! - a key the request does not give: `...IfExists` holds, `Null: true` holds
//!   (`Null: false` does not), `ForAllValues:` holds, `ForAnyValue:` does not.
//!   Any other operator makes the answer depend on the key, unless the key was
//!   declared absent ([`Request::absent`]): then a positive operator fails and a
//!   negated one holds, as IAM does;
//! - a policy value that is not known statically (`${var.x}`, `!Ref`) makes the
//!   answer depend on it, unless the known part already decides (a template read
//!   as a pattern that cannot match).

use super::eval::Match;
use super::pattern::{Mode, Pattern};
use super::request::{Lookup, Request};
use crate::policy::operator::{Operator, OperatorType, SetQualifier};
use crate::policy::{Condition, Value, ValueText};
use std::net::IpAddr;

/// Evaluates one condition. `variables` is true for `Version` 2012-10-17 policies.
pub(crate) fn evaluate(c: &Condition, req: &Request, variables: bool) -> Match {
    let Some(op) = Operator::parse(&c.operator) else {
        return Match::Depends(vec![format!("the condition operator `{}`", c.operator)]);
    };
    if c.key_unknown {
        return Match::Depends(vec![c.key.clone()]);
    }
    let lookup = match req.context.iter().find(|(k, _)| k.eq_ignore_ascii_case(&c.key)) {
        // Most keys come straight from the request's context: no copy needed.
        Some((_, v)) if !v.is_empty() => return evaluate_present(c, op, v, req, variables),
        _ => req.lookup(&c.key),
    };
    let values = match lookup {
        Lookup::Present(v) if !v.is_empty() => v,
        missing => {
            if op.ty == OperatorType::Null {
                return null_test(c, false);
            }
            if op.if_exists {
                return Match::Yes;
            }
            return match op.qualifier {
                Some(SetQualifier::ForAllValues) => Match::Yes,
                Some(SetQualifier::ForAnyValue) => Match::No,
                None if matches!(missing, Lookup::NotGiven) => Match::Depends(vec![c.key.clone()]),
                None => Match::from(positive_of(op.base).1),
            };
        }
    };
    evaluate_present(c, op, &values, req, variables)
}

/// The condition for a key the request gives, with these (one or more) values.
fn evaluate_present(c: &Condition, op: Operator, values: &[String], req: &Request, variables: bool) -> Match {
    if op.ty == OperatorType::Null {
        return null_test(c, true);
    }
    let (positive, negated) = positive_of(op.base);
    let test = |v: &str| -> Match {
        let m = any(c.values.iter().map(|pv| compare(positive, op.ty, v, pv, c, req, variables)));
        if negated {
            m.not()
        } else {
            m
        }
    };
    match op.qualifier {
        None if negated => {
            // NOT (some request value matches some policy value).
            let hit = any(values
                .iter()
                .map(|v| any(c.values.iter().map(|pv| compare(positive, op.ty, v, pv, c, req, variables)))));
            hit.not()
        }
        None | Some(SetQualifier::ForAnyValue) => any(values.iter().map(|v| test(v))),
        Some(SetQualifier::ForAllValues) => all(values.iter().map(|v| test(v))),
    }
}

/// `Null`: `true` holds when the key is absent (or an empty set), `false` when it is present.
fn null_test(c: &Condition, exists: bool) -> Match {
    any(c.values.iter().map(|v| match v.lit() {
        Some(t) if t.eq_ignore_ascii_case("true") => Match::from(!exists),
        Some(t) if t.eq_ignore_ascii_case("false") => Match::from(exists),
        Some(_) => Match::No,
        None => unresolved(c, v),
    }))
}

/// The positive operator a negated one is the negation of.
fn positive_of(base: &'static str) -> (&'static str, bool) {
    match base {
        "StringNotEquals" => ("StringEquals", true),
        "StringNotEqualsIgnoreCase" => ("StringEqualsIgnoreCase", true),
        "StringNotLike" => ("StringLike", true),
        "NumericNotEquals" => ("NumericEquals", true),
        "DateNotEquals" => ("DateEquals", true),
        "NotIpAddress" => ("IpAddress", true),
        "ArnNotEquals" => ("ArnEquals", true),
        "ArnNotLike" => ("ArnLike", true),
        other => (other, false),
    }
}

/// OR with "depends": yes if any is yes, else depends if any depends.
pub(crate) fn any(items: impl Iterator<Item = Match>) -> Match {
    let mut keys = Vec::new();
    for m in items {
        match m {
            Match::Yes => return Match::Yes,
            Match::No => {}
            Match::Depends(k) => merge(&mut keys, k),
        }
    }
    if keys.is_empty() {
        Match::No
    } else {
        Match::Depends(keys)
    }
}

/// AND with "depends": no if any is no, else depends if any depends.
pub(crate) fn all(items: impl Iterator<Item = Match>) -> Match {
    let mut keys = Vec::new();
    for m in items {
        match m {
            Match::No => return Match::No,
            Match::Yes => {}
            Match::Depends(k) => merge(&mut keys, k),
        }
    }
    if keys.is_empty() {
        Match::Yes
    } else {
        Match::Depends(keys)
    }
}

pub(crate) fn merge(keys: &mut Vec<String>, more: Vec<String>) {
    for k in more {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
}

fn unresolved(c: &Condition, v: &Value) -> Match {
    let shown = match &v.text {
        ValueText::Unknown => "an unresolved value".to_string(),
        _ => format!("`{}`", v.display()),
    };
    Match::Depends(vec![format!("{} (compared with {shown})", c.key)])
}

/// One request value against one policy value, with a positive operator.
fn compare(op: &str, ty: OperatorType, v: &str, pv: &Value, c: &Condition, req: &Request, variables: bool) -> Match {
    match ty {
        OperatorType::String | OperatorType::Arn => {
            let (mode, ci) = match op {
                "StringEquals" => (Mode::Exact, false),
                "StringEqualsIgnoreCase" => (Mode::Exact, true),
                _ => (Mode::Glob, false),
            };
            // Fast path: a literal policy value without variables.
            if let Some(lit) = pv.lit().filter(|l| !(variables && l.contains("${"))) {
                return Match::from(match (ty, mode) {
                    (OperatorType::Arn, _) => arn_like(lit, v),
                    (_, Mode::Exact) if ci => lit.to_lowercase() == v.to_lowercase(),
                    (_, Mode::Exact) => lit == v,
                    (_, Mode::Glob) => crate::catalog::wildcard_match(lit, v, false),
                });
            }
            let Some(p) = Pattern::from_value(pv, mode, variables, req) else { return unresolved(c, pv) };
            let matched =
                if ty == OperatorType::Arn { arn_matches(&p, v) } else { p.covers(&Pattern::new(v, Mode::Exact), ci) };
            match (matched, p.unresolved.is_empty()) {
                (false, _) => Match::No,
                (true, true) => Match::Yes,
                (true, false) => Match::Depends(p.unresolved),
            }
        }
        _ => {
            let Some(text) = pv.lit() else { return unresolved(c, pv) };
            Match::from(match ty {
                OperatorType::Numeric => match (number(v), number(text)) {
                    (Some(a), Some(b)) => match op {
                        "NumericEquals" => a == b,
                        "NumericLessThan" => a < b,
                        "NumericLessThanEquals" => a <= b,
                        "NumericGreaterThan" => a > b,
                        "NumericGreaterThanEquals" => a >= b,
                        _ => false,
                    },
                    _ => false,
                },
                OperatorType::Date => match (parse_date(v), parse_date(text)) {
                    (Some(a), Some(b)) => match op {
                        "DateEquals" => a == b,
                        "DateLessThan" => a < b,
                        "DateLessThanEquals" => a <= b,
                        "DateGreaterThan" => a > b,
                        "DateGreaterThanEquals" => a >= b,
                        _ => false,
                    },
                    _ => false,
                },
                OperatorType::Bool => v.eq_ignore_ascii_case(text),
                OperatorType::Binary => v == text,
                OperatorType::IpAddress => ip_in(v, text),
                _ => false,
            })
        }
    }
}

/// `ArnEquals`/`ArnLike`: each of the six `:`-separated components is matched
/// on its own (the last one, the resource, may itself hold `:`), case-sensitively.
/// A value that is not a six-part ARN does not match.
fn arn_matches(p: &Pattern, value: &str) -> bool {
    if p.impossible {
        return false;
    }
    let pp = p.split_colons(6);
    let vp = Pattern::new(value, Mode::Exact).split_colons(6);
    pp.len() == 6 && vp.len() == 6 && pp.iter().zip(&vp).all(|(a, b)| a.covers(b, false))
}

/// [`arn_matches`] for a literal pattern, without allocating.
fn arn_like(pattern: &str, value: &str) -> bool {
    let (mut p, mut v) = (pattern.splitn(6, ':'), value.splitn(6, ':'));
    for _ in 0..6 {
        match (p.next(), v.next()) {
            (Some(a), Some(b)) if crate::catalog::wildcard_match(a, b, false) => {}
            _ => return false,
        }
    }
    true
}

fn number(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E')) {
        return None;
    }
    t.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// A date as milliseconds since the epoch: W3C ISO 8601 (`2026-01-31`,
/// `2026-01-31T12:00:00Z`, `2026-01-31T12:00:00.5+02:00`) or epoch seconds.
pub(crate) fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let secs: f64 = s.parse().ok()?;
        return Some((secs * 1000.0).round() as i64);
    }
    let b = s.as_bytes();
    let digits = |from: usize, n: usize| -> Option<i64> {
        let part = s.get(from..from + n)?;
        part.bytes().all(|c| c.is_ascii_digit()).then(|| part.parse().ok())?
    };
    let year = digits(0, 4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let (month, day) = (digits(5, 2)?, digits(8, 2)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut ms = days_from_civil(year, month, day) * 86_400_000;
    let mut i = 10;
    if i == b.len() {
        return Some(ms);
    }
    if !matches!(b[i], b'T' | b't' | b' ') {
        return None;
    }
    let (h, m) = (digits(i + 1, 2)?, digits(i + 4, 2)?);
    if b.get(i + 3) != Some(&b':') || h > 24 || m > 59 {
        return None;
    }
    ms += (h * 3600 + m * 60) * 1000;
    i += 6;
    if b.get(i) == Some(&b':') {
        let sec = digits(i + 1, 2)?;
        if sec > 60 {
            return None;
        }
        ms += sec * 1000;
        i += 3;
        if b.get(i) == Some(&b'.') {
            let start = i + 1;
            let mut end = start;
            while end < b.len() && b[end].is_ascii_digit() {
                end += 1;
            }
            let frac = &s[start..end];
            if frac.is_empty() {
                return None;
            }
            let three: String = frac.chars().chain("000".chars()).take(3).collect();
            ms += three.parse::<i64>().ok()?;
            i = end;
        }
    }
    match b.get(i) {
        None => Some(ms),
        Some(b'Z' | b'z') if i + 1 == b.len() => Some(ms),
        Some(&sign @ (b'+' | b'-')) => {
            let oh = digits(i + 1, 2)?;
            let om = match b.get(i + 3) {
                None => 0,
                Some(b':') => digits(i + 4, 2)?,
                Some(_) => digits(i + 3, 2)?,
            };
            let offset = (oh * 60 + om) * 60_000;
            Some(if sign == b'+' { ms - offset } else { ms + offset })
        }
        _ => None,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Is the address `ip` inside `cidr` (`203.0.113.0/24`, `2001:db8::/32`, or a single address)?
pub(crate) fn ip_in(ip: &str, cidr: &str) -> bool {
    let Ok(ip) = ip.trim().parse::<IpAddr>() else { return false };
    let (net, bits) = match cidr.trim().split_once('/') {
        Some((n, b)) => match b.parse::<u32>() {
            Ok(b) => (n, Some(b)),
            Err(_) => return false,
        },
        None => (cidr.trim(), None),
    };
    let Ok(net) = net.parse::<IpAddr>() else { return false };
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => prefix_eq(u32::from(a).into(), u32::from(n).into(), bits.unwrap_or(32), 32),
        (IpAddr::V6(a), IpAddr::V6(n)) => prefix_eq(u128::from(a), u128::from(n), bits.unwrap_or(128), 128),
        _ => false,
    }
}

fn prefix_eq(a: u128, b: u128, bits: u32, width: u32) -> bool {
    if bits > width {
        return false;
    }
    if bits == 0 {
        return true;
    }
    let shift = width - bits;
    (a >> shift) == (b >> shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_date("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_date("1970-01-02"), Some(86_400_000));
        assert_eq!(parse_date("86400"), Some(86_400_000));
        assert_eq!(parse_date("2026-03-01T01:00:00+01:00"), parse_date("2026-03-01T00:00:00Z"));
        assert_eq!(parse_date("2000-02-29T00:00:00.250Z").map(|m| m % 1000), Some(250));
        assert_eq!(parse_date("2024-12-31T23:59:59Z"), Some(1_735_689_599_000));
        assert_eq!(parse_date("yesterday"), None);
        assert_eq!(parse_date("2024-13-01"), None);
    }

    #[test]
    fn ip_ranges() {
        assert!(ip_in("203.0.113.7", "203.0.113.0/24"));
        assert!(!ip_in("203.0.114.7", "203.0.113.0/24"));
        assert!(ip_in("10.1.2.3", "0.0.0.0/0"));
        assert!(ip_in("10.1.2.3", "10.1.2.3"));
        assert!(ip_in("2001:db8::1", "2001:DB8::/32"));
        assert!(!ip_in("2001:db9::1", "2001:db8::/32"));
        assert!(!ip_in("10.0.0.1", "::/0"));
        assert!(!ip_in("not-an-ip", "10.0.0.0/8"));
        assert!(!ip_in("10.0.0.1", "10.0.0.0/33"));
    }
}
