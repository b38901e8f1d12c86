//! Users a Dockerfile creates (`adduser`, `useradd`): their names and explicit ids, which tell
//! the numeric id a `USER name` stands for.

use super::copy::CopySource;
use super::facts::FileFacts;
use super::stage::{CreatedGroup, CreatedUser};
use super::vars::{Vars, bare_variable};
use crate::knowledge::conventions::{
    DOCKER_SOCKET, HOST_PLUMBING, PRIVILEGE_DROPPERS, PROCESS_SUPERVISORS,
};
use crate::knowledge::files::{PASSWD, ROOT_HOME};
use crate::knowledge::images::Family;
use crate::knowledge::network::NET_BIND_CAPABILITY;
use crate::knowledge::users::{
    created_group_words, created_user_words, is_valid_user_name, well_known_uid,
};
use crate::paths;
use crate::shell::Command;
use crate::syntax::{Args, Keyword};

/// The user a command creates, with the uid when it is given (`--uid "${UID}"` with `ENV
/// UID=10001` counts).
pub(super) fn created_user(stage: usize, command: &Command, vars: &Vars) -> Option<CreatedUser> {
    let (name, uid, uid_arg) = created_name_and_id(command, vars, created_user_words)?;
    Some(CreatedUser {
        stage,
        name,
        uid,
        uid_arg,
    })
}

/// The group a `addgroup`/`groupadd` command creates, with its gid when given.
pub(super) fn created_group(stage: usize, command: &Command, vars: &Vars) -> Option<CreatedGroup> {
    let (name, gid, gid_arg) = created_name_and_id(command, vars, created_group_words)?;
    Some(CreatedGroup {
        stage,
        name,
        gid,
        gid_arg,
    })
}

/// The knowledge layer's reading of a user or group command: its name and id as written.
type NameAndIdWords = for<'a> fn(&[&'a str]) -> Option<(&'a str, Option<&'a str>)>;

/// The name and id a user or group command gives, as the shell expands them: the words come
/// from `words` (the knowledge layer's reading of the command's options).
fn created_name_and_id(
    command: &Command,
    vars: &Vars,
    words: NameAndIdWords,
) -> Option<(String, Option<u32>, Option<String>)> {
    let argv: Vec<&str> = command.argv.iter().map(|w| w.text.as_str()).collect();
    let (name, id_text) = words(&argv)?;
    // `-u ${APP_UID}` with `ARG APP_UID=1000`: whoever builds may choose another id.
    let id_arg = id_text
        .and_then(bare_variable)
        .filter(|var| vars.get(var).is_some_and(|v| !v.from_env))
        .map(str::to_string);
    let id = id_text.and_then(|text| {
        vars.expand(text)
            .usable()
            .and_then(|v| v.parse::<u32>().ok())
    });
    let name = vars.expand(name).usable()?.to_string();
    is_valid_user_name(&name).then_some((name, id, id_arg))
}

impl FileFacts<'_> {
    /// The gid of a group name the file creates with an explicit id (`addgroup -g 10001 app`),
    /// or distroless's `nonroot` group (65532) with `table`.
    pub fn gid_of(&self, name: &str, table: bool) -> Option<u32> {
        let created: Vec<Option<u32>> = self
            .groups
            .iter()
            .filter(|g| g.name == name)
            .map(|g| g.gid)
            .collect();
        match created.as_slice() {
            [gid] => *gid,
            [] if table && name == "nonroot" => Some(crate::knowledge::users::NONROOT_UID),
            _ => None,
        }
    }

    /// The build argument that sets the id of a user the file creates once (`adduser -u
    /// ${APP_UID} app`), where the final stage sees it at `instruction`: a `USER ${APP_UID}`
    /// there follows a build that changes it.
    pub fn uid_arg_of(&self, name: &str, instruction: usize) -> Option<&str> {
        let created: Vec<&CreatedUser> = self.users.iter().filter(|u| u.name == name).collect();
        let [user] = created.as_slice() else {
            return None;
        };
        self.arg_in_final_scope(user.uid_arg.as_deref()?, instruction)
    }

    /// The build argument that sets the id of a group the file creates once.
    pub fn gid_arg_of(&self, name: &str, instruction: usize) -> Option<&str> {
        let created: Vec<&CreatedGroup> = self.groups.iter().filter(|g| g.name == name).collect();
        let [group] = created.as_slice() else {
            return None;
        };
        self.arg_in_final_scope(group.gid_arg.as_deref()?, instruction)
    }

    fn arg_in_final_scope<'n>(&self, arg: &'n str, instruction: usize) -> Option<&'n str> {
        self.declared_before(self.final_stage?, instruction, arg)
            .then_some(arg)
    }

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
        // Created in several stages (one per image variant) with one id: that id.
        if let [first, rest @ ..] = created.as_slice()
            && rest.iter().all(|uid| uid == first)
        {
            return *first;
        }
        if !created.is_empty() {
            return None;
        }
        if let Some(uid) = self.written_passwd_uid(name) {
            return Some(uid);
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

impl FileFacts<'_> {
    /// The file writes an /etc/passwd of its own: it copies one in, or a RUN edits it
    /// (`echo "app:x:10001:10001::/:/sbin/nologin" >> /etc/passwd`).
    pub fn writes_passwd(&self) -> bool {
        // `COPY --from=build /passwd /group /etc/` lands it as surely as a copy onto the path.
        self.copies.iter().any(|c| {
            c.landing_paths()
                .iter()
                .flatten()
                .any(|landing| landing == PASSWD)
        }) || self
            .runs
            .iter()
            .flat_map(|r| &r.script.commands)
            .flat_map(|c| &c.argv)
            .any(|w| w.text.contains(PASSWD))
    }

    /// The uid of `name` in a passwd line the file writes literally (`name:x:10001:...`), or
    /// in a passwd file it copies from the build context (`COPY build/passwd /etc/passwd`).
    fn written_passwd_uid(&self, name: &str) -> Option<u32> {
        if !self.writes_passwd() {
            return None;
        }
        passwd_uid(self.text, name).or_else(|| self.copied_passwd_uid(name))
    }

    /// The uid of `name` in the passwd file a COPY from the context puts at /etc/passwd.
    fn copied_passwd_uid(&self, name: &str) -> Option<u32> {
        let context = self.context()?;
        let copy = self.copies.iter().find(|c| {
            c.source == CopySource::Context
                && c.dest
                    .usable()
                    .is_some_and(|d| paths::normalize(d) == PASSWD)
        })?;
        let [source] = copy.sources.as_slice() else {
            return None;
        };
        let source = source.usable().filter(|s| !s.contains(['*', '?', '[']))?;
        let relative = source.trim_start_matches('/');
        if relative.split('/').any(|part| part == "..") {
            return None;
        }
        let bytes = std::fs::read(std::path::Path::new(&context.dir).join(relative)).ok()?;
        passwd_uid(crate::context::read_text(&bytes)?, name)
    }
}

/// Environment variables through which a program is told which uid or gid to drop to
/// (`PUID`, `APP_UID`, `VHS_GID`, `USER_ID`).
fn names_an_id(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["UID", "GID", "USER_ID", "GROUP_ID"]
        .iter()
        .any(|suffix| upper == *suffix || upper.ends_with(&format!("_{suffix}")))
        || matches!(upper.as_str(), "PUID" | "PGID")
}

impl FileFacts<'_> {
    /// How the image's program leaves root by itself, where the file shows it: a privilege
    /// dropper in the image (`gosu`, `su-exec`, `setpriv`) or in its start command, or a uid
    /// handed to the program in the environment next to a user the file creates.
    pub fn drops_root_itself(&self) -> Option<String> {
        let chain = self.final_chain();
        let words = self.final_chain_words();
        if let Some(dropper) = PRIVILEGE_DROPPERS
            .iter()
            .find(|d| words.iter().any(|w| paths::basename(w) == **d))
        {
            return Some(format!("it starts its program through `{dropper}`"));
        }
        if let Some(supervisor) = PROCESS_SUPERVISORS.iter().find(|s| {
            words.iter().any(|w| {
                let name = paths::basename(w);
                name == **s || name.strip_suffix(".conf") == Some(*s)
            })
        }) {
            return Some(format!(
                "it starts its programs through `{supervisor}`, which runs each as the user its configuration names"
            ));
        }
        if words.contains(&"--userspec") {
            return Some("it starts its program through `chroot --userspec`".into());
        }
        let creates_user = self.users.iter().any(|u| chain.contains(&u.stage));
        let stage = self.final_stage()?;
        let (id_var, _) = stage
            .vars
            .iter()
            .find(|(name, v)| v.exported && v.from_env && names_an_id(name))?;
        creates_user
            .then(|| format!("it creates a user and hands its id to the program in `{id_var}`"))
    }

    /// Why the image's program needs root, where the file shows it: it talks to the Docker
    /// socket, or does host or cluster plumbing (a firewall, a VPN, the kubelet).
    pub fn needs_root(&self) -> Option<String> {
        let words = self.final_chain_words();
        if words.iter().any(|w| w.contains(DOCKER_SOCKET)) {
            return Some("it uses the Docker socket".into());
        }
        // A port below 1024 needs root (or a capability the image does not show) to bind.
        // A file that grants the capability to its binary (`setcap cap_net_bind_service`)
        // made the port bindable without root.
        let grants_bind = words
            .iter()
            .any(|w| w.to_ascii_lowercase().contains(NET_BIND_CAPABILITY));
        if let Some(port) = self.privileged_port().filter(|_| !grants_bind) {
            return Some(format!(
                "it listens on port {port}, which only root may bind by default"
            ));
        }
        // A DHCP server needs raw sockets, which the bind capability does not give.
        if let Some(port) = self
            .exposed_ports()
            .into_iter()
            .find(|p| crate::knowledge::network::DHCP_PORTS.contains(p))
        {
            return Some(format!(
                "it serves DHCP (port {port}), which needs raw sockets only root has by default"
            ));
        }
        let packages = self.final_installed_packages();
        if let Some(tool) = HOST_PLUMBING.iter().find(|t| {
            packages.iter().any(|p| p == *t) || words.iter().any(|w| paths::basename(w) == **t)
        }) {
            return Some(format!("it runs `{tool}`, which needs root"));
        }
        // An ENV that points the program at root's home (`ENV APP_CONFIG=/root/.app/config.yml`):
        // its files are where no other user may write. Go's own variables and PATH lists
        // are build settings, not the program's.
        if let Some(stage) = self.final_stage()
            && let Some((name, _)) = stage.vars.iter().find(|(name, var)| {
                var.from_env
                    && !name.starts_with("GO")
                    && var
                        .value
                        .as_ref()
                        .and_then(|v| v.usable())
                        .is_some_and(|v| !v.contains(':') && paths::is_within(v, ROOT_HOME))
            })
        {
            return Some(format!("it keeps its files in root's home (`{name}`)"));
        }
        // A copy into root's home (`COPY --from=cache /root/.kwok/cache /root/.kwok/cache`):
        // the program finds those files through $HOME, which is /root only for root, and
        // root's home is closed to other users on most bases.
        let chain = self.final_chain();
        if let Some(dest) = self
            .copies
            .iter()
            .filter(|c| chain.contains(&c.stage))
            .filter_map(|c| c.dest.usable().map(paths::normalize))
            .find(|dest| paths::is_within(dest, ROOT_HOME))
        {
            return Some(format!("it keeps its files in root's home (`{dest}`)"));
        }
        // Its working directory in root's home (`WORKDIR /root`): the files it writes there
        // by relative path, and through $HOME, are where no other user may write.
        if let Some(dir) = self
            .final_stage()
            .and_then(|s| s.workdir.as_deref())
            .map(paths::normalize)
            .filter(|dir| paths::is_within(dir, ROOT_HOME))
        {
            return Some(format!("it works in root's home (`WORKDIR {dir}`)"));
        }
        // `ONBUILD RUN apk add ...`: the builds made from the image install packages as its
        // user, which only root may do.
        let onbuild_installs = self.final_chain().iter().any(|&s| {
            self.stages[s]
                .body
                .iter()
                .any(|&i| match &self.file.instructions[i].args {
                    Args::OnBuild(inner) if inner.keyword == Keyword::Run => {
                        super::scripts::run_scripts(inner, self.text)
                            .iter()
                            .flat_map(|script| script.commands.iter())
                            .any(|c| super::scripts::installed_packages(c).is_some())
                    }
                    _ => false,
                })
        });
        if onbuild_installs {
            return Some("its ONBUILD steps install packages in the images built from it".into());
        }
        // The Docker client, installed or copied in: the program drives a Docker daemon.
        if packages
            .iter()
            .any(|p| matches!(p.as_str(), "docker" | "docker-cli" | "docker-ce-cli"))
            || words.iter().any(|w| paths::basename(w) == "docker")
        {
            return Some("it ships the Docker client".into());
        }
        None
    }

    /// The users the file creates for the final image, in file order: in its chain of
    /// stages, or in a build stage whose `/etc/passwd` the final image copies (a scratch
    /// image takes its users from there).
    pub fn final_users(&self) -> Vec<&CreatedUser> {
        let chain = self.final_chain();
        let passwd_from: Vec<usize> = self
            .copies
            .iter()
            .filter(|c| chain.contains(&c.stage))
            .filter_map(|c| match c.source {
                CopySource::Stage(from)
                    if c.sources.iter().any(|s| {
                        s.usable().is_some_and(|p| {
                            let path = paths::normalize(p);
                            path == PASSWD || path == "/etc"
                        })
                    }) =>
                {
                    Some(from)
                }
                _ => None,
            })
            .collect();
        self.users
            .iter()
            .filter(|u| chain.contains(&u.stage) || passwd_from.contains(&u.stage))
            .collect()
    }

    /// The uid the file gives its own user in the final image, where it shows one: a user it
    /// creates with an id (`adduser -u 1000`), a uid build argument (`ARG UID=1000`), or what
    /// it chowns to (`chown 1000:1000`, `COPY --chown=1000`). The image's own files belong
    /// to it, so a USER fix should name it rather than a stranger.
    pub fn own_uid(&self) -> Option<u32> {
        let nonzero = |text: &str| text.parse::<u32>().ok().filter(|&uid| uid != 0);
        // A user created with id 0 (`useradd -u ${USERID}` with `ARG USERID=0`) is root again.
        if let Some(uid) = self
            .final_users()
            .iter()
            .rev()
            .find_map(|u| u.uid.filter(|&uid| uid != 0))
        {
            return Some(uid);
        }
        let stage = self.final_stage()?;
        let from_var = stage.vars.iter().find_map(|(name, var)| {
            let upper = name.to_ascii_uppercase();
            let user_id = names_an_id(name) && !upper.contains("GID") && !upper.contains("GROUP");
            user_id
                .then(|| var.value.as_ref()?.usable().and_then(nonzero))
                .flatten()
        });
        if from_var.is_some() {
            return from_var;
        }
        self.final_chown_owners()
            .into_iter()
            .filter_map(|owner| nonzero(owner.split(':').next().unwrap_or("")))
            .next_back()
    }

    /// The owners the final chain gives its files, in file order: `chown OWNER` in its RUNs
    /// (as written, variables unexpanded), then `COPY --chown=OWNER` (expanded where known).
    fn final_chown_owners(&self) -> Vec<String> {
        let chain = self.final_chain();
        self.runs
            .iter()
            .filter(|r| chain.contains(&r.stage))
            .flat_map(|r| &r.script.commands)
            .filter(|c| c.program() == Some("chown"))
            .filter_map(|c| c.argv.iter().skip(1).find(|w| !w.text.starts_with('-')))
            .filter(|w| !w.has_expansion)
            .map(|w| w.text.clone())
            .chain(
                self.copies
                    .iter()
                    .filter(|c| chain.contains(&c.stage))
                    .filter_map(|c| c.chown.as_ref()?.usable().map(str::to_string)),
            )
            .collect()
    }

    /// The user name the final chain hands its files to (`chown -R nobody: /opt/app`, `COPY
    /// --chown=nobody:nogroup`), when it is not root and the file shows no id of its own.
    pub fn own_owner_name(&self) -> Option<String> {
        self.final_chown_owners()
            .into_iter()
            .filter_map(|owner| {
                let name = owner.split([':', '.']).next()?.to_string();
                let plain = !name.is_empty()
                    && name != "root"
                    && name.parse::<u32>().is_err()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_-".contains(c));
                plain.then_some(name)
            })
            .next_back()
    }

    /// The final chain works in a directory named by a variable its ENV sets (`ENV
    /// APP_DIR=/data` then `WORKDIR $APP_DIR`): the program's configured data directory, which
    /// WORKDIR creates owned by root.
    pub fn final_workdir_from_env(&self) -> bool {
        let Some(final_stage) = self.final_stage else {
            return false;
        };
        let file = self.file;
        let instructions = self.chain_instructions(final_stage);
        let env_names: Vec<&str> = instructions
            .iter()
            .map(|&i| &file.instructions[i])
            .filter(|i| i.keyword == Keyword::Env)
            .flat_map(|i| match &i.args {
                crate::syntax::Args::KeyValues(pairs) => pairs
                    .iter()
                    .map(|p| p.key.value.as_str())
                    .collect::<Vec<_>>(),
                _ => Vec::new(),
            })
            .collect();
        instructions
            .iter()
            .map(|&i| &file.instructions[i])
            .filter(|i| i.keyword == Keyword::Workdir)
            .filter_map(|i| i.args_range)
            .map(|range| &self.text[range.start..range.end])
            .any(|dir| {
                env_names.iter().any(|name| {
                    dir.contains(&format!("${name}")) || dir.contains(&format!("${{{name}}}"))
                })
            })
    }

    /// A port below 1024 that the final image EXPOSEs.
    fn privileged_port(&self) -> Option<u16> {
        self.exposed_ports().into_iter().find(|&port| port < 1024)
    }

    /// The ports the final image EXPOSEs, as written (variables left out).
    fn exposed_ports(&self) -> Vec<u16> {
        let file = self.file;
        let Some(stage) = self.final_stage else {
            return Vec::new();
        };
        self.chain_instructions(stage)
            .into_iter()
            .map(|i| &file.instructions[i])
            .filter(|i| i.keyword == Keyword::Expose)
            .flat_map(|i| i.arg_words().iter())
            .filter_map(|w| w.value.split('/').next()?.parse::<u16>().ok())
            .collect()
    }

    /// The words of the final chain's RUN commands, copies (sources and destinations),
    /// VOLUMEs and start commands.
    fn final_chain_words(&self) -> Vec<&str> {
        let chain = self.final_chain();
        let mut words: Vec<&str> = self
            .runs
            .iter()
            .filter(|r| chain.contains(&r.stage))
            .flat_map(|r| &r.script.commands)
            .flat_map(|c| c.argv.iter().map(|w| w.text.as_str()))
            .collect();
        for copy in self.copies.iter().filter(|c| chain.contains(&c.stage)) {
            words.extend(copy.sources.iter().map(|s| s.text.as_str()));
            words.push(copy.dest.text.as_str());
        }
        let file = self.file;
        for &i in &self.chain_instructions(self.final_stage.unwrap_or(0)) {
            let instruction = &file.instructions[i];
            if matches!(
                instruction.keyword,
                Keyword::Volume | Keyword::Entrypoint | Keyword::Cmd
            ) {
                words.extend(
                    instruction
                        .arg_words()
                        .iter()
                        .flat_map(|w| w.value.split_whitespace()),
                );
            }
        }
        words
    }
}

impl super::Model<'_> {
    /// What the file cannot show: the project's own documentation runs the image it starts
    /// with the host's Docker socket mounted, or with its data in a volume under `/root`.
    /// Else (no start command: users name the program on `docker run`; or one that starts
    /// a wrapper script, `entrypoint.sh`), the image is known by the programs it ships
    /// (`loop:latest` running `loopd` ships `/bin/loop`).
    pub fn documented_root_need(&self) -> Option<&crate::repository::DocumentedRun> {
        let docs = self.run_docs.as_ref()?;
        if let Some(found) = self
            .start_command()
            .and_then(|start| docs.root_need(start.first()?))
        {
            return Some(found);
        }
        let mut shipped: Vec<String> = self
            .shipped_builds()
            .flat_map(|build| self.landed(build))
            .chain(
                self.opaque_go_copies()
                    .iter()
                    .filter_map(|b| b.landing.as_ref()),
            )
            .cloned()
            .collect();
        // Programs copied in whole (`COPY updater updaterd /bin/`).
        shipped.extend(
            self.final_copies()
                .flat_map(|c| c.landing_paths())
                .flatten(),
        );
        shipped.iter().find_map(|path| docs.root_need(path))
    }
}

/// The uid of `name` in passwd text (`name:x:10001:10001::/home/name:/sbin/nologin`).
/// The entry starts a word: `app:x:` is not found in `myapp:x:`.
fn passwd_uid(text: &str, name: &str) -> Option<u32> {
    let entry = format!("{name}:x:");
    let at = text.match_indices(&entry).find_map(|(at, _)| {
        let before = text[..at].chars().next_back();
        (!before.is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
            .then_some(at + entry.len())
    })?;
    let digits: String = text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}
