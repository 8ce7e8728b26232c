/**
 * `kiln push [SERVICE...]`: push the baked, content-tagged images of the current fingerprints
 * to the registry (with the inline cache they were built with), skipping what it already holds.
 */
import { KilnError } from "../core/errors.js";
import { isFresh } from "../core/plan/plan.js";
import { planReason } from "../report/plan-reason.js";
import { planProject, type PlannedProject, type PlanPorts } from "./plan-project.js";
import { pushTargets } from "./bake-steps.js";
import type { ProjectRequest } from "./request.js";

export const NO_REGISTRY_HINT =
  "add --registry HOST[:PORT]/PREFIX, set KILN_REGISTRY, or set x-kiln.registry in the compose file";

export interface PushRequest {
  globals: ProjectRequest;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** services to push (empty: every buildable one) */
  services: string[];
  /** HOST[:PORT]/PREFIX (else KILN_REGISTRY, else x-kiln.registry) */
  registry?: string;
}

export interface PushRow {
  name: string;
  ref: string;
  state: "pushed" | "present" | "failed" | "unbaked";
  error?: string;
}

export interface PushReport {
  registry: string;
  /** by service name */
  services: PushRow[];
}

/** the build plan of the selected services, with the registry push and pull talk to */
export function planForRegistry(
  request: Pick<PushRequest, "globals" | "env" | "services" | "registry">,
  ports: PlanPorts,
): Promise<PlannedProject> {
  return planProject(
    {
      globals: request.globals,
      env: request.env,
      mode: "build",
      services: request.services,
      noCache: false,
      ...(request.registry ? { registry: request.registry } : {}),
    },
    ports,
  );
}

export async function pushProject(request: PushRequest, ports: PlanPorts): Promise<PushReport> {
  const { services } = request;
  const planned = await planForRegistry(request, ports);
  const registry = planned.registry;
  if (!registry)
    throw new KilnError("ERR_KILN_USAGE", "kiln push needs a registry", { hint: NO_REGISTRY_HINT });
  const selected = planned.plan.targets.filter((t) => services.length === 0 || services.includes(t.service));
  const unbaked = selected.filter((t) => !isFresh(t));
  const baked = selected.filter((t) => !unbaked.includes(t));
  const outcomes = await pushTargets(registry, planned.engine, baked, {
    client: ports.builds.client,
    services,
    ...(request.signal ? { signal: request.signal } : {}),
    log: ports.log,
  });
  const rows: PushRow[] = [
    ...outcomes.map((o) => ({
      name: o.service,
      ref: o.ref,
      state: o.state,
      ...(o.error ? { error: o.error.message } : {}),
    })),
    ...unbaked.map((t) => ({
      name: t.service,
      ref: "",
      state: "unbaked" as const,
      error: `not baked for its current fingerprint (${planReason(t)}); run \`kiln bake ${t.service}\` first`,
    })),
  ].sort((a, b) => a.name.localeCompare(b.name));
  return { registry: registry.client.name, services: rows };
}
