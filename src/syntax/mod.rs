//! Dockerfile syntax: a hand-written, error-tolerant parser that follows BuildKit's reading of a
//! file and keeps a source range for every token. It knows nothing about rules.

mod ast;
mod dump;
mod json;
mod lines;
mod logical;
mod parser;
mod validate;
pub mod words;

pub use ast::*;
pub use dump::{dump, go_quote};
pub use logical::{LogicalLine, Segment};
pub use parser::parse;
