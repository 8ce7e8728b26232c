import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { realPorts } from "../../../src/adapters/real-ports.js";
import { withReporter, type Ports } from "../../../src/app/ports.js";
import { quietReporter } from "../../../src/report/progress/create-reporter.js";

let home: string | undefined;
afterEach(() => {
  if (home) rmSync(home, { recursive: true, force: true });
  home = undefined;
});

describe("the real ports", () => {
  // every command builds them (cli/runtime.ts): `kiln lint --context typo` must not fail on them
  it("resolve the engine only when a use case first asks for it", () => {
    home = mkdtempSync(path.join(os.tmpdir(), "kiln-ports-"));
    const env = { HOME: home, DOCKER_CONFIG: path.join(home, ".docker") };
    const ports: Ports = realPorts({
      env,
      context: "no-such-context",
      reporter: quietReporter,
      log: () => undefined,
    });
    const recorded = withReporter(ports, quietReporter);
    expect(() => recorded.engine).toThrow(/docker context "no-such-context" does not exist/);
    expect(() => ports.engine).toThrow(/docker context "no-such-context" does not exist/);
  });
});
