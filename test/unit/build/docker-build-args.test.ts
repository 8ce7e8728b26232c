import { describe, expect, it } from "vitest";
import { buildArgs } from "../../../src/core/build/docker-build-args.js";
import { injectRebuildArg } from "../../../src/core/build/rebuild-nonce.js";

describe("buildArgs", () => {
  const req = {
    context: "/p/ctx",
    dockerfile: "/p/ctx/Dockerfile",
    tags: ["app:latest", "app:kiln-0123456789ab"],
    labels: { "kiln.service": "app" },
    args: { A: "1", UNSET: null, EMPTY: "", SHELLY: "$(rm -rf /); `x`" },
    target: "dev",
    secrets: [
      { id: "tok", source: { environment: "TOKEN" } },
      { id: "f", source: { file: "/p/secret.txt" } },
    ],
    additionalContexts: { base: "/p/base" },
  };

  it("buildx: load, rawjson progress, iidfile, every spec field; values stay single arguments", () => {
    const a = buildArgs("buildx", req, { iidFile: "/t/iid" });
    expect(a.slice(0, 4)).toEqual(["buildx", "build", "--load", "--progress=rawjson"]);
    expect(a).toContain("--iidfile");
    expect(a).toContain("A=1");
    expect(a).toContain("EMPTY=");
    expect(a.join(" ")).not.toContain("UNSET");
    expect(a).toContain("SHELLY=$(rm -rf /); `x`");
    expect(a).toEqual(
      expect.arrayContaining([
        "--target",
        "dev",
        "--secret",
        "id=tok,env=TOKEN",
        "--secret",
        "id=f,src=/p/secret.txt",
        "--build-context",
        "base=/p/base",
      ]),
    );
    expect(a[a.length - 1]).toBe("/p/ctx");
  });

  it("legacy: plain progress; an inline Dockerfile goes through stdin", () => {
    const a = buildArgs(
      "legacy",
      { ...req, dockerfile: undefined, dockerfileInline: "FROM x" },
      { iidFile: "/t/iid" },
    );
    expect(a.slice(0, 2)).toEqual(["build", "--progress=plain"]);
    expect(a).toEqual(expect.arrayContaining(["-f", "-"]));
  });
});

describe("injectRebuildArg", () => {
  it("declares the ARG after every FROM, continuation lines respected, syntax line untouched", () => {
    const df = "# syntax=docker/dockerfile:1\nFROM a AS one\nRUN x\nFROM \\\n  b\nRUN y\n";
    expect(injectRebuildArg(df)).toBe(
      "# syntax=docker/dockerfile:1\nFROM a AS one\nARG KILN_REBUILD\nRUN x\nFROM \\\n  b\nARG KILN_REBUILD\nRUN y\n",
    );
  });
  it("keeps CRLF line endings", () => {
    expect(injectRebuildArg("FROM a\r\nRUN x\r\n")).toBe("FROM a\r\nARG KILN_REBUILD\r\nRUN x\r\n");
  });
});
