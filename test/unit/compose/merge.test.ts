import { describe, expect, it } from "vitest";
import { mergeDicts, stripMarkers } from "../../../src/core/compose/merge.js";
import { canonicalService } from "../../../src/core/compose/canonical.js";
import { OverrideValue, RESET } from "../../../src/core/compose/yaml-tree.js";

const svc = (base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> =>
  stripMarkers(
    mergeDicts({ services: { s: canonicalService(base) } }, { services: { s: canonicalService(over) } }, []),
  ) as Record<string, unknown>;
const merged = (base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> =>
  (svc(base, over).services as Record<string, Record<string, unknown>>).s;

describe("merge rules (compose v2)", () => {
  it("merges mappings and replaces scalars", () => {
    expect(
      merged({ image: "a", environment: { A: "1", B: "2" } }, { image: "b", environment: ["B=3", "C=4"] }),
    ).toEqual({
      image: "b",
      environment: { A: "1", B: "3", C: "4" },
    });
  });

  it("merges build (short form in one file, long form in the next)", () => {
    expect(merged({ build: "./app" }, { build: { target: "dev", args: ["X=1"] } })).toEqual({
      build: { context: "./app", target: "dev", args: { X: "1" } },
    });
  });

  it("replaces command and entrypoint, appends other sequences", () => {
    expect(
      merged(
        { command: ["a", "b"], entrypoint: "x", cap_add: ["A"], build: { cache_from: ["c1"] } },
        { command: ["c"], entrypoint: "y", cap_add: ["B"], build: { cache_from: ["c2"] } },
      ),
    ).toEqual({ command: ["c"], entrypoint: "y", cap_add: ["A", "B"], build: { cache_from: ["c1", "c2"] } });
  });

  it("merges volumes by target: another volume on the same path replaces the mount", () => {
    const out = merged({ volumes: ["data:/data", "./logs:/logs"] }, { volumes: ["other:/data"] });
    expect(out.volumes).toEqual([
      { type: "volume", source: "other", target: "/data" },
      { type: "bind", source: "./logs", target: "/logs", bind: { create_host_path: true } },
    ]);
  });

  it("merges secrets by source and ports by value", () => {
    const out = merged(
      { secrets: ["a"], ports: ["80:80"] },
      { secrets: [{ source: "a", target: "t" }, "b"], ports: ["80:80", "443:443"] },
    );
    expect(out.secrets).toEqual([{ source: "a", target: "t" }, { source: "b" }]);
    expect(out.ports).toEqual(["443:443", "80:80"]);
  });

  it("!reset removes and !override replaces", () => {
    const out = merged(
      { ports: ["80:80"], build: { args: { A: "1" }, target: "x" } },
      { ports: new OverrideValue(["81:81"]), build: { args: RESET } },
    );
    expect(out).toEqual({ ports: ["81:81"], build: { target: "x" } });
  });

  it("strips markers that had nothing underneath", () => {
    expect(stripMarkers({ a: RESET, b: new OverrideValue([1, RESET]), c: { d: RESET } })).toEqual({
      b: [1],
      c: {},
    });
  });
});

describe("markers through the whole loader", () => {
  it("interpolates inside !override and applies !reset from a later file", async () => {
    const { loadProjectSync } = await import("../../../src/adapters/project-loader.js");
    const { memoryIo } = await import("./memory-io.js");
    const p = loadProjectSync(
      { projectDir: "/p", env: { IMG: "over" } },
      memoryIo({
        "/p/compose.yaml":
          "services:\n  a:\n    image: base\n    build: {context: ., args: {A: '1'}}\n    ports: ['80:80']\n",
        "/p/compose.override.yaml":
          "services:\n  a:\n    image: !override ${IMG}\n    build: {args: !reset {}}\n    ports: !reset []\n",
      }),
    );
    expect(p.services[0]?.image).toBe("over");
    expect(p.services[0]?.build?.args).toEqual({});
  });
});
