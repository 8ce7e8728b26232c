import { cacheMountRule } from "../cache-mount-rule.js";

export const goCacheMount = cacheMountRule({
  id: "go-cache-mount",
  tool: "go",
  label: "Go",
  cleanCommands: [["go", "clean"]],
  summary: "go build/mod download without cache mounts on the module and build caches",
  explain: `Go keeps downloaded modules in GOMODCACHE ($GOPATH/pkg/mod; /go/pkg/mod in golang images)
and compiled packages in GOCACHE ($HOME/.cache/go-build). Without cache mounts every change to
the source re-downloads and recompiles everything:

  RUN --mount=type=cache,target=/go/pkg/mod \\
      --mount=type=cache,target=/root/.cache/go-build \\
      go build -o /out/app ./cmd/app

Fires on \`go mod download\` (module cache) and go build|install|test|run|vet (both caches)
when a cache mount is missing; GOMODCACHE, GOPATH, GOCACHE, XDG_CACHE_HOME and HOME are
followed.`,
});
