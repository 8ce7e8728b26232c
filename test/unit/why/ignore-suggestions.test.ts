import { describe, expect, it } from "vitest";
import { ignoreSuggestions } from "../../../src/core/why/ignore-suggestions.js";
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
