use crate::finding::Finding;
use crate::rules::ProjectCx;

crate::declare_rule! {
    /// ## What it does
    /// Notes a file of a Lambda function's code that policy-lint could not
    /// read for its SDK calls: a syntax error (the calls after it may be
    /// missed), a file too large, a line longer than 5,000 bytes (minified or
    /// generated code), a binary file with a source file's name, a file that
    /// is not UTF-8. Code that is elsewhere (in S3, in an image) is not noted:
    /// `policy-lint calls` lists it.
    ///
    /// ## Why is this bad?
    /// `sdk-call-denied` cannot see the calls in code it did not read, and
    /// `unused-grant` keeps silent for the role: the gap check has a hole
    /// there. Ship sources, not bundles, in the directory the template names,
    /// or point `CodeUri` at the sources.
    ///
    /// ## Example
    /// ```python
    /// def handler(event, context:
    ///     voice.update_sip_media_application_call(...)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// def handler(event, context):
    ///     voice.update_sip_media_application_call(...)
    /// ```
    pub CODE_NOT_READ, "code-not-read", Info, Gap,
    "a function's code file that could not be read for its SDK calls"
}

pub fn check(cx: &ProjectCx, out: &mut Vec<Finding>) {
    let mut seen = std::collections::HashSet::new();
    for f in cx.code {
        for note in f.notes.iter().filter(|n| n.bad_code) {
            let Some((source, span)) = &note.at else { continue };
            if seen.insert((source.path.clone(), *span, note.message.clone())) {
                out.push(Finding::new(
                    &CODE_NOT_READ,
                    source,
                    *span,
                    format!("{} (function `{}`)", note.message, f.function),
                ));
            }
        }
    }
}
