/**
 * The Features a devcontainer.json asks for, read as the Dev Containers CLI reads them
 * (devcontainers/cli src/spec-configuration/containerFeaturesConfiguration.ts and
 * containerFeaturesOrder.ts): `features` in written order, local ones (`./…`, `../…`) resolved
 * against the folder of devcontainer.json and required to stay inside `<workspace>/.devcontainer`,
 * their `devcontainer-feature.json` (`id`, `dependsOn`, `installsAfter`), and the install order —
 * rounds of Features whose hard and soft dependencies are installed, `overrideFeatureInstallOrder`
 * first. kiln computes the order to show it and to refuse a cycle before building; the CLI
 * installs the Features.
 */
import path from "node:path";
import { parse, printParseErrorCode, type ParseError } from "jsonc-parser";
import { KilnError } from "../errors.js";

export interface FeatureRef {
  /** the key as written in `features` */
  key: string;
  options: unknown;
  local: boolean;
}

export function isLocalFeature(key: string): boolean {
  return key.startsWith("./") || key.startsWith("../") || key.startsWith("/");
}

/** `features` of a devcontainer.json, in written order */
export function configuredFeatures(config: Record<string, unknown>): FeatureRef[] {
  const raw = config.features;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return [];
  return Object.entries(raw as Record<string, unknown>).map(([key, options]) => ({
    key,
    options,
    local: isLocalFeature(key),
  }));
}

export function overrideInstallOrder(config: Record<string, unknown>): string[] {
  const raw = config.overrideFeatureInstallOrder;
  return Array.isArray(raw) ? raw.map(String) : [];
}

/** the folder of a local Feature; refused as the CLI refuses it (absolute, or outside .devcontainer) */
export function localFeatureFolder(key: string, configPath: string, workspaceFolder: string): string {
  if (path.isAbsolute(key)) {
    throw new KilnError("ERR_KILN_FEATURE", `Feature "${key}": an absolute path is not allowed`, {
      location: configPath,
      hint: "write local Features as ./folder relative to devcontainer.json",
    });
  }
  const folder = path.join(path.dirname(configPath), key);
  const relative = path.relative(path.join(workspaceFolder, ".devcontainer"), folder);
  if (relative.includes("..")) {
    throw new KilnError(
      "ERR_KILN_FEATURE",
      `Feature "${key}" resolves to ${folder}, outside ${path.join(workspaceFolder, ".devcontainer")}`,
      { location: configPath, hint: "local Features must be sub-folders of the .devcontainer folder" },
    );
  }
  return folder;
}

export interface FeatureMetadata {
  id: string;
  name?: string;
  /** keys of Features this one needs installed first (installed even when not listed) */
  dependsOn: string[];
  /** keys of Features this one goes after, when they are installed at all */
  installsAfter: string[];
}

export function parseFeatureMetadata(text: string, file: string, key: string): FeatureMetadata {
  const errors: ParseError[] = [];
  const raw: unknown = parse(text, errors, { allowTrailingComma: true });
  const first = errors[0];
  if (first || typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new KilnError(
      "ERR_KILN_FEATURE",
      `Feature "${key}": ${file} is not valid: ${first ? printParseErrorCode(first.error) : "not an object"}`,
      { location: file, hint: "devcontainer-feature.json is JSON (comments allowed); fix it and bake again" },
    );
  }
  const m = raw as Record<string, unknown>;
  if (typeof m.id !== "string" || m.id === "") {
    throw new KilnError("ERR_KILN_FEATURE", `Feature "${key}": ${file} has no "id"`, {
      location: file,
      hint: 'every devcontainer-feature.json needs an "id" (and a "version")',
    });
  }
  const dependsOn =
    typeof m.dependsOn === "object" && m.dependsOn !== null && !Array.isArray(m.dependsOn)
      ? Object.keys(m.dependsOn)
      : [];
  const installsAfter = Array.isArray(m.installsAfter) ? m.installsAfter.map(String) : [];
  return { id: m.id, ...(typeof m.name === "string" ? { name: m.name } : {}), dependsOn, installsAfter };
}

export interface OrderNode {
  key: string;
  dependsOn: string[];
  installsAfter: string[];
}

/** local keys name the same Feature when they resolve to the same folder */
export function sameFeature(a: string, b: string): boolean {
  if (isLocalFeature(a) && isLocalFeature(b)) return path.posix.normalize(a) === path.posix.normalize(b);
  const strip = (s: string): string => s.replace(/@sha256:[0-9a-f]+$/, "").replace(/:[^/:]+$/, "");
  return strip(a) === strip(b);
}

/**
 * The CLI's round-based install order: each round takes every Feature whose dependencies are
 * installed, keeps those with the highest `overrideFeatureInstallOrder` priority, sorted by key.
 */
export function featureInstallOrder(nodes: OrderNode[], override: string[]): string[] {
  const priority = (key: string): number => {
    const i = override.findIndex((o) => sameFeature(o, key));
    return i < 0 ? 0 : override.length - i;
  };
  const pending = nodes.map((n) => ({
    ...n,
    // soft dependencies on Features that are not installed at all do not count
    installsAfter: n.installsAfter.filter((s) => nodes.some((m) => sameFeature(m.key, s))),
  }));
  const done: string[] = [];
  const installed = (dep: string): boolean => done.some((d) => sameFeature(d, dep));
  while (pending.length > 0) {
    const round = pending.filter((n) => n.dependsOn.every(installed) && n.installsAfter.every(installed));
    if (round.length === 0) {
      throw new KilnError(
        "ERR_KILN_FEATURE",
        `the Features depend on each other in a cycle: ${pending.map((n) => n.key).join(", ")}`,
        { hint: "break the cycle in dependsOn / installsAfter of their devcontainer-feature.json" },
      );
    }
    const top = Math.max(...round.map((n) => priority(n.key)));
    const chosen = round.filter((n) => priority(n.key) === top).sort((a, b) => a.key.localeCompare(b.key));
    for (const n of chosen) {
      done.push(n.key);
      pending.splice(pending.indexOf(n), 1);
    }
  }
  return done;
}

/** `devcontainer-lock.json`: the digest recorded for a Feature reference */
export function lockedDigest(lockText: string | undefined, key: string): string | undefined {
  if (lockText === undefined) return undefined;
  const lock = parse(lockText, [], { allowTrailingComma: true }) as {
    features?: Record<string, { resolved?: string; integrity?: string }>;
  } | null;
  const entry = lock?.features?.[key];
  return entry?.integrity ?? entry?.resolved?.split("@")[1];
}
