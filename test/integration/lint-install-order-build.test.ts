/**
 * #16.2 on the real engine: `kiln lint --fix` puts the manifests and the dependency install
 * before `COPY . .` (pip `-e .`, npm install, go build), the fixed Dockerfile builds, and after a
 * change to a source file only the steps after `COPY . .` run again — the dependency install is
 * CACHED in BuildKit's log. The original Dockerfile, built the same way, re-runs its install.
 *
 * Offline toolchains: Go, python3-pip and setuptools come from Debian's archive (apt over http)
 * in a local base image; Node and npm are copied from the host; npm reaches the registry with
 * the host's CA as a build secret. The pip and Go projects have no third-party dependency
 * (PyPI and the Go module proxy are unreachable here), so their dependency installs download
 * nothing — what is measured is whether BuildKit runs them again.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOST_CA, provideNode } from "../helpers/offline-node.js";
import { dockerBuild, removeImages, stepsRun } from "../helpers/docker-build.js";
import { engineAvailable, removeDir, runKiln, tempCopy, testRunId } from "../helpers/kiln.js";

const CA = HOST_CA;

interface Case {
  name: "pip" | "npm" | "go";
  /** the fixed Dockerfile's lines, in this order, right before `COPY . .` */
  inserted: RegExp;
  /** the dependency install's step title in BuildKit's log */
  install: RegExp;
  /** a source file and how it changes */
  source: string;
  change: (text: string) => string;
  /** the step that must run again after the change (it reads the sources) */
  after: RegExp;
}

const CASES: Case[] = [
  {
    name: "pip",
    inserted:
      /COPY requirements\.txt \.\/\nRUN --mount=type=cache,target=\/root\/\.cache\/pip pip3 install --break-system-packages --no-index --no-build-isolation -r requirements\.txt\nCOPY \. \.\nRUN .*pip3 install .*-e \.\n/,
    install: /RUN .*-r requirements\.txt/,
    source: "hello/__init__.py",
    change: (t) => t.replace("hello from pip", "hello again from pip"),
    after: /RUN .* -e \./,
  },
  {
    name: "npm",
    inserted:
      /COPY package\.json \.\/\nRUN --mount=type=cache,target=\/root\/\.npm --mount=type=secret,id=ca npm install --no-audit --no-fund\nCOPY \. \.\nRUN node index\.js/,
    install: /RUN .*npm install/,
    source: "index.js",
    change: (t) => t.replace("hello from npm", "hello again from npm"),
    after: /RUN node index\.js/,
  },
  {
    name: "go",
    inserted:
      /COPY go\.mod go\.sum \.\/\nRUN --mount=type=cache,target=\S+ go mod download\nCOPY \. \.\nRUN .*go build/,
    install: /RUN .*go mod download/,
    source: "main.go",
    change: (t) => t.replace("hello from go", "hello again from go"),
    after: /RUN .*go build/,
  },
];

describe.skipIf(!engineAvailable())("kiln lint --fix: dependency install before COPY . . (#16.2)", () => {
  let dir = "";
  let state = "";
  const tag = (name: string): string => `kiln-lint-install-order-${name}:${testRunId()}`;
  const tools = tag("tools");
  const built: string[] = [tools];

  beforeAll(() => {
    dir = tempCopy("lint/install-order");
    state = tempCopy();
    provideNode(path.join(dir, "tools"));
    const b = dockerBuild(path.join(dir, "tools"), tools);
    if (b.status !== 0) throw new Error(`toolchain image did not build:\n${b.log.slice(-3000)}`);
  }, 600_000);
  afterAll(() => {
    removeImages(...built);
    if (dir) removeDir(dir);
    if (state) removeDir(state);
  });

  /** builds `file` in the case's folder on the toolchain image */
  function build(c: Case, file: string, name: string): string {
    const t = tag(`${c.name}-${name}`);
    built.push(t);
    const b = dockerBuild(path.join(dir, c.name), t, {
      file,
      buildArgs: { BASE: tools },
      extraArgs: ["--secret", `id=ca,src=${CA}`],
    });
    expect(b.status, b.log.slice(-3000)).toBe(0);
    return b.log;
  }

  for (const c of CASES) {
    it(`${c.name}: the fixed Dockerfile builds and a source change no longer re-runs the install`, () => {
      const folder = path.join(dir, c.name);
      const file = path.join(folder, "Dockerfile");
      const original = readFileSync(file, "utf8");
      writeFileSync(path.join(folder, "Dockerfile.original"), original);
      // a run-unique file in the context: `COPY . .` of an earlier run of this test cannot be reused
      writeFileSync(path.join(folder, ".run-id"), `${testRunId()} ${process.pid} ${Date.now()}\n`);

      const r = runKiln(["lint", "--fix", "--fail-level", "none", file], { env: { KILN_STATE_DIR: state } });
      expect(r.code, r.stderr).toBe(0);
      const fixed = readFileSync(file, "utf8");
      expect(fixed).toMatch(c.inserted);
      // idempotent
      expect(
        runKiln(["lint", "--fix", "--fail-level", "none", file], { env: { KILN_STATE_DIR: state } }).code,
      ).toBe(0);
      expect(readFileSync(file, "utf8")).toBe(fixed);

      const srcFile = path.join(folder, c.source);
      const source = readFileSync(srcFile, "utf8");
      build(c, file, "fixed");
      build(c, path.join(folder, "Dockerfile.original"), "original");
      writeFileSync(srcFile, c.change(source));

      const fixedAgain = stepsRun(build(c, file, "fixed"));
      const originalAgain = stepsRun(build(c, path.join(folder, "Dockerfile.original"), "original"));
      process.stderr.write(
        `lint-install-order ${c.name}: after a source change the fixed build ran ${JSON.stringify(fixedAgain)}, the original ${JSON.stringify(originalAgain)}\n`,
      );
      // fixed: the install is CACHED, the steps that read the sources ran again
      expect(fixedAgain.some((s) => c.install.test(s))).toBe(false);
      expect(fixedAgain.some((s) => /COPY \. \./.test(s))).toBe(true);
      expect(fixedAgain.some((s) => c.after.test(s))).toBe(true);
      // original: the same change re-runs the install
      const originalInstall = { pip: /RUN .*pip3 install/, npm: /RUN .*npm install/, go: /RUN .*go build/ }[
        c.name
      ];
      expect(originalAgain.some((s) => originalInstall.test(s))).toBe(true);
    }, 600_000);
  }
});
