/**
 * #12.7: a failed build shows BuildKit's error text and the failing step in a few lines — not the
 * raw progress stream (`"vertexes": …`) — in both BuildKit modes (the buildx plugin's rawjson and
 * the legacy 20.10 client's plain output). Also #12.10: a bake --mode override that pinned
 * nothing (every build failed) prints no "pinned  in <file>" line.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { engineAvailable, removeDir, runKiln, tempCopy, testLabel } from "../helpers/kiln.js";

const cases = [
  {
    name: "an unparsable Dockerfile",
    dockerfile: "FROM kiln-local/busybox:latest\nFOO bar\n",
    expect: [/dockerfile parse error line 2: unknown instruction: FOO/, /fix line 2 of .*Dockerfile/],
  },
  {
    name: "a base image that is not local and cannot be pulled",
    dockerfile: "FROM kiln-test-nosuch/base:1.0\nRUN true\n",
    expect: [
      /base image kiln-test-nosuch\/base:1\.0 is not on this engine and cannot be pulled/,
      /docker load/,
    ],
  },
  {
    name: "a failing RUN step",
    dockerfile:
      'FROM kiln-local/busybox:latest\nRUN echo compiling; echo "error: missing semicolon" >&2; exit 2\n',
    expect: [
      /build failed at \[2\/2\] RUN echo compiling/,
      /exit code: 2/,
      /^ {2}error: missing semicolon$/m,
    ],
  },
];

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

describe.skipIf(!engineAvailable())("build errors", () => {
  for (const mode of ["buildx", "legacy"] as const) {
    for (const c of cases) {
      it(`${mode}: ${c.name}`, () => {
        const dir = tempCopy();
        dirs.push(dir, `${dir}.state`);
        mkdirSync(path.join(dir, "app"));
        writeFileSync(path.join(dir, "app", "Dockerfile"), c.dockerfile);
        writeFileSync(path.join(dir, "compose.yaml"), "services:\n  app:\n    build: ./app\n");
        const r = runKiln(["bake", "--mode", "override", "--progress", "plain", "--project-dir", dir], {
          env: { KILN_BUILD_MODE: mode, KILN_STATE_DIR: `${dir}.state`, KILN_LABELS: testLabel() },
        });
        const shown = `${r.stdout}\n${r.stderr}`;
        expect(r.code, shown).toBe(1);
        for (const re of c.expect) expect(shown).toMatch(re);
        expect(shown).not.toMatch(/"vertexes"|"digest"|"started":/);
        // the message, the hint and the summary: short
        expect(r.stdout.split("\n").length, r.stdout).toBeLessThan(24);
        expect(r.stdout).not.toMatch(/pinned\s+in /);
      });
    }
  }
});
