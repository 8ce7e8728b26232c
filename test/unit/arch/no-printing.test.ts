import { ESLint } from "eslint";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../../..");
const PRINTING = ["no-restricted-properties", "no-restricted-syntax"];

/** lint a source text as if it were the file at `file` (relative to the repo root): the printing findings */
async function lintAs(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => PRINTING.includes(m.ruleId ?? "")).map((m) => m.message);
}

describe("adapters and use cases do not print (eslint)", () => {
  it("rejects process.stderr / process.stdout / console in an adapter", async () => {
    const messages = await lintAs(
      "src/adapters/state/lock.ts",
      [
        'export function a(): void {\n  process.stderr.write("x\\n");\n}',
        'export function b(): void {\n  process.stdout.write("x\\n");\n}',
        "export function c(): boolean {\n  const { stderr } = process;\n  return stderr.isTTY;\n}",
        'export function d(): void {\n  console.error("x");\n}',
        "",
      ].join("\n"),
    );
    expect(messages).toHaveLength(4);
    for (const m of messages) expect(m).toContain("use the log/reporter the caller passes");
  });

  it("rejects it in a use case", async () => {
    const messages = await lintAs(
      "src/app/status.ts",
      "export function note(line: string): void {\n  process.stderr.write(`${line}\\n`);\n}\n",
    );
    expect(messages).toHaveLength(1);
  });

  it("allows it in the CLI and the reporters, which own the terminal", async () => {
    const code = "export function note(line: string): void {\n  process.stderr.write(`${line}\\n`);\n}\n";
    expect(await lintAs("src/cli/runtime.ts", code)).toEqual([]);
    expect(await lintAs("src/report/progress/stream.ts", code)).toEqual([]);
  });
});
