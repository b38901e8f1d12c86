#!/usr/bin/env python3
"""Writes N realistic, varied Go-service Dockerfiles into a directory (for benchmarks).

usage: gen_corpus.py DIR [N]   (N defaults to 500; files are DIR/svcNNNN/Dockerfile)
Deterministic: the same N gives the same files.
"""
import os
import random
import sys

BUILDERS = ["golang:1.23", "golang:1.22-alpine", "golang:1.21-bookworm", "golang:alpine", "golang:1.24"]
FINALS = ["scratch", "gcr.io/distroless/static-debian12:nonroot", "alpine:3.20", "debian:bookworm-slim",
          "cgr.dev/chainguard/static"]


def dockerfile(rng: random.Random, i: int) -> str:
    name = f"svc{i}"
    builder = rng.choice(BUILDERS)
    final = rng.choice(FINALS)
    lines = ["# syntax=docker/dockerfile:1", f"# Service {name}: generated for benchmarks."]
    platform = "--platform=$BUILDPLATFORM " if rng.random() < 0.5 else ""
    lines.append(f"ARG GO_VERSION=1.23")
    lines.append(f"FROM {platform}{builder} AS build")
    if builder.endswith("alpine"):
        lines.append("RUN apk add --no-cache git ca-certificates tzdata && \\\n    update-ca-certificates")
    else:
        lines.append("RUN apt-get update && \\\n    apt-get install -y --no-install-recommends git make && \\\n"
                     "    rm -rf /var/lib/apt/lists/*")
    lines.append("WORKDIR /src")
    lines.append("COPY go.mod go.sum ./")
    lines.append("RUN --mount=type=cache,target=/go/pkg/mod \\\n    go mod download && go mod verify")
    lines.append("COPY . .")
    if platform:
        lines.append("ARG TARGETOS TARGETARCH")
    env = "CGO_ENABLED=0 " if rng.random() < 0.7 else ""
    if platform:
        env += "GOOS=$TARGETOS GOARCH=$TARGETARCH "
    ldflags = rng.choice(['-ldflags="-s -w"', "-ldflags '-s -w -X main.version=1.0'", "", '-ldflags="-X main.commit=abc"'])
    for tool in range(rng.randint(1, 3)):
        lines.append("RUN --mount=type=cache,target=/go/pkg/mod \\\n"
                     "    --mount=type=cache,target=/root/.cache/go-build \\\n"
                     f"    {env}go build -trimpath {ldflags} -o /out/{name}-{tool} ./cmd/{name}-{tool}")
    lines.append("RUN go vet ./... && go test -short ./... || (echo 'tests failed' && exit 1)")
    lines.append("")
    lines.append(f"FROM {final}")
    if final == "scratch" and rng.random() < 0.6:
        lines.append("COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/")
    lines.append(f"COPY --from=build /out/ /usr/local/bin/")
    lines.append("LABEL org.opencontainers.image.source=\"https://example.com/" + name + "\" \\\n"
                 "      org.opencontainers.image.description=\"generated\"")
    lines.append("ENV APP_ENV=production PORT=8080")
    lines.append("EXPOSE 8080")
    if rng.random() < 0.7:
        lines.append("USER 65532:65532")
    lines.append(f'ENTRYPOINT ["/usr/local/bin/{name}-0"]')
    lines.append('CMD ["--serve", "--port=8080"]')
    return "\n".join(lines) + "\n"


def main() -> None:
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    rng = random.Random(42)
    for i in range(count):
        directory = os.path.join(out, f"svc{i:04d}")
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, "Dockerfile"), "w") as f:
            f.write(dockerfile(rng, i))


if __name__ == "__main__":
    main()
