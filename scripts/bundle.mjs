// Bundles the CLI into one ESM file (dist/bundle/kiln.mjs): one module to load instead of
// hundreds, which is most of a no-op bake's start-up time. bin/kiln prefers it when present.
import { build } from "esbuild";

await build({
  entryPoints: ["src/cli/main.ts"],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // jsonc-parser's UMD build does dynamic requires; its ESM build bundles cleanly
  mainFields: ["module", "main"],
  outfile: "dist/bundle/kiln.mjs",
  // native addon: loaded from node_modules at run time
  external: ["@node-rs/xxhash"],
  banner: {
    js: "import { createRequire as __kilnCreateRequire } from 'node:module'; const require = __kilnCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
});
