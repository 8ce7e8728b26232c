import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UnpinMemo } from "../../../src/adapters/unpin-memo.js";

describe("UnpinMemo", () => {
  let root: string;
  let memo: UnpinMemo;
  const records = { api: { service: "api", pinnedText: "image: x" } };
  const view = { gone: ["web"], unpinned: "services:\n  api:\n    build: .\n" };
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), "kiln-memo-"));
    memo = new UnpinMemo({ KILN_STATE_DIR: root });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("answers for the same file, text and records only", () => {
    expect(memo.get("/p/compose.yml", "pinned", records)).toBeUndefined();
    memo.set("/p/compose.yml", "pinned", records, view);
    expect(memo.get("/p/compose.yml", "pinned", records)).toEqual(view);
    expect(memo.get("/p/compose.yml", "pinned ", records)).toBeUndefined();
    expect(
      memo.get("/p/compose.yml", "pinned", { api: { ...records.api, pinnedText: "image: y" } }),
    ).toBeUndefined();
    expect(memo.get("/q/compose.yml", "pinned", records)).toBeUndefined();
    expect(readdirSync(path.join(root, "models")).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  it("keeps one entry per file: a newer text replaces the older", () => {
    memo.set("/p/compose.yml", "one", records, view);
    memo.set("/p/compose.yml", "two", records, { gone: [], unpinned: "two unpinned" });
    expect(memo.get("/p/compose.yml", "one", records)).toBeUndefined();
    expect(memo.get("/p/compose.yml", "two", records)).toEqual({ gone: [], unpinned: "two unpinned" });
    expect(readdirSync(path.join(root, "models"))).toHaveLength(1);
  });

  it("takes a damaged entry for none, and a state root it cannot write for no memo", () => {
    memo.set("/p/compose.yml", "pinned", records, view);
    const [entry] = readdirSync(path.join(root, "models"));
    writeFileSync(path.join(root, "models", entry), "{not json");
    expect(memo.get("/p/compose.yml", "pinned", records)).toBeUndefined();
    writeFileSync(path.join(root, "file"), "");
    const blocked = new UnpinMemo({ KILN_STATE_DIR: path.join(root, "file") });
    expect(() => blocked.set("/p/compose.yml", "pinned", records, view)).not.toThrow();
    expect(blocked.get("/p/compose.yml", "pinned", records)).toBeUndefined();
  });
});
