#!/usr/bin/env bash
# Tests scripts/install.sh against a local release server (python3 -m http.server on
# 127.0.0.1) serving an archive made from the locally built binary, laid out as a GitHub
# release: a good checksum installs; a bad checksum, a missing version and an unknown platform
# exit 1 and install nothing.
#   scripts/check-install.sh [BINARY]   (default: target/release/gopherlint, built if missing)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
binary=${1:-$repo/target/release/gopherlint}
[ -x "$binary" ] || cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$repo/Cargo.toml" | head -n 1)
case "$(uname -m)" in
  x86_64 | amd64) arch=x86_64 ;;
  aarch64 | arm64) arch=aarch64 ;;
  *) echo "check-install: this machine's architecture is not one the releases cover" >&2; exit 2 ;;
esac
target="$arch-unknown-linux-musl"
archive="gopherlint-$target.tar.gz"

# A release as the workflow publishes it, and one whose checksum does not match.
mkdir -p "$work/www/v$version" "$work/www/v0.0.1-bad" "$work/pack"
cp "$binary" "$work/pack/gopherlint"
tar -czf "$work/www/v$version/$archive" -C "$work/pack" gopherlint
(cd "$work/www/v$version" && sha256sum "$archive" > "$archive.sha256")
cp "$work/www/v$version/$archive" "$work/www/v0.0.1-bad/$archive"
echo "0000000000000000000000000000000000000000000000000000000000000000  $archive" \
  > "$work/www/v0.0.1-bad/$archive.sha256"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/www" > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do
  curl -fsS "http://127.0.0.1:$port/" > /dev/null 2>&1 && break
  sleep 0.1
done
base="http://127.0.0.1:$port"

expect_failure() { # NAME DIR ARGS...
  local name=$1 dir=$2
  shift 2
  local code=0
  "$@" > "$work/out.log" 2>&1 || code=$?
  [ "$code" -eq 1 ] || { cat "$work/out.log"; echo "check-install: $name: exit $code, not 1" >&2; exit 1; }
  if [ -e "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
    echo "check-install: $name: something was installed: $(ls -A "$dir")" >&2; exit 1
  fi
  echo "$name: exit 1, nothing installed: $(tail -n 1 "$work/out.log")"
}

sh "$repo/scripts/install.sh" --version "$version" --dir "$work/good" --base-url "$base"
got=$("$work/good/gopherlint" --version)
[ "$got" = "gopherlint $version" ] || { echo "check-install: the installed binary says '$got'" >&2; exit 1; }
echo "good checksum: installed, and \`gopherlint --version\` says '$got'"

expect_failure "bad checksum" "$work/bad" \
  sh "$repo/scripts/install.sh" --version 0.0.1-bad --dir "$work/bad" --base-url "$base"
grep -q "checksum mismatch" "$work/out.log"
expect_failure "missing version" "$work/missing" \
  sh "$repo/scripts/install.sh" --version 9.9.9 --dir "$work/missing" --base-url "$base"
grep -q "no gopherlint release 9.9.9" "$work/out.log"
expect_failure "unknown platform" "$work/sparc" \
  env GOPHERLINT_UNAME_M=sparc64 sh "$repo/scripts/install.sh" --version "$version" --dir "$work/sparc" --base-url "$base"
grep -q "no release binary for the architecture" "$work/out.log"
