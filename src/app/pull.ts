/**
 * `kiln pull [SERVICE...]`: fetch the baked images of the current fingerprints from the
 * registry and give them their local content-tagged names — no build, no pin. Each service's
 * outcome also goes to the reporter (the run history records it).
 */
import { KilnError } from "../core/errors.js";
import { isFresh } from "../core/plan/plan.js";
import type { Ports } from "./ports.js";
import type { PlanPorts } from "./plan-project.js";
import { NO_REGISTRY_HINT, planForRegistry } from "./push.js";
import type { ProjectRequest } from "./request.js";

export interface PullRequest {
  globals: ProjectRequest;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** services to pull (empty: every buildable one) */
  services: string[];
  /** HOST[:PORT]/PREFIX (else KILN_REGISTRY, else x-kiln.registry) */
  registry?: string;
  /** called once the project is opened (the run history starts recording here) */
  onOpened?: (run: { projectDir: string; stateDir: string }) => void;
}

export interface PullRow {
  name: string;
  image: string;
  state: "pulled" | "present" | "missing" | "failed";
  reason: string;
}

export interface PullReport {
  registry: string;
  services: PullRow[];
}

export async function pullProject(
  request: PullRequest,
  ports: PlanPorts & Pick<Ports, "reporter">,
): Promise<PullReport> {
  const { services } = request;
  const planned = await planForRegistry(request, ports);
  const registry = planned.registry;
  request.onOpened?.({ projectDir: planned.project.model.projectDir, stateDir: planned.project.stateDir });
  if (!registry)
    throw new KilnError("ERR_KILN_USAGE", "kiln pull needs a registry", { hint: NO_REGISTRY_HINT });
  const selected = planned.plan.targets.filter((t) => services.length === 0 || services.includes(t.service));
  const client = await ports.builds.client();
  const rows: PullRow[] = [];
  const note = (row: PullRow, startedAt: number): void => {
    ports.reporter.serviceFinished({
      service: row.name,
      image: row.image,
      action: row.state === "pulled" ? "pulled" : row.state === "present" ? "skipped" : "failed",
      reason: row.reason,
      durationMs: Date.now() - startedAt,
      steps: { total: 0, cached: 0 },
    });
  };
  for (const t of selected) {
    const startedAt = Date.now();
    const base = { name: t.service, image: t.imageRef };
    if (isFresh(t)) {
      rows.push({ ...base, state: "present", reason: "already on the engine" });
      note(rows[rows.length - 1], startedAt);
      continue;
    }
    const lookup = registry.lookups.get(t.service);
    if (lookup?.state !== "found") {
      const why =
        lookup?.state === "error"
          ? lookup.error.message
          : lookup?.state === "mismatch"
            ? `${lookup.ref} carries another fingerprint`
            : `no ${lookup?.ref ?? "image"} in ${registry.client.name}`;
      rows.push({ ...base, state: "missing", reason: why });
      note(rows[rows.length - 1], startedAt);
      continue;
    }
    try {
      await registry.port.pull(t, {
        client,
        engine: planned.engine,
        registry: registry.client.location,
        ...(request.signal ? { signal: request.signal } : {}),
      });
      rows.push({ ...base, state: "pulled", reason: `pulled ${lookup.ref}` });
    } catch (error: unknown) {
      if (error instanceof KilnError && error.code === "ERR_KILN_INTERRUPTED") throw error;
      rows.push({ ...base, state: "failed", reason: error instanceof Error ? error.message : String(error) });
    }
    note(rows[rows.length - 1], startedAt);
  }
  return { registry: registry.client.name, services: rows };
}
