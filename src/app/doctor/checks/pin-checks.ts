/**
 * Pinned services: the image exists, it matches the sources, the backup is intact, and the
 * pinned file is not about to be committed by git. Decided on each status's `cause` (data),
 * never on its words.
 */
import path from "node:path";
import type { CheckResult } from "../../../core/doctor/check.js";
import type { ServiceStatus } from "../../status.js";
import type { OpenedProject } from "../../open-project.js";
import type { Backups } from "../../ports.js";
import type { ProcessRunner } from "../../../adapters/process-runner.js";

export function serviceChecks(statuses: ServiceStatus[]): CheckResult[] {
  return statuses.map((s): CheckResult => {
    const id = `service.${s.name}`;
    switch (s.state) {
      case "baked":
        return { id, status: "ok", message: `pinned to ${s.image}, which matches the sources` };
      case "missing-image":
        return {
          id,
          status: "fail",
          message: `pinned image ${s.image} does not exist on the engine`,
          hint: `kiln rebuild ${s.name}   (or: kiln restore ${s.name})`,
        };
      case "pinned-elsewhere": {
        // compose cannot start a kiln.invalid image that is not here: that is a failure
        const missing = s.cause.code === "pinned-elsewhere" && !s.cause.imagePresent;
        return {
          id,
          status: missing ? "fail" : "warn",
          message: s.reason,
          hint: s.fix ?? "put the service's build: back in the compose file (git checkout -- FILE)",
        };
      }
      case "stale":
        return {
          id,
          status: "warn",
          message: `pinned image ${s.image} is stale: ${s.reason}`,
          hint: `kiln bake ${s.name}`,
        };
      case "unbaked":
        if (s.cause.code === "partly-pinned") {
          return {
            id,
            status: "warn",
            message: `${s.name} is ${s.reason}`,
            hint: `kiln bake ${s.name}   (or: kiln restore ${s.name})`,
          };
        }
        if (s.cause.code === "override-not-followed") {
          return {
            id,
            status: "warn",
            message: `Reopen in Container would build ${s.name}: ${s.reason}`,
            hint: "kiln bake --mode override",
          };
        }
        return { id, status: "ok", message: `not pinned (${s.reason})` };
    }
  });
}

/** `store`: the project's backups (the state port's) */
export function backupChecks(project: OpenedProject, store: Backups): CheckResult[] {
  const out: CheckResult[] = [];
  for (const file of Object.keys(project.pins.files)) {
    const meta = store.get(file);
    const id = `backup.${path.basename(file)}`;
    if (!meta) {
      out.push({
        id,
        status: "fail",
        message: `no backup of pinned file ${file}`,
        hint: `kiln restore (undoes the pins from kiln's records)`,
      });
    } else if (!store.verify(file)) {
      out.push({
        id,
        status: "fail",
        message: `the backup of ${file} does not match its checksum (${store.paths(file).data})`,
        hint: `kiln restore (it does not need the backup); or restore the file from git: git checkout -- ${file}`,
      });
    } else
      out.push({
        id,
        status: "ok",
        message: `backup of ${file} intact (sha256 ${meta.sha256.slice(0, 12)}…)`,
      });
  }
  return out;
}

/**
 * Whether git would commit the file: `git status --porcelain` prints `XY path` for a file that
 * differs from HEAD (X: index, Y: worktree — modified, added, renamed, …), `??` / `!!` for one
 * it does not track, and nothing for a clean one. Read on the raw line: X is often a space.
 */
export function wouldCommit(porcelain: string): boolean {
  return porcelain
    .split("\n")
    .some((line) => line.length > 3 && !line.startsWith("??") && !line.startsWith("!!"));
}

/**
 * A pinned file that git tracks and shows as changed would be committed with a local-only image.
 * `run`: git through the process runner (the project port's).
 */
export async function gitChecks(project: OpenedProject, run: ProcessRunner): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const file of Object.keys(project.pins.files)) {
    let r;
    try {
      r = await run(["git", "status", "--porcelain", "--", path.basename(file)], {
        cwd: path.dirname(file),
        allowFailure: true,
        timeoutMs: 10_000,
      });
    } catch {
      continue; // no git on this machine
    }
    if (r.exitCode !== 0) continue; // not a git checkout
    if (wouldCommit(r.stdout)) {
      out.push({
        id: `git.${path.basename(file)}`,
        status: "warn",
        message: `${file} is tracked by git and pinned to local images: committing it breaks a teammate's checkout`,
        hint: "kiln restore before committing, or bake with --mode override (leaves tracked files alone)",
      });
    }
  }
  return out;
}
