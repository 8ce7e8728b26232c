import { describe, expect, it } from "vitest";
import { ignoreSuggestions, unreadLines, writtenPaths } from "../../../src/core/why/ignore-suggestions.js";
import type { ProjectModel, ServiceModel } from "../../../src/core/compose/model.js";
import { buildSpec } from "../../helpers/build-spec.js";

const service = {
  name: "app",
  imageName: "p-app",
  build: buildSpec("/p"),
  environment: {},
  volumes: [
    { type: "bind", source: "/p/data", target: "/data", readOnly: false },
    { type: "bind", source: "/elsewhere", target: "/x", readOnly: false },
    { type: "volume", source: "cache", target: "/c", readOnly: false },
  ],
  profiles: [],
  dependsOn: [],
} as unknown as ServiceModel;
const model = { services: [service] } as unknown as ProjectModel;
const files = {
  ".devcontainer": "d755",
  ".devcontainer/devcontainer.json": "644:a",
  data: "d755",
  "data/x": "644:b",
};

describe("ignoreSuggestions", () => {
  it("names devcontainer.json and bind-mounted folders inside a context read whole", () => {
    expect(
      ignoreSuggestions(model, service, { files, reads: { whole: ["COPY ."] } }).map((s) => s.line),
    ).toEqual([".devcontainer/devcontainer.json", "data/"]);
  });

  it("says nothing when the build reads only its sources, or the files are already ignored", () => {
    expect(ignoreSuggestions(model, service, { files, reads: { whole: [] } })).toEqual([]);
    expect(ignoreSuggestions(model, service, { files: {}, reads: { whole: ["COPY ."] } })).toEqual([]);
  });
});

describe("files written by initializeCommand (#15.2)", () => {
  it("reads redirection targets, touch/tee/mkdir operands and the last cp/mv/ln operand", () => {
    expect(writtenPaths("touch .devcontainer/.env && echo x>>.devcontainer/log")).toEqual([
      ".devcontainer/.env",
      ".devcontainer/log",
    ]);
    expect(writtenPaths(["cp", "-f", "a", "b/c"])).toEqual(["b/c"]);
    expect(writtenPaths({ a: "mkdir -p tmp/x; cat README.md 2>/dev/null", b: "env > $HOME/x" })).toEqual([
      "tmp/x",
      "/dev/null",
    ]);
    expect(writtenPaths(undefined)).toEqual([]);
    expect(writtenPaths("cat .devcontainer/devcontainer.json | grep x")).toEqual([]);
  });

  it("suggests those inside the context and in it now", () => {
    const withDc = {
      ...model,
      devcontainer: {
        workspaceFolder: "/p",
        config: { initializeCommand: "touch .devcontainer/.env; date > /tmp/out; mkdir -p cache" },
      },
    } as unknown as ProjectModel;
    expect(
      ignoreSuggestions(withDc, service, {
        files: { ...files, ".devcontainer/.env": "644:c" },
        reads: { whole: ["COPY ."] },
      }).map((s) => s.line),
    ).toEqual([".devcontainer/.env", ".devcontainer/devcontainer.json", "data/"]);
  });
});

describe("unreadLines: what doctor --fix may write", () => {
  const s = ignoreSuggestions(model, service, { files, reads: { whole: ["COPY ."] } });
  it("keeps nothing when a source reads the whole context", () => {
    expect(unreadLines(s, "FROM x\nCOPY . /app\n", {})).toEqual([]);
    expect(unreadLines(s, "# syntax=other/frontend\nFROM x\nCOPY a /app\n", {})).toEqual([]);
  });
  it("keeps the paths no named source matches when only ONBUILD made the context whole", () => {
    const df = "FROM x\nONBUILD COPY . /src\nCOPY data/seed.sql /app/\n";
    expect(unreadLines(s, df, {}).map((x) => x.line)).toEqual([".devcontainer/devcontainer.json"]);
    expect(unreadLines(s, "FROM x\nCOPY a /app\n", {}).map((x) => x.line)).toEqual([
      ".devcontainer/devcontainer.json",
      "data/",
    ]);
  });
});
