//! IAM globs (`*`, `?`) and condition-key templates (`aws:ResourceTag/${TagKey}`).
//!
//! All matchers are iterative and allocation-free for ordinary inputs.

use std::cmp::Ordering;

/// Length in bytes of the UTF-8 character that starts with byte `b`.
#[inline]
fn char_len(b: u8) -> usize {
    match b {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xff => 4,
        _ => 1, // continuation byte: never a start when input is valid UTF-8
    }
}

#[inline]
fn eq_byte(a: u8, b: u8, ci: bool) -> bool {
    if ci {
        a.eq_ignore_ascii_case(&b)
    } else {
        a == b
    }
}

/// IAM glob match: `*` matches any run of characters (also empty), `?` exactly one
/// character; everything else literally (ASCII case-insensitively when
/// `case_insensitive`). Iterative with single-star backtracking: O(n*m) worst case,
/// no recursion, no allocation.
pub fn wildcard_match(pattern: &str, text: &str, case_insensitive: bool) -> bool {
    let p = pattern.as_bytes();
    let t = text.as_bytes();
    let (mut pi, mut ti) = (0usize, 0usize);
    // Position after the last '*' seen in the pattern and the text position it
    // is currently assumed to have consumed up to.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() {
            match p[pi] {
                b'*' => {
                    pi += 1;
                    star = Some((pi, ti));
                    continue;
                }
                b'?' => {
                    pi += 1;
                    ti += char_len(t[ti]);
                    continue;
                }
                c if eq_byte(c, t[ti], case_insensitive) => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, st)) => {
                let nt = st + char_len(t[st]);
                star = Some((sp, nt));
                pi = sp;
                ti = nt;
            }
            None => return false,
        }
    }
    // `ti` may overshoot only on invalid UTF-8; treat as consumed.
    p[pi.min(p.len())..].iter().all(|&c| c == b'*')
}

/// Case-insensitive (ASCII) comparison of two strings, byte-wise on lowercase.
#[inline]
pub(crate) fn cmp_ci(a: &[u8], b: &[u8]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        if x != y {
            let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
            if x != y {
                return x.cmp(&y);
            }
        }
    }
    a.len().cmp(&b.len())
}

/// Does `key` fit the condition-key `template`? Placeholders `${...}` and `<...>`
/// in the template match any non-empty run of characters; the rest compares
/// ASCII case-insensitively.
pub(crate) fn template_match(template: &str, key: &str) -> bool {
    let tb = template.as_bytes();
    let kb = key.as_bytes();
    // Walk literal runs separated by placeholders.
    let mut ti = 0usize;
    let mut ki = 0usize;
    let mut first = true;
    loop {
        // Next literal run [ti, lit_end), and whether a placeholder follows it.
        let mut lit_end = ti;
        let mut ph_end = None;
        while lit_end < tb.len() {
            let c = tb[lit_end];
            let close = match c {
                b'$' if tb.get(lit_end + 1) == Some(&b'{') => b'}',
                b'<' => b'>',
                _ => {
                    lit_end += 1;
                    continue;
                }
            };
            match tb[lit_end..].iter().position(|&x| x == close) {
                Some(off) => {
                    ph_end = Some(lit_end + off + 1);
                    break;
                }
                None => {
                    lit_end = tb.len();
                    break;
                }
            }
        }
        let lit = &tb[ti..lit_end];
        if first {
            // Anchored at the start.
            if kb.len() < lit.len() || !kb[..lit.len()].eq_ignore_ascii_case(lit) {
                return false;
            }
            ki = lit.len();
            first = false;
        } else if ph_end.is_none() {
            // Last literal: anchored at the end, after at least one placeholder char.
            return kb.len() >= ki + 1 + lit.len() && kb[kb.len() - lit.len()..].eq_ignore_ascii_case(lit);
        } else {
            // Middle literal: leftmost occurrence after at least one char.
            let from = ki + 1;
            if from > kb.len() {
                return false;
            }
            match find_ci(&kb[from..], lit) {
                Some(pos) => ki = from + pos + lit.len(),
                None => return false,
            }
        }
        match ph_end {
            Some(e) => ti = e,
            None => return ki == kb.len(),
        }
        if ti >= tb.len() {
            // Template ends with a placeholder: needs at least one more char.
            return kb.len() > ki;
        }
    }
}

fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    if hay.len() < needle.len() {
        return None;
    }
    (0..=hay.len() - needle.len()).find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::tests::xorshift;

    #[test]
    fn glob_basics() {
        assert!(wildcard_match("*", "", false));
        assert!(wildcard_match("*", "anything", false));
        assert!(wildcard_match("chime:*", "chime:CreateSipRule", false));
        assert!(wildcard_match("chime:get*", "chime:GetSipRule", true));
        assert!(!wildcard_match("chime:get*", "chime:GetSipRule", false));
        assert!(wildcard_match("chime:?etSipRule", "chime:GetSipRule", false));
        assert!(!wildcard_match("chime:?etSipRule", "chime:etSipRule", false));
        assert!(wildcard_match("*Sip*Rule", "chime:GetSipRule", false));
        assert!(wildcard_match("a*b*c", "axxbyyc", false));
        assert!(!wildcard_match("a*b*c", "axxbyy", false));
        assert!(wildcard_match("a**", "a", false));
        assert!(!wildcard_match("", "a", false));
        assert!(wildcard_match("", "", false));
        assert!(wildcard_match("é?", "éü", false));
        assert!(wildcard_match("*ü", "éü", false));
    }

    fn glob_ref(p: &[u8], t: &[u8]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some((b'*', rest)) => (0..=t.len()).any(|k| glob_ref(rest, &t[k..])),
            Some((b'?', rest)) => !t.is_empty() && glob_ref(rest, &t[1..]),
            Some((&c, rest)) => !t.is_empty() && t[0] == c && glob_ref(rest, &t[1..]),
        }
    }

    #[test]
    fn glob_agrees_with_reference() {
        let mut next = xorshift(0x1234_5678_9abc_def1u64);
        for _ in 0..20_000 {
            let p: Vec<u8> = (0..next(7)).map(|_| b"ab*?"[next(4) as usize]).collect();
            let t: Vec<u8> = (0..next(8)).map(|_| b"ab"[next(2) as usize]).collect();
            let (ps, ts) = (std::str::from_utf8(&p).unwrap(), std::str::from_utf8(&t).unwrap());
            assert_eq!(wildcard_match(ps, ts, false), glob_ref(&p, &t), "{ps} {ts}");
        }
    }

    #[test]
    fn glob_is_not_exponential() {
        let text = "a".repeat(5000);
        let pat = format!("{}b", "*a".repeat(50));
        let t = std::time::Instant::now();
        assert!(!wildcard_match(&pat, &text, false));
        assert!(t.elapsed().as_secs() < 2);
    }

    #[test]
    fn templates() {
        assert!(template_match("aws:ResourceTag/${TagKey}", "aws:resourcetag/team"));
        assert!(!template_match("aws:ResourceTag/${TagKey}", "aws:ResourceTag/"));
        assert!(!template_match("aws:ResourceTag/${TagKey}", "aws:RequestTag/x"));
        assert!(template_match("s3:ExistingObjectTag/<key>", "s3:ExistingObjectTag/env"));
        assert!(template_match(
            "codebuild:secondarySources/${sourceIdentifier}.auth.type",
            "codebuild:secondarySources/src1.auth.type"
        ));
        assert!(!template_match(
            "codebuild:secondarySources/${sourceIdentifier}.auth.type",
            "codebuild:secondarySources/.auth.type"
        ));
        assert!(template_match("a${X}b${Y}c", "a1b2c"));
        assert!(!template_match("a${X}b${Y}c", "abc"));
        assert!(template_match("plain", "PLAIN"));
        assert!(!template_match("plain", "plainx"));
    }
}
