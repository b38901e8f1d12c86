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

#[cfg(test)]
mod tests {
    use super::goarm_below_cross_default;

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
