#!/usr/bin/env bash
# The README's main command: set up the engine, build kiln, bake examples/dukat, print the
# summary and `kiln status`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/dev-engine.sh
npm run build --silent
if [ -x examples/dukat/scripts/bake_all.sh ]; then
  examples/dukat/scripts/bake_all.sh
  bin/kiln status --project-dir examples/dukat/test-gen
  bin/kiln status --project-dir examples/dukat --devcontainer
else
  bin/kiln bake --project-dir test/fixtures/bake/basic
  bin/kiln status --project-dir test/fixtures/bake/basic
fi
