// Bundles the CLI into one CommonJS file (dist/bundle/kiln.cjs): one module to load instead of
// hundreds, and — being a classic script — one whose compiled code V8 can cache between runs
// (bin/kiln keeps that cache next to it). Start-up is most of a no-op bake's time.
import { existsSync, readdirSync, rmSync } from "node:fs";
import { build } from "esbuild";

// code caches of earlier bundles (bin/kiln writes one per bundle) are stale now
const stale = existsSync("dist/bundle")
  ? readdirSync("dist/bundle").filter((f) => f.endsWith(".v8cache"))
  : [];
for (const f of stale) rmSync(`dist/bundle/${f}`);

await build({
  entryPoints: ["src/cli/main.ts"],
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  // jsonc-parser's UMD build does dynamic requires; its ESM build bundles cleanly
  mainFields: ["module", "main"],
  outfile: "dist/bundle/kiln.cjs",
  // native addon: loaded from node_modules at run time
  external: ["@node-rs/xxhash"],
  // the sources locate package files relative to import.meta.url; the bundle sits at the same
  // depth (dist/bundle/) as the tsc output (dist/<dir>/), so the same relative paths hold
  define: { "import.meta.url": "__kilnModuleUrl" },
  banner: { js: "var __kilnModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  minifyWhitespace: true,
  minifySyntax: true,
  // whitespace and syntax only: names stay, so stack traces (--debug) still read
  logLevel: "warning",
});
