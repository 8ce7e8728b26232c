/**
 * The real filesystem behind the compose loader, and the Compose Specification schema that
 * ships with kiln (schemas/compose-spec.json, extracted from the compose v2 plugin).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import type { ComposeIo, ComposeValidators, SchemaCheck } from "../core/compose/io.js";

// dist/adapters/ and src/adapters/ are both two levels below the package root
const require = createRequire(import.meta.url);
let validators: ComposeValidators | undefined;

/** the precompiled schema validator (schemas/generate-validators.mjs), loaded on first use */
export function composeValidators(): ComposeValidators {
  if (validators) return validators;
  const check = (require("../../schemas/compose-spec.validate.cjs") as { default: SchemaCheck }).default;
  validators = { fast: check, explain: () => check };
  return validators;
}

function stat(p: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

export const nodeComposeIo: ComposeIo = {
  readText(file) {
    try {
      return readFileSync(file, "utf8");
    } catch (error: unknown) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "EISDIR" || code === "ENOTDIR") return undefined;
      throw error;
    }
  },
  isFile: (file) => stat(file)?.isFile() === true,
  isDirectory: (dir) => stat(dir)?.isDirectory() === true,
  listDir(dir) {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  },
  composeValidators,
};
