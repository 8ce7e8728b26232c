import { cacheMountRule } from "../cache-mount-rule.js";

export const npmCacheMount = cacheMountRule({
  id: "npm-cache-mount",
  tool: "npm",
  label: "npm",
  cleanCommands: [["npm", "cache", "clean"]],
  summary: "npm install/ci without a cache mount on npm's cache (~/.npm)",
  explain: `npm keeps every tarball it downloads in its cache (npm_config_cache, default $HOME/.npm).
When the RUN re-runs — the lock file changed, one dependency added — npm fetches the whole
tree again unless the cache survives the build:

  RUN --mount=type=cache,target=/root/.npm npm ci

Fires on npm install|i|ci|add|update without a cache mount holding the cache directory
(--cache, npm_config_cache/NPM_CONFIG_CACHE and HOME are followed; USER node → /home/node/.npm
with uid/gid). The fix adds the mount and removes \`npm cache clean\` from the same RUN.`,
});
