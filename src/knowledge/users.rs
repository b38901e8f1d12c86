//! Users: how `USER` and `--chown` values read (`name[:group]`, numeric or not, root or not),
//! the ids well-known users have, and how `adduser`/`useradd` name the user they create.

/// The user distroless and chainguard images provide for running unprivileged, and the id
/// gopherlint suggests: `nonroot`, 65532 (GoogleContainerTools/distroless).
pub const NONROOT_UID: u32 = 65532;

/// `nobody`, 65534 on Debian, Ubuntu, Alpine, BusyBox and distroless.
pub const NOBODY_UID: u32 = 65534;

/// The `USER` value gopherlint writes for an unprivileged user: numeric, so Kubernetes'
/// `runAsNonRoot` can verify it, with the group of the same id.
pub const DEFAULT_NONROOT_USER: &str = "65532:65532";

/// A `user[:group]` value as `USER` and `--chown` take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserSpec<'a> {
    pub user: &'a str,
    pub group: Option<&'a str>,
}

impl<'a> UserSpec<'a> {
    pub fn parse(value: &'a str) -> UserSpec<'a> {
        match value.split_once(':') {
            Some((user, group)) => UserSpec {
                user,
                group: Some(group),
            },
            None => UserSpec {
                user: value,
                group: None,
            },
        }
    }

    /// The user is root: `root` or uid 0, whatever the group.
    pub fn is_root(&self) -> bool {
        self.user == "root" || self.user == "0"
    }

    /// The user as a number, when it is written as one.
    pub fn uid(&self) -> Option<u32> {
        self.user.parse().ok()
    }

    /// The user as a name: not empty, not a number. `root` is a name too.
    pub fn name(&self) -> Option<&'a str> {
        (!self.user.is_empty() && self.uid().is_none()).then_some(self.user)
    }

    /// The user as a name other than `root` (which needs no /etc/passwd entry to resolve, and
    /// is a root user's finding, not a name's).
    pub fn non_root_name(&self) -> Option<&'a str> {
        self.name().filter(|_| !self.is_root())
    }

    /// User and group (if any) are numbers other than 0: an unprivileged id that needs no
    /// /etc/passwd.
    pub fn is_numeric_nonroot(&self) -> bool {
        let non_zero = |part: &str| part.parse::<u32>().is_ok_and(|n| n != 0);
        non_zero(self.user) && self.group.is_none_or(non_zero)
    }
}

/// The uid a user name has in the images gopherlint knows, when it is the same everywhere
/// they have it: `nonroot` where the distroless table applies, `nobody` on the common
/// distributions.
pub fn well_known_uid(name: &str) -> Option<u32> {
    match name {
        "nonroot" => Some(NONROOT_UID),
        "nobody" => Some(NOBODY_UID),
        _ => None,
    }
}

/// `adduser`/`useradd` options that take a value (BusyBox adduser, Debian adduser, shadow's
/// useradd).
const CREATE_USER_VALUE_OPTIONS: &[&str] = &[
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

/// Programs that create a user.
pub fn creates_user(program: &str) -> bool {
    matches!(program, "adduser" | "useradd")
}

/// The words of `adduser -D -u 10001 app`, `useradd -r -u 10001 -g app app` or
/// `adduser --uid=10001 app`: the user name (the first operand: `adduser name group` adds a user
/// to a group on Debian) and the uid as written, when given.
pub fn created_user_words<'a>(argv: &[&'a str]) -> Option<(&'a str, Option<&'a str>)> {
    let (uid, operands) = id_and_operands(argv, CREATE_USER_VALUE_OPTIONS, 'u', "--uid");
    Some((operands.first()?, uid))
}

/// Options of `addgroup` and `groupadd` that take a value.
const CREATE_GROUP_VALUE_OPTIONS: &[&str] = &["-g", "--gid", "-K", "--key", "-p", "--password"];

/// A user or group command's id (`-u 1000`, `--uid=1000`, `-u1000`, the `g` of `-Sg 1000`) and
/// operands, reading its options as getopt does: short options may share a word, and the first
/// that takes a value takes the rest of the word (`-u1000`) or else the next word (`-ms
/// /bin/bash`).
fn id_and_operands<'a>(
    argv: &[&'a str],
    value_options: &[&str],
    id_short: char,
    id_long: &str,
) -> (Option<&'a str>, Vec<&'a str>) {
    let mut id = None;
    let mut operands = Vec::new();
    let mut i = 1;
    while i < argv.len() {
        let word = argv[i];
        if let Some((flag, value)) = word.split_once('=').filter(|_| word.starts_with("--")) {
            if flag == id_long {
                id = Some(value);
            }
        } else if value_options.contains(&word) {
            if word == id_long || word.strip_prefix('-') == Some(id_short.encode_utf8(&mut [0; 4]))
            {
                id = argv.get(i + 1).copied();
            }
            i += 1;
        } else if let Some(cluster) = word.strip_prefix('-').filter(|c| !c.starts_with('-')) {
            for (at, option) in cluster.char_indices() {
                let mut flag = [0u8; 4];
                let flag = format!("-{}", option.encode_utf8(&mut flag));
                if !value_options.contains(&flag.as_str()) {
                    continue;
                }
                let rest = &cluster[at + option.len_utf8()..];
                let value = if rest.is_empty() {
                    i += 1;
                    argv.get(i).copied()
                } else {
                    Some(rest)
                };
                if option == id_short {
                    id = value;
                }
                break;
            }
        } else if !word.starts_with('-') {
            operands.push(word);
        }
        i += 1;
    }
    (id, operands)
}

/// Programs that create a group.
pub fn creates_group(program: &str) -> bool {
    matches!(program, "addgroup" | "groupadd")
}

/// The words of `addgroup -g 10001 -S app`, `groupadd --gid 10001 app` or
/// `addgroup --gid=10001 app`: the group name and its gid as written. `addgroup user group`
/// (two operands) adds a user to a group on BusyBox and Debian: no group is created.
pub fn created_group_words<'a>(argv: &[&'a str]) -> Option<(&'a str, Option<&'a str>)> {
    let (gid, operands) = id_and_operands(argv, CREATE_GROUP_VALUE_OPTIONS, 'g', "--gid");
    match operands.as_slice() {
        [name] => Some((name, gid)),
        _ => None,
    }
}

/// A user name `useradd` accepts (letters, digits, `_`, `-`, `.`).
pub fn is_valid_user_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_specs() {
        assert!(UserSpec::parse("root:app").is_root());
        assert!(UserSpec::parse("0").is_root());
        assert_eq!(UserSpec::parse("app:app").name(), Some("app"));
        assert_eq!(UserSpec::parse("10001").name(), None);
        assert!(UserSpec::parse("10001:10001").is_numeric_nonroot());
        assert!(!UserSpec::parse("10001:0").is_numeric_nonroot());
        assert!(!UserSpec::parse("app").is_numeric_nonroot());
    }

    #[test]
    fn created_users() {
        let words = |t: &'static str| t.split(' ').collect::<Vec<_>>();
        assert_eq!(
            created_user_words(&words("adduser -D -u 10001 app")),
            Some(("app", Some("10001")))
        );
        assert_eq!(
            created_user_words(&words("adduser --uid=7 app staff")),
            Some(("app", Some("7")))
        );
        assert_eq!(created_user_words(&words("useradd -r")), None);
        // Options after the name, and the id joined to its option.
        assert_eq!(
            created_user_words(&words("useradd app -u 1001 -m")),
            Some(("app", Some("1001")))
        );
        assert_eq!(
            created_user_words(&words("adduser -D -u1001 app")),
            Some(("app", Some("1001")))
        );
        // Short options joined in one word: the last takes the next word as its value.
        assert_eq!(
            created_user_words(&words("useradd -ms /bin/bash -d /app lake -u 1010")),
            Some(("lake", Some("1010")))
        );
        assert_eq!(
            created_user_words(&words("adduser -DHu 1002 app")),
            Some(("app", Some("1002")))
        );
        assert_eq!(
            created_group_words(&words("addgroup -g 1001 -S dex")),
            Some(("dex", Some("1001")))
        );
        assert_eq!(
            created_group_words(&words("groupadd --gid=7 app")),
            Some(("app", Some("7")))
        );
        assert_eq!(created_group_words(&words("addgroup app docker")), None);
        // Short options in one word: BusyBox's `-S` and the gid.
        assert_eq!(
            created_group_words(&words("addgroup -Sg 1000 hugo")),
            Some(("hugo", Some("1000")))
        );
        assert_eq!(
            created_group_words(&words("groupadd -rg1000 hugo")),
            Some(("hugo", Some("1000")))
        );
    }
}
