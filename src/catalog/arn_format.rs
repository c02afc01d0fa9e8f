//! ARN formats against ARNs: whether a resource a policy names (itself a
//! pattern, with `*`, `?` and unresolved holes) can be of a resource type
//! whose ARN format AWS gives (`arn:${Partition}:chime:${Region}:${Account}:sma/${SipMediaApplicationId}`).
//! The costly part of the resource rules, so formats are cut once into
//! segments and verdicts remembered.
//!
//! All matchers are iterative and allocation-free for ordinary inputs.

/// Token of an ARN format or of a user ARN.
const SEG_PH: u16 = 256; // format placeholder within one ':' segment (partition, region, account)
const ANY_PH: u16 = 257; // format placeholder in the resource part: any run
const STAR: u16 = 258; // user '*' (or a policy variable ${...})
const QMARK: u16 = 259; // user '?'
const NAME_PH: u16 = 260; // format placeholder that never holds '/' or ':' (S3 bucket names)

/// Placeholders in the resource part that are known single-segment names.
fn single_segment_placeholder(name: &[u8]) -> bool {
    name == b"BucketName"
}

const STACK: usize = 128;

/// A token list: on the stack while it fits, spilled to the heap beyond.
struct Tokens {
    buf: [u16; STACK],
    len: usize,
    spill: Vec<u16>,
}

impl Tokens {
    fn new() -> Tokens {
        Tokens { buf: [0; STACK], len: 0, spill: Vec::new() }
    }

    fn push(&mut self, tok: u16) {
        if self.len < STACK {
            self.buf[self.len] = tok;
        } else {
            if self.spill.is_empty() {
                self.spill.extend_from_slice(&self.buf);
            }
            self.spill.push(tok);
        }
        self.len += 1;
    }

    fn as_slice(&self) -> &[u16] {
        if self.len <= STACK {
            &self.buf[..self.len]
        } else {
            &self.spill
        }
    }
}

/// An ARN format's tokens; `colons` is how many `:` come before `fmt` (a
/// placeholder takes no `:` before the resource part, after the fifth).
fn tokenize_format(fmt: &[u8], mut colons: usize) -> Tokens {
    let mut out = Tokens::new();
    let mut i = 0usize;
    while i < fmt.len() {
        let c = fmt[i];
        if c == b'$' && fmt.get(i + 1) == Some(&b'{') {
            if let Some(off) = fmt[i..].iter().position(|&x| x == b'}') {
                let tok = if colons < 5 {
                    SEG_PH
                } else if single_segment_placeholder(&fmt[i + 2..i + off]) {
                    NAME_PH
                } else {
                    ANY_PH
                };
                out.push(tok);
                i += off + 1;
                continue;
            }
        }
        if c == b'*' {
            out.push(if colons < 5 { SEG_PH } else { ANY_PH });
        } else {
            if c == b':' {
                colons += 1;
            }
            out.push(c as u16);
        }
        i += 1;
    }
    out
}

/// A user ARN's tokens: a policy variable such as `${aws:username}` is a `*`.
fn tokenize_user(arn: &[u8]) -> Tokens {
    let mut out = Tokens::new();
    let mut i = 0usize;
    while i < arn.len() {
        let c = arn[i];
        if c == b'$' && arn.get(i + 1) == Some(&b'{') {
            if let Some(off) = arn[i..].iter().position(|&x| x == b'}') {
                out.push(STAR);
                i += off + 1;
                continue;
            }
        }
        out.push(match c {
            b'*' => STAR,
            b'?' => QMARK,
            _ => c as u16,
        });
        i += 1;
    }
    out
}

/// Could some concrete ARN match both the AWS `format` (with `${...}` placeholders)
/// and the user's `arn` (with IAM wildcards `*`, `?` and policy variables)?
#[cfg(test)]
fn arn_format_matches(format: &'static str, arn: &str) -> bool {
    arn_format_matches_as(None, format, arn)
}

/// Could some concrete ARN match both the AWS `format` (with `${...}` placeholders)
/// and the user's `arn` (with IAM wildcards `*`, `?` and policy variables)?
/// `id` names the format (its resource type), so that the costly answers can
/// be remembered.
pub(crate) fn arn_format_matches_as(id: Option<u32>, format: &'static str, arn: &str) -> bool {
    // A few resource types have two formats, which the data gives joined by
    // ", " (a Lex bot alias by id or by name, API Gateway's HTTP and REST
    // APIs): an ARN of either is one of that type. Rare, so not remembered.
    if format.contains(", ") {
        return format.split(", ").any(|one| arn_format_matches_as(None, one, arn));
    }
    let verdict = match id {
        Some(id) => segments_verdict_of(&format_parts(id, format), arn.as_bytes()),
        None => segments_verdict(format.as_bytes(), arn.as_bytes()),
    };
    match verdict {
        Verdict::Yes => return true,
        Verdict::No => return false,
        Verdict::Unsure => {}
    }
    let decide = || full_match(format, arn);
    match id {
        Some(id) => remembered(id, arn, decide),
        None => decide(),
    }
}

/// The whole-string table alone, without the quick tests.
fn full_match(format: &str, arn: &str) -> bool {
    let (t, u) = (tokenize_format(format.as_bytes(), 0), tokenize_user(arn.as_bytes()));
    intersect(t.as_slice(), u.as_slice())
}

/// The whole-string table's answers, remembered per thread by ARN and format:
/// it is the costly case (a `*` that may span `:`), and templated ARNs such as
/// `arn:${AWS::Partition}:chime:${AWS::Region}:${AWS::AccountId}:sma/*`
/// (read as `arn:*:chime:*:*:sma/*`) come back in template after template.
fn remembered(id: u32, arn: &str, decide: impl FnOnce() -> bool) -> bool {
    use std::cell::RefCell;
    /// By ARN: the formats (resource type indexes) tried, with the answers.
    type Decided = foldhash::HashMap<Box<str>, Vec<(u32, bool)>>;
    thread_local! {
        static DECIDED: RefCell<Decided> = RefCell::default();
    }
    /// Beyond this many ARNs the memory starts over.
    const CAPACITY: usize = 4096;
    let known = DECIDED.with_borrow(|m| m.get(arn).and_then(|v| v.iter().find(|(i, _)| *i == id).map(|&(_, a)| a)));
    if let Some(answer) = known {
        return answer;
    }
    let answer = decide();
    DECIDED.with_borrow_mut(|m| {
        if m.len() >= CAPACITY && !m.contains_key(arn) {
            m.clear();
        }
        m.entry(arn.into()).or_default().push((id, answer));
    });
    answer
}

/// What the segment-by-segment test can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Yes,
    No,
    /// Only the whole-string table can tell.
    Unsure,
}

/// A quick test on the five `:`-separated segments before the resource part,
/// then the resource part, each pair matched on its own; a short segment
/// costs a fraction of the whole table.
///
/// - Yes when every pair can match: a witness for each segment, joined with
///   `:`, is one for the whole (format segments before the resource part hold
///   no `:`).
/// - No when a pair cannot match and the user's segments before it hold no
///   wildcard: then the user's `:` are the only ones its ARN can have there,
///   so they meet the format's and the segments start together. They cannot
///   match when the segment holds no wildcard either, when it is the
///   resource part (matched whole), or when its literal start disagrees with
///   the format's (`chime` vs `s3`, `sma/` vs `vc/`).
/// - Unsure otherwise (a user's `*` may span `:`).
fn segments_verdict(format: &[u8], arn: &[u8]) -> Verdict {
    segments_verdict_of(&Parts::of_format(format), arn)
}

/// [`segments_verdict`] with the format cut already.
fn segments_verdict_of(f: &Parts, arn: &[u8]) -> Verdict {
    let u = Parts::of_user(arn);
    // No wildcard in the user's segments so far: its `:` are where they stand.
    let mut fixed = true;
    for k in 0..6 {
        if k >= f.len || k >= u.len {
            return Verdict::Unsure;
        }
        let resource = k == 5;
        let (fk, uk) = (&f.parts[k], &u.parts[k]);
        if !segment_fits_marked(fk, uk, resource) {
            let sure = fixed && (resource || !uk.wild || starts_disagree(fk.text, uk.text));
            return if sure { Verdict::No } else { Verdict::Unsure };
        }
        fixed &= !uk.wild;
    }
    Verdict::Yes
}

/// The format of resource type `id` cut ([`Parts::of_format`]) once a
/// thread: a run matches the same few formats against many ARNs.
fn format_parts(id: u32, format: &'static str) -> Parts<'static> {
    use std::cell::RefCell;
    thread_local! {
        static KNOWN: RefCell<foldhash::HashMap<u32, Parts<'static>>> = RefCell::default();
    }
    KNOWN.with_borrow_mut(|known| *known.entry(id).or_insert_with(|| Parts::of_format(format.as_bytes())))
}

/// Where a segment stops being plain text: a wildcard (`*`, `?`), or a `$`
/// that may open a placeholder or a policy variable (a lone `$` only sends
/// the segment the slower way).
fn not_literal(c: u8) -> bool {
    matches!(c, b'*' | b'?' | b'$')
}

/// The literal starts of a format segment and a user segment that start
/// together disagree: up to the first placeholder and the first wildcard,
/// or the user's goes on past a whole literal format segment (whose `:` it
/// would have to hold).
fn starts_disagree(f: &[u8], u: &[u8]) -> bool {
    let lit = f.iter().position(|&c| c == b'$' || c == b'*').unwrap_or(f.len());
    let known = u.iter().position(|&c| not_literal(c)).unwrap_or(u.len());
    let n = lit.min(known);
    !f[..n].eq_ignore_ascii_case(&u[..n]) || (lit == f.len() && known > f.len())
}

/// A format or a user's ARN cut into its five `:`-separated segments and
/// its resource part (the rest, `:` and all): one pass over the bytes, for
/// the segments and their marks together.
#[derive(Clone, Copy)]
struct Parts<'a> {
    parts: [Segment<'a>; 6],
    /// How many parts there are: fewer than six when there are fewer `:`.
    len: usize,
}

/// One part of [`Parts`], with what the matching asks of it.
#[derive(Clone, Copy)]
struct Segment<'a> {
    text: &'a [u8],
    /// Holds anything but plain text ([`not_literal`]).
    wild: bool,
    /// A format's `${Name}` and nothing else ([`is_lone_placeholder`]).
    lone: bool,
    /// A format's segment holding `${BucketName}`, whose placeholder takes no `/`.
    bucket: bool,
}

impl<'a> Parts<'a> {
    /// A format, cut at its first five `:`.
    fn of_format(format: &'a [u8]) -> Parts<'a> {
        let mut parts = Parts::cut(format, false);
        for p in &mut parts.parts[..parts.len] {
            p.mark_format();
        }
        parts
    }

    /// A user's ARN, where the `:` of a policy variable (`${aws:username}`)
    /// separates nothing.
    fn of_user(arn: &'a [u8]) -> Parts<'a> {
        Parts::cut(arn, true)
    }

    fn cut(s: &'a [u8], variables: bool) -> Parts<'a> {
        let mut parts = Parts { parts: [Segment::new(&s[..0], false); 6], len: 0 };
        /// The bytes that end a run of plain text: `:` and what [`not_literal`] names.
        const STOP: [bool; 256] = {
            let mut stop = [false; 256];
            let mut k = 0;
            while k < 4 {
                stop[b":$*?"[k] as usize] = true;
                k += 1;
            }
            stop
        };
        let (mut start, mut i, mut wild) = (0, 0, false);
        while let Some(run) = s[i..].iter().position(|&c| STOP[c as usize]) {
            i += run;
            match s[i] {
                b':' if parts.len < 5 => {
                    parts.push(&s[start..i], wild);
                    (start, wild) = (i + 1, false);
                }
                b':' => {}
                b'$' => {
                    wild = true;
                    if variables && s.get(i + 1) == Some(&b'{') {
                        // To its `}` (or the end): no `:` inside separates.
                        i += s[i..].iter().position(|&c| c == b'}').unwrap_or(s.len() - i);
                        continue;
                    }
                }
                _ => wild = true,
            }
            i += 1;
        }
        parts.push(&s[start..], wild);
        parts
    }

    fn push(&mut self, text: &'a [u8], wild: bool) {
        self.parts[self.len] = Segment::new(text, wild);
        self.len += 1;
    }
}

impl<'a> Segment<'a> {
    fn new(text: &'a [u8], wild: bool) -> Segment<'a> {
        Segment { text, wild, lone: false, bucket: false }
    }

    /// Marks what only a format's segment can be: a lone placeholder, or one
    /// holding `${BucketName}`.
    fn mark_format(&mut self) {
        self.lone = self.wild && is_lone_placeholder(self.text);
        self.bucket = self.wild && holds_bucket_name(self.text);
    }
}

/// Can one format segment and one user segment match? The answers most
/// segments have at a glance come first: a lone placeholder before the
/// resource part (`${Region}`) or a user's lone `*` takes anything, two
/// literal segments compare as text, and a literal user segment (perhaps
/// closed by a `*`, as in `sma/*`) is matched against the format as a glob.
#[cfg(test)]
fn segment_fits(f: &[u8], u: &[u8], resource: bool) -> bool {
    let wild = |text: &[u8]| text.iter().any(|&c| not_literal(c));
    let mut f_marked = Segment::new(f, wild(f));
    f_marked.mark_format();
    segment_fits_marked(&f_marked, &Segment::new(u, wild(u)), resource)
}

/// [`segment_fits`] on segments that [`Parts`] has marked.
fn segment_fits_marked(f: &Segment, u: &Segment, resource: bool) -> bool {
    let (ft, ut) = (f.text, u.text);
    if ut == b"*" || (!resource && f.lone) {
        return true;
    }
    let (lit, open) = match ut.split_last() {
        Some((b'*', rest)) => (rest, true),
        _ => (ut, false),
    };
    let lit_wild = u.wild && (!open || lit.iter().any(|&c| not_literal(c)));
    if !lit_wild {
        if !f.wild {
            return match open {
                true => ft.len() >= lit.len() && ft[..lit.len()].eq_ignore_ascii_case(lit),
                false => ft.eq_ignore_ascii_case(lit),
            };
        }
        // Before the resource part a placeholder takes any run without `:`,
        // and the segment has none; in it, any run but for a bucket's name.
        if !resource || !f.bucket {
            return glob_fits(ft, lit, open);
        }
    }
    let t = tokenize_format(ft, if resource { 5 } else { 0 });
    let u = tokenize_user(ut);
    segment_intersect(t.as_slice(), u.as_slice())
}

/// Whether a format segment holds `${BucketName}`, whose placeholder takes
/// no `/`.
fn holds_bucket_name(f: &[u8]) -> bool {
    f.iter().enumerate().any(|(i, &c)| c == b'$' && f[i..].starts_with(b"${BucketName}"))
}

/// `${Name}` and nothing else.
fn is_lone_placeholder(f: &[u8]) -> bool {
    f.starts_with(b"${") && f.iter().position(|&c| c == b'}') == Some(f.len() - 1)
}

/// [`intersect`], with a quicker way for a user segment that is literal or
/// literal up to a closing `*` (a concrete ARN, or `table/orders*`).
fn segment_intersect(t: &[u16], u: &[u16]) -> bool {
    let (lit, open) = match u.split_last() {
        Some((&STAR, rest)) => (rest, true),
        _ => (u, false),
    };
    if lit.iter().all(|&x| is_lit(x)) {
        if let Some(answer) = literal_fits(t, lit, open) {
            return answer;
        }
    }
    intersect(t, u)
}

/// Does the literal `lit` fit the format segment `f`, whole or (when `open`)
/// as the start of a string `f` produces, where each placeholder (`${...}`
/// or `*`) takes any run? Plain glob matching on the bytes, linear but for
/// going back to the last placeholder.
fn glob_fits(f: &[u8], lit: &[u8], open: bool) -> bool {
    // The placeholder at `i`: where the format resumes after it.
    let placeholder = |i: usize| match f.get(i) {
        Some(b'*') => Some(i + 1),
        Some(b'$') if f.get(i + 1) == Some(&b'{') => f[i..].iter().position(|&c| c == b'}').map(|off| i + off + 1),
        _ => None,
    };
    let (mut fi, mut li) = (0usize, 0usize);
    // After the last placeholder: where the format resumes, and how much of
    // `lit` the placeholder has taken.
    let mut star: Option<(usize, usize)> = None;
    while li < lit.len() {
        if let Some(resume) = placeholder(fi) {
            if resume == f.len() {
                // The format ends with this placeholder: it takes the rest.
                return true;
            }
            fi = resume;
            star = Some((fi, li));
            continue;
        }
        if f.get(fi).is_some_and(|c| c.eq_ignore_ascii_case(&lit[li])) {
            fi += 1;
            li += 1;
            continue;
        }
        let Some((resume, taken)) = star else { return false };
        star = Some((resume, taken + 1));
        fi = resume;
        li = taken + 1;
    }
    // All of `lit` is read: the rest of the format may follow (`open`) or
    // must be able to produce nothing.
    while let (false, Some(resume)) = (open, placeholder(fi)) {
        fi = resume;
    }
    open || fi == f.len()
}

/// Does the literal `lit` fit the format tokens `t`, whole or (when `open`)
/// as the start of a string `t` produces? The set of format positions
/// reachable after each character, as a bit set: one pass over `lit`, with
/// each placeholder's own alphabet. `None` for formats too long for the set.
fn literal_fits(t: &[u16], lit: &[u16], open: bool) -> Option<bool> {
    let n = t.len();
    if n >= 64 {
        return None;
    }
    let placeholders = t.iter().enumerate().filter(|(_, &x)| is_ph(x)).fold(0u64, |m, (i, _)| m | 1 << i);
    // A placeholder may take nothing: past it is reachable too.
    let skip = |mut s: u64| loop {
        let more = ((s & placeholders) << 1) & !s;
        if more == 0 {
            return s;
        }
        s |= more;
    };
    let mut reach = skip(1);
    for &c in lit {
        let mut next = 0u64;
        let mut bits = reach & !(1 << n);
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            let x = t[i];
            if is_ph(x) {
                if ph_accepts(x, c) {
                    next |= 1 << i;
                }
            } else if (x as u8).eq_ignore_ascii_case(&(c as u8)) {
                next |= 1 << (i + 1);
            }
        }
        reach = skip(next);
        if reach == 0 {
            return Some(false);
        }
    }
    Some(if open { reach != 0 } else { reach & (1 << n) != 0 })
}

#[inline]
fn is_ph(x: u16) -> bool {
    x == SEG_PH || x == ANY_PH || x == NAME_PH
}

#[inline]
fn is_lit(x: u16) -> bool {
    x < 256
}

/// Placeholder `ph` can produce the character that user token `u` (a literal or
/// '?') stands for.
#[inline]
fn ph_accepts(ph: u16, u: u16) -> bool {
    match ph {
        SEG_PH => u == QMARK || u != b':' as u16,
        NAME_PH => u == QMARK || (u != b':' as u16 && u != b'/' as u16),
        _ => true,
    }
}

/// Row-by-row reachability over (format position, user position). All moves go
/// forward in both coordinates, so a single pass in row-major order suffices.
/// Only the band of reachable columns is visited, so literal-heavy formats cost
/// little more than a plain comparison.
fn intersect(t: &[u16], u: &[u16]) -> bool {
    let n = t.len();
    let m = u.len();
    // Two rows on the stack for ordinary ARNs and their segments; zeroing a
    // larger buffer on every call would cost more than the match itself.
    const ROW: usize = 96;
    let mut rows_buf = [false; 2 * (ROW + 1)];
    let mut rows_vec;
    let rows: &mut [bool] = if m < ROW {
        &mut rows_buf[..2 * (m + 1)]
    } else {
        rows_vec = vec![false; 2 * (m + 1)];
        &mut rows_vec
    };
    let (mut prev, mut cur) = rows.split_at_mut(m + 1);
    // Row 0: a run of user '*' (or user chars a leading placeholder can take).
    cur[0] = true;
    let (mut lo, mut hi) = (0usize, 0usize);
    for j in 1..=m {
        let uj = u[j - 1];
        if !(uj == STAR || (n > 0 && is_ph(t[0]) && ph_accepts(t[0], uj))) {
            break;
        }
        cur[j] = true;
        hi = j;
    }
    for i in 1..=n {
        std::mem::swap(&mut prev, &mut cur);
        let (plo, phi) = (lo, hi);
        let at = |row: &[bool], x: usize| x >= plo && x <= phi && row[x];
        let ti = t[i - 1];
        let next_t = if i < n { Some(t[i]) } else { None };
        let mut found = false;
        let mut left = false; // cur[j - 1]
        let mut j = plo;
        while j <= m && (j <= phi + 1 || left) {
            let mut r = false;
            if j > 0 && is_lit(ti) && at(prev, j - 1) {
                let uj = u[j - 1];
                r = uj == QMARK || (is_lit(uj) && (uj as u8).eq_ignore_ascii_case(&(ti as u8)));
            }
            if !r && at(prev, j) && (is_ph(ti) || (is_lit(ti) && j < m && u[j] == STAR)) {
                r = true;
            }
            if !r && j > plo && left {
                let uj = u[j - 1];
                r = uj == STAR || matches!(next_t, Some(nt) if is_ph(nt) && ph_accepts(nt, uj));
            }
            cur[j] = r;
            if r {
                if !found {
                    lo = j;
                    found = true;
                }
                hi = j;
            }
            left = r;
            j += 1;
        }
        if !found {
            return false;
        }
    }
    hi == m && cur[m]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::tests::xorshift;

    /// Straightforward full-table version of `intersect`, as a reference.
    fn intersect_ref(t: &[u16], u: &[u16]) -> bool {
        let (n, m) = (t.len(), u.len());
        let mut r = vec![vec![false; m + 1]; n + 1];
        r[0][0] = true;
        for i in 0..=n {
            for j in 0..=m {
                if i == 0 && j == 0 {
                    continue;
                }
                let mut v = false;
                if i > 0 && j > 0 && r[i - 1][j - 1] && is_lit(t[i - 1]) {
                    let uj = u[j - 1];
                    v = uj == QMARK || (is_lit(uj) && (uj as u8).eq_ignore_ascii_case(&(t[i - 1] as u8)));
                }
                if i > 0 && r[i - 1][j] && (is_ph(t[i - 1]) || (is_lit(t[i - 1]) && j < m && u[j] == STAR)) {
                    v = true;
                }
                if j > 0 && r[i][j - 1] {
                    let uj = u[j - 1];
                    v |= uj == STAR || (i < n && is_ph(t[i]) && ph_accepts(t[i], uj));
                }
                r[i][j] = v;
            }
        }
        r[n][m]
    }

    #[test]
    fn banded_table_and_segment_shortcuts_agree_with_reference() {
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15u64);
        let talpha = [b'a' as u16, b'b' as u16, b'/' as u16, b':' as u16, ANY_PH, ANY_PH, NAME_PH, SEG_PH];
        let ualpha = [b'a' as u16, b'B' as u16, b'/' as u16, b':' as u16, b'a' as u16, STAR, QMARK];
        for _ in 0..50_000 {
            let n = next(9) as usize;
            let m = next(10) as usize;
            let t: Vec<u16> = (0..n).map(|_| talpha[next(talpha.len() as u64) as usize]).collect();
            let u: Vec<u16> = (0..m).map(|_| ualpha[next(ualpha.len() as u64) as usize]).collect();
            let expected = intersect_ref(&t, &u);
            assert_eq!(intersect(&t, &u), expected, "table: {t:?} {u:?}");
            assert_eq!(segment_intersect(&t, &u), expected, "shortcuts: {t:?} {u:?}");
        }
    }

    #[test]
    fn segment_fits_agrees_with_reference() {
        let mut next = xorshift(0x0bad_5eed_1234_5678u64);
        let fparts = ["a", "B", "/", "-", "${P}", "*", "$", "${BucketName}", "{"];
        let uparts = ["a", "b", "/", "-", "A", "*", "?", "${v}", "$"];
        for _ in 0..50_000 {
            let f: String = (0..next(6)).map(|_| fparts[next(fparts.len() as u64) as usize]).collect();
            let u: String = (0..next(7)).map(|_| uparts[next(uparts.len() as u64) as usize]).collect();
            for resource in [false, true] {
                let t = tokenize_format(f.as_bytes(), if resource { 5 } else { 0 });
                let w = tokenize_user(u.as_bytes());
                let expected = intersect_ref(t.as_slice(), w.as_slice());
                assert_eq!(segment_fits(f.as_bytes(), u.as_bytes(), resource), expected, "{f:?} {u:?} {resource}");
            }
        }
    }

    /// Does the concrete string `s` fit the token list (format or user side)?
    fn fits(toks: &[u16], s: &[u8]) -> bool {
        match toks.split_first() {
            None => s.is_empty(),
            Some((&tk, rest)) => {
                if is_lit(tk) {
                    !s.is_empty() && s[0].eq_ignore_ascii_case(&(tk as u8)) && fits(rest, &s[1..])
                } else if tk == QMARK {
                    !s.is_empty() && fits(rest, &s[1..])
                } else {
                    // Placeholder or star: any run of accepted characters.
                    (0..=s.len())
                        .any(|k| s[..k].iter().all(|&c| tk == STAR || ph_accepts(tk, c as u16)) && fits(rest, &s[k..]))
                }
            }
        }
    }

    #[test]
    fn intersection_matches_brute_force() {
        let chars = [b'a', b':', b'/'];
        let mut strings: Vec<Vec<u8>> = vec![vec![]];
        let mut last = vec![vec![]];
        for _ in 0..6 {
            let mut next = Vec::new();
            for s in &last {
                for &c in &chars {
                    let mut x = s.clone();
                    x.push(c);
                    next.push(x);
                }
            }
            strings.extend(next.iter().cloned());
            last = next;
        }
        let talpha = [b'a' as u16, b':' as u16, b'/' as u16, SEG_PH, ANY_PH, NAME_PH];
        let ualpha = [b'a' as u16, b':' as u16, b'/' as u16, STAR, QMARK];
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15u64);
        for _ in 0..3_000 {
            let t: Vec<u16> = (0..next(4)).map(|_| talpha[next(talpha.len() as u64) as usize]).collect();
            let u: Vec<u16> = (0..next(4)).map(|_| ualpha[next(ualpha.len() as u64) as usize]).collect();
            let brute = strings.iter().any(|s| fits(&t, s) && fits(&u, s));
            assert_eq!(intersect(&t, &u), brute, "{t:?} {u:?}");
        }
    }

    #[test]
    fn segment_by_segment_agrees_with_the_whole_when_sure() {
        let mut next = xorshift(0x2545_f491_4f6c_dd1du64);
        // ARN-shaped: six `:`-separated segments, the last of which may hold `:`.
        let fparts = ["a", "b", "/", "${P}", "*", "${BucketName}"];
        let uparts = ["a", "b", "/", "*", "?", "${v}", "${a:b}", "${"];
        let mut arn = |parts: &[&str]| {
            let mut segments: Vec<String> =
                (0..6).map(|_| (0..next(3)).map(|_| parts[next(parts.len() as u64) as usize]).collect()).collect();
            if next(3) == 0 {
                segments[5].push(':');
                segments[5].push_str(parts[next(parts.len() as u64) as usize]);
            }
            segments.join(":")
        };
        let (mut yes, mut no, mut total) = (0, 0, 0);
        for _ in 0..100_000 {
            let f = arn(&fparts);
            let u = arn(&uparts);
            total += 1;
            let whole = full_match(&f, &u);
            match segments_verdict(f.as_bytes(), u.as_bytes()) {
                Verdict::Yes => {
                    yes += 1;
                    assert!(whole, "yes: format {f:?} arn {u:?}");
                }
                Verdict::No => {
                    no += 1;
                    assert!(!whole, "no: format {f:?} arn {u:?}");
                }
                Verdict::Unsure => {}
            }
        }
        assert!(yes > total / 100, "segment by segment said yes {yes} times in {total}");
        assert!(no > total / 100, "segment by segment said no {no} times in {total}");
    }

    /// `Parts` cuts and marks as splitting and scanning each part would: a
    /// format at its first five `:`, an ARN likewise but for the `:` inside
    /// `${...}` before its resource part.
    #[test]
    fn parts_cut_and_mark_as_a_plain_split_would() {
        fn reference(s: &[u8], variables: bool) -> Vec<(Vec<u8>, bool)> {
            let mut out = Vec::new();
            let mut rest = s;
            loop {
                let mut i = 0;
                let cut = loop {
                    if out.len() == 5 || i >= rest.len() {
                        break None;
                    }
                    match rest[i] {
                        b':' => break Some(i),
                        b'$' if variables && rest.get(i + 1) == Some(&b'{') => {
                            i += rest[i..].iter().position(|&c| c == b'}').unwrap_or(rest.len() - i)
                        }
                        _ => i += 1,
                    }
                };
                let part = &rest[..cut.unwrap_or(rest.len())];
                out.push((part.to_vec(), part.iter().any(|&c| not_literal(c))));
                match cut {
                    Some(i) => rest = &rest[i + 1..],
                    None => return out,
                }
            }
        }
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15u64);
        let pieces = ["a", ":", "${", "}", "*", "?", "$", "${x:y}", "/"];
        for _ in 0..50_000 {
            let s: String = (0..next(14)).map(|_| pieces[next(pieces.len() as u64) as usize]).collect();
            for variables in [false, true] {
                let p = Parts::cut(s.as_bytes(), variables);
                let got: Vec<(Vec<u8>, bool)> =
                    (0..p.len).map(|k| (p.parts[k].text.to_vec(), p.parts[k].wild)).collect();
                assert_eq!(got, reference(s.as_bytes(), variables), "{s:?} variables: {variables}");
            }
        }
    }

    #[test]
    fn a_sure_answer_is_the_whole_table_s() {
        let mut next = xorshift(0x51_7cc1_b727_220au64);
        let fparts = ["a", "B", ":", ":", "/", "${P}", "*", "$", "ab:"];
        let uparts = ["a", "b", ":", ":", "/", "*", "?", "${v}", "${", "A"];
        let (mut sure, mut total) = (0, 0);
        for _ in 0..100_000 {
            let f: String = (0..next(12)).map(|_| fparts[next(fparts.len() as u64) as usize]).collect();
            let u: String = (0..next(12)).map(|_| uparts[next(uparts.len() as u64) as usize]).collect();
            total += 1;
            match segments_verdict(f.as_bytes(), u.as_bytes()) {
                Verdict::Yes => assert!(full_match(&f, &u), "yes: format {f:?} arn {u:?}"),
                Verdict::No => assert!(!full_match(&f, &u), "no: format {f:?} arn {u:?}"),
                Verdict::Unsure => continue,
            }
            sure += 1;
        }
        assert!(sure > total / 20, "sure of {sure} in {total}");
        let sma = b"arn:${Partition}:chime:${Region}:${AccountId}:sma/${SipMediaApplicationId}";
        let verdict = |arn: &str| segments_verdict(sma, arn.as_bytes());
        assert_eq!(verdict("arn:aws:chime:us-east-1:123456789012:vc/abc"), Verdict::No);
        assert_eq!(verdict("arn:aws:s3:::bucket/*"), Verdict::No);
        assert_eq!(verdict("arn:aws:chimex*:us-east-1:1:sma/a"), Verdict::No);
        assert_eq!(verdict("arn:aws:chime:us-east-1:123456789012:sma/abc"), Verdict::Yes);
        assert_eq!(verdict("arn:aws:chime:*:*:sma/*"), Verdict::Yes);
        assert_eq!(verdict("arn:aws:chime:*:*:vc/abc"), Verdict::Unsure);
    }

    #[test]
    fn a_type_with_two_formats_matches_either() {
        let alias = "arn:${Partition}:lex:${Region}:${Account}:bot-alias/${BotId}/${BotAliasId}, arn:${Partition}:lex:${Region}:${Account}:bot:${BotName}:${BotAlias}";
        for id in [None, Some(7)] {
            assert!(arn_format_matches_as(id, alias, "arn:aws:lex:us-east-1:123456789012:bot-alias/BOTID123/ALIASID1"));
            assert!(arn_format_matches_as(id, alias, "arn:aws:lex:us-east-1:123456789012:bot:OrderFlowers:prod"));
            assert!(!arn_format_matches_as(id, alias, "arn:aws:lex:us-east-1:123456789012:intent:OrderFlowers"));
        }
    }

    #[test]
    fn arn_formats() {
        let sma = "arn:${Partition}:chime:${Region}:${AccountId}:sma/${SipMediaApplicationId}";
        let vc = "arn:${Partition}:chime:${Region}:${AccountId}:vc/${VoiceConnectorId}";
        let arn = "arn:aws:chime:us-east-1:123456789012:sma/abcd-1234";
        assert!(arn_format_matches(sma, arn));
        assert!(!arn_format_matches(vc, arn));
        assert!(arn_format_matches(sma, "arn:aws:chime:*:*:sma/*"));
        assert!(arn_format_matches(sma, "arn:aws:chime:*:*:*"));
        assert!(arn_format_matches(vc, "arn:aws:chime:*:*:*"));
        assert!(arn_format_matches(sma, "*"));
        assert!(arn_format_matches(sma, "arn:aws:chime:us-east-1:${aws:PrincipalAccount}:sma/*"));
        assert!(arn_format_matches(sma, "arn:aws:chime:us-east-?:123:sma/x"));
        assert!(!arn_format_matches(sma, "arn:aws:s3:::bucket"));
        // Region placeholder cannot swallow a ':'.
        assert!(!arn_format_matches(sma, "arn:aws:chime:us:east:123:sma/x"));
        // Resource part may contain '/' and ':'.
        let lg = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}";
        assert!(arn_format_matches(lg, "arn:aws:logs:us-east-1:1:log-group:/aws/x:*"));
        assert!(arn_format_matches(
            "arn:${Partition}:s3:::${BucketName}/${ObjectName}",
            "arn:aws:s3:::my-bucket/a/b/c.txt"
        ));
        assert!(!arn_format_matches("arn:${Partition}:s3:::${BucketName}/${ObjectName}", "arn:aws:s3:::my-bucket"));
        assert!(arn_format_matches("arn:${Partition}:s3:::${BucketName}", "arn:aws:s3:::my-bucket"));
        assert!(!arn_format_matches("arn:${Partition}:s3:::${BucketName}", "arn:aws:s3:::my-bucket/*"));
        assert!(arn_format_matches("arn:${Partition}:s3:::${BucketName}", "arn:aws:s3:::*"));
        // Very long inputs go to the heap path.
        let long = format!("arn:aws:chime:us-east-1:1:sma/{}", "x".repeat(600));
        assert!(arn_format_matches(sma, &long));
        assert!(!arn_format_matches(vc, &long));
    }
}
