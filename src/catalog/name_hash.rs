//! Hashing and comparing catalog names ASCII case-insensitively. `build.rs`
//! includes this file to lay out the name hash tables and the catalog to probe
//! them, so both compute the same hash.
//!
//! Nothing is copied or lowercased ahead: eight bytes are read as one
//! little-endian word and lowercased inside the word, so "Chime", "chime" and
//! "CHIME" hash alike. A tail shorter than a word is read as words that
//! overlap bytes already read, which only changes the value, not which names
//! are equal.

/// Lowercases the ASCII letters of eight bytes at once; other bytes (including
/// non-ASCII ones) stay as they are, like `u8::to_ascii_lowercase`.
#[inline]
pub fn lower_word(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // Per byte, the low seven bits plus a bias set bit 7 without carrying into
    // the next byte: at or above 'A', and above 'Z'.
    let low7 = w & (ONES * 0x7f);
    let ge_a = low7 + ONES * (0x80 - b'A' as u64);
    let gt_z = low7 + ONES * (0x80 - b'Z' as u64 - 1);
    let upper = ge_a & !gt_z & !w & (ONES * 0x80);
    w | (upper >> 2)
}

/// Eight bytes from `b[i..]` as a little-endian word.
#[inline]
pub fn word(b: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(b[i..i + 8].try_into().unwrap())
}

/// All bytes of a name shorter than eight in one word (two overlapping halves,
/// or first, middle and last byte), so names of one length differ iff their
/// words do.
#[inline]
pub fn short_word(b: &[u8]) -> u64 {
    let n = b.len();
    debug_assert!(n < 8);
    if n >= 4 {
        let lo = u32::from_le_bytes(b[..4].try_into().unwrap()) as u64;
        let hi = u32::from_le_bytes(b[n - 4..].try_into().unwrap()) as u64;
        lo | hi << 32
    } else if n > 0 {
        b[0] as u64 | (b[n / 2] as u64) << 8 | (b[n - 1] as u64) << 16
    } else {
        0
    }
}

#[inline]
fn mix(h: u64, w: u64) -> u64 {
    // Folded multiply: the whole 128-bit product folded to 64 bits, so every
    // input bit reaches the low bits that pick the slot.
    let p = ((h ^ w) as u128).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (p as u64) ^ ((p >> 64) as u64)
}

/// Hash of `name` lowercased (ASCII), under `seed` (the catalog uses the
/// service index, so one table holds the actions of every service).
#[inline]
pub fn hash_ci(seed: u64, name: &[u8]) -> u64 {
    let n = name.len();
    let mut h = mix(seed ^ 0x243f_6a88_85a3_08d3, n as u64);
    if n < 8 {
        return mix(h, lower_word(short_word(name)));
    }
    let mut i = 0;
    while i + 8 < n {
        h = mix(h, lower_word(word(name, i)));
        i += 8;
    }
    mix(h, lower_word(word(name, n - 8)))
}

/// First slot to probe in a table of `mask + 1` slots (a power of two); the
/// tables probe linearly from there.
#[inline]
pub fn first_slot(h: u64, mask: usize) -> usize {
    (h as usize) & mask
}

/// ASCII case-insensitive equality (`u8::eq_ignore_ascii_case` on every byte),
/// a word at a time. Names equal under it hash alike under [`hash_ci`].
#[inline]
pub fn eq_ci(a: &[u8], b: &[u8]) -> bool {
    let same = |x: u64, y: u64| x == y || lower_word(x) == lower_word(y);
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return same(short_word(a), short_word(b));
    }
    let mut i = 0;
    while i + 8 < n {
        if !same(word(a, i), word(b, i)) {
            return false;
        }
        i += 8;
    }
    same(word(a, n - 8), word(b, n - 8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_word_is_bytewise_ascii_lowercase() {
        for b in 0..=255u8 {
            for pos in 0..8 {
                let mut bytes = *b"aZ@[`{\x7f\xc1";
                bytes[pos] = b;
                let want = bytes.map(|c| c.to_ascii_lowercase());
                assert_eq!(lower_word(u64::from_le_bytes(bytes)), u64::from_le_bytes(want), "{b:#x} at {pos}");
            }
        }
    }

    #[test]
    fn eq_and_hash_ignore_ascii_case_only() {
        let base = b"Chime-SDK:GetSipMediaApplicationLoggingConfiguration_1";
        for n in 0..=base.len() {
            let a = &base[..n];
            let (lower, upper) = (a.to_ascii_lowercase(), a.to_ascii_uppercase());
            assert!(eq_ci(a, &lower) && eq_ci(&upper, a));
            assert_eq!(hash_ci(7, a), hash_ci(7, &lower));
            assert_eq!(hash_ci(7, a), hash_ci(7, &upper));
            for i in 0..n {
                for c in [b'!', b'z' + 1, b'A' - 1, 0xc3, a[i] ^ 0x20, a[i] ^ 1] {
                    let mut b = a.to_vec();
                    b[i] = c;
                    assert_eq!(eq_ci(a, &b), a.eq_ignore_ascii_case(&b), "{:?} / {:?}", a, b);
                }
            }
            if n < base.len() {
                assert!(!eq_ci(a, &base[..n + 1]));
            }
        }
        for x in 0..=255u8 {
            for y in 0..=255u8 {
                assert_eq!(eq_ci(&[x], &[y]), x.eq_ignore_ascii_case(&y));
            }
        }
    }
}
