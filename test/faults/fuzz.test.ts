/**
 * Fuzzing (fault suite): the compose loader and the Dockerfile linter (lint + fix) on 10,000
 * seeded generated inputs each — grammar-generated files and mutations of the repo's real
 * fixtures. The loader may only throw KilnError (a usage error the user can act on); the
 * linter may not throw at all nor report an `internal` finding (a rule that crashed). Prints
 * the counts; a failure prints the seed and the input to replay it.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadProjectSync } from "../../src/adapters/project-loader.js";
import { isKilnError } from "../../src/core/errors.js";
import { fixUntilStable, lintDockerfile } from "../../src/core/lint/lint.js";
import { memoryIo } from "../unit/compose/memory-io.js";
import { seeded } from "../helpers/kiln-async.js";
import { fixturesDir, repoRoot } from "../helpers/kiln.js";
import { composeFromGrammar, corpus, dockerfileFromGrammar, mutate, pick } from "./generators.js";

const INPUTS = Number(process.env.KILN_FUZZ_INPUTS ?? 10_000);
const SEED = Number(process.env.KILN_FUZZ_SEED ?? 12);

interface Failure {
  n: number;
  input: string;
  error: string;
}

function report(what: string, failures: Failure[]): string {
  return failures
    .slice(0, 3)
    .map((f) => `${what} #${f.n} (seed ${SEED}):\n----\n${f.input}\n----\n${f.error}`)
    .join("\n\n");
}

describe("fuzzing", () => {
  it(`compose loader: ${INPUTS} seeded inputs, only KilnError`, () => {
    const random = seeded(SEED);
    const seeds = [
      ...corpus(path.join(fixturesDir, "compose"), /\.ya?ml$/),
      ...corpus(path.join(repoRoot, "examples"), /\.ya?ml$/),
    ];
    const counts = { inputs: 0, loaded: 0, kilnErrors: 0 };
    const failures: Failure[] = [];
    const dockerfile = "FROM kiln-local/busybox:latest\n";
    for (let n = 0; n < INPUTS; n++) {
      const main = random() < 0.5 ? composeFromGrammar(random) : mutate(random, pick(random, seeds));
      const files: Record<string, string> = {
        "/p/compose.yaml": main,
        "/p/Dockerfile": dockerfile,
        "/p/api/Dockerfile": dockerfile,
      };
      if (random() < 0.25) files["/p/compose.override.yaml"] = composeFromGrammar(random);
      if (random() < 0.2)
        files["/p/.env"] = pick(random, [
          "TAG=1\nCTX=.\n",
          "broken line\n",
          "X='unterminated\n",
          "A=${B}\nB=${A}\n",
        ]);
      if (random() < 0.1)
        files["/p/.devcontainer/devcontainer.json"] = mutate(
          random,
          '{ "dockerComposeFile": ["../compose.yaml"], "service": "web" }',
        );
      counts.inputs++;
      try {
        loadProjectSync(
          {
            projectDir: "/p",
            env: { TAG: "t" },
            ...(files["/p/.devcontainer/devcontainer.json"] ? { devcontainer: true as const } : {}),
          },
          memoryIo(files),
        );
        counts.loaded++;
      } catch (error: unknown) {
        if (isKilnError(error)) counts.kilnErrors++;
        else
          failures.push({
            n,
            input: main,
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          });
      }
    }
    console.log(
      `fuzz compose loader: ${counts.inputs} inputs (seed ${SEED}): ${counts.loaded} loaded, ${counts.kilnErrors} KilnError, ${failures.length} other exceptions`,
    );
    expect(failures.length, report("compose", failures)).toBe(0);
    expect(counts.inputs).toBeGreaterThanOrEqual(INPUTS);
  }, 600_000);

  it(`Dockerfile linter: ${INPUTS} seeded inputs, no exception, no internal finding`, () => {
    const random = seeded(SEED + 1);
    const seeds = corpus(fixturesDir, /^Dockerfile/);
    const counts = { inputs: 0, findings: 0, fixed: 0 };
    const failures: Failure[] = [];
    for (let n = 0; n < INPUTS; n++) {
      const text = random() < 0.5 ? dockerfileFromGrammar(random) : mutate(random, pick(random, seeds));
      const options = {
        path: "Dockerfile",
        ...(random() < 0.5
          ? {
              contextFiles: ["package.json", "package-lock.json", "src", "requirements.txt", ".dockerignore"],
            }
          : {}),
      };
      counts.inputs++;
      try {
        const findings = lintDockerfile(text, options);
        counts.findings += findings.length;
        const internal = findings.filter((f) => f.rule === "internal");
        const fixed = fixUntilStable(text, options);
        if (fixed.text !== text) counts.fixed++;
        internal.push(...fixed.findings.filter((f) => f.rule === "internal"));
        if (internal.length > 0)
          failures.push({ n, input: text, error: internal.map((f) => f.message).join("\n") });
      } catch (error: unknown) {
        failures.push({
          n,
          input: text,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
      }
    }
    console.log(
      `fuzz Dockerfile linter: ${counts.inputs} inputs (seed ${SEED + 1}): ${counts.findings} findings, ${counts.fixed} changed by --fix, ${failures.length} exceptions/internal findings`,
    );
    expect(failures.length, report("Dockerfile", failures)).toBe(0);
  }, 600_000);
});
