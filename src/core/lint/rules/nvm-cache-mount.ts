import { cacheMountRule } from "../cache-mount-rule.js";

export const nvmCacheMount = cacheMountRule({
  id: "nvm-cache-mount",
  tool: "nvm",
  label: "nvm",
  cleanCommands: [["nvm", "cache", "clear"]],
  summary: "nvm install without a cache mount on $NVM_DIR/.cache",
  explain: `\`nvm install\` downloads the Node.js tarball into $NVM_DIR/.cache (~/.nvm/.cache) before
unpacking it into $NVM_DIR/versions. A cache mount on the .cache folder keeps the download:

  RUN --mount=type=cache,target=/root/.nvm/.cache . "$NVM_DIR/nvm.sh" && nvm install

corepack is recognised too (\`corepack pnpm install\` is a pnpm install) but gets no mount of its
own: its cache is where the package manager it activates lives.`,
});
