#!/bin/sh
# Runs as root at image build time (by the Dev Containers CLI, driven by kiln). Offline: it only
# writes files, so it works on python:3.11-slim and on the local Debian image alike.
set -e
cat > /usr/local/bin/dukat-info <<'SCRIPT'
#!/bin/sh
echo "user:      $(id -un) ($(id -u))"
echo "python:    $(command -v python) $(python --version 2>&1)"
echo "venv:      ${VIRTUAL_ENV:-none}"
echo "workspace: $(pwd)"
SCRIPT
chmod 755 /usr/local/bin/dukat-info
mkdir -p /etc/profile.d
# PROMPT is the Feature's option (upper-cased by the CLI)
printf 'PS1="(%s) \\u:\\w\\$ "\n' "${PROMPT:-dukat}" > /etc/profile.d/dukat.sh
