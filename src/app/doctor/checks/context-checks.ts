/**
 * Build contexts: a .dockerignore, a sane size, and how many speed findings `kiln lint` has
 * for each service's Dockerfile.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { CheckResult } from "../../../core/doctor/check.js";
import type { ProjectModel } from "../../../core/compose/model.js";
import type { FingerprintManifest } from "../../../core/fingerprint/index.js";
import { lintDockerfile } from "../../../core/lint/lint.js";
import {
  ignoreSuggestions,
  unreadLines,
  type IgnoreSuggestion,
} from "../../../core/why/ignore-suggestions.js";

const HUGE_FILES = 20_000;
/**
 * Below these a context needs no .dockerignore: sending it costs nothing (#12.10). Above
 * either — or with a folder that is rarely meant for the image — doctor asks for one.
 */
const SMALL_FILES = 200;
const SMALL_BYTES = 10 * 1024 * 1024;
const HEAVY = new Set([
  ".git",
  "node_modules",
  ".venv",
  "venv",
  "__pycache__",
  ".tox",
  ".mypy_cache",
  "target",
]);

function isSmallContext(context: string, files: string[]): boolean {
  if (files.length > SMALL_FILES) return false;
  if (files.some((f) => HEAVY.has(f.split("/")[0] ?? ""))) return false;
  let bytes = 0;
  for (const f of files) {
    try {
      bytes += statSync(path.join(context, f)).size;
    } catch {
      // vanished since it was fingerprinted: counts as nothing
    }
  }
  return bytes <= SMALL_BYTES;
}

export function contextChecks(
  model: ProjectModel,
  manifests: Map<string, FingerprintManifest>,
  fix = false,
): CheckResult[] {
  const out: CheckResult[] = [];
  const seen = new Set<string>();
  for (const svc of model.services) {
    const build = svc.build;
    if (!build || build.contextIsRemote || seen.has(build.context)) continue;
    seen.add(build.context);
    const files = Object.keys(manifests.get(svc.name)?.files ?? {});
    const dockerfileIgnore = build.dockerfile ? `${build.dockerfile}.dockerignore` : undefined;
    const hasIgnore =
      existsSync(path.join(build.context, ".dockerignore")) ||
      (dockerfileIgnore !== undefined && existsSync(dockerfileIgnore));
    const id = `context.${svc.name}`;
    const small = !hasIgnore && isSmallContext(build.context, files);
    if (files.length > HUGE_FILES) {
      out.push({
        id,
        status: "warn",
        message: `context ${build.context} sends ${files.length} files to every build`,
        hint: `add what the image does not need (node_modules, .git, data) to ${path.join(build.context, ".dockerignore")}`,
      });
    } else if (small) {
      out.push({
        id,
        status: "ok",
        message: `context ${build.context}: ${files.length} small files (no .dockerignore needed)`,
      });
    } else if (!hasIgnore) {
      out.push({
        id,
        status: "warn",
        message: `context ${build.context} has no .dockerignore (${files.length} files sent)`,
        hint: `create ${path.join(build.context, ".dockerignore")} (e.g. .git, node_modules, __pycache__)`,
      });
    } else
      out.push({
        id,
        status: "ok",
        message: `context ${build.context}: ${files.length} files, .dockerignore present`,
      });

    const manifest = manifests.get(svc.name);
    const suggestions = manifest ? ignoreSuggestions(model, svc, manifest) : [];
    const unread =
      manifest?.dockerfileText === undefined
        ? []
        : unreadLines(suggestions, manifest.dockerfileText, {
            args: manifest.args,
            ...(build.target ? { target: build.target } : {}),
          });
    if (fix && unread.length > 0 && dockerfileIgnore !== undefined) {
      writeIgnoreLines(dockerfileIgnore, path.join(build.context, ".dockerignore"), unread);
      out.push({
        id: `context-ignore.${svc.name}`,
        status: "ok",
        message: `added ${unread.map((x) => x.line).join(" ")} to ${dockerfileIgnore} (the build does not read them)`,
      });
    } else if (suggestions.length > 0) {
      const fixHint =
        unread.length > 0 && dockerfileIgnore !== undefined
          ? `   (\`kiln doctor --fix\` writes ${unread.map((x) => x.line).join(" ")} to ${dockerfileIgnore}: the build does not read them)`
          : "";
      out.push({
        id: `context-ignore.${svc.name}`,
        status: "warn",
        message: `${svc.name} reads its whole build context (${manifest?.reads?.whole[0] ?? ""}), which holds files that change often and the image does not need: ${suggestions.map((x) => x.path).join(", ")} — each change makes it stale`,
        hint: `add to ${path.join(build.context, ".dockerignore")}: ${suggestions.map((x) => x.line).join(" ")}   (\`kiln why ${svc.name}\` says why each)${fixHint}`,
      });
    }

    if (build.dockerfile && existsSync(build.dockerfile)) {
      const findings = lintDockerfile(readFileSync(build.dockerfile, "utf8"), {
        path: build.dockerfile,
        contextFiles: files,
        ...(build.target ? { target: build.target } : {}),
        ...(svc.name === model.devcontainer?.service ? { devImage: true } : {}),
      }).filter(
        (f) =>
          (f.severity === "warning" || f.severity === "error") &&
          !(small && f.rule === "dockerignore-missing"),
      );
      out.push(
        findings.length > 0
          ? {
              id: `lint.${svc.name}`,
              status: "warn",
              message: `${findings.length} build-speed finding(s) in ${build.dockerfile} (${[...new Set(findings.map((f) => f.rule))].join(", ")})`,
              hint: `kiln lint ${build.dockerfile}   (kiln lint --fix applies the safe fixes)`,
            }
          : {
              id: `lint.${svc.name}`,
              status: "ok",
              message: `no build-speed findings in ${build.dockerfile}`,
            },
      );
    }
  }
  return out;
}

/**
 * Appends `lines` to the Dockerfile's own ignore file; when it is created, the context's
 * .dockerignore is copied into it first (BuildKit reads only one of the two), so nothing else
 * the build sends changes.
 */
function writeIgnoreLines(file: string, contextIgnore: string, lines: IgnoreSuggestion[]): void {
  let text = existsSync(file)
    ? readFileSync(file, "utf8")
    : existsSync(contextIgnore)
      ? readFileSync(contextIgnore, "utf8")
      : "";
  const present = new Set(text.split(/\r?\n/).map((l) => l.trim()));
  const add = lines.map((x) => x.line).filter((l) => !present.has(l));
  if (add.length === 0) return;
  if (text !== "" && !text.endsWith("\n")) text += "\n";
  text += `# added by kiln doctor --fix: the build does not read these\n${add.join("\n")}\n`;
  writeFileSync(file, text);
}
