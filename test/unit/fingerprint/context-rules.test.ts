import { chmodSync, mkdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fingerprintOne, makeTempDir, removeTempDir, writeTree } from "./helpers.js";

const DOCKERFILE = "FROM kiln-local/busybox:latest\nCOPY . /ctx\n";

describe("fingerprint: context files", () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir();
    writeTree(dir, { Dockerfile: DOCKERFILE, "src/app.txt": "app" });
  });
  afterEach(() => removeTempDir(dir));

  it("changes when a sent file's content changes", async () => {
    const before = await fingerprintOne(dir);
    writeFileSync(path.join(dir, "src/app.txt"), "app v2");
    const after = await fingerprintOne(dir);
    expect(after.hash).not.toBe(before.hash);
    expect(after.files["src/app.txt"]).not.toBe(before.files["src/app.txt"]);
  });

  it("stays the same when an ignored file changes, appears or disappears", async () => {
    writeTree(dir, { ".dockerignore": "*.log\nsecret/\n", "debug.log": "1", "secret/key": "k" });
    const before = await fingerprintOne(dir);
    writeFileSync(path.join(dir, "debug.log"), "2 — much longer now");
    writeFileSync(path.join(dir, "secret/key"), "rotated");
    writeFileSync(path.join(dir, "other.log"), "new");
    const after = await fingerprintOne(dir);
    expect(after.hash).toBe(before.hash);
    expect(Object.keys(after.files).sort()).toEqual([".dockerignore", "Dockerfile", "src", "src/app.txt"]);
  });

  it("re-includes with ! and sends the excluded parents of a re-included file", async () => {
    writeTree(dir, {
      ".dockerignore": "docs\n!docs/keep/README.md\n",
      "docs/keep/README.md": "r",
      "docs/keep/other.md": "o",
      "docs/x.md": "x",
    });
    const before = await fingerprintOne(dir);
    expect(Object.keys(before.files)).toEqual(
      expect.arrayContaining(["docs", "docs/keep", "docs/keep/README.md"]),
    );
    expect(before.files["docs/x.md"]).toBeUndefined();
    expect(before.files["docs/keep/other.md"]).toBeUndefined();
    writeFileSync(path.join(dir, "docs/keep/README.md"), "changed");
    expect((await fingerprintOne(dir)).hash).not.toBe(before.hash);
    writeFileSync(path.join(dir, "docs/keep/README.md"), "r");
    writeFileSync(path.join(dir, "docs/x.md"), "changed");
    expect((await fingerprintOne(dir)).hash).toBe(before.hash);
  });

  it("matches ** at any depth", async () => {
    writeTree(dir, {
      ".dockerignore": "**/*.tmp\n",
      "a.tmp": "1",
      "deep/er/b.tmp": "2",
      "deep/er/keep.txt": "k",
    });
    const before = await fingerprintOne(dir);
    expect(Object.keys(before.files).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    writeFileSync(path.join(dir, "deep/er/b.tmp"), "changed");
    expect((await fingerprintOne(dir)).hash).toBe(before.hash);
    writeFileSync(path.join(dir, "deep/er/keep.txt"), "changed");
    expect((await fingerprintOne(dir)).hash).not.toBe(before.hash);
  });

  it("anchors patterns at the context root, with or without a leading /", async () => {
    writeTree(dir, {
      ".dockerignore": "/build\ncache\n",
      "build/out": "1",
      "src/build/out": "2",
      "cache/c": "3",
      "src/cache/c": "4",
    });
    const files = Object.keys((await fingerprintOne(dir)).files);
    expect(files).not.toContain("build/out");
    expect(files).not.toContain("cache/c");
    expect(files).toContain("src/build/out");
    expect(files).toContain("src/cache/c");
  });

  it("uses <Dockerfile>.dockerignore next to the Dockerfile instead of .dockerignore", async () => {
    writeTree(dir, {
      ".dockerignore": "a.txt\n",
      "docker/app.Dockerfile": DOCKERFILE,
      "docker/app.Dockerfile.dockerignore": "b.txt\n",
      "a.txt": "a",
      "b.txt": "b",
    });
    const dockerfile = path.join(dir, "docker/app.Dockerfile");
    const specific = await fingerprintOne(dir, { dockerfile });
    expect(specific.files["a.txt"]).toBeDefined();
    expect(specific.files["b.txt"]).toBeUndefined();
    writeFileSync(path.join(dir, "b.txt"), "b2");
    expect((await fingerprintOne(dir, { dockerfile })).hash).toBe(specific.hash);
    // without the Dockerfile-specific file, .dockerignore applies again
    unlinkSync(path.join(dir, "docker/app.Dockerfile.dockerignore"));
    const generic = await fingerprintOne(dir, { dockerfile });
    expect(generic.files["a.txt"]).toBeUndefined();
    expect(generic.files["b.txt"]).toBeDefined();
  });

  it("changes when the exec bit (or any kept mode bit) changes", async () => {
    const before = await fingerprintOne(dir);
    chmodSync(path.join(dir, "src/app.txt"), 0o755);
    const after = await fingerprintOne(dir);
    expect(after.hash).not.toBe(before.hash);
    expect(after.files["src/app.txt"]).toMatch(/^755:/);
  });

  it("hashes a symlink by its target text, and a retarget changes it", async () => {
    symlinkSync("src/app.txt", path.join(dir, "link"));
    const before = await fingerprintOne(dir);
    expect(before.files.link).toBe("l:src/app.txt");
    unlinkSync(path.join(dir, "link"));
    symlinkSync("Dockerfile", path.join(dir, "link"));
    const after = await fingerprintOne(dir);
    expect(after.files.link).toBe("l:Dockerfile");
    expect(after.hash).not.toBe(before.hash);
  });

  it("never follows a symlink to a directory (inside or outside the context)", async () => {
    const outside = makeTempDir();
    try {
      writeTree(outside, { "big.txt": "outside" });
      symlinkSync(outside, path.join(dir, "out"));
      symlinkSync("src", path.join(dir, "srclink"));
      const before = await fingerprintOne(dir);
      expect(
        Object.keys(before.files).filter((f) => f.startsWith("out/") || f.startsWith("srclink/")),
      ).toEqual([]);
      writeFileSync(path.join(outside, "big.txt"), "changed outside");
      expect((await fingerprintOne(dir)).hash).toBe(before.hash);
    } finally {
      removeTempDir(outside);
    }
  });

  it("changes when an empty directory appears (COPY . copies it)", async () => {
    const before = await fingerprintOne(dir);
    mkdirSync(path.join(dir, "empty"));
    const after = await fingerprintOne(dir);
    expect(after.files.empty).toMatch(/^d/);
    expect(after.hash).not.toBe(before.hash);
    rmSync(path.join(dir, "empty"), { recursive: true });
    expect((await fingerprintOne(dir)).hash).toBe(before.hash);
  });

  it("leaves excludePaths out entirely", async () => {
    const before = await fingerprintOne(dir);
    writeTree(dir, { ".kiln/state.json": "{}" });
    const after = await fingerprintOne(dir, {}, { excludePaths: [path.join(dir, ".kiln")] });
    expect(after.hash).toBe(before.hash);
  });

  it("hashes overrideContents instead of the file on disk", async () => {
    const compose = path.join(dir, "compose.yml");
    const original = "services:\n  app:\n    build: .\n";
    writeFileSync(compose, original);
    const before = await fingerprintOne(dir);
    writeFileSync(compose, "services:\n  app:\n    image: app:kiln-0123456789ab\n");
    const pinned = await fingerprintOne(dir, {}, { overrideContents: { [compose]: original } });
    expect(pinned.hash).toBe(before.hash);
    const unpinnedView = await fingerprintOne(dir);
    expect(unpinnedView.hash).not.toBe(before.hash);
  });

  it("hashes a file bigger than one read chunk the same from disk and from an override", async () => {
    const big = Buffer.alloc(9 * 1024 * 1024, 7);
    writeFileSync(path.join(dir, "big.bin"), big);
    const fromDisk = await fingerprintOne(dir);
    expect(fromDisk.files["big.bin"]).toMatch(/^644:[0-9a-f]{16}L$/);
    const fromOverride = await fingerprintOne(
      dir,
      {},
      { overrideContents: { [path.join(dir, "big.bin")]: big } },
    );
    expect(fromOverride.hash).toBe(fromDisk.hash);
    big[big.length - 1] = 8;
    writeFileSync(path.join(dir, "big.bin"), big);
    expect((await fingerprintOne(dir)).hash).not.toBe(fromDisk.hash);
  });

  it("gives equal trees equal hashes whatever order their files were created in", async () => {
    const other = makeTempDir();
    try {
      const names = Array.from({ length: 40 }, (_, i) => `d${i % 4}/f${i}.txt`);
      writeTree(dir, Object.fromEntries(names.map((n) => [n, n])));
      writeTree(other, {
        Dockerfile: DOCKERFILE,
        ...Object.fromEntries([...names].reverse().map((n) => [n, n])),
        "src/app.txt": "app",
      });
      expect((await fingerprintOne(other)).hash).toBe((await fingerprintOne(dir)).hash);
    } finally {
      removeTempDir(other);
    }
  });

  it("records a FIFO by its type without reading it (reading would block)", async () => {
    const fifo = path.join(dir, "pipe");
    execFileSync("mkfifo", ["-m", "644", fifo]);
    const m = await fingerprintOne(dir);
    expect(m.files.pipe).toBe("o10000:644");
  });

  it("serialises its files like a plain record (JSON, spread, structuredClone)", async () => {
    const m = await fingerprintOne(dir);
    const expected = { ...m.files };
    expect(Object.keys(expected).sort()).toEqual(["Dockerfile", "src", "src/app.txt"]);
    expect((JSON.parse(JSON.stringify(m)) as typeof m).files).toEqual(expected);
    expect({ ...m }.files).toEqual(expected);
    expect(structuredClone(m).files).toEqual(expected);
  });
});
