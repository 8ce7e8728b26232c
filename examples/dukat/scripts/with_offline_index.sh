#!/usr/bin/env bash
# Runs a command with the offline overrides (../offline.env: the local Debian base image, the
# loopback package index) and the package index itself: starts scripts/pip-index.mjs on the
# port of PIP_INDEX_URL unless something already answers there, and stops it (by its pid) when
# the command ends. For machines without Docker Hub or PyPI, e.g. kiln's CI and `npm run demo`:
#   examples/dukat/scripts/with_offline_index.sh examples/dukat/scripts/bake_all.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi
set -a
# shellcheck source=../offline.env
. "$here/../offline.env"
set +a
port=$(printf '%s' "$PIP_INDEX_URL" | sed -n 's|^http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p')
answers() { node -e 'fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$PIP_INDEX_URL/"; }
if [ -z "$port" ] || answers; then
  exec "$@"
fi
node "$repo/scripts/pip-index.mjs" --port "$port" --quiet >/dev/null &
index_pid=$!
trap 'kill "$index_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  answers && break
  kill -0 "$index_pid" 2>/dev/null || { echo "dukat: the package index did not start on port $port" >&2; exit 1; }
  sleep 0.1
done
"$@"
