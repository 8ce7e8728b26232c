/**
 * #15.1, no missed change: generated Dockerfiles × context trees × edits. For each case kiln's
 * fingerprint is computed before and after the edit, and the real engine builds the context
 * before and after: an edit the real build sees (a step not CACHED) while the fingerprint stayed
 * the same is a miss. Zero misses is the only acceptable figure; the counts are printed.
 * Both BuildKit client modes (buildx; the legacy 20.10 client with DOCKER_BUILDKIT=1).
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fingerprintServices } from "../../src/adapters/fs/fingerprint-services.js";
import { getEngine } from "../../src/adapters/engine/index.js";
import { buildSpec } from "../helpers/build-spec.js";
import { engineAvailable, removeDir, testRunId } from "../helpers/kiln.js";
import { realBuild, removeImages, tryRealBuild } from "../helpers/docker-build.js";

type Mode = "buildx" | "legacy";
const CASES: Record<Mode, number> = { buildx: 40, legacy: 24 };

const dirs: string[] = [];
const images: string[] = [];
afterAll(() => {
  removeImages(...images);
  dirs.forEach(removeDir);
});

/** mulberry32: a small seeded generator, so a failing case can be replayed from its seed */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TREE = [
  "a.txt",
  "b.txt",
  "req.txt",
  "src/m.py",
  "src/n.py",
  "src/o.js",
  "src/sub/p.py",
  "lib/x/index.js",
  "lib/y/index.js",
  "lib/y/util.js",
  "data/d.db",
  "docs/readme.md",
  ".devcontainer/devcontainer.json",
];

/** sources that always match something in TREE (a COPY with no match fails the build) */
const SOURCES = [
  "a.txt",
  "req.txt",
  "src/",
  "src/*.py",
  "src/sub",
  "lib/*/index.js",
  "*.txt",
  "src/[mn].py",
  "lib",
  "./b.txt",
  "docs",
];

const IGNORES = ["", "docs/\n", "*.md\n", "src/o.js\n", "lib/y/util.js\n"];

/** new files an edit may add: some inside a read pattern, some outside */
const NEW_FILES = [
  "src/q.py",
  "src/r.js",
  "lib/z/index.js",
  "c.txt",
  "data/e.db",
  "docs/more.md",
  "src/sub/s.py",
];

interface Case {
  seed: number;
  dockerfile: string;
  ignore: string;
  edit: { kind: "modify" | "add" | "chmod"; file: string };
}

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)];
}

function generate(seed: number): Case {
  const rnd = random(seed);
  const line = (n: number): string => {
    const r = rnd();
    if (r < 0.45) return `COPY ${pick(rnd, SOURCES)} /c${n}/`;
    if (r < 0.55) return `COPY ["${pick(rnd, SOURCES)}", "/j${n}/"]`;
    if (r < 0.65) return `ADD ${pick(rnd, ["a.txt", "src/*.py", "lib"])} /a${n}/`;
    if (r < 0.8) {
      const source = pick(rnd, ["src", "docs", "req.txt", "lib/x", "data"]);
      return `RUN --mount=type=bind,source=${source},target=/m${n} ls -lR /m${n} > /dev/null`;
    }
    return `RUN echo ${n} > /s${n}`;
  };
  const stage = (count: number, offset: number): string[] =>
    Array.from({ length: count }, (_, i) => line(offset + i));
  const lines: string[] = [];
  const stages = 1 + Math.floor(rnd() * 3);
  for (let s = 0; s < stages - 1; s++) {
    lines.push(`FROM kiln-local/busybox:latest AS s${s}`, ...stage(1 + Math.floor(rnd() * 2), s * 10));
  }
  lines.push("FROM kiln-local/busybox:latest", ...stage(1 + Math.floor(rnd() * 3), 90));
  // the final stage may or may not use the earlier stages (unused ones are not built)
  for (let s = 0; s < stages - 1; s++) if (rnd() < 0.6) lines.push(`COPY --from=s${s} / /from${s}/`);
  const r = rnd();
  const edit: Case["edit"] =
    r < 0.6
      ? { kind: "modify", file: pick(rnd, TREE) }
      : r < 0.85
        ? { kind: "add", file: pick(rnd, NEW_FILES) }
        : { kind: "chmod", file: pick(rnd, TREE) };
  return { seed, dockerfile: `${lines.join("\n")}\n`, ignore: pick(rnd, IGNORES), edit };
}

function writeCase(c: Case, token: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-fp-prop-"));
  dirs.push(dir);
  for (const file of TREE) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    // unique content per case: the engine's cache is shared by every case and run
    writeFileSync(path.join(dir, file), `${file} ${token}\n`);
  }
  writeFileSync(path.join(dir, "Dockerfile"), c.dockerfile);
  if (c.ignore) writeFileSync(path.join(dir, ".dockerignore"), c.ignore);
  return dir;
}

function applyEdit(dir: string, c: Case): void {
  const file = path.join(dir, c.edit.file);
  if (c.edit.kind === "chmod") chmodSync(file, 0o755);
  else {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `edited ${Math.random()}\n`);
  }
}

describe.skipIf(!engineAvailable()).each<Mode>(["buildx", "legacy"])(
  "fingerprint reads, property (%s)",
  (mode) => {
    it("every edit a real build sees makes the service stale (zero misses)", async () => {
      const engine = getEngine();
      const deps = {
        resolveImageId: async (ref: string) => (await engine.imageInspect(ref))?.id,
        hasOnBuild: async (ref: string) => ((await engine.imageInspect(ref))?.onBuild?.length ?? 0) > 0,
        serviceImageNames: {},
        ...(mode === "legacy" ? { contextDialect: "legacy" as const } : {}),
      };
      const fingerprint = async (dir: string) =>
        (await fingerprintServices([{ service: "app", build: buildSpec(dir) }], deps)).get("app")!.hash;
      const tag = `kiln-test-fp-prop-${mode}:${testRunId()
        .toLowerCase()
        .replace(/[^a-z0-9_.-]/g, "-")}`;
      images.push(tag);
      const counts = {
        generated: 0,
        invalid: 0,
        cases: 0,
        realChanged: 0,
        predictedStale: 0,
        misses: 0,
        overIncluded: 0,
      };
      const misses: Case[] = [];
      const base = mode === "buildx" ? 1000 : 7000;
      for (let i = 0; i < CASES[mode]; i++) {
        const c = generate(base + i);
        const dir = writeCase(c, `${mode}-${c.seed}-${Math.random()}`);
        counts.generated++;
        if (typeof tryRealBuild(dir, tag, mode) === "string") {
          counts.invalid++; // e.g. a COPY of a path the .dockerignore leaves out: not a valid case
          continue;
        }
        const before = await fingerprint(dir);
        applyEdit(dir, c);
        const after = await fingerprint(dir);
        const ran = realBuild(dir, tag, mode);
        counts.cases++;
        const stale = before !== after;
        if (stale) counts.predictedStale++;
        if (ran.length > 0) counts.realChanged++;
        if (ran.length > 0 && !stale) {
          counts.misses++;
          misses.push(c);
        }
        if (ran.length === 0 && stale) counts.overIncluded++;
      }
      console.log(`fingerprint reads property (${mode}): ${JSON.stringify(counts)}`);
      expect(misses).toEqual([]);
      expect(counts.realChanged).toBeGreaterThan(0); // the sample exercises both outcomes
      expect(counts.cases - counts.predictedStale).toBeGreaterThan(0);
    });
  },
);
