/** Credentials are read as the docker CLI reads them, and only read. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { credentialsFor } from "../../../src/adapters/registry/credentials.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-creds-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("credentialsFor", () => {
  it("reads auths entries (any key spelling) and asks credential helpers first", async () => {
    const config = {
      auths: {
        "https://reg.example.com/v1/": { auth: Buffer.from("me:s3cr:et").toString("base64") },
        "127.0.0.1:5000": { username: "u", password: "p" },
      },
      credHelpers: { "helped.example.com": "fake" },
    };
    writeFileSync(path.join(dir, "config.json"), JSON.stringify(config));
    const env = { DOCKER_CONFIG: dir };
    await expect(credentialsFor("reg.example.com", env)).resolves.toEqual({
      username: "me",
      password: "s3cr:et",
    });
    await expect(credentialsFor("127.0.0.1:5000", env)).resolves.toEqual({ username: "u", password: "p" });
    await expect(credentialsFor("other.example.com", env)).resolves.toBeUndefined();
    const calls: string[][] = [];
    const runner = async (args: readonly string[], opts?: { input?: string | Buffer }) => {
      calls.push([...args, String(opts?.input)]);
      return {
        exitCode: 0,
        stdout: JSON.stringify({ Username: "h", Secret: "x" }),
        stderr: "",
        durationMs: 1,
      };
    };
    await expect(credentialsFor("helped.example.com", env, runner as never)).resolves.toEqual({
      username: "h",
      password: "x",
    });
    expect(calls).toEqual([["docker-credential-fake", "get", "helped.example.com"]]);
    // never written
    expect(JSON.parse(readFileSync(path.join(dir, "config.json"), "utf8"))).toEqual(config);
  });
});
