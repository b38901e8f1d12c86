#!/usr/bin/env bash
# Fuzzes parse + lint + outputs + fixes with cargo-fuzz (libFuzzer), seeded with every fixture.
#   scripts/fuzz.sh [SECONDS]     (default 600)
# Needs `cargo install cargo-fuzz`. cargo-fuzz wants a nightly compiler for its sanitizer flags;
# RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
corpus=fuzz/corpus/lint_fix
mkdir -p "$corpus"
i=0
# BuildKit's parser test files seed it too where present (see tests/conformance.rs).
conformance=${GOPHERLINT_CONFORMANCE_DIR:-../shared/conformance/buildkit-parser}
shopt -s nullglob
for f in fixtures/rules/*.Dockerfile fixtures/fixes/*.Dockerfile fixtures/Dockerfile.* fixtures/Gopherfile* \
         fixtures/context/*/Dockerfile fixtures/context/*/go.mod \
         "$conformance"/testfiles/*/Dockerfile "$conformance"/testfiles-negative/*/Dockerfile; do
  cp "$f" "$corpus/seed-$i"
  i=$((i + 1))
done
RUSTC_BOOTSTRAP=1 cargo fuzz run lint_fix "$corpus" -- -max_total_time="$seconds" -max_len=8192 -timeout=10
