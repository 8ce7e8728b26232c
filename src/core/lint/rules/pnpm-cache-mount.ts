import { cacheMountRule } from "../cache-mount-rule.js";

export const pnpmCacheMount = cacheMountRule({
  id: "pnpm-cache-mount",
  tool: "pnpm",
  label: "pnpm",
  cleanCommands: [["pnpm", "store", "prune"]],
  summary: "pnpm install without a cache mount on the pnpm store",
  explain: `pnpm fetches packages into its content-addressed store. Put the store on a cache mount:

  ENV PNPM_HOME=/pnpm
  RUN --mount=type=cache,id=pnpm,target=/pnpm/store pnpm install --frozen-lockfile

The store is $PNPM_HOME/store when PNPM_HOME is set, else $XDG_DATA_HOME/pnpm/store
(~/.local/share/pnpm/store); --store-dir and npm_config_store_dir win. Fires on pnpm
install|i|add|fetch with no cache mount holding the store.`,
});
