/**
 * kiln's build history for one project, in its state dir (outside the project):
 *  - fingerprints/<hash>.json  the manifest of every fingerprint kiln built, so a later plan
 *                              can say what changed ("sources changed (api/server.txt)")
 *  - services.json             per service: last built fingerprint, rebuild nonce, last cold
 *                              build duration
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface ServiceHistory {
  lastFingerprint?: string;
  /**
   * the key of the inputs the compose model alone decides (declaredInputsKey) of the service's
   * image: the one it was last built or pulled as, or found fresh as since
   */
  lastInputs?: string;
  /** set by `kiln rebuild`: every later build declares ARG KILN_REBUILD with this value */
  rebuildNonce?: string;
  /** duration of the last build that cached no step */
  lastColdMs?: number;
  lastBuiltAt?: string;
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 1)}\n`);
  renameSync(tmp, file);
}

export class HistoryStore {
  constructor(private readonly stateDir: string) {}

  private get servicesFile(): string {
    return path.join(this.stateDir, "services.json");
  }

  manifest<T>(hash: string): T | undefined {
    return readJson<T>(path.join(this.stateDir, "fingerprints", `${hash}.json`));
  }

  /** the manifest whose hash starts with `prefix` (a pinned tag's 12 hex), when exactly one does */
  manifestByPrefix<T>(prefix: string): T | undefined {
    let names: string[];
    try {
      names = readdirSync(path.join(this.stateDir, "fingerprints")).filter(
        (n) => n.startsWith(prefix) && n.endsWith(".json"),
      );
    } catch {
      return undefined;
    }
    return names.length === 1 ? this.manifest<T>(names[0].slice(0, -".json".length)) : undefined;
  }

  saveManifest(hash: string, manifest: unknown): void {
    writeJson(path.join(this.stateDir, "fingerprints", `${hash}.json`), manifest);
  }

  services(): Record<string, ServiceHistory> {
    return readJson<Record<string, ServiceHistory>>(this.servicesFile) ?? {};
  }

  service(name: string): ServiceHistory {
    return this.services()[name] ?? {};
  }

  updateService(name: string, patch: ServiceHistory): void {
    const all = this.services();
    all[name] = { ...all[name], ...patch };
    writeJson(this.servicesFile, all);
  }
}
