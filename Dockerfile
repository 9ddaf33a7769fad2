# A small image for batch nodes (Kubernetes Indexed Jobs, see docs/scale-out.md).
#   docker build -t whoruns .
#   docker run --rm -v "$PWD/out:/out" whoruns run /opt/whoruns/scenarios/baseline.toml --out /out/baseline
# Build stage: the stripped release binary (the build compiles polars: about 15 minutes
# on 2 cores). It copies what the build reads: the manifests, the workspace's members
# (`bench/`, the criterion benchmarks, is one, though not built here), and the files the
# source includes (fonts, the what-if page, the bundled scenarios its tests read);
# tests/it/scale_out.rs checks that against the source.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src src
COPY bench bench
COPY assets assets
COPY scenarios scenarios
RUN cargo build --release --locked --bin whoruns

# Runtime stage: the binary and the bundled scenarios; nothing else is needed (fonts are
# compiled in, no system libraries beyond glibc).
FROM debian:bookworm-slim
COPY --from=build /src/target/release/whoruns /usr/local/bin/whoruns
COPY scenarios /opt/whoruns/scenarios
WORKDIR /work
ENTRYPOINT ["whoruns"]
