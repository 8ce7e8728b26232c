#!/usr/bin/env bash
# Bakes both containers: the development container, then test-gen. What is fresh is not rebuilt;
# BuildKit's apt and pip cache mounts are shared between the two builds.
# Extra arguments go to kiln (e.g. --dry-run, --json, --no-cache, --progress plain).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_kiln.sh"
kiln bake --project-dir "$DUKAT_DIR" --devcontainer "$DUKAT_DIR/.devcontainer/devcontainer.json" "$@"
kiln bake --project-dir "$DUKAT_TEST_GEN_DIR" "$@"
