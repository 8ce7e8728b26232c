/**
 * The context walker against Docker itself: for contexts with tricky ignore files, the set of
 * entries `COPY . /ctx` puts into an image must equal the set the walker says BuildKit sends —
 * with the buildx plugin and with the legacy 20.10 client (DOCKER_BUILDKIT=1).
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FsFingerprintIo } from "../../src/adapters/fs/context-hasher.js";
import { runProcess } from "../../src/adapters/process-runner.js";
import { ExcludeMatcher, readIgnoreLines, type ContextDialect } from "../../src/core/fingerprint/index.js";
import { engineAvailable, testLabel, testRunId } from "../helpers/kiln.js";

const LEGACY_DOCKER = "/usr/bin/docker";
const dirs: string[] = [];
const images: string[] = [];

afterAll(async () => {
  for (const image of images) await runProcess(["docker", "rmi", "-f", image], { allowFailure: true });
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const FILES = [
  "a.txt",
  "debug.log",
  "sub/nested.log",
  "sub/deep/x.tmp",
  "top.tmp",
  "build/out.bin",
  "src/build/kept.bin",
  "cache/c.txt",
  "docs/x.md",
  "docs/keep/README.md",
  "docs/keep/other.md",
  "logs/app/keep.me",
  "logs/app/drop.txt",
  "p+q.txt",
  "pq.txt",
  "a.bak",
  "ab.bak",
  "a.cfg",
  "c.cfg",
  "secret-token",
  "deep/er/secret.key",
  "node_modules/pkg/index.js",
  "web/node_modules/pkg/index.js",
  "Ünïcödé.txt",
  ".hiddenfile",
  ".hidden/x.txt",
  "build2/keep/a.txt",
  "build2/keep/sub/b.txt",
  "build2/drop.txt",
  "one/drop.txt",
  "one/two/drop.txt",
  "sp ace.txt",
];

const IGNORE = [
  "# comment line",
  "*.log",
  "**/*.tmp",
  "/build",
  "cache/",
  "docs",
  "!docs/keep/README.md",
  "logs",
  "!**/keep.me",
  "p+q.txt",
  "?.bak",
  "[ab].cfg",
  "**/secret*",
  "node_modules",
  ".hidden*",
  "build2",
  "!build2/keep/**",
  "*/drop.txt",
  "sp ace.txt   ",
  ".dockerignore",
  "Dockerfile",
  "",
].join("\n");

function makeContext(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-fp-docker-"));
  dirs.push(dir);
  for (const rel of FILES) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), `content of ${rel}\n`);
  }
  mkdirSync(path.join(dir, "empty/inner"), { recursive: true });
  mkdirSync(path.join(dir, "logs/empty"), { recursive: true });
  chmodSync(path.join(dir, "a.txt"), 0o755);
  symlinkSync("src", path.join(dir, "link-to-dir"));
  symlinkSync("a.txt", path.join(dir, "link-to-file"));
  symlinkSync("/nonexistent", path.join(dir, "dangling"));
  writeFileSync(path.join(dir, "Dockerfile"), "FROM kiln-local/busybox:latest\nCOPY . /ctx\n");
  writeFileSync(path.join(dir, ".dockerignore"), IGNORE);
  mkdirSync(path.join(dir, "docker"));
  writeFileSync(path.join(dir, "docker/app.Dockerfile"), "FROM kiln-local/busybox:latest\nCOPY . /ctx\n");
  writeFileSync(path.join(dir, "docker/app.Dockerfile.dockerignore"), "a.txt\nsub/**\n!sub/deep\nweb\n");
  return dir;
}

/** `type:path` of every entry the walker says the sender transfers. */
function walkerView(context: string, ignoreFile: string, dialect: ContextDialect): string[] {
  const io = new FsFingerprintIo();
  const text = io.readFile(ignoreFile)?.toString();
  const matcher =
    text === undefined ? undefined : new ExcludeMatcher(readIgnoreLines(text), ignoreFile, dialect);
  const { files } = io.hashContext(context, matcher);
  return Object.entries(files)
    .map(([rel, value]) => `${value.startsWith("d") ? "d" : value.startsWith("l:") ? "l" : "f"}:${rel}`)
    .sort();
}

/** `type:path` of every entry under /ctx in the image Docker built from the context. */
async function dockerView(
  docker: string,
  env: NodeJS.ProcessEnv,
  context: string,
  dockerfile: string,
): Promise<string[]> {
  const image = `kiln-test-fp-context:${testRunId()
    .toLowerCase()
    .replace(/[^a-z0-9_.-]/g, "-")}-${images.length}`;
  images.push(image);
  await runProcess([docker, "build", "-q", "--label", testLabel(), "-f", dockerfile, "-t", image, context], {
    env: { ...process.env, ...env },
    timeoutMs: 120_000,
  });
  const list = 'cd /ctx && for t in d f l; do find . -mindepth 1 -type $t | sed "s|^\\./|$t:|"; done';
  const { stdout } = await runProcess([
    "docker",
    "run",
    "--rm",
    "--label",
    testLabel(),
    "--entrypoint",
    "sh",
    image,
    "-c",
    list,
  ]);
  return stdout.split("\n").filter(Boolean).sort();
}

const clients: { name: string; docker: string; env: NodeJS.ProcessEnv; dialect: ContextDialect }[] = [
  { name: "buildx plugin", docker: "docker", env: {}, dialect: "buildkit" },
  ...(existsSync(LEGACY_DOCKER)
    ? [
        {
          name: "legacy client",
          docker: LEGACY_DOCKER,
          env: { DOCKER_BUILDKIT: "1" },
          dialect: "legacy" as const,
        },
      ]
    : []),
];

describe.skipIf(!engineAvailable())("context walker vs. Docker's COPY . /ctx", () => {
  for (const client of clients) {
    it(`sends what Docker sends with .dockerignore (${client.name})`, async () => {
      const context = makeContext();
      const expected = walkerView(context, path.join(context, ".dockerignore"), client.dialect);
      expect(expected).toContain("f:docs/keep/README.md");
      expect(expected).toContain("l:link-to-dir");
      // where the two senders differ: regexp metacharacters and wildcard exceptions
      if (client.dialect === "buildkit")
        expect(expected).toEqual(expect.arrayContaining(["f:pq.txt", "f:logs/app/keep.me"]));
      else expect(expected).toContain("f:p+q.txt");
      expect(await dockerView(client.docker, client.env, context, path.join(context, "Dockerfile"))).toEqual(
        expected,
      );
    });

    it(`sends what Docker sends with <Dockerfile>.dockerignore (${client.name})`, async () => {
      const context = makeContext();
      const dockerfile = path.join(context, "docker/app.Dockerfile");
      const expected = walkerView(context, `${dockerfile}.dockerignore`, client.dialect);
      expect(expected).toContain("f:debug.log");
      expect(expected).not.toContain("f:a.txt");
      expect(await dockerView(client.docker, client.env, context, dockerfile)).toEqual(expected);
    });
  }
});
