//! Lint options for a document an editor holds, found as the command line finds them for a file
//! read from standard input under its path (`gopherlint --stdin-filename PATH -`): the
//! `gopherlint.toml` from the file's folder upward, the build context, and how the repository
//! builds the file. The readers keep what they read (configs, contexts, repositories) until
//! [`DocumentResolver::new`] makes fresh ones, which the server does when a config or build
//! file changes.

use std::path::Path;

use super::lint::Resolver;
use super::repo::RepoResolver;
use super::settings::{ConfigResolver, ContextResolver, FlagSettings};
use super::{Cli, CliError};
use crate::LintOptions;
use clap::Parser;

/// Finds each document's lint options, with the readers' caches kept between documents.
pub struct DocumentResolver {
    cli: Cli,
    flags: FlagSettings,
    configs: ConfigResolver,
    contexts: ContextResolver,
    repos: RepoResolver,
}

impl DocumentResolver {
    /// Readers with nothing read yet, for the command line's defaults (no flags).
    pub fn new() -> Result<DocumentResolver, String> {
        let cli = Cli::try_parse_from(["gopherlint", "-"]).map_err(|e| e.to_string())?;
        let flags = FlagSettings::from_cli(&cli).map_err(|e| e.0)?;
        let configs = ConfigResolver::new(&cli).map_err(|e| e.0)?;
        Ok(DocumentResolver {
            contexts: ContextResolver::new(None),
            repos: RepoResolver::new(true, &[], false),
            cli,
            flags,
            configs,
        })
    }

    /// The lint options for the document at `path` whose text is `text` (which may differ
    /// from the file on disk, or have none there). An error is a configuration problem the
    /// user must fix (a `gopherlint.toml` that does not parse), in its own words.
    pub fn options(&mut self, path: &Path, text: &str) -> Result<LintOptions, String> {
        self.cli.stdin_filename = Some(path.to_string_lossy().into_owned());
        let mut stdin = text.as_bytes();
        let mut resolver = Resolver {
            cli: &self.cli,
            configs: &mut self.configs,
            contexts: &mut self.contexts,
            repos: &mut self.repos,
            stdin: &mut stdin,
        };
        let job = match resolver.job(super::files::Target::Stdin) {
            Ok(Ok(job)) => job,
            Ok(Err(message)) => return Err(message),
            Err(CliError::Config(error)) => return Err(error.0),
            Err(other) => return Err(other.to_string()),
        };
        let (_, _, options) = job.into_parts(&self.flags);
        Ok(options)
    }
}
