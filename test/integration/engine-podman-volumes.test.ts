/**
 * Cache volumes shared by two compose projects on Podman (#18.2), the real engine: a non-root
 * devcontainer (with a database beside it) and a root test-gen declare the same external,
 * explicitly named caches, as examples/dukat does. `kiln volumes ensure` creates them once,
 * labelled and owned by the non-root user for good (Podman re-owns an API-created volume at
 * its first start); `kiln up` starts both projects on them; what one writes the other reads;
 * `volumes ls` shows them shared; doctor and prune leave the database's volume alone; import
 * keeps owners; export is refused (Podman's archive API rewrites every owner).
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  engineAvailable,
  removeDir,
  runKiln,
  tempCopy,
  testLabel,
  testRunId,
  type KilnRun,
} from "../helpers/kiln.js";
import { PODMAN_HOST, podman, podmanAvailable, sweepPodman, TEST_FILE_LABEL } from "../helpers/podman.js";
import { composeOnPodman, podmanExec, podmanVolume, podmanVolumeOwner } from "../helpers/podman-volumes.js";

interface LsVolume {
  name: string;
  purpose: string;
  exists: boolean;
  owner: string | null;
  sizeBytes: number | null;
  usedBy: { project: string; service: string; path: string }[];
  warnings: { code: string }[];
}

interface Check {
  id: string;
  status: string;
  message: string;
  hint?: string;
}

interface Up {
  project: string;
  volumesCreated: string[];
  started: string[];
}

const id = randomBytes(4).toString("hex");
const hf = `kpv${id}-huggingface-cache`;
const pip = `kpv${id}-pip-cache`;
const caches = [hf, pip].sort();
/** engine-podman.test.ts may run at the same time and sweeps the run label: this file sweeps its own */
const testFile = `engine-podman-volumes-${id}`;
const labels = [testLabel(), `${TEST_FILE_LABEL}=${testFile}`];
const labelArgs = labels.flatMap((l) => ["--label", l]);

function fill(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const p = path.join(e.parentPath, e.name);
    writeFileSync(
      p,
      readFileSync(p, "utf8")
        .replaceAll("@ID@", id)
        .replaceAll("@RUN@", testRunId())
        .replaceAll("@FILE@", testFile),
    );
  }
}

describe.skipIf(!engineAvailable() || !podmanAvailable())(
  "kiln volumes on Podman: caches two projects share",
  () => {
    let dir = "";
    let env: NodeJS.ProcessEnv = {};
    /** compose project → its file, for the clean-up */
    const started = new Map<string, string>();
    const kiln = (args: string[], sub = "."): KilnRun =>
      runKiln([...args, "--project-dir", path.join(dir, sub)], { env });
    const ls = (): LsVolume[] => {
      const r = kiln(["volumes", "ls", "--json"]);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { volumes: LsVolume[] }).volumes;
    };
    const up = (args: string[], sub: string, file: string): Up => {
      const r = kiln(["up", "--json", ...args], sub);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as Up;
      started.set(out.project, path.join(dir, file));
      return out;
    };
    const doctor = (...extra: string[]): Check[] => {
      const r = kiln(["doctor", "--json", "--devcontainer", ...extra]);
      return (JSON.parse(r.stdout) as { checks: Check[] }).checks;
    };
    let dataVolume = "";
    let dev = "";
    let testGen = "";

    beforeAll(() => {
      dir = tempCopy("volumes/podman-shared");
      fill(dir);
      env = { DOCKER_HOST: PODMAN_HOST, KILN_STATE_DIR: `${dir}.state`, KILN_LABELS: labels.join(",") };
    });

    afterAll(() => {
      for (const [project, file] of started) {
        try {
          composeOnPodman(project, file, ["down", "-v", "-t", "0", "--remove-orphans"]);
        } catch {
          // already down
        }
      }
      sweepPodman(testLabel(), testFile);
      // external volumes survive `down -v`; a failed test may leave one without the run label
      const left = podman(["volume", "ls", "-q"])
        .stdout.split("\n")
        .filter((n) => n.includes(id));
      if (left.length > 0) podman(["volume", "rm", "-f", ...left]);
      removeDir(dir);
      removeDir(`${dir}.state`);
    }, 120_000);

    it("ls sees both projects on the two caches; ensure creates them once, labelled, owned by the non-root user", () => {
      const before = ls();
      expect(before.map((v) => v.name).sort()).toEqual(caches);
      for (const v of before) {
        expect(v.exists).toBe(false);
        expect(new Set(v.usedBy.map((u) => u.project)).size, v.name).toBe(2);
      }

      const r = kiln(["volumes", "ensure", "--json"]);
      expect(r.code, r.stderr).toBe(0);
      const actions = (
        JSON.parse(r.stdout) as { volumes: { name: string; created: boolean; owner?: string }[] }
      ).volumes;
      expect(actions.map((a) => [a.name, a.created, a.owner]).sort()).toEqual(
        caches.map((n) => [n, true, "1000:1000"]),
      );
      for (const name of caches) {
        const v = podmanVolume(name);
        expect(v?.Labels).toMatchObject({ "kiln.managed": "true", "kiln.test.run": testRunId() });
        // created owned: Podman will not re-own it at the first start
        expect(v?.Options).toMatchObject({ o: "uid=1000,gid=1000" });
        expect(v?.NeedsChown ?? false).toBe(false);
        expect(podmanVolumeOwner(name)).toBe("1000:1000");
      }
      expect(podmanVolume(hf)?.Labels?.["kiln.purpose"]).toBe("huggingface");
      expect(podmanVolume(pip)?.Labels?.["kiln.purpose"]).toBe("pip");
    });

    it("kiln up starts both projects on the same caches (root's test-gen first); what one writes the other reads", () => {
      const createdAt = caches.map((n) => podmanVolume(n)?.CreatedAt);
      const tg = up([], "test-gen", "test-gen/docker-compose.yml");
      expect(tg.volumesCreated).toEqual([]);
      expect(tg.started).toEqual(["test-gen"]);
      // the root container started first and the cache is still the non-root user's
      for (const name of caches) expect(podmanVolumeOwner(name), name).toBe("1000:1000");

      const dc = up(["--devcontainer"], ".", ".devcontainer/docker-compose.yml");
      expect(dc.volumesCreated).toEqual([]);
      expect(dc.started.sort()).toEqual(["db", "dev"]);
      expect(caches.map((n) => podmanVolume(n)?.CreatedAt)).toEqual(createdAt);
      dataVolume = `${dc.project}_pgdata`;
      dev = `${dc.project}-dev-1`;
      testGen = `${tg.project}-test-gen-1`;

      expect(podmanExec(dev, "echo from-dev > /cache/huggingface/model.bin && id -u").trim()).toBe("1000");
      expect(
        podmanExec(
          testGen,
          "cat /root/.cache/huggingface/model.bin && echo from-test-gen > /root/.cache/huggingface/model.bin",
        ).trim(),
      ).toBe("from-dev");
      expect(podmanExec(dev, "cat /cache/huggingface/model.bin").trim()).toBe("from-test-gen");
      podmanExec(dev, "mkdir -p /home/dev/.cache/pip/wheels && echo w > /home/dev/.cache/pip/wheels/a.whl");
      expect(podmanExec(testGen, "cat /root/.cache/pip/wheels/a.whl").trim()).toBe("w");
    });

    it("ls shows the caches shared, owned right and clean; inspect reads them; doctor is right about caches and data", () => {
      const volumes = ls();
      for (const v of volumes) {
        expect(v.exists, v.name).toBe(true);
        expect(v.owner, v.name).toBe("1000:1000");
        expect(v.warnings, v.name).toEqual([]);
        expect(v.usedBy.map((u) => `${u.project}/${u.service}`).sort(), v.name).toHaveLength(2);
      }
      expect(volumes.find((v) => v.name === hf)?.sizeBytes).toBeGreaterThan(0);

      const inspect = kiln(["volumes", "inspect", hf, "--json"]);
      expect(inspect.code, inspect.stderr).toBe(0);
      const info = JSON.parse(inspect.stdout) as {
        files: number;
        owner: string;
        largest: { path: string }[];
        usedBy: string[];
      };
      expect(info).toMatchObject({ files: 1, owner: "1000:1000" });
      expect(info.largest[0]?.path).toBe("model.bin");
      expect(info.usedBy.sort()).toEqual([dev, testGen].sort());

      const checks = doctor();
      for (const name of [...caches, dataVolume]) {
        const c = checks.find((x) => x.id === `volume.${name}`);
        expect(c, name).toMatchObject({ status: "ok", message: `volume ${name} exists` });
      }
      const dataLabels = podmanVolume(dataVolume)?.Labels;
      doctor("--fix");
      expect(podmanVolume(dataVolume)?.Labels).toEqual(dataLabels);
      expect(dataLabels).not.toHaveProperty("kiln.managed");
    });

    it("kiln volumes export is refused on Podman (the files' owners would be lost), naming podman's own command", () => {
      const file = path.join(`${dir}.state`, "hf.tar");
      const r = kiln(["volumes", "export", hf, file, "--json"]);
      expect(r.code).toBe(3);
      const error = (JSON.parse(r.stdout) as { error: { code: string; hint?: string } }).error;
      expect(error.code).toBe("ERR_KILN_ENGINE_UNSUPPORTED");
      expect(error.hint).toContain(`podman volume export ${hf}`);
      expect(existsSync(file)).toBe(false);
    });

    it("kiln volumes import on Podman keeps the owners, and the root's survives a root container's first start", () => {
      const imported = `kpv${id}-imported`;
      const tree = path.join(`${dir}.state`, "tree");
      mkdirSync(path.join(tree, "wheels"), { recursive: true });
      writeFileSync(path.join(tree, "wheels", "a.whl"), "wheel");
      chownSync(path.join(tree, "wheels", "a.whl"), 1000, 1001);
      chownSync(path.join(tree, "wheels"), 1000, 1000);
      chownSync(tree, 1000, 1000);
      chmodSync(tree, 0o750);
      const tar = `${tree}.tar`;
      execFileSync("tar", ["--numeric-owner", "-C", tree, "-cf", tar, "."]);
      const r = kiln(["volumes", "import", tar, imported, "--json"]);
      expect(r.code, r.stderr).toBe(0);
      const mountpoint = podmanVolume(imported)?.Mountpoint ?? "";
      const file = statSync(path.join(mountpoint, "wheels", "a.whl"));
      expect(`${file.uid}:${file.gid}`).toBe("1000:1001");
      const root = podman([
        "run",
        "--rm",
        ...labelArgs,
        "-v",
        `${imported}:/data`,
        "kiln-local/busybox:latest",
        "true",
      ]);
      expect(root.code, root.stderr).toBe(0);
      expect(podmanVolumeOwner(imported)).toBe("1000:1000");
      expect(statSync(mountpoint).mode & 0o7777).toBe(0o750);
    });

    it("prune keeps caches in use, never touches the database's volume, and its data survives", () => {
      const busy = JSON.parse(kiln(["volumes", "prune", "--dry-run", "--json"]).stdout) as {
        removed: string[];
        kept: { name: string }[];
      };
      expect(busy.removed).toEqual([]);
      expect(busy.kept.map((k) => k.name).sort()).toEqual(caches);

      const named = kiln(["volumes", "prune", dataVolume]);
      expect(named.code).toBe(2);
      expect(named.stderr).toContain("not created by kiln");

      // containers gone, volumes kept (no -v)
      for (const [project, file] of started) composeOnPodman(project, file, ["down", "-t", "0"]);
      const real = kiln(["volumes", "prune", "--json"]);
      expect(real.code, real.stderr).toBe(0);
      const removed = (JSON.parse(real.stdout) as { removed: string[] }).removed;
      expect(removed.sort()).toEqual(caches);
      expect(removed).not.toContain(dataVolume);
      for (const name of caches) expect(podmanVolume(name), name).toBeUndefined();
      const data = podmanVolume(dataVolume);
      expect(data).toBeDefined();
      expect(readFileSync(path.join(data?.Mountpoint ?? "", "PG_VERSION"), "utf8").trim()).toBe("rows");
    });

    it("a cache created the plain way (podman volume create, as ensure-volumes.sh does) keeps the owner ensure gives it when root starts first", () => {
      const created = podman(["volume", "create", ...labelArgs, hf]);
      expect(created.code, created.stderr).toBe(0);
      // Podman would re-own it at the first container start
      expect(podmanVolume(hf)?.NeedsChown).toBe(true);
      const r = kiln(["volumes", "ensure", "--json"]);
      expect(r.code, r.stderr).toBe(0);
      const actions = (
        JSON.parse(r.stdout) as { volumes: { name: string; created: boolean; owner?: string }[] }
      ).volumes;
      expect(actions.find((a) => a.name === hf)).toMatchObject({ created: false, owner: "1000:1000" });
      expect(podmanVolumeOwner(hf)).toBe("1000:1000");

      const root = podman([
        "run",
        "--rm",
        ...labelArgs,
        "-v",
        `${hf}:/root/.cache/huggingface`,
        "kiln-local/busybox:latest",
        "true",
      ]);
      expect(root.code, root.stderr).toBe(0);
      expect(podmanVolumeOwner(hf)).toBe("1000:1000");
    });
  },
);
