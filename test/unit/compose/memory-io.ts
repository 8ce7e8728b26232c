/**
 * An in-memory filesystem for the project loader (absolute paths → file text), with the real
 * precompiled Compose schema validator.
 */
import path from "node:path";
import { composeValidators } from "../../../src/adapters/compose-files.js";
import type { ComposeIo } from "../../../src/core/compose/io.js";

export function memoryIo(files: Record<string, string>): ComposeIo {
  const dirs = new Set<string>();
  for (const f of Object.keys(files))
    for (let d = path.dirname(f); !dirs.has(d); d = path.dirname(d)) dirs.add(d);
  return {
    readText: (f) => files[f],
    isFile: (f) => f in files,
    isDirectory: (d) => dirs.has(d),
    listDir: (d) => [
      ...new Set(
        [...Object.keys(files), ...dirs]
          .filter((p) => path.dirname(p) === d && p !== d)
          .map((p) => path.basename(p)),
      ),
    ],
    composeValidators,
  };
}

/** runs `fn`, which must throw, and returns what it threw (so tests can assert its fields) */
export function thrown(fn: () => unknown): {
  code?: string;
  location?: string;
  hint?: string;
  message: string;
} {
  try {
    fn();
  } catch (error: unknown) {
    return error as { code?: string; location?: string; hint?: string; message: string };
  }
  throw new Error("expected a throw");
}
