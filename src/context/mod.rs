//! The build context: what the directory a Dockerfile is built from says that the Dockerfile
//! cannot (the module's Go version and path, what `.dockerignore` keeps out). Small readers,
//! bytes in, facts out, no Go toolchain; anything unreadable is Unknown (`None`), never an
//! error, so a missing or odd context never fails a run.

pub mod dockerignore;
pub mod go_mod;

pub use dockerignore::DockerIgnore;
pub use go_mod::{GoMod, GoVersion, GoWork};

/// Files larger than this are not read: a real go.mod or .dockerignore is a few kilobytes.
pub const MAX_FILE_BYTES: usize = 1 << 20;

/// Text of a context file, or `None` when it is missing, too large, binary or not UTF-8.
pub fn read_text(bytes: &[u8]) -> Option<&str> {
    if bytes.len() > MAX_FILE_BYTES || bytes.contains(&0) {
        return None;
    }
    std::str::from_utf8(bytes).ok()
}
