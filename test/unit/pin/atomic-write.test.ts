import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resolveTarget, writeFileAtomic } from "../../../src/adapters/fs/atomic-write.js";
import { removeDir, tempCopy } from "../../helpers/kiln.js";

const dirs: string[] = [];
function tmp(): string {
  const d = tempCopy();
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

const leftovers = (dir: string) => fs.readdirSync(dir).filter((n) => n.includes(".kiln-"));

describe("writeFileAtomic", () => {
  it("replaces the content and keeps mode and owner", async () => {
    const dir = tmp();
    const file = path.join(dir, "compose.yml");
    fs.writeFileSync(file, "old\n");
    fs.chmodSync(file, 0o640);
    const isRoot = process.getuid?.() === 0;
    if (isRoot) fs.chownSync(file, 1234, 2345);
    const inode = fs.statSync(file).ino;
    const r = await writeFileAtomic(file, "new\n", { expectedCurrent: "old\n" });
    expect(r).toEqual({ target: file, method: "rename" });
    const st = fs.statSync(file);
    expect(fs.readFileSync(file, "utf8")).toBe("new\n");
    expect(st.mode & 0o7777).toBe(0o640);
    expect(st.ino).not.toBe(inode);
    if (isRoot) expect([st.uid, st.gid]).toEqual([1234, 2345]);
    expect(leftovers(dir)).toEqual([]);
  });

  it("edits a symlinked file at its target and keeps the link", async () => {
    const dir = tmp();
    fs.mkdirSync(path.join(dir, "real"));
    const target = path.join(dir, "real", "compose.yml");
    fs.writeFileSync(target, "a: 1\n");
    fs.symlinkSync("real/compose.yml", path.join(dir, "link1.yml"));
    fs.symlinkSync("link1.yml", path.join(dir, "compose.yml")); // a chain
    const r = await writeFileAtomic(path.join(dir, "compose.yml"), "a: 2\n");
    expect(r.target).toBe(fs.realpathSync(target));
    expect(fs.lstatSync(path.join(dir, "compose.yml")).isSymbolicLink()).toBe(true);
    expect(fs.lstatSync(path.join(dir, "link1.yml")).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(target, "utf8")).toBe("a: 2\n");
  });

  it("creates a dangling symlink's target", async () => {
    const dir = tmp();
    fs.symlinkSync("made.yml", path.join(dir, "link.yml"));
    expect(resolveTarget(path.join(dir, "link.yml"))).toBe(path.join(fs.realpathSync(dir), "made.yml"));
    await writeFileAtomic(path.join(dir, "link.yml"), "x\n");
    expect(fs.readFileSync(path.join(dir, "made.yml"), "utf8")).toBe("x\n");
    expect(fs.lstatSync(path.join(dir, "link.yml")).isSymbolicLink()).toBe(true);
  });

  it("stops when the file changed since it was read", async () => {
    const dir = tmp();
    const file = path.join(dir, "compose.yml");
    fs.writeFileSync(file, "someone else's edit\n");
    await expect(
      writeFileAtomic(file, "kiln's\n", { expectedCurrent: "what kiln read\n" }),
    ).rejects.toMatchObject({
      code: "ERR_KILN_FILE_CHANGED",
    });
    expect(fs.readFileSync(file, "utf8")).toBe("someone else's edit\n");
    expect(leftovers(dir)).toEqual([]);
    fs.rmSync(file);
    await expect(writeFileAtomic(file, "kiln's\n", { expectedCurrent: "x" })).rejects.toMatchObject({
      code: "ERR_KILN_FILE_CHANGED",
    });
  });

  it("refuses a read-only file with a hint and changes nothing", async () => {
    const dir = tmp();
    const file = path.join(dir, "compose.yml");
    fs.writeFileSync(file, "ro\n");
    fs.chmodSync(file, 0o444);
    await expect(writeFileAtomic(file, "rw\n")).rejects.toMatchObject({
      code: "ERR_KILN_FILE_READONLY",
      exitCode: 2,
      hint: expect.stringContaining("chmod u+w") as unknown,
    });
    expect(fs.readFileSync(file, "utf8")).toBe("ro\n");
    expect(leftovers(dir)).toEqual([]);
  });

  it("creates a new file with the requested mode", async () => {
    const dir = tmp();
    const file = path.join(dir, "new.yml");
    await writeFileAtomic(file, Buffer.from("n\n"), { newFileMode: 0o600 });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, "utf8")).toBe("n\n");
  });
});

describe("writeFileAtomic keeps the file's identity where a new inode would lose it", () => {
  it("rewrites a hard-linked file in place so every link sees the change", async () => {
    const dir = tmp();
    const file = path.join(dir, "compose.yml");
    fs.writeFileSync(file, "old\n");
    fs.linkSync(file, path.join(dir, "other-name.yml"));
    const r = await writeFileAtomic(file, "new\n", { expectedCurrent: "old\n" });
    expect(r.method).toBe("in-place");
    expect(fs.readFileSync(path.join(dir, "other-name.yml"), "utf8")).toBe("new\n");
    expect(leftovers(dir)).toEqual([]);
  });
});
