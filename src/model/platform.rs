//! The platform a build targets (`--platform`), and the automatic platform ARGs BuildKit
//! defines for it.

/// The automatic platform ARGs BuildKit defines in the global scope.
pub const PLATFORM_ARGS: &[&str] = &[
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
];

/// The platform a build targets, as `docker build --platform` names it: `os/arch[/variant]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    pub os: String,
    pub arch: String,
    pub variant: Option<String>,
}

impl Default for Platform {
    /// `docker build` without `--platform` builds for its own machine; gopherlint assumes the
    /// most common one.
    fn default() -> Self {
        Platform {
            os: "linux".into(),
            arch: "amd64".into(),
            variant: None,
        }
    }
}

impl Platform {
    /// Parses `linux/arm64`, `linux/arm/v7`, or a bare OS (`linux`, architecture amd64).
    pub fn parse(text: &str) -> Result<Platform, String> {
        let parts: Vec<&str> = text.trim().split('/').collect();
        let valid = |p: &str| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
        };
        if parts.len() > 3 || !parts.iter().all(|p| valid(p)) {
            return Err(format!(
                "`{text}` is not a platform: write `os/arch[/variant]`, e.g. `linux/arm64`"
            ));
        }
        Ok(Platform {
            os: parts[0].to_ascii_lowercase(),
            arch: parts.get(1).map_or("amd64", |a| a).to_ascii_lowercase(),
            variant: parts.get(2).map(|v| v.to_ascii_lowercase()),
        })
    }

    /// `local`: BuildKit's name (bake's `platforms = ["local"]`) for the platform of the
    /// machine that builds, which the repository does not say; not an operating system.
    pub fn is_builders_own(text: &str) -> bool {
        text.trim().eq_ignore_ascii_case("local")
    }

    /// `os/arch[/variant]`.
    pub fn name(&self) -> String {
        match &self.variant {
            Some(v) => format!("{}/{}/{v}", self.os, self.arch),
            None => format!("{}/{}", self.os, self.arch),
        }
    }

    /// The automatic platform ARGs for a build of this target on `build`'s machine.
    pub fn args(&self, build: &Platform) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        for (prefix, p) in [("TARGET", self), ("BUILD", build)] {
            let values = [
                ("PLATFORM", p.name()),
                ("OS", p.os.clone()),
                ("ARCH", p.arch.clone()),
                ("VARIANT", p.variant.clone().unwrap_or_default()),
            ];
            for (suffix, value) in values {
                let name = PLATFORM_ARGS
                    .iter()
                    .find(|n| n.starts_with(prefix) && n.ends_with(suffix))
                    .copied()
                    .unwrap_or("TARGETPLATFORM");
                out.push((name, value));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platforms_parse_and_give_the_automatic_args() {
        let arm = Platform::parse("linux/arm/v7").expect("valid");
        assert_eq!(arm.name(), "linux/arm/v7");
        let args = arm.args(&Platform::default());
        let get = |n: &str| args.iter().find(|(k, _)| *k == n).map(|(_, v)| v.as_str());
        assert_eq!(get("TARGETOS"), Some("linux"));
        assert_eq!(get("TARGETARCH"), Some("arm"));
        assert_eq!(get("TARGETVARIANT"), Some("v7"));
        assert_eq!(get("TARGETPLATFORM"), Some("linux/arm/v7"));
        assert_eq!(get("BUILDARCH"), Some("amd64"));
        assert_eq!(get("BUILDVARIANT"), Some(""));
        assert!(Platform::parse("linux/arm64/v8/x").is_err());
        assert!(Platform::parse("linux arm").is_err());
        assert_eq!(Platform::parse("windows").expect("os").arch, "amd64");
    }
}
