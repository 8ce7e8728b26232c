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
