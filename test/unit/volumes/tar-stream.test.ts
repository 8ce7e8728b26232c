import { describe, expect, it } from "vitest";
import { directoryHeaderTar, TarStreamParser, type TarEntry } from "../../../src/core/volumes/tar-stream.js";

function header(
  name: string,
  flag: string,
  size: number,
  extra: { uid?: number; link?: string; base256Size?: boolean } = {},
): Buffer {
  const b = Buffer.alloc(512);
  b.write(name, 0, 100);
  b.write("0000644\0", 100);
  b.write(`${(extra.uid ?? 0).toString(8).padStart(7, "0")}\0`, 108);
  b.write("0000000\0", 116);
  if (extra.base256Size) {
    b[124] = 0x80;
    b.writeUIntBE(size, 12 - 6 + 124, 6);
  } else b.write(`${size.toString(8).padStart(11, "0")}\0`, 124);
  b.write("00000000000\0", 136);
  b.write(flag, 156);
  if (extra.link) b.write(extra.link, 157);
  b.write("ustar\0", 257);
  b.write("00", 263);
  b.fill(32, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return b;
}

function pad(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

function archive(): Buffer {
  const content = Buffer.from("hello world\n");
  const longName = `./${"d/".repeat(80)}file.txt`;
  const pax = Buffer.from(`${String(`path=${longName}\n`.length + 4)} path=${longName}\n`);
  return Buffer.concat([
    directoryHeaderTar("./", { uid: 1234, gid: 55 }, 0o750).subarray(0, 512),
    header("./a.txt", "0", content.length, { uid: 1000 }),
    pad(content),
    header("./link", "2", 0, { link: "a.txt" }),
    header("./PaxHeaders/x", "x", pax.length),
    pad(pax),
    header("./short", "0", 3),
    pad(Buffer.from("abc")),
    Buffer.alloc(1024),
  ]);
}

function parseAll(data: Buffer, chunk = 97): { entries: TarEntry[]; text: string } {
  const entries: TarEntry[] = [];
  let text = "";
  const p = new TarStreamParser(
    (e) => entries.push(e),
    (_e, c) => (text += c.toString("utf8")),
  );
  for (let i = 0; i < data.length; i += chunk) p.push(data.subarray(i, i + chunk));
  p.end();
  return { entries, text };
}

describe("tar stream parser", () => {
  it("reads entries, owners, symlinks, PAX long names and data in any chunking", () => {
    for (const chunk of [1, 97, 512, 100_000]) {
      const { entries, text } = parseAll(archive(), chunk);
      expect(entries.map((e) => [e.name, e.type])).toEqual([
        ["./", "dir"],
        ["./a.txt", "file"],
        ["./link", "symlink"],
        [`./${"d/".repeat(80)}file.txt`, "file"],
      ]);
      expect(entries[0]).toMatchObject({ uid: 1234, gid: 55, mode: 0o750 });
      expect(entries[1]).toMatchObject({ uid: 1000, size: 12 });
      expect(entries[2]?.linkName).toBe("a.txt");
      expect(text).toBe("hello world\nabc");
    }
  });

  it("reads base-256 sizes (files of 8 GiB and more)", () => {
    const entries: TarEntry[] = [];
    const p = new TarStreamParser((e) => entries.push(e));
    p.push(header("./huge", "0", 9 * 1024 ** 3, { base256Size: true }));
    expect(entries[0]?.size).toBe(9 * 1024 ** 3);
  });

  it("rejects garbage, a corrupt header and a cut-short archive", () => {
    expect(() => parseAll(Buffer.alloc(1024, 7))).toThrow(
      /not a readable tar archive: the first block is not a tar header/,
    );
    const corrupt = archive();
    corrupt[512 + 10] = 0x41;
    expect(() => parseAll(corrupt)).toThrow(/checksum does not match/);
    expect(() => parseAll(archive().subarray(0, 600))).toThrow(/truncated/);
    expect(() => parseAll(Buffer.alloc(0))).toThrow(/no entries/);
  });
});
