/**
 * A service's environment as compose resolves it: the `env_file` files in order (later win),
 * then `environment:` over them; `KEY` alone takes the value from the project environment.
 */
import { KilnError } from "../errors.js";
import { isDict, scalarString, type Dict } from "./canonical.js";
import { parseDotenv } from "./dotenv.js";
import type { Lookup } from "./interpolate.js";
import type { ComposeIo } from "./io.js";

interface EnvFileRef {
  path: string;
  required: boolean;
}

function envFileRefs(value: unknown): EnvFileRef[] {
  const list = Array.isArray(value)
    ? (value as unknown[])
    : value === undefined || value === null
      ? []
      : [value];
  const out: EnvFileRef[] = [];
  for (const item of list) {
    if (typeof item === "string") out.push({ path: item, required: true });
    else if (isDict(item) && typeof item.path === "string")
      out.push({ path: item.path, required: item.required !== false });
  }
  return out;
}

export function serviceEnvironment(
  service: Dict,
  lookup: Lookup,
  io: ComposeIo,
  location: string,
): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const ref of envFileRefs(service.env_file)) {
    const text = io.readText(ref.path);
    if (text === undefined) {
      if (!ref.required) continue;
      throw new KilnError("ERR_KILN_COMPOSE_NOT_FOUND", `env file ${ref.path} not found`, {
        location,
        hint: "create it, fix the env_file path (relative to the project directory), or mark it `required: false`",
      });
    }
    for (const e of parseDotenv(text, lookup)) out[e.key] = e.value;
  }
  if (isDict(service.environment)) {
    for (const [k, v] of Object.entries(service.environment)) {
      out[k] = v === null || v === undefined ? (lookup(k) ?? null) : scalarString(v);
    }
  }
  return out;
}
