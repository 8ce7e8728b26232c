/**
 * describeBuildFailure (#12.7) on the texts BuildKit prints on this machine's clients (buildx
 * 0.13 rawjson's closing ERROR line; the 20.10 client's plain closing message).
 */
import { describe, expect, it } from "vitest";
import { describeBuildFailure } from "../../../src/core/build/failure.js";
import { PlainProgressParser } from "../../../src/core/build/parse-plain.js";
import { RawJsonProgressParser } from "../../../src/core/build/parse-rawjson.js";

describe("describeBuildFailure", () => {
  it("takes the frontend's prefixes off a Dockerfile parse error and names its line", () => {
    const f = describeBuildFailure({
      stepLogs: [],
      messages: [
        "ERROR: failed to solve: rpc error: code = Unknown desc = failed to solve with frontend dockerfile.v0: failed to create LLB definition: dockerfile parse error line 2: unknown instruction: FOO",
      ],
    });
    expect(f.message).toBe("build failed: dockerfile parse error line 2: unknown instruction: FOO");
    expect(f.line).toBe(2);
  });

  it("names the base image BuildKit could not resolve", () => {
    const f = describeBuildFailure({
      failedStep: "[internal] load metadata for docker.io/library/python:3.11-slim",
      stepLogs: [],
      messages: [
        "------",
        " > [internal] load metadata for docker.io/library/python:3.11-slim:",
        "------",
        'failed to solve with frontend dockerfile.v0: failed to create LLB definition: failed to do request: Head "https://registry-1.docker.io/v2/library/python/manifests/3.11-slim": dial tcp: no such host',
      ],
    });
    expect(f.missingBase).toBe("python:3.11-slim");
    expect(f.message).toMatch(
      /^base image python:3\.11-slim is not on this engine and cannot be pulled: failed to do request/,
    );
  });

  it("shows the failing step, its error and its last output lines", () => {
    const f = describeBuildFailure({
      failedStep: "[2/2] RUN make",
      stepError: "executor failed running [/bin/sh -c make]: exit code: 2",
      stepLogs: ["cc -c main.c", "main.c:3: error: expected ';'", ""],
      messages: [],
    });
    expect(f.message).toBe(
      "build failed at [2/2] RUN make: executor failed running [/bin/sh -c make]: exit code: 2\nlast output of the step:\n  cc -c main.c\n  main.c:3: error: expected ';'",
    );
  });
});

describe("the engine's layer race", () => {
  it("is told apart from the Dockerfile's own failures", () => {
    const race = describeBuildFailure({
      failedStep: "exporting to image",
      stepError: "failed to get layer sha256:0123abcd: layer does not exist",
      stepLogs: [],
      messages: ["ERROR: failed to solve: failed to get layer sha256:0123abcd: layer does not exist"],
    });
    expect(race.engineRace).toBe(true);
    // the legacy client's closing message, only the step's error known
    expect(
      describeBuildFailure({ stepError: "layer does not exist", stepLogs: [], messages: [] }).engineRace,
    ).toBe(true);
    const own = describeBuildFailure({
      failedStep: "[2/2] RUN ./check-layers",
      stepError: 'process "/bin/sh -c ./check-layers" did not complete successfully: exit code: 1',
      // a step that prints the words is still the step's failure
      stepLogs: ["layer does not exist"],
      messages: [],
    });
    expect(own.engineRace).toBeUndefined();
  });
});

describe("progress parsers keep the client's closing messages apart", () => {
  it("rawjson: lines outside the JSON objects", () => {
    const p = new RawJsonProgressParser();
    for (const line of [
      "{",
      '  "vertexes": [ { "digest": "sha256:1", "name": "x", "error": "boom" } ]',
      "}",
      "ERROR: failed to solve: boom",
    ])
      p.push(line);
    expect(p.messages).toEqual(["ERROR: failed to solve: boom"]);
  });

  it("plain: lines that are not #N progress", () => {
    const p = new PlainProgressParser();
    for (const line of ["#5 [2/2] RUN x", "#5 ERROR: boom", "------", "failed to solve: boom"]) p.push(line);
    expect(p.messages).toEqual(["------", "failed to solve: boom"]);
  });
});
