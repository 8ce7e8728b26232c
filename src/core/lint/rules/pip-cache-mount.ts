import { cacheMountRule } from "../cache-mount-rule.js";

export const pipCacheMount = cacheMountRule({
  id: "pip-cache-mount",
  tool: "pip",
  label: "pip",
  offOptions: ["--no-cache-dir"],
  cleanCommands: [
    ["pip", "cache", "purge"],
    ["pip3", "cache", "purge"],
  ],
  summary: "pip install without a cache mount on pip's cache directory",
  explain: `pip downloads (and builds wheels for) every requirement each time the RUN re-runs. A
cache mount on pip's cache directory keeps them between builds without putting them in the
image, which makes --no-cache-dir unnecessary:

  RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt

Recognised: pip, pip3, pip3.12, python -m pip, python3 -m pip. The cache directory follows
--cache-dir, PIP_CACHE_DIR, and HOME (ENV HOME, or the USER's home: /home/<user>). A mount on a
parent directory (e.g. /root/.cache) or with an id= counts. For a non-root USER the fix adds
uid=/gid= (numeric USER, the id given to useradd/adduser, else 1000) so pip can write the
cache. The fix also removes --no-cache-dir from the command (see pip-no-cache-dir-with-mount).`,
});
