//! Edit distance for "did you mean" suggestions.

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions),
/// ASCII case-insensitive, computed on bytes. Returns `None` as soon as the
/// distance is known to exceed `max`.
pub(crate) fn osa_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a = a.as_bytes();
    let b = b.as_bytes();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let m = b.len();
    // Three rolling rows; names of ordinary length stay on the stack, in a
    // buffer small enough that zeroing it costs little (this runs once for
    // every action of a service when one is misspelt).
    const STACK: usize = 64;
    let mut buf = [0u32; 3 * (STACK + 1)];
    let mut heap;
    let rows: &mut [u32] = if m < STACK {
        &mut buf[..3 * (m + 1)]
    } else {
        heap = vec![0u32; 3 * (m + 1)];
        &mut heap
    };
    let (pp, rest) = rows.split_at_mut(m + 1);
    let (p, c) = rest.split_at_mut(m + 1);
    let (mut pp, mut p, mut c) = (pp, p, c);
    for (j, v) in p.iter_mut().enumerate() {
        *v = j as u32;
    }
    let max32 = u32::try_from(max).unwrap_or(u32::MAX);
    for i in 1..=a.len() {
        c[0] = i as u32;
        let mut row_min = c[0];
        let ai = a[i - 1].to_ascii_lowercase();
        for j in 1..=m {
            let bj = b[j - 1].to_ascii_lowercase();
            let cost = u32::from(ai != bj);
            let mut v = (p[j] + 1).min(c[j - 1] + 1).min(p[j - 1] + cost);
            if i > 1 && j > 1 && ai == b[j - 2].to_ascii_lowercase() && a[i - 2].to_ascii_lowercase() == bj {
                v = v.min(pp[j - 2] + 1);
            }
            c[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max32 {
            return None;
        }
        // Rotate rows: pp <- p <- c <- pp.
        std::mem::swap(&mut pp, &mut p);
        std::mem::swap(&mut p, &mut c);
    }
    let d = p[m] as usize;
    (d <= max).then_some(d)
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
}
