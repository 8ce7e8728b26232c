import { describe, expect, it } from "vitest";
import {
  claimsConflict,
  podmanLockHazard,
  podmanLockRefusal,
  podmanLockRewrite,
} from "../../../src/core/build/podman-locks.js";
import { CacheClaimGate } from "../../../src/adapters/engine/cache-claims.js";

// the cases measured against Podman 4.3.1 / Buildah 1.28 on this machine (15 s timeout = hang)
const L = "--mount=type=cache,target=/a,sharing=locked";
const M = "--mount=type=cache,target=/b,sharing=locked";
const df = (one: string, two: string): string =>
  `FROM kiln-local/busybox:latest\nRUN ${one} echo one\nRUN ${two} echo two\n`;

describe("podmanLockHazard", () => {
  it("RUN a+b locked, then RUN a locked: hangs on Buildah 1.28 — found, with both lines", () => {
    expect(podmanLockHazard(df(`${L} ${M}`, L))).toEqual({ id: "/a", heldAt: 2, waitsAt: 3 });
  });
  it("RUN a-locked + b (any sharing), then RUN a locked: hangs too — the lock of the last cache mount is the one released", () => {
    expect(podmanLockHazard(df(`${L} --mount=type=cache,target=/b`, L))).toEqual({
      id: "/a",
      heldAt: 2,
      waitsAt: 3,
    });
    expect(podmanLockHazard(df(`${L} --mount=type=cache,target=/b,sharing=private`, L))).toMatchObject({
      id: "/a",
    });
  });
  it("the orders and mixes that finished are not flagged", () => {
    expect(podmanLockHazard(df(`--mount=type=cache,target=/b ${L}`, L))).toBeUndefined();
    expect(podmanLockHazard(df(`${L} --mount=type=tmpfs,target=/t`, L))).toBeUndefined();
    expect(podmanLockHazard(df(`${L} --mount=type=bind,source=.,target=/s`, L))).toBeUndefined();
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
      hint: expect.stringContaining("after its other cache mounts") as unknown,
    });
  });
});

describe("podmanLockRewrite: the copy Buildah builds", () => {
  it("such a RUN keeps its last locked mount; the others become shared, nothing else changes", () => {
    const text = df(`${L} ${M}`, L);
    const plan = podmanLockRewrite(text);
    expect(plan?.rewritten).toBe(text.replace("target=/a,sharing=locked --", "target=/a,sharing=shared --"));
    expect(podmanLockHazard(plan?.rewritten ?? "")).toBeUndefined();
    expect(plan?.claim).toEqual({ exclusive: ["/a"], locked: ["/a", "/b"] });
  });

  it("a locked mount before another cache mount is swapped with the last cache mount", () => {
    const text = df(`${L} --mount=type=cache,target=/b --mount=type=tmpfs,target=/t`, L);
    const plan = podmanLockRewrite(text);
    expect(plan?.rewritten).toBe(df(`--mount=type=cache,target=/b ${L} --mount=type=tmpfs,target=/t`, L));
    expect(plan?.claim).toEqual({ exclusive: [], locked: ["/a"] });
    // targets that nest: the order may matter, no rewrite
    const nested = df(
      "--mount=type=cache,target=/root/.cache,sharing=locked --mount=type=cache,target=/root/.cache/pip",
      "--mount=type=cache,target=/root/.cache,sharing=locked",
    );
    expect(podmanLockHazard(nested)).toBeDefined();
    expect(podmanLockRewrite(nested)).toBeUndefined();
  });

  it("dukat's shape: continuation lines, two apt RUNs, ids, quotes, case of the key", () => {
    const text = [
      "FROM kiln-local/debian:bookworm AS base",
      "RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\",
      "    --mount=type=cache,target=/var/lib/apt,sharing=locked \\",
      "    apt-get update",
      "RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\",
      '    --mount="type=cache,id=lists,target=/var/lib/apt,SHARING=locked" \\',
      "    --mount=type=cache,target=/root/.cache/pip,sharing=locked,uid=0 \\",
      "    apt-get install -y git",
      "FROM base",
      "RUN --mount=type=cache,target=/var/cache/apt,sharing=locked true",
      "",
    ].join("\n");
    const plan = podmanLockRewrite(text);
    expect(plan?.rewritten?.split("\n")).toEqual([
      "FROM kiln-local/debian:bookworm AS base",
      "RUN --mount=type=cache,target=/var/cache/apt,sharing=shared \\",
      "    --mount=type=cache,target=/var/lib/apt,sharing=locked \\",
      "    apt-get update",
      "RUN --mount=type=cache,target=/var/cache/apt,sharing=shared \\",
      '    --mount="type=cache,id=lists,target=/var/lib/apt,SHARING=shared" \\',
      "    --mount=type=cache,target=/root/.cache/pip,sharing=locked,uid=0 \\",
      "    apt-get install -y git",
      "FROM base",
      "RUN --mount=type=cache,target=/var/cache/apt,sharing=locked true",
      "",
    ]);
    expect(plan?.claim.exclusive.sort()).toEqual(["/var/cache/apt", "lists"]);
  });

  it("a Dockerfile Buildah builds as written is not copied (its locked ids are still claimed)", () => {
    expect(podmanLockRewrite(df(L, `${L} ${M}`))).toEqual({ claim: { exclusive: [], locked: ["/a", "/b"] } });
    expect(podmanLockRewrite(df("", ""))).toEqual({ claim: { exclusive: [], locked: [] } });
  });

  it("a locked mount not written literally cannot be rewritten: undefined, the refusal stays", () => {
    const text = `FROM kiln-local/busybox:latest\nARG MODE=locked\nRUN --mount=type=cache,target=/a,sharing=$MODE ${M} true\nRUN ${L} true\n`;
    expect(podmanLockHazard(text)).toEqual({ id: "/a", heldAt: 3, waitsAt: 4 });
    expect(podmanLockRewrite(text)).toBeUndefined();
    expect(podmanLockRefusal(text, "Dockerfile")?.message).toContain("not written literally");
  });
});

describe("claims: builds that must not run side by side", () => {
  const rewritten = { exclusive: ["/var/cache/apt"], locked: ["/var/cache/apt", "/var/lib/apt"] };
  it("conflict when one build's unlocked id is another's locked id; never between unrewritten builds", () => {
    expect(claimsConflict(rewritten, rewritten)).toBe(true);
    expect(claimsConflict(rewritten, { exclusive: [], locked: ["/var/cache/apt"] })).toBe(true);
    expect(claimsConflict({ exclusive: [], locked: ["/var/cache/apt"] }, rewritten)).toBe(true);
    expect(claimsConflict({ exclusive: [], locked: ["/a"] }, { exclusive: [], locked: ["/a"] })).toBe(false);
    expect(claimsConflict(rewritten, { exclusive: [], locked: ["/root/.cache/pip"] })).toBe(false);
  });

  it("the gate holds a conflicting build until the first releases; others pass", async () => {
    const gate = new CacheClaimGate();
    const order: string[] = [];
    const first = await gate.hold(rewritten);
    const second = gate.hold(rewritten).then((release) => {
      order.push("second");
      return release;
    });
    const other = await gate.hold({ exclusive: [], locked: ["/root/.cache/pip"] });
    order.push("other");
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual(["other"]);
    first();
    (await second)();
    other();
    expect(order).toEqual(["other", "second"]);
  });
});
