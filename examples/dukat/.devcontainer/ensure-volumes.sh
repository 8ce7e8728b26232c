#!/bin/sh
# Creates the shared cache volumes that do not exist yet (devcontainer.json's
# initializeCommand; runs on the host). `docker volume create` leaves an existing volume as it
# is. DUKAT_VOLUME_PREFIX must match the one the compose files interpolate; KILN_LABELS and
# KILN_EXTRA_LABELS (k=v,k2=v2) add labels, as kiln does for what it creates.
set -eu
labels=""
for kv in $(printf '%s,%s' "${KILN_LABELS:-}" "${KILN_EXTRA_LABELS:-}" | tr ',' ' ' | tr ' ' '\n' | sort -u); do
  labels="$labels --label $kv"
done
for v in dukat-pip-cache dukat-apt-cache dukat-torch-cache model-cache huggingface-cache OllamaModels; do
  name="${DUKAT_VOLUME_PREFIX:-}$v"
  if ! docker volume inspect "$name" >/dev/null 2>&1; then
    # shellcheck disable=SC2086 # labels are k=v words
    docker volume create $labels "$name" >/dev/null
    echo "created volume $name"
  fi
done
