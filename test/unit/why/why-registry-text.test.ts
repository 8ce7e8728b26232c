import { describe, expect, it } from "vitest";
import { formatWhy } from "../../../src/report/why-text.js";
import type { ServiceWhy } from "../../../src/core/why/why-report.js";

const fp = (c: string) => c.repeat(64);
const base: ServiceWhy = { service: "app", state: "no-previous", fingerprint: fp("b") };
const say = (registry: ServiceWhy["registry"]) =>
  formatWhy({ project: "p", services: [{ ...base, ...(registry ? { registry } : {}) }] })
    .split("\n")
    .filter((l) => l.includes("registry") || l.startsWith("      "));

describe("why text: the registry's fingerprint (#15.3)", () => {
  it("says it holds the current one, or which one kiln-latest carries and what differs", () => {
    expect(
      say({ name: "r:5000/t", tag: `kiln-${"b".repeat(12)}`, fingerprint: fp("b"), current: true }),
    ).toEqual([`    registry r:5000/t: holds the current fingerprint (kiln-${"b".repeat(12)})`]);
    const changes = {
      files: { added: [], removed: [], changed: ["req.txt"] },
      args: [],
      additionalContexts: [],
      baseImages: [],
      services: [],
      labels: false,
    };
    expect(
      say({ name: "r:5000/t", tag: "kiln-latest", fingerprint: fp("a"), current: false, changes }),
    ).toEqual([
      `    registry r:5000/t: has fingerprint kiln-${"a".repeat(12)} (kiln-latest), not kiln-${"b".repeat(12)}`,
      "      files changed: req.txt",
    ]);
    expect(say({ name: "r:5000/t", tag: "kiln-latest", fingerprint: fp("a"), current: false })[1]).toContain(
      "no manifest",
    );
  });

  it("says when the registry holds nothing or could not be asked, and nothing without a registry", () => {
    expect(say({ name: "r:5000/t", current: false })).toEqual([
      "    registry r:5000/t: holds no image for app",
    ]);
    expect(say({ name: "r:5000/t", current: false, error: "registry r:5000/t is unreachable" })[0]).toContain(
      "not asked",
    );
    expect(say(undefined)).toEqual([]);
  });
});
