import { describe, expect, it } from "vitest";
import { buildArgs, podmanRefusal } from "../../../src/core/build/docker-build-args.js";

describe("podman build arguments", () => {
  const req = {
    context: "/p/app",
    dockerfile: "/p/app/Dockerfile",
    tags: ["kiln.invalid/p-app:kiln-0123456789ab"],
    labels: { "kiln.fingerprint": "abc" },
    args: { BASE_IMAGE: "kiln-local/busybox:latest", UNSET: null },
    target: "runtime",
    additionalContexts: { base: "/p/base" },
    inlineCache: true,
  };

  it("--layers, --iidfile, tags, labels, args, target, build contexts; no BuildKit-only flags", () => {
    const a = buildArgs("podman", req, { iidFile: "/t/iid" });
    expect(a.slice(0, 5)).toEqual(["build", "--layers", "--force-rm", "--iidfile", "/t/iid"]);
    expect(a).toEqual(
      expect.arrayContaining([
        "-f",
        "/p/app/Dockerfile",
        "-t",
        "kiln.invalid/p-app:kiln-0123456789ab",
        "--label",
        "kiln.fingerprint=abc",
        "--build-arg",
        "BASE_IMAGE=kiln-local/busybox:latest",
        "--target",
        "runtime",
        "--build-context",
        "base=/p/base",
      ]),
    );
    expect(a.join(" ")).not.toMatch(/--progress|--load|BUILDKIT_INLINE_CACHE|UNSET/);
    expect(a[a.length - 1]).toBe("/p/app");
  });

  it("a registry cache source is refused with code and hint; without one nothing is refused", () => {
    expect(podmanRefusal({ ...req, cacheFrom: ["127.0.0.1:5000/p/app:kiln-x"] })).toMatchObject({
      code: "ERR_KILN_ENGINE_UNSUPPORTED",
      message: expect.stringContaining("--cache-from 127.0.0.1:5000/p/app:kiln-x") as unknown,
      hint: expect.stringContaining("kiln pull") as unknown,
    });
    expect(podmanRefusal(req)).toBeUndefined();
  });
});
