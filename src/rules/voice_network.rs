//! What the network rules share: the Voice Connector network settings of
//! the project, and which addresses the Amazon Chime SDK can reach over the
//! internet. Chime meets your SIP infrastructure on public addresses only:
//! a private, loopback or link-local address is never where a call comes
//! from or can go to.

use crate::index::{Fact, FactKind, ProjectIndex, VoiceNetwork};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The Amazon Chime SDK Administrator Guide page on Voice Connector settings.
pub const SETTINGS_PAGE: &str = "https://docs.aws.amazon.com/chime-sdk/latest/ag/edit-voicecon.html";

/// Every network setting of the project, with the fact that carries it.
pub fn networks(index: &ProjectIndex) -> impl Iterator<Item = (&Fact, &VoiceNetwork)> {
    index.facts.iter().filter_map(|f| match &f.kind {
        FactKind::VoiceConnectorNetwork(n) => Some((f, n.as_ref())),
        _ => None,
    })
}

/// An address range that is not on the public internet, by name, or `None`
/// for a public address.
pub fn not_public(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => not_public_v4(v4),
        IpAddr::V6(v6) => not_public_v6(v6),
    }
}

fn not_public_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip.is_loopback() {
        Some("loopback (127.0.0.0/8)")
    } else if ip.is_private() {
        Some("private (RFC 1918)")
    } else if ip.is_link_local() {
        Some("link-local (169.254.0.0/16)")
    } else if a == 100 && (64..128).contains(&b) {
        Some("carrier-grade NAT (100.64.0.0/10)")
    } else if a == 0 {
        Some("\"this network\" (0.0.0.0/8)")
    } else {
        None
    }
}

fn not_public_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let first = ip.segments()[0];
    if let Some(v4) = ip.to_ipv4_mapped() {
        // `::ffff:10.0.0.5` is the IPv4 address written in IPv6.
        not_public_v4(v4)
    } else if ip.is_loopback() {
        Some("loopback (::1)")
    } else if first & 0xfe00 == 0xfc00 {
        Some("unique local (fc00::/7)")
    } else if first & 0xffc0 == 0xfe80 {
        Some("link-local (fe80::/10)")
    } else {
        None
    }
}

/// The range's name when all of it is off the public internet: `10.0.0.0/8`
/// is private, `0.0.0.0/1` is half the internet, not "this network".
pub fn not_public_range(range: (IpAddr, u8)) -> Option<&'static str> {
    let name = not_public(range.0)?;
    let (_, _, last) = bounds(range);
    let last = match range.0 {
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::from(last as u32)),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::from(last)),
    };
    (not_public(last) == Some(name)).then_some(name)
}

/// A CIDR (`203.0.113.0/24`) or a bare address (`[::1]` as a URL writes it),
/// as address and prefix length.
pub fn parse_cidr(text: &str) -> Option<(IpAddr, u8)> {
    let text = text.trim();
    let text = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or(text);
    let (address, prefix) = match text.trim().split_once('/') {
        Some((a, p)) => (a, p.parse::<u8>().ok()?),
        None => (text.trim(), if text.contains(':') { 128 } else { 32 }),
    };
    let ip: IpAddr = address.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    (prefix <= max).then_some((ip, prefix))
}

/// Whether the range `outer` holds every address of `inner` (both of one family).
pub fn contains(outer: (IpAddr, u8), inner: (IpAddr, u8)) -> bool {
    let (bits, a, b) = match (outer.0, inner.0) {
        (IpAddr::V4(a), IpAddr::V4(b)) => (32, u128::from(u32::from(a)), u128::from(u32::from(b))),
        (IpAddr::V6(a), IpAddr::V6(b)) => (128, u128::from(a), u128::from(b)),
        _ => return false,
    };
    let prefix = u32::from(outer.1);
    if outer.1 > inner.1 {
        return false;
    }
    let shift = bits - prefix;
    shift >= 128 || (a >> shift) == (b >> shift)
}

/// The first and last address of a range, as numbers of its family's width.
fn bounds((ip, prefix): (IpAddr, u8)) -> (bool, u128, u128) {
    let (v4, bits, n) = match ip {
        IpAddr::V4(a) => (true, 32u32, u128::from(u32::from(a))),
        IpAddr::V6(a) => (false, 128, u128::from(a)),
    };
    let host = bits - u32::from(prefix);
    let size_less_one = if host >= 128 { u128::MAX } else { (1u128 << host) - 1 };
    let first = n & !size_less_one;
    (v4, first, first | size_less_one)
}

/// Whether the ranges `outers` together hold every address of `inner`: two
/// adjacent /24 hold a /23 that neither holds alone.
pub fn covered(inner: (IpAddr, u8), outers: &[(IpAddr, u8)]) -> bool {
    let (family, first, last) = bounds(inner);
    let mut spans: Vec<(u128, u128)> =
        outers.iter().map(|&o| bounds(o)).filter(|b| b.0 == family).map(|b| (b.1, b.2)).collect();
    spans.sort_unstable();
    let mut next = first;
    for (a, b) in spans {
        if a > next {
            break;
        }
        if b >= last {
            return true;
        }
        next = next.max(b.saturating_add(1));
    }
    false
}

/// Why a host name is clearly not reachable from the internet: `localhost`,
/// or a name under a suffix that public DNS never answers for.
pub fn internal_name(host: &str) -> Option<&'static str> {
    const SUFFIXES: &[&str] = &[".internal", ".local", ".localdomain", ".home.arpa", ".lan", ".intranet", ".corp"];
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    if host == "localhost" || host.ends_with(".localhost") {
        return Some("`localhost`");
    }
    SUFFIXES.iter().any(|s| host.ends_with(s)).then_some("a name under a suffix public DNS does not resolve")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_is_not_public_only_when_all_of_it_is_not() {
        let r = |t: &str| not_public_range(parse_cidr(t).unwrap());
        assert_eq!(r("0.0.0.0/1"), None);
        assert_eq!(r("0.0.0.0/8"), Some("\"this network\" (0.0.0.0/8)"));
        assert_eq!(r("10.0.0.0/7"), None);
        assert_eq!(r("10.1.0.0/16"), Some("private (RFC 1918)"));
        assert_eq!(r("::ffff:10.0.0.5"), Some("private (RFC 1918)"));
        assert_eq!(r("[::1]"), Some("loopback (::1)"));
        assert_eq!(r("203.0.113.7"), None);
    }

    #[test]
    fn ranges_together_cover_what_neither_covers_alone() {
        let c = |t: &str| parse_cidr(t).unwrap();
        let inner = c("3.80.16.0/23");
        assert!(covered(inner, &[c("3.80.17.0/24"), c("3.80.16.0/24")]));
        assert!(covered(inner, &[c("3.0.0.0/8")]));
        assert!(covered(inner, &[c("0.0.0.0/0")]));
        assert!(!covered(inner, &[c("3.80.16.0/24")]));
        assert!(!covered(inner, &[c("3.80.16.0/24"), c("3.80.18.0/24")]));
        assert!(!covered(inner, &[c("::/0")]), "another family");
        assert!(covered(c("2600:f0f0:c040::/48"), &[c("::/0")]));
        assert!(covered(c("2600:f0f0:c040::/48"), &[c("2600:f0f0:c040::/49"), c("2600:f0f0:c040:8000::/49")]));
    }

    #[test]
    fn addresses_are_told_public_or_not() {
        let reach = |t: &str| not_public(parse_cidr(t).unwrap().0);
        assert_eq!(reach("10.24.34.0/23"), Some("private (RFC 1918)"));
        assert_eq!(reach("172.31.5.9"), Some("private (RFC 1918)"));
        assert_eq!(reach("192.168.0.0/16"), Some("private (RFC 1918)"));
        assert!(reach("127.0.0.1/32").is_some() && reach("169.254.1.1").is_some() && reach("100.64.0.1").is_some());
        assert!(reach("fd00::1").is_some() && reach("fe80::1/64").is_some());
        assert_eq!(reach("50.35.78.96/31"), None);
        assert_eq!(reach("172.32.0.1"), None);
        assert_eq!(parse_cidr("0.0.0.0/0"), Some((IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0)));
        assert_eq!(parse_cidr("10.0.0.0/33"), None);
        assert_eq!(parse_cidr("sbc.example.com"), None);
        let c = |t: &str| parse_cidr(t).unwrap();
        assert!(contains(c("3.80.0.0/16"), c("3.80.16.0/23")) && contains(c("0.0.0.0/0"), c("99.77.253.0/24")));
        assert!(!contains(c("3.80.16.0/24"), c("3.80.16.0/23")) && !contains(c("3.80.18.0/23"), c("3.80.16.0/23")));
        assert!(
            contains(c("2600:f0f0:c040::/42"), c("2600:f0f0:c045::/48")) && !contains(c("::/0"), c("3.80.16.0/23"))
        );
    }

    #[test]
    fn internal_names_are_named() {
        assert!(internal_name("ip-10-0-0-5.ec2.internal").is_some());
        assert!(internal_name("pbx.local").is_some() && internal_name("localhost").is_some());
        assert!(internal_name("sbc.example.com").is_none() && internal_name("internal.example.com").is_none());
    }
}
