#!/usr/bin/env bash
# Builds the PyPI wheel with maturin and uses it the ways users will, with no network:
#   1. installed into a fresh venv: `gopherlint --version` and a lint from the venv;
#   2. the fast pre-commit form from the README (`repo: local`, `language: python`,
#      `additional_dependencies: [gopherlint==X.Y.Z]`), pip pointed at the local wheel: the hook
#      must fail on a bad Dockerfile and pass on a clean one.
# Needs maturin and pre-commit (pip install maturin pre-commit). Prints the wheel's size.
#   scripts/check-wheel.sh [WHEEL_DIR]   (default: a temporary directory)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
wheels=${1:-$work/wheels}
for tool in maturin pre-commit; do
  command -v "$tool" > /dev/null || { echo "check-wheel: $tool is not installed (pip install $tool)" >&2; exit 2; }
done
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$repo/Cargo.toml" | head -n 1)

maturin build --quiet --release --manifest-path "$repo/Cargo.toml" --out "$wheels" > "$work/maturin.log" 2>&1 \
  || { cat "$work/maturin.log"; exit 1; }
wheel=$(ls "$wheels"/gopherlint-"$version"-*.whl)
echo "wheel: $(basename "$wheel") ($(stat -c %s "$wheel") bytes)"

# 1. A fresh venv, the wheel alone (no index).
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --no-index --find-links "$wheels" "gopherlint==$version"
got=$("$work/venv/bin/gopherlint" --version)
[ "$got" = "gopherlint $version" ] || { echo "check-wheel: --version says '$got'" >&2; exit 1; }
echo "venv: $got"
if "$work/venv/bin/gopherlint" "$repo/fixtures/Dockerfile.single-stage" > "$work/lint.log"; then
  echo "check-wheel: the installed gopherlint passed a bad Dockerfile" >&2; exit 1
fi
grep -q "error\[GL001\]" "$work/lint.log" || { cat "$work/lint.log"; exit 1; }
"$work/venv/bin/gopherlint" "$repo/fixtures/Dockerfile.modern"
echo "venv: the wheel's gopherlint lints (GL001 on the single-stage fixture, the modern one clean)"

# 2. The pre-commit hook that installs the wheel. pre-commit installs a `repo: local` python
# hook as a small package of its own, which needs setuptools: fetched once from PyPI into the
# same folder, so that the hook itself installs with no index at all.
python3 -m pip download --quiet --disable-pip-version-check --no-deps --dest "$wheels" setuptools wheel
mkdir "$work/project"
cd "$work/project"
git init -q
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: local
    hooks:
      - id: gopherlint
        name: gopherlint
        entry: gopherlint
        language: python
        additional_dependencies: [gopherlint==$version]
        files: (^|/)((Dockerfile|Containerfile)(\.[^/]*)?|[^/]*\.(Dockerfile|dockerfile|containerfile))$
YAML
cp "$repo/fixtures/Dockerfile.single-stage" bad.Dockerfile
cp "$repo/fixtures/Dockerfile.modern" Dockerfile
git add -A
export PIP_FIND_LINKS="$wheels" PIP_NO_INDEX=1 PRE_COMMIT_HOME="$work/pre-commit-home"
if pre-commit run gopherlint --files bad.Dockerfile > bad.log 2>&1; then
  cat bad.log; echo "check-wheel: the wheel hook passed on a bad Dockerfile" >&2; exit 1
fi
grep -q "error\[GL001\]" bad.log || { cat bad.log; echo "check-wheel: the hook failed without the finding" >&2; exit 1; }
echo "pre-commit (wheel): failed on the bad Dockerfile with GL001, as it should"
pre-commit run gopherlint --files Dockerfile
echo "pre-commit (wheel): passed on the clean Dockerfile"
