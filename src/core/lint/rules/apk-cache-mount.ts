import type { Word } from "../shell-words.js";
import { cacheMountRule } from "../cache-mount-rule.js";
import type { Edit } from "../finding-types.js";

export const apkCacheMount = cacheMountRule({
  id: "apk-cache-mount",
  tool: "apk",
  label: "apk",
  system: true,
  summary: "apk add without a cache mount on /etc/apk/cache",
  extra: (_ctx, facts) => {
    // `--no-cache` skips the cache entirely; `--update-cache` keeps its index refresh
    const edits: Edit[] = [];
    for (const u of facts.uses) {
      if (u.tool !== "apk") continue;
      const w: Word | undefined = u.options.find((o) => o.value === "--no-cache");
      if (w && w.start >= 0) edits.push({ start: w.start, end: w.end, text: "--update-cache" });
    }
    return edits;
  },
  explain: `Alpine's apk keeps downloaded packages only when /etc/apk/cache exists; \`apk add
--no-cache\` downloads the index and every package on each build. With a cache mount there
the packages survive between builds and never reach the image:

  RUN --mount=type=cache,target=/etc/apk/cache apk add --update-cache curl

Fires on apk add|upgrade|fetch without a cache mount on /etc/apk/cache (or /var/cache/apk,
which /etc/apk/cache often links to). The fix adds the mount and turns --no-cache into
--update-cache.`,
});
