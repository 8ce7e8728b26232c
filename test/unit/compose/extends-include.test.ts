import { describe, expect, it } from "vitest";
import { loadProjectSync } from "../../../src/adapters/project-loader.js";
import { memoryIo, thrown } from "./memory-io.js";

const load = (files: Record<string, string>): ReturnType<typeof loadProjectSync> =>
  loadProjectSync({ projectDir: "/p", env: {} }, memoryIo(files));
const service = (files: Record<string, string>, name: string) =>
  load(files).services.find((s) => s.name === name);

describe("extends", () => {
  it("merges a base service from the same file (chains too)", () => {
    const files = {
      "/p/compose.yaml": [
        "services:",
        "  base:",
        "    build: {context: ./ctx, args: {A: '1'}}",
        "    environment: {X: '1'}",
        "  mid:",
        "    extends: base",
        "    build: {args: {B: '2'}}",
        "  leaf:",
        "    extends: {service: mid}",
        "    image: leaf:1",
        "    environment: {Y: '2'}",
      ].join("\n"),
    };
    const leaf = service(files, "leaf");
    expect(leaf?.build?.context).toBe("/p/ctx");
    expect(leaf?.build?.args).toEqual({ A: "1", B: "2" });
    expect(leaf?.environment).toEqual({ X: "1", Y: "2" });
    expect(leaf?.image).toBe("leaf:1");
  });

  it("resolves a base from another file against that file's folder", () => {
    const files = {
      "/p/compose.yaml":
        "services:\n  web:\n    extends:\n      file: common/base.yml\n      service: app\n    build:\n      target: dev\n",
      "/p/common/base.yml": "services:\n  app:\n    build: ./ctx\n    volumes: ['./shared:/shared']\n",
    };
    const web = load(files).services[0];
    expect(web?.build?.context).toBe("/p/common/ctx");
    expect(web?.build?.target).toBe("dev");
    expect(web?.volumes[0]?.source).toBe("/p/common/shared");
    expect(load(files).referencedFiles).toEqual(["/p/common/base.yml"]);
  });

  it("names an unknown base, with the line of the extends key", () => {
    const e = thrown(() =>
      load({ "/p/compose.yaml": "services:\n  a:\n    image: x\n  b:\n    extends: {service: nope}\n" }),
    );
    expect(e.code).toBe("ERR_KILN_COMPOSE_EXTENDS");
    expect(e.location).toBe("/p/compose.yaml:5:5");
    expect(e.hint).toContain("a");
  });

  it("reports a missing extends file at the extends key", () => {
    const e = thrown(() =>
      load({ "/p/compose.yaml": "services:\n  b:\n    extends: {file: gone.yml, service: x}\n" }),
    );
    expect(e.code).toBe("ERR_KILN_COMPOSE_NOT_FOUND");
    expect(e.location).toBe("/p/compose.yaml:3:5");
  });

  it("detects cycles", () => {
    const e = thrown(() =>
      load({ "/p/compose.yaml": "services:\n  a:\n    extends: b\n  b:\n    extends: a\n" }),
    );
    expect(e.code).toBe("ERR_KILN_COMPOSE_EXTENDS");
    expect(e.message).toContain("cycle");
  });
});

describe("include", () => {
  const files = {
    "/p/compose.yaml":
      "include:\n  - lib/compose.yaml\nservices:\n  app:\n    build: .\n    volumes: [libdata:/d]\n",
    "/p/lib/compose.yaml":
      "services:\n  cache:\n    build: ./ctx\n    volumes: ['./data:/data']\nvolumes:\n  libdata: {}\n",
  };

  it("adds the included services and volumes with paths relative to the included file", () => {
    const p = load(files);
    expect(p.services.map((s) => s.name).sort()).toEqual(["app", "cache"]);
    const cache = p.services.find((s) => s.name === "cache");
    expect(cache?.build?.context).toBe("/p/lib/ctx");
    expect(cache?.volumes[0]?.source).toBe("/p/lib/data");
    expect(p.volumes.libdata?.engineName).toBe("p_libdata");
    expect(cache?.source.build?.file).toBe("/p/lib/compose.yaml");
    expect(p.referencedFiles).toEqual(["/p/lib/compose.yaml"]);
  });

  it("interpolates the included file with the project environment first, then its own .env or env_file", () => {
    const withEnv = {
      ...files,
      "/p/.env": "V=parent\n",
      "/p/lib/.env": "V=lib\nW=lib\n",
      "/p/lib/compose.yaml": "services:\n  cache:\n    image: c:${V}-${W:-none}\nvolumes:\n  libdata: {}\n",
    };
    expect(load(withEnv).services.find((s) => s.name === "cache")?.image).toBe("c:parent-lib");
    const withEnvFile = {
      ...withEnv,
      "/p/compose.yaml": withEnv["/p/compose.yaml"].replace(
        "  - lib/compose.yaml",
        "  - {path: lib/compose.yaml, env_file: other.env}",
      ),
      "/p/other.env": "W=other\n",
    };
    expect(load(withEnvFile).services.find((s) => s.name === "cache")?.image).toBe("c:parent-other");
  });

  it("refuses a service defined both here and in the included file", () => {
    const e = thrown(() =>
      load({
        ...files,
        "/p/compose.yaml": "include: [lib/compose.yaml]\nservices:\n  cache:\n    image: x\n",
      }),
    );
    expect(e.code).toBe("ERR_KILN_COMPOSE_INVALID");
    expect(e.location).toBe("/p/compose.yaml:3:3");
  });
});
