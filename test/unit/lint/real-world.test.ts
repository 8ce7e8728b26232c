/**
 * Patterns as they appear in widely used Dockerfiles (official images, `docker init`
 * templates), written here from their shape: the rules must be quiet where these already do
 * the right thing.
 */
import { describe, expect, it } from "vitest";
import { df, fired, fix } from "./helpers.js";

describe("real-world patterns", () => {
  it("official-image style: apt-mark auto + purge --auto-remove leaves no build tools behind", () => {
    const text = df(
      "FROM debian:bookworm-slim",
      "RUN set -eux; \\",
      '\tsavedAptMark="$(apt-mark showmanual)"; \\',
      "\tapt-get update; \\",
      "\tapt-get install -y --no-install-recommends gcc make libc6-dev; \\",
      "\tmake -C /usr/src/app; \\",
      "\tapt-mark auto '.*' > /dev/null; \\",
      '\t[ -z "$savedAptMark" ] || apt-mark manual $savedAptMark; \\',
      "\tapt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; \\",
      "\trm -rf /var/lib/apt/lists/*",
    );
    expect(fired(text, "build-tools-in-final-stage")).toEqual([]);
    expect(fired(text, "apt-update-split")).toEqual([]);
  });

  it("docker init (Python): bind-mounted requirements + pip cache mount", () => {
    const text = df(
      "ARG PYTHON_VERSION=3.12",
      "FROM python:${PYTHON_VERSION}-slim AS base",
      "ENV PYTHONDONTWRITEBYTECODE=1",
      "WORKDIR /app",
      "ARG UID=10001",
      'RUN adduser --disabled-password --gecos "" --home "/nonexistent" --shell "/sbin/nologin" --no-create-home --uid "${UID}" appuser',
      "RUN --mount=type=cache,target=/root/.cache/pip \\",
      "    --mount=type=bind,source=requirements.txt,target=requirements.txt \\",
      "    python -m pip install -r requirements.txt",
      "USER appuser",
      "COPY . .",
      "EXPOSE 8000",
      'CMD ["python3", "-m", "uvicorn", "app:app", "--host=0.0.0.0", "--port=8000"]',
    );
    expect(fired(text, undefined, { contextFiles: [".dockerignore", "requirements.txt"] })).toEqual([]);
  });

  it("docker init (Node): bind-mounted manifests + npm cache mount, then COPY . .", () => {
    const text = df(
      "FROM node:20-alpine",
      "ENV NODE_ENV=production",
      "WORKDIR /usr/src/app",
      "RUN --mount=type=bind,source=package.json,target=package.json \\",
      "    --mount=type=bind,source=package-lock.json,target=package-lock.json \\",
      "    --mount=type=cache,target=/root/.npm \\",
      "    npm ci --omit=dev",
      "USER node",
      "COPY . .",
      'CMD ["node", "src/index.js"]',
    );
    expect(fired(text, undefined, { contextFiles: [".dockerignore", "package.json"] })).toEqual([]);
  });

  it("docker init (Go): module cache with a trailing slash and bind mounts", () => {
    const text = df(
      "FROM golang:1.22 AS build",
      "WORKDIR /src",
      "RUN --mount=type=cache,target=/go/pkg/mod/ \\",
      "    --mount=type=bind,source=go.sum,target=go.sum \\",
      "    --mount=type=bind,source=go.mod,target=go.mod \\",
      "    go mod download -x",
      "RUN --mount=type=cache,target=/go/pkg/mod/ --mount=type=cache,target=/root/.cache/go-build/ \\",
      "    --mount=type=bind,target=. \\",
      "    CGO_ENABLED=0 go build -o /bin/server .",
      "FROM alpine:3.20 AS final",
      "COPY --from=build /bin/server /bin/",
      'ENTRYPOINT [ "/bin/server" ]',
    );
    expect(fired(text)).toEqual([]);
  });

  it("docker init (Rust): registry, git db and target caches", () => {
    const text = df(
      "FROM rust:1.79-slim AS build",
      "WORKDIR /app",
      "RUN --mount=type=bind,source=src,target=src \\",
      "    --mount=type=bind,source=Cargo.toml,target=Cargo.toml \\",
      "    --mount=type=bind,source=Cargo.lock,target=Cargo.lock \\",
      "    --mount=type=cache,target=/app/target/ \\",
      "    --mount=type=cache,target=/usr/local/cargo/git/db \\",
      "    --mount=type=cache,target=/usr/local/cargo/registry/ \\",
      "    cargo build --locked --release && cp ./target/release/server /bin/server",
      "FROM debian:bookworm-slim",
      "COPY --from=build /bin/server /bin/",
    );
    expect(fired(text)).toEqual([]);
  });

  it("Alpine virtual build deps removed in the same RUN", () => {
    const text = df(
      "FROM python:3.12-alpine",
      "RUN --mount=type=cache,target=/etc/apk/cache --mount=type=cache,target=/root/.cache/pip \\",
      "    apk add --virtual .build-deps gcc musl-dev libffi-dev \\",
      " && pip install cffi \\",
      " && apk del .build-deps",
    );
    expect(fired(text)).toEqual([]);
  });

  it("a classic single-RUN apt install still gets the cache advice", () => {
    const text = df(
      "FROM ubuntu:24.04",
      "RUN apt-get update && apt-get install -y --no-install-recommends \\",
      "      ca-certificates \\",
      "      curl \\",
      "  && rm -rf /var/lib/apt/lists/*",
    );
    expect(fired(text)).toEqual(["apt-cache-mount"]);
  });
});

describe("devcontainer-style user setup", () => {
  it("takes uid/gid from ARGs used in groupadd/useradd", () => {
    const text = df(
      "FROM mcr.microsoft.com/devcontainers/base:bookworm",
      "ARG USERNAME=dev",
      "ARG USER_UID=1500",
      "ARG USER_GID=$USER_UID",
      "RUN groupadd --gid $USER_GID $USERNAME && useradd --uid $USER_UID --gid $USER_GID -m $USERNAME",
      "USER $USERNAME",
      "RUN pip3 install --user black",
    );
    expect(fix(text)).toContain(
      "RUN --mount=type=cache,target=/home/dev/.cache/pip,uid=1500,gid=1500 pip3 install --user black",
    );
  });
});
