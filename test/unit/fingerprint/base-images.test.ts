import { describe, expect, it } from "vitest";
import { baseImagesOf, expandVars } from "../../../src/core/fingerprint/index.js";
import { normalizeImageRef } from "../../../src/core/image-ref.js";
import { argDeclarations, parseInstructions } from "../../../src/core/fingerprint/dockerfile-instructions.js";

describe("baseImagesOf", () => {
  it("expands global ARGs with build args over defaults, and skips scratch and stages", () => {
    const dockerfile = [
      "# syntax=docker/dockerfile:1",
      "ARG BASE=kiln-local/debian",
      "ARG TAG",
      "FROM --platform=$BUILDPLATFORM ${BASE}:${TAG:-bookworm} AS build",
      "RUN <<EOF",
      "FROM not-an-instruction",
      "EOF",
      "FROM Build AS again",
      "FROM scratch",
      "FROM kiln-local/busybox:latest",
      "FROM again",
    ].join("\n");
    expect(baseImagesOf(dockerfile, {})).toEqual(["kiln-local/debian:bookworm", "kiln-local/busybox:latest"]);
    expect(baseImagesOf(dockerfile, { BASE: "reg:5000/img", TAG: "1" })).toEqual([
      "reg:5000/img:1",
      "kiln-local/busybox:latest",
    ]);
    // a declared-but-unset build arg (null) leaves the default in place
    expect(baseImagesOf(dockerfile, { BASE: null })).toEqual([
      "kiln-local/debian:bookworm",
      "kiln-local/busybox:latest",
    ]);
  });

  it("does not see ARGs declared after the first FROM", () => {
    expect(baseImagesOf("FROM kiln-local/busybox AS a\nARG X=y\nFROM img-$X\n", {})).toEqual([
      "kiln-local/busybox",
      "img-",
    ]);
  });

  it("expands the TARGET* args from the service platform", () => {
    expect(baseImagesOf("FROM img:$TARGETARCH\n", {}, "linux/arm64")).toEqual(["img:arm64"]);
  });
});

describe("expandVars", () => {
  const scope = new Map([
    ["A", "a"],
    ["E", ""],
  ]);
  it("implements the Dockerfile modifiers", () => {
    expect(expandVars("$A ${A} ${U:-d} ${E:-d} ${E-d} ${A:+alt} ${U:+alt} ${E+set} ${U-${A}x}", scope)).toBe(
      "a a d d  alt  set ax",
    );
    expect(expandVars("\\$A $ $1", scope)).toBe("$A $ $1");
  });
});

describe("normalizeImageRef", () => {
  it("adds :latest and drops the Docker Hub defaults", () => {
    expect(normalizeImageRef("busybox")).toBe("busybox:latest");
    expect(normalizeImageRef("docker.io/library/busybox:1")).toBe("busybox:1");
    expect(normalizeImageRef("localhost:5000/app")).toBe("localhost:5000/app:latest");
    expect(normalizeImageRef("app@sha256:abc")).toBe("app@sha256:abc");
  });
});

describe("parseInstructions", () => {
  it("joins continuations, drops comments inside them, and honours # escape=", () => {
    const text =
      '# syntax=docker/dockerfile:1\n# escape=`\nARG A=1 `\n  # a comment\n\n  B="x y"\nfrom --platform=linux/amd64 `\n  img:${A} as base\n';
    expect(parseInstructions(text)).toEqual([
      { keyword: "ARG", args: 'A=1   B="x y"', line: 3 },
      { keyword: "FROM", args: "--platform=linux/amd64   img:${A} as base", line: 7 },
    ]);
    expect(baseImagesOf(text, {})).toEqual(["img:1"]);
    expect(argDeclarations('A=1   B="x y" C')).toEqual([
      { name: "A", value: "1" },
      { name: "B", value: "x y" },
      { name: "C" },
    ]);
  });

  it("skips heredoc bodies, including <<- with tabs and quoted words", () => {
    const text = 'FROM a\nCOPY <<-"EOF" <<END /x\n\tFROM b\n\tEOF\nFROM c\nEND\nRUN echo\nFROM d\n';
    expect(parseInstructions(text).map((i) => i.keyword)).toEqual(["FROM", "COPY", "RUN", "FROM"]);
    expect(baseImagesOf(text, {})).toEqual(["a", "d"]);
  });
});
