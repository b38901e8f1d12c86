//! What a comment says of an image: the phrases with which a file says what the image is for
//! ("for testing purposes only"), and the words with which it gives the reason for a choice.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind};

use super::Intent;

/// Phrases with which a comment says what the whole image is for (compared lowercase). They
/// are read only where a file describes itself: its header and the comments just above the
/// shipped stage.
const PURPOSE_PHRASES: &[(&str, Intent)] = &[
    ("for testing", Intent::Test),
    ("testing purpose", Intent::Test),
    ("test purpose", Intent::Test),
    ("testing only", Intent::Test),
    ("tests only", Intent::Test),
    ("integration test", Intent::Test),
    ("e2e test", Intent::Test),
    ("end-to-end test", Intent::Test),
    ("test image", Intent::Test),
    ("test dockerfile", Intent::Test),
    ("canary test", Intent::Test),
    ("for running tests", Intent::Test),
    ("for running the tests", Intent::Test),
    ("e2e-only", Intent::Test),
    ("e2e only", Intent::Test),
    ("e2e image", Intent::Test),
    ("test-only", Intent::Test),
    ("test server", Intent::Test),
    ("test client", Intent::Test),
    ("test harness", Intent::Test),
    ("mock server", Intent::Test),
    ("fake server", Intent::Test),
    ("used by the tests", Intent::Test),
    ("used by tests", Intent::Test),
    ("used in tests", Intent::Test),
    ("used for tests", Intent::Test),
    ("for the tests", Intent::Test),
    ("ci image", Intent::Ci),
    ("for ci", Intent::Ci),
    ("ci runner", Intent::Ci),
    ("ci job", Intent::Ci),
    ("local development", Intent::Dev),
    ("development only", Intent::Dev),
    ("for development", Intent::Dev),
    ("development image", Intent::Dev),
    ("development environment", Intent::Dev),
    ("dev environment", Intent::Dev),
    ("dev image", Intent::Dev),
    ("debug image", Intent::Dev),
    ("debug build", Intent::Dev),
    ("debug version", Intent::Dev),
    ("debugging image", Intent::Dev),
    ("with a debugger", Intent::Dev),
    ("not for production", Intent::Dev),
    ("not meant for production", Intent::Dev),
    ("not intended for production", Intent::Dev),
    ("do not use in production", Intent::Dev),
    ("don't use in production", Intent::Dev),
    ("example image", Intent::Example),
    ("demo image", Intent::Example),
    ("demo app", Intent::Example),
    ("for demonstration", Intent::Example),
    ("for demo", Intent::Example),
    ("this example", Intent::Example),
    ("tutorial", Intent::Example),
    // The Dockerfile Wails 3 writes into every app it scaffolds (`build/docker/`), kept as
    // generated: a starting point, not the project's maintained image.
    ("wails server mode dockerfile", Intent::Example),
];

/// What a comment says the image is for, and the phrase that says it.
pub fn comment_intent(comment: &str) -> Option<(Intent, &'static str)> {
    // Every comment of every file is read, so the phrases are searched for in one pass; the
    // first phrase of the list that occurs wins, as the list is ordered.
    static SEARCH: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(PURPOSE_PHRASES.iter().map(|(phrase, _)| phrase))
            .ok()
    });
    let Some(search) = SEARCH.as_ref() else {
        // The automaton is built from constants; should it ever fail, search phrase by phrase.
        let lower = comment.to_ascii_lowercase();
        return PURPOSE_PHRASES
            .iter()
            .find(|(phrase, _)| contains_phrase(&lower, phrase))
            .map(|&(phrase, intent)| (intent, phrase));
    };
    let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_ascii_alphanumeric());
    search
        .find_overlapping_iter(comment)
        .filter(|m| {
            boundary(comment[..m.start()].chars().next_back())
                && boundary(comment[m.end()..].chars().next())
        })
        .map(|m| m.pattern().as_usize())
        .min()
        .and_then(|i| PURPOSE_PHRASES.get(i))
        .map(|&(phrase, intent)| (intent, phrase))
}

/// Words that, in a row of a README's index of images (`| custom-error-pages | Example of
/// custom error pages |`), say the image shows how to use the project. A row describes one
/// image, so the bare word is enough there, where in a comment ("for example, ...") it is not.
const INDEX_EXAMPLE_WORDS: &[&str] = &["example", "examples", "demo", "demos", "sample", "samples"];

/// What a README's description of one image's directory says the image is for.
pub fn index_row_intent(description: &str) -> Option<(Intent, &'static str)> {
    if let Some(found) = comment_intent(description) {
        return Some(found);
    }
    let lower = description.to_ascii_lowercase();
    // An index names what the image serves in the plural: "for e2e tests", "mock servers".
    let plural = PURPOSE_PHRASES
        .iter()
        .find(|(phrase, _)| contains_phrase(&lower, &format!("{phrase}s")));
    if let Some(&(phrase, intent)) = plural {
        return Some((intent, phrase));
    }
    INDEX_EXAMPLE_WORDS
        .iter()
        .find(|word| contains_phrase(&lower, word))
        .map(|&word| (Intent::Example, word))
}

/// Words with which a comment gives the reason for a choice (compared lowercase): "Alpine
/// rather than distroless because the probes need busybox", "use only when root is really
/// needed".
const REASON_WORDS: &[&str] = &[
    "because",
    "since",
    "need",
    "needs",
    "needed",
    "require",
    "requires",
    "required",
    "rather than",
    "instead of",
    "only when",
    "so that",
    // "Use busybox so the CLI has a shell environment when run interactively": what the
    // image is used for needs the choice. ("so the", "so it" alone also follow plain
    // descriptions: "built FROM the build stage, so it still holds the toolchain".)
    "interactively",
    "interactive use",
    // "Must match the Debian release of the image the tool is copied from, so it finds a
    // compatible glibc": a constraint the choice follows.
    "must match",
    "compatible",
    "on purpose",
    "intentional",
    "intentionally",
    "deliberate",
    "deliberately",
    "for debugging",
    "debugging",
    "to debug",
    "easier",
    "provides",
    // A choice kept for now, for a stated while ("temporarily run as root until the files
    // owned by root are migrated").
    "temporarily",
    "until",
];

/// What a comment names when it explains a choice about Go's cache mounts ("we intentionally
/// avoid `--mount=type=cache,target=/go/pkg/mod` ... to avoid buildkit#2334").
pub const CACHE_MOUNT_TOPICS: &[&str] = &[
    "type=cache",
    "cache mount",
    "cache mounts",
    "module cache",
    "build cache",
    "gomodcache",
    "gocache",
];

/// What a comment names when it says git is installed for the VCS stamp `go build` writes.
pub const VCS_STAMP_TOPICS: &[&str] = &[
    "vcs",
    "buildvcs",
    "build info",
    "buildinfo",
    "version control",
];

/// What a comment says when a file builds each platform on its own machine on purpose
/// ("native build per platform", "built natively on each runner"): no stage runs emulated.
const NATIVE_BUILD_PHRASES: &[&str] = &[
    "native build",
    "native builds",
    "build natively",
    "builds natively",
    "built natively",
    "native runner",
    "native runners",
];

/// A comment says the build runs natively on each platform's own machine.
pub fn says_native_build(comment: &str) -> bool {
    says_any(comment, NATIVE_BUILD_PHRASES)
}

/// What a comment says when the binary is built for the machine the build runs on ("so the
/// binary is built according to the host where the command was called", kubebuilder's
/// scaffold): the file reads the target platform to follow the host, not to build for many.
const FOLLOWS_HOST_PHRASES: &[&str] = &[
    "according to the host",
    "platform of the host",
    "host's platform",
    "same platform as the host",
];

/// A comment says the build follows the platform of the machine it runs on.
pub fn says_follows_host(comment: &str) -> bool {
    says_any(comment, FOLLOWS_HOST_PHRASES)
}

/// Words with which a comment above a FROM says the image is to follow its publisher's newest
/// release ("Use the latest stable golang 1.x"): a floating tag there is the file's choice.
/// Phrases, not the bare word: a comment that says the image is *published* as `latest` is
/// about the image built, not the one pulled.
const FOLLOWS_NEWEST_PHRASES: &[&str] = &[
    "use the latest",
    "uses the latest",
    "using the latest",
    // "Using latest may break at some point, but will hopefully be convenient": the tag as a
    // choice, its cost weighed.
    "use latest",
    "uses latest",
    "using latest",
    "latest stable",
    "start from the latest",
    "starts from the latest",
    "based on the latest",
    "follow the latest",
    "follows the latest",
    "track the latest",
    "tracks the latest",
    "newest",
    "most recent",
];

/// A comment says the image it stands above follows the newest release on purpose.
pub fn says_follows_newest(comment: &str) -> bool {
    says_any(comment, FOLLOWS_NEWEST_PHRASES)
}

/// The comment holds one of `phrases` (lowercase), at word boundaries, in any case.
fn says_any(comment: &str, phrases: &[&str]) -> bool {
    let lower = comment.to_ascii_lowercase();
    phrases.iter().any(|p| contains_phrase(&lower, p))
}

/// A comment explains a choice about one of `topics` (lowercase words or phrases): it names
/// the topic and gives a reason.
pub fn explains_choice(comment: &str, topics: &[&str]) -> bool {
    let lower = comment.to_ascii_lowercase();
    topics.iter().any(|t| contains_phrase(&lower, t))
        && REASON_WORDS.iter().any(|r| contains_phrase(&lower, r))
}

/// `phrase` occurs in `text` at word boundaries.
fn contains_phrase(text: &str, phrase: &str) -> bool {
    let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_ascii_alphanumeric());
    text.match_indices(phrase).any(|(at, _)| {
        boundary(text[..at].chars().next_back())
            && boundary(text[at + phrase.len()..].chars().next())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_say_an_image_follows_its_newest_release() {
        assert!(says_follows_newest(
            "Use the latest stable golang 1.x to compile to a binary"
        ));
        assert!(says_follows_newest("always build with the newest Go"));
        assert!(says_follows_newest(
            "Using latest may break at some point, but will hopefully be convenient most of the time."
        ));
        assert!(!says_follows_newest("Build the operator binary"));
        assert!(!says_follows_newest("pin to the latestversion"));
        assert!(!says_follows_newest(
            "This image is published under the `light` and `latest` tags."
        ));
    }

    #[test]
    fn a_comment_keeping_a_choice_for_now_explains_it() {
        assert!(explains_choice(
            "TODO: Temporarily run as root until legacy /data DB files owned by root are migrated.",
            &["root"]
        ));
        assert!(!explains_choice("Run the server as root", &["root"]));
    }

    #[test]
    fn comments_say_a_build_is_native() {
        assert!(says_native_build(
            "Build with CGO support for sqlite using musl - native build per platform"
        ));
        assert!(!says_native_build("Build the native binary"));
    }

    #[test]
    fn comments_say_what_an_image_is_for_and_why() {
        assert_eq!(
            comment_intent("This image is for testing purposes only").map(|i| i.0),
            Some(Intent::Test)
        );
        assert_eq!(
            comment_intent("purely for local development").map(|i| i.0),
            Some(Intent::Dev)
        );
        assert_eq!(
            comment_intent("Wails Server Mode Dockerfile").map(|i| i.0),
            Some(Intent::Example)
        );
        assert_eq!(
            comment_intent("Golish Canary Test Dockerfile").map(|i| i.0),
            Some(Intent::Test)
        );
        assert_eq!(comment_intent("Test deps"), None);
        assert_eq!(comment_intent("Final image with shell for debugging"), None);
        assert!(explains_choice(
            "use only when root is really needed",
            &["root"]
        ));
        assert!(explains_choice(
            "Alpine rather than distroless because the probes need busybox",
            &["alpine"]
        ));
        assert!(explains_choice(
            "Use busybox so the CLI has a shell environment when run interactively",
            &["busybox"]
        ));
        assert!(!explains_choice("Run as root", &["root"]));
        assert!(!explains_choice("chroot because", &["root"]));
    }
}
