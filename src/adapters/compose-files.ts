/**
 * The real filesystem behind the compose loader, and the Compose Specification schema that
 * ships with kiln (schemas/compose-spec.json, extracted from the compose v2 plugin).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ComposeIo } from "../core/compose/io.js";

// dist/adapters/ and src/adapters/ are both two levels below the package root
const schemaPath = fileURLToPath(new URL("../../schemas/compose-spec.json", import.meta.url));
let schema: Record<string, unknown> | undefined;

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
  composeSchema() {
    schema ??= JSON.parse(readFileSync(schemaPath, "utf8")) as Record<string, unknown>;
    return schema;
  },
};
