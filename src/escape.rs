//! Text from the files linted (paths, policy values quoted in messages,
//! source lines) made safe to print: a file name or a value written by a
//! stranger must not start a line of its own (a fake finding that a problem
//! matcher accepts), move the cursor, colour a terminal, or reorder what a
//! reader sees.

use std::borrow::Cow;

/// Characters shown escaped: the C0 and C1 controls (line breaks, ESC, ...),
/// DEL, the line and paragraph separators, and the bidirectional formatting
/// characters that make text read in another order than it is stored.
pub fn is_hazard(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{061c}' | '\u{200e}' | '\u{200f}')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `c` as Rust writes it in a string literal: `\n`, `\r`, `\t`, else `\u{1b}`.
pub fn push_escaped(c: char, out: &mut String) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c => {
            use std::fmt::Write;
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// `s` with every [`is_hazard`] character escaped; borrowed when there is none,
/// as for nearly every path and message.
pub fn controls(s: &str) -> Cow<'_, str> {
    controls_except(s, None)
}

/// [`controls`], but `keep` is left as it is (the line breaks of a help text
/// written by a rule).
pub fn controls_except(s: &str, keep: Option<char>) -> Cow<'_, str> {
    if !s.chars().any(|c| is_hazard(c) && Some(c) != keep) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_hazard(c) && Some(c) != keep {
            push_escaped(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` for XML text or a quoted attribute (the JUnit report): the hazards
/// escaped as [`controls`] writes them (XML 1.0 cannot carry most control
/// characters at all, even as references), then `&`, `<`, `>`, `"` and `'`
/// as entities, so a value cannot close an element or an attribute.
pub fn xml(s: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| is_hazard(c) || matches!(c, '&' | '<' | '>' | '"' | '\'' | '\u{fffe}' | '\u{ffff}');
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if is_hazard(c) || matches!(c, '\u{fffe}' | '\u{ffff}') => push_escaped(c, &mut out),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Writes `value` as pretty JSON, as `serde_json::to_writer_pretty` does,
/// except that the [`is_hazard`] characters serde_json leaves raw (C1
/// controls, DEL, bidirectional formatting) are written as `\uXXXX` too:
/// the same strings to a JSON reader, nothing for a terminal to act on.
pub fn json_pretty<T: serde::Serialize + ?Sized>(w: &mut dyn std::io::Write, value: &T) -> std::io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(w, JsonFormatter(PrettyFormatter::new()));
    value.serialize(&mut serializer).map_err(std::io::Error::from)
}

use serde_json::ser::{Formatter, PrettyFormatter};
use std::io::{self, Write};

/// serde_json's pretty layout, with [`is_hazard`] escaped in strings.
struct JsonFormatter(PrettyFormatter<'static>);

impl Formatter for JsonFormatter {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, w: &mut W, fragment: &str) -> io::Result<()> {
        let mut rest = fragment;
        while let Some((i, c)) = rest.char_indices().find(|&(_, c)| is_hazard(c)) {
            w.write_all(&rest.as_bytes()[..i])?;
            write!(w, "\\u{:04x}", c as u32)?;
            rest = &rest[i + c.len_utf8()..];
        }
        w.write_all(rest.as_bytes())
    }

    // The layout, as serde_json's pretty printer does it.
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_overrides_are_escaped_and_the_rest_is_kept() {
        assert_eq!(controls("a.json"), "a.json");
        assert_eq!(controls("a\nb\r\t\u{1b}[31m\u{7f}\u{85}"), "a\\nb\\r\\t\\u{1b}[31m\\u{7f}\\u{85}");
        assert_eq!(controls("x\u{202e}y\u{2066}\u{2028}é"), "x\\u{202e}y\\u{2066}\\u{2028}é");
        assert_eq!(controls_except("a\nb\u{1b}", Some('\n')), "a\nb\\u{1b}");
    }

    #[test]
    fn xml_text_cannot_close_an_element_or_carry_a_control() {
        assert_eq!(xml("a.json"), "a.json");
        assert_eq!(
            xml("</failure><x a='1'>&\"\u{1b}\n\u{ffff}"),
            "&lt;/failure&gt;&lt;x a=&apos;1&apos;&gt;&amp;&quot;\\u{1b}\\n\\u{ffff}"
        );
    }

    #[test]
    fn json_is_laid_out_as_serde_json_does_with_every_hazard_escaped() {
        let value = serde_json::json!({ "a": ["x\u{1b}\u{85}y\u{202e}é", 1], "b": {} });
        let mut out = Vec::new();
        json_pretty(&mut out, &value).unwrap();
        let text = String::from_utf8(out).unwrap();
        let expected =
            serde_json::to_string_pretty(&value).unwrap().replace('\u{85}', "\\u0085").replace('\u{202e}', "\\u202e");
        assert_eq!(text, expected);
        assert!(text.contains(r#""x\u001b\u0085y\u202eé""#), "{text}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), value);
    }
}
