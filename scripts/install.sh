#!/bin/sh
# Installs a gopherlint release binary: detects the OS and architecture, downloads the release
# archive and its .sha256, verifies the checksum, and puts `gopherlint` in a directory.
#
#   curl -fsSL https://raw.githubusercontent.com/gopherlint/gopherlint/main/scripts/install.sh | sh
#   sh install.sh [--version X.Y.Z|latest] [--dir DIR] [--base-url URL]
#
#   --version   the release to install (default: latest)
#   --dir       where to put the binary (default: $HOME/.local/bin)
#   --base-url  where releases are: the archives of version X.Y.Z are read from URL/vX.Y.Z/
#               (default: https://github.com/gopherlint/gopherlint/releases/download; `latest`
#               is the newest GitHub release)
#
# Exit 0 when installed; 1 when nothing was installed (unknown platform, missing release,
# checksum mismatch, download error); 2 for a usage error. Nothing is written to DIR unless the
# checksum matches.
set -eu

repo_releases="https://github.com/gopherlint/gopherlint/releases"
version=latest
dir="${HOME:-/tmp}/.local/bin"
base=""

fail() {
  echo "gopherlint install: $1" >&2
  exit 1
}

usage() {
  echo "gopherlint install: $1 (usage: install.sh [--version X.Y.Z|latest] [--dir DIR] [--base-url URL])" >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --version) [ $# -ge 2 ] || usage "--version needs a value"; version=${2#v}; shift 2 ;;
    --dir) [ $# -ge 2 ] || usage "--dir needs a value"; dir=$2; shift 2 ;;
    --base-url) [ $# -ge 2 ] || usage "--base-url needs a value"; base=${2%/}; shift 2 ;;
    -h | --help) sed -n '2,17p' "$0" 2>/dev/null || true; exit 0 ;;
    *) usage "unknown argument \`$1\`" ;;
  esac
done

# The platform: GOPHERLINT_UNAME_S / GOPHERLINT_UNAME_M stand in for `uname` (for tests).
os=${GOPHERLINT_UNAME_S:-$(uname -s)}
arch=${GOPHERLINT_UNAME_M:-$(uname -m)}
case "$arch" in
  x86_64 | amd64) arch=x86_64 ;;
  aarch64 | arm64) arch=aarch64 ;;
  *) fail "no release binary for the architecture \`$arch\` (there are x86_64 and aarch64); install with \`pipx install gopherlint\` or \`cargo install gopherlint\`" ;;
esac
ext=tar.gz
case "$os" in
  Linux) target="$arch-unknown-linux-musl" ;;
  Darwin) target="$arch-apple-darwin" ;;
  MINGW* | MSYS* | CYGWIN* | Windows_NT)
    [ "$arch" = x86_64 ] || fail "no release binary for Windows on \`$arch\` (there is x86_64)"
    target="x86_64-pc-windows-msvc"
    ext=zip
    ;;
  *) fail "no release binary for the OS \`$os\` (there are Linux, macOS and Windows); install with \`pipx install gopherlint\` or \`cargo install gopherlint\`" ;;
esac

archive="gopherlint-$target.$ext"
if [ -n "$base" ]; then
  url="$base/$([ "$version" = latest ] && echo latest || echo "v$version")"
elif [ "$version" = latest ]; then
  url="$repo_releases/latest/download"
else
  url="$repo_releases/download/v$version"
fi

download() { # URL FILE
  if command -v curl >/dev/null 2>&1; then
    curl --proto '=https,http' -fsSL "$1" -o "$2"
  elif command -v wget >/dev/null 2>&1; then
    wget -q "$1" -O "$2"
  else
    fail "neither curl nor wget is installed"
  fi
}

sha256() { # FILE
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    fail "neither sha256sum nor shasum is installed: the download cannot be verified"
  fi
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

download "$url/$archive" "$work/$archive" 2>/dev/null \
  || fail "no gopherlint release $version for $target at $url/$archive"
download "$url/$archive.sha256" "$work/$archive.sha256" 2>/dev/null \
  || fail "the release has no checksum file $url/$archive.sha256"
expected=$(cut -d' ' -f1 < "$work/$archive.sha256" | tr -d '\r\n')
actual=$(sha256 "$work/$archive")
[ -n "$expected" ] && [ "$expected" = "$actual" ] \
  || fail "checksum mismatch for $archive: expected ${expected:-nothing}, got $actual; nothing was installed"

mkdir "$work/unpacked"
case "$ext" in
  tar.gz) tar -xzf "$work/$archive" -C "$work/unpacked" || fail "cannot unpack $archive" ;;
  zip) unzip -q "$work/$archive" -d "$work/unpacked" || fail "cannot unpack $archive" ;;
esac
binary=$(find "$work/unpacked" -type f \( -name gopherlint -o -name gopherlint.exe \) | head -n 1)
[ -n "$binary" ] || fail "$archive holds no gopherlint binary"

mkdir -p "$dir" || fail "cannot create $dir"
name=$(basename "$binary")
# Into the directory under a temporary name, then renamed: never a half-written binary.
cp "$binary" "$dir/.$name.tmp.$$" || fail "cannot write to $dir"
chmod 755 "$dir/.$name.tmp.$$"
mv -f "$dir/.$name.tmp.$$" "$dir/$name" || fail "cannot write to $dir"
echo "gopherlint $version ($target) installed to $dir/$name"
case ":${PATH:-}:" in
  *":$dir:"*) ;;
  *) echo "note: $dir is not on PATH" ;;
esac
