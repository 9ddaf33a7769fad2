# A small image for batch nodes (Kubernetes Indexed Jobs, see docs/scale-out.md).
#   docker build -t whoruns .
#   docker run --rm -v "$PWD/out:/out" whoruns run /opt/whoruns/scenarios/baseline.toml --out /out/baseline
# Build stage: the stripped release binary (the build compiles polars: about 15 minutes
# on 2 cores).
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src src
COPY benches benches
COPY assets assets
RUN cargo build --release --locked --bin whoruns

# Runtime stage: the binary and the bundled scenarios; nothing else is needed (fonts are
# compiled in, no system libraries beyond glibc).
FROM debian:bookworm-slim
COPY --from=build /src/target/release/whoruns /usr/local/bin/whoruns
COPY scenarios /opt/whoruns/scenarios
WORKDIR /work
ENTRYPOINT ["whoruns"]
