/**
 * export → remove → import round-trips a volume byte for byte: nested folders, symlinks,
 * modes, owners (the root folder's too) and a 256 MB file; progress is reported; bad input
 * (unreadable tar, existing target, existing file) fails clearly and loses nothing.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineAvailable, kilnBin, removeDir, runKiln, tempCopy, testLabel } from "../helpers/kiln.js";

const id = randomBytes(4).toString("hex");
const volume = `kiln-archive-${id}`;
const other = `kiln-archive-other-${id}`;

function docker(args: string[]): string {
  return execFileSync("docker", args, {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
}

function inVolume(name: string, script: string): string {
  return docker([
    "run",
    "--rm",
    "-l",
    testLabel(),
    "-v",
    `${name}:/data`,
    "-w",
    "/data",
    "kiln-local/busybox:latest",
    "sh",
    "-c",
    script,
  ]);
}

/** every entry: path, mode, owner, type, size, link target or md5 */
const MANIFEST = `find . | sort | while read -r f; do
  if [ -L "$f" ]; then echo "$f $(stat -c '%a %u:%g' "$f") link $(readlink "$f")";
  elif [ -d "$f" ]; then echo "$f $(stat -c '%a %u:%g' "$f") dir";
  else echo "$f $(stat -c '%a %u:%g %s' "$f") $(md5sum < "$f" | cut -d' ' -f1)"; fi
done`;

describe.skipIf(!engineAvailable())("kiln volumes export/import", () => {
  let dir = "";
  let manifest = "";
  const env = (): NodeJS.ProcessEnv => ({ KILN_EXTRA_LABELS: testLabel() });

  beforeAll(() => {
    dir = tempCopy();
    docker(["volume", "create", "--label", testLabel(), volume]);
    inVolume(
      volume,
      [
        "mkdir -p a/b/c 'with space/x' empty",
        "echo nested > a/b/c/deep.txt",
        "echo secret > a/b/private && chmod 600 a/b/private && chown 1234:55 a/b/private",
        "chown -R 1000:1000 'with space' && chmod 2775 'with space'",
        "ln -s a/b/c/deep.txt link-to-deep && ln -s /nonexistent dangling",
        "dd if=/dev/urandom of=a/big.bin bs=1048576 count=256 2>/dev/null",
        "chmod 750 /data && chown 1234:55 /data",
      ].join(" && "),
    );
    manifest = inVolume(volume, MANIFEST);
  });

  afterAll(() => {
    for (const v of [volume, other]) {
      try {
        docker(["volume", "rm", "-f", v]);
      } catch {
        // already gone
      }
    }
    removeDir(dir);
  });

  it("round-trips the volume byte for byte, reporting progress", () => {
    expect(manifest).toContain("./a/big.bin 644 0:0 268435456");
    expect(manifest).toContain(". 750 1234:55 dir");
    const file = path.join(dir, "v.tar");
    const out = runKiln(["volumes", "export", volume, file, "--progress", "plain"], { env: env() });
    expect(out.code, out.stderr).toBe(0);
    expect(statSync(file).size).toBeGreaterThan(268435456);
    const lines = out.stderr.split("\n").filter((l) => /^export .*: \d+\/\d+ bytes \(\d+%\)$/.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(out.stderr).toMatch(/bytes done/);

    // on a terminal (script(1) gives kiln a pty): one line redrawn in place
    const ttyFile = path.join(dir, "tty.tar");
    const onTty = execFileSync(
      "script",
      ["-qec", `${process.execPath} ${kilnBin} volumes export ${volume} ${ttyFile}`, "/dev/null"],
      {
        encoding: "utf8",
        env: { ...process.env, ...env() },
      },
    );
    const ESC = String.fromCharCode(27);
    expect(onTty).toContain(`\r${ESC}[Kexport ${volume}: `);
    expect(onTty).toMatch(/: [\d.]+ [kMG]?B \/ [\d.]+ MB \(\d+%\)/);
    expect(onTty).toContain("done");
    expect(statSync(ttyFile).size).toBe(statSync(file).size);
    rmSync(ttyFile);

    docker(["volume", "rm", volume]);
    const back = runKiln(["volumes", "import", file, volume, "--progress", "plain", "--json"], {
      env: env(),
    });
    expect(back.code, back.stderr).toBe(0);
    expect(back.stderr).toMatch(/^import .*: \d+\/\d+ bytes \(\d+%\)$/m);
    expect((JSON.parse(back.stdout) as { replaced: boolean }).replaced).toBe(false);
    expect(inVolume(volume, MANIFEST)).toBe(manifest);
  });

  it("refuses an unreadable tar before creating anything", () => {
    const bad = path.join(dir, "bad.tar");
    writeFileSync(bad, randomBytes(4096));
    const r = runKiln(["volumes", "import", bad, other], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("not a readable tar archive");
    expect(() => docker(["volume", "inspect", other])).toThrow();
    // a tar cut short is refused too
    const good = path.join(dir, "v.tar");
    const cut = path.join(dir, "cut.tar");
    writeFileSync(cut, readFileSync(good).subarray(0, 100_000));
    const r2 = runKiln(["volumes", "import", cut, other], { env: env() });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain("truncated");
  });

  it("refuses to replace an existing volume or file without --force, and loses nothing", () => {
    const file = path.join(dir, "v.tar");
    const r = runKiln(["volumes", "import", file, volume], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`volume ${volume} exists`);
    expect(r.stderr).toContain("--force");
    const before = statSync(file).mtimeMs;
    const e = runKiln(["volumes", "export", volume, file], { env: env() });
    expect(e.code).toBe(2);
    expect(e.stderr).toContain("exists");
    expect(statSync(file).mtimeMs).toBe(before);
    const unknown = runKiln(["volumes", "export", `nope-${id}`, path.join(dir, "x.tar")], { env: env() });
    expect(unknown.code).toBe(2);
    expect(existsSync(path.join(dir, "x.tar"))).toBe(false);

    // --force replaces the contents (a small volume keeps this quick)
    docker(["volume", "create", "--label", testLabel(), other]);
    inVolume(other, "mkdir -p sub && echo one > sub/one && ln -s sub/one l");
    const small = inVolume(other, MANIFEST);
    const smallTar = path.join(dir, "small.tar");
    expect(runKiln(["volumes", "export", other, smallTar], { env: env() }).code).toBe(0);
    inVolume(other, "echo extra > extra.txt && rm sub/one");
    const forced = runKiln(
      ["volumes", "import", smallTar, other, "--force", "--progress", "quiet", "--json"],
      { env: env() },
    );
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toBe("");
    expect((JSON.parse(forced.stdout) as { replaced: boolean }).replaced).toBe(true);
    expect(inVolume(other, MANIFEST)).toBe(small);
  });
});
