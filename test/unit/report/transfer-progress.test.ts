import { describe, expect, it } from "vitest";
import { transferProgress } from "../../../src/report/transfer-progress.js";

function run(mode: "auto" | "tty" | "plain" | "quiet" | "json", isTTY: boolean): string {
  let out = "";
  const p = transferProgress("export v", 1000, mode, (t) => (out += t), isTTY);
  for (let i = 0; i < 10; i++) p.add(100);
  p.done();
  return out;
}

describe("transfer progress", () => {
  it("redraws one line on a TTY", () => {
    const out = run("auto", true);
    expect(out).toContain("\r\x1b[Kexport v: 100 B / 1.0 kB (10%)");
    expect(out.endsWith("\r\x1b[Kexport v: 1.0 kB done\n")).toBe(true);
  });

  it("prints bytes/total lines when not a TTY", () => {
    const lines = run("auto", false).trim().split("\n");
    expect(lines[0]).toBe("export v: 100/1000 bytes (10%)");
    expect(lines).toContain("export v: 1000/1000 bytes (100%)");
    expect(lines[lines.length - 1]).toBe("export v: 1000 bytes done");
  });

  it("prints JSON events, or nothing when quiet", () => {
    const first = run("json", false).split("\n")[0] ?? "";
    expect(JSON.parse(first)).toEqual({ event: "progress", label: "export v", bytes: 100, total: 1000 });
    expect(run("quiet", true)).toBe("");
  });
});
