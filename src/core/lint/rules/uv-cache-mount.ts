import { cacheMountRule } from "../cache-mount-rule.js";

export const uvCacheMount = cacheMountRule({
  id: "uv-cache-mount",
  tool: "uv",
  label: "uv",
  offOptions: ["--no-cache", "-n"],
  cleanCommands: [
    ["uv", "cache", "clean"],
    ["uv", "cache", "prune"],
  ],
  summary: "uv sync / uv pip install without a cache mount on uv's cache",
  explain: `uv keeps downloaded and built distributions in its cache (UV_CACHE_DIR, default
$HOME/.cache/uv). Without a cache mount every re-run of the RUN downloads them again:

  RUN --mount=type=cache,target=/root/.cache/uv uv sync --frozen

Fires on \`uv sync\`, \`uv add\`, \`uv pip install|sync\` and \`uv tool install\` with no cache
mount holding the cache directory (--cache-dir, UV_CACHE_DIR, XDG_CACHE_HOME or HOME are
followed). The fix adds the mount (uid/gid for a non-root USER) and drops --no-cache.
Tip: with the cache on a mount, set UV_LINK_MODE=copy to silence uv's hard-link warning.`,
});
