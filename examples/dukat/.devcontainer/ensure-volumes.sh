#!/bin/sh
# Creates the shared cache volumes that do not exist yet (devcontainer.json's
# initializeCommand; runs on the host). `docker volume create` leaves an existing volume as it
# is. DUKAT_VOLUME_PREFIX must match the one the compose files interpolate; KILN_LABELS
# (k=v,k2=v2) adds labels, as kiln does for the volumes it creates.
set -eu
labels=""
if [ -n "${KILN_LABELS:-}" ]; then
  for kv in $(printf '%s' "$KILN_LABELS" | tr ',' ' '); do labels="$labels --label $kv"; done
fi
for v in dukat-pip-cache dukat-apt-cache dukat-torch-cache model-cache huggingface-cache OllamaModels; do
  name="${DUKAT_VOLUME_PREFIX:-}$v"
  if ! docker volume inspect "$name" >/dev/null 2>&1; then
    # shellcheck disable=SC2086 # labels are k=v words
    docker volume create $labels "$name" >/dev/null
    echo "created volume $name"
  fi
done
