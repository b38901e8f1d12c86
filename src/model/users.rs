//! Users a Dockerfile creates (`adduser`, `useradd`): their names and explicit ids, which tell
//! the numeric id a `USER name` stands for.

use super::facts::FileFacts;
use super::stage::CreatedUser;
use super::vars::Vars;
use crate::knowledge::images::Family;
use crate::knowledge::users::{created_user_words, is_valid_user_name, well_known_uid};
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

impl FileFacts<'_> {
    /// The uid of a user name, where the file shows it: a user the file creates with an
    /// explicit id (`adduser -u 10001 app`), or one of the final base's own users (distroless's
    /// `nonroot` 65532, `nobody` 65534). With `table`, distroless's names count on any base
    /// (what a `USER nonroot` on scratch means).
    pub fn uid_of(&self, name: &str, table: bool) -> Option<u32> {
        let created: Vec<Option<u32>> = self
            .users
            .iter()
            .filter(|u| u.name == name)
            .map(|u| u.uid)
            .collect();
        if let [uid] = created.as_slice() {
            return *uid;
        }
        if !created.is_empty() {
            return None;
        }
        let base_users = self.final_stage().map_or(&[][..], |s| s.facts.users);
        if let Some((_, uid)) = base_users.iter().find(|(n, _)| *n == name) {
            return Some(*uid);
        }
        let family = self.final_stage().map(|s| s.facts.family);
        // `nobody` is 65534 on the distributions gopherlint knows.
        let distro = matches!(
            family,
            Some(Family::Alpine | Family::Debian | Family::Busybox)
        );
        match name {
            "nonroot" if table => well_known_uid(name),
            "nobody" if table || distro => well_known_uid(name),
            _ => None,
        }
    }
}
