/**
 * Validates a file (after interpolation) against the Compose Specification JSON schema that
 * the reference compose ships (kept in schemas/compose-spec.json), naming file, line and key.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { KilnError } from "../errors.js";
import { locate, SEP, type ParsedFile } from "./yaml-tree.js";

let compiled: ValidateFunction | undefined;
let explain: ValidateFunction | undefined;
let schemaCopy: Record<string, unknown> | undefined;

function newAjv(allErrors: boolean): Ajv {
  const ajv = new Ajv({ strict: false, allErrors, validateFormats: true });
  // compose's own formats: checked by compose's parsers, accepted here as strings
  for (const format of ["duration", "ports", "expose", "uri"]) ajv.addFormat(format, true);
  return ajv;
}

export function compileComposeSchema(schema: Record<string, unknown>): ValidateFunction {
  if (compiled) return compiled;
  schemaCopy = { ...schema };
  delete schemaCopy.$schema;
  compiled = newAjv(false).compile(schemaCopy);
  return compiled;
}

export function validateComposeFile(parsed: ParsedFile, data: unknown, validate: ValidateFunction): void {
  if (validate(data)) return;
  // the fast validator stops at the first error, often a `oneOf` branch; find the telling one
  explain ??= schemaCopy ? newAjv(true).compile(schemaCopy) : validate;
  explain(data);
  const err = bestError(explain.errors ?? validate.errors ?? []);
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

function depth(e: ErrorObject): number {
  const extra = e.keyword === "additionalProperties" ? 1 : 0;
  return e.instancePath.split("/").length + extra;
}

/** the deepest error; an unknown key beats "must be string" from the other `oneOf` branch */
function bestError(errors: ErrorObject[]): ErrorObject | undefined {
  const useful = errors.filter((e) => e.keyword !== "oneOf" && e.keyword !== "anyOf");
  const pool = useful.length > 0 ? useful : errors;
  return pool.reduce<ErrorObject | undefined>(
    (best, e) =>
      !best || depth(e) > depth(best) || (depth(e) === depth(best) && e.keyword === "additionalProperties")
        ? e
        : best,
    undefined,
  );
}
