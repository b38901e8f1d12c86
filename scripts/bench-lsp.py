#!/usr/bin/env python3
"""Latency of the language server: the time from a `textDocument/didChange` notification to
the `publishDiagnostics` for that version, on a Dockerfile of about 200 lines, as an editor
sends on every keystroke.

    scripts/bench-lsp.py [BINARY] [CHANGES]

BINARY defaults to target/release/gopherlint (build it with `cargo build --release`); CHANGES
(default 500) is the number of edits timed after 20 unmeasured ones. Prints the median, the
95th percentile and the slowest, in milliseconds. The document alternates between two texts
(a stripped and an unstripped build), so each change is linted in full.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def document(lines):
    """A multi-stage Dockerfile of about `lines` lines: build stages, tools, a final image."""
    out = ["# syntax=docker/dockerfile:1", "FROM golang:1.23-bookworm AS build", "WORKDIR /src",
           "COPY go.mod go.sum ./", "RUN --mount=type=cache,target=/go/pkg/mod go mod download",
           "COPY . ."]
    n = 0
    while len(out) < lines - 12:
        out += [f"FROM golang:1.23-bookworm AS tool{n}",
                f"ARG TOOL{n}_VERSION=v1.{n}.0",
                f"RUN --mount=type=cache,target=/go/pkg/mod GOBIN=/out go install example.com/tool{n}@${{TOOL{n}_VERSION}}",
                f"ENV TOOL{n}_HOME=/opt/tool{n}",
                f"RUN mkdir -p /opt/tool{n} && echo 'tool {n}' > /opt/tool{n}/README \\",
                f"    && chmod 0644 /opt/tool{n}/README"]
        n += 1
    out += ["FROM build AS compile",
            "RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/go/pkg/mod \\",
            "    CGO_ENABLED=0 go build -trimpath LDFLAGS -o /out/app ./cmd/app",
            "FROM gcr.io/distroless/static-debian12:nonroot",
            "COPY --from=compile /out/app /app"]
    out += [f"COPY --from=tool{i} /out/tool{i} /usr/local/bin/" for i in range(min(n, 4))]
    out += ["USER 65532:65532", 'ENTRYPOINT ["/app"]']
    return "\n".join(out) + "\n"


class Server:
    def __init__(self, binary, cwd):
        self.proc = subprocess.Popen([binary, "server"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, cwd=cwd)

    def send(self, message):
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def receive(self):
        length = None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit("the server closed its output")
            if line in (b"\r\n", b"\n"):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.proc.stdout.read(length))

    def diagnostics_for(self, version):
        while True:
            message = self.receive()
            params = message.get("params") or {}
            if message.get("method") == "textDocument/publishDiagnostics" and params.get("version") == version:
                return params["diagnostics"]


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/gopherlint"
    changes = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    texts = [document(200).replace("LDFLAGS", '-ldflags="-s -w"'), document(200).replace("LDFLAGS", "")]
    with tempfile.TemporaryDirectory() as root:
        path = os.path.join(root, "Dockerfile")
        with open(path, "w") as f:
            f.write(texts[0])
        uri = "file://" + path
        server = Server(os.path.abspath(binary), root)
        server.send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                     "params": {"processId": None, "rootUri": None, "capabilities": {}}})
        server.receive()
        server.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        server.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "dockerfile", "version": 1, "text": texts[0]}}})
        server.diagnostics_for(1)
        timings = []
        for version in range(2, changes + 22):
            text = texts[version % 2]
            start = time.perf_counter()
            server.send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}})
            found = server.diagnostics_for(version)
            elapsed = (time.perf_counter() - start) * 1000
            if version >= 22:
                timings.append(elapsed)
            if version % 2 == 1 and not any(d["code"] == "GL003" for d in found):
                raise SystemExit("the unstripped build was not reported: the benchmark lints nothing")
        server.send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
        server.receive()
        server.send({"jsonrpc": "2.0", "method": "exit"})
        server.proc.wait(timeout=10)
    timings.sort()
    lines = texts[0].count("\n")
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"{len(timings)} changes to a {lines}-line Dockerfile: change to diagnostics "
          f"median {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms, max {timings[-1]:.2f} ms")


if __name__ == "__main__":
    main()
