#!/usr/bin/env bash
# Paired speed comparison of two commits on the same generated Dockerfiles.
#   scripts/bench-ab.sh BASE [N] [ROUNDS]
# Builds BASE (any git revision) in a temporary worktree and the working tree as it is, then
# lints N generated service Dockerfiles (default 2000) with each, alternating A and B for ROUNDS
# rounds (default 21) so both see the same machine load. Prints the median CPU time (user +
# system) and wall time of each, and the median of the per-round ratios new/base: the figure
# the "within 5%" speed targets are checked against. The outputs must be the same set of
# findings only when the rules did not change, so they are not compared.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?usage: scripts/bench-ab.sh BASE [N] [ROUNDS]}
count=${2:-2000}
rounds=${3:-21}
work=$(mktemp -d)
cleanup() {
  git worktree remove --force "$work/base" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
cargo build --release --quiet
cp target/release/gopherlint "$work/new"
git worktree add --quiet --detach "$work/base" "$base"
(cd "$work/base" && CARGO_TARGET_DIR="$work/base-target" cargo build --release --quiet)
cp "$work/base-target/release/gopherlint" "$work/old"
python3 scripts/gen_corpus.py "$work/corpus" "$count" >/dev/null
python3 - "$work/old" "$work/new" "$work/corpus" "$rounds" <<'PY'
import os, resource, statistics, subprocess, sys, time

old, new, corpus, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

def run(binary):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([binary, "--format", "compact", "."], cwd=corpus,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall

for binary in (old, new):  # warm the page cache and the binaries
    run(binary)
rows = []
for i in range(rounds):
    # Alternate which goes first, so neither always runs on a cache the other warmed.
    if i % 2 == 0:
        a, b = run(old), run(new)
    else:
        b, a = run(new), run(old)
    rows.append((a, b))
med = statistics.median
print(f"files: {sum(len(f) for _, _, f in os.walk(corpus))}, rounds: {rounds}")
print(f"base cpu {med(r[0][0] for r in rows):.3f} s  wall {med(r[0][1] for r in rows):.3f} s")
print(f"new  cpu {med(r[1][0] for r in rows):.3f} s  wall {med(r[1][1] for r in rows):.3f} s")
print(f"new/base cpu ratio (median of rounds): {med(r[1][0] / r[0][0] for r in rows):.3f}")
print(f"new/base wall ratio (median of rounds): {med(r[1][1] / r[0][1] for r in rows):.3f}")
PY
