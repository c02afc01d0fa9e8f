//! Edit distance for "did you mean" suggestions.

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions),
/// ASCII case-insensitive, computed on bytes. Returns `None` as soon as the
/// distance is known to exceed `max`.
///
/// This runs for every action of a service when one is misspelt, so it
/// first tries two lower bounds that cost little next to the table (most
/// candidates fail one), then fills only the band of the table that can hold
/// values up to `max`.
pub(crate) fn osa_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a = a.as_bytes();
    let b = b.as_bytes();
    // Every edit changes the length by at most one and the letter counts by
    // at most two (a substitution takes one letter away and adds another; a
    // transposition keeps them).
    if a.len().abs_diff(b.len()) > max || letter_difference(a, b) > max.saturating_mul(2) {
        return None;
    }
    let (n, m) = (a.len(), b.len());
    // No distance is more than the longer length; beyond it `max` changes nothing.
    let max = max.min(n.max(m));
    // Cells more than `max` off the diagonal hold more than `max`. Only the
    // band within it is computed; the cells beside the band read `far`, which
    // stands for "more than max": a value up to `max` is still exact, and a
    // larger one still more than `max`.
    let far = u32::try_from(max + 1).unwrap_or(u32::MAX);
    // Three rolling rows; names of ordinary length stay on the stack.
    const STACK: usize = 64;
    let mut buf = [0u32; 3 * (STACK + 1)];
    let mut heap;
    let rows: &mut [u32] = if m < STACK {
        &mut buf[..3 * (m + 1)]
    } else {
        heap = vec![0u32; 3 * (m + 1)];
        &mut heap
    };
    rows.fill(far);
    let (pp, rest) = rows.split_at_mut(m + 1);
    let (p, c) = rest.split_at_mut(m + 1);
    let (mut pp, mut p, mut c) = (pp, p, c);
    for (j, v) in p.iter_mut().enumerate().take(max + 1) {
        *v = j as u32;
    }
    for i in 1..=n {
        // The band of row i; `lo <= hi` as the lengths differ by at most `max`.
        let lo = i.saturating_sub(max).max(1);
        let hi = (i + max).min(m);
        c[lo - 1] = if lo == 1 { i as u32 } else { far };
        let ai = a[i - 1].to_ascii_lowercase();
        for j in lo..=hi {
            let bj = b[j - 1].to_ascii_lowercase();
            let cost = u32::from(ai != bj);
            let mut v = (p[j] + 1).min(c[j - 1] + 1).min(p[j - 1] + cost);
            if i > 1 && j > 1 && ai == b[j - 2].to_ascii_lowercase() && a[i - 2].to_ascii_lowercase() == bj {
                v = v.min(pp[j - 2] + 1);
            }
            c[j] = v;
        }
        if hi < m {
            c[hi + 1] = far;
        }
        // Give up when no cell of the row, plus the length difference still
        // ahead of it, is within `max`. (A transposition can step over a row,
        // but the cell it steps over costs no more than where it lands.)
        let bound = (lo - 1..=hi).map(|j| c[j] as usize + (n - i).abs_diff(m - j)).min();
        if bound.is_none_or(|d| d > max) {
            return None;
        }
        // Rotate rows: pp <- p <- c <- pp.
        std::mem::swap(&mut pp, &mut p);
        std::mem::swap(&mut p, &mut c);
    }
    let d = p[m] as usize;
    (d <= max).then_some(d)
}

/// How far apart the letter counts of `a` and `b` are, ASCII
/// case-insensitively: the sum over letters of the difference in counts.
/// Bytes share 64 counters, which can only make the sum smaller, so it stays
/// a lower bound for twice the distance.
fn letter_difference(a: &[u8], b: &[u8]) -> usize {
    let mut counts = [0i32; 64];
    for &x in a {
        counts[usize::from(x.to_ascii_lowercase() & 63)] += 1;
    }
    for &x in b {
        counts[usize::from(x.to_ascii_lowercase() & 63)] -= 1;
    }
    counts.iter().map(|&k| k.unsigned_abs() as usize).sum()
}

/// The option nearest to `word` (case-insensitive), when one is near enough
/// to be a likely misspelling: within a third of its length, and at least 2.
/// For the small fixed vocabularies of "did you mean" messages (rule ids,
/// condition operators, configuration keys, SAM policy templates).
pub fn closest<'a>(word: &str, options: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    options
        .into_iter()
        .filter_map(|o| osa_distance(word, o, (o.len() / 3).max(2)).map(|d| (d, o)))
        .min()
        .map(|(_, o)| o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(osa_distance("chmie", "chime", 3), Some(1));
        assert_eq!(osa_distance("lamda", "lambda", 3), Some(1));
        assert_eq!(osa_distance("LAMBDA", "lambda", 3), Some(0));
        assert_eq!(osa_distance("kitten", "sitting", 3), Some(3));
        assert_eq!(osa_distance("kitten", "sitting", 2), None);
        assert_eq!(osa_distance("", "abc", 3), Some(3));
        assert_eq!(osa_distance("abc", "", 2), None);
        assert_eq!(osa_distance("ca", "abc", 3), Some(3));
        let long_a = "x".repeat(200);
        let long_b = format!("{}y", "x".repeat(199));
        assert_eq!(osa_distance(&long_a, &long_b, 2), Some(1));
    }

    /// The whole table, without bounds or band, to check the pruned one against.
    fn full_table(a: &str, b: &str) -> usize {
        let a: Vec<u8> = a.bytes().map(|x| x.to_ascii_lowercase()).collect();
        let b: Vec<u8> = b.bytes().map(|x| x.to_ascii_lowercase()).collect();
        let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, v) in d[0].iter_mut().enumerate() {
            *v = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        d[a.len()][b.len()]
    }

    #[test]
    fn agrees_with_the_full_table() {
        // xorshift: pseudo-random words over a few letters (both cases), and
        // edited copies of them, so near misses and transpositions are common.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n) as usize
        };
        let letters = b"abcABCxy";
        for _ in 0..20_000 {
            let a: Vec<u8> = (0..next(12)).map(|_| letters[next(8)]).collect();
            let mut b = a.clone();
            for _ in 0..next(4) {
                let i = next(b.len() as u64 + 1);
                match next(4) {
                    0 if i < b.len() => drop(b.remove(i)),
                    1 => b.insert(i, letters[next(8)]),
                    2 if i + 1 < b.len() => b.swap(i, i + 1),
                    _ if i < b.len() => b[i] = letters[next(8)],
                    _ => {}
                }
            }
            let (a, b) = (String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap());
            let d = full_table(&a, &b);
            for max in 0..7 {
                assert_eq!(osa_distance(&a, &b, max), (d <= max).then_some(d), "{a:?} {b:?} max {max}");
            }
        }
    }
}
