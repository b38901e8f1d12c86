//! gopherlint: a Dockerfile linter for Go services. The pipeline is
//! source → syntax → shell → model → rules → diagnostics → output; see ARCHITECTURE in the docs.

pub mod shell;
pub mod source;
pub mod syntax;
