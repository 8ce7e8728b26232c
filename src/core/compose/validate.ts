/**
 * Validates a file (after interpolation) against the Compose Specification JSON schema that
 * the reference compose ships (kept in schemas/compose-spec.json), naming file, line and key.
 */
import { Ajv, type ValidateFunction } from "ajv";
import { KilnError } from "../errors.js";
import { locate, SEP, type ParsedFile } from "./yaml-tree.js";

let compiled: ValidateFunction | undefined;

export function compileComposeSchema(schema: Record<string, unknown>): ValidateFunction {
  if (compiled) return compiled;
  const copy = { ...schema };
  delete copy.$schema;
  const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true });
  // compose's own formats: checked by compose's parsers, accepted here as strings
  for (const format of ["duration", "ports", "expose", "uri"]) ajv.addFormat(format, true);
  compiled = ajv.compile(copy);
  return compiled;
}

export function validateComposeFile(parsed: ParsedFile, data: unknown, validate: ValidateFunction): void {
  if (validate(data)) return;
  const err = validate.errors?.[0];
  if (!err) return;
  const parts = err.instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  let key = parts.join(".");
  let message = err.message ?? "is invalid";
  const extra = (err.params as { additionalProperty?: string }).additionalProperty;
  if (err.keyword === "additionalProperties" && extra) {
    parts.push(extra);
    key = parts.join(".");
    message = "is not allowed here (unknown key)";
  }
  throw new KilnError("ERR_KILN_COMPOSE_INVALID", `${key || "(top level)"} ${message}`, {
    location: locate(parsed, parts.join(SEP)),
    hint: "see https://docs.docker.com/compose/compose-file/ for the key's allowed values",
  });
}
