/**
 * #12.10: `--help` at the default width (80 columns when not a terminal) never leaves a phrase's
 * last word alone on a line ("…knows by" / "content fingerprint…", "(with inline" / "cache)").
 */
import { describe, expect, it } from "vitest";
import { runKiln } from "../helpers/kiln.js";

function commands(): string[][] {
  const top = runKiln(["--help"]).stdout;
  const names = [...top.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1] ?? "").filter((n) => n !== "help");
  const out: string[][] = [[]];
  for (const name of names) {
    out.push([name]);
    const sub = runKiln([name, "--help"]).stdout.split("\nCommands:\n")[1] ?? "";
    for (const m of sub.matchAll(/^ {2}([a-z]+)\b/gm)) if (m[1] !== "help") out.push([name, m[1] ?? ""]);
  }
  return out;
}

describe("help text", () => {
  it("no line of any --help is a dangling one- or two-word end of a wrapped phrase", () => {
    const bad: string[] = [];
    const all = commands();
    expect(all.length).toBeGreaterThan(15);
    for (const cmd of all) {
      const text = runKiln([...cmd, "--help"], { env: { COLUMNS: "80" } }).stdout;
      // what commander wraps: up to the end of the last section; the examples after it are preformatted
      const sections = [...text.matchAll(/^(Options|Commands|Arguments):$/gm)];
      const last = sections[sections.length - 1]?.index ?? 0;
      const end = text.indexOf("\n\n", last);
      const lines = (end === -1 ? text : text.slice(0, end)).split("\n");
      lines.forEach((line, i) => {
        const prev = lines[i - 1] ?? "";
        const words = line.trim().split(/\s+/);
        const continuation = prev.trim() !== "" && !prev.trimEnd().endsWith(":") && !/^\s*-/.test(line);
        if (
          line.trim() !== "" &&
          words.length <= 2 &&
          line.trim().length < 16 &&
          continuation &&
          !/^\s*(kiln|#)/.test(line)
        )
          bad.push(`kiln ${cmd.join(" ")} --help: "${prev.trim()}" / "${line.trim()}"`);
      });
    }
    expect(bad).toEqual([]);
  });
});
