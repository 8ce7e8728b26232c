import { describe, expect, it } from "vitest";
import { df, fired, fix, lint } from "./helpers.js";

describe("apt-docker-clean", () => {
  const mounts =
    "--mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked";
  it("fires on an apt cache mount with the docker-clean hook still in place", () => {
    expect(
      fired(
        df("FROM debian:bookworm", `RUN ${mounts} apt-get update && apt-get install -y curl`),
        "apt-docker-clean",
      ),
    ).toEqual(["apt-docker-clean"]);
  });
  it("fires when the RUN cleans its own cache mount", () => {
    const text = df(
      "FROM debian",
      "RUN rm -f /etc/apt/apt.conf.d/docker-clean",
      `RUN ${mounts} apt-get update && apt-get install -y curl && apt-get clean`,
    );
    const [f] = lint(text, { rules: ["apt-docker-clean"] });
    expect(f?.message).toContain("empties its own apt cache mount");
  });
  it("is quiet when docker-clean was removed in this RUN or an earlier one (parent stage too)", () => {
    expect(
      fired(
        df(
          "FROM debian",
          `RUN ${mounts} rm -f /etc/apt/apt.conf.d/docker-clean && apt-get update && apt-get install -y curl`,
        ),
        "apt-docker-clean",
      ),
    ).toEqual([]);
    const staged = df(
      "FROM debian AS base",
      "RUN rm -f /etc/apt/apt.conf.d/docker-clean",
      "FROM base",
      `RUN ${mounts} apt-get update && apt-get install -y curl`,
    );
    expect(fired(staged, "apt-docker-clean")).toEqual([]);
  });
  it("is quiet when Keep-Downloaded-Packages is configured", () => {
    const text = df(
      "FROM debian",
      `RUN echo 'APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/99keep`,
      `RUN ${mounts} apt-get update && apt-get install -y curl`,
    );
    expect(fired(text, "apt-docker-clean")).toEqual([]);
  });
  it("is quiet without an apt cache mount (that is apt-cache-mount's finding)", () => {
    expect(
      fired(df("FROM debian", "RUN apt-get update && apt-get install -y curl"), "apt-docker-clean"),
    ).toEqual([]);
  });
  it("fires only on the first apt RUN of an image", () => {
    const text = df(
      "FROM debian",
      `RUN ${mounts} apt-get update && apt-get install -y curl`,
      `RUN ${mounts} apt-get update && apt-get install -y git`,
    );
    expect(lint(text, { rules: ["apt-docker-clean"] }).map((f) => f.line)).toEqual([2]);
  });
  it("does not treat an unrelated stage's removal as this image's", () => {
    const text = df(
      "FROM debian AS a",
      "RUN rm -f /etc/apt/apt.conf.d/docker-clean",
      "FROM debian AS b",
      `RUN ${mounts} apt-get update && apt-get install -y curl`,
    );
    expect(fired(text, "apt-docker-clean")).toEqual(["apt-docker-clean"]);
  });
});

describe("apt-update-split", () => {
  it("fires on an install whose update ran in an earlier RUN", () => {
    const [f] = lint(df("FROM debian", "RUN apt-get update", "RUN apt-get install -y curl"), {
      rules: ["apt-update-split"],
    });
    expect(f?.line).toBe(3);
    expect(f?.message).toContain("line 2");
  });
  it("fires across a parent stage", () => {
    expect(
      fired(
        df("FROM debian AS base", "RUN apt-get update", "FROM base", "RUN apt-get install -y curl"),
        "apt-update-split",
      ),
    ).toEqual(["apt-update-split"]);
  });
  it("is quiet when update and install share the RUN (any chain form)", () => {
    expect(
      fired(df("FROM debian", "RUN apt-get update && apt-get install -y curl"), "apt-update-split"),
    ).toEqual([]);
    expect(
      fired(df("FROM debian", "RUN apt-get update; apt-get install -y curl"), "apt-update-split"),
    ).toEqual([]);
    expect(
      fired(
        df("FROM debian", "RUN apt-get -qq update \\", " && apt-get -qq install -y curl"),
        "apt-update-split",
      ),
    ).toEqual([]);
  });
  it("is quiet for an install with no update anywhere, and for an unrelated stage", () => {
    expect(fired(df("FROM debian", "RUN apt-get install -y ./local.deb"), "apt-update-split")).toEqual([]);
    expect(
      fired(
        df(
          "FROM debian AS a",
          "RUN apt-get update",
          "FROM debian AS b",
          "RUN apt-get update && apt-get install -y x",
        ),
        "apt-update-split",
      ),
    ).toEqual([]);
  });
});

describe("pip-no-cache-dir-with-mount", () => {
  const mount = "--mount=type=cache,target=/root/.cache/pip";
  it("fires on --no-cache-dir with a pip cache mount", () => {
    expect(
      fired(
        df("FROM python:3.12", `RUN ${mount} pip install --no-cache-dir -r requirements.txt`),
        "pip-no-cache-dir-with-mount",
      ),
    ).toEqual(["pip-no-cache-dir-with-mount"]);
  });
  it("fires on ENV PIP_NO_CACHE_DIR in scope (not fixable)", () => {
    const [f] = lint(df("FROM python:3.12", "ENV PIP_NO_CACHE_DIR=1", `RUN ${mount} pip install flask`), {
      rules: ["pip-no-cache-dir-with-mount"],
    });
    expect(f?.fixable).toBe(false);
  });
  it("follows ENV through a parent stage", () => {
    expect(
      fired(
        df(
          "FROM python:3.12 AS base",
          "ENV PIP_NO_CACHE_DIR=on",
          "FROM base",
          `RUN ${mount} pip install flask`,
        ),
        "pip-no-cache-dir-with-mount",
      ),
    ).toEqual(["pip-no-cache-dir-with-mount"]);
  });
  it("is quiet without a mount, with PIP_NO_CACHE_DIR=0, or with an ARG of another stage", () => {
    expect(
      fired(df("FROM python:3.12", "RUN pip install --no-cache-dir flask"), "pip-no-cache-dir-with-mount"),
    ).toEqual([]);
    expect(
      fired(
        df("FROM python:3.12", "ENV PIP_NO_CACHE_DIR=0", `RUN ${mount} pip install flask`),
        "pip-no-cache-dir-with-mount",
      ),
    ).toEqual([]);
    expect(
      fired(
        df(
          "FROM python:3.12 AS a",
          "ARG PIP_NO_CACHE_DIR=1",
          "FROM python:3.12",
          `RUN ${mount} pip install flask`,
        ),
        "pip-no-cache-dir-with-mount",
      ),
    ).toEqual([]);
  });
});

describe("copy-before-install", () => {
  it("fires on COPY . . before npm ci", () => {
    const [f] = lint(df("FROM node:20", "WORKDIR /app", "COPY . .", "RUN npm ci"), {
      rules: ["copy-before-install"],
    });
    expect(f?.line).toBe(4);
    expect(f?.message).toContain("line 3");
  });
  it("fires on ADD . and pip install -r, and on COPY ./ /src", () => {
    expect(
      fired(
        df("FROM python:3.12", "ADD . /app", "RUN pip install -r /app/requirements.txt"),
        "copy-before-install",
      ),
    ).toEqual(["copy-before-install"]);
    expect(
      fired(df("FROM golang:1.22", "COPY ./ /src", "RUN go mod download"), "copy-before-install"),
    ).toEqual(["copy-before-install"]);
  });
  it("fires on an apt install placed after the full COPY", () => {
    const [f] = lint(df("FROM debian", "COPY . /app", "RUN apt-get update && apt-get install -y curl"), {
      rules: ["copy-before-install"],
    });
    expect(f?.message).toContain("move it above");
  });
  it("is quiet when the manifests are copied and installed first", () => {
    expect(
      fired(
        df("FROM node:20", "COPY package.json package-lock.json ./", "RUN npm ci", "COPY . ."),
        "copy-before-install",
      ),
    ).toEqual([]);
    expect(
      fired(
        df(
          "FROM node:20",
          "RUN --mount=type=bind,source=package.json,target=package.json npm ci",
          "COPY . .",
        ),
        "copy-before-install",
      ),
    ).toEqual([]);
  });
  it("is quiet for COPY --from and a different stage", () => {
    expect(
      fired(
        df("FROM node:20 AS deps", "COPY . .", "FROM node:20", "COPY --from=deps /app .", "RUN npm ci"),
        "copy-before-install",
      ),
    ).toEqual([]);
  });
  it("is quiet when the known context has no manifest for the tool", () => {
    expect(
      fired(df("FROM node:20", "COPY . .", "RUN npm ci"), "copy-before-install", {
        contextFiles: ["src", "README.md"],
      }),
    ).toEqual([]);
    expect(
      fired(df("FROM node:20", "COPY . .", "RUN npm ci"), "copy-before-install", {
        contextFiles: ["package.json"],
      }),
    ).toEqual(["copy-before-install"]);
  });
  it("says to move the install when manifests were copied but the install comes after COPY .", () => {
    const [f] = lint(df("FROM node:20", "COPY package*.json ./", "COPY . .", "RUN npm ci"), {
      rules: ["copy-before-install"],
    });
    expect(f?.message).toContain("between the two COPYs");
  });
});

describe("dockerignore-missing", () => {
  const text = df("FROM node:20", "COPY . .", "RUN npm ci");
  it("fires when the context is known, copied whole, and has no .dockerignore", () => {
    const [f] = lint(text, {
      rules: ["dockerignore-missing"],
      contextFiles: ["package.json", "node_modules", ".git"],
    });
    expect(f?.line).toBe(2);
    expect(f?.message).toContain("node_modules, .git");
  });
  it("is quiet with a .dockerignore, an unknown context, or no full COPY", () => {
    expect(fired(text, "dockerignore-missing", { contextFiles: [".dockerignore", "package.json"] })).toEqual(
      [],
    );
    expect(fired(text, "dockerignore-missing")).toEqual([]);
    expect(
      fired(df("FROM node:20", "COPY package.json ./", "COPY src/ src/"), "dockerignore-missing", {
        contextFiles: ["package.json"],
      }),
    ).toEqual([]);
  });
});

describe("cache-mount-id-collision", () => {
  it("fires when one id is used for two different targets", () => {
    const text = df(
      "FROM node:20",
      "RUN --mount=type=cache,id=deps,target=/root/.npm npm ci",
      "FROM python:3.12",
      "RUN --mount=type=cache,id=deps,target=/root/.cache/pip pip install flask",
    );
    const [f] = lint(text, { rules: ["cache-mount-id-collision"] });
    expect(f?.line).toBe(4);
    expect(f?.message).toContain('"deps"');
  });
  it("fires when an id equals another mount's target", () => {
    expect(
      fired(
        df(
          "FROM debian",
          "RUN --mount=type=cache,target=/root/.npm true",
          "RUN --mount=type=cache,id=/root/.npm,target=/cache true",
        ),
        "cache-mount-id-collision",
      ),
    ).toEqual(["cache-mount-id-collision"]);
  });
  it("is quiet for one id shared by the same target across stages, and for distinct ids", () => {
    expect(
      fired(
        df(
          "FROM node:20 AS a",
          "RUN --mount=type=cache,id=npm,target=/root/.npm npm ci",
          "FROM node:20",
          "RUN --mount=type=cache,id=npm,target=/root/.npm/ npm ci",
        ),
        "cache-mount-id-collision",
      ),
    ).toEqual([]);
    expect(
      fired(
        df("FROM debian", "RUN --mount=type=cache,target=/a --mount=type=cache,target=/b true"),
        "cache-mount-id-collision",
      ),
    ).toEqual([]);
  });
});

describe("build-tools-in-final-stage", () => {
  it("fires on compilers in a single-stage image (info)", () => {
    const [f] = lint(
      df(
        "FROM python:3.12-slim",
        "RUN apt-get update && apt-get install -y build-essential libpq-dev",
        "RUN pip install psycopg2",
      ),
      { rules: ["build-tools-in-final-stage"] },
    );
    expect(f?.severity).toBe("info");
    expect(f?.message).toContain("build-essential");
  });
  it("fires when the final stage is built FROM the stage that installed them", () => {
    expect(
      fired(
        df("FROM alpine AS build", "RUN apk add gcc musl-dev", "FROM build", "RUN echo hi"),
        "build-tools-in-final-stage",
      ),
    ).toEqual(["build-tools-in-final-stage"]);
  });
  it("is quiet for a builder stage that the final stage only copies from", () => {
    expect(
      fired(
        df(
          "FROM golang:1.22 AS build",
          "RUN apt-get update && apt-get install -y gcc make",
          "FROM debian:bookworm-slim",
          "COPY --from=build /out /app",
        ),
        "build-tools-in-final-stage",
      ),
    ).toEqual([]);
  });
  it("is quiet when the same RUN removes them (apk virtual package, apt purge)", () => {
    expect(
      fired(
        df(
          "FROM alpine",
          "RUN apk add --virtual .build-deps gcc musl-dev && pip install x && apk del .build-deps",
        ),
        "build-tools-in-final-stage",
      ),
    ).toEqual([]);
    expect(
      fired(
        df("FROM debian", "RUN apt-get update && apt-get install -y gcc && make && apt-get purge -y gcc"),
        "build-tools-in-final-stage",
      ),
    ).toEqual([]);
  });
  it("follows the build target instead of the last stage", () => {
    const text = df(
      "FROM debian AS ci",
      "RUN apt-get update && apt-get install -y gcc",
      "FROM debian AS prod",
      "RUN echo ok",
    );
    expect(fired(text, "build-tools-in-final-stage")).toEqual([]);
    expect(fired(text, "build-tools-in-final-stage", { target: "ci" })).toEqual([
      "build-tools-in-final-stage",
    ]);
  });
  it("is quiet for development images: a devcontainer's service, a stage named dev*", () => {
    const install = "RUN apt-get update && apt-get install -y gcc make";
    expect(fired(df("FROM debian", install), "build-tools-in-final-stage", { devImage: true })).toEqual([]);
    for (const name of ["dev", "devel", "development", "devcontainer", "dev-tools"])
      expect(fired(df(`FROM debian AS ${name}`, install), "build-tools-in-final-stage")).toEqual([]);
    for (const name of ["devious", "deploy", "runtime"])
      expect(fired(df(`FROM debian AS ${name}`, install), "build-tools-in-final-stage")).toEqual([
        "build-tools-in-final-stage",
      ]);
    // the target decides: building `dev` is quiet, building `prod` on top of it is not
    const chain = df("FROM debian AS dev", install, "FROM dev AS prod", "RUN echo ok");
    expect(fired(chain, "build-tools-in-final-stage", { target: "dev" })).toEqual([]);
    expect(fired(chain, "build-tools-in-final-stage")).toEqual(["build-tools-in-final-stage"]);
  });
});

describe("inline kiln-ignore and rule selection", () => {
  const text = df(
    "FROM node:20",
    "# kiln-ignore: npm-cache-mount",
    "RUN npm ci",
    "# kiln-ignore",
    "RUN npm install -g x",
    "RUN yarn",
  );
  it("drops the ignored findings only", () => {
    expect(lint(text).map((f) => `${f.rule}@${f.line}`)).toEqual(["yarn-cache-mount@6"]);
  });
  it("keeps other rules on a line that ignores one rule", () => {
    const t = df("FROM node:20", "COPY . .", "# kiln-ignore: npm-cache-mount", "RUN npm ci");
    expect(fired(t)).toEqual(["copy-before-install"]);
  });
  it("--rule and --ignore", () => {
    const t = df("FROM node:20", "COPY . .", "RUN npm ci");
    expect(fired(t, undefined, { rules: ["npm-cache-mount"] })).toEqual(["npm-cache-mount"]);
    expect(fired(t, undefined, { ignore: ["npm-cache-mount"] })).toEqual(["copy-before-install"]);
  });
});

describe("apt-docker-clean and the apt front end", () => {
  const mounts =
    "--mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked";
  it("fires when docker-clean is gone but `apt install` still deletes its downloads", () => {
    const text = df(
      "FROM ubuntu:24.04",
      "RUN rm -f /etc/apt/apt.conf.d/docker-clean",
      `RUN ${mounts} apt update && apt install -y curl`,
    );
    const [f] = lint(text, { rules: ["apt-docker-clean"] });
    expect(f?.message).toContain("Keep-Downloaded-Packages");
    expect(fired(fix(text), "apt-docker-clean")).toEqual([]);
  });
  it("is quiet for apt-get, which keeps downloads by default", () => {
    const text = df(
      "FROM ubuntu:24.04",
      "RUN rm -f /etc/apt/apt.conf.d/docker-clean",
      `RUN ${mounts} apt-get update && apt-get install -y curl`,
    );
    expect(fired(text, "apt-docker-clean")).toEqual([]);
  });
});
