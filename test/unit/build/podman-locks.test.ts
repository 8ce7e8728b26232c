import { describe, expect, it } from "vitest";
import { podmanLockHazard, podmanLockRefusal } from "../../../src/core/build/podman-locks.js";

// the cases measured against Podman 4.3.1 / Buildah 1.28 on this machine (15 s timeout = hang)
const L = "--mount=type=cache,target=/a,sharing=locked";
const M = "--mount=type=cache,target=/b,sharing=locked";
const df = (one: string, two: string): string =>
  `FROM kiln-local/busybox:latest\nRUN ${one} echo one\nRUN ${two} echo two\n`;

describe("podmanLockHazard", () => {
  it("RUN a+b locked, then RUN a locked: hangs on Buildah 1.28 — found, with both lines", () => {
    expect(podmanLockHazard(df(`${L} ${M}`, L))).toEqual({ id: "/a", heldAt: 2, waitsAt: 3 });
  });
  it("the orders and mixes that finished are not flagged", () => {
    expect(podmanLockHazard(df(L, `${L} ${M}`))).toBeUndefined();
    expect(podmanLockHazard(df(`${L} ${M}`, "--mount=type=cache,target=/c,sharing=locked"))).toBeUndefined();
    expect(podmanLockHazard(df(`${L} ${M}`, ""))).toBeUndefined();
    expect(
      podmanLockHazard(df(`--mount=type=cache,target=/a ${M}`, "--mount=type=cache,target=/a")),
    ).toBeUndefined();
  });
  it("the refusal names the file, line and mount, with a hint", () => {
    expect(podmanLockRefusal(df(`${L} ${M}`, `${L} ${M}`), "app/Dockerfile")).toMatchObject({
      code: "ERR_KILN_ENGINE_UNSUPPORTED",
      location: "app/Dockerfile:3",
      message: expect.stringContaining("cache mount /a stays locked") as unknown,
      hint: expect.stringContaining("at most one sharing=locked cache mount") as unknown,
    });
  });
});
