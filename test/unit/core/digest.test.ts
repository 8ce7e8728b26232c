import { createHash } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { sha1Hex, sha256Hex } from "../../../src/core/digest.js";

function nodeHex(alg: "sha1" | "sha256", data: string | Uint8Array): string {
  return createHash(alg).update(data).digest("hex");
}

/** a deterministic pseudo-random source (the tests must not change between runs) */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

describe("the FIPS 180 test vectors", () => {
  const million = "a".repeat(1_000_000);
  const vectors: [string, string, string, string][] = [
    [
      "empty",
      "",
      "da39a3ee5e6b4b0d3255bfef95601890afd80709",
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ],
    [
      "abc",
      "abc",
      "a9993e364706816aba3e25717850c26c9cd0d89d",
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    ],
    [
      "two blocks (448 bits)",
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    ],
    [
      "a million a's (node:crypto's path)",
      million,
      "34aa973cd4c4daa4f61eeb2bdbad27316534016f",
      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
    ],
  ];
  it.each(vectors)("%s", (_name, input, sha1, sha256) => {
    expect(sha1Hex(input)).toBe(sha1);
    expect(sha256Hex(input)).toBe(sha256);
    expect(sha1Hex(Buffer.from(input, "latin1"))).toBe(sha1);
    expect(sha256Hex(Buffer.from(input, "latin1"))).toBe(sha256);
  });
});

describe("equal to node:crypto", () => {
  it("every length 0..300 (the padding's 55/56/63/64/119/120-byte edges), as bytes and as a string", () => {
    const pattern = new Uint8Array(300);
    for (let i = 0; i < pattern.length; i++) pattern[i] = (i * 31 + 7) & 0xff;
    const text = Array.from({ length: 300 }, (_, i) => String.fromCharCode(33 + ((i * 7) % 94))).join("");
    for (let n = 0; n <= 300; n++) {
      const bytes = pattern.subarray(0, n);
      expect([n, sha1Hex(bytes)]).toEqual([n, nodeHex("sha1", bytes)]);
      expect([n, sha256Hex(bytes)]).toEqual([n, nodeHex("sha256", bytes)]);
      const str = text.slice(0, n);
      expect([n, sha1Hex(str)]).toEqual([n, nodeHex("sha1", str)]);
      expect([n, sha256Hex(str)]).toEqual([n, nodeHex("sha256", str)]);
    }
  });

  it("a Uint8Array that views the middle of a larger buffer", () => {
    const backing = new Uint8Array(200).map((_, i) => i);
    const view = new Uint8Array(backing.buffer, 17, 130);
    expect(sha256Hex(view)).toBe(nodeHex("sha256", view));
    expect(sha1Hex(view)).toBe(nodeHex("sha1", view));
  });

  it("strings with 2-, 3- and 4-byte UTF-8 characters and lone surrogates", () => {
    const pieces = [
      "a",
      "Z",
      "/",
      "é",
      "ß",
      "Ω",
      "€",
      "中",
      "\uffff",
      "😀",
      "\u{10ffff}",
      "\ud800",
      "\udfff",
    ];
    const random = prng(14);
    for (let round = 0; round < 300; round++) {
      const length = Math.floor(random() * 120);
      let text = "";
      for (let i = 0; i < length; i++) text += pieces[Math.floor(random() * pieces.length)];
      expect([text, sha1Hex(text)]).toEqual([text, nodeHex("sha1", text)]);
      expect([text, sha256Hex(text)]).toEqual([text, nodeHex("sha256", text)]);
    }
  });

  it("hashes a lone surrogate as U+FFFD (EF BF BD), as Node does", () => {
    const replacement = Uint8Array.of(0x61, 0xef, 0xbf, 0xbd, 0x62);
    for (const lone of ["a\ud800b", "a\udc00b"]) {
      expect(Buffer.from(lone, "utf8")).toEqual(Buffer.from(replacement));
      expect(new TextEncoder().encode(lone)).toEqual(replacement);
      expect(sha256Hex(lone)).toBe(nodeHex("sha256", replacement));
      expect(sha256Hex(lone)).toBe(nodeHex("sha256", lone));
      expect(sha1Hex(lone)).toBe(nodeHex("sha1", lone));
    }
  });

  it("inputs just below, at and above 8 KiB (where node:crypto takes over)", () => {
    const random = prng(64);
    const big = new Uint8Array(8 * 1024 + 130).map(() => Math.floor(random() * 256));
    for (const n of [8127, 8128, 8191, 8192, 8193, 8256]) {
      const bytes = big.subarray(0, n);
      expect([n, sha1Hex(bytes)]).toEqual([n, nodeHex("sha1", bytes)]);
      expect([n, sha256Hex(bytes)]).toEqual([n, nodeHex("sha256", bytes)]);
      const text = "x".repeat(n);
      expect([n, sha256Hex(text)]).toEqual([n, nodeHex("sha256", text)]);
    }
    // fewer than 8 Ki characters, more than 8 KiB of UTF-8
    const wide = "€".repeat(4000);
    expect(sha256Hex(wide)).toBe(nodeHex("sha256", wide));
    expect(sha1Hex(wide)).toBe(nodeHex("sha1", wide));
  });

  it("calls interleaved across algorithms and sizes share no state", () => {
    const inputs = ["", "abc", "x".repeat(119), "y".repeat(1000), "z".repeat(70_000), "é".repeat(64)];
    const expected = inputs.map((s) => [nodeHex("sha1", s), nodeHex("sha256", s)]);
    for (let round = 0; round < 3; round++) {
      inputs.forEach((s, i) => {
        expect(sha256Hex(s)).toBe(expected[i]?.[1]);
        expect(sha1Hex(s)).toBe(expected[i]?.[0]);
      });
    }
  });
});

describe("node:crypto is loaded for large inputs only", () => {
  it("stays unloaded while every input is at most 8 KiB, and loads for a larger one", async () => {
    // a fresh copy of the module: the tests above have already made the shared one load it
    vi.resetModules();
    const fresh = await import("../../../src/core/digest.js");
    expect(fresh.cryptoLoaded()).toBe(false);
    fresh.sha256Hex("a".repeat(400));
    fresh.sha1Hex(new Uint8Array(1000));
    fresh.sha256Hex(new Uint8Array(8 * 1024));
    fresh.sha1Hex("é".repeat(4 * 1024));
    expect(fresh.cryptoLoaded()).toBe(false);
    expect(fresh.sha256Hex(new Uint8Array(8 * 1024 + 1))).toBe(
      nodeHex("sha256", new Uint8Array(8 * 1024 + 1)),
    );
    expect(fresh.cryptoLoaded()).toBe(true);
  });
});
