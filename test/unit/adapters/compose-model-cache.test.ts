/** The compose loader's memo: hits only when every recorded input is unchanged. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadProjectCached } from "../../../src/adapters/compose-model-cache.js";
import { nodeComposeIo } from "../../../src/adapters/compose-files.js";
import type { ComposeIo } from "../../../src/core/compose/io.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function counting(): { io: ComposeIo; loads: () => number } {
  let validators = 0;
  return {
    io: {
      ...nodeComposeIo,
      composeValidators: () => {
        validators += 1;
        return nodeComposeIo.composeValidators();
      },
    },
    loads: () => validators,
  };
}

describe("loadProjectCached", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-model-cache-"));
  const state = mkdtempSync(path.join(os.tmpdir(), "kiln-model-state-"));
  dirs.push(dir, state);
  const file = path.join(dir, "compose.yaml");
  const env = (extra: Record<string, string> = {}) => ({ KILN_STATE_DIR: state, HOME: "/root", ...extra });
  const load = (io: ComposeIo, extra: Record<string, string> = {}) =>
    loadProjectCached({ projectDir: dir, env: env(extra) }, io);

  it("parses once, then answers from the memo while nothing it read changed", async () => {
    writeFileSync(file, "services:\n  app:\n    build: .\n    image: app:${TAG:-1}\n");
    const c = counting();
    const a = await load(c.io);
    const after = c.loads();
    expect(after).toBeGreaterThan(0);
    const b = await load(c.io);
    expect(c.loads()).toBe(after);
    expect(b).toEqual(a);
    expect(b.services[0]?.image).toBe("app:1");
  });

  it("a changed file, a changed variable, or a new override file is loaded afresh", async () => {
    const c = counting();
    writeFileSync(file, "services:\n  app:\n    build: .\n    image: app:${TAG:-2}\n");
    expect((await load(c.io)).services[0]?.image).toBe("app:2");
    expect((await load(c.io, { TAG: "7" })).services[0]?.image).toBe("app:7");
    writeFileSync(path.join(dir, "compose.override.yaml"), "services:\n  app:\n    image: app:override\n");
    expect((await load(c.io, { TAG: "7" })).services[0]?.image).toBe("app:override");
  });

  it("errors are not remembered", async () => {
    writeFileSync(file, "services:\n  app: [\n");
    rmSync(path.join(dir, "compose.override.yaml"), { force: true });
    await expect(load(counting().io)).rejects.toMatchObject({ code: "ERR_KILN_COMPOSE_PARSE" });
    writeFileSync(file, "services:\n  app:\n    image: fixed\n");
    expect((await load(counting().io)).services[0]?.image).toBe("fixed");
  });
});
