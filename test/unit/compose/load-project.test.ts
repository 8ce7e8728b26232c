import { describe, expect, it } from "vitest";
import { loadProjectSync } from "../../../src/adapters/project-loader.js";
import type { LoadProjectOptions } from "../../../src/core/compose/model.js";
import { memoryIo, thrown } from "./memory-io.js";

const load = (
  files: Record<string, string>,
  options: LoadProjectOptions = {},
): ReturnType<typeof loadProjectSync> =>
  loadProjectSync({ projectDir: "/work/My App", env: {}, ...options }, memoryIo(files));

describe("which files", () => {
  const files = {
    "/work/My App/docker-compose.yml": "services:\n  a:\n    image: from-main\n",
    "/work/My App/compose.yaml": "services:\n  a:\n    image: from-compose-yaml\n",
    "/work/My App/docker-compose.override.yml": "services:\n  a:\n    environment: {O: '1'}\n",
    "/work/My App/other.yml": "services:\n  b:\n    image: other\n",
  };

  it("prefers compose.yaml and adds the first override file", () => {
    const p = load(files);
    expect(p.files).toEqual(["/work/My App/compose.yaml", "/work/My App/docker-compose.override.yml"]);
    expect(p.services[0]?.image).toBe("from-compose-yaml");
    expect(p.services[0]?.environment).toEqual({ O: "1" });
  });

  it("searches parent folders (an explicit project directory keeps its name, as compose does)", () => {
    const p = load(
      { "/work/compose.yaml": "services:\n  a:\n    image: x\n" },
      { projectDir: "/work/sub/dir" },
    );
    expect(p.files).toEqual(["/work/compose.yaml"]);
    expect(p.name).toBe("dir");
  });

  it("takes -f files in order and ignores the defaults", () => {
    const p = load(files, { files: ["other.yml", "docker-compose.yml"] });
    expect(p.files).toEqual(["/work/My App/other.yml", "/work/My App/docker-compose.yml"]);
    expect(p.services.map((s) => s.name)).toEqual(["b", "a"]);
  });

  it("reads COMPOSE_FILE (from the environment or .env) with the path separator", () => {
    expect(load(files, { env: { COMPOSE_FILE: "other.yml:compose.yaml" } }).files).toEqual([
      "/work/My App/other.yml",
      "/work/My App/compose.yaml",
    ]);
    const withDotenv = {
      ...files,
      "/work/My App/.env": "COMPOSE_FILE=other.yml;docker-compose.yml\nCOMPOSE_PATH_SEPARATOR=;\n",
    };
    expect(load(withDotenv).files).toEqual(["/work/My App/other.yml", "/work/My App/docker-compose.yml"]);
  });

  it("fails with a hint when there is no compose file", () => {
    const e = thrown(() => load({}));
    expect(e.code).toBe("ERR_KILN_COMPOSE_NOT_FOUND");
    expect(e.hint).toContain("-f");
  });
});

describe("project name and image names", () => {
  const one = {
    "/work/My App/compose.yaml": "services:\n  web:\n    build: .\n  db:\n    image: postgres\n",
  };

  it("normalises the folder name", () => {
    const p = load(one);
    expect(p.name).toBe("myapp");
    expect(p.services.find((s) => s.name === "web")?.imageName).toBe("myapp-web");
    expect(p.services.find((s) => s.name === "db")?.imageName).toBe("postgres");
  });

  it("normalises odd folder names like compose v2, and refuses an invalid explicit name", () => {
    const files = { "/w/_Weird.Dir Name/compose.yaml": "services:\n  a:\n    image: x\n" };
    expect(load(files, { projectDir: "/w/_Weird.Dir Name" }).name).toBe("weirddirname");
    const e = thrown(() => load(files, { projectDir: "/w/_Weird.Dir Name", projectName: "My_Proj" }));
    expect(e.code).toBe("ERR_KILN_USAGE");
    expect(e.message).toContain("My_Proj");
  });

  it("uses <project>_<service> for compose v1", () => {
    expect(load(one, { variant: "v1" }).services[0]?.imageName).toBe("myapp_web");
  });

  it("-p beats COMPOSE_PROJECT_NAME beats name: beats the folder", () => {
    const named = { "/work/My App/compose.yaml": "name: from-file\nservices:\n  web:\n    build: .\n" };
    expect(load(named).name).toBe("from-file");
    expect(load(named, { env: { COMPOSE_PROJECT_NAME: "from-env" } }).name).toBe("from-env");
    expect(load({ ...named, "/work/My App/.env": "COMPOSE_PROJECT_NAME=from-dotenv\n" }).name).toBe(
      "from-dotenv",
    );
    expect(load(named, { env: { COMPOSE_PROJECT_NAME: "from-env" }, projectName: "from-flag" }).name).toBe(
      "from-flag",
    );
  });

  it("interpolates name: and rejects an invalid one with its line", () => {
    const files = { "/work/My App/compose.yaml": "services:\n  web:\n    build: .\nname: ${N}\n" };
    expect(load(files, { env: { N: "ok-name" } }).name).toBe("ok-name");
    expect(thrown(() => load(files, { env: { N: "Bad Name" } })).location).toBe(
      "/work/My App/compose.yaml:4:1",
    );
  });
});

describe("project directory and relative paths", () => {
  it("resolves every -f file's paths against the project directory (the first file's folder)", () => {
    const p = loadProjectSync(
      { files: ["/repo/deploy/compose.yml", "/repo/deploy/overrides/dev.yml"], env: {} },
      memoryIo({
        "/repo/deploy/compose.yml": "services:\n  app:\n    build: ../app\n",
        "/repo/deploy/overrides/dev.yml":
          "services:\n  app:\n    build:\n      context: ./ctx\n    volumes: [./src:/src]\n",
      }),
    );
    expect(p.projectDir).toBe("/repo/deploy");
    expect(p.services[0]?.build?.context).toBe("/repo/deploy/ctx");
    expect(p.services[0]?.volumes[0]).toEqual({
      type: "bind",
      source: "/repo/deploy/src",
      target: "/src",
      readOnly: false,
    });
  });

  it("keeps remote contexts as written", () => {
    const p = load({
      "/work/My App/compose.yaml": "services:\n  a:\n    build: https://github.com/docker/buildx.git#main\n",
    });
    expect(p.services[0]?.build).toMatchObject({
      context: "https://github.com/docker/buildx.git#main",
      contextIsRemote: true,
      dockerfile: "Dockerfile",
    });
  });
});

describe("profiles", () => {
  const files = {
    "/work/My App/compose.yaml":
      "services:\n  app:\n    image: a\n  debug:\n    image: d\n    profiles: [debug]\n  docs:\n    image: x\n    profiles: [docs, debug]\n",
  };
  const names = (o: LoadProjectOptions): string[] => load(files, o).services.map((s) => s.name);

  it("enables services without profiles, plus those of the active profiles", () => {
    expect(names({})).toEqual(["app"]);
    expect(names({ profiles: ["docs"] })).toEqual(["app", "docs"]);
    expect(names({ profiles: ["debug"] })).toEqual(["app", "debug", "docs"]);
    expect(names({ env: { COMPOSE_PROFILES: "docs, debug" } })).toEqual(["app", "debug", "docs"]);
    expect(names({ profiles: ["*"] })).toEqual(["app", "debug", "docs"]);
    expect(load(files).allServices).toHaveLength(3);
  });
});

describe("interpolation", () => {
  it("reads .env, lets the process environment win, and --env-file replaces .env", () => {
    const files = {
      "/work/My App/compose.yaml": "services:\n  a:\n    image: ${IMG}:${TAG:-latest}\n",
      "/work/My App/.env": "IMG=from-dotenv\nTAG=1\n",
      "/elsewhere/prod.env": "IMG=from-env-file\n",
    };
    expect(load(files).services[0]?.image).toBe("from-dotenv:1");
    expect(load(files, { env: { IMG: "from-process" } }).services[0]?.image).toBe("from-process:1");
    const p = load(files, { envFiles: ["/elsewhere/prod.env"] });
    expect(p.services[0]?.image).toBe("from-env-file:latest");
    expect(p.envFiles).toEqual(["/elsewhere/prod.env"]);
  });

  it("fills `args: [KEY]` and `environment: [KEY]` from the environment, null when unset", () => {
    const p = load(
      {
        "/work/My App/compose.yaml":
          "services:\n  a:\n    build:\n      context: .\n      args: [FROM_ENV, NOPE, 'SET=x']\n    environment: [FROM_ENV, NOPE]\n",
      },
      { env: { FROM_ENV: "env" } },
    );
    expect(p.services[0]?.build?.args).toEqual({ FROM_ENV: "env", NOPE: null, SET: "x" });
    expect(p.services[0]?.environment).toEqual({ FROM_ENV: "env", NOPE: null });
  });

  it("keeps top-level x- extensions, interpolated", () => {
    const p = load({
      "/work/My App/compose.yaml": "x-kiln:\n  pin: ${PIN:-true}\nservices:\n  a:\n    image: a\n",
    });
    expect(p.extensions).toEqual({ "x-kiln": { pin: "true" } });
  });
});

describe("empty files", () => {
  it("are refused, as compose does", () => {
    const e = thrown(() => load({ "/work/My App/compose.yaml": "# nothing yet\nversion: '3'\n" }));
    expect(e.code).toBe("ERR_KILN_COMPOSE_INVALID");
    expect(e.message).toContain("empty compose file");
    expect(load({ "/work/My App/compose.yaml": "services: {}\n" }).services).toEqual([]);
  });
});

describe("what compose starts with a service (for a devcontainer bake's scope)", () => {
  it("links, network_mode/ipc/pid service:, volumes_from (not container:)", () => {
    const p = load({
      "/work/My App/compose.yaml": [
        "services:",
        "  app:",
        "    image: a",
        "    links: ['db:database']",
        "    network_mode: service:net",
        "    volumes_from: [data, 'container:other', 'vols:ro']",
        "  db: {image: d}",
        "  net: {image: n}",
        "  data: {image: v}",
        "  vols: {image: v}",
        "  solo: {image: s}",
      ].join("\n"),
    });
    expect(p.services.find((s) => s.name === "app")?.startsWith).toEqual(["db", "net", "data", "vols"]);
    expect(p.services.find((s) => s.name === "solo")?.startsWith).toBeUndefined();
  });
});
