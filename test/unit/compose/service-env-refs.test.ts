import { describe, expect, it } from "vitest";
import { loadProjectSync } from "../../../src/adapters/project-loader.js";
import type { LoadProjectOptions } from "../../../src/core/compose/model.js";
import { memoryIo, thrown } from "./memory-io.js";

const load = (files: Record<string, string>, o: LoadProjectOptions = {}) =>
  loadProjectSync({ projectDir: "/p", env: {}, ...o }, memoryIo(files));

describe("env_file and environment", () => {
  const files = {
    "/p/compose.yaml": [
      "services:",
      "  app:",
      "    image: x",
      "    env_file: [conf/a.env, {path: conf/optional.env, required: false}, conf/b.env]",
      "    environment: {B: from-environment, SHELL_ONLY: null}",
    ].join("\n"),
    "/p/conf/a.env": "A=1\nB=from-a\nREF=${TAG:-none}\n",
    "/p/conf/b.env": "A=2\n",
    "/p/.env": "TAG=t1\n",
  };

  it("reads the files in order under environment:, interpolated with the project environment", () => {
    expect(load(files, { env: { SHELL_ONLY: "s" } }).services[0]?.environment).toEqual({
      A: "2",
      B: "from-environment",
      REF: "t1",
      SHELL_ONLY: "s",
    });
  });

  it("names a missing required env file at its env_file key", () => {
    const rest: Record<string, string> = { ...files };
    delete rest["/p/conf/b.env"];
    const e = thrown(() => load(rest));
    expect(e.code).toBe("ERR_KILN_COMPOSE_NOT_FOUND");
    expect(e.message).toContain("/p/conf/b.env");
    expect(e.location).toBe("/p/compose.yaml:4:5");
  });
});

describe("references to services", () => {
  it("refuses depends_on an undefined service", () => {
    const e = thrown(() =>
      load({
        "/p/compose.yaml":
          "services:\n  a:\n    image: x\n    depends_on:\n      b: {condition: service_started}\n",
      }),
    );
    expect(e.code).toBe("ERR_KILN_UNKNOWN_SERVICE");
    expect(e.location).toBe("/p/compose.yaml:5:7");
  });

  it("refuses a devcontainer service the compose files do not define", () => {
    const e = thrown(() =>
      load(
        {
          "/p/.devcontainer/devcontainer.json":
            '{\n  "dockerComposeFile": "c.yml",\n  "service": "app",\n  "runServices": ["app", "gone"]\n}',
          "/p/.devcontainer/c.yml": "services:\n  app:\n    image: x\n",
        },
        { devcontainer: true },
      ),
    );
    expect(e.code).toBe("ERR_KILN_UNKNOWN_SERVICE");
    expect(e.message).toContain('"gone"');
    expect(e.location).toBe("/p/.devcontainer/devcontainer.json:4");
  });
});
