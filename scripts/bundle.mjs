// Bundles the CLI into one CommonJS file (dist/bundle/kiln.cjs): one module to load instead of
// hundreds, and — being a classic script — one whose compiled code V8 can cache between runs
// (bin/kiln keeps that cache next to it). Start-up is most of a no-op bake's time.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

// code caches of earlier builds are stale now: bin/kiln writes one per bundle, and
// src/adapters/code-cache.ts one per file it loads (the compose schema validator) in dist/
for (const dir of ["dist/bundle", "dist"]) {
  const stale = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".v8cache")) : [];
  for (const f of stale) rmSync(`${dir}/${f}`);
}

await build({
  entryPoints: ["src/cli/main.ts"],
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  // jsonc-parser's UMD build does dynamic requires; its ESM build bundles cleanly
  mainFields: ["module", "main"],
  outfile: "dist/bundle/kiln.cjs",
  // native addon: loaded from node_modules at run time; yaml: a chunk of its own (below)
  external: ["@node-rs/xxhash", "yaml"],
  // the sources locate package files relative to import.meta.url; the bundle sits at the same
  // depth (dist/bundle/) as the tsc output (dist/<dir>/), so the same relative paths hold
  define: { "import.meta.url": "__kilnModuleUrl" },
  banner: { js: "var __kilnModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  minifyWhitespace: true,
  minifySyntax: true,
  // whitespace and syntax only: names stay, so stack traces (--debug) still read
  logLevel: "warning",
});

// The YAML library, a fifth of the bundle, in a chunk of its own (dist/bundle/yaml.cjs) that
// bin/kiln loads, with its own code cache, the first time a YAML function is called: a bake with
// nothing to do reads its compose model from kiln's memo and never parses YAML, and deserialising
// the library's compiled code with the bundle's cost it ≈ 3–4 ms (#14).
await build({
  stdin: { contents: 'module.exports = require("yaml");', resolveDir: ".", loader: "js" },
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  outfile: "dist/bundle/yaml.cjs",
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
});

// `import path from "node:path"` becomes __toESM(require("node:path"), 1): a fresh object with one
// getter per export, built again in every file that imports it (~70 of them, fs's ~100 exports
// included) while the bundle loads. A builtin's exports never change, so an object that inherits
// them and adds `default` reads the same — made once per builtin.
const out = "dist/bundle/kiln.cjs";
const text = readFileSync(out, "utf8");
// Modules only some commands need (child_process: commander requires it at load; http: the
// volume transfer; fs/promises, which loads readline too: Podman's volume stat; crypto, 16
// internal modules and 3–5 ms: a bake with nothing to do hashes small texts in JavaScript,
// src/core/digest.ts, and reuses its contexts' digests) are required on first use: a no-op bake
// spawns nothing.
const LAZY = /(?:__toESM\()?require\("(node:(?:child_process|crypto|http|fs\/promises))"\)(?:,1\))?/g;
const lean = text
  .replace(LAZY, '__kilnLazy("$1")')
  .replace(/(?:__toESM\()?require\("yaml"\)(?:,1\))?/g, '__kilnChunk("yaml")')
  .replace(/__toESM\((require\("node:[a-z_/]+"\)),1\)/g, "__kilnBuiltin($1)");
// One such object per builtin (59 files import node:path): each Object.create(m, …) with a new
// property-descriptor object cost ~20 µs, 80 of them while the bundle loads.
const helpers = [
  "var __kilnBuiltins = new Map();",
  "var __kilnBuiltin = (m) => { let o = __kilnBuiltins.get(m); if (o === undefined) { o = Object.create(m, { default: { value: m, enumerable: true } }); __kilnBuiltins.set(m, o); } return o; };",
  "var __kilnLazy = (id) => { let m; const load = () => (m ??= require(id));",
  "  return new Proxy({}, { get: (_, k) => (k === 'default' ? load() : load()[k]), has: (_, k) => k in load() }); };",
  // a chunk is loaded once (one instance of the library for every file that imports it), through
  // bin/kiln's code-cached loader, or required when the bundle runs without bin/kiln
  "var __kilnChunks = new Map();",
  "var __kilnChunk = (name) => { const load = () => { let m = __kilnChunks.get(name); if (m === undefined) { const viaBin = globalThis[Symbol.for('kiln.loadChunk')]; m = viaBin ? viaBin(name) : require(`./${name}.cjs`); __kilnChunks.set(name, m); } return m; };",
  "  return new Proxy({}, { get: (_, k) => (k === 'default' ? load() : load()[k]), has: (_, k) => k in load() }); };",
].join("\n");
const final = lean.replace("var __kilnModuleUrl", `${helpers}\nvar __kilnModuleUrl`);
// bin/kiln reads the bundle as latin1 — one byte a character, no UTF-8 decoding, a one-byte
// string for V8 — which is right only for ASCII. esbuild escapes non-ASCII in string literals
// but not in template literals: write such characters as \u escapes or HTML entities there.
for (const [file, content] of [
  [out, final],
  ["dist/bundle/yaml.cjs", readFileSync("dist/bundle/yaml.cjs", "utf8")],
]) {
  const nonAscii = /[^\x00-\x7f]/.exec(content);
  if (nonAscii) {
    const line = content.slice(0, nonAscii.index).split("\n").length;
    const near = content.slice(Math.max(0, nonAscii.index - 60), nonAscii.index + 20);
    throw new Error(`${file} line ${line}: non-ASCII character in the bundle, near: ${near}`);
  }
}
writeFileSync(out, final);
