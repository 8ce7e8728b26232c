/**
 * scripts/pip-index.mjs, the loopback PEP 503 index the dukat example's builds install from:
 * the pages pip reads, and wheels that are valid (zip CRCs, RECORD hashes) and reproducible.
 * Pip itself runs against it in dukat-example.test.ts, inside the builds.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { inflateRawSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeDir, repoRoot } from "../helpers/kiln.js";

const script = path.join(repoRoot, "scripts", "pip-index.mjs");

/** the entries of a zip, read through its central directory */
function unzip(buf: Buffer): Map<string, Buffer> {
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(end + 10);
  let p = buf.readUInt32LE(end + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(buf.readUInt32LE(p)).toBe(0x02014b50);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString("utf8");
    const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataStart, dataStart + size);
    const data = method === 8 ? inflateRawSync(raw) : raw;
    expect(zlibCrc(data), `crc of ${name}`).toBe(crc);
    out.set(name, data);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

function zlibCrc(data: Buffer): number {
  let c = 0xffffffff;
  for (const b of data) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

describe("scripts/pip-index.mjs", () => {
  let server: ChildProcess | undefined;
  let url = "";
  const dirs: string[] = [];

  beforeAll(async () => {
    server = spawn(process.execPath, [script, "--port", "0", "--quiet"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    url = await new Promise<string>((resolve, reject) => {
      server?.stdout?.setEncoding("utf8").once("data", (d: string) => resolve(d.trim()));
      server?.once("exit", (code) => reject(new Error(`pip-index exited ${code}`)));
    });
  });
  afterAll(() => {
    if (server?.pid !== undefined) process.kill(server.pid, "SIGTERM");
    for (const d of dirs) removeDir(d);
  });

  it("prints its URL on loopback and lists the projects", async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/simple$/);
    const page = await (await fetch(`${url}/`)).text();
    expect(page).toContain('<a href="dukat-naming/">dukat-naming</a>');
    expect(page).toContain('<a href="dukat-templates/">dukat-templates</a>');
  });

  it("serves a project page whose links carry the wheel's sha256 and Requires-Python", async () => {
    const page = await (await fetch(`${url}/dukat-templates/`)).text();
    const m =
      /href="\.\.\/\.\.\/files\/(dukat_templates-0\.2\.0-py3-none-any\.whl)#sha256=([0-9a-f]{64})" data-requires-python="&gt;=3\.8"/.exec(
        page,
      );
    expect(m).not.toBeNull();
    const res = await fetch(new URL(`../../files/${m?.[1]}`, `${url}/dukat-templates/`));
    expect(res.headers.get("cache-control")).toContain("immutable");
    const wheel = Buffer.from(await res.arrayBuffer());
    expect(createHash("sha256").update(wheel).digest("hex")).toBe(m?.[2]);
  });

  it("redirects a non-normalised name and answers 404 for an unknown one", async () => {
    const r = await fetch(`${url}/Dukat_Templates/`, { redirect: "manual" });
    expect(r.status).toBe(301);
    expect(r.headers.get("location")).toBe("/simple/dukat-templates/");
    expect((await fetch(`${url}/numpy/`)).status).toBe(404);
  });

  it("builds valid, reproducible wheels: metadata, dependencies, RECORD hashes", () => {
    const build = () => {
      const out = mkdtempSync(path.join(os.tmpdir(), "kiln-wheels-"));
      dirs.push(out);
      const r = spawnSync(process.execPath, [script, "--build-only", out], { encoding: "utf8" });
      expect(r.status).toBe(0);
      return r.stdout.trim().split("\n");
    };
    const first = build();
    const second = build();
    expect(first.map((f) => path.basename(f))).toEqual([
      "dukat_naming-0.1.0-py3-none-any.whl",
      "dukat_templates-0.2.0-py3-none-any.whl",
    ]);
    for (const [i, file] of first.entries())
      expect(readFileSync(file).equals(readFileSync(second[i] ?? ""))).toBe(true);

    const entries = unzip(readFileSync(first[1] ?? ""));
    const info = "dukat_templates-0.2.0.dist-info";
    expect([...entries.keys()]).toEqual([
      "dukat_templates/__init__.py",
      `${info}/METADATA`,
      `${info}/WHEEL`,
      `${info}/RECORD`,
    ]);
    const metadata = entries.get(`${info}/METADATA`)?.toString() ?? "";
    expect(metadata).toContain("Name: dukat-templates\n");
    expect(metadata).toContain("Requires-Dist: dukat-naming>=0.1\n");
    expect(entries.get(`${info}/WHEEL`)?.toString()).toContain("Tag: py3-none-any");
    const record = (entries.get(`${info}/RECORD`)?.toString() ?? "").trim().split("\n");
    expect(record.at(-1)).toBe(`${info}/RECORD,,`);
    for (const line of record.slice(0, -1)) {
      const [name = "", hash = "", size = ""] = line.split(",");
      const data = entries.get(name) ?? Buffer.alloc(0);
      expect(hash).toBe(`sha256=${createHash("sha256").update(data).digest("base64url")}`);
      expect(Number(size)).toBe(data.length);
    }
  });

  it("refuses an unknown argument with exit code 2", () => {
    const r = spawnSync(process.execPath, [script, "--bogus"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown argument: --bogus");
  });
});
