#!/usr/bin/env bash
# Sets up a Docker engine with BuildKit for kiln's tests and examples — idempotent.
# Installs what is missing from Debian (docker.io, docker-compose v1, busybox-static,
# debootstrap, iproute2, iptables, docker-registry, chromium for the report's browser test),
# the buildx and compose v2 CLI plugins from Debian's next release (extracted, never installed
# over v1), starts dockerd when none answers (never restarts a running one), and creates the local base images used offline:
#   kiln-local/busybox:latest     static busybox, FROM scratch
#   kiln-local/debian:bookworm    debootstrap minbase, with /etc/apt/apt.conf.d/docker-clean
# On a machine whose engine already answers and is not local to us, it only checks.
set -euo pipefail

LOG=${KILN_DOCKERD_LOG:-/var/log/kiln-dockerd.log}
STATE=${KILN_ENGINE_STATE:-/var/cache/kiln-engine}
PLUGINS=/usr/local/lib/docker/cli-plugins
SOCK=/var/run/docker.sock

say() { printf 'dev-engine: %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif have sudo; then sudo "$@"; else
    say "need root for: $*"; return 1; fi
}

ping_engine() {
  if [ -n "${DOCKER_HOST:-}" ]; then
    docker version --format '{{.Server.Version}}' >/dev/null 2>&1
  else
    curl -fsS --max-time 2 --unix-socket "$SOCK" http://localhost/_ping >/dev/null 2>&1
  fi
}

install_debian_packages() {
  local want=() p
  have dockerd || want+=(docker.io)
  [ -x /usr/bin/docker-compose ] || want+=(docker-compose)
  [ -x /bin/busybox ] || want+=(busybox-static)
  have debootstrap || want+=(debootstrap)
  have ip || want+=(iproute2)
  have iptables || want+=(iptables)
  [ -x /usr/bin/docker-registry ] || want+=(docker-registry)
  have tmux || want+=(tmux)
  have curl || want+=(curl)
  if [ ${#want[@]} -gt 0 ]; then
    say "installing ${want[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
  fi
  # docker-registry's package starts nothing here (no init system), but make sure.
  pkill -f '^/usr/bin/docker-registry serve /etc/docker/registry/config.yml' 2>/dev/null || true
}

install_plugins() {
  if [ -x "$PLUGINS/docker-buildx" ] && [ -x "$PLUGINS/docker-compose" ]; then return 0; fi
  say "installing buildx and compose v2 CLI plugins from Debian trixie"
  local t; t=$(mktemp -d)
  mkdir -p "$t/lists/partial"
  echo 'deb http://deb.debian.org/debian trixie main' >"$t/sources.list"
  local o=(-o "Dir::Etc::SourceList=$t/sources.list" -o Dir::Etc::SourceParts=- -o "Dir::State::Lists=$t/lists")
  as_root apt-get "${o[@]}" update -qq
  (cd "$t" && apt-get "${o[@]}" download docker-buildx docker-compose >/dev/null)
  dpkg -x "$t"/docker-buildx_*.deb "$t/x"
  dpkg -x "$t"/docker-compose_2*.deb "$t/x"
  as_root install -D -t "$PLUGINS" "$t"/x/usr/libexec/docker/cli-plugins/*
  rm -rf "$t"
}

start_dockerd() {
  if ping_engine; then say "engine answers"; return 0; fi
  if [ -n "${DOCKER_HOST:-}" ]; then
    say "DOCKER_HOST=$DOCKER_HOST does not answer; not starting a local engine for it"; return 1
  fi
  if [ -f /var/run/docker.pid ]; then
    local pid; pid=$(cat /var/run/docker.pid 2>/dev/null || true)
    if [ -z "$pid" ] || [ "$(cat /proc/"$pid"/comm 2>/dev/null)" != dockerd ]; then
      say "removing stale /var/run/docker.pid"; as_root rm -f /var/run/docker.pid
    fi
  fi
  if ! ip link show docker0 >/dev/null 2>&1; then :; fi # dockerd creates docker0 itself
  say "starting dockerd (log: $LOG)"
  mkdir -p "$(dirname "$LOG")"
  as_root setsid nohup dockerd >"$LOG" 2>&1 </dev/null &
  local i
  for i in $(seq 1 300); do
    if ping_engine; then say "engine ready"; return 0; fi
    sleep 0.1
  done
  say "dockerd did not answer within 30 s; last log lines:"
  tail -n 30 "$LOG" >&2 || true
  return 1
}

ensure_bridge() {
  # A second engine started with --bridge=none can delete docker0; dockerd only recreates it
  # at start, so a missing bridge means: restart is needed. We recreate it by hand instead.
  [ -n "${DOCKER_HOST:-}" ] && return 0
  if ! ip link show docker0 >/dev/null 2>&1; then
    say "docker0 is missing: re-creating it"
    as_root ip link add docker0 type bridge
    as_root ip addr add 172.17.0.1/16 dev docker0
    as_root ip link set docker0 up
  fi
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

make_busybox() {
  image_exists kiln-local/busybox:latest && return 0
  say "creating kiln-local/busybox:latest"
  local t; t=$(mktemp -d)
  mkdir -p "$t/root/bin" "$t/root/tmp" "$t/root/etc" "$t/root/root"
  cp /bin/busybox "$t/root/bin/busybox"
  chroot "$t/root" /bin/busybox --install -s /bin 2>/dev/null || (
    cd "$t/root/bin" && for a in $(./busybox --list); do [ -e "$a" ] || ln -s busybox "$a"; done)
  echo 'root:x:0:0:root:/root:/bin/sh' >"$t/root/etc/passwd"
  echo 'root:x:0:' >"$t/root/etc/group"
  chmod 1777 "$t/root/tmp"
  tar --numeric-owner -C "$t/root" -c . | docker import -c 'CMD ["sh"]' \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - kiln-local/busybox:latest >/dev/null
  rm -rf "$t"
}

make_debian() {
  image_exists kiln-local/debian:bookworm && return 0
  say "creating kiln-local/debian:bookworm (debootstrap minbase)"
  local t; t=$(mktemp -d)
  mkdir -p "$STATE/debootstrap-cache"
  as_root debootstrap --variant=minbase --cache-dir="$STATE/debootstrap-cache" \
    bookworm "$t/root" http://deb.debian.org/debian >"$t/log" 2>&1 || {
    tail -n 30 "$t/log" >&2; return 1; }
  rm -f "$t"/root/var/cache/apt/archives/*.deb
  rm -rf "$t"/root/var/lib/apt/lists/*
  mkdir -p "$t/root/var/lib/apt/lists/partial"
  # The official image empties apt's cache after every install; keep that behaviour so kiln's
  # docker-clean checks and fixes are exercised against what users really have.
  cat >"$t/root/etc/apt/apt.conf.d/docker-clean" <<'CLEAN'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
CLEAN
  echo 'deb http://deb.debian.org/debian bookworm main' >"$t/root/etc/apt/sources.list"
  tar --numeric-owner -C "$t/root" -c . | docker import -c 'CMD ["bash"]' \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - kiln-local/debian:bookworm >/dev/null
  as_root rm -rf "$t"
}

# headless browser for the report test (test/integration/report-browser.test.ts, playwright-core
# drives it by executablePath): needed whatever engine the tests use
install_browser() {
  [ -x /usr/bin/chromium ] && return 0
  say "installing chromium"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends chromium >/dev/null
}

# a non-root account with a home folder: the devcontainer UID-layer test runs kiln as a host user
# (uid >= 1000, in the docker group through setpriv); a fresh machine may have none
ensure_test_user() {
  if ! awk -F: '$3 >= 1000 && $3 < 60000 && $6 != "" { found = 1 } END { exit !found }' /etc/passwd; then
    say "adding the non-root account kiln-dev (for the UID-layer test)"
    as_root useradd --create-home --shell /bin/bash kiln-dev
  fi
}

main() {
  install_browser
  ensure_test_user
  if ping_engine && ! [ -S "$SOCK" -a -z "${DOCKER_HOST:-}" ] ; then
    say "a remote engine answers (DOCKER_HOST=${DOCKER_HOST:-}); only checking"
    docker version --format 'server {{.Server.Version}}' >&2
    return 0
  fi
  install_debian_packages
  install_plugins
  start_dockerd
  ensure_bridge
  make_busybox
  make_debian
  docker buildx version >/dev/null 2>&1 || { say "buildx plugin does not work"; return 1; }
  docker compose version >/dev/null 2>&1 || { say "compose v2 plugin does not work"; return 1; }
  say "ready: $(docker version --format 'engine {{.Server.Version}}, client {{.Client.Version}}')"
}

main "$@"
