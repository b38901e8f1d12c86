# syntax=docker/dockerfile:1
# gopherlint's own image, built the way gopherlint asks Go services to be built: a static
# binary (Rust on musl instead of Go with CGO_ENABLED=0) shipped alone on scratch, as a
# non-root numeric user, started in exec form.
#   docker build -t gopherlint .
#   docker run --rm -v "$PWD:/src" -w /src gopherlint .
FROM rust:1.88-alpine AS build
# On Alpine the Rust target is musl, and musl binaries are linked statically.
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin gopherlint

FROM scratch
COPY --from=build /src/target/release/gopherlint /gopherlint
USER 65532:65532
WORKDIR /src
ENTRYPOINT ["/gopherlint"]
