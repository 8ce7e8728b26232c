/**
 * The safety net under every text splice: re-parse the result and check that nothing but the
 * one service changed, and that it changed as intended. Anything else (a removed anchor another
 * service used, a merge key that now shows through) refuses the edit.
 */
import { isDeepStrictEqual } from "node:util";
import { parseDocument, type Document } from "yaml";
import { KilnError } from "../errors.js";

export type ServiceMap = Record<string, Record<string, unknown>>;

export interface ResolvedCompose {
  services: ServiceMap;
  rest: Record<string, unknown>;
}

export function resolveCompose(doc: Document): ResolvedCompose {
  const js = (doc.toJS({ maxAliasCount: -1 }) ?? {}) as Record<string, unknown>;
  const { services, ...rest } = js;
  return { services: (services ?? {}) as ServiceMap, rest };
}

/**
 * Throws `ERR_KILN_PIN_REFUSED` unless `afterText` parses, every other service and top-level
 * key is unchanged, and `check(after service)` holds for `service`.
 */
export function verifyEdit(
  before: ResolvedCompose,
  afterText: string,
  service: string,
  check: (after: Record<string, unknown> | undefined) => string | null,
  what: string,
): void {
  const doc = parseDocument(afterText, { merge: true, uniqueKeys: false });
  const fail = (why: string) =>
    new KilnError(
      "ERR_KILN_PIN_REFUSED",
      `${what} of service "${service}" refused: ${why}; nothing was written`,
      {
        hint: "use kiln bake --mode override, which leaves the compose file untouched",
      },
    );
  if (doc.errors.length > 0) throw fail(`the edited file would not parse (${doc.errors[0].message})`);
  let after: ResolvedCompose;
  try {
    after = resolveCompose(doc);
  } catch (err) {
    throw fail(`the edited file would not resolve (${(err as Error).message})`);
  }
  if (!isDeepStrictEqual(after.rest, before.rest)) throw fail("it would change keys outside services");
  const names = new Set([...Object.keys(before.services), ...Object.keys(after.services)]);
  for (const name of names) {
    if (name === service) continue;
    if (!isDeepStrictEqual(after.services[name], before.services[name])) {
      throw fail(`it would also change service "${name}" (a shared anchor or merge key)`);
    }
  }
  const problem = check(after.services[service]);
  if (problem) throw fail(problem);
}

/** the service without the given keys, for comparisons */
export function without(
  svc: Record<string, unknown> | undefined,
  ...keys: string[]
): Record<string, unknown> {
  const copy = { ...(svc ?? {}) };
  for (const k of keys) delete copy[k];
  return copy;
}
