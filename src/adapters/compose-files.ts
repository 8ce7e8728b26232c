/**
 * The real filesystem behind the compose loader, and the Compose Specification schema that
 * ships with kiln (schemas/compose-spec.json, extracted from the compose v2 plugin).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ComposeIo, ComposeValidators, SchemaCheck } from "../core/compose/io.js";
import { requireWithCodeCache } from "./code-cache.js";

let validators: ComposeValidators | undefined;

/**
 * the precompiled schema validator (schemas/generate-validators.mjs), loaded on first use with
 * its V8 code cache in dist/ (dist/adapters/, dist/bundle/ and src/adapters/ are all two levels
 * below the package root)
 */
export function composeValidators(): ComposeValidators {
  if (validators) return validators;
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const { exports } = requireWithCodeCache(
    path.join(root, "schemas", "compose-spec.validate.cjs"),
    path.join(root, "dist"),
  );
  const check = (exports as { default: SchemaCheck }).default;
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
