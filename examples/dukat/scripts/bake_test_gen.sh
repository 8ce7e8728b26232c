#!/usr/bin/env bash
# Bakes the test-gen container: builds it when stale, then pins test-gen/docker-compose.yml
# to the baked image (backup kept; kiln restore undoes it).
# Extra arguments go to kiln (e.g. --dry-run, --json, --no-cache, --progress plain).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_kiln.sh"
kiln bake --project-dir "$DUKAT_TEST_GEN_DIR" "$@"
