/**
 * copy-before-install for manifest-only installs (#16.1) and the command variants it and the
 * cache-mount rules recognise (#16.3): each ecosystem's install fires after `COPY . .` and is
 * quiet when the manifests are copied first and the sources after.
 */
import { describe, expect, it } from "vitest";
import { df, fired, fix, lint } from "./helpers.js";

const RULE = "copy-before-install";

/** [name, base, manifests copied first, install] */
const ECOSYSTEMS: [string, string, string, string][] = [
  ["pip -r", "python:3.12", "requirements.txt", "pip install -r requirements.txt"],
  ["pip -e .", "python:3.12", "pyproject.toml", "pip install --no-cache-dir -e ."],
  ["pip .", "python:3.12", "pyproject.toml", "python -m pip install ."],
  ["poetry", "python:3.12", "pyproject.toml poetry.lock", "poetry install --no-root"],
  ["uv sync", "python:3.12", "pyproject.toml uv.lock", "uv sync --frozen"],
  ["uv pip", "python:3.12", "requirements.txt", "uv pip install --system -r requirements.txt"],
  ["pipenv", "python:3.12", "Pipfile Pipfile.lock", "pipenv install --deploy --system"],
  ["conda", "continuumio/miniconda3", "environment.yml", "conda env create -f environment.yml"],
  ["mamba", "condaforge/miniforge3", "environment.yml", "mamba env update -n base -f environment.yml"],
  ["npm ci", "node:20", "package.json package-lock.json", "npm ci"],
  ["npm install", "node:20", "package.json package-lock.json", "npm install"],
  ["yarn 1", "node:20", "package.json yarn.lock", "yarn --frozen-lockfile"],
  ["yarn berry", "node:20", "package.json yarn.lock .yarnrc.yml", "yarn install --immutable"],
  ["pnpm", "node:20", "package.json pnpm-lock.yaml", "pnpm install --frozen-lockfile"],
  ["bun", "oven/bun", "package.json bun.lockb", "bun install --frozen-lockfile"],
  ["go mod download", "golang:1.22", "go.mod go.sum", "go mod download"],
  ["cargo fetch", "rust:1.79", "Cargo.toml Cargo.lock", "cargo fetch"],
  ["cargo chef cook", "rust:1.79", "recipe.json", "cargo chef cook --release --recipe-path recipe.json"],
  ["bundler", "ruby:3.3", "Gemfile Gemfile.lock", "bundle install"],
  ["composer", "composer:2", "composer.json composer.lock", "composer install --no-dev"],
  ["maven", "maven:3-eclipse-temurin-21", "pom.xml", "mvn -B dependency:go-offline"],
  ["gradle", "gradle:8-jdk21", "build.gradle settings.gradle", "gradle dependencies"],
  ["dotnet", "mcr.microsoft.com/dotnet/sdk:8.0", "app.csproj", "dotnet restore"],
];

describe("copy-before-install: manifest installs after the whole context", () => {
  for (const [name, base, manifests, install] of ECOSYSTEMS) {
    it(`${name}: fires after COPY . ., quiet with the manifests first and the sources after`, () => {
      const bad = df(`FROM ${base}`, "WORKDIR /app", "COPY . .", `RUN ${install}`);
      const [f] = lint(bad, { rules: [RULE] });
      expect(f?.line, bad).toBe(4);
      expect(f?.message).toContain("line 3");
      const good = df(`FROM ${base}`, "WORKDIR /app", `COPY ${manifests} ./`, `RUN ${install}`, "COPY . .");
      expect(fired(good, RULE), good).toEqual([]);
    });
  }

  it("fires on the issue's two examples", () => {
    expect(
      fired(df("FROM python:3.12", "WORKDIR /app", "COPY . .", "RUN pip install --no-cache-dir -e ."), RULE),
    ).toEqual([RULE]);
    expect(
      fired(
        df(
          "FROM node:20",
          "COPY . .",
          "RUN --mount=type=cache,target=/root/.cache/yarn yarn --frozen-lockfile",
        ),
        RULE,
      ),
    ).toEqual([RULE]);
  });

  it("fires after COPY . /app and ADD . ., and names the manifests to copy first", () => {
    const [f] = lint(df("FROM node:20", "WORKDIR /app", "COPY . /app", "RUN npm ci"), { rules: [RULE] });
    expect(f?.message).toContain("COPY package.json package-lock.json /app/");
    const [g] = lint(df("FROM ruby:3.3", "ADD . .", "RUN bundle install"), { rules: [RULE] });
    expect(g?.message).toContain("COPY Gemfile Gemfile.lock ./");
  });

  it("names the manifests found in the context, and stays silent when it has none", () => {
    const text = df("FROM node:20", "WORKDIR /app", "COPY . .", "RUN yarn install --immutable");
    const [f] = lint(text, {
      rules: [RULE],
      contextFiles: ["package.json", "yarn.lock", ".yarnrc.yml", "src", "src/index.js"],
    });
    expect(f?.message).toContain("COPY package.json yarn.lock .yarnrc.yml ./");
    expect(fired(text, RULE, { contextFiles: ["src", "README.md"] })).toEqual([]);
    const [p] = lint(df("FROM python:3.12", "COPY . .", "RUN pip install -r requirements/prod.txt"), {
      rules: [RULE],
    });
    expect(p?.message).toContain("COPY requirements/prod.txt ./requirements/");
    const [w] = lint(df("FROM node:20", "COPY . /app", "WORKDIR /app/web", "RUN npm ci"), {
      rules: [RULE],
      contextFiles: ["web", "web/package.json", "web/package-lock.json"],
    });
    expect(w?.message).toContain("COPY web/package.json web/package-lock.json /app/web/ ");
  });

  it("fires after a source folder copied into the project, not after a manifest-only copy", () => {
    const src = df("FROM node:20", "WORKDIR /app", "COPY src ./src", "COPY package.json ./", "RUN npm ci");
    expect(fired(src, RULE)).toEqual([RULE]);
    const app = df("FROM node:20", "COPY app /app", "WORKDIR /app", "RUN npm ci");
    const [f] = lint(app, { rules: [RULE], contextFiles: ["app", "app/package.json", "app/index.js"] });
    expect(f?.message).toContain("COPY app/package.json /app/");
    // folders that feed the install (prisma schema, requirement files) are not sources
    expect(
      fired(
        df("FROM node:20", "WORKDIR /app", "COPY package.json ./", "COPY prisma ./prisma", "RUN npm ci"),
        RULE,
      ),
    ).toEqual([]);
    // a folder copied elsewhere does not touch the install's project
    expect(
      fired(
        df("FROM node:20", "COPY conf /etc/app", "WORKDIR /app", "COPY package.json ./", "RUN npm ci"),
        RULE,
      ),
    ).toEqual([]);
  });

  it("compile steps fire when nothing installed the dependencies before the COPY", () => {
    expect(fired(df("FROM golang:1.22", "WORKDIR /src", "COPY . .", "RUN go build -o /app ."), RULE)).toEqual(
      [RULE],
    );
    expect(fired(df("FROM rust:1.79", "COPY . .", "RUN cargo build --release"), RULE)).toEqual([RULE]);
    expect(fired(df("FROM rust:1.79", "COPY . .", "RUN cargo zigbuild --release"), RULE)).toEqual([RULE]);
    expect(fired(df("FROM maven:3", "COPY . .", "RUN mvn -B package -DskipTests"), RULE)).toEqual([RULE]);
    expect(fired(df("FROM gradle:8", "COPY . .", "RUN gradle build --no-daemon"), RULE)).toEqual([RULE]);
    expect(
      fired(
        df("FROM mcr.microsoft.com/dotnet/sdk:8.0", "COPY . .", "RUN dotnet publish -c Release -o /out"),
        RULE,
      ),
    ).toEqual([RULE]);
  });

  it("compile steps are quiet after the usual split, with a download cache mount, or without go.sum", () => {
    const split = df(
      "FROM golang:1.22",
      "WORKDIR /src",
      "COPY go.mod go.sum ./",
      "RUN go mod download",
      "COPY . .",
      "RUN go build -o /app .",
    );
    expect(fired(split, RULE)).toEqual([]);
    expect(
      fired(
        df("FROM golang:1.22", "COPY . .", "RUN --mount=type=cache,target=/go/pkg/mod go build -o /app ."),
        RULE,
      ),
    ).toEqual([]);
    expect(
      fired(df("FROM golang:1.22", "COPY . .", "RUN go build -o /app ."), RULE, {
        contextFiles: ["go.mod", "main.go"],
      }),
    ).toEqual([]);
    expect(
      fired(
        df(
          "FROM mcr.microsoft.com/dotnet/sdk:8.0",
          "COPY *.csproj ./",
          "RUN dotnet restore",
          "COPY . .",
          "RUN dotnet publish -c Release --no-restore -o /out",
        ),
        RULE,
      ),
    ).toEqual([]);
    expect(
      fired(
        df(
          "FROM python:3.12",
          "COPY requirements.txt .",
          "RUN pip install -r requirements.txt",
          "COPY . .",
          "RUN pip install --no-deps -e .",
        ),
        RULE,
      ),
    ).toEqual([]);
  });

  it("installs that need nothing from the context fire after COPY . . (move them above)", () => {
    for (const cmd of [
      "apt update && apt install -y curl",
      "aptitude install -y curl",
      "gem install bundler",
      "npm install -g pnpm",
      "cargo install cargo-watch",
      "go install golang.org/x/tools/gopls@latest",
    ]) {
      const [f] = lint(df("FROM debian", "COPY . .", `RUN ${cmd}`), { rules: [RULE] });
      expect(f?.message, cmd).toContain("move it above");
    }
  });

  it("a toolchain folder copied outside the project is not a source copy; npm value options are not packages", () => {
    // (lint-cache-build's Dockerfile: node copied to /usr/local, then apt and npm installs)
    const text = df(
      "FROM debian",
      "COPY node-dist/ /usr/local/",
      "RUN apt-get update && apt-get install -y less",
      "WORKDIR /app",
      "COPY package.json ./",
      "RUN npm install --no-audit --loglevel http",
    );
    expect(fired(text, RULE)).toEqual([]);
    const [f] = lint(df("FROM node:20", "WORKDIR /app", "COPY . .", "RUN npm install --loglevel http"), {
      rules: [RULE],
    });
    expect(f?.message).toContain("re-installs every dependency");
    // an app folder below the WORKDIR still re-runs an apt install placed after it
    expect(
      fired(df("FROM python:3.12", "WORKDIR /app", "COPY ./app ./app", "RUN apt-get install -y git"), RULE),
    ).toEqual([RULE]);
  });

  it("names the parent stage whose COPY invalidates an install in a stage built FROM it (#16.5)", () => {
    const text = df("FROM node:20 AS base", "WORKDIR /app", "COPY . .", "FROM base AS deps", "RUN npm ci");
    const [f] = lint(text, { rules: [RULE] });
    expect(f?.line).toBe(5);
    expect(f?.message).toContain("line 3, stage base");
  });
});

describe("command variants (#16.3)", () => {
  const after = (cmd: string): string[] =>
    fired(df("FROM node:20", "WORKDIR /app", "COPY . .", `RUN ${cmd}`), RULE);
  it("reads through sudo, env, assignments, venv paths, python -m pip, corepack, chains", () => {
    for (const cmd of [
      "sudo -E npm ci",
      "env NODE_ENV=production npm ci",
      "npm_config_cache=/tmp/c yarn install",
      "corepack enable && corepack pnpm install --frozen-lockfile",
      "/opt/venv/bin/pip install -r requirements.txt",
      "python3.12 -m pip install -r requirements.txt",
      "set -e; cd /app || exit 1; npm ci",
      "true || npm ci",
      "sh -c 'npm ci'",
      'bash -lc "bundle install"',
    ])
      expect(after(cmd), cmd).toEqual([RULE]);
  });

  it("reads heredoc RUNs and continued lines with comments", () => {
    expect(
      fired(
        df("FROM python:3.12", "COPY . .", "RUN <<EOF", "set -e", "pip install -r requirements.txt", "EOF"),
        RULE,
      ),
    ).toEqual([RULE]);
    const text = df(
      "FROM node:20",
      "COPY . .",
      "RUN set -eux \\",
      "# the install",
      "    && npm ci \\",
      "    && npm cache clean --force",
    );
    expect(fired(text, RULE)).toEqual([RULE]);
    expect(fired(text, "npm-cache-mount")).toEqual(["npm-cache-mount"]);
  });

  it("cache-mount rules see apt/aptitude, gem/bundle, conda/mamba, nvm, npm_config_* yarn", () => {
    expect(fired(df("FROM debian", "RUN apt update && apt install -y curl"), "apt-cache-mount")).toEqual([
      "apt-cache-mount",
    ]);
    expect(fired(df("FROM debian", "RUN aptitude install -y curl"), "apt-cache-mount")).toEqual([
      "apt-cache-mount",
    ]);
    expect(fired(df("FROM ruby:3.3", "RUN bundle install"), "gem-cache-mount")).toEqual(["gem-cache-mount"]);
    expect(
      fired(
        df("FROM ruby:3.3", "RUN --mount=type=cache,target=/usr/local/bundle/cache bundle install"),
        "gem-cache-mount",
      ),
    ).toEqual([]);
    expect(
      fired(df("FROM continuumio/miniconda3", "RUN mamba install -y numpy"), "conda-cache-mount"),
    ).toEqual(["conda-cache-mount"]);
    expect(fired(df("FROM debian", "RUN . ~/.nvm/nvm.sh && nvm install 20"), "nvm-cache-mount")).toEqual([
      "nvm-cache-mount",
    ]);
    const yarn = df(
      "FROM node:20",
      "RUN --mount=type=cache,target=/tmp/yc npm_config_cache_folder=/tmp/yc yarn install",
    );
    expect(fired(yarn, "yarn-cache-mount")).toEqual([]);
  });

  it("the conda fix adds the mount and drops conda clean", () => {
    const out = fix(
      df("FROM continuumio/miniconda3", "RUN conda env create -f environment.yml && conda clean -afy"),
      {
        rules: ["conda-cache-mount"],
      },
    );
    expect(out).toBe(
      df(
        "FROM continuumio/miniconda3",
        "RUN --mount=type=cache,target=/opt/conda/pkgs conda env create -f environment.yml",
      ),
    );
  });

  it("a powershell SHELL: findings stay, sh edits are not offered", () => {
    const text = df(
      "FROM mcr.microsoft.com/windows/servercore",
      'SHELL ["powershell", "-Command"]',
      "RUN pip install flask",
    );
    const [f] = lint(text, { rules: ["pip-cache-mount"] });
    expect(f?.fixable).toBe(false);
    expect(fix(text)).toBe(text);
    // a POSIX SHELL keeps the fixes
    const bash = df(
      "FROM python:3.12",
      'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
      "RUN pip install flask",
    );
    expect(lint(bash, { rules: ["pip-cache-mount"] })[0]?.fixable).toBe(true);
  });
});

describe("copy-before-install --fix (#16.2)", () => {
  const only = { rules: [RULE] };
  const fixIn = (text: string, contextFiles: string[]): string => fix(text, { ...only, contextFiles });

  it("moves a manifest-only install before COPY . . with the manifests found in the context", () => {
    const text = df(
      "FROM node:20",
      "WORKDIR /app",
      "COPY . .",
      "RUN --mount=type=cache,target=/root/.npm npm ci",
      "RUN npm run build",
    );
    const out = fixIn(text, ["package.json", "package-lock.json", ".npmrc", "src", "src/index.ts"]);
    expect(out).toBe(
      df(
        "FROM node:20",
        "WORKDIR /app",
        "COPY package.json package-lock.json .npmrc ./",
        "RUN --mount=type=cache,target=/root/.npm npm ci",
        "COPY . .",
        "RUN npm run build",
      ),
    );
    expect(fixIn(out, ["package.json", "package-lock.json", ".npmrc", "src"])).toBe(out);
    expect(lint(out, { ...only, contextFiles: ["package.json", "package-lock.json"] })).toEqual([]);
  });

  it("takes the install out of a longer RUN, keeping the rest after the COPY", () => {
    const text = df(
      "FROM node:20",
      "WORKDIR /app",
      "COPY . /app",
      "RUN yarn install --frozen-lockfile && yarn build",
    );
    expect(fixIn(text, ["package.json", "yarn.lock", "src"])).toBe(
      df(
        "FROM node:20",
        "WORKDIR /app",
        "COPY package.json yarn.lock /app/",
        "RUN yarn install --frozen-lockfile",
        "COPY . /app",
        "RUN yarn build",
      ),
    );
  });

  it("keeps a project install after the COPY and inserts the dependency-only one before it", () => {
    const pip = df(
      "FROM python:3.12",
      "WORKDIR /app",
      "COPY . .",
      "RUN python -m pip install --no-cache-dir -e .",
    );
    expect(fixIn(pip, ["pyproject.toml", "requirements.txt", "pkg"])).toBe(
      df(
        "FROM python:3.12",
        "WORKDIR /app",
        "COPY requirements.txt ./",
        "RUN python -m pip install --no-cache-dir -r requirements.txt",
        "COPY . .",
        "RUN python -m pip install --no-cache-dir -e .",
      ),
    );
    const both = df(
      "FROM python:3.12",
      "WORKDIR /app",
      "COPY . .",
      "RUN pip install -r requirements/base.txt -e .",
    );
    expect(fixIn(both, ["pyproject.toml", "requirements", "requirements/base.txt"])).toContain(
      "COPY requirements/base.txt ./requirements/\nRUN pip install -r requirements/base.txt\nCOPY . .\nRUN pip install -r requirements/base.txt -e .\n",
    );
    const poetry = df("FROM python:3.12", "WORKDIR /app", "COPY . .", "RUN poetry install --no-interaction");
    expect(fixIn(poetry, ["pyproject.toml", "poetry.lock", "app"])).toContain(
      "COPY pyproject.toml poetry.lock ./\nRUN poetry install --no-interaction --no-root\nCOPY . .\nRUN poetry install --no-interaction\n",
    );
    const uv = df("FROM python:3.12", "WORKDIR /app", "COPY . .", "RUN uv sync --frozen");
    expect(fixIn(uv, ["pyproject.toml", "uv.lock", "src"])).toContain(
      "RUN uv sync --frozen --no-install-project\nCOPY . .\nRUN uv sync --frozen\n",
    );
    const go = df(
      "FROM golang:1.22",
      "WORKDIR /src",
      "COPY . .",
      "RUN --mount=type=cache,target=/root/.cache/go-build go build -o /app .",
    );
    expect(fixIn(go, ["go.mod", "go.sum", "main.go"])).toContain(
      "COPY go.mod go.sum ./\nRUN --mount=type=cache,target=/root/.cache/go-build go mod download\nCOPY . .\n",
    );
    const dotnet = df(
      "FROM mcr.microsoft.com/dotnet/sdk:8.0",
      "WORKDIR /src",
      "COPY . .",
      "RUN dotnet publish -c Release -o /out",
    );
    expect(fixIn(dotnet, ["api.csproj", "Program.cs"])).toContain(
      "COPY api.csproj ./\nRUN dotnet restore\nCOPY . .\n",
    );
  });

  it("moves a source-folder COPY's install with the folder's manifests", () => {
    const text = df("FROM node:20", "WORKDIR /srv", "COPY app /srv", "RUN npm ci");
    expect(fixIn(text, ["app", "app/package.json", "app/package-lock.json", "app/index.js"])).toBe(
      df(
        "FROM node:20",
        "WORKDIR /srv",
        "COPY app/package.json app/package-lock.json /srv/",
        "RUN npm ci",
        "COPY app /srv",
      ),
    );
  });

  it("is not offered when it cannot be proven safe", () => {
    const cases: [string, string[] | undefined][] = [
      // the context is unknown, or has no manifest for the tool
      [df("FROM node:20", "WORKDIR /app", "COPY . .", "RUN npm ci"), undefined],
      // a RUN between the COPY and the install, a WORKDIR change, a `cd` first
      [
        df("FROM node:20", "WORKDIR /app", "COPY . .", "RUN ./scripts/prepare.sh", "RUN npm ci"),
        ["package.json"],
      ],
      [df("FROM node:20", "COPY . /app", "WORKDIR /app", "RUN npm ci"), ["package.json"]],
      [df("FROM node:20", "WORKDIR /app", "COPY . .", "RUN cd web && npm ci"), ["web", "web/package.json"]],
      // the install is not the RUN's first command; a heredoc RUN; the COPY in a parent stage
      [df("FROM node:20", "WORKDIR /app", "COPY . .", "RUN apt-get update && npm ci"), ["package.json"]],
      [df("FROM node:20", "WORKDIR /app", "COPY . .", "RUN <<EOF", "npm ci", "EOF"), ["package.json"]],
      [df("FROM node:20 AS src", "WORKDIR /app", "COPY . .", "FROM src", "RUN npm ci"), ["package.json"]],
      // pip -e . without a requirements file; cargo (needs sources to fetch); a pnpm workspace
      [df("FROM python:3.12", "WORKDIR /app", "COPY . .", "RUN pip install -e ."), ["pyproject.toml", "src"]],
      [
        df("FROM rust:1", "WORKDIR /app", "COPY . .", "RUN cargo build --release"),
        ["Cargo.toml", "Cargo.lock", "src"],
      ],
      [
        df("FROM node:20", "WORKDIR /app", "COPY . .", "RUN pnpm install"),
        ["package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml"],
      ],
      // manifests copied first already (the finding says to move the install between the COPYs)
      [
        df("FROM node:20", "WORKDIR /app", "COPY package*.json ./", "COPY . .", "RUN npm ci"),
        ["package.json"],
      ],
    ];
    for (const [text, files] of cases) {
      const found = lint(text, { ...only, ...(files ? { contextFiles: files } : {}) });
      expect(
        found.map((f) => f.rule),
        text,
      ).toEqual([RULE]);
      expect(found[0]?.fixable, text).toBe(false);
    }
  });
});
