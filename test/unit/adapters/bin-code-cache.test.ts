/**
 * bin/kiln's code cache for the bundle: V8 checks a cache against the source's length only and
 * would run the code of an older bundle of the same length, so the cache is keyed by the
 * bundle's mtime too. Runs a copy of bin/kiln over a stand-in bundle.
 */
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { repoRoot } from "../../helpers/kiln.js";

describe("bin/kiln's code cache", () => {
  let dir: string;
  let bundle: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "kiln-bincache-"));
    mkdirSync(path.join(dir, "bin"));
    mkdirSync(path.join(dir, "dist", "bundle"), { recursive: true });
    for (const f of ["kiln", "package.json"])
      copyFileSync(path.join(repoRoot, "bin", f), path.join(dir, "bin", f));
    bundle = path.join(dir, "dist", "bundle", "kiln.cjs");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (...args: string[]) =>
    spawnSync(process.execPath, [path.join(dir, "bin", "kiln"), ...args], { encoding: "utf8" });
  const caches = () => readdirSync(path.dirname(bundle)).filter((f) => f.endsWith(".v8cache"));

  it("runs a rebuilt bundle of the same length, not the cached code of the old one", () => {
    writeFileSync(bundle, 'exports.main = () => process.stdout.write("AAAA");\n');
    expect(run().stdout).toBe("AAAA");
    expect(caches()).toHaveLength(1);
    expect(run().stdout).toBe("AAAA"); // served from the cache
    writeFileSync(bundle, 'exports.main = () => process.stdout.write("BBBB");\n');
    utimesSync(bundle, new Date(), new Date(Date.now() + 5_000));
    expect(run().stdout).toBe("BBBB");
  });

  it("keeps one cache for the commands that bake and one for the others", () => {
    // a cache written by `kiln --version` holds little compiled code: a bake must not inherit it
    writeFileSync(bundle, 'exports.main = (argv) => process.stdout.write(argv[2] ?? "-");\n');
    expect(run("--version").stdout).toBe("--version");
    expect(caches()).toEqual([expect.stringMatching(/^kiln\.cjs\.other\.v20/)]);
    expect(run("bake").stdout).toBe("bake");
    expect(run("status").stdout).toBe("status"); // the bake family's cache, read
    expect(run("lint").stdout).toBe("lint");
    expect(caches().sort()).toEqual([
      expect.stringMatching(/^kiln\.cjs\.bake\.v20/),
      expect.stringMatching(/^kiln\.cjs\.other\.v20/),
    ]);
  });
});
