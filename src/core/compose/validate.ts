/**
 * Validates a file (after interpolation) against the Compose Specification JSON schema that
 * the reference compose ships (schemas/compose-spec.json, precompiled), naming file, line and key.
 */
import { KilnError } from "../errors.js";
import type { ComposeValidators, SchemaError } from "./io.js";
import { locate, SEP, type ParsedFile } from "./yaml-tree.js";

export function validateComposeFile(parsed: ParsedFile, data: unknown, validators: ComposeValidators): void {
  if (validators.fast(data)) return;
  // the fast validator stops early, often inside a `oneOf` branch; find the telling error
  const explain = validators.explain();
  explain(data);
  const err = bestError(explain.errors ?? validators.fast.errors ?? []);
  if (!err) return;
  const parts = err.instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  let message = err.message ?? "is invalid";
  const extra = err.params.additionalProperty;
  if (err.keyword === "additionalProperties" && typeof extra === "string") {
    parts.push(extra);
    message = "is not allowed here (unknown key)";
  }
  const key = parts.join(".");
  throw new KilnError("ERR_KILN_COMPOSE_INVALID", `${key || "(top level)"} ${message}`, {
    location: locate(parsed, parts.join(SEP)),
    hint: "see https://docs.docker.com/compose/compose-file/ for the key's allowed values",
  });
}

function depth(e: SchemaError): number {
  const extra = e.keyword === "additionalProperties" ? 1 : 0;
  return e.instancePath.split("/").length + extra;
}

/** the deepest error; an unknown key beats "must be string" from the other `oneOf` branch */
function bestError(errors: SchemaError[]): SchemaError | undefined {
  const useful = errors.filter((e) => e.keyword !== "oneOf" && e.keyword !== "anyOf");
  const pool = useful.length > 0 ? useful : errors;
  return pool.reduce<SchemaError | undefined>(
    (best, e) =>
      !best || depth(e) > depth(best) || (depth(e) === depth(best) && e.keyword === "additionalProperties")
        ? e
        : best,
    undefined,
  );
}
