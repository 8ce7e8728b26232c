#!/usr/bin/env bash
# Starts the test-gen container: ensures the shared cache volumes, bakes the image when stale,
# then compose up -d (recreating a container that still runs an older image). = kiln up in test-gen/
# Extra arguments go to kiln (e.g. --dry-run, --json, --no-cache, --progress plain).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_kiln.sh"
kiln up --project-dir "$DUKAT_TEST_GEN_DIR" "$@"
