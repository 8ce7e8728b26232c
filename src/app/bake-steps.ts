/**
 * The registry's part in a bake: open it from the flag / env / x-kiln, find `--cache-from`
 * sources for the services that must be built, and push after the build.
 */
import { outsideScopeCause } from "../core/plan/cause.js";
import type { BuildPort, RegistryPort } from "./ports.js";
import { KilnError } from "../core/errors.js";
import type { Plan, PlanTarget } from "../core/plan/plan.js";
import {
  chooseRegistry,
  LATEST_TAG,
  registryLatestRef,
  registryRepository,
} from "../core/registry/registry-ref.js";
import type { Lookup } from "../core/registry/lookup-result.js";
import type { Engine } from "../adapters/engine/engine-types.js";
import type { RegistryReader } from "../adapters/registry/registry-client.js";

export interface ProjectRegistry {
  client: RegistryReader;
  /** the port it was opened through: lookups, pulls and pushes go through it */
  port: RegistryPort;
  /** per service: what the registry holds for its current fingerprint (only services asked) */
  lookups: Map<string, Lookup>;
}

export interface PushOutcome {
  service: string;
  ref: string;
  state: "pushed" | "present" | "failed";
  error?: KilnError;
}

export async function openRegistry(
  port: RegistryPort,
  options: { registry?: string; env: NodeJS.ProcessEnv },
  extensions: Record<string, unknown>,
): Promise<ProjectRegistry | undefined> {
  const location = chooseRegistry(options.registry, options.env, extensions);
  if (!location) return undefined;
  return { client: port.open(location, options.env), port, lookups: new Map() };
}

/** `…/<service>:kiln-latest` for each target whose repository has one (a missing source only costs ERROR lines) */
export async function registryCacheSources(
  registry: ProjectRegistry,
  targets: PlanTarget[],
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  if ([...registry.lookups.values()].some((l) => l.state === "error")) return out;
  await Promise.all(
    targets.map(async (t) => {
      const loc = registry.client.location;
      const img = await registry.client
        .tagImage(registryRepository(loc, t.service), LATEST_TAG)
        .catch(() => undefined);
      if (img) out[t.service] = [registryLatestRef(loc, t.service)];
    }),
  );
  return out;
}

export interface PushSelection {
  /** the build client (pushes go through its `docker push`) */
  client: BuildPort["client"];
  services: string[];
  signal?: AbortSignal;
  log: (line: string) => void;
}

/** pushes each selected, baked target whose fingerprint the registry does not hold yet */
export async function pushTargets(
  registry: ProjectRegistry,
  engine: Engine,
  targets: PlanTarget[],
  options: PushSelection,
): Promise<PushOutcome[]> {
  const client = await options.client();
  const out: PushOutcome[] = [];
  for (const t of targets) {
    const known = registry.lookups.get(t.service);
    const there =
      known?.state === "found"
        ? known
        : await registry.port.lookup(registry.client, t.service, t.fingerprint);
    if (there.state === "found") {
      out.push({ service: t.service, ref: there.ref, state: "present" });
      continue;
    }
    try {
      const ref = await registry.port.push(t, {
        client,
        engine,
        registry: registry.client.location,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      options.log(`kiln: pushed ${t.service} as ${ref}`);
      out.push({ service: t.service, ref, state: "pushed" });
    } catch (error: unknown) {
      if (error instanceof KilnError && error.code === "ERR_KILN_INTERRUPTED") throw error;
      const e =
        error instanceof KilnError
          ? error
          : new KilnError("ERR_KILN_REGISTRY", String(error), {
              hint: "check that the registry answers and accepts pushes: curl http://HOST:PORT/v2/",
            });
      out.push({ service: t.service, ref: there.ref, state: "failed", error: e });
    }
  }
  return out;
}

/** after a bake: push the selected services that now have an image */
export function pushResults(
  registry: ProjectRegistry,
  engine: Engine,
  plan: Plan,
  results: { service: string; action: string }[],
  options: PushSelection,
): Promise<PushOutcome[]> {
  const selected = new Set(
    options.services.length > 0 ? options.services : plan.targets.map((t) => t.service),
  );
  const ok = new Set(
    results
      .filter((r) => {
        const t = plan.targets.find((x) => x.service === r.service);
        return r.action !== "failed" && t !== undefined && !outsideScopeCause(t.cause);
      })
      .map((r) => r.service),
  );
  const targets = plan.targets.filter((t) => selected.has(t.service) && ok.has(t.service)).map(teamImage);
  return pushTargets(registry, engine, targets, options);
}

/** a devcontainer's UID stage is this machine's (its UID/GID): the team gets the stage below it */
function teamImage(t: PlanTarget): PlanTarget {
  if (!t.stages?.uid) return t;
  const shared = t.stages.features ?? t.stages.service;
  return { ...t, fingerprint: shared.fingerprint, imageRef: shared.imageRef };
}
