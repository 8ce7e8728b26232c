/**
 * What a cache volume is for, recognised from where it is mounted: the well-known cache
 * folders of pip, apt, PyTorch, Hugging Face, Ollama and ML model stores — under /root or a
 * user's home — or the environment variable a tool reads to find its cache.
 */

export type KnownPurpose = "pip" | "apt" | "apt-lists" | "torch" | "huggingface" | "ollama" | "models";
/** a known purpose, or one the user names in `x-kiln.caches` */
export type CachePurpose = KnownPurpose | (string & {});

interface PurposeRule {
  purpose: KnownPurpose;
  /** path below a home directory (/root or /home/<user>) */
  homeSubpath?: string;
  /** absolute paths that do not depend on the user */
  absolute?: string[];
  /** environment variables whose value is the cache path, in the order the tool reads them */
  env: string[];
  /** words in a volume's name that suggest this purpose (checked last) */
  nameHints: RegExp;
}

export const PURPOSE_RULES: readonly PurposeRule[] = [
  { purpose: "pip", homeSubpath: ".cache/pip", env: ["PIP_CACHE_DIR"], nameHints: /(^|[-_.])pip([-_.]|$)/i },
  {
    purpose: "apt",
    absolute: ["/var/cache/apt", "/var/cache/apt/archives"],
    env: [],
    nameHints: /(^|[-_.])apt([-_.]cache)?([-_.]|$)/i,
  },
  {
    purpose: "apt-lists",
    absolute: ["/var/lib/apt", "/var/lib/apt/lists"],
    env: [],
    nameHints: /apt[-_.]lists?/i,
  },
  { purpose: "torch", homeSubpath: ".cache/torch", env: ["TORCH_HOME"], nameHints: /torch/i },
  {
    purpose: "huggingface",
    homeSubpath: ".cache/huggingface",
    env: ["HF_HOME", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "TRANSFORMERS_CACHE"],
    nameHints: /hugging|(^|[-_.])hf([-_.]|$)/i,
  },
  { purpose: "ollama", homeSubpath: ".ollama", env: ["OLLAMA_MODELS"], nameHints: /ollama/i },
  {
    purpose: "models",
    homeSubpath: ".cache/models",
    absolute: ["/models", "/root/models"],
    env: ["MODEL_CACHE", "MODELS_DIR", "MODEL_CACHE_DIR"],
    nameHints: /model/i,
  },
];

const HOME = /^(\/root|\/home\/[^/]+)\/(.+)$/;

function clean(p: string): string {
  const trimmed = p.replace(/\/+$/, "");
  return trimmed === "" ? "/" : trimmed;
}

/** the purpose a mount target implies, from the path and the service's environment */
export function purposeForPath(
  target: string,
  environment: Record<string, string | null> = {},
): KnownPurpose | undefined {
  const t = clean(target);
  // an explicit environment variable wins: HF_HOME=/data/hf makes /data/hf the HF cache
  for (const rule of PURPOSE_RULES) {
    for (const name of rule.env) {
      const value = environment[name];
      if (value && clean(value) === t) return rule.purpose;
    }
  }
  const home = HOME.exec(t);
  for (const rule of PURPOSE_RULES) {
    if (rule.absolute?.includes(t)) return rule.purpose;
    if (home && rule.homeSubpath && home[2] === rule.homeSubpath) return rule.purpose;
  }
  return undefined;
}

/** a weaker guess from the volume's own name (`dukat-pip-cache`, `OllamaModels`) */
export function purposeForName(name: string): KnownPurpose | undefined {
  // the most specific hints first: OllamaModels is Ollama's, not a generic model store
  const order: KnownPurpose[] = ["ollama", "huggingface", "torch", "apt-lists", "apt", "pip", "models"];
  for (const purpose of order) {
    const rule = PURPOSE_RULES.find((r) => r.purpose === purpose);
    if (rule?.nameHints.test(name)) return purpose;
  }
  return undefined;
}

/**
 * Where a service should mount a cache of this purpose: the tool's environment variable when
 * the service sets it, else the folder under the user's home, else the absolute path.
 */
export function defaultPathFor(
  purpose: CachePurpose,
  home: string,
  environment: Record<string, string | null> = {},
): string | undefined {
  const rule = PURPOSE_RULES.find((r) => r.purpose === purpose);
  if (!rule) return undefined;
  for (const name of rule.env) {
    const value = environment[name];
    if (value) return clean(value);
  }
  if (rule.absolute?.[0] && !rule.homeSubpath) return rule.absolute[0];
  if (rule.homeSubpath) return `${clean(home)}/${rule.homeSubpath}`;
  return rule.absolute?.[0];
}

/**
 * Caches only root writes, whoever the container's user is: apt downloads and updates only as
 * root (sudo), so a non-root user never needs them and kiln never hands them to one.
 */
export function writtenByRootOnly(purpose: CachePurpose): boolean {
  return purpose === "apt" || purpose === "apt-lists";
}

export function isKnownPurpose(value: string): value is KnownPurpose {
  return PURPOSE_RULES.some((r) => r.purpose === value);
}

/**
 * Where databases keep their data (postgres, mysql/mariadb, mongo, redis, …). A volume mounted
 * there is data, whatever its name says: `model-registry-pgdata` is not a model cache (#12.6).
 */
const DATA_PATHS = [
  /^\/var\/lib\/(postgresql|pgsql|mysql|mariadb|mongodb|redis|rabbitmq|clickhouse|elasticsearch|cassandra|neo4j|influxdb|couchdb)(\/|$)/,
  /^\/data\/(db|configdb)$/,
  /^\/data$/,
  /^\/bitnami(\/|$)/,
  /^\/usr\/share\/elasticsearch\/data$/,
];

export function isDataPath(target: string): boolean {
  const t = clean(target);
  return DATA_PATHS.some((re) => re.test(t));
}
