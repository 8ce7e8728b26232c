/**
 * #15.3 `kiln why`: after each kind of change — a source file, an ignored file, a build arg,
 * the base image re-tagged to a new ID, one Dockerfile line, a service it is built FROM — it
 * names exactly that change and the first step whose cache will miss, and the real rebuild
 * agrees: the first step BuildKit reports as not cached is the one `why` named, and as many
 * steps run as it counted. Both BuildKit client modes.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bakeFixture, engineAvailable, removeDir, runKiln, testLabel, testRunId } from "../helpers/kiln.js";
import { removeImages, type BuildMode } from "../helpers/docker-build.js";

const dirs: string[] = [];
const images: string[] = [];
afterAll(() => {
  removeImages(...images);
  dirs.forEach(removeDir);
});

interface Why {
  service: string;
  state: string;
  changes?: {
    files: { added: string[]; removed: string[]; changed: string[] };
    dockerfile?: { lines?: { op: string; line: number; text: string }[] };
    args: { name: string; before?: string | null; after?: string | null }[];
    baseImages: { ref: string; before?: string | null; after?: string | null }[];
    services: { service: string }[];
  };
  miss?: { first?: { line: number; instruction: string; because: string }; willRun: number; steps: number };
}

interface HistoryJson {
  runs: { services: { service: string; outcome: string; steps: { name: string; state: string }[] }[] }[];
}

describe.skipIf(!engineAvailable()).each<BuildMode>(["buildx", "legacy"])("kiln why (%s)", (mode) => {
  it("names each change and the first missing step, and the real rebuild agrees", () => {
    const { dir, env: base } = bakeFixture("bake/why");
    dirs.push(dir, `${dir}.state`);
    const run = testRunId()
      .toLowerCase()
      .replace(/[^a-z0-9_.-]/g, "-");
    // (not kiln-test-*: other suites sweep those tags at their end, while this one runs)
    const root = `kiln-whytest-root-${mode}:${run}`;
    const baseImage = `kiln-whytest-base-${mode}-${run}`;
    images.push(root, `${baseImage}:latest`);
    expect(spawnSync("docker", ["tag", "kiln-local/busybox:latest", root]).status).toBe(0);
    const env: NodeJS.ProcessEnv = {
      ...base,
      ROOT_IMAGE: root,
      BASE_IMAGE: baseImage,
      GREETING: "hello",
      KILN_BUILD_MODE: mode,
      ...(mode === "legacy" ? { KILN_DOCKER: "/usr/bin/docker" } : {}),
    };
    const kiln = (...args: string[]) => {
      const r = runKiln([...args, "--project-dir", dir], { env });
      expect(r.code, r.stderr).toBe(0);
      return r.stdout;
    };
    const why = (service: string): Why =>
      (JSON.parse(kiln("why", service, "--json")) as { services: Why[] }).services[0];
    /** bakes, and returns the steps of `service` that ran (not cached), in order */
    const bakeSteps = (service: string): string[] => {
      kiln("bake", "--progress", "quiet");
      const h = JSON.parse(kiln("history", "--json", "--limit", "1")) as HistoryJson;
      const s = h.runs[0].services.find((x) => x.service === service)!;
      return s.steps.filter((x) => x.state !== "cached").map((x) => x.name.replace(/^\[[^\]]*\] /, ""));
    };
    /** why named the first step the rebuild ran, and counted as many */
    const confirm = (service: string, w: Why): void => {
      const ran = bakeSteps(service);
      const named = w.miss?.first?.instruction ?? "";
      // BuildKit's step names show build args expanded (buildx) or as written (legacy)
      expect([named, named.replaceAll("$GREETING", env.GREETING ?? "")]).toContain(ran[0]);
      expect(ran.length).toBe(w.miss?.willRun);
    };

    expect(why("app").state).toBe("no-previous");
    kiln("bake", "--progress", "quiet");
    expect(why("app").state).toBe("fresh");

    // one source file
    writeFileSync(path.join(dir, "app", "src", "main.py"), `print(${Math.random()})\n`);
    let w = why("app");
    expect(w.state).toBe("stale");
    expect(w.changes?.files).toEqual({ added: [], removed: [], changed: ["src/main.py"] });
    expect(w.miss?.first).toMatchObject({ line: 8, instruction: "COPY src/ ./src/" });
    confirm("app", w);

    // an ignored file: nothing to say, nothing runs
    appendFileSync(path.join(dir, "app", "notes.log"), "more\n");
    expect(why("app").state).toBe("fresh");

    // a build arg
    env.GREETING = `hi ${Math.random()}`;
    w = why("app");
    expect(w.changes?.args).toEqual([{ name: "GREETING", before: "hello", after: env.GREETING }]);
    expect(w.changes?.files).toEqual({ added: [], removed: [], changed: [] });
    expect(w.miss?.first).toMatchObject({ line: 7, instruction: 'RUN echo "$GREETING" > greeting.txt' });
    confirm("app", w);

    // one Dockerfile line
    const dockerfile = path.join(dir, "app", "Dockerfile");
    const marker = Math.random();
    writeFileSync(
      dockerfile,
      readFileSync(dockerfile, "utf8").replace(
        "RUN ls src > sources.txt",
        `RUN ls src > sources.txt && echo ${marker}`,
      ),
    );
    w = why("app");
    expect(w.changes?.dockerfile?.lines).toEqual([
      { op: "-", line: 9, text: "RUN ls src > sources.txt" },
      { op: "+", line: 9, text: `RUN ls src > sources.txt && echo ${marker}` },
    ]);
    expect(w.miss?.first).toMatchObject({ line: 9 });
    confirm("app", w);

    // a service it is built FROM
    writeFileSync(path.join(dir, "base", "base.txt"), `base ${Math.random()}\n`);
    w = why("app");
    expect(w.changes?.services.map((s) => s.service)).toEqual(["base"]);
    expect(w.miss?.first).toMatchObject({ line: 3, instruction: "WORKDIR /app" });
    expect(why("base").miss?.first).toMatchObject({ instruction: "COPY base.txt /base.txt" });
    confirm("app", w);

    // the base image re-tagged to a new ID
    const other = spawnSync("docker", ["build", "-q", "--label", testLabel(), "-t", root, "-"], {
      input: `FROM kiln-local/busybox:latest\nRUN echo ${Math.random()} > /variant\n`,
      encoding: "utf8",
      env: { ...process.env, DOCKER_BUILDKIT: "1" },
    });
    expect(other.status, other.stderr).toBe(0);
    w = why("base");
    expect(w.changes?.baseImages.map((b) => b.ref)).toEqual([root]);
    expect(w.changes?.baseImages[0].before).not.toBe(w.changes?.baseImages[0].after);
    expect(w.miss?.first).toMatchObject({ line: 3, instruction: "COPY base.txt /base.txt" });
    confirm("base", w);
  });
});
