#!/usr/bin/env bash
# Builds the development container's image with BuildKit (cache mounts, layer cache) and
# tags it; the compose file is not changed. = kiln build --devcontainer
# Extra arguments go to kiln (e.g. --dry-run, --json, --no-cache, --progress plain).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_kiln.sh"
kiln build --project-dir "$DUKAT_DIR" --devcontainer "$DUKAT_DIR/.devcontainer/devcontainer.json" "$@"
