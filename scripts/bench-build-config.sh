#!/usr/bin/env bash
# What reading the repository's build configurations costs: `gopherlint .` on a repository
# with workflows, a bake file, compose files, a Makefile, a script and GoReleaser, against the
# same tree with `--no-build-config` (same files, nothing read). Target: at most 20% more.
#   scripts/bench-build-config.sh [--services N] [REPOSITORY...]
# Two generated trees: a small service (two Dockerfiles, every kind of configuration) and the
# worst case, a monorepo of N services (default 40) each built five ways: by a workflow job, a
# bake target, a compose service, a Make target and a script (30 KB of configuration for 40
# Dockerfiles). Real repositories given as arguments (checked-out trees) are measured too.
# Runs alternate, with and without, 31 pairs; the figure is the median of the pairs' ratios,
# which a machine's drift during the run moves less than a ratio of medians.
set -euo pipefail
services=40
if [ "${1:-}" = "--services" ]; then
  services=$2
  shift 2
fi
repos=()
for repo in "$@"; do
  repos+=("$(cd "$repo" && pwd)")
done
cd "$(dirname "$0")/.."

cargo build --release --quiet
bin=$PWD/target/release/gopherlint
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work" "$services" <<'PY'
import os, sys
work, services = sys.argv[1], int(sys.argv[2])
DOCKERFILE = """FROM golang:1.24-alpine AS build
ARG LDFLAGS
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "$LDFLAGS" -o /out/{name} ./cmd/{name}

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/{name} /{name}
EXPOSE 8080
ENTRYPOINT ["/{name}"]
"""

def write(root, path, text):
    path = os.path.join(root, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)

def repo(root, names):
    os.makedirs(os.path.join(root, ".git"), exist_ok=True)
    write(root, "go.mod", "module example.com/bench\n\ngo 1.24\n")
    write(root, "go.sum", "")
    # Findings the same both ways (no GL210 for the root context sending .git): the figure is
    # the cost of reading the configurations, not of reporting more.
    write(root, ".dockerignore", ".git\n")
    jobs, targets, compose, make = [], [], [], []
    for name in names:
        write(root, f"cmd/{name}/Dockerfile", DOCKERFILE.replace("{name}", name))
        write(root, f"cmd/{name}/main.go", "package main\n\nfunc main() {}\n")
        jobs.append(f"""  {name}:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/build-push-action@v6
        with:
          context: .
          file: cmd/{name}/Dockerfile
          platforms: linux/amd64,linux/arm64
          build-args: |
            LDFLAGS=-s -w -X main.version=${{{{ github.ref_name }}}}
          push: true
""")
        targets.append(f"""target "{name}" {{
  inherits   = ["_common"]
  dockerfile = "cmd/{name}/Dockerfile"
  tags       = ["example/{name}:${{VERSION}}"]
}}
""")
        compose.append(f"""  {name}:
    build:
      context: .
      dockerfile: cmd/{name}/Dockerfile
      args:
        LDFLAGS: "-s -w"
""")
        make.append(f"""image-{name}:
\tdocker build -f cmd/{name}/Dockerfile --build-arg LDFLAGS="$(LDFLAGS)" -t $(REGISTRY)/{name} .
""")
    write(root, ".github/workflows/release.yml",
          "name: release\non:\n  push:\n    tags: ['v*']\njobs:\n" + "".join(jobs))
    write(root, ".github/workflows/ci.yml",
          "name: ci\non: [pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
          "    steps:\n      - uses: actions/checkout@v4\n      - run: go test ./...\n")
    names_list = ", ".join(f'"{n}"' for n in names)
    write(root, "docker-bake.hcl",
          'variable "VERSION" {\n  default = "dev"\n}\n'
          f'group "default" {{\n  targets = [{names_list}]\n}}\n'
          'target "_common" {\n  context = "."\n  args = {\n    LDFLAGS = "-s -w"\n  }\n'
          '  platforms = ["linux/amd64", "linux/arm64"]\n}\n' + "".join(targets))
    write(root, "compose.yaml", "services:\n" + "".join(compose))
    write(root, "Makefile", "REGISTRY ?= example\nLDFLAGS := -s -w\n\n" + "".join(make))
    write(root, "hack/build.sh",
          "#!/bin/sh\nset -e\n" + "".join(
              f"docker buildx build -f cmd/{n}/Dockerfile --platform linux/amd64 .\n" for n in names))
    write(root, ".goreleaser.yaml",
          "version: 2\nbuilds:\n  - env: [CGO_ENABLED=0]\ndockers_v2:\n"
          f"  - dockerfile: cmd/{names[0]}/Dockerfile\n    images: [example/{names[0]}]\n")

repo(os.path.join(work, "small"), ["api", "worker"])
repo(os.path.join(work, "large"), [f"svc{i:03}" for i in range(services)])
PY

# Prints "median-with median-without median-ratio" in milliseconds for `gopherlint .` in DIR.
paired() {
  python3 - "$@" <<'PY'
import statistics, subprocess, sys, time
cwd, binary = sys.argv[1], sys.argv[2]
def run(argv):
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000
run([binary, "."])  # warm the page cache
with_, without, ratios = [], [], []
for _ in range(31):
    w = run([binary, "."])
    wo = run([binary, "--no-build-config", "."])
    with_.append(w)
    without.append(wo)
    ratios.append(w / wo)
print(f"{statistics.median(with_):.2f} {statistics.median(without):.2f} {statistics.median(ratios):.4f}")
PY
}

report() {
  local name=$1 dir=$2
  local count
  count=$(find "$dir" -name '*Dockerfile*' -not -path '*/.git/*' | wc -l)
  read -r with without ratio < <(paired "$dir" "$bin")
  python3 -c "
w, wo, r = $with, $without, $ratio
print(f'$name ($count Dockerfiles): {w:.2f} ms with build configurations, {wo:.2f} ms without: {(r - 1) * 100:+.1f}% (target: at most +20%)')"
}

for tree in small large; do
  dir="$work/$tree"
  cd "$dir"
  # The configurations are read: --show-model names them for the first service.
  first=$(find "$dir/cmd" -name Dockerfile | sort | head -n1)
  if ! "$bin" --show-model "$first" 2>/dev/null | grep -q "built by"; then
    echo "$tree: the configurations were not read" >&2
    exit 1
  fi
  if [ "$("$bin" --format compact . | wc -l)" != "$("$bin" --no-build-config --format compact . | wc -l)" ]; then
    echo "$tree: the findings differ with and without the configurations" >&2
    exit 1
  fi
  case $tree in
    small) report "small tree" "$dir" ;;
    large) report "worst case, every service built five ways" "$dir" ;;
  esac
done
for repo in "${repos[@]}"; do
  report "$(basename "$repo")" "$repo"
done
