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

  const run = () => spawnSync(process.execPath, [path.join(dir, "bin", "kiln")], { encoding: "utf8" });

  it("runs a rebuilt bundle of the same length, not the cached code of the old one", () => {
    writeFileSync(bundle, 'exports.main = () => process.stdout.write("AAAA");\n');
    expect(run().stdout).toBe("AAAA");
    expect(readdirSync(path.dirname(bundle)).filter((f) => f.endsWith(".v8cache"))).toHaveLength(1);
    expect(run().stdout).toBe("AAAA"); // served from the cache
    writeFileSync(bundle, 'exports.main = () => process.stdout.write("BBBB");\n');
    utimesSync(bundle, new Date(), new Date(Date.now() + 5_000));
    expect(run().stdout).toBe("BBBB");
  });
});
