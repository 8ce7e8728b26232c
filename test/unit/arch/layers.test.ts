import { ESLint } from "eslint";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../../..");

/** lint a source text as if it were the file at `file` (relative to the repo root) */
async function lintAs(file: string, code: string, rule: string = "no-restricted-imports"): Promise<string[]> {
  const eslint = new ESLint({ cwd: root, overrideConfig: { rules: {} } });
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === rule).map((m) => m.message);
}

describe("layer arrows (eslint no-restricted-imports)", () => {
  it("rejects core importing an adapter", async () => {
    const messages = await lintAs(
      "src/core/compose/model.ts",
      'import { nodeComposeIo } from "../../adapters/compose-files.js";\nexport const x = nodeComposeIo;\n',
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain("wrong layer arrow");
  });

  it("rejects adapters importing a use case and app importing the cli", async () => {
    const adapter = await lintAs(
      "src/adapters/compose-files.ts",
      'import { bakeProject } from "../app/bake-project.js";\nexport const x = bakeProject;\n',
    );
    expect(adapter).toHaveLength(1);
    const app = await lintAs(
      "src/app/status.ts",
      'import { readGlobals } from "../cli/globals.js";\nexport const x = readGlobals;\n',
    );
    expect(app).toHaveLength(1);
  });

  it("allows the arrows that point the right way", async () => {
    const cli = await lintAs(
      "src/cli/status.ts",
      'import { projectStatus } from "../app/status.js";\nexport const x = projectStatus;\n',
    );
    expect(cli).toEqual([]);
  });
});

describe("use cases get the engine, build client, compose, history and session as ports", () => {
  const rule = "@typescript-eslint/no-restricted-imports";

  it("rejects a use case calling the engine factory or the client detection itself", async () => {
    const engine = await lintAs(
      "src/app/status.ts",
      'import { getEngine } from "../adapters/engine/index.js";\nexport const x = getEngine;\n',
      rule,
    );
    expect(engine).toHaveLength(1);
    expect(engine[0]).toContain("Ports");
    const history = await lintAs(
      "src/app/doctor/project-checks.ts",
      'import { HistoryStore } from "../../adapters/history/history-store.js";\nexport const x = HistoryStore;\n',
      rule,
    );
    expect(history).toHaveLength(1);
  });

  it("allows their types, and the real ports' factory", async () => {
    const types = await lintAs(
      "src/app/status.ts",
      'import type { DockerClient } from "../adapters/engine/client.js";\nexport type X = DockerClient;\n',
      rule,
    );
    expect(types).toEqual([]);
    const real = await lintAs(
      "src/app/library.ts",
      'import { realPorts } from "../adapters/real-ports.js";\nexport const x = realPorts;\n',
      rule,
    );
    expect(real).toEqual([]);
  });

  it("rejects a use case creating volumes or talking to a registry itself (Ports.volumes, Ports.registry)", async () => {
    for (const [file, code] of [
      [
        "src/app/up.ts",
        'import { ensureVolumes } from "../adapters/volumes/ensure.js";\nexport const x = ensureVolumes;\n',
      ],
      [
        "src/app/pull.ts",
        'import { pullBaked } from "../adapters/registry/transfer.js";\nexport const x = pullBaked;\n',
      ],
      [
        "src/app/why.ts",
        'import { RegistryClient } from "../adapters/registry/registry-client.js";\nexport const x = RegistryClient;\n',
      ],
    ] as const) {
      const messages = await lintAs(file, code, rule);
      expect(messages, file).toHaveLength(1);
      expect(messages[0]).toContain("Ports");
    }
    const types = await lintAs(
      "src/app/volumes.ts",
      'import type { Inventory } from "../adapters/volumes/inventory.js";\nexport type X = Inventory;\n',
      rule,
    );
    expect(types).toEqual([]);
  });
});

describe("the remaining adapters behind ports, and the library as a composition root (#14.2)", () => {
  const rule = "@typescript-eslint/no-restricted-imports";

  it("rejects a use case calling the Dev Containers CLI, the bundle tar, the lint targets or the fingerprint io", async () => {
    const cases: [string, string][] = [
      [
        "src/app/devcontainer-stages.ts",
        'import { installFeatures } from "../adapters/devcontainer/cli.js";',
      ],
      ["src/app/export-bundle.ts", 'import { packTar } from "../adapters/bundle/bundle-files.js";'],
      ["src/app/lint-project.ts", 'import { modelTargets } from "../adapters/lint-targets.js";'],
      [
        "src/app/devcontainer-layers.ts",
        'import { FsFingerprintIo } from "../adapters/fs/context-hasher.js";',
      ],
      [
        "src/app/status.ts",
        'import { generatedConfigProblem } from "../adapters/bake/devcontainer-config.js";',
      ],
    ];
    for (const [file, line] of cases) {
      const name = /import \{ (\w+) \}/.exec(line)?.[1] ?? "";
      expect(await lintAs(file, `${line}\nexport const x = ${name};\n`, rule), file).toHaveLength(1);
    }
  });

  it("rejects the real ports or the run recorder anywhere in app/ but the library's face", async () => {
    const code = 'import { realPorts } from "../adapters/real-ports.js";\nexport const x = realPorts;\n';
    expect(await lintAs("src/app/export-bundle.ts", code, rule)).toHaveLength(1);
    const recorder =
      'import { RunRecorder } from "../adapters/history/run-recorder.js";\nexport const x = RunRecorder;\n';
    expect(await lintAs("src/app/up.ts", recorder, rule)).toHaveLength(1);
    expect(await lintAs("src/app/library.ts", recorder, rule)).toEqual([]);
    expect(await lintAs("src/app/library-volumes.ts", code, rule)).toEqual([]);
    // the library's face still gets the engine as a port, like any use case
    const engine = 'import { getEngine } from "../adapters/engine/index.js";\nexport const x = getEngine;\n';
    expect(await lintAs("src/app/library.ts", engine, rule)).toHaveLength(1);
  });
});

describe("core does no I/O of its own", () => {
  it("no file under src/core reads process.env or process.cwd(), or imports adapters/app/cli", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const offenders: string[] = [];
    for (const entry of readdirSync(path.join(root, "src/core"), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
      const file = path.join(entry.parentPath, entry.name);
      const text = readFileSync(file, "utf8");
      if (/process\.(env|cwd)|from "[./]+(adapters|app|cli)\//.test(text)) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });
});

describe("use cases get the project's state and files as ports (ports.state, ports.project)", () => {
  it("rejects a use case writing the project's state or files itself (#14.2)", async () => {
    const wrong: [string, string][] = [
      [
        "src/app/restore.ts",
        'import { BackupStore } from "../adapters/state/backup-store.js";\nexport const x = BackupStore;\n',
      ],
      [
        "src/app/pin-project.ts",
        'import { commitFiles } from "../adapters/state/journal.js";\nexport const x = commitFiles;\n',
      ],
      [
        "src/app/open-project.ts",
        'import { readPins } from "../adapters/state/pin-store.js";\nexport const x = readPins;\n',
      ],
      [
        "src/app/open-project.ts",
        'import { loadProjectCached } from "../adapters/compose-model-cache.js";\nexport const x = loadProjectCached;\n',
      ],
      [
        "src/app/override-pins.ts",
        'import { writeFileAtomic } from "../adapters/fs/atomic-write.js";\nexport const x = writeFileAtomic;\n',
      ],
      [
        "src/app/foreign-pins.ts",
        'import { committedVersions } from "../adapters/git/file-history.js";\nexport const x = committedVersions;\n',
      ],
      [
        "src/app/up.ts",
        'import { loadProject } from "../adapters/project-loader.js";\nexport const x = loadProject;\n',
      ],
      [
        "src/app/up.ts",
        'import { ProjectFiles } from "../adapters/project-files.js";\nexport const x = new ProjectFiles();\n',
      ],
      [
        "src/app/doctor/project-checks.ts",
        'import { projectStateDir } from "../../adapters/state/state-dir.js";\nexport const x = projectStateDir;\n',
      ],
      [
        "src/app/doctor/checks/state-checks.ts",
        'import { isAlive } from "../../../adapters/state/lock.js";\nexport const x = isAlive;\n',
      ],
    ];
    for (const [file, code] of wrong) {
      const messages = await lintAs(file, code, "@typescript-eslint/no-restricted-imports");
      expect({ file, code, messages }).toEqual({ file, code, messages: [expect.stringContaining("Ports")] });
    }
    const types = await lintAs(
      "src/app/pin-project.ts",
      'import type { FileChange } from "../adapters/state/journal.js";\nexport type X = FileChange;\n',
      "@typescript-eslint/no-restricted-imports",
    );
    expect(types).toEqual([]);
  });
});
