import { cacheMountRule } from "../cache-mount-rule.js";

export const cargoCacheMount = cacheMountRule({
  id: "cargo-cache-mount",
  tool: "cargo",
  label: "cargo",
  summary: "cargo build/fetch without a cache mount on the cargo registry",
  explain: `cargo downloads crates into $CARGO_HOME/registry (/usr/local/cargo in rust images,
~/.cargo elsewhere). Keep it on a cache mount so a source change does not re-download them:

  RUN --mount=type=cache,target=/usr/local/cargo/registry cargo build --release

Fires on cargo build|install|fetch|test|run|check without a cache mount holding the registry
(CARGO_HOME and HOME are followed). The target directory can be cached too, but then the
binaries are not in the layer — copy them out in the same RUN; kiln does not do that for you.`,
});
