import { cacheMountRule } from "../cache-mount-rule.js";

export const yarnCacheMount = cacheMountRule({
  id: "yarn-cache-mount",
  tool: "yarn",
  label: "yarn",
  cleanCommands: [["yarn", "cache", "clean"]],
  summary: "yarn install/add without a cache mount on yarn's cache",
  explain: `yarn downloads every package into its cache before linking node_modules. Keep the cache
on a BuildKit cache mount:

  RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install --frozen-lockfile

Yarn 1 uses /usr/local/share/.cache/yarn as root and $HOME/.cache/yarn otherwise; Yarn 2+
uses $HOME/.yarn/berry/cache; YARN_CACHE_FOLDER and --cache-folder win. A mount on any of them
(or a parent) counts. Fires on \`yarn\`, \`yarn install\`, \`yarn add\`, \`yarn global add\`.
The fix adds the mount and removes \`yarn cache clean\` from the same RUN.`,
});
