import { describe, expect, it } from "vitest";
import { shellParses } from "../../../src/adapters/shell-check.js";
import { fixUntilStable, runScripts } from "../../../src/core/lint/lint.js";

const NODE_MONGO = `FROM kiln-local/debian:bookworm
RUN apt-get update && export DEBIAN_FRONTEND=noninteractive \\
    && if [ "x" = "x" ]; then apt-get -y install --no-install-recommends curl && apt-get clean -y; fi \\
    && rm -rf /var/lib/apt/lists/*
`;

describe("--fix never breaks the shell (#16.0)", () => {
  it("the node-mongo `; fi` shape keeps parsing as shell after the fix", () => {
    const fixed = fixUntilStable(NODE_MONGO, { path: "Dockerfile" }, 5, shellParses);
    for (const s of runScripts(fixed.text)) expect(shellParses(s)).toBe(true);
    expect(fixed.text).toContain("; fi");
  });

  it("the clean-up after `; fi` goes without taking `; fi` with it (fixed, not skipped)", () => {
    const fixed = fixUntilStable(NODE_MONGO, { path: "Dockerfile" });
    expect(fixed.text).toContain("--no-install-recommends curl; fi\n");
    expect(fixed.text).not.toContain("apt-get clean");
    expect(fixed.text).not.toContain("rm -rf /var/lib/apt/lists");
    for (const s of runScripts(fixed.text)) expect(shellParses(s)).toBe(true);
    expect(fixed.findings).toEqual([]);
  });

  it("a last clean-up on a continued line goes with the `&& \\` before it (fixed, not skipped)", () => {
    const shapes = [
      "RUN apt-get update && \\\n    apt-get install -y less && \\\n    rm -rf /var/lib/apt/lists/*\n",
      "RUN apt-get update \\\n    && apt-get install -y less \\\n    && rm -rf /var/lib/apt/lists/*\n",
      "RUN apt-get update && \\\n    apt-get install -y less && \\\n    rm -rf /var/lib/apt/lists/* && \\\n    echo done\n",
      "RUN apt-get update; \\\n    apt-get install -y less; \\\n    rm -rf /var/lib/apt/lists/*\n",
      'RUN apt-get update && if [ -n "$X" ]; then apt-get install -y less; fi && \\\n    rm -rf /var/lib/apt/lists/*\n',
    ];
    for (const shape of shapes) {
      const text = `FROM kiln-local/debian:bookworm\n${shape}`;
      const fixed = fixUntilStable(text, { path: "Dockerfile" }, 5, shellParses);
      expect(fixed.text, shape).not.toContain("rm -rf /var/lib/apt/lists");
      expect(fixed.text, shape).toContain("apt-get install -y less");
      for (const s of runScripts(fixed.text))
        expect(shellParses(s), `${shape}\n->\n${fixed.text}`).toBe(true);
      expect(
        fixed.findings.filter((f) => f.message.includes("not fixed")),
        shape,
      ).toEqual([]);
    }
  });

  it("a command that opens a compound body is not removed (`then apt-get clean; fi`)", () => {
    const text =
      "FROM debian\nRUN apt-get update && apt-get install -y curl && if true; then apt-get clean; fi\n";
    const fixed = fixUntilStable(text, { path: "Dockerfile" }, 5, shellParses).text;
    expect(fixed).toContain("then apt-get clean; fi");
    for (const s of runScripts(fixed)) expect(shellParses(s)).toBe(true);
  });

  it("a fix the shell check rejects is skipped and reported as not fixed, with a note", () => {
    const rejectKeepCache = (script: string): boolean => !script.includes("keep-cache");
    const fixed = fixUntilStable(NODE_MONGO, { path: "Dockerfile" }, 5, rejectKeepCache);
    expect(fixed.text).toBe(NODE_MONGO);
    const left = fixed.findings.filter((f) => f.message.includes("not fixed"));
    expect(left.length).toBeGreaterThan(0);
    expect(left.every((f) => !f.fixable)).toBe(true);
  });

  it("apt through sudo: the docker-clean removal uses sudo too", () => {
    const text = "FROM kiln-local/devbase\nRUN sudo apt-get update && sudo apt-get install -y curl\n";
    const fixed = fixUntilStable(text, { path: "Dockerfile" }, 5, shellParses).text;
    expect(fixed).toContain("sudo rm -f /etc/apt/apt.conf.d/docker-clean");
    expect(fixed).toContain("| sudo tee /etc/apt/apt.conf.d/keep-cache >/dev/null");
  });

  it("property: fixes over generated RUN lines with if/case/loops/subshells/heredocs/chains still parse", () => {
    const wraps = [
      (c: string) => `if [ -n "$X" ]; then ${c}; fi`,
      (c: string) => `case "$X" in a) ${c} ;; *) true ;; esac`,
      (c: string) => `for p in a b; do ${c}; done`,
      (c: string) => `(${c})`,
      (c: string) => `{ ${c}; }`,
      (c: string) => `true || ${c}`,
      (c: string) => `${c} && echo ok`,
      (c: string) => c,
    ];
    const cores = [
      "apt-get update && apt-get install -y curl && apt-get clean",
      "apt-get install -y curl && rm -rf /var/lib/apt/lists/*",
      "pip install --no-cache-dir flask",
      "npm ci && npm cache clean --force",
      "apk add --no-cache curl",
    ];
    let n = 0;
    for (const [i, a] of wraps.entries())
      for (const b of [wraps[(i + 3) % wraps.length], (c: string) => c])
        for (const core of cores) {
          const script = a(b(core));
          for (const form of [`RUN ${script}`, `RUN <<EOF\n${script}\nEOF`]) {
            const text = `FROM kiln-local/debian:bookworm\n${form}\n`;
            if (!runScripts(text).every(shellParses)) continue;
            const fixed = fixUntilStable(text, { path: "Dockerfile" }, 5, shellParses).text;
            for (const s of runScripts(fixed)) expect(shellParses(s), `${text}\n->\n${fixed}`).toBe(true);
            n++;
          }
        }
    expect(n).toBeGreaterThan(60);
  });
});
