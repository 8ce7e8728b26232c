import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** One layer's forbidden imports (see docs/architecture.md). */
function layer(files, forbidden) {
  return {
    files: [files],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: forbidden, message: "wrong layer arrow: see docs/architecture.md" }] },
      ],
    },
  };
}

/** the adapters behind app/ports.ts: a use case receives them, it does not import them */
const PORTED_ADAPTERS = [
  // the project's state and files (StatePort, ProjectPort)
  "**/adapters/state/backup-store.js",
  "**/adapters/state/child-records.js",
  "**/adapters/state/journal.js",
  "**/adapters/state/leftovers.js",
  "**/adapters/state/lock.js",
  "**/adapters/state/other-records.js",
  "**/adapters/state/override-file.js",
  "**/adapters/state/pin-store.js",
  "**/adapters/state/state-dir.js",
  "**/adapters/state/state-store.js",
  "**/adapters/fs/atomic-write.js",
  "**/adapters/git/file-history.js",
  "**/adapters/compose-model-cache.js",
  "**/adapters/project-files.js",
  "**/adapters/project-loader.js",
  "**/adapters/unpin-memo.js",
  "**/adapters/project-access.js",
  // the engine, build client and compose (the history, session and volume transfer below)
  "**/adapters/engine/index.js",
  "**/adapters/engine/client.js",
  "**/adapters/engine/build.js",
  "**/adapters/engine/compose-cli.js",
  "**/adapters/engine/api-engine.js",
  "**/adapters/engine/cli-engine.js",
  // volumes and registry (Ports.volumes, Ports.registry)
  "**/adapters/volumes/archive.js",
  "**/adapters/volumes/ensure.js",
  "**/adapters/volumes/fix-writer.js",
  "**/adapters/volumes/image-facts.js",
  "**/adapters/volumes/inspect.js",
  "**/adapters/volumes/inventory.js",
  "**/adapters/volumes/prune.js",
  "**/adapters/registry/lookup.js",
  "**/adapters/registry/registry-client.js",
  "**/adapters/registry/transfer.js",
  "**/adapters/history/history-store.js",
  "**/adapters/state/project-session.js",
  "**/adapters/volumes/volume-transfer.js",
  // the fingerprint, devcontainer, lint-target and bundle ports
  "**/adapters/fs/context-hasher.js",
  "**/adapters/fs/fingerprint-services.js",
  "**/adapters/devcontainer/cli.js",
  "**/adapters/devcontainer/image-config.js",
  "**/adapters/bake/devcontainer-config.js",
  "**/adapters/lint-targets.js",
  "**/adapters/bundle/cache-mounts.js",
  "**/adapters/bundle/manifest.js",
  "**/adapters/bundle/bundle-files.js",
  "**/adapters/engine/builder.js",
];

/**
 * what only a composition root builds: the real ports (on `--builder`'s engine), the run recorder
 * around the reporter, the version it records. cli/runtime.ts is the CLI's; app/library*.ts the library caller's.
 */
const COMPOSITION = [
  "**/adapters/real-ports.js",
  "**/adapters/engine/builder-context.js",
  "**/adapters/history/run-recorder.js",
  "**/adapters/kiln-version.js",
];
const LIBRARY_ROOT = ["src/app/library.ts", "src/app/library-volumes.ts"];

/** app/ may import these adapters' types only */
function portedOnly(files, ignores, group) {
  return {
    files,
    ignores,
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group,
              allowTypeImports: true,
              message: "a use case gets this through its Ports (src/app/ports.ts), see docs/architecture.md",
            },
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "node_modules/**",
      "coverage/**",
      "examples/**/node_modules/**",
      "**/*.js",
      "**/*.mjs",
      "**/*.cjs",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/restrict-template-expressions": [
        "error",
        { allowNumber: true, allowBoolean: true },
      ],
    },
  },

  // Layers: cli → app → core; adapters implement ports; core imports nothing outside core.
  layer("src/core/**", ["**/adapters/**", "**/app/**", "**/cli/**", "**/report/**"]),
  layer("src/adapters/**", ["**/app/**", "**/cli/**"]),
  layer("src/app/**", ["**/cli/**"]),
  layer("src/report/**", ["**/cli/**", "**/app/**"]),

  // Use cases reach the engine, the build client, compose, the project's state and files only
  // through the Ports they are given (src/app/ports.ts): importing those adapters' types is
  // fine, calling them directly is not. adapters/real-ports.ts builds the real ones.
  // The library's face (app/library*.ts) is a composition root too: it alone in app/ builds them.
  portedOnly(["src/app/**"], LIBRARY_ROOT, [...PORTED_ADAPTERS, ...COMPOSITION]),
  portedOnly(LIBRARY_ROOT, [], PORTED_ADAPTERS),

  // Use cases and adapters never print: their notes go through the log/reporter the caller
  // passes, so `--progress quiet` and `--json` hold (see docs/architecture.md).
  {
    files: ["src/adapters/**", "src/app/**"],
    rules: {
      "no-restricted-properties": [
        "error",
        ...["stdout", "stderr"].map((property) => ({
          object: "process",
          property,
          message: "adapters and use cases do not print: use the log/reporter the caller passes",
        })),
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[object.name='console']",
          message: "adapters and use cases do not print: use the log/reporter the caller passes",
        },
      ],
    },
  },
);
