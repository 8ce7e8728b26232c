import { describe, expect, it } from "vitest";
import {
  buildkitImageNeeded,
  DEFAULT_BUILDKIT_IMAGE,
  dockerDriverContext,
  parseBuilderInspect,
  seesEngineImages,
} from "../../../src/core/build/builder-inspect.js";
import { buildArgs } from "../../../src/core/build/docker-build-args.js";

// recorded from buildx 0.13.1 (Debian trixie's docker-buildx) on this machine
const DOCKER_DRIVER = `Name:          kiln-second
Driver:        docker
Last Activity: 2026-12-06 02:36:20 +0000 UTC

Nodes:
Name:             kiln-second
Endpoint:         kiln-second
Status:           running
BuildKit version: v0.8+unknown
Platforms:        linux/amd64, linux/386
`;

const CONTAINER_DRIVER = `Name:          kiln-probe-dc
Driver:        docker-container
Last Activity: 2026-12-06 02:36:49 +0000 UTC

Nodes:
Name:                  kiln-probe-dc0
Endpoint:              unix:///var/run/docker.sock
Driver Options:        image="example.invalid/buildkit:v1" network="host"
Status:                inactive
BuildKit daemon flags: --allow-insecure-entitlement=network.host
`;

describe("parseBuilderInspect", () => {
  it("reads the driver and each node (endpoint, status, driver options)", () => {
    expect(parseBuilderInspect(DOCKER_DRIVER)).toEqual({
      name: "kiln-second",
      driver: "docker",
      nodes: [{ name: "kiln-second", endpoint: "kiln-second", status: "running", driverOptions: {} }],
    });
    const dc = parseBuilderInspect(CONTAINER_DRIVER);
    expect(dc.driver).toBe("docker-container");
    expect(dc.nodes[0]).toEqual({
      name: "kiln-probe-dc0",
      endpoint: "unix:///var/run/docker.sock",
      status: "inactive",
      driverOptions: { image: "example.invalid/buildkit:v1", network: "host" },
    });
  });

  it("a docker-driver builder of another context moves the engine there; the default one does not", () => {
    expect(dockerDriverContext(parseBuilderInspect(DOCKER_DRIVER))).toBe("kiln-second");
    expect(dockerDriverContext(parseBuilderInspect(DOCKER_DRIVER.replace(/kiln-second/g, "default")))).toBe(
      undefined,
    );
    expect(dockerDriverContext(parseBuilderInspect(CONTAINER_DRIVER))).toBe(undefined);
  });

  it("a docker-container node that is not running needs its BuildKit image (buildx's default when none is set)", () => {
    const dc = parseBuilderInspect(CONTAINER_DRIVER);
    expect(buildkitImageNeeded(dc, dc.nodes[0])).toBe("example.invalid/buildkit:v1");
    const bare = parseBuilderInspect(CONTAINER_DRIVER.replace(/^Driver Options:.*\n/m, ""));
    expect(buildkitImageNeeded(bare, bare.nodes[0])).toBe(DEFAULT_BUILDKIT_IMAGE);
    const running = parseBuilderInspect(CONTAINER_DRIVER.replace("inactive", "running"));
    expect(buildkitImageNeeded(running, running.nodes[0])).toBe(undefined);
    const docker = parseBuilderInspect(DOCKER_DRIVER);
    expect(buildkitImageNeeded(docker, docker.nodes[0])).toBe(undefined);
  });

  it("only the docker driver sees the engine's images", () => {
    expect(seesEngineImages(parseBuilderInspect(DOCKER_DRIVER))).toBe(true);
    expect(seesEngineImages(parseBuilderInspect(CONTAINER_DRIVER))).toBe(false);
  });
});

describe("buildArgs with a builder", () => {
  const req = { context: "/c", tags: ["a:b"], labels: {}, args: {} };
  it("buildx: --builder NAME right after `buildx build`, --load kept", () => {
    const a = buildArgs("buildx", req, { iidFile: "/t/iid", builder: "ci-pool" });
    expect(a.slice(0, 6)).toEqual([
      "buildx",
      "build",
      "--builder",
      "ci-pool",
      "--load",
      "--progress=rawjson",
    ]);
  });
  it("no builder: no --builder argument", () => {
    expect(buildArgs("buildx", req, { iidFile: "/t/iid" })).not.toContain("--builder");
  });
});
