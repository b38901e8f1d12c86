#!/usr/bin/env python3
"""Writes one large Dockerfile of a given shape and size, for the linear-time benchmark.

    scripts/gen_large.py SHAPE BYTES OUT

Shapes: `runs` (one stage of RUN lines), `stages` (many build stages, the final one copying
from them), `builds` (one stage of go builds with obsolete flags), `copies` (a final stage of
COPY and RUN lines). Each is valid and keeps the rules busy; none is a real project's file.
"""
import sys


def repeated(head, part, size):
    """`head`, then `part(n)` for n = 0, 1, ... until the text reaches `size` bytes; the count."""
    parts, n, total = [head], 0, len(head)
    while total < size:
        text = part(n)
        parts.append(text)
        total += len(text)
        n += 1
    return "".join(parts), n


def runs(size):
    line = "RUN echo 'some fairly long line of shell to pad the file out' && true\n"
    text, _ = repeated("FROM golang:1.23 AS build\n", lambda n: line, size)
    return text + 'RUN CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n'


def stages(size):
    text, n = repeated("", lambda n: f"FROM golang:1.23 AS s{n}\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app{n} ./cmd/app{n}\n", size)
    step = max(1, n // 50)
    copies = "".join(f"COPY --from=s{i} /out/app{i} /app{i}\n" for i in range(0, n, step))
    return text + "FROM scratch\n" + copies + 'ENTRYPOINT ["/app0"]\n'


def builds(size):
    text, _ = repeated("FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\n", lambda n: f"RUN GOOS=linux GOARCH=amd64 go build -a -installsuffix cgo -ldflags '-X main.v={n}' -o /out/app{n} ./cmd/app{n} && upx /out/app{n}\n", size)
    return text + 'FROM scratch\nCOPY --from=build /out/ /\nENTRYPOINT ["/app0"]\n'


def copies(size):
    text, _ = repeated("FROM golang:1.23 AS build\nRUN go build -o /app .\nFROM alpine:3.20\n", lambda n: f"COPY --from=build /app /bin/app{n}\nRUN apk add --no-cache ca-certificates tzdata\n", size)
    return text + 'USER nobody\nENTRYPOINT ["/bin/app0"]\n'


SHAPES = {"runs": runs, "stages": stages, "builds": builds, "copies": copies}

if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in SHAPES:
        sys.exit(f"usage: gen_large.py {{{','.join(SHAPES)}}} BYTES OUT")
    with open(sys.argv[3], "w") as out:
        out.write(SHAPES[sys.argv[1]](int(sys.argv[2])))
