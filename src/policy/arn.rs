//! The ARN grammar: `arn:partition:service:region:account-id:resource`.

/// An ARN split into its six parts; each may hold IAM wildcards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

const PARTITIONS: &[&str] =
    &["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"];

impl<'a> Arn<'a> {
    /// Splits an ARN, or says in a few words why it is not one.
    pub fn parse(text: &'a str) -> Result<Arn<'a>, String> {
        let mut parts = Parts { rest: Some(text), left: 6 };
        let head = parts.next().unwrap_or("");
        if head != "arn" && !(head.contains(['*', '?']) && crate::catalog::wildcard_match(head, "arn", false)) {
            return Err("an ARN starts with `arn:`".into());
        }
        let (Some(partition), Some(service), Some(region), Some(account), Some(resource)) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err("an ARN has six parts, `arn:partition:service:region:account-id:resource`".into());
        };
        if !PARTITIONS.contains(&partition) && !is_wild(partition) {
            return Err(format!("`{partition}` is not an AWS partition (`aws`, `aws-cn`, `aws-us-gov`, ...)"));
        }
        if service.is_empty() {
            return Err("the service part of the ARN is empty".into());
        }
        if resource.is_empty() {
            return Err("the resource part of the ARN is empty".into());
        }
        if !account.bytes().all(|c| c.is_ascii_digit()) && account != "aws" && !is_wild(account) {
            return Err(format!("the account part `{account}` is not a 12-digit account id"));
        }
        Ok(Arn { partition, service, region, account, resource })
    }
}

/// The six `:`-separated parts of an ARN, the last holding any further `:`
/// (as `splitn(6, ':')`, on the bytes: ARNs are split by the thousand).
struct Parts<'a> {
    rest: Option<&'a str>,
    /// Parts still to come, the last of them the whole rest.
    left: usize,
}

impl<'a> Iterator for Parts<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        self.left = self.left.saturating_sub(1);
        // The last part is the whole rest: not searched.
        let colon = if self.left > 0 { memchr::memchr(b':', rest.as_bytes()) } else { None };
        match colon {
            Some(i) => {
                self.rest = Some(&rest[i + 1..]);
                Some(&rest[..i])
            }
            None => self.rest.take(),
        }
    }
}

/// Holds an IAM wildcard or a policy variable (`${aws:username}`).
fn is_wild(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().any(|(i, &c)| c == b'*' || c == b'?' || (c == b'$' && b.get(i + 1) == Some(&b'{')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_split_as_splitn_does() {
        for text in
            ["", ":", "a", "a:b", "arn:aws:s3:::b/k:with:colons", "::::::::", "arn:aws:chime:r:1:sma/x", "é:ü::"]
        {
            let parts: Vec<&str> = Parts { rest: Some(text), left: 6 }.collect();
            assert_eq!(parts, text.splitn(6, ':').collect::<Vec<_>>(), "{text:?}");
        }
    }

    #[test]
    fn parses_and_rejects() {
        let a = Arn::parse("arn:aws:chime:us-east-1:111122223333:sma/abc").unwrap();
        assert_eq!((a.service, a.region, a.resource), ("chime", "us-east-1", "sma/abc"));
        assert!(Arn::parse("arn:aws:s3:::bucket/key:with:colons").is_ok());
        assert!(Arn::parse("arn:aws:iam::aws:policy/ReadOnlyAccess").is_ok());
        assert!(Arn::parse("arn:*:chime:*:*:sma/*").is_ok());
        assert!(Arn::parse("arn:aws:chime:us-east-1").is_err());
        assert!(Arn::parse("chime:sma/abc").is_err());
        assert!(Arn::parse("arn:amazon:s3:::b").is_err());
        assert!(Arn::parse("arn:aws:s3:::").is_err());
    }
}
