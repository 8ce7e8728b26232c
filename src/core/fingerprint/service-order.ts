/**
 * Orders services so that one built FROM another service's image comes after it; a cycle is a
 * configuration error (neither image could ever be built first).
 */
import { KilnError } from "../errors.js";

/** `deps`: service → services whose images it needs. Returns services, dependencies first. */
export function orderServices(
  services: readonly string[],
  deps: ReadonlyMap<string, readonly string[]>,
): string[] {
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, chain: string[]): void => {
    const s = state.get(name);
    if (s === "done") return;
    if (s === "visiting") {
      const cycle = [...chain.slice(chain.indexOf(name)), name];
      throw new KilnError(
        "ERR_KILN_COMPOSE_INVALID",
        `services build FROM each other's images in a cycle: ${cycle.join(" → ")}`,
        {
          hint: "one of these Dockerfiles must start FROM an image that is not built by another of them",
        },
      );
    }
    state.set(name, "visiting");
    for (const dep of deps.get(name) ?? []) visit(dep, [...chain, name]);
    state.set(name, "done");
    order.push(name);
  };
  for (const name of services) visit(name, []);
  return order;
}
