//! Users a Dockerfile creates (`adduser`, `useradd`): their names and explicit ids, which tell
//! the numeric id a `USER name` stands for.

use super::{CreatedUser, Vars};
use crate::shell::Command;

/// `adduser -D -u 10001 app`, `useradd -r -u 10001 -g app app`, `adduser --uid 10001 app`:
/// the name (the last operand) and the uid when given.
pub(super) fn created_user(stage: usize, command: &Command, vars: &Vars) -> Option<CreatedUser> {
    const WITH_VALUE: &[&str] = &[
        "-u",
        "--uid",
        "-g",
        "--gid",
        "-G",
        "--groups",
        "-h",
        "--home",
        "-d",
        "--home-dir",
        "-s",
        "--shell",
        "-c",
        "--comment",
        "--gecos",
        "-k",
        "--skel",
        "-K",
        "--key",
        "-p",
        "--password",
        "--ingroup",
        "-e",
        "--expiredate",
        "-f",
        "--inactive",
        "--firstuid",
        "--lastuid",
    ];
    let argv: Vec<&str> = command.argv.iter().map(|w| w.text.as_str()).collect();
    // `--uid "${UID}"` with `ENV UID=10001`.
    let id = |text: &str| {
        vars.expand(text)
            .usable()
            .and_then(|v| v.parse::<u32>().ok())
    };
    let mut uid = None;
    let mut operands = Vec::new();
    let mut i = 1;
    while i < argv.len() {
        let word = argv[i];
        if let Some((flag, value)) = word.split_once('=').filter(|_| word.starts_with("--")) {
            if flag == "--uid" {
                uid = id(value);
            }
        } else if WITH_VALUE.contains(&word) {
            if matches!(word, "-u" | "--uid") {
                uid = argv.get(i + 1).and_then(|v| id(v));
            }
            i += 1;
        } else if !word.starts_with('-') {
            operands.push(word);
        }
        i += 1;
    }
    // `adduser name group` adds a user to a group (Debian); the user is the first operand.
    let name = vars.expand(operands.first()?).usable()?.to_string();
    let valid = name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    (valid && !name.is_empty()).then_some(CreatedUser { stage, name, uid })
}
