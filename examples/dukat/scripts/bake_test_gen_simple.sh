#!/usr/bin/env bash
# Builds the test-gen image with BuildKit and tags it; the compose file is not changed.
# = kiln build in test-gen/
# Extra arguments go to kiln (e.g. --dry-run, --json, --no-cache, --progress plain).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_kiln.sh"
kiln build --project-dir "$DUKAT_TEST_GEN_DIR" "$@"
