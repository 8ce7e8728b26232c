/** The memo of parsed compose files: a file's parse comes back only for the same text, as new objects. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { loadProjectCached } from "../../../src/adapters/compose-model-cache.js";
import { jsonExact, parsedFileMemo } from "../../../src/adapters/parsed-file-memo.js";
import * as yamlTree from "../../../src/core/compose/yaml-tree.js";

const parses = vi.hoisted(() => ({ count: 0 }));
vi.mock("../../../src/core/compose/yaml-tree.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../../src/core/compose/yaml-tree.js")>();
  return {
    ...real,
    parseComposeYaml: (text: string, file: string) => {
      parses.count += 1;
      return real.parseComposeYaml(text, file);
    },
  };
});

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = (name: string): string => {
  const d = mkdtempSync(path.join(os.tmpdir(), `kiln-${name}-`));
  dirs.push(d);
  return d;
};

const TEXT = "services:\n  app:\n    build: .\n    image: app:${TAG:-1}\n    ports: [8080]\n";

describe("parsedFileMemo", () => {
  it("gives the parse of the same text back, as new objects, and nothing for another text", () => {
    const memo = parsedFileMemo(tmp("parsed"));
    const parsed = yamlTree.parseComposeYaml(TEXT, "/p/compose.yaml");
    memo.set("/p/compose.yaml", TEXT, parsed);
    const hit = memo.get("/p/compose.yaml", TEXT)!;
    expect(hit.data).toEqual(parsed.data);
    expect([...hit.positions]).toEqual([...parsed.positions]);
    expect(hit.hasMarkers).toBe(false);
    // the loader interpolates in place: what it changed is not what the next run gets
    (hit.data.services as Record<string, Record<string, unknown>>).app.image = "changed";
    expect(memo.get("/p/compose.yaml", TEXT)!.data).toEqual(parsed.data);
    expect(memo.get("/p/compose.yaml", TEXT.replace("8080", "8081"))).toBeUndefined();
    expect(memo.get("/p/other.yaml", TEXT)).toBeUndefined();
  });

  it("takes an entry of another shape for none", () => {
    const dir = tmp("parsed");
    const memo = parsedFileMemo(dir);
    memo.set("/p/compose.yaml", TEXT, yamlTree.parseComposeYaml(TEXT, "/p/compose.yaml"));
    const [file] = readdirSync(dir);
    const entry = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as { parses: { data: unknown }[] };
    entry.parses[0].data = ["not", "a", "mapping"];
    writeFileSync(path.join(dir, file), JSON.stringify(entry));
    expect(memo.get("/p/compose.yaml", TEXT)).toBeUndefined();
    writeFileSync(path.join(dir, file), "{ not json");
    expect(memo.get("/p/compose.yaml", TEXT)).toBeUndefined();
  });

  it("keeps the last four texts of a file", () => {
    const memo = parsedFileMemo(tmp("parsed"));
    const texts = [1, 2, 3, 4, 5].map((n) => TEXT.replace("8080", String(8080 + n)));
    for (const t of texts) memo.set("/p/compose.yaml", t, yamlTree.parseComposeYaml(t, "/p/compose.yaml"));
    expect(memo.get("/p/compose.yaml", texts[0])).toBeUndefined();
    for (const t of texts.slice(1)) expect(memo.get("/p/compose.yaml", t)).toBeDefined();
  });

  it("does not keep a parse JSON would change: !reset/!override markers, .inf, .nan", () => {
    const memo = parsedFileMemo(tmp("parsed"));
    for (const text of [
      "services:\n  app:\n    ports: !reset []\n",
      "services:\n  app:\n    environment: !override { A: 1 }\n",
      "services:\n  app:\n    x-scale: .inf\n",
      "services:\n  app:\n    x-scale: .nan\n",
    ]) {
      memo.set("/p/compose.yaml", text, yamlTree.parseComposeYaml(text, "/p/compose.yaml"));
      expect(memo.get("/p/compose.yaml", text)).toBeUndefined();
    }
  });

  it("jsonExact: plain JSON values only", () => {
    expect(jsonExact({ a: [1, "x", true, null, { b: 2.5 }] })).toBe(true);
    expect(jsonExact({ a: Infinity })).toBe(false);
    expect(jsonExact({ a: -0 })).toBe(false);
    expect(jsonExact({ a: undefined })).toBe(false);
    expect(jsonExact([1, , 3])).toBe(false); // eslint-disable-line no-sparse-arrays
    expect(jsonExact({ a: new Date(0) })).toBe(false);
    expect(jsonExact({ a: Symbol("x") })).toBe(false);
    expect(jsonExact(JSON.parse('{"__proto__": 1}'))).toBe(false);
  });
});

describe("loading a project again after a variable changed", () => {
  it("interpolates the kept parse instead of parsing the file again", async () => {
    const dir = tmp("memo-project");
    const state = tmp("memo-state");
    writeFileSync(path.join(dir, "compose.yaml"), TEXT);
    const load = (tag: string) =>
      loadProjectCached({ projectDir: dir, env: { KILN_STATE_DIR: state, HOME: "/root", TAG: tag } });
    parses.count = 0;
    expect((await load("1")).services[0]?.image).toBe("app:1");
    expect(parses.count).toBe(1);
    expect(readdirSync(path.join(state, "models")).some((f) => f.startsWith("parsed-"))).toBe(true);
    // the model memo misses (TAG changed); the parse memo answers
    expect((await load("2")).services[0]?.image).toBe("app:2");
    expect((await load("3")).services[0]?.image).toBe("app:3");
    expect(parses.count).toBe(1);
    // a changed text is parsed again
    writeFileSync(path.join(dir, "compose.yaml"), TEXT.replace("8080", "9090"));
    const changed = await load("4");
    expect(changed.services[0]?.image).toBe("app:4");
    expect(parses.count).toBe(2);
  });
});
