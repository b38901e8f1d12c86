//! Target platforms as buildx writes them (`linux/arm/v6`), and what Go needs to build for
//! each when it cross-compiles.

/// The ARM version Go compiles for when it cross-compiles for `GOARCH=arm` with no `GOARM`:
/// a Go toolchain not built on ARM defaults to 7 (`go help environment`).
pub const GOARM_CROSS_DEFAULT: u8 = 7;

/// The `GOARM` a platform needs when it is older than [`GOARM_CROSS_DEFAULT`]
/// (`linux/arm/v6` → 6): cross-compiled without it, the binary uses ARMv7 instructions and
/// crashes there. An emulated native build gets it right by itself, from the machine.
pub fn goarm_below_cross_default(platform: &str) -> Option<u8> {
    let mut parts = platform.trim().split('/');
    let (_os, arch, variant) = (parts.next()?, parts.next()?, parts.next()?);
    if arch != "arm" {
        return None;
    }
    let version: u8 = variant.strip_prefix('v')?.parse().ok()?;
    (version < GOARM_CROSS_DEFAULT).then_some(version)
}

/// Linux architectures the distroless images are published for (GoogleContainerTools/distroless
/// README, "Supported architectures": amd64, arm64, arm, s390x, ppc64le). Not 386, not ARM
/// older than v7, not riscv64 on Debian 12.
const DISTROLESS_ARCHES: &[&str] = &["amd64", "arm64", "arm", "s390x", "ppc64le"];

/// Whether the distroless images exist for a platform as buildx writes it (`linux/arm/v7`).
/// `None` when the text is not a platform.
pub fn distroless_publishes(platform: &str) -> Option<bool> {
    let mut parts = platform.trim().split('/');
    let (os, arch, variant) = (parts.next()?, parts.next()?, parts.next());
    if os != "linux" || arch.is_empty() {
        return None;
    }
    let arm_below_v7 = arch == "arm" && variant.is_some_and(|v| v != "v7");
    Some(DISTROLESS_ARCHES.contains(&arch) && !arm_below_v7)
}

#[cfg(test)]
mod tests {
    use super::{distroless_publishes, goarm_below_cross_default};

    #[test]
    fn distroless_is_published_for_five_linux_architectures() {
        assert_eq!(distroless_publishes("linux/amd64"), Some(true));
        assert_eq!(distroless_publishes("linux/arm/v7"), Some(true));
        assert_eq!(distroless_publishes("linux/386"), Some(false));
        assert_eq!(distroless_publishes("linux/arm/v6"), Some(false));
        assert_eq!(distroless_publishes("${{ matrix.platform }}"), None);
    }

    #[test]
    fn arm_variants_older_than_v7_need_goarm() {
        assert_eq!(goarm_below_cross_default("linux/arm/v6"), Some(6));
        assert_eq!(goarm_below_cross_default("linux/arm/v5"), Some(5));
        assert_eq!(goarm_below_cross_default("linux/arm/v7"), None);
        assert_eq!(goarm_below_cross_default("linux/arm"), None);
        assert_eq!(goarm_below_cross_default("linux/arm64/v8"), None);
        assert_eq!(goarm_below_cross_default("linux/amd64"), None);
    }
}
