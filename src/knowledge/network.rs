//! How a Go program shows that it opens connections of its own (as a client), which is when a
//! `scratch` image needs CA roots: a server that only listens, or a client that trusts a CA of
//! its own (the Kubernetes service-account CA, a mounted bundle), never reads the system roots.

/// Calls of the standard library and common packages that open outbound connections over
/// TLS, as they appear in source (package name, then the selector). Read as substrings of
/// non-test Go files; a server's `tls.Config` or `ListenAndServeTLS` is not here. The clients
/// that speak TLS only when asked to are [`TLS_OPTIONAL_CALLS`].
const TLS_CALLS: &[&str] = &[
    "tls.Dial(",
    "tls.DialWithDialer(",
    "tls.Client(",
    "tls.Dialer{",
    "x509.SystemCertPool(",
    "smtp.Dial(",
    "smtp.SendMail(",
    // go-git works on local repositories as well: only its remote operations connect.
    "git.CloneOptions{",
    "git.FetchOptions{",
    "git.PullOptions{",
    "git.PushOptions{",
    "git.ListOptions{",
];

/// Import paths (prefixes) of clients for services that are reached over TLS: cloud SDKs,
/// hosted APIs, OAuth and ACME, HTTP client libraries. The database and broker drivers are in
/// [`TLS_OPTIONAL_CLIENTS`].
pub const OUTBOUND_IMPORTS: &[&str] = &[
    "net/smtp",
    "golang.org/x/oauth2",
    "golang.org/x/crypto/acme",
    "cloud.google.com/go",
    "google.golang.org/api",
    "github.com/aws/aws-sdk-go",
    "github.com/Azure/azure-sdk-for-go",
    "github.com/go-resty/resty",
    "github.com/hashicorp/go-retryablehttp",
    "github.com/imroc/req",
    "github.com/minio/minio-go",
    "github.com/google/go-github",
    "github.com/slack-go/slack",
    "github.com/getsentry/sentry-go",
    "github.com/google/go-containerregistry",
    "github.com/caddyserver/certmagic",
    "github.com/go-acme/lego",
    "github.com/coreos/go-oidc",
    "github.com/go-ldap/ldap",
    "github.com/hashicorp/vault/api",
    "github.com/stripe/stripe-go",
    "github.com/sashabaranov/go-openai",
    "github.com/openai/openai-go",
    "go.opentelemetry.io/otel/exporters/otlp",
    "github.com/wneessen/go-mail",
    "gopkg.in/gomail",
    "gopkg.in/mail",
];

/// Database and message-queue drivers, outbound clients too: they speak TLS only when
/// the connection string or options ask for it, and a demo that talks to the services of its
/// compose file runs them in plain text.
const TLS_OPTIONAL_CLIENTS: &[&str] = &[
    "github.com/jackc/pgx",
    "github.com/lib/pq",
    "github.com/go-sql-driver/mysql",
    "go.mongodb.org/mongo-driver",
    "github.com/redis/go-redis",
    "github.com/go-redis/redis",
    "github.com/nats-io/nats.go",
    "github.com/segmentio/kafka-go",
    "github.com/IBM/sarama",
    "github.com/Shopify/sarama",
];

/// The outbound client (as [`outbound_import`] names it) uses TLS only when asked to.
pub fn tls_optional(client: &str) -> bool {
    TLS_OPTIONAL_CLIENTS.contains(&client) || TLS_OPTIONAL_CALLS.contains(&client)
}

/// Outbound calls that connect in plain text unless told otherwise: a gRPC client
/// without transport credentials, an HTTP request to an `http://` address.
const TLS_OPTIONAL_CALLS: &[&str] = &[
    "grpc.Dial(",
    "grpc.DialContext(",
    "grpc.NewClient(",
    "http.Get(",
    "http.Post(",
    "http.PostForm(",
    "http.Head(",
    "http.NewRequest(",
    "http.NewRequestWithContext(",
    "http.Client{",
    "http.DefaultClient",
    "http.DefaultTransport",
    "http.Transport{",
    "httputil.NewSingleHostReverseProxy(",
    "httputil.ReverseProxy{",
    // A websocket dials `wss://` over TLS and `ws://` in plain text.
    "websocket.Dial(",
    "websocket.DefaultDialer",
];

/// What a Go source shows of the way its connections go, for clients that speak TLS only
/// when asked to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TransportSigns {
    /// It writes an `https://` address or sets up TLS for a client (`credentials.NewTLS`,
    /// `sslmode=require`).
    pub tls: bool,
    /// It asks for plain text: gRPC's insecure credentials, `sslmode=disable`, `http://`, `ws://`,
    /// `amqp://`, `mongodb://` or `redis://` addresses.
    pub plaintext: bool,
}

impl TransportSigns {
    pub fn read(source: &str) -> TransportSigns {
        const TLS: &[&str] = &[
            "\"https://",
            "\"wss://",
            "\"amqps://",
            "\"rediss://",
            "credentials.NewTLS(",
            "credentials.NewClientTLSFromCert(",
            "credentials.NewClientTLSFromFile(",
            "sslmode=require",
            "sslmode=verify",
            "tls=true",
        ];
        const PLAINTEXT: &[&str] = &[
            "insecure.NewCredentials(",
            "grpc.WithInsecure(",
            "sslmode=disable",
            "\"http://",
            "\"ws://",
            "\"amqp://",
            "\"mongodb://",
            "\"redis://",
            "\"nats://",
        ];
        // Only code counts: a commented-out `https://` check asks for nothing.
        let in_code = |at: usize| {
            let line_start = source[..at].rfind('\n').map_or(0, |i| i + 1);
            !source[line_start..at].trim_start().starts_with("//")
        };
        let seen = |signs: &[&str]| {
            signs
                .iter()
                .any(|s| source.match_indices(s).any(|(at, _)| in_code(at)))
        };
        // A URL built from its parts (`url.URL{Scheme: "ws", Host: addr}`).
        let scheme = |schemes: &[&str]| {
            source.match_indices("Scheme:").any(|(at, _)| {
                let value = source[at + "Scheme:".len()..].trim_start();
                in_code(at) && schemes.iter().any(|s| value.starts_with(s))
            })
        };
        TransportSigns {
            tls: seen(TLS) || scheme(&["\"https\"", "\"wss\""]),
            plaintext: seen(PLAINTEXT) || scheme(&["\"http\"", "\"ws\""]),
        }
    }
}

/// Whether an import path is (inside) one of the outbound clients.
pub fn outbound_import(path: &str) -> Option<&'static str> {
    OUTBOUND_IMPORTS
        .iter()
        .chain(TLS_OPTIONAL_CLIENTS)
        .copied()
        .find(|prefix| {
            path.strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
}

/// The first outbound call in a Go source text: HTTP and gRPC clients first, then the
/// others ([`TLS_CALLS`]).
pub fn outbound_call(source: &str) -> Option<&'static str> {
    TLS_OPTIONAL_CALLS
        .iter()
        .chain(TLS_CALLS)
        .copied()
        .find(|call| source.contains(call))
}

/// The capability that lets a program bind ports below 1024 without root, which
/// `setcap cap_net_bind_service=+ep /app` grants to one binary.
pub const NET_BIND_CAPABILITY: &str = "cap_net_bind_service";

/// The ports of a DHCP server (67) and client (68). A DHCP server reads and writes raw
/// packets (CAP_NET_RAW), which only root has by default: granting the bind capability alone
/// does not make it work as another user.
pub const DHCP_PORTS: &[u16] = &[67, 68];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transport_signs_in_comments_do_not_count() {
        let source = "func f(n string) {\n\t// if !strings.HasPrefix(n, \"https://\") {\n\t_, _ = http.Get(\"http://\" + n)\n}\n";
        let signs = TransportSigns::read(source);
        assert!(signs.plaintext && !signs.tls, "{signs:?}");
    }

    #[test]
    fn imports_match_whole_path_elements() {
        assert_eq!(
            outbound_import("github.com/lib/pq"),
            Some("github.com/lib/pq")
        );
        assert_eq!(
            outbound_import("cloud.google.com/go/storage"),
            Some("cloud.google.com/go")
        );
        assert_eq!(outbound_import("github.com/lib/pqx"), None);
        assert_eq!(outbound_import("net/http"), None);
    }
}
