import { describe, expect, it } from "vitest";
import { ProcessError, runProcess } from "../../../src/adapters/process-runner.js";

describe("runProcess", () => {
  it("passes arguments verbatim — no shell ever sees them", async () => {
    const evil = "$(echo pwned); `id` && echo 'x' | cat > /tmp/nope";
    const r = await runProcess([process.execPath, "-e", "process.stdout.write(process.argv[1])", evil]);
    expect(r.stdout).toBe(evil);
    expect(r.exitCode).toBe(0);
  });

  it("streams stdout and stderr line by line", async () => {
    const out: string[] = [];
    const err: string[] = [];
    await runProcess(
      [process.execPath, "-e", "console.log('a\\nb'); console.error('c'); process.stdout.write('tail')"],
      {
        onStdoutLine: (l) => out.push(l),
        onStderrLine: (l) => err.push(l),
      },
    );
    expect(out).toEqual(["a", "b", "tail"]);
    expect(err).toEqual(["c"]);
  });

  it("rejects a non-zero exit with a ProcessError carrying args, code and stderr tail", async () => {
    const p = runProcess([process.execPath, "-e", "console.error('line1\\nthe reason'); process.exit(4)"]);
    await expect(p).rejects.toBeInstanceOf(ProcessError);
    await expect(p).rejects.toMatchObject({
      processExitCode: 4,
      stderrTail: expect.stringContaining("the reason") as unknown,
    });
  });

  it("resolves a non-zero exit with allowFailure", async () => {
    const r = await runProcess([process.execPath, "-e", "process.exit(3)"], { allowFailure: true });
    expect(r.exitCode).toBe(3);
  });

  it("kills the child on timeout", async () => {
    const t = Date.now();
    await expect(
      runProcess([process.execPath, "-e", "setTimeout(() => {}, 60000)"], { timeoutMs: 300 }),
    ).rejects.toMatchObject({
      message: expect.stringContaining("timed out") as unknown,
    });
    expect(Date.now() - t).toBeLessThan(10_000);
  });

  it("kills the child on abort and says it was interrupted", async () => {
    const ac = new AbortController();
    const p = runProcess([process.execPath, "-e", "setTimeout(() => {}, 60000)"], { signal: ac.signal });
    setTimeout(() => ac.abort(), 200);
    await expect(p).rejects.toMatchObject({ code: "ERR_KILN_INTERRUPTED" });
  });

  it("a missing command is a KilnError with a hint", async () => {
    await expect(runProcess(["kiln-no-such-command-xyz"])).rejects.toMatchObject({
      code: "ERR_KILN_PROCESS_FAILED",
      hint: expect.stringContaining("PATH") as unknown,
    });
  });

  it("feeds stdin", async () => {
    const r = await runProcess([process.execPath, "-e", "process.stdin.pipe(process.stdout)"], {
      input: "FROM scratch\n",
    });
    expect(r.stdout).toBe("FROM scratch\n");
  });
});
