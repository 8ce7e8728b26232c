/** core/bundle/cache-mounts.ts: the cache mounts a bundle carries, from Dockerfile texts (no disk) */
import { describe, expect, it } from "vitest";
import type { ProjectModel } from "../../../src/core/compose/model.js";
import { cacheMountsIn } from "../../../src/core/bundle/cache-mounts.js";

function model(services: { name: string; dockerfile?: string; inline?: string }[]): ProjectModel {
  return {
    services: services.map((s) => ({
      name: s.name,
      build: {
        context: `/p/${s.name}`,
        ...(s.dockerfile ? { dockerfile: s.dockerfile } : {}),
        ...(s.inline ? { dockerfileInline: s.inline } : {}),
      },
    })),
  } as unknown as ProjectModel;
}

describe("cacheMountsIn", () => {
  it("lists each cache id once, from the first service that mounts it, with its sharing", () => {
    const texts: Record<string, string> = {
      "/p/api/Dockerfile":
        "FROM debian\nRUN --mount=type=cache,target=/root/.cache/pip,sharing=locked pip install x\n",
      "/p/web/Dockerfile":
        "FROM debian\nRUN --mount=type=cache,target=/root/.cache/pip pip install y\nRUN --mount=type=cache,id=npm,target=/root/.npm npm ci\n",
    };
    const mounts = cacheMountsIn(
      model([
        { name: "api", dockerfile: "/p/api/Dockerfile" },
        { name: "web", dockerfile: "/p/web/Dockerfile" },
      ]),
      [
        { service: "api", imageRef: "shop-api:kiln-1" },
        { service: "web", imageRef: "shop-web:kiln-2" },
      ],
      (file) => texts[file],
    );
    expect(mounts).toEqual([
      { id: "/root/.cache/pip", sharing: "locked", image: "shop-api:kiln-1", service: "api" },
      { id: "npm", image: "shop-web:kiln-2", service: "web" },
    ]);
  });

  it("reads an inline Dockerfile, skips an unreadable one and unselected services", () => {
    const mounts = cacheMountsIn(
      model([
        { name: "a", inline: "FROM x\nRUN --mount=type=cache,target=/var/cache/apt apt-get update\n" },
        { name: "b", dockerfile: "/gone/Dockerfile" },
        { name: "c", inline: "FROM x\nRUN --mount=type=cache,target=/c true\n" },
      ]),
      [
        { service: "a", imageRef: "a:1" },
        { service: "b", imageRef: "b:1" },
      ],
      () => undefined,
    );
    expect(mounts.map((m) => m.id)).toEqual(["/var/cache/apt"]);
  });
});
