//! Users a Dockerfile creates (`adduser`, `useradd`): their names and explicit ids, which tell
//! the numeric id a `USER name` stands for.

use super::{CreatedUser, Vars};
use crate::knowledge::users::{created_user_words, is_valid_user_name};
use crate::shell::Command;

/// The user a command creates, with the uid when it is given (`--uid "${UID}"` with `ENV
/// UID=10001` counts).
pub(super) fn created_user(stage: usize, command: &Command, vars: &Vars) -> Option<CreatedUser> {
    let argv: Vec<&str> = command.argv.iter().map(|w| w.text.as_str()).collect();
    let (name, uid) = created_user_words(&argv)?;
    let uid = uid.and_then(|text| {
        vars.expand(text)
            .usable()
            .and_then(|v| v.parse::<u32>().ok())
    });
    let name = vars.expand(name).usable()?.to_string();
    is_valid_user_name(&name).then_some(CreatedUser { stage, name, uid })
}
