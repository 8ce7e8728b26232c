/**
 * #14.3: a run's ProjectFiles read each file once, and read it again only when its stat says
 * another process changed it; `unchanged()` answers with stats and probes alone.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nodeComposeIo } from "../../../src/adapters/compose-files.js";
import { ProjectFiles } from "../../../src/adapters/project-files.js";
import type { ComposeIo } from "../../../src/core/compose/io.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function setup() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-project-files-"));
  dirs.push(dir);
  const file = path.join(dir, "compose.yaml");
  writeFileSync(file, "services: {}\n");
  const reads: string[] = [];
  const io: ComposeIo = {
    ...nodeComposeIo,
    readText(f) {
      reads.push(f);
      return nodeComposeIo.readText(f);
    },
  };
  return { dir, file, reads, files: new ProjectFiles(io) };
}

describe("ProjectFiles", () => {
  it("reads a file once while it is unchanged", () => {
    const { file, reads, files } = setup();
    expect(files.io.readText(file)).toBe("services: {}\n");
    expect(files.read(file)).toBe("services: {}\n");
    expect(files.readText(file)).toBe("services: {}\n");
    expect(reads).toEqual([file]);
    expect(files.unchanged()).toBe(true);
  });

  it("reads it again after another process replaced it (new inode), and says so", () => {
    const { dir, file, reads, files } = setup();
    files.read(file);
    const tmp = path.join(dir, "tmp");
    writeFileSync(tmp, "services: {}\n"); // same text, same size: only the stat tells
    renameSync(tmp, file);
    expect(files.unchanged()).toBe(false);
    expect(files.read(file)).toBe("services: {}\n");
    expect(reads).toEqual([file, file]);
    expect(files.unchanged()).toBe(true);
  });

  it("reads it again after an edit in place that changed its size", () => {
    const { file, reads, files } = setup();
    files.read(file);
    writeFileSync(file, "services:\n  api: {}\n");
    expect(files.read(file)).toBe("services:\n  api: {}\n");
    expect(reads).toHaveLength(2);
  });

  it("keeps what kiln wrote without reading it", () => {
    const { file, reads, files } = setup();
    files.read(file);
    writeFileSync(file, "services:\n  web: {}\n");
    files.wrote(file, "services:\n  web: {}\n");
    expect(files.read(file)).toBe("services:\n  web: {}\n");
    expect(reads).toEqual([file]);
    expect(files.unchanged()).toBe(true);
  });

  it("a file that appeared where the loader probed makes the project changed", () => {
    const { dir, files } = setup();
    const override = path.join(dir, "compose.override.yaml");
    expect(files.io.isFile(override)).toBe(false);
    expect(files.unchanged()).toBe(true);
    writeFileSync(override, "services: {}\n");
    expect(files.unchanged()).toBe(false);
    expect(files.io.isFile(override)).toBe(true); // the changed probe is asked again
  });

  it("a file that disappeared is ERR_KILN_FILE_CHANGED for read(), undefined for readText()", () => {
    const { file, files } = setup();
    files.read(file);
    rmSync(file);
    expect(files.readText(file)).toBeUndefined();
    expect(() => files.read(file)).toThrow(expect.objectContaining({ code: "ERR_KILN_FILE_CHANGED" }));
  });
});
