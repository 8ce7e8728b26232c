/**
 * `--mode override` for a devcontainer: the user's devcontainer.json stays untouched; kiln writes
 * a copy beside it (`.devcontainer/kiln/devcontainer.json`) whose `dockerComposeFile` is the
 * user's list plus kiln's override file, so `devcontainer up --config …` and VS Code ("Reopen in
 * Container" offers every `.devcontainer/*\/devcontainer.json`) start the baked images. The copy
 * carries the top-level key `x-kiln-generated` (auto-detection skips it) and keeps the user's
 * comments and formatting (jsonc-parser edits, re-parsed after each edit).
 */
import path from "node:path";
import { applyEdits, modify, parseTree, findNodeAtLocation, getNodeValue, type Node } from "jsonc-parser";

export const GENERATED_KEY = "x-kiln-generated";
export const GENERATED_FOLDER = "kiln";

/** where kiln writes its copy of a devcontainer.json (`.devcontainer/<name>/…` → `.devcontainer/kiln-<name>/…`) */
export function generatedConfigPath(configPath: string, workspaceFolder: string): string {
  const dcFolder = path.join(workspaceFolder, ".devcontainer");
  const parent = path.dirname(configPath);
  const nested = path.dirname(parent) === dcFolder && path.basename(configPath) === "devcontainer.json";
  const folder = nested ? `${GENERATED_FOLDER}-${path.basename(parent)}` : GENERATED_FOLDER;
  return path.join(dcFolder, folder, "devcontainer.json");
}

export interface GeneratedConfigInput {
  /** the user's devcontainer.json text */
  text: string;
  configPath: string;
  generatedPath: string;
  /** absolute path of kiln's compose override file */
  overrideFile: string;
  /** Features the baked image already carries (dropped from the copy) */
  bakedFeatures?: readonly string[];
}

const FORMAT = { insertSpaces: false, tabSize: 1, eol: "\n" } as const;

function edit(text: string, at: (string | number)[], value: unknown): string {
  return applyEdits(text, modify(text, at, value, { formattingOptions: FORMAT }));
}

function rebase(entry: string, from: string, to: string): string {
  if (entry.includes("${") || path.isAbsolute(entry)) return entry;
  return path.relative(to, path.resolve(from, entry)).split(path.sep).join("/");
}

/** the text of kiln's devcontainer.json for the user's config */
export function generatedConfigText(input: GeneratedConfigInput): string {
  const from = path.dirname(input.configPath);
  const to = path.dirname(input.generatedPath);
  let text = input.text;
  const root = parseTree(text, [], { allowTrailingComma: true });
  const compose: unknown = root ? findNodeAtLocation(root, ["dockerComposeFile"])?.value : undefined;
  const listed = typeof compose === "string" ? [compose] : Array.isArray(compose) ? compose.map(String) : [];
  text = edit(text, ["dockerComposeFile"], [...listed.map((f) => rebase(f, from, to)), input.overrideFile]);
  text = dropBakedFeatures(text, input.bakedFeatures ?? []);
  text = rebaseLocalFeatures(text, from, to);
  const name: unknown = root ? findNodeAtLocation(root, ["name"])?.value : undefined;
  if (typeof name === "string") text = edit(text, ["name"], `${name} (kiln)`);
  text = edit(text, [GENERATED_KEY], {
    source: path.relative(to, input.configPath).split(path.sep).join("/"),
    note: "written by `kiln bake --mode override`; do not edit or commit; `kiln restore` removes it",
  });
  return text;
}

/** `./feature` keys are relative to devcontainer.json's folder: point them at the same folders */
function rebaseLocalFeatures(text: string, from: string, to: string): string {
  const root = parseTree(text, [], { allowTrailingComma: true });
  const features: Node | undefined = root ? findNodeAtLocation(root, ["features"]) : undefined;
  if (features?.type !== "object") return text;
  const local = (features.children ?? [])
    .map((p) => ({ key: String(p.children?.[0]?.value), value: p.children?.[1] }))
    .filter((f) => f.key.startsWith("./") || f.key.startsWith("../"));
  let out = text;
  for (const f of local) {
    // the value from the first parse: offsets into `out` move with each edit
    const value: unknown = f.value ? getNodeValue(f.value) : {};
    out = edit(out, ["features", f.key], undefined);
    const moved = rebase(f.key, from, to);
    out = edit(out, ["features", moved.startsWith(".") ? moved : `./${moved}`], value);
  }
  return out;
}

/**
 * The hook for baked Features (#13.1): a Feature the pinned image already carries must not be
 * installed again by the CLI, so the copy drops it (and `overrideFeatureInstallOrder` when none
 * remain). Until Features are baked, the list is empty and the text is returned as it is.
 */
export function dropBakedFeatures(text: string, baked: readonly string[]): string {
  if (baked.length === 0) return text;
  let out = text;
  for (const id of baked) out = edit(out, ["features", id], undefined);
  const root = parseTree(out, [], { allowTrailingComma: true });
  const left = root ? findNodeAtLocation(root, ["features"]) : undefined;
  if (!left || (left.children ?? []).length === 0) {
    out = edit(out, ["features"], undefined);
    out = edit(out, ["overrideFeatureInstallOrder"], undefined);
  }
  return out;
}
