#!/usr/bin/env bash
# The README's main command (`npm run demo`): set up the engine, build kiln, bake
# examples/dukat (the development container and test-gen), then print `kiln status`.
# Offline by default — the local Debian base image and a loopback pip index stand in for Docker
# Hub and PyPI (examples/dukat/offline.env); KILN_DEMO_ONLINE=1 uses the public defaults.
# The pins go to kiln's override file (--mode override), so this repository's tracked files stay
# as they are; `examples/dukat/scripts/bake_all.sh` without it pins in place, the seed's way.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/dev-engine.sh
bash scripts/podman-engine.sh # the Podman suite of npm test runs beside dockerd (docs/engines.md)
npm run build --silent
dukat=examples/dukat
if [ "${KILN_DEMO_ONLINE:-0}" = 1 ]; then
  "$dukat/scripts/bake_all.sh" --mode override "$@"
else
  set -a
  . "$dukat/offline.env"
  set +a
  "$dukat/scripts/with_offline_index.sh" "$dukat/scripts/bake_all.sh" --mode override "$@"
fi
echo
bin/kiln status --project-dir "$dukat" --devcontainer "$dukat/.devcontainer/devcontainer.json"
bin/kiln status --project-dir "$dukat/test-gen"
