#!/usr/bin/env bash
# Compares what two gopherlint binaries report, for refactors that must not change behaviour.
#   scripts/output-diff.sh OLD_BIN [NEW_BIN] [DIR...]
# NEW_BIN defaults to a fresh release build; DIRs default to the fixtures and, where present,
# ../shared/corpus/files and ../shared/corpus-review/files. For each DIR, both binaries write
# JSON, SARIF, compact, GitLab and Checkstyle output (each format both binaries offer) and
# --show-model output, the unsafe-fix diff of every file, and JSON with each rule alone
# (--select) and with GL001 off; the script prints every difference and exits 1 if there is one.
set -euo pipefail
cd "$(dirname "$0")/.."
old=$(realpath "${1:?usage: scripts/output-diff.sh OLD_BIN [NEW_BIN] [DIR...]}")
if [ -n "${2:-}" ]; then
  new=$(realpath "$2")
else
  cargo build --release --quiet
  new=$(realpath target/release/gopherlint)
fi
shift $(( $# < 2 ? $# : 2 ))
dirs=("$@")
if [ ${#dirs[@]} -eq 0 ]; then
  dirs=(fixtures)
  for d in ../shared/corpus/files ../shared/corpus-review/files; do
    [ -d "$d" ] && dirs+=("$d")
  done
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
codes=$("$new" --list-rules | grep -oE '^\| GL[0-9]+' | tr -d '| ')
# A format one binary lacks (an older build) would differ by its usage error alone: it is left
# out, and said so.
old_help=$("$old" --help)
new_help=$("$new" --help)
formats=()
for format in json sarif compact gitlab checkstyle; do
  if grep -qE "^ +- $format:" <<<"$old_help" && grep -qE "^ +- $format:" <<<"$new_help"; then
    formats+=("$format")
  else
    echo "not compared: --format $format (one of the binaries lacks it)"
  fi
done
snapshot() { # BIN OUT DIR
  local bin=$1 out=$2 dir=$3 files
  mkdir -p "$out"
  mapfile -t files < <(find "$dir" -type f ! -name '*.fixed' ! -name '*.md' ! -name '*.tsv' \
    ! -name 'go.mod' ! -name '*.dockerignore' | sort)
  run() { local name=$1; shift; { "$bin" --no-config "$@" || echo "exit $?"; } > "$out/$name" 2>&1; }
  for format in "${formats[@]}"; do run "$format" --format "$format" "${files[@]}"; done
  run model --show-model "${files[@]}"
  run ignore-GL001 --format json --ignore GL001 "${files[@]}"
  for code in $codes; do run "select-$code" --format json --select "$code" "${files[@]}"; done
  for f in "${files[@]}"; do
    { "$bin" --no-config --diff --unsafe-fixes "$f" || true; } >> "$out/fixes" 2>&1
  done
}
status=0
for dir in "${dirs[@]}"; do
  name=$(echo "$dir" | tr -c "A-Za-z0-9\n" "_")
  snapshot "$old" "$work/old/$name" "$dir"
  snapshot "$new" "$work/new/$name" "$dir"
  if ! diff -r "$work/old/$name" "$work/new/$name"; then
    status=1
  fi
done
if [ "$status" -eq 0 ]; then
  echo "identical: ${dirs[*]}"
fi
exit "$status"
