//! How a download names what it serves: a branch, which moves with every push to it, or a
//! release tag or commit, which does not. The URL shapes are the code hosts' own: GitHub's raw,
//! blob, archive and release-asset paths (docs.github.com, "Linking to releases"), and
//! GitLab's `/-/raw/` and `/-/archive/`; and the install-script addresses projects document
//! for their one-line installs, which serve the newest installer.

/// A ref that names a branch or a rolling alias (`main`, `master`, `release`, `stable`,
/// `HEAD`, `matthew/p2p`), not a version or a commit: no number in it reads as a release, and
/// it is no abbreviated commit hash. A
/// ref written with a variable is not known, and is no branch here.
pub fn is_moving_ref(reference: &str) -> bool {
    let hash = reference.len() >= 7 && reference.bytes().all(|b| b.is_ascii_hexdigit());
    !reference.is_empty()
        && !reference.contains(['$', '{', '%'])
        && !names_a_release(reference)
        && !hash
}

/// A ref with a number that reads as a release: at the start of a part, after `v`, `-` or
/// `_`, or beside a dot (`v1.2.0`, `release-1.2`, `go1.22`). A digit between letters
/// (`matthew/p2p`, `feature/s3fs`) is part of a branch's name.
fn names_a_release(reference: &str) -> bool {
    reference.split('/').any(|part| {
        let bytes = part.as_bytes();
        bytes.iter().enumerate().any(|(i, b)| {
            if !b.is_ascii_digit() {
                return false;
            }
            let before = i.checked_sub(1).map(|j| bytes[j]);
            let after = bytes.get(i + 1).copied();
            match before {
                None | Some(b'.' | b'-' | b'_') => true,
                Some(b'v' | b'V') => i == 1 || matches!(bytes[i - 2], b'-' | b'_' | b'.'),
                Some(_) => after == Some(b'.'),
            }
        })
    })
}

/// Addresses that serve a project's newest install script, with no version in them, as the
/// projects' own install instructions write them (rustup, Docker, Poetry, RVM, Bun, Deno, uv,
/// SDKMAN!): a new installer replaces the script at the same address with each release.
const NEWEST_INSTALLERS: &[&str] = &[
    "sh.rustup.rs",
    "get.docker.com",
    "install.python-poetry.org",
    "get.rvm.io",
    "bun.sh/install",
    "deno.land/install.sh",
    "astral.sh/uv/install.sh",
    "get.sdkman.io",
];

/// The branch or rolling alias a download URL serves from, when it names one: the URL then
/// serves whatever was last pushed there, on purpose (a dataset rebuilt each day, an
/// installer's newest script; `newest` for a documented install address). `None` for a tag, a
/// commit, an unknown ref, or a URL of no known code host.
pub fn moving_ref(url: &str) -> Option<&str> {
    let path = url_path(url)?;
    if NEWEST_INSTALLERS.contains(&path.trim_end_matches('/')) {
        return Some("newest");
    }
    // Microsoft's permalinks (`aka.ms/vs/17/release/vc_redist.x64.exe`) redirect to the newest
    // release of what they name, and are retargeted with each one.
    if path.starts_with("aka.ms/") {
        return Some("newest");
    }
    let segments: Vec<&str> = path.split('/').collect();
    // A file named for the newest release (`redis-stable.tar.gz`, `latest.zip`), on any host:
    // the publisher replaces it with each release.
    if let Some(alias) = segments
        .last()
        .filter(|_| segments.len() > 1)
        .and_then(|file| rolling_file_alias(file))
    {
        return Some(alias);
    }
    let reference = match segments.as_slice() {
        // raw.githubusercontent.com/OWNER/REPO/refs/heads/BRANCH/PATH
        [
            "raw.githubusercontent.com",
            _,
            _,
            "refs",
            "heads",
            branch,
            ..,
        ] => return Some(branch),
        ["raw.githubusercontent.com", _, _, "refs", "tags", ..] => return None,
        // GitHub's API answers with a branch's head commit
        // (`api.github.com/repos/OWNER/REPO/git/refs/heads/main`, `.../commits/main`,
        // `.../branches/main`): added to bust the layer cache when the branch moves, which a
        // digest would defeat.
        [
            "api.github.com",
            "repos",
            _,
            _,
            "git",
            "refs",
            "heads",
            branch,
            ..,
        ] => {
            return Some(branch);
        }
        [
            "api.github.com",
            "repos",
            _,
            _,
            "commits" | "branches",
            reference,
        ] => reference,
        ["github.com", _, _, "releases", "latest", "download", ..]
        | ["github.com", _, _, "releases", "latest"]
        | ["api.github.com", "repos", _, _, "releases", "latest"] => return Some("latest"),
        ["github.com", _, _, "archive", "refs", "heads", archive] => strip_archive(archive),
        // A branch named with a slash (`archive/matthew/p2p.tar.gz`): the ref is everything
        // after `archive/`, up to the archive's extension.
        ["github.com", _, _, "archive", first, _, ..] if *first != "refs" => {
            let start: usize = segments[..4].iter().map(|s| s.len() + 1).sum();
            let reference = strip_archive(&path[start..]);
            if reference.len() == path.len() - start {
                return None;
            }
            reference
        }
        other => written_reference(other)?,
    };
    is_moving_ref(reference).then_some(reference)
}

/// The ref a code host's file or archive address is written with: raw.githubusercontent.com's
/// `OWNER/REPO/REF/PATH`, github.com's `raw/REF/...`, `blob/REF/...` and `archive/REF.tar.gz`,
/// GitLab's `/-/raw/REF/...` and `/-/archive/REF/...`.
fn written_reference<'a>(segments: &[&'a str]) -> Option<&'a str> {
    match segments {
        ["raw.githubusercontent.com", _, _, reference, _, ..] => Some(reference),
        ["github.com", _, _, "archive", archive] => Some(strip_archive(archive)),
        ["github.com", _, _, "raw" | "blob", reference, _, ..] => Some(reference),
        [host, tail @ ..] if host.starts_with("gitlab.") => {
            let dash = tail.iter().position(|s| *s == "-")?;
            match &tail[dash + 1..] {
                ["raw" | "archive", reference, _, ..] => Some(reference),
                _ => None,
            }
        }
        _ => None,
    }
}

/// An `http(s)://` address's host and path, without its query or fragment.
fn url_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    Some(rest.split(['?', '#']).next().unwrap_or(rest))
}

/// The address serves a file at a full commit (`.../raw/3fea3d48ea8337b2aaca755c1d719e34b45f46b9/...`):
/// a commit's files never change, so the download is the same each time.
pub fn pins_a_commit(url: &str) -> bool {
    let Some(path) = url_path(url) else {
        return false;
    };
    let segments: Vec<&str> = path.split('/').collect();
    // SHA-1 object names have 40 hex digits, SHA-256 ones 64.
    written_reference(&segments)
        .is_some_and(|r| matches!(r.len(), 40 | 64) && r.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Domain names reserved for documentation and tests (RFC 2606, RFC 6761): no one can serve
/// a file there, so a URL on one is a placeholder (a parser's test input, a README's sample).
const RESERVED_DOMAINS: &[&str] = &["example.com", "example.org", "example.net"];

/// Top-level names reserved the same way.
const RESERVED_TOP_LEVEL: &[&str] = &["example", "test", "invalid", "localhost"];

/// The URL's host is a name reserved for documentation and tests
/// (`http://example.org/example`): a placeholder, which downloads nothing real.
pub fn on_reserved_domain(url: &str) -> bool {
    let Some((_, rest)) = url.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
    let host = host.trim_end_matches('.');
    RESERVED_DOMAINS
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
        || host
            .rsplit('.')
            .next()
            .is_some_and(|tld| RESERVED_TOP_LEVEL.contains(&tld))
}

/// Extensions of a package manager's repository definition: yum and dnf's `.repo`, apt's
/// one-line `.list` and deb822 `.sources`.
const SOURCE_LIST_EXTENSIONS: &[&str] = &[".repo", ".list", ".sources"];

/// The address serves a package manager's repository definition
/// (`https://download.docker.com/linux/centos/docker-ce.repo`): a list of mirrors its vendor
/// edits when they move, kept current on purpose. What it installs is checked against the
/// repository's signing key, not against the list.
pub fn serves_source_list(url: &str) -> bool {
    url_path(url)
        .and_then(|path| path.rsplit('/').next())
        .is_some_and(|file| {
            let file = file.to_ascii_lowercase();
            SOURCE_LIST_EXTENSIONS
                .iter()
                .any(|ext| file.len() > ext.len() && file.ends_with(ext))
        })
}

/// The address names a version of what it serves (`https://dl.k8s.io/release/v1.34.3/...`,
/// `.../download/2.1.0/tool.tar.gz`): a path segment with a digit and a dot, and nothing left
/// to a variable or a moving ref. Such a download fetches the same file each time.
pub fn names_a_version(url: &str) -> bool {
    let Some(path) = url_path(url) else {
        return false;
    };
    !url.contains(['$', '{', '`'])
        && moving_ref(url).is_none()
        && path.split('/').skip(1).any(|segment| {
            segment.contains('.')
                && segment
                    .trim_start_matches('v')
                    .starts_with(|c: char| c.is_ascii_digit())
        })
}

/// A variable whose name says it holds a version (`KIT_VERSION`, `${version}`): in a download
/// address, a build argument the build must pass names the release it fetches.
pub fn is_version_variable(name: &str) -> bool {
    name.to_ascii_uppercase().contains("VERSION")
}

/// The rolling alias a file name ends in (`redis-stable.tar.gz`, `wordpress-latest.zip`,
/// `latest.tar.gz`): `latest` or `stable` as the whole name before its extensions, or its
/// last word.
fn rolling_file_alias(file: &str) -> Option<&'static str> {
    let stem = file
        .split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    // `latest` may stand anywhere (`gcs-connector-latest-hadoop2.jar`); `stable` only last, as
    // a word inside a name is often something else's (`stable-diffusion-...`).
    let last = stem.rsplit(['-', '_']).next().unwrap_or_default();
    if stem.split(['-', '_']).any(|word| word == "latest") {
        return Some("latest");
    }
    (last == "stable").then_some("stable")
}

/// The download serves a project's newest release: GitHub's `releases/latest` (its page, an
/// asset under it, or the API's record of it), which moves with each release.
pub fn serves_latest_release(url: &str) -> bool {
    moving_ref(url) == Some("latest")
}

/// The `http://` and `https://` addresses written in a shell word, which may hold several
/// inside a command substitution (`wget "$(curl -sL https://.../releases/latest | grep ...)"`).
/// An address ends at a space, a quote or a shell operator; `${...}` inside it is kept.
pub fn urls_in(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices("http").filter_map(move |(start, _)| {
        let rest = &text[start..];
        if !(rest.starts_with("https://") || rest.starts_with("http://")) {
            return None;
        }
        let end = rest
            .find(|c: char| {
                c.is_whitespace()
                    || matches!(c, '"' | '\'' | '|' | '(' | ')' | ';' | '<' | '>' | '`')
            })
            .unwrap_or(rest.len());
        Some(&rest[..end])
    })
}

/// The one architecture a download's address names in its own text, as Go calls it
/// (`dockerize-alpine-linux-amd64-$V.tar.gz`, `rclone-linux-x86_64.zip`): that file runs on
/// that architecture only. `None` when the address names none, or names it through a variable
/// (`-linux-${TARGETARCH}`).
pub fn named_architecture(url: &str) -> Option<&'static str> {
    url.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .find_map(|part| match part.to_ascii_lowercase().as_str() {
            // `node-v20-linux-x64`, `kepubify-linux-64bit`, Hugo's `Linux-64bit`.
            "amd64" | "x86_64" | "x64" | "64bit" => Some("amd64"),
            "arm64" | "aarch64" | "arm64v8" => Some("arm64"),
            "armv7" | "armhf" | "arm32v7" => Some("arm"),
            "ppc64le" => Some("ppc64le"),
            "s390x" => Some("s390x"),
            "riscv64" => Some("riscv64"),
            _ => None,
        })
}

/// `main.tar.gz` → `main`.
fn strip_archive(name: &str) -> &str {
    [".tar.gz", ".tgz", ".zip", ".tar.bz2", ".tar.xz"]
        .iter()
        .find_map(|ext| name.strip_suffix(ext))
        .unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::{
        is_moving_ref, moving_ref, names_a_version, on_reserved_domain, pins_a_commit,
        serves_latest_release, serves_source_list, urls_in,
    };

    #[test]
    fn reserved_domains_are_placeholders() {
        assert!(on_reserved_domain("http://example.org/example"));
        assert!(on_reserved_domain(
            "https://downloads.example.com/tool.tar.gz"
        ));
        assert!(on_reserved_domain(
            "https://user@files.internal.test:8443/x"
        ));
        assert!(!on_reserved_domain(
            "https://github.com/example/tool/releases/download/v1/t"
        ));
        assert!(!on_reserved_domain("https://myexample.com/tool"));
    }

    #[test]
    fn package_source_lists_are_kept_current() {
        assert!(serves_source_list(
            "https://download.docker.com/linux/centos/docker-ce.repo"
        ));
        assert!(serves_source_list(
            "https://cs.nginx.com/static/files/nginx-plus-8.repo"
        ));
        assert!(serves_source_list(
            "https://example.com/apt/tool.sources?x=1"
        ));
        assert!(!serves_source_list("https://example.com/tool-1.2.tar.gz"));
        assert!(!serves_source_list("https://example.com/.repo"));
        assert!(!serves_source_list("https://example.com/keys/signing.key"));
    }

    #[test]
    fn a_file_named_latest_anywhere_rolls_and_a_commit_pins() {
        assert_eq!(
            moving_ref(
                "https://storage.googleapis.com/hadoop-lib/gcs/gcs-connector-latest-hadoop2.jar"
            ),
            Some("latest")
        );
        assert_eq!(
            moving_ref(
                "https://storage.googleapis.com/spark-lib/bigquery/spark-bigquery-latest_2.12.jar"
            ),
            Some("latest")
        );
        assert_eq!(
            moving_ref("https://example.com/stable-diffusion-v1.5.tar.gz"),
            None
        );
        assert!(pins_a_commit(
            "https://github.com/kubernetes-sigs/windows-testing/raw/3fea3d48ea8337b2aaca755c1d719e34b45f46b9/images/busybox/x.ps1"
        ));
        assert!(pins_a_commit(
            "https://raw.githubusercontent.com/o/r/3fea3d48ea8337b2aaca755c1d719e34b45f46b9/a.sh"
        ));
        // An abbreviated hash may be a branch or tag name too.
        assert!(!pins_a_commit("https://github.com/o/r/raw/3fea3d4/a.sh"));
        assert!(!pins_a_commit("https://github.com/o/r/raw/v1.2.3/a.sh"));
    }

    #[test]
    fn an_address_names_a_version_only_with_nothing_left_open() {
        assert!(names_a_version(
            "https://dl.k8s.io/release/v1.34.3/bin/linux/amd64/kubectl"
        ));
        assert!(names_a_version(
            "https://github.com/acme/tool/releases/download/2.1.0/tool.tar.gz"
        ));
        assert!(!names_a_version(
            "https://dl.k8s.io/release/${KUBE_VERSION}/bin/linux/amd64/kubectl"
        ));
        assert!(!names_a_version(
            "https://github.com/acme/tool/releases/latest/download/tool.tar.gz"
        ));
        assert!(!names_a_version("https://example.com/install.sh"));
    }

    #[test]
    fn microsofts_permalinks_serve_the_newest_release() {
        assert_eq!(
            moving_ref("https://aka.ms/vs/17/release/vc_redist.x64.exe"),
            Some("newest")
        );
    }

    #[test]
    fn a_file_named_for_the_newest_release_rolls() {
        assert_eq!(
            moving_ref("http://download.redis.io/redis-stable.tar.gz"),
            Some("stable")
        );
        assert_eq!(
            moving_ref("https://wordpress.org/latest.tar.gz"),
            Some("latest")
        );
        assert_eq!(
            moving_ref("https://example.com/tool-1.2.3-linux.tar.gz"),
            None
        );
        assert_eq!(
            moving_ref("https://example.com/stable-diffusion.tar.gz"),
            None
        );
    }

    #[test]
    fn finds_addresses_inside_substitutions() {
        let word = "https://github.com/$(curl -s -L https://github.com/acme/tool/releases/${RELEASE} | egrep -o x)";
        let urls: Vec<&str> = urls_in(word).collect();
        assert_eq!(
            urls,
            [
                "https://github.com/$",
                "https://github.com/acme/tool/releases/${RELEASE}"
            ]
        );
        assert!(serves_latest_release(
            "https://github.com/acme/tool/releases/latest"
        ));
        assert!(serves_latest_release(
            "https://api.github.com/repos/acme/tool/releases/latest"
        ));
        assert!(!serves_latest_release(
            "https://github.com/acme/tool/releases/download/v1.2.0/tool.tar.gz"
        ));
        assert!(!serves_latest_release("https://sh.rustup.rs"));
    }

    #[test]
    fn names_the_architecture_written_in_the_address() {
        use super::named_architecture;
        let dockerize = "https://github.com/jwilder/dockerize/releases/download/$V/dockerize-alpine-linux-amd64-$V.tar.gz";
        assert_eq!(named_architecture(dockerize), Some("amd64"));
        let aarch = "https://example.com/tool-linux-aarch64.tar.gz";
        assert_eq!(named_architecture(aarch), Some("arm64"));
        let through = "https://example.com/tool-linux-${TARGETARCH}.tar.gz";
        assert_eq!(named_architecture(through), None);
        assert_eq!(named_architecture("https://example.com/tool.tar.gz"), None);
        assert_eq!(
            named_architecture(
                "https://github.com/pgaskin/kepubify/releases/download/v4.0.4/kepubify-linux-64bit"
            ),
            Some("amd64")
        );
        assert_eq!(
            named_architecture("https://nodejs.org/dist/v20.0.0/node-v20.0.0-linux-x64.tar.xz"),
            Some("amd64")
        );
    }

    #[test]
    fn branches_move_and_tags_do_not() {
        let data = "https://raw.githubusercontent.com/acme/rules-dat/release/geoip.dat";
        assert_eq!(moving_ref(data), Some("release"));
        let heads = "https://raw.githubusercontent.com/acme/tool/refs/heads/main/install.sh";
        assert_eq!(moving_ref(heads), Some("main"));
        let latest = "https://github.com/acme/tool/releases/latest/download/tool-linux-amd64";
        assert_eq!(moving_ref(latest), Some("latest"));
        let archive = "https://github.com/acme/tool/archive/refs/heads/master.tar.gz";
        assert_eq!(moving_ref(archive), Some("master"));
        let head = "https://api.github.com/repos/acme/plugin/git/refs/heads/main";
        assert_eq!(moving_ref(head), Some("main"));
        let commits = "https://api.github.com/repos/acme/plugin/commits/master";
        assert_eq!(moving_ref(commits), Some("master"));
        let pinned = "https://api.github.com/repos/acme/plugin/commits/3fea3d48ea8337b2aaca755c1d719e34b45f46b9";
        assert_eq!(moving_ref(pinned), None);
        let gitlab = "https://gitlab.com/acme/tool/-/raw/main/install.sh";
        assert_eq!(moving_ref(gitlab), Some("main"));
        assert_eq!(moving_ref("https://sh.rustup.rs"), Some("newest"));
        assert_eq!(moving_ref("https://get.docker.com/"), Some("newest"));
        assert_eq!(
            moving_ref(
                "https://static.rust-lang.org/rustup/archive/1.27.1/x86_64-unknown-linux-gnu/rustup-init"
            ),
            None
        );

        let tagged = "https://raw.githubusercontent.com/acme/mirror.sh/1.4.5/mirror.sh";
        assert_eq!(moving_ref(tagged), None);
        let asset = "https://github.com/acme/tool/releases/download/v2.1.2/tool.jar";
        assert_eq!(moving_ref(asset), None);
        let commit = "https://raw.githubusercontent.com/acme/tool/abcdef1/install.sh";
        assert_eq!(moving_ref(commit), None);
        let variable = "https://raw.githubusercontent.com/acme/tool/${REF}/install.sh";
        assert_eq!(moving_ref(variable), None);
        for release in [
            "v1.2.0",
            "1.22",
            "release-1.2",
            "go1.22",
            "v10",
            "20240101",
            "rel/v2",
        ] {
            assert!(!is_moving_ref(release), "{release}");
        }
        for branch in ["main", "matthew/p2p", "feature/s3fs", "HEAD"] {
            assert!(is_moving_ref(branch), "{branch}");
        }
        let slashed = "https://github.com/acme/web/archive/alice/p2p.tar.gz";
        assert_eq!(moving_ref(slashed), Some("alice/p2p"));
        let release_branch = "https://github.com/acme/web/archive/release/v1.2.tar.gz";
        assert_eq!(moving_ref(release_branch), None);
        assert_eq!(
            moving_ref("https://github.com/acme/web/archive/alice/p2p"),
            None
        );
        let archived = "https://github.com/acme/tool/archive/v1.2.0.tar.gz";
        assert_eq!(moving_ref(archived), None);
    }
}
