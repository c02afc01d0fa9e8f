//! Syntax front-ends: each turns a file's text into the one spanned [`Node`] tree.

pub mod hcl;
pub mod json;
pub mod node;
pub mod yaml;

pub use node::{Member, Node, NodeKind, Piece};

use crate::source::Span;

/// Deepest nesting any front-end accepts; deeper input is a `parse-error`
/// rather than a stack overflow.
pub const MAX_DEPTH: usize = 256;

/// Why a file could not be read as its language, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
}

impl SyntaxError {
    pub fn new(message: impl Into<String>, span: Span) -> SyntaxError {
        SyntaxError { message: message.into(), span }
    }
}
