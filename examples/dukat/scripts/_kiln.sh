# Sourced by the other scripts: finds kiln and the example's folders.
# kiln: $KILN if set, else bin/kiln of the repository this example sits in, else `kiln` on PATH.
DUKAT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DUKAT_TEST_GEN_DIR="$DUKAT_DIR/test-gen"
if [ -n "${KILN:-}" ]; then
  :
elif [ -x "$DUKAT_DIR/../../bin/kiln" ] && [ -d "$DUKAT_DIR/../../dist" ]; then
  KILN="$DUKAT_DIR/../../bin/kiln"
elif command -v kiln >/dev/null 2>&1; then
  KILN=kiln
else
  echo "dukat: kiln not found: build it (npm ci && npm run build in the kiln repository) or put kiln on PATH" >&2
  exit 127
fi
kiln() { "$KILN" "$@"; }

# The UID:GID test-gen runs as (test-gen/docker-compose.yml's `user:`): the one the Dev Containers
# CLI gives the dev container's remote user, vscode — the host user's on Linux (its UID layer),
# except for root, where the CLI leaves vscode at the image's 1000:1000, as on macOS and Windows.
# One UID for both containers: each can read and write what the other put in the caches. (The
# CLI keeps vscode's group when the host's GID exists in the image, e.g. 0 or 100; only the UID
# has to agree.) Set DUKAT_UID / DUKAT_GID yourself to override.
if [ -z "${DUKAT_UID:-}" ]; then
  if [ "$(uname -s)" = Linux ] && [ "$(id -u)" != 0 ]; then
    DUKAT_UID=$(id -u)
    DUKAT_GID=${DUKAT_GID:-$(id -g)}
    # the CLI would not give vscode root's group either
    if [ "$DUKAT_GID" = 0 ]; then DUKAT_GID=1000; fi
  else
    DUKAT_UID=1000
  fi
fi
DUKAT_GID=${DUKAT_GID:-1000}
export DUKAT_UID DUKAT_GID
