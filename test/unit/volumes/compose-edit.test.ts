import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import {
  addServiceMount,
  addTopLevelVolume,
  hasTopLevelVolume,
  setVolumeProperty,
} from "../../../src/core/volumes/compose-edit.js";

/** the edit only inserted text: removing the inserted lines gives the original back */
function onlyInserted(before: string, after: string): void {
  const a = before.split("\n");
  const b = after.split("\n");
  let i = 0;
  for (const line of b) if (i < a.length && line === a[i]) i += 1;
  expect(i).toBe(a.length);
}

const base = `# caches shared with test-gen
services:
  dev:
    image: busybox   # pinned later
    volumes:
      - hf:/root/.cache/huggingface
      - "pip:/root/.cache/pip"

  other: { image: alpine }

volumes:
  hf:
  pip: {}
  apt:
    driver: local
  null-written: null
`;

describe("compose edits for volumes fix", () => {
  it("adds name: under an empty volume and keeps every other byte", () => {
    const out = setVolumeProperty(base, "hf", "name", "huggingface-cache");
    onlyInserted(base, out);
    expect(out).toContain("  hf:\n    name: huggingface-cache\n  pip: {}");
    expect((parse(out) as { volumes: Record<string, unknown> }).volumes.hf).toEqual({
      name: "huggingface-cache",
    });
  });

  it("fills a flow map, a block map, and replaces a written null", () => {
    const flow = setVolumeProperty(base, "pip", "name", "dukat-pip-cache");
    expect(flow).toContain("  pip: { name: dukat-pip-cache }\n");
    const block = setVolumeProperty(base, "apt", "external", true);
    onlyInserted(base, block);
    expect((parse(block) as { volumes: Record<string, unknown> }).volumes.apt).toEqual({
      driver: "local",
      external: true,
    });
    const nulled = setVolumeProperty(base, "null-written", "name", "x");
    expect((parse(nulled) as { volumes: Record<string, unknown> }).volumes["null-written"]).toEqual({
      name: "x",
    });
  });

  it("replaces an existing value in place and quotes names YAML would misread", () => {
    const once = setVolumeProperty(base, "hf", "name", "a");
    const twice = setVolumeProperty(once, "hf", "name", "true");
    expect(twice).toContain('name: "true"');
    expect(twice.match(/name:/g)).toHaveLength(1);
  });

  it("adds a top-level volume, with or without a volumes: section", () => {
    const out = addTopLevelVolume(base, "hf-shared", { name: "hf", external: true });
    onlyInserted(base, out);
    expect((parse(out) as { volumes: Record<string, unknown> }).volumes["hf-shared"]).toEqual({
      name: "hf",
      external: true,
    });
    const none = "services:\n  a:\n    image: x\n";
    const added = addTopLevelVolume(none, "c", { name: "c" });
    expect(added).toBe("services:\n  a:\n    image: x\nvolumes:\n  c:\n    name: c\n");
    expect(hasTopLevelVolume(added, "c")).toBe(true);
    expect(hasTopLevelVolume(none, "c")).toBe(false);
  });

  it("appends a mount to a service's list, or creates the list", () => {
    const out = addServiceMount(base, "dev", "ollama:/root/.ollama");
    onlyInserted(base, out);
    expect(out).toContain('      - "pip:/root/.cache/pip"\n      - ollama:/root/.ollama\n');
    const fresh = "services:\n  tg:\n    image: x # comment\n\nvolumes:\n  hf:\n";
    const created = addServiceMount(fresh, "tg", "hf:/root/.cache/huggingface");
    expect(created).toBe(
      "services:\n  tg:\n    image: x # comment\n    volumes:\n      - hf:/root/.cache/huggingface\n\nvolumes:\n  hf:\n",
    );
    const flowList = addServiceMount("services:\n  a:\n    volumes: [x:/x]\n", "a", "y:/y");
    expect(flowList).toBe("services:\n  a:\n    volumes: [x:/x, y:/y]\n");
  });

  it("refuses what it cannot edit without reformatting", () => {
    expect(() => addServiceMount(base, "other", "hf:/hf")).toThrow(/flow style/);
    expect(() => addServiceMount(base, "missing", "hf:/hf")).toThrow(/no service "missing"/);
    expect(() => setVolumeProperty(base, "nope", "name", "x")).toThrow(/no top-level volume/);
  });

  it("keeps CRLF line endings", () => {
    const crlf = "volumes:\r\n  hf:\r\n";
    expect(setVolumeProperty(crlf, "hf", "name", "h")).toBe("volumes:\r\n  hf:\r\n    name: h\r\n");
  });
});
