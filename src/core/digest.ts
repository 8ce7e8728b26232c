/**
 * SHA-256 and SHA-1 in plain JavaScript, for the small inputs a no-op bake hashes (#14): loading
 * node:crypto costs a few milliseconds of start-up (it loads ~16 internal modules), far more than
 * hashing a few hundred bytes here, even before V8 has compiled these functions.
 * The result equals `createHash(alg).update(data).digest("hex")`: a string is hashed as its UTF-8
 * bytes, a lone surrogate as U+FFFD, like Node. Inputs over LARGE (8 KiB) go to node:crypto, required on
 * first use only (FIPS 180-4 for the algorithms).
 */
import { createRequire } from "node:module";
import type * as Crypto from "node:crypto";

/**
 * bytes (or UTF-16 units of a string) above which node:crypto is worth loading: a first call here
 * costs ≈ 0.4 ms for 400 bytes, 2 ms for 8 KiB, 6 ms for 16 KiB in a fresh process (not compiled
 * yet); loading node:crypto and hashing once, 4.5–6 ms
 */
const LARGE = 8 * 1024;

let nodeCrypto: typeof Crypto | undefined;

function viaNodeCrypto(alg: "sha1" | "sha256", data: string | Uint8Array): string {
  nodeCrypto ??= createRequire(import.meta.url)("node:crypto") as typeof Crypto;
  return nodeCrypto.createHash(alg).update(data).digest("hex");
}

/** test hook: whether a large input has made this module load node:crypto */
export function cryptoLoaded(): boolean {
  return nodeCrypto !== undefined;
}

/** the state words H0.. of the hash being computed */
const H = new Int32Array(8);
/** the message schedule, reused by every block of every call */
const W = new Int32Array(80);
/** the last one or two blocks: the message's tail, 0x80, zeros, the length in bits */
const TAIL = new Uint8Array(128);

// prettier-ignore
const SHA256_IV = Int32Array.of(
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
);
// prettier-ignore
const SHA256_K = Int32Array.of(
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
);
const SHA1_IV = Int32Array.of(0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0);

export function sha256Hex(data: string | Uint8Array): string {
  if (typeof data === "string" && data.length > LARGE) return viaNodeCrypto("sha256", data);
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  if (bytes.length > LARGE) return viaNodeCrypto("sha256", bytes);
  H.set(SHA256_IV);
  const full = bytes.length - (bytes.length % 64);
  sha256Blocks(bytes, full);
  sha256Blocks(TAIL, padTail(bytes, full));
  return hexWords(8);
}

export function sha1Hex(data: string | Uint8Array): string {
  if (typeof data === "string" && data.length > LARGE) return viaNodeCrypto("sha1", data);
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  if (bytes.length > LARGE) return viaNodeCrypto("sha1", bytes);
  H.set(SHA1_IV);
  const full = bytes.length - (bytes.length % 64);
  sha1Blocks(bytes, full);
  sha1Blocks(TAIL, padTail(bytes, full));
  return hexWords(5);
}

/** fills TAIL with the bytes after `full`, the padding and the bit length; its size in bytes */
function padTail(bytes: Uint8Array, full: number): number {
  const n = bytes.length;
  const rest = n - full;
  TAIL.fill(0);
  for (let i = 0; i < rest; i++) TAIL[i] = bytes[full + i];
  TAIL[rest] = 0x80;
  const size = rest < 56 ? 64 : 128;
  // the length in bits, a 64-bit big-endian number
  const high = Math.floor(n / 0x20000000);
  const low = n * 8;
  TAIL[size - 8] = high >>> 24;
  TAIL[size - 7] = high >>> 16;
  TAIL[size - 6] = high >>> 8;
  TAIL[size - 5] = high;
  TAIL[size - 4] = low >>> 24;
  TAIL[size - 3] = low >>> 16;
  TAIL[size - 2] = low >>> 8;
  TAIL[size - 1] = low;
  return size;
}

function hexWords(count: number): string {
  let hex = "";
  for (let i = 0; i < count; i++) hex += (H[i] >>> 0).toString(16).padStart(8, "0");
  return hex;
}

/** the 16 big-endian words of the block at `p` into W[0..15] */
function loadBlock(m: Uint8Array, p: number): void {
  const w = W;
  for (let i = 0; i < 16; i++, p += 4) w[i] = (m[p] << 24) | (m[p + 1] << 16) | (m[p + 2] << 8) | m[p + 3];
}

/** compresses the blocks m[0..end) into H */
function sha256Blocks(m: Uint8Array, end: number): void {
  const w = W;
  const k = SHA256_K;
  let h0 = H[0],
    h1 = H[1],
    h2 = H[2],
    h3 = H[3],
    h4 = H[4],
    h5 = H[5],
    h6 = H[6],
    h7 = H[7];
  for (let p = 0; p < end; p += 64) {
    loadBlock(m, p);
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15];
      const y = w[i - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    let a = h0,
      b = h1,
      c = h2,
      d = h3,
      e = h4,
      f = h5,
      g = h6,
      h = h7;
    for (let i = 0; i < 64; i++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + s1 + ((e & f) ^ (~e & g)) + k[i] + w[i]) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }
  H[0] = h0;
  H[1] = h1;
  H[2] = h2;
  H[3] = h3;
  H[4] = h4;
  H[5] = h5;
  H[6] = h6;
  H[7] = h7;
}

/** compresses the blocks m[0..end) into H[0..4] */
function sha1Blocks(m: Uint8Array, end: number): void {
  const w = W;
  let h0 = H[0],
    h1 = H[1],
    h2 = H[2],
    h3 = H[3],
    h4 = H[4];
  for (let p = 0; p < end; p += 64) {
    loadBlock(m, p);
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = h0,
      b = h1,
      c = h2,
      d = h3,
      e = h4;
    for (let i = 0; i < 80; i++) {
      let f: number, k: number;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc | 0;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6 | 0;
      }
      const t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  H[0] = h0;
  H[1] = h1;
  H[2] = h2;
  H[3] = h3;
  H[4] = h4;
}
