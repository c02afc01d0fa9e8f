//! The lines of a file shown around a finding, as the human report prints
//! them. What is shown is bounded whatever the file holds: a long line (a
//! minified template, a Terraform plan on one line) is cut to windows around
//! the spans on it, with `…` where text is left out, and characters that
//! would act on a terminal are escaped ([`crate::escape`]).

use crate::escape;
use crate::source::{SourceFile, Span};

/// Lines up to this many characters are shown whole, as nearly every line is.
pub const WHOLE_LINE: usize = 512;
/// Characters kept on each side of a span's start and end on a longer line.
pub const MARGIN: usize = 60;
/// Spans whose lines are at most this many lines apart share a block of
/// lines (and miette may show it whole); further apart, each has its own, so
/// a snippet never keeps the whole file that lies between.
pub const NEAR_LINES: usize = 100;
const ELLIPSIS: &str = "…";

/// A finding's lines as shown, with its spans given again in their offsets.
#[derive(Debug, Clone)]
pub struct Snippet {
    /// The shown lines of each block, one block after another.
    pub text: Box<str>,
    /// Where each block starts in `text`, and the 0-based line of the file
    /// it starts on.
    pub blocks: Box<[(usize, usize)]>,
    /// The spans asked for, in `text`'s offsets.
    pub spans: Box<[Span]>,
}

impl Snippet {
    /// The lines of `source` that hold `spans`, with `context` lines before
    /// and after each.
    pub fn around(source: &SourceFile, spans: &[Span], context: usize) -> Option<Snippet> {
        let spans: Vec<Span> = spans.iter().map(|s| super::on_char_boundaries(&source.text, *s)).collect();
        let mut ranges: Vec<(usize, usize)> = spans
            .iter()
            .map(|s| {
                let first = source.line_of(s.start).saturating_sub(context).max(1);
                (first, (source.line_of(s.end) + context).min(source.line_count()))
            })
            .collect();
        ranges.sort_unstable();
        let mut blocks: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
        for (first, last) in ranges {
            match blocks.last_mut() {
                Some(block) if first <= block.1 + NEAR_LINES => block.1 = block.1.max(last),
                _ => blocks.push((first, last)),
            }
        }
        let wanted: Vec<u32> = spans.iter().flat_map(|s| [s.start, s.end]).collect();
        let mut text = String::new();
        let mut starts = Vec::with_capacity(blocks.len());
        let mut moved: Vec<(u32, usize)> = Vec::with_capacity(wanted.len());
        for (first, last) in blocks {
            starts.push((text.len(), first - 1));
            for line in first..=last {
                let start = source.line_start(line)?;
                let end = source.line_start(line + 1).unwrap_or(source.text.len());
                let on_line: Vec<u32> = wanted
                    .iter()
                    .copied()
                    .filter(|&o| start <= o as usize && (o as usize) < end || line == last && o as usize == end)
                    .collect();
                push_line(&source.text[start..end], start, &on_line, &mut text, &mut moved);
            }
        }
        let shown_at = |o: u32| moved.iter().find(|(from, _)| *from == o).map(|(_, to)| *to);
        let spans =
            spans.iter().map(|s| Some(Span::new(shown_at(s.start)?, shown_at(s.end)?))).collect::<Option<_>>()?;
        Some(Snippet { text: text.into(), blocks: starts.into(), spans })
    }

    /// An empty frame at the top of the file: what an empty file shows.
    pub fn empty() -> Snippet {
        Snippet { text: "".into(), blocks: Box::new([(0, 0)]), spans: Box::new([Span::new(0, 0)]) }
    }

    /// The text of the block that holds `offset`, where it starts in
    /// `text`, and the 0-based line of the file it starts on.
    pub fn block_at(&self, offset: usize) -> (&str, usize, usize) {
        let i = self.blocks.partition_point(|&(start, _)| start <= offset).saturating_sub(1);
        let (start, line) = self.blocks.get(i).copied().unwrap_or((0, 0));
        let end = self.blocks.get(i + 1).map_or(self.text.len(), |&(next, _)| next);
        (&self.text[start..end], start, line)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str, spans: &[Span]) -> (String, Vec<(usize, usize)>) {
        let source = SourceFile::new("a.json", text);
        let s = Snippet::around(&source, spans, 1).unwrap();
        (s.text.into(), s.spans.iter().map(|s| (s.start as usize, s.end as usize)).collect())
    }

    #[test]
    fn short_lines_are_shown_as_they_are() {
        let text = "{\n  \"Action\": \"x\"\r\n}\n\nlast";
        assert_eq!(shown(text, &[Span::new(14, 17)]), ("{\n  \"Action\": \"x\"\r\n}\n".into(), vec![(14, 17)]));
    }

    #[test]
    fn long_lines_are_cut_around_the_span() {
        let text = format!("{}\"chime:Nope\"{}\n", "\t".repeat(70_000), "x".repeat(3_000));
        let (out, spans) = shown(&text, &[Span::new(70_000, 70_012)]);
        let expected = format!("…{}\"chime:Nope\"{}…\n", "\t".repeat(60), "x".repeat(60));
        assert_eq!(out, expected);
        assert_eq!(spans, vec![(63, 75)]);
    }

    #[test]
    fn a_long_span_keeps_its_ends_and_hazards_are_escaped() {
        let text = format!("[\"{}\u{1b}[2J\"]", "a".repeat(1_000));
        let (out, spans) = shown(&text, &[Span::new(1, text.len() - 1)]);
        let expected = format!("[\"{}…{}\\u{{1b}}[2J\"]", "a".repeat(59), "a".repeat(55));
        assert_eq!(out, expected);
        assert_eq!(spans, vec![(1, expected.len() - 1)]);
    }

    /// Lines between spans far apart are not kept: each has its block.
    #[test]
    fn far_spans_have_blocks_of_their_own() {
        let text: String = (1..=500).map(|i| format!("{i}\n")).collect();
        let at = |line: usize| text.match_indices('\n').nth(line - 2).map_or(0, |(i, _)| i + 1);
        let source = SourceFile::new("a.json", text.as_str());
        let spans = [Span::new(at(300), at(300) + 3), Span::new(at(3), at(3) + 1), Span::new(at(100), at(100) + 3)];
        let s = Snippet::around(&source, &spans, 1).unwrap();
        let lines = |a: usize, b: usize| (a..=b).map(|i| format!("{i}\n")).collect::<String>();
        assert_eq!(&*s.text, lines(2, 101) + &lines(299, 301));
        assert_eq!(&*s.blocks, [(0, 1), (lines(2, 101).len(), 298)]);
        assert_eq!(s.block_at(lines(2, 101).len() + 5), (lines(299, 301).as_str(), lines(2, 101).len(), 298));
        let shown: Vec<&str> = s.spans.iter().map(|sp| &s.text[sp.range()]).collect();
        assert_eq!(shown, ["300", "3", "100"]);
    }
}
