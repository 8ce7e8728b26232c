/**
 * `kiln restore`: unpin — put each pinned service's original build: back, keeping the edits
 * made after baking. `fromBackup` writes the pristine backups back wholesale. Pins kiln made in
 * another folder are undone from kiln's records of that folder, or with `fromGit` from the last
 * commit that has the build: (#12.3). All under the project session (lock + journal recovery).
 */
import { locateProject, openProject } from "./open-project.js";
import { unpinProject } from "./pin-project.js";
import { assertForeignRestorable, examineForeignPins, restoreForeignPins } from "./foreign-pins.js";
import { overridePath } from "./override-pins.js";
import type { DevcontainerPort, Ports } from "./ports.js";
import type { ProjectRequest } from "./request.js";
import { withPin } from "../core/pin/pins-file.js";

export interface RestoreRequest {
  globals: ProjectRequest;
  env: NodeJS.ProcessEnv;
  /** services to unpin (empty: every pinned one, and kiln's override file) */
  services: string[];
  /** write the pristine backup of each pinned file back wholesale */
  fromBackup?: boolean;
  /** with fromBackup: overwrite edits made after baking */
  force?: boolean;
  /** pins made in another folder: build: back from the last commit that has it */
  fromGit?: boolean;
}

export interface RestoreReport {
  /** "backup": files written back wholesale; "unpin": build: sections put back */
  how: "backup" | "unpin";
  restored: string[];
  files: string[];
}

export async function restoreProject(
  request: RestoreRequest,
  ports: Pick<Ports, "state" | "project" | "log"> & { devcontainer: Pick<DevcontainerPort, "removeConfig"> },
): Promise<RestoreReport> {
  const { globals, env, services } = request;
  const log = ports.log;
  const first = await locateProject(globals, env, ports);
  const session = ports.state.openSession(first.stateDir, { command: "kiln restore", log });
  try {
    // the located project's model is kept when a stat of each file says none changed meanwhile
    const project = await openProject(globals, env, ports, first);
    if (request.fromBackup) {
      const backups = ports.state.backups(project.stateDir);
      const files: string[] = [];
      let pins = project.pins;
      for (const [file, records] of Object.entries(project.pins.files)) {
        backups.restoreWholesale(file, { force: request.force === true, records: Object.values(records) });
        for (const r of Object.values(records)) pins = withPin(pins, file, r.service, null);
        files.push(file);
      }
      if (files.length > 0) ports.state.commit(project.stateDir, [], pins);
      return {
        how: "backup",
        restored: Object.values(project.pins.files).flatMap((r) => Object.keys(r)),
        files,
      };
    }
    // pins made in another folder (a copy, the old name, a teammate's commit): refused before
    // anything is written when nothing says what the file was before them
    const fromGit = request.fromGit === true;
    const foreign = examineForeignPins(project, env, ports, { services, git: true });
    assertForeignRestorable(project, foreign, { fromGit });
    const outcome = unpinProject(project, ports, services);
    if (foreign.length > 0) {
      // the local unpin may have rewritten a file that also holds foreign pins: look again
      const again = examineForeignPins(await openProject(globals, env, ports, project.files), env, ports, {
        services,
        git: fromGit,
      });
      const done = restoreForeignPins(project, ports, again, { fromGit });
      outcome.restored.push(...done.restored.filter((s) => !outcome.restored.includes(s)));
      outcome.files.push(...done.files.filter((f) => !outcome.files.includes(f)));
      for (const f of again) {
        const how = fromGit && f.fromGit ? `commit ${f.fromGit.commit.slice(0, 12)}` : f.fromRecords?.origin;
        log(`kiln: put back build: pinned in another folder in ${f.target} (from ${how})`);
      }
    }
    if (services.length === 0 && ports.state.removeOverride(project.stateDir))
      outcome.files.push(overridePath(project.stateDir));
    const dc = project.model.devcontainer;
    const generated = services.length === 0 && dc ? await ports.devcontainer.removeConfig(dc) : undefined;
    if (generated) outcome.files.push(generated);
    return { how: "unpin", restored: outcome.restored, files: outcome.files };
  } finally {
    session.release();
  }
}
