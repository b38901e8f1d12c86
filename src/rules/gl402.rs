//! GL402 module-credentials-in-image: credentials for private modules put where they stay: a
//! token from an ARG or ENV in a git `insteadOf` URL, a netrc or a GOPROXY URL, or a netrc,
//! git credential store, credentialed .gitconfig or SSH key copied in.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::{Context, declare_rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::knowledge::credentials::{
    CREDENTIAL_FILES, GITCONFIG, SSH_DIR, SSH_KEYS, UrlCredentials, gitconfig_has_credentials,
    instead_of_base, url_credentials,
};
use crate::model::{CopySource, Model, RunScript};
use crate::paths;
use crate::shell::Command;
use crate::source::TextRange;

declare_rule! {
    // A credential in a layer leaks whatever the image is for: a test or CI image is pushed
    // and cached as often as a release.
    GL402 "module-credentials-in-image", Warning, fix: None, applies: ALL_CLASSES, linux: false,
    "Credentials for private modules in an ARG, ENV, git config, netrc or copied key, where they stay in the image or its cache"
}

const HELP: &str = "give the credentials to the one RUN that fetches, as a secret that no layer keeps: `RUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download` (build with `--secret id=netrc,src=$HOME/.netrc`), or `RUN --mount=type=ssh go mod download` with git told to use SSH (`git config --global url.\"ssh://git@github.com/\".insteadOf https://github.com/`)";

/// Words that must appear in a file for any of its credentials to be found here.
const MENTIONS: &[&str] = &[
    "insteadof",
    "goproxy",
    "netrc",
    ".git-credentials",
    "id_rsa",
    "id_ed25519",
    "id_ecdsa",
    "id_dsa",
    ".ssh",
    ".gitconfig",
];

/// The text names one of [`MENTIONS`] in some case. Checked on every file, so in one pass with
/// the automaton's fast search (exact bytes, so each word in the cases files write it:
/// lowercase, uppercase, capitalised, and `insteadOf`); a copy lowercased and searched word by
/// word where the automaton cannot be built.
fn mentions_any(text: &str) -> bool {
    static SEARCH: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
        let mut words: Vec<String> = Vec::new();
        for m in MENTIONS {
            let mut capital = m.to_string();
            if let Some(first) = capital.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            words.extend([m.to_string(), m.to_ascii_uppercase(), capital]);
        }
        words.push("insteadOf".to_string());
        // Leftmost-first lets the search use its vectorised prefilter (which word matches
        // does not matter here); the compact automaton keeps its tables out of the caches
        // the rest of the lint needs.
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(words)
            .ok()
    });
    match SEARCH.as_ref() {
        Some(search) => search.is_match(text),
        None => {
            let lower = text.to_ascii_lowercase();
            MENTIONS.iter().any(|m| lower.contains(m))
        }
    }
}

/// Where what the stage holds ends up.
fn where_it_stays(shipped: bool) -> &'static str {
    if shipped {
        "it ships in the image, where anyone who pulls it can read it (`docker history`, `docker inspect`, or the layer's files)"
    } else {
        "it stays in this stage's layers and metadata in the build cache, on the builder and in any exported cache"
    }
}

/// A variable the file itself declares (ARG or ENV), not one the RUN sets for itself (`TOKEN=$(cat
/// /run/secrets/token)`).
fn declared(model: &Model, stage: usize, name: &str) -> bool {
    model.stages[stage].vars.get(name).is_some() || model.global_vars.get(name).is_some()
}

/// A later command of the same RUN removes what `git config` or a netrc write left: the file
/// does not reach the layer.
fn cleaned_up_after(run: &RunScript, index: usize) -> bool {
    run.script.commands[index + 1..].iter().any(|c| {
        let words: Vec<&str> = c.argv.iter().map(|w| w.text.as_str()).collect();
        match c.program() {
            Some("rm") => words
                .iter()
                .any(|w| w.ends_with(GITCONFIG) || w.contains("netrc")),
            Some("git") => words
                .iter()
                .any(|w| matches!(*w, "--unset" | "--unset-all" | "--remove-section")),
            _ => false,
        }
    })
}

/// The token a RUN command writes where it stays: `git config url.<url with $TOKEN>.insteadOf`,
/// or a netrc line with a password from a variable (`echo "machine ... password $TOKEN" >
/// ~/.netrc`). The word that carries it and the variable's name.
fn written_token(model: &Model, run: &RunScript, command: &Command) -> Option<(TextRange, String)> {
    let words = &command.argv;
    match command.program()? {
        "git" if words.iter().any(|w| w.text == "config") => words.iter().find_map(|w| {
            let base = instead_of_base(&w.text)?;
            match url_credentials(base)? {
                UrlCredentials::Variable(name) if declared(model, run.stage, &name) => {
                    Some((w.range, format!("`git config` puts the token in `${name}` into a URL that git keeps in `.gitconfig`")))
                }
                UrlCredentials::Literal => Some((
                    w.range,
                    "`git config` writes a password into a URL that git keeps in `.gitconfig`".to_string(),
                )),
                UrlCredentials::Variable(_) => None,
            }
        }),
        "echo" | "printf" => {
            let run_text = &model.instruction(run.instruction).line.text;
            if !run_text.contains("netrc") {
                return None;
            }
            let line: Vec<&str> = words.iter().skip(1).map(|w| w.text.as_str()).collect();
            let line = line.join(" ");
            let (_, after) = line.split_once("password")?;
            let name = after.trim_start().strip_prefix('$')?;
            let name: String = name
                .trim_start_matches('{')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let word = words.iter().find(|w| w.text.contains("password"))?;
            declared(model, run.stage, &name).then(|| {
                (
                    word.range,
                    format!("the netrc written here holds the token in `${name}`"),
                )
            })
        }
        _ => None,
    }
}

/// A copied file that holds credentials by its name (a netrc, an SSH key, the `.ssh`
/// directory), or a .gitconfig of the context that holds them.
fn credential_file(model: &Model, source: &CopySource, path: &str) -> Option<&'static str> {
    let name = paths::basename(path.trim_end_matches('/'));
    if CREDENTIAL_FILES.contains(&name) {
        return Some("credentials for git and the go command");
    }
    if SSH_KEYS.contains(&name) {
        return Some("an SSH private key");
    }
    if name == SSH_DIR {
        return Some("the SSH keys in `.ssh`");
    }
    if name == GITCONFIG && *source == CopySource::Context {
        let text = model.context()?.read_small_file(path.trim_start_matches("./"))?;
        return gitconfig_has_credentials(&text).then_some("git configuration with credentials in it");
    }
    None
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    if !mentions_any(ctx.text) {
        return;
    }
    let model = ctx.model;
    let shipped = model.final_stage.map(|f| model.chain(f)).unwrap_or_default();
    let mut push = |range: TextRange, stage: usize, what: String| {
        let ships = shipped.contains(&stage);
        let mut d = ctx
            .report(&RULE, range, format!("{what}: {}", where_it_stays(ships)))
            .with_help(HELP);
        if ships {
            d = d.with_severity(Severity::Error);
        }
        out.push(d);
    };
    for run in &model.runs {
        for (i, command) in run.script.commands.iter().map(std::ops::Deref::deref).enumerate() {
            let Some((range, what)) = written_token(model, run, command) else {
                continue;
            };
            // Removed in the same RUN: no layer keeps the file, and a build stage's arguments
            // stay out of any image's history.
            if cleaned_up_after(run, i) && !shipped.contains(&run.stage) {
                continue;
            }
            push(range, run.stage, what);
        }
    }
    for write in model.env_writes(&["GOPROXY"]) {
        let written = ctx.slice(write.range);
        let value = written
            .split_once(['=', ' '])
            .map_or(written, |(_, v)| v)
            .trim_matches(['"', '\'']);
        let found = value
            .split([',', '|'])
            .find_map(url_credentials)
            .and_then(|credentials| match credentials {
                UrlCredentials::Variable(name) if declared(model, write.stage, &name) => {
                    Some(format!("the GOPROXY URL carries the token in `${name}`"))
                }
                UrlCredentials::Literal => Some("the GOPROXY URL carries a password".to_string()),
                UrlCredentials::Variable(_) => None,
            });
        if let Some(what) = found {
            push(write.range, write.stage, what);
        }
    }
    for copy in &model.copies {
        let instruction = model.instruction(copy.instruction);
        let words = instruction.arg_words();
        for word in &words[..words.len().saturating_sub(1)] {
            if let Some(what) = credential_file(model, &copy.source, &word.value) {
                let verb = if copy.is_add { "ADD" } else { "COPY" };
                push(
                    word.range,
                    copy.stage,
                    format!("`{verb}` puts {what} (`{}`) into a layer, where a later delete does not reach it", word.value),
                );
            }
        }
    }
}
