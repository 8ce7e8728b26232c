/**
 * A spy `docker` first on PATH: logs every invocation's arguments, then runs the real client.
 * Counts builds from outside kiln, never from kiln's own output.
 */
import { mkdtempSync, readFileSync, writeFileSync, chmodSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface SpyDocker {
  binDir: string;
  log: string;
  /** PATH with the spy first */
  path: string;
  calls(): string[][];
  builds(): number;
}

export function makeSpyDocker(realDocker = "/usr/local/bin/docker"): SpyDocker {
  const binDir = mkdtempSync(path.join(os.tmpdir(), "kiln-spy-"));
  const log = path.join(binDir, "calls.log");
  writeFileSync(log, "");
  const script = `#!/bin/sh\nprintf '%s\\037' "$@" >> "${log}"\nprintf '\\n' >> "${log}"\nexec "${realDocker}" "$@"\n`;
  writeFileSync(path.join(binDir, "docker"), script);
  chmodSync(path.join(binDir, "docker"), 0o755);
  return {
    binDir,
    log,
    path: `${binDir}:${process.env.PATH ?? ""}`,
    calls: () =>
      existsSync(log)
        ? readFileSync(log, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((l) => l.split("\u001f").filter((x) => x !== ""))
        : [],
    builds(): number {
      return this.calls().filter((c) => c.includes("build") && !c.includes("version")).length;
    },
  };
}
