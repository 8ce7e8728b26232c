/** Validates a command's --json output against its documented schema (schemas/json/). */
import { readFileSync } from "node:fs";
import path from "node:path";
import Ajv from "ajv";
import { expect } from "vitest";
import { repoRoot } from "./kiln.js";

const ajv = new Ajv.default({ strict: true, allErrors: true });

export function expectSchema(schema: string, data: unknown): void {
  const v =
    ajv.getSchema(`https://kiln.dev/schemas/json/${schema}.schema.json`) ??
    ajv.compile(
      JSON.parse(
        readFileSync(path.join(repoRoot, "schemas", "json", `${schema}.schema.json`), "utf8"),
      ) as object,
    );
  expect(v(data), ajv.errorsText(v.errors)).toBe(true);
}
