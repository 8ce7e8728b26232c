/**
 * Build contexts: a .dockerignore, a sane size, and how many speed findings `kiln lint` has
 * for each service's Dockerfile.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { CheckResult } from "../../../core/doctor/check.js";
import type { ProjectModel } from "../../../core/compose/model.js";
import type { FingerprintManifest } from "../../../core/fingerprint/index.js";
import { lintDockerfile } from "../../../core/lint/lint.js";
import { ignoreSuggestions } from "../../../core/why/ignore-suggestions.js";

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
    if (suggestions.length > 0) {
      out.push({
        id: `context-ignore.${svc.name}`,
        status: "warn",
        message: `${svc.name} reads its whole build context (${manifest?.reads?.whole[0] ?? ""}), which holds files that change often and the image does not need: ${suggestions.map((x) => x.path).join(", ")} — each change makes it stale`,
        hint: `add to ${path.join(build.context, ".dockerignore")}: ${suggestions.map((x) => x.line).join(" ")}   (\`kiln why ${svc.name}\` says why each)`,
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
