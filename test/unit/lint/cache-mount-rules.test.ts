import { describe, expect, it } from "vitest";
import { df, fired, lint } from "./helpers.js";

interface Case {
  name: string;
  text: string;
}

function table(rule: string, fire: Case[], quiet: Case[]): void {
  describe(rule, () => {
    for (const c of fire) it(`fires: ${c.name}`, () => expect(fired(c.text, rule)).toContain(rule));
    for (const c of quiet) it(`quiet: ${c.name}`, () => expect(fired(c.text, rule)).toEqual([]));
  });
}

table(
  "apt-cache-mount",
  [
    {
      name: "update && install",
      text: df("FROM debian:bookworm", "RUN apt-get update && apt-get install -y curl"),
    },
    {
      name: "apt (not apt-get), continued lines",
      text: df(
        "FROM ubuntu:22.04",
        "RUN apt update \\",
        "  && apt install -y \\",
        "     git \\",
        "  && rm -rf /var/lib/apt/lists/*",
      ),
    },
    {
      name: "DEBIAN_FRONTEND prefix and sudo",
      text: df("FROM debian", "USER app", "RUN sudo DEBIAN_FRONTEND=noninteractive apt-get install -y make"),
    },
    { name: "inside sh -c", text: df("FROM debian", "RUN sh -c 'apt-get update && apt-get install -y jq'") },
    {
      name: "exec form with sh -c",
      text: df("FROM debian", 'RUN ["/bin/sh", "-c", "apt-get update && apt-get install -y jq"]'),
    },
    {
      name: "heredoc script",
      text: df("FROM debian", "RUN <<EOF", "set -e", "apt-get update", "apt-get install -y curl", "EOF"),
    },
    {
      name: "only /var/lib/apt mounted for an install",
      text: df(
        "FROM debian",
        "RUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y curl",
      ),
    },
    {
      name: "ONBUILD trigger",
      text: df("FROM debian", "ONBUILD RUN apt-get update && apt-get install -y curl"),
    },
    {
      name: "apt-get -o option before the subcommand",
      text: df("FROM debian", "RUN apt-get -o Acquire::Retries=3 install -y curl"),
    },
  ],
  [
    {
      name: "both mounts present",
      text: df(
        "FROM debian",
        "RUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y curl",
      ),
    },
    {
      name: "a covering parent directory and ids",
      text: df(
        "FROM debian",
        "RUN --mount=type=cache,id=aptc,target=/var/cache --mount=type=cache,id=aptl,target=/var/lib/apt/ apt-get update && apt-get install -y curl",
      ),
    },
    {
      name: "target from an ARG",
      text: df(
        "FROM debian",
        "ARG APT_CACHE=/var/cache/apt",
        "RUN --mount=type=cache,target=$APT_CACHE --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y curl",
      ),
    },
    {
      name: "dst alias",
      text: df(
        "FROM debian",
        "RUN --mount=type=cache,dst=/var/cache/apt --mount=type=cache,destination=/var/lib/apt apt-get update && apt-get install -y curl",
      ),
    },
    {
      name: "apt-get in a comment",
      text: df("FROM debian", "# RUN apt-get install -y curl", "RUN echo apt-get install -y curl"),
    },
    {
      name: "apt-get in a heredoc that is data",
      text: df("FROM debian", "RUN cat <<EOF > /notes.txt", "apt-get install -y curl", "EOF"),
    },
    {
      name: "apt-get remove / purge",
      text: df("FROM debian", "RUN apt-get purge -y gcc && apt-get autoremove -y"),
    },
    {
      name: "a word containing apt-get",
      text: df("FROM debian", "RUN /usr/local/bin/my-apt-get-wrapper install curl"),
    },
  ],
);

table(
  "pip-cache-mount",
  [
    {
      name: "pip install -r",
      text: df(
        "FROM python:3.12-slim",
        "COPY requirements.txt .",
        "RUN pip install --no-cache-dir -r requirements.txt",
      ),
    },
    { name: "pip3", text: df("FROM python:3.12", "RUN pip3 install flask") },
    {
      name: "python -m pip",
      text: df("FROM python:3.12", "RUN python -m pip install --upgrade pip setuptools"),
    },
    { name: "python3.11 -m pip", text: df("FROM python:3.11", "RUN python3.11 -m pip install requests") },
    {
      name: "non-root user: /home/app/.cache/pip",
      text: df(
        "FROM python:3.12",
        "RUN useradd -m app",
        "USER app",
        "RUN --mount=type=cache,target=/root/.cache/pip pip install --user requests",
      ),
    },
    {
      name: "mount on another tool's cache",
      text: df("FROM python:3.12", "RUN --mount=type=cache,target=/root/.npm pip install requests"),
    },
  ],
  [
    {
      name: "mount on /root/.cache/pip",
      text: df(
        "FROM python:3.12",
        "RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt",
      ),
    },
    {
      name: "mount on $HOME/.cache with ENV HOME",
      text: df(
        "FROM python:3.12",
        "ENV HOME=/home/app",
        "USER app",
        "RUN --mount=type=cache,target=$HOME/.cache,uid=1000 pip install requests",
      ),
    },
    {
      name: "PIP_CACHE_DIR followed",
      text: df(
        "FROM python:3.12",
        "ENV PIP_CACHE_DIR=/var/cache/pip",
        "RUN --mount=type=cache,target=/var/cache/pip pip install requests",
      ),
    },
    {
      name: "--cache-dir followed",
      text: df(
        "FROM python:3.12",
        "RUN --mount=type=cache,target=/tmp/pipc pip install --cache-dir /tmp/pipc requests",
      ),
    },
    { name: "pip freeze / list", text: df("FROM python:3.12", "RUN pip freeze > /req.txt && pip list") },
    {
      name: "uv pip install is uv's business",
      text: df(
        "FROM python:3.12",
        "RUN --mount=type=cache,target=/root/.cache/uv uv pip install --system requests",
      ),
    },
  ],
);

table(
  "uv-cache-mount",
  [
    { name: "uv sync", text: df("FROM python:3.12", "RUN uv sync --frozen --no-install-project") },
    {
      name: "uv pip install",
      text: df("FROM python:3.12", "RUN uv pip install --system -r requirements.txt"),
    },
  ],
  [
    {
      name: "mount on /root/.cache/uv",
      text: df("FROM python:3.12", "RUN --mount=type=cache,target=/root/.cache/uv uv sync --frozen"),
    },
    {
      name: "UV_CACHE_DIR",
      text: df("FROM python:3.12", "ENV UV_CACHE_DIR=/uvc", "RUN --mount=type=cache,target=/uvc uv sync"),
    },
    { name: "uv run / uv venv", text: df("FROM python:3.12", "RUN uv venv /opt/venv && uv --version") },
  ],
);

table(
  "npm-cache-mount",
  [
    { name: "npm ci", text: df("FROM node:20", "COPY package*.json ./", "RUN npm ci --omit=dev") },
    { name: "npm install -g", text: df("FROM node:20", "RUN npm install -g pnpm@9") },
    {
      name: "USER node needs /home/node/.npm",
      text: df("FROM node:20", "USER node", "RUN --mount=type=cache,target=/root/.npm npm ci"),
    },
  ],
  [
    {
      name: "mount on /root/.npm",
      text: df("FROM node:20", "RUN --mount=type=cache,target=/root/.npm npm ci"),
    },
    {
      name: "id= and a different but covering target",
      text: df("FROM node:20", "RUN --mount=type=cache,id=npm,target=/root npm ci"),
    },
    {
      name: "npm_config_cache",
      text: df(
        "FROM node:20",
        "ENV npm_config_cache=/tmp/npm",
        "RUN --mount=type=cache,target=/tmp/npm npm ci",
      ),
    },
    { name: "npm run build", text: df("FROM node:20", "RUN npm run build && npm test") },
  ],
);

table(
  "yarn-cache-mount",
  [
    { name: "bare yarn", text: df("FROM node:20", "RUN yarn --frozen-lockfile") },
    { name: "yarn install", text: df("FROM node:20", "RUN yarn install --immutable") },
  ],
  [
    {
      name: "yarn v1 root cache",
      text: df("FROM node:20", "RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install"),
    },
    {
      name: "YARN_CACHE_FOLDER",
      text: df("FROM node:20", "ENV YARN_CACHE_FOLDER=/yc", "RUN --mount=type=cache,target=/yc yarn"),
    },
    { name: "yarn build", text: df("FROM node:20", "RUN yarn build") },
  ],
);

table(
  "pnpm-cache-mount",
  [
    {
      name: "pnpm install",
      text: df("FROM node:20", "RUN corepack enable && pnpm install --frozen-lockfile"),
    },
  ],
  [
    {
      name: "PNPM_HOME store",
      text: df(
        "FROM node:20",
        'ENV PNPM_HOME="/pnpm"',
        "RUN --mount=type=cache,id=pnpm,target=/pnpm/store pnpm install --frozen-lockfile",
      ),
    },
    {
      name: "--store-dir",
      text: df("FROM node:20", "RUN --mount=type=cache,target=/s pnpm install --store-dir /s"),
    },
  ],
);

table(
  "go-cache-mount",
  [
    { name: "go mod download", text: df("FROM golang:1.22", "RUN go mod download") },
    {
      name: "go build with only the module cache",
      text: df(
        "FROM golang:1.22",
        "RUN --mount=type=cache,target=/go/pkg/mod CGO_ENABLED=0 go build -o /app .",
      ),
    },
  ],
  [
    {
      name: "both caches",
      text: df(
        "FROM golang:1.22",
        "RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build -o /app .",
      ),
    },
    {
      name: "GOCACHE/GOMODCACHE",
      text: df(
        "FROM golang:1.22",
        "ENV GOCACHE=/gc GOMODCACHE=/gm",
        "RUN --mount=type=cache,target=/gc --mount=type=cache,target=/gm go build ./...",
      ),
    },
    { name: "go version", text: df("FROM golang:1.22", "RUN go version && go env") },
  ],
);

table(
  "cargo-cache-mount",
  [{ name: "cargo build", text: df("FROM rust:1.79", "RUN cargo build --release") }],
  [
    {
      name: "registry mount",
      text: df(
        "FROM rust:1.79",
        "RUN --mount=type=cache,target=/usr/local/cargo/registry cargo build --release",
      ),
    },
    {
      name: "CARGO_HOME",
      text: df("FROM debian", "ENV CARGO_HOME=/cargo", "RUN --mount=type=cache,target=/cargo cargo fetch"),
    },
  ],
);

table(
  "maven-cache-mount",
  [{ name: "mvn package", text: df("FROM maven:3-eclipse-temurin-21", "RUN mvn -B package -DskipTests") }],
  [
    {
      name: "~/.m2 mount",
      text: df("FROM maven:3", "RUN --mount=type=cache,target=/root/.m2 mvn -B package"),
    },
    {
      name: "-Dmaven.repo.local",
      text: df("FROM maven:3", "RUN --mount=type=cache,target=/repo mvn -Dmaven.repo.local=/repo package"),
    },
  ],
);

table(
  "gradle-cache-mount",
  [{ name: "./gradlew build", text: df("FROM eclipse-temurin:21", "RUN ./gradlew build --no-daemon") }],
  [
    {
      name: "~/.gradle mount",
      text: df("FROM gradle:8", "RUN --mount=type=cache,target=/root/.gradle gradle build"),
    },
    {
      name: "GRADLE_USER_HOME caches",
      text: df(
        "FROM gradle:8",
        "ENV GRADLE_USER_HOME=/gh",
        "RUN --mount=type=cache,target=/gh/caches gradle build",
      ),
    },
  ],
);

table(
  "apk-cache-mount",
  [
    { name: "apk add --no-cache", text: df("FROM alpine:3.20", "RUN apk add --no-cache curl") },
    {
      name: "apk add --virtual",
      text: df("FROM alpine:3.20", "RUN apk add --virtual .build-deps gcc musl-dev && apk del .build-deps"),
    },
  ],
  [
    {
      name: "/etc/apk/cache mount",
      text: df("FROM alpine", "RUN --mount=type=cache,target=/etc/apk/cache apk add --update-cache curl"),
    },
    {
      name: "/var/cache/apk mount",
      text: df(
        "FROM alpine",
        "RUN --mount=type=cache,target=/var/cache/apk ln -s /var/cache/apk /etc/apk/cache && apk add curl",
      ),
    },
    { name: "apk del / info", text: df("FROM alpine", "RUN apk del curl && apk info") },
  ],
);

describe("cache-mount messages", () => {
  it("names the directory to mount, and a non-root user's home", () => {
    const [f] = lint(df("FROM node:20", "USER node", "RUN npm ci"), { rules: ["npm-cache-mount"] });
    expect(f?.message).toContain("/home/node/.npm");
    expect(f?.line).toBe(3);
    expect(f?.fixable).toBe(true);
  });
  it("fires when the RUN empties its own npm cache mount", () => {
    const [f] = lint(
      df("FROM node:20", "RUN --mount=type=cache,target=/root/.npm npm ci && npm cache clean --force"),
      { rules: ["npm-cache-mount"] },
    );
    expect(f?.message).toContain("emptied");
  });
});
