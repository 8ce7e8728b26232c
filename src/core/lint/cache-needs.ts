/**
 * Where each package manager keeps its download cache for a given RUN step (HOME, USER and
 * the tool's own variables and options in scope), and whether a cache mount holds it.
 */
import { covers, type Mount } from "./mounts.js";
import type { RunStep } from "./dockerfile-model.js";
import { isRoot } from "./dockerfile-model.js";
import type { Tool, ToolUse } from "./package-commands.js";
import { normalizePath } from "./mounts.js";

export interface CacheNeed {
  /** the directory a fix mounts */
  dir: string;
  /** other directories that serve as well when mounted */
  also: string[];
  /** extra mount options the fix writes (sharing=locked for apt) */
  options: string;
}

function optionValue(use: ToolUse, ...names: string[]): string | undefined {
  const opts = use.options;
  for (let i = 0; i < opts.length; i++) {
    const v = opts[i].value;
    for (const n of names) {
      if (v === n) return opts[i + 1]?.value;
      if (v.startsWith(`${n}=`)) return v.slice(n.length + 1);
    }
  }
  return undefined;
}

function variable(step: RunStep, use: ToolUse, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = use.command.env[n] ?? step.scope.get(n);
    if (v !== undefined && v !== "") return v;
  }
  return undefined;
}

function abs(step: RunStep, p: string): string {
  return normalizePath(p.startsWith("/") ? p : `${step.workdir}/${p}`);
}

function need(dir: string, also: string[] = [], options = ""): CacheNeed {
  return { dir, also, options };
}

/** The caches `use` fills in `step`; [] when the tool has none we manage. */
export function cacheNeeds(step: RunStep, use: ToolUse): CacheNeed[] {
  if (!use.downloads) return [];
  const home = step.scope.get("HOME") ?? "/root";
  // the image the chain of stages starts from (`FROM base AS build` inherits base's FROM)
  let root = step.stage;
  for (let i = 0; root.parent !== undefined && i < 64; i++) root = root.parent;
  const base = root.base.toLowerCase();
  const explicit = (...names: string[]): string | undefined => {
    const v = optionValue(use, ...names);
    return v === undefined ? undefined : abs(step, v);
  };
  switch (use.tool) {
    case "apt": {
      const out: CacheNeed[] = [];
      if (use.action !== "update")
        out.push(need("/var/cache/apt", ["/var/cache/apt/archives"], ",sharing=locked"));
      else out.push(need("/var/lib/apt", ["/var/lib/apt/lists"], ",sharing=locked"));
      return out;
    }
    case "apk":
      return [need("/etc/apk/cache", ["/var/cache/apk"])];
    case "pip":
      return [need(explicit("--cache-dir") ?? variable(step, use, "PIP_CACHE_DIR") ?? `${home}/.cache/pip`)];
    case "uv":
      return [
        need(
          explicit("--cache-dir") ??
            variable(step, use, "UV_CACHE_DIR") ??
            `${variable(step, use, "XDG_CACHE_HOME") ?? `${home}/.cache`}/uv`,
        ),
      ];
    case "npm":
      return [
        need(
          explicit("--cache") ??
            variable(step, use, "npm_config_cache", "NPM_CONFIG_CACHE") ??
            `${home}/.npm`,
        ),
      ];
    case "yarn": {
      const set =
        explicit("--cache-folder") ?? variable(step, use, "YARN_CACHE_FOLDER", "npm_config_cache_folder");
      if (set) return [need(set)];
      const v1 = isRoot(step.user) ? "/usr/local/share/.cache/yarn" : `${home}/.cache/yarn`;
      return [need(v1, [`${home}/.cache/yarn`, `${home}/.yarn/berry/cache`, "/usr/local/share/.cache/yarn"])];
    }
    case "pnpm": {
      const set =
        explicit("--store-dir") ?? variable(step, use, "npm_config_store_dir", "NPM_CONFIG_STORE_DIR");
      if (set) return [need(set)];
      const pnpmHome = variable(step, use, "PNPM_HOME");
      const dflt = `${variable(step, use, "XDG_DATA_HOME") ?? `${home}/.local/share`}/pnpm/store`;
      return [need(pnpmHome ? `${pnpmHome}/store` : dflt, [dflt, `${home}/.pnpm-store`])];
    }
    case "go": {
      const gopath = variable(step, use, "GOPATH") ?? (base.includes("golang") ? "/go" : `${home}/go`);
      const modDir = variable(step, use, "GOMODCACHE") ?? `${gopath}/pkg/mod`;
      // the downloaded zips live in <modcache>/cache/download: a mount there keeps the downloads
      const mod = need(modDir, [`${modDir}/cache`, `${modDir}/cache/download`]);
      if (use.action === "mod download" || use.action === "get") return [mod];
      return [
        mod,
        need(
          variable(step, use, "GOCACHE") ??
            `${variable(step, use, "XDG_CACHE_HOME") ?? `${home}/.cache`}/go-build`,
        ),
      ];
    }
    case "cargo": {
      const cargoHome =
        variable(step, use, "CARGO_HOME") ??
        (/(^|\/)rust[:@]?/.test(base) ? "/usr/local/cargo" : `${home}/.cargo`);
      // crates are downloaded into registry/cache (+ the index); mounts on those two hold them
      return [need(`${cargoHome}/registry`, [`${cargoHome}/registry/cache`])];
    }
    case "maven": {
      const local = /-Dmaven\.repo\.local=(\S+)/.exec(use.options.map((o) => o.value).join(" "))?.[1];
      return [
        need(local ? abs(step, local) : `${home}/.m2/repository`, [
          `${home}/.m2`,
          variable(step, use, "MAVEN_CONFIG") ?? `${home}/.m2`,
        ]),
      ];
    }
    case "gradle": {
      const gh = variable(step, use, "GRADLE_USER_HOME") ?? `${home}/.gradle`;
      return [need(`${gh}/caches`, [gh])];
    }
    case "gem": {
      // gems are fetched into $GEM_HOME/cache before they are unpacked (ruby images: /usr/local/bundle)
      const gemHome =
        variable(step, use, "GEM_HOME") ??
        (/(^|\/)ruby[:@]?/.test(base) || base.startsWith("ruby") ? "/usr/local/bundle" : undefined);
      return gemHome === undefined ? [] : [need(`${gemHome}/cache`, [gemHome])];
    }
    case "conda": {
      const pkgs = variable(step, use, "CONDA_PKGS_DIRS")?.split(",")[0];
      const root = variable(step, use, "CONDA_DIR", "MAMBA_ROOT_PREFIX", "CONDA_PREFIX") ?? "/opt/conda";
      return [need(pkgs ?? `${root}/pkgs`)];
    }
    case "nvm": {
      const dir = variable(step, use, "NVM_DIR") ?? `${home}/.nvm`;
      return [need(`${dir}/.cache`)];
    }
    default:
      return [];
  }
}

export function cacheMounts(step: RunStep): Mount[] {
  return step.mounts.filter((m) => m.type === "cache" && m.target !== undefined);
}

/** true when one of the step's cache mounts holds the need */
export function isMet(step: RunStep, n: CacheNeed): boolean {
  const dirs = [n.dir, ...n.also].map((d) => normalizePath(d));
  return cacheMounts(step).some((m) => dirs.some((d) => covers(m.target!, d)));
}

export const TOOL_RULE: Partial<Record<Tool, string>> = {
  apt: "apt-cache-mount",
  apk: "apk-cache-mount",
  pip: "pip-cache-mount",
  uv: "uv-cache-mount",
  npm: "npm-cache-mount",
  yarn: "yarn-cache-mount",
  pnpm: "pnpm-cache-mount",
  go: "go-cache-mount",
  cargo: "cargo-cache-mount",
  maven: "maven-cache-mount",
  gradle: "gradle-cache-mount",
  gem: "gem-cache-mount",
  conda: "conda-cache-mount",
  nvm: "nvm-cache-mount",
};
