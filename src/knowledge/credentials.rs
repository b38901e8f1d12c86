//! Credentials for fetching private Go modules, and where they hide: the files git, curl and
//! ssh read them from (`go help private`: "the go command uses the credentials in ~/.netrc or
//! git's credential helpers", or an SSH key with `insteadOf`), and URLs that carry them.

/// Files that hold credentials by their purpose: curl's and git's netrc (Windows: `_netrc`)
/// and git's credential store.
pub const CREDENTIAL_FILES: &[&str] = &[".netrc", "_netrc", ".git-credentials"];

/// SSH private keys by the names `ssh-keygen` gives them.
pub const SSH_KEYS: &[&str] = &[
    "id_rsa",
    "id_ed25519",
    "id_ecdsa",
    "id_dsa",
    "id_ed25519_sk",
    "id_ecdsa_sk",
];

/// The directory of SSH keys in a home directory.
pub const SSH_DIR: &str = ".ssh";

/// git's configuration file, which may carry credentials in an `insteadOf` URL or an
/// `extraheader`.
pub const GITCONFIG: &str = ".gitconfig";

/// What a URL carries in its user part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlCredentials {
    /// A variable's value (`https://${GITHUB_TOKEN}@github.com/`, `https://oauth2:$TOKEN@...`):
    /// its name.
    Variable(String),
    /// A password written out (`https://user:glpat-xyz@gitlab.example.com/`).
    Literal,
}

/// The credentials in a URL's user part (`scheme://user:password@host/...`). A user name alone
/// (`ssh://git@github.com/`) is not a credential.
pub fn url_credentials(url: &str) -> Option<UrlCredentials> {
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split('/').next().unwrap_or(rest);
    let (userinfo, _host) = authority.rsplit_once('@')?;
    // `user:secret` keeps the secret after the colon (`${USER}:${TOKEN}` names `TOKEN`);
    // a lone `${TOKEN}@` is a token given as the user name.
    match userinfo.split_once(':') {
        Some((_, password)) if !password.is_empty() => {
            Some(first_variable(password).map_or(UrlCredentials::Literal, UrlCredentials::Variable))
        }
        Some((user, _)) => first_variable(user).map(UrlCredentials::Variable),
        None => first_variable(userinfo).map(UrlCredentials::Variable),
    }
}

/// The name of the first `$NAME` or `${NAME}` in `text`.
fn first_variable(text: &str) -> Option<String> {
    let at = text.find('$')?;
    let rest = &text[at + 1..];
    let rest = rest.strip_prefix('{').unwrap_or(rest);
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// A git configuration's text carries credentials: an `insteadOf` (or any) URL with a
/// password or token in it, or an HTTP `extraheader` (an `Authorization` header).
pub fn gitconfig_has_credentials(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim();
        let lower = line.to_ascii_lowercase();
        lower.starts_with("extraheader")
            || line
                .split(['"', ' ', '='])
                .any(|part| url_credentials(part) == Some(UrlCredentials::Literal))
    })
}

/// The key of a `git config` that rewrites URLs (`url.<base>.insteadOf`): the base, which is
/// the URL that git then uses.
pub fn instead_of_base(key: &str) -> Option<&str> {
    let base = key.strip_prefix("url.")?;
    let lower = base.to_ascii_lowercase();
    let end = lower
        .strip_suffix(".insteadof")
        .or_else(|| lower.strip_suffix(".pushinsteadof"))?
        .len();
    Some(&base[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_user_part_of_a_url() {
        assert_eq!(
            url_credentials("https://${GITHUB_TOKEN}@github.com/"),
            Some(UrlCredentials::Variable("GITHUB_TOKEN".into()))
        );
        assert_eq!(
            url_credentials("https://oauth2:$CI_JOB_TOKEN@gitlab.com/acme"),
            Some(UrlCredentials::Variable("CI_JOB_TOKEN".into()))
        );
        assert_eq!(
            url_credentials("https://user:s3cret@proxy.example.com"),
            Some(UrlCredentials::Literal)
        );
        assert_eq!(
            url_credentials("https://${Github_UserName}:${Github_Token}@github.com"),
            Some(UrlCredentials::Variable("Github_Token".to_string()))
        );
        assert_eq!(url_credentials("ssh://git@github.com/"), None);
        assert_eq!(url_credentials("https://proxy.golang.org,direct"), None);
        assert_eq!(url_credentials("https://github.com/a@b"), None);
    }

    #[test]
    fn finds_the_base_of_an_instead_of_key() {
        assert_eq!(
            instead_of_base("url.https://${T}@github.com/.insteadOf"),
            Some("https://${T}@github.com/")
        );
        assert_eq!(instead_of_base("user.name"), None);
    }

    #[test]
    fn reads_credentials_in_a_gitconfig() {
        assert!(gitconfig_has_credentials(
            "[url \"https://me:ghp_abc@github.com/\"]\n\tinsteadOf = https://github.com/\n"
        ));
        assert!(gitconfig_has_credentials(
            "[http \"https://github.com/\"]\n\textraheader = AUTHORIZATION: basic abc\n"
        ));
        assert!(!gitconfig_has_credentials(
            "[url \"git@github.com:\"]\n\tinsteadOf = https://github.com/\n"
        ));
    }
}
