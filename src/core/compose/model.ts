/**
 * The resolved project model every command starts from: what `docker compose config` would
 * print, plus where in the user's files each service's `build:`/`image:` is declared (the
 * source map bake uses to pin). Plain data, no behaviour.
 */

export type ComposeVariant = "v2" | "v1";

/** A place in a user's file: 1-based line and column. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** How a service got its `build:` key — pinning an inherited one must not touch the base. */
export type BuildOrigin =
  | "own" // written in the service's own mapping
  | "merge-key" // from a `<<:` merge key
  | "anchor-alias" // the whole build value is an alias (*anchor)
  | "extends"; // from an `extends:` base service

export interface ServiceSourceMap {
  /** the file whose `services.<name>` mapping is the one compose uses last (highest -f) */
  service?: SourceLocation;
  /** the file and key location that declares the effective `build:` */
  build?: SourceLocation & { origin: BuildOrigin };
  /**
   * every file that writes the service's `build:` (merge order; the last is `build`): compose
   * merges them, so a pin has to remove each one (#12.1)
   */
  builds?: (SourceLocation & { origin: BuildOrigin })[];
  /**
   * the file and key location of the effective `image:` key, when one is written; `origin`
   * says whether it is the service's own key or shared (merge key, alias, extends base)
   */
  image?: SourceLocation & { origin?: BuildOrigin };
  /** every file that writes the service's own `image:` key, in merge order */
  images?: (SourceLocation & { origin: BuildOrigin })[];
  /**
   * an `image:` written in a file merged after every file that writes `build:`: it would win
   * over the image a pin writes in place, so such a service is pinned with `--mode override`
   */
  imageAfterBuild?: SourceLocation;
}

export interface BuildSecret {
  /** the id the Dockerfile uses (`--mount=type=secret,id=...`) */
  id: string;
  /** `file` path (absolute) or `environment` variable name — never the value */
  source: { file: string } | { environment: string };
}

export interface BuildSpec {
  /** absolute path of the context directory, or a remote URL (git, https) as written */
  context: string;
  contextIsRemote: boolean;
  /** absolute path of the Dockerfile; undefined when dockerfileInline is set */
  dockerfile?: string;
  dockerfileInline?: string;
  /** null = declared (`args: [KEY]`) without a value and not set in the environment */
  args: Record<string, string | null>;
  target?: string;
  labels: Record<string, string>;
  network?: string;
  shmSize?: string | number;
  extraHosts: string[];
  secrets: BuildSecret[];
  ssh: string[];
  /** name → absolute path, or a URL / docker-image:// / service:NAME reference */
  additionalContexts: Record<string, string>;
  cacheFrom: string[];
  cacheTo: string[];
  noCache: boolean;
  pull: boolean;
  platforms: string[];
  tags: string[];
}

export interface ServiceMount {
  type: "volume" | "bind" | "tmpfs" | "npipe" | "cluster";
  /** for a named volume: the key in the top-level `volumes:`; for a bind: absolute host path */
  source?: string;
  target: string;
  readOnly: boolean;
}

export interface ServiceModel {
  name: string;
  /** the `image:` key as written (after interpolation), when present */
  image?: string;
  /** `image` when present, otherwise the default name of the compose variant in use */
  imageName: string;
  build?: BuildSpec;
  platform?: string;
  user?: string;
  environment: Record<string, string | null>;
  volumes: ServiceMount[];
  profiles: string[];
  dependsOn: string[];
  /** other services compose starts with this one: `links`, `network_mode: service:…`, `volumes_from` */
  startsWith?: string[];
  pullPolicy?: string;
  labels: Record<string, string>;
  source: ServiceSourceMap;
}

export interface VolumeModel {
  /** the key under the top-level `volumes:` */
  key: string;
  /** the name the engine knows it by (`name:`, the external name, or `<project>_<key>`) */
  engineName: string;
  external: boolean;
  /** true when `name:` is written (so the engine name does not depend on the project name) */
  explicitName: boolean;
  driver?: string;
  labels: Record<string, string>;
}

export interface DevcontainerModel {
  /** absolute path of devcontainer.json */
  configPath: string;
  /** the folder whose name the Dev Containers CLI uses: the workspace folder */
  workspaceFolder: string;
  /** the `workspaceFolder` property (path inside the container), when set */
  containerWorkspaceFolder?: string;
  service?: string;
  runServices?: string[];
  /** absolute paths of the compose files, in order */
  composeFiles: string[];
  /** raw parsed JSONC, for checks that need other properties (features, remoteUser…) */
  config: Record<string, unknown>;
}

export interface ProjectModel {
  name: string;
  /** absolute; relative paths in every -f file resolve against it */
  projectDir: string;
  /** absolute paths of the compose files, in the order they were merged */
  files: string[];
  /** other compose files read through `include:` and `extends: {file}` */
  referencedFiles?: string[];
  envFiles: string[];
  /** the compose variant whose naming rules were applied */
  variant: ComposeVariant;
  /** active profiles */
  profiles: string[];
  /** services enabled by the active profiles, in file order */
  services: ServiceModel[];
  /** every service including those disabled by profiles */
  allServices: ServiceModel[];
  volumes: Record<string, VolumeModel>;
  /** top-level `x-*` extension values (e.g. `x-kiln`), after merge and interpolation */
  extensions: Record<string, unknown>;
  devcontainer?: DevcontainerModel;
}

export interface LoadProjectOptions {
  /**
   * compose's --project-directory, and where default files are searched (upwards) from.
   * default: the working directory the caller passes in. Equal to the cwd counts as not given: the project directory is
   * then the first compose file's folder, as compose does without the flag.
   */
  projectDir?: string;
  /** `-f` files, in order; when empty, COMPOSE_FILE or the default names are used */
  files?: string[];
  projectName?: string;
  profiles?: string[];
  envFiles?: string[];
  /** the process environment (interpolation reads it; it wins over .env) */
  env?: Record<string, string | undefined>;
  /** a devcontainer.json path or folder, or true to auto-detect */
  devcontainer?: string | true;
  variant?: ComposeVariant;
}
