#!/usr/bin/env bash
# Fuzzes parse + lint + outputs + fixes with cargo-fuzz (libFuzzer), seeded with every fixture.
#   scripts/fuzz.sh [SECONDS] [TARGET]     (default 600 seconds, target lint_fix)
# Targets: lint_fix (seeded with every fixture and BuildKit's parser tests) and build_configs
# (the readers of workflows, compose, GoReleaser, bake, Makefiles, scripts and Tiltfiles,
# seeded with fixtures/configs).
# Needs `cargo install cargo-fuzz`. cargo-fuzz wants a nightly compiler for its sanitizer flags;
# RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
target=${2:-lint_fix}
corpus=fuzz/corpus/$target
mkdir -p "$corpus"
i=0
if [ "$target" = build_configs ]; then
  for f in fixtures/configs/*; do
    cp "$f" "$corpus/seed-$i"
    i=$((i + 1))
  done
  RUSTC_BOOTSTRAP=1 cargo fuzz run build_configs "$corpus" -- -max_total_time="$seconds" -max_len=16384 -timeout=10
  exit
fi
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
