//! Edit distance for "did you mean" suggestions.

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions,
/// `strsim`'s), ASCII case-insensitive. Returns `None` when the distance is
/// more than `max`.
///
/// This runs for every action of a service when one is misspelt, so two
/// lower bounds that cost little next to the table come first: most
/// candidates fail one, and only the rest are lowercased and measured.
pub(crate) fn osa_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    // Every edit changes the length by at most one and the letter counts by
    // at most two (a substitution takes one letter away and adds another; a
    // transposition keeps them).
    if a.len().abs_diff(b.len()) > max || letter_difference(a.as_bytes(), b.as_bytes()) > max.saturating_mul(2) {
        return None;
    }
    let d = strsim::osa_distance(&a.to_ascii_lowercase(), &b.to_ascii_lowercase());
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

    /// The whole table, byte by byte, to check the bounded one against.
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
