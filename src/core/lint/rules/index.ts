/** Every rule kiln lint knows, in the order they are listed and run. */
import type { Rule } from "../rule.js";
import { apkCacheMount } from "./apk-cache-mount.js";
import { aptCacheMount } from "./apt-cache-mount.js";
import { aptDockerClean } from "./apt-docker-clean.js";
import { aptUpdateSplit } from "./apt-update-split.js";
import { buildToolsInFinalStage } from "./build-tools-in-final-stage.js";
import { cacheMountIdCollision } from "./cache-mount-id-collision.js";
import { cargoCacheMount } from "./cargo-cache-mount.js";
import { copyBeforeInstall } from "./copy-before-install.js";
import { condaCacheMount } from "./conda-cache-mount.js";
import { dockerignoreMissing } from "./dockerignore-missing.js";
import { gemCacheMount } from "./gem-cache-mount.js";
import { goCacheMount } from "./go-cache-mount.js";
import { gradleCacheMount } from "./gradle-cache-mount.js";
import { mavenCacheMount } from "./maven-cache-mount.js";
import { npmCacheMount } from "./npm-cache-mount.js";
import { nvmCacheMount } from "./nvm-cache-mount.js";
import { pipCacheMount } from "./pip-cache-mount.js";
import { pipNoCacheDirWithMount } from "./pip-no-cache-dir-with-mount.js";
import { pnpmCacheMount } from "./pnpm-cache-mount.js";
import { uvCacheMount } from "./uv-cache-mount.js";
import { yarnCacheMount } from "./yarn-cache-mount.js";

export const RULES: readonly Rule[] = [
  aptCacheMount,
  aptDockerClean,
  aptUpdateSplit,
  pipCacheMount,
  pipNoCacheDirWithMount,
  uvCacheMount,
  npmCacheMount,
  yarnCacheMount,
  pnpmCacheMount,
  goCacheMount,
  cargoCacheMount,
  mavenCacheMount,
  gradleCacheMount,
  apkCacheMount,
  gemCacheMount,
  condaCacheMount,
  nvmCacheMount,
  copyBeforeInstall,
  dockerignoreMissing,
  cacheMountIdCollision,
  buildToolsInFinalStage,
];

export function findRule(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
