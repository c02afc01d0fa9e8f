//! The lines of a file shown around a finding, as the human report prints
//! them. What is shown is bounded whatever the file holds: a long line (a
//! minified template, a Terraform plan on one line) is cut to windows around
//! the spans on it, with `…` where text is left out, and characters that
//! would act on a terminal are escaped ([`super::escape`]).

use super::escape;
use crate::source::{SourceFile, Span};

/// Lines up to this many characters are shown whole, as nearly every line is.
pub const WHOLE_LINE: usize = 512;
/// Characters kept on each side of a span's start and end on a longer line.
pub const MARGIN: usize = 60;
/// How many lines a label may be from its finding and still share its
/// snippet. One further away is named in the help instead: a snippet never
/// keeps the whole file that lies between.
pub const NEAR_LINES: usize = 100;
const ELLIPSIS: &str = "…";

/// A finding's lines as shown, with its spans given again in their offsets.
#[derive(Debug, Clone)]
pub struct Snippet {
    pub text: Box<str>,
    /// 0-based line of the file `text` starts on.
    pub line: usize,
    /// The spans asked for, in `text`'s offsets; `None` for one too far
    /// from the first (the finding's) to share its snippet.
    pub spans: Box<[Option<Span>]>,
}

impl Snippet {
    /// The lines of `source` that hold `spans` (the first is the finding's),
    /// with `context` lines before and after.
    pub fn around(source: &SourceFile, spans: &[Span], context: usize) -> Option<Snippet> {
        let spans: Vec<Span> = spans.iter().map(|s| on_char_boundaries(&source.text, *s)).collect();
        let lines = |s: &Span| (source.line_of(s.start), source.line_of(s.end));
        let (first, last) = lines(spans.first()?);
        let near: Vec<bool> = spans
            .iter()
            .map(|s| {
                let (a, b) = lines(s);
                a + NEAR_LINES >= first && b <= last + NEAR_LINES
            })
            .collect();
        let shown = || spans.iter().zip(&near).filter(|(_, near)| **near).map(|(s, _)| s);
        let from = shown().map(|s| lines(s).0).min()?.saturating_sub(context).max(1);
        let to = (shown().map(|s| lines(s).1).max()? + context).min(source.line_count());
        let wanted: Vec<u32> = shown().flat_map(|s| [s.start, s.end]).collect();
        let mut text = String::new();
        let mut moved: Vec<(u32, usize)> = Vec::with_capacity(wanted.len());
        for line in from..=to {
            let start = source.line_start(line)?;
            let end = source.line_start(line + 1).unwrap_or(source.text.len());
            let on_line: Vec<u32> = wanted
                .iter()
                .copied()
                .filter(|&o| start <= o as usize && (o as usize) < end || line == to && o as usize == end)
                .collect();
            push_line(&source.text[start..end], start, &on_line, &mut text, &mut moved);
        }
        let shown_at = |o: u32| moved.iter().find(|(from, _)| *from == o).map(|(_, to)| *to);
        let spans = spans
            .iter()
            .zip(&near)
            .map(|(s, near)| if *near { Some(Span::new(shown_at(s.start)?, shown_at(s.end)?)) } else { None })
            .collect();
        Some(Snippet { text: text.into(), line: from - 1, spans })
    }
}

/// Appends one line (with its line break) as shown, and where each offset
/// of `wanted` (in the file, `at` being the line's) lands in `out`.
fn push_line(line: &str, at: usize, wanted: &[u32], out: &mut String, moved: &mut Vec<(u32, usize)>) {
    let body = line.strip_suffix('\n').map_or(line, |l| l.strip_suffix('\r').unwrap_or(l));
    let local: Vec<usize> = wanted.iter().map(|&o| o as usize - at).collect();
    let mut shown_to = 0;
    for (a, b) in windows(body, &local) {
        if a > shown_to {
            out.push_str(ELLIPSIS);
        }
        for &o in local.iter().filter(|&&o| a <= o && o <= b) {
            moved.push(((o + at) as u32, out.len() + shown_len(&body[a..o])));
        }
        push_shown(&body[a..b], out);
        shown_to = b;
    }
    if shown_to < body.len() {
        out.push_str(ELLIPSIS);
    }
    let body_end = out.len();
    for &o in local.iter().filter(|&&o| o > body.len()) {
        moved.push(((o + at) as u32, body_end + o - body.len()));
    }
    out.push_str(&line[body.len()..]);
}

/// The byte ranges of a line that are shown: all of it when it is short,
/// else [`MARGIN`] characters around each of `offsets` (or the line's start
/// when none is on it), merged where they meet.
fn windows(body: &str, offsets: &[usize]) -> Vec<(usize, usize)> {
    if body.len() <= WHOLE_LINE || body.chars().nth(WHOLE_LINE).is_none() {
        return vec![(0, body.len())];
    }
    let back = |o: usize| body[..o].char_indices().rev().nth(MARGIN - 1).map_or(0, |(i, _)| i);
    let ahead = |o: usize, n: usize| body[o..].char_indices().nth(n).map_or(body.len(), |(i, _)| o + i);
    let mut ranges: Vec<(usize, usize)> =
        offsets.iter().map(|&o| o.min(body.len())).map(|o| (back(o), ahead(o, MARGIN))).collect();
    if ranges.is_empty() {
        ranges.push((0, ahead(0, 2 * MARGIN)));
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (a, b) in ranges {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
}

/// Source text as shown: tabs stay (the renderer lines them up), other
/// hazards are escaped.
fn push_shown(s: &str, out: &mut String) {
    for c in s.chars() {
        if c != '\t' && escape::is_hazard(c) {
            escape::push_escaped(c, out);
        } else {
            out.push(c);
        }
    }
}

fn shown_len(s: &str) -> usize {
    let mut shown = String::new();
    push_shown(s, &mut shown);
    shown.len()
}

/// `span` inside the text and on character boundaries (labels are not
/// widened as findings are).
fn on_char_boundaries(text: &str, span: Span) -> Span {
    let floor = |o: u32| {
        let mut o = (o as usize).min(text.len());
        while !text.is_char_boundary(o) {
            o -= 1;
        }
        o
    };
    let start = floor(span.start);
    Span::new(start, floor(span.end).max(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str, spans: &[Span]) -> (String, Vec<Option<(usize, usize)>>) {
        let source = SourceFile::new("a.json", text);
        let s = Snippet::around(&source, spans, 1).unwrap();
        (s.text.into(), s.spans.iter().map(|s| s.map(|s| (s.start as usize, s.end as usize))).collect())
    }

    #[test]
    fn short_lines_are_shown_as_they_are() {
        let text = "{\n  \"Action\": \"x\"\r\n}\n\nlast";
        assert_eq!(shown(text, &[Span::new(14, 17)]), ("{\n  \"Action\": \"x\"\r\n}\n".into(), vec![Some((14, 17))]));
    }

    #[test]
    fn long_lines_are_cut_around_the_span() {
        let text = format!("{}\"chime:Nope\"{}\n", "\t".repeat(70_000), "x".repeat(3_000));
        let (out, spans) = shown(&text, &[Span::new(70_000, 70_012)]);
        let expected = format!("…{}\"chime:Nope\"{}…\n", "\t".repeat(60), "x".repeat(60));
        assert_eq!(out, expected);
        assert_eq!(spans, vec![Some((63, 75))]);
    }

    #[test]
    fn a_long_span_keeps_its_ends_and_hazards_are_escaped() {
        let text = format!("[\"{}\u{1b}[2J\"]", "a".repeat(1_000));
        let (out, spans) = shown(&text, &[Span::new(1, text.len() - 1)]);
        let expected = format!("[\"{}…{}\\u{{1b}}[2J\"]", "a".repeat(59), "a".repeat(55));
        assert_eq!(out, expected);
        assert_eq!(spans, vec![Some((1, expected.len() - 1))]);
    }

    #[test]
    fn far_labels_are_left_out() {
        let text = "a\n".repeat(500);
        let (out, spans) = shown(&text, &[Span::new(0, 1), Span::new(4, 5), Span::new(800, 801)]);
        assert_eq!(out, "a\na\na\na\n");
        assert_eq!(spans, vec![Some((0, 1)), Some((4, 5)), None]);
    }
}
