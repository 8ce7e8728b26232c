/**
 * kiln's devcontainer.json copy for `--mode override` on disk: written on each bake, checked by
 * status, removed by restore. In a git repository its folder is listed in `.git/info/exclude`
 * (the repository's own, never a tracked .gitignore), so `git status` stays clean.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, rmdirSync, statSync } from "node:fs";
import path from "node:path";
import type { DevcontainerModel } from "../../core/compose/model.js";
import { generatedConfigPath, generatedConfigText } from "../../core/pin/devcontainer-override.js";
import { configuredFeatures } from "../../core/devcontainer/features.js";
import { writeFileAtomic } from "../fs/atomic-write.js";

export function generatedConfigOf(dc: DevcontainerModel): string {
  return generatedConfigPath(dc.configPath, dc.workspaceFolder);
}

/**
 * `featuresBaked`: the override pins the devcontainer's service to an image carrying its Features.
 * `configText`: devcontainer.json as the run read it (else read here).
 */
function expectedText(
  dc: DevcontainerModel,
  overrideFile: string,
  featuresBaked: boolean,
  configText?: string,
): string {
  return generatedConfigText({
    text: configText ?? readFileSync(dc.configPath, "utf8"),
    configPath: dc.configPath,
    generatedPath: generatedConfigOf(dc),
    overrideFile,
    bakedFeatures: featuresBaked ? configuredFeatures(dc.config).map((f) => f.key) : [],
  });
}

export async function writeGeneratedConfig(
  dc: DevcontainerModel,
  overrideFile: string,
  featuresBaked = false,
  configText?: string,
): Promise<string> {
  const file = generatedConfigOf(dc);
  mkdirSync(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, expectedText(dc, overrideFile, featuresBaked, configText));
  await excludeFromGit(path.dirname(file), "add");
  return file;
}

export async function removeGeneratedConfig(dc: DevcontainerModel): Promise<string | undefined> {
  const file = generatedConfigOf(dc);
  if (!existsSync(file)) return undefined;
  rmSync(file);
  try {
    rmdirSync(path.dirname(file)); // only when kiln's folder holds nothing else
  } catch {
    // not empty: leave it
  }
  await excludeFromGit(path.dirname(file), "remove");
  return file;
}

/** why `devcontainer up` on kiln's copy would not start the override's images, or undefined */
export function generatedConfigProblem(
  dc: DevcontainerModel,
  overrideFile: string,
  featuresBaked = false,
  configText?: string,
): string | undefined {
  const file = generatedConfigOf(dc);
  if (!existsSync(file))
    return `kiln's devcontainer config ${file} is missing (run \`kiln bake --mode override\`)`;
  if (readFileSync(file, "utf8") !== expectedText(dc, overrideFile, featuresBaked, configText))
    return `kiln's devcontainer config ${file} no longer matches ${dc.configPath} (run \`kiln bake --mode override\`)`;
  return undefined;
}

/** the repository's info/exclude (worktrees share the main one) and the repository root */
function gitExclude(from: string): { file: string; root: string } | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const dotGit = path.join(dir, ".git");
    if (existsSync(dotGit)) {
      let gitDir = dotGit;
      if (statSync(dotGit).isFile()) {
        const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, "utf8"));
        if (!m?.[1]) return undefined;
        gitDir = path.resolve(dir, m[1].trim());
        const common = path.join(gitDir, "commondir");
        if (existsSync(common)) gitDir = path.resolve(gitDir, readFileSync(common, "utf8").trim());
      }
      return { file: path.join(gitDir, "info", "exclude"), root: dir };
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

const EXCLUDE_NOTE =
  "# kiln bake --mode override: its generated devcontainer config (kiln restore removes this)";

async function excludeFromGit(folder: string, change: "add" | "remove"): Promise<void> {
  const git = gitExclude(folder);
  if (!git) return;
  const pattern = `/${path.relative(git.root, folder).split(path.sep).join("/")}/`;
  const current = existsSync(git.file) ? readFileSync(git.file, "utf8") : "";
  const lines = current.split("\n");
  const at = lines.indexOf(pattern);
  if (change === "add" && at < 0) {
    mkdirSync(path.dirname(git.file), { recursive: true });
    const sep = current === "" || current.endsWith("\n") ? "" : "\n";
    await writeFileAtomic(git.file, `${current}${sep}${EXCLUDE_NOTE}\n${pattern}\n`);
  } else if (change === "remove" && at >= 0) {
    const from = at > 0 && lines[at - 1] === EXCLUDE_NOTE ? at - 1 : at;
    lines.splice(from, at - from + 1);
    await writeFileAtomic(git.file, lines.join("\n"));
  }
}
