#!/usr/bin/env bash
# Bakes the development container: builds it when stale, then pins .devcontainer/docker-compose.yml
# to the baked image (backup kept; kiln restore undoes it), so "Reopen in Container" builds nothing.
# Extra arguments go to kiln (e.g. --dry-run, --json, --no-cache, --progress plain).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_kiln.sh"
kiln bake --project-dir "$DUKAT_DIR" --devcontainer "$DUKAT_DIR/.devcontainer/devcontainer.json" "$@"
