/**
 * Runs once before the suite: gives the run an id that every image, container and volume a
 * test creates carries as a label (kiln.test.run=<id>), and removes what is left at the end.
 * Without an engine it stops the run with how to start one, unless only unit tests were asked for.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import os from "node:os";

const LABEL = "kiln.test.run";

function engineUp(): boolean {
  try {
    execFileSync("docker", ["version", "--format", "{{.Server.Version}}"], {
      stdio: "pipe",
      timeout: 10_000,
    });
    return true;
  } catch {
    return false;
  }
}

function sweep(runId: string): void {
  const filter = `label=${LABEL}=${runId}`;
  const list = (args: string[]): string[] =>
    execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
      .split("\n")
      .filter(Boolean);
  try {
    const containers = list(["ps", "-aq", "--filter", filter]);
    if (containers.length) execFileSync("docker", ["rm", "-f", "-v", ...containers], { stdio: "ignore" });
    const images = list(["image", "ls", "-q", "--filter", filter]);
    if (images.length) execFileSync("docker", ["image", "rm", "-f", ...new Set(images)], { stdio: "ignore" });
    // fingerprints are content addresses: a test whose files match an image built earlier (by
    // another run) gets that image tagged with its own project name (`kiln-test-…`), not built
    // another run's fixture (its temp dir still exists) may be using a tag right now: leave it
    const alive = new Set(
      readdirSync(os.tmpdir())
        .filter((n) => n.startsWith("kiln-test-"))
        .map((n) => n.toLowerCase()),
    );
    const tags = list(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"]).filter((t) => {
      const owner = /kiln-test-[a-z0-9]+/.exec(t)?.[0];
      return owner !== undefined && !alive.has(owner);
    });
    if (tags.length) execFileSync("docker", ["image", "rm", "-f", ...tags], { stdio: "ignore" });
    const volumes = list(["volume", "ls", "-q", "--filter", filter]);
    if (volumes.length) execFileSync("docker", ["volume", "rm", "-f", ...volumes], { stdio: "ignore" });
  } catch {
    // best effort: a failed sweep must not hide the test results
  }
}

/**
 * Unit tests only: `npm run test:unit` (KILN_TEST_UNIT_ONLY=1), or vitest given only files or
 * folders under test/unit. Everything else needs the engine.
 */
export function unitOnly(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  if (env.KILN_TEST_UNIT_ONLY === "1") return true;
  const paths = argv.filter((a) => /^(\.\/)?test\//.test(a) || /\.test\.ts$/.test(a));
  return paths.length > 0 && paths.every((a) => /^(\.\/)?test\/unit(\/|$)/.test(a));
}

export const NO_ENGINE_MESSAGE =
  "no Docker engine answers (`docker version` failed), and the integration tests need one: " +
  "start it with `bash scripts/dev-engine.sh` (installs it on a fresh Debian machine), " +
  "or run the unit tests only: `npm run test:unit`";

export default function setup(): () => void {
  const runId = process.env.KILN_TEST_RUN ?? `t${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
  process.env.KILN_TEST_RUN = runId;
  process.env.KILN_TEST_ENGINE = engineUp() ? "1" : "0";
  // an engine suite never skips silently: CI must not pass with the integration tier left out
  if (process.env.KILN_TEST_ENGINE !== "1" && !unitOnly(process.argv.slice(2), process.env))
    throw new Error(NO_ENGINE_MESSAGE);
  return () => {
    if (process.env.KILN_TEST_ENGINE === "1") sweep(runId);
  };
}
