/**
 * The progress reporters driven by REAL parallel BuildKit builds (dist/ build runner →
 * reporter): the TTY one inside a real pseudo-terminal (tmux), captured while the builds run;
 * the plain one asserted line by line (times masked).
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineAvailable, removeDir, repoRoot, tempCopy, TEST_LABEL, testRunId } from "../helpers/kiln.js";

const hasTmux = spawnSync("sh", ["-c", "command -v tmux"]).status === 0;
const dist = (p: string): string => path.join(repoRoot, "dist", p);

/** builds each project in parallel through runBuild, piping step events into the reporter */
const DRIVER = `
import { dockerClient } from ${JSON.stringify(dist("adapters/engine/client.js"))};
import { runBuild } from ${JSON.stringify(dist("adapters/engine/build.js"))};
import { createReporter } from ${JSON.stringify(dist("report/progress/create-reporter.js"))};
const [mode, spec] = process.argv.slice(2);
const { services, label, nonce } = JSON.parse(spec);
const client = await dockerClient();
const reporter = createReporter(mode, process.stderr, process.env);
reporter.start(services.map((s) => s.name));
await Promise.all(services.map(async (s) => {
  reporter.serviceStarted(s.name);
  const t0 = Date.now();
  const base = { service: s.name, image: s.tag, reason: "build: no image" };
  try {
    const o = await runBuild(client, { context: s.dir, dockerfile: s.dir + "/Dockerfile", tags: [s.tag], labels: label, args: { NONCE: nonce } },
      { onEvent: (e) => reporter.event(s.name, e) });
    reporter.serviceFinished({ ...base, action: "built", durationMs: Date.now() - t0, steps: { total: o.steps.total, cached: o.steps.cached } });
  } catch (error) {
    reporter.serviceFinished({ ...base, action: "failed", durationMs: Date.now() - t0, steps: { total: 0, cached: 0 }, error: String(error.message) });
  }
}));
reporter.close();
process.stderr.write("DRIVER-DONE\\n");
`;

interface Service {
  name: string;
  dir: string;
  tag: string;
}

const work = tempCopy();
const driver = path.join(work, "driver.mjs");
const tags: string[] = [];
const id = `${testRunId()}-${randomBytes(3).toString("hex")}`.toLowerCase().replace(/[^a-z0-9_.-]/g, "");

function service(name: string, steps: string[]): Service {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, "Dockerfile"),
    ["FROM kiln-local/busybox:latest", "ARG NONCE", ...steps, ""].join("\n"),
  );
  const tag = `kiln-test/progress-${name}:${id}`;
  tags.push(tag);
  return { name, dir, tag };
}

function spec(services: Service[], nonce: string): string {
  return JSON.stringify({ services, nonce, label: { [TEST_LABEL]: testRunId() } });
}

const mask = (line: string): string =>
  line.replace(/^\d\d:\d\d:\d\d /, "HH:MM:SS ").replace(/\d+(\.\d+)?s\b/g, "N.Ns");

beforeAll(() => {
  writeFileSync(driver, DRIVER);
});

afterAll(() => {
  if (engineAvailable()) spawnSync("docker", ["image", "rm", "-f", ...tags], { stdio: "ignore" });
  removeDir(work);
});

describe.skipIf(!engineAvailable()).each(["buildx", "legacy"])(
  "plain progress with real builds (%s client)",
  (mode) => {
    // the legacy path: Debian's 20.10 client with DOCKER_BUILDKIT=1 and `--progress=plain`
    const modeEnv = {
      KILN_BUILD_MODE: mode,
      ...(mode === "legacy" ? { KILN_DOCKER: "/usr/bin/docker" } : {}),
    };
    const alpha = (): Service =>
      service("plain-alpha", ["RUN echo one $NONCE && sleep 1", "RUN echo two && sleep 1"]);
    const beta = (): Service => service("plain-beta", ["RUN echo three $NONCE"]);

    it("prints stable timestamped lines per service, then every step cached on the second run", () => {
      const services = [alpha(), beta()];
      const nonce = `n${randomBytes(4).toString("hex")}`;
      const run = (): string[] => {
        const r = spawnSync(process.execPath, [driver, "plain", spec(services, nonce)], {
          encoding: "utf8",
          env: { ...process.env, ...modeEnv, CI: "1" },
        });
        expect(r.status, r.stderr).toBe(0);
        expect(r.stderr).not.toContain("\u001b");
        return r.stderr.split("\n").filter(Boolean).map(mask);
      };
      const forService = (lines: string[], name: string): string[] =>
        lines.filter((l) => l.includes(`[${name}]`));

      const first = run();
      expect(first[0]).toBe("HH:MM:SS building 2 service(s): plain-alpha, plain-beta");
      expect(forService(first, "plain-alpha")).toEqual([
        "HH:MM:SS [plain-alpha] started",
        `HH:MM:SS [plain-alpha] #2 RUN echo one ${nonce} && sleep 1`,
        `HH:MM:SS [plain-alpha] #2 RUN echo one ${nonce} && sleep 1 done N.Ns`,
        "HH:MM:SS [plain-alpha] #3 RUN echo two && sleep 1",
        "HH:MM:SS [plain-alpha] #3 RUN echo two && sleep 1 done N.Ns",
        "HH:MM:SS [plain-alpha] built in N.Ns (2 steps, 0 cached)",
      ]);
      expect(forService(first, "plain-beta")).toEqual([
        "HH:MM:SS [plain-beta] started",
        `HH:MM:SS [plain-beta] #2 RUN echo three ${nonce}`,
        `HH:MM:SS [plain-beta] #2 RUN echo three ${nonce} done N.Ns`,
        "HH:MM:SS [plain-beta] built in N.Ns (1 steps, 0 cached)",
      ]);
      expect(first.at(-1)).toBe("DRIVER-DONE");

      const second = run();
      expect(forService(second, "plain-alpha")).toEqual([
        "HH:MM:SS [plain-alpha] started",
        `HH:MM:SS [plain-alpha] #2 RUN echo one ${nonce} && sleep 1 cached`,
        "HH:MM:SS [plain-alpha] #3 RUN echo two && sleep 1 cached",
        "HH:MM:SS [plain-alpha] built in N.Ns (2 steps, 2 cached)",
      ]);
    });

    it("shows the failing step and its last lines", () => {
      const bad = service("plain-bad", ["RUN echo compiling && echo 'fatal: boom' && exit 3"]);
      const r = spawnSync(
        process.execPath,
        [driver, "plain", spec([bad], `n${randomBytes(4).toString("hex")}`)],
        { encoding: "utf8", env: { ...process.env, ...modeEnv } },
      );
      expect(r.status, r.stderr).toBe(0);
      const lines = r.stderr
        .split("\n")
        .filter((l) => l.includes("[plain-bad]"))
        .map(mask);
      expect(lines[0]).toBe("HH:MM:SS [plain-bad] started");
      expect(lines[1]).toBe("HH:MM:SS [plain-bad] #2 RUN echo compiling && echo 'fatal: boom' && exit 3");
      expect(lines[2]).toMatch(/^HH:MM:SS \[plain-bad\] #2 RUN echo compiling .* ERROR: .*exit code: 3/);
      expect(lines.slice(3)).toEqual([
        "HH:MM:SS [plain-bad] FAILED after N.Ns (0 steps, 0 cached)",
        "HH:MM:SS [plain-bad] last output at RUN echo compiling && echo 'fatal: boom' && exit 3:",
        "HH:MM:SS [plain-bad] | compiling",
        "HH:MM:SS [plain-bad] | fatal: boom",
      ]);
    });
  },
);

describe.skipIf(!engineAvailable() || !hasTmux)("TTY progress in a real pseudo-terminal (tmux)", () => {
  const socket = `kiln-test-${id}`;
  const tmux = (...args: string[]): string =>
    spawnSync("tmux", ["-L", socket, ...args], { encoding: "utf8" }).stdout;

  afterAll(() => {
    spawnSync("tmux", ["-L", socket, "kill-server"], { stdio: "ignore" });
    // tmux leaves the socket file of a killed server behind
    const uid = process.getuid?.() ?? 0;
    rmSync(path.join(process.env.TMUX_TMPDIR ?? "/tmp", `tmux-${uid}`, socket), { force: true });
  });

  it("two parallel builds: successive screen captures show both services advancing", async () => {
    const steps = ["RUN echo a $NONCE && sleep 1", "RUN sleep 1 && echo b", "RUN sleep 1 && echo c"];
    const services = [
      service("tty-alpha", steps),
      service("tty-beta", [...steps, "RUN sleep 1 && echo d"]),
      service("tty-gamma", ["RUN sleep 1 && echo 'gamma broke here' && exit 4"]),
    ];
    const nonce = `n${randomBytes(4).toString("hex")}`;
    const command = [
      "env",
      "-u",
      "NO_COLOR",
      "-u",
      "CI",
      process.execPath,
      driver,
      "tty",
      spec(services, nonce),
    ]
      .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
      .join(" ");
    tmux("new-session", "-d", "-s", "p", "-x", "110", "-y", "24", `${command}; echo EXIT=$?; sleep 120`);

    const captures: string[] = [];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const screen = tmux("capture-pane", "-p", "-t", "p");
      captures.push(screen);
      if (screen.includes("EXIT=")) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const final = captures.at(-1) ?? "";
    expect(final, final).toContain("EXIT=0");

    // the live block is drawn in place: each service has exactly one line on every screen
    const lineOf = (screen: string, name: string): string[] =>
      screen.split("\n").filter((l) => new RegExp(`^\\S+ ${name}\\s`).test(l));
    for (const screen of captures) {
      for (const s of ["tty-alpha", "tty-beta"])
        expect(lineOf(screen, s).length, screen).toBeLessThanOrEqual(1);
    }
    // while running, a line reads: <spinner> name  done/seen steps  elapsed  current step
    const running = (screen: string, name: string): string | undefined => {
      const l = lineOf(screen, name)[0];
      const m = l ? /\s(\d+\/\d+) steps.*?\d+\.\ds\s+(.*)$/.exec(l) : null;
      return m && !l?.includes("built") ? `${m[1]} ${m[2]}` : undefined;
    };
    for (const name of ["tty-alpha", "tty-beta"]) {
      const states = [
        ...new Set(captures.map((c) => running(c, name)).filter((s): s is string => s !== undefined)),
      ];
      // several distinct (counter, step) states seen: the line advanced while building
      expect(states.length, `${name}: ${states.join(" | ")}`).toBeGreaterThanOrEqual(3);
      expect(states.some((s) => s.includes("RUN sleep 1 && echo b"))).toBe(true);
    }
    // both were live on the same screen: the builds ran in parallel
    expect(captures.some((c) => running(c, "tty-alpha") && running(c, "tty-beta"))).toBe(true);

    // the final frame stays: both built, gamma failed with its last lines expanded below
    expect(final).toMatch(/✔ tty-alpha\s+built in \d+\.\ds\s+3 steps/);
    expect(final).toMatch(/✔ tty-beta\s+built in \d+\.\ds\s+4 steps/);
    expect(final).toMatch(/✖ tty-gamma\s+FAILED after/);
    expect(final).toContain("┌ tty-gamma: last output of RUN sleep 1 && echo 'gamma broke here' && exit 4");
    expect(final).toContain("│ gamma broke here");
    expect(final).toMatch(/└ .*exit code: 4/);
    expect(final).toContain("DRIVER-DONE");
  });
});
