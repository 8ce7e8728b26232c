#!/usr/bin/env bash
# Sets up Podman beside dockerd for kiln's Podman suite — idempotent, never touches dockerd.
#  - installs Debian bookworm's podman 4.3 (rootful), podman-compose 1.0, netavark + aardvark-dns
#  - networks: netavark, its own bridge podman0 on 10.88.0.0/16 (dockerd: docker0 172.17/16, its
#    compose networks from 172.18+; the second test engines 10.213/10.215) and its own iptables
#    chains (NETAVARK_*): it adds rules, it never flushes Docker's (see docs/engines.md)
#  - storage: /var/lib/containers/storage (overlay), nothing shared with /var/lib/docker
#  - starts `podman system service --time=0 unix:///run/podman/podman.sock` when none answers
#  - copies the local base images from dockerd (docker save | podman load): nothing can be pulled
# Needs dockerd running first (scripts/dev-engine.sh) for the images.
set -euo pipefail

SOCK=/run/podman/podman.sock
LOG=${KILN_PODMAN_LOG:-/var/log/kiln-podman.log}
IMAGES=(kiln-local/busybox:latest kiln-local/debian:bookworm)

say() { printf 'podman-engine: %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

ping_podman() { curl -fsS --max-time 2 --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1; }

if ! have podman || ! have podman-compose || [ ! -x /usr/lib/podman/netavark ] && ! have netavark; then
  say "installing podman, podman-compose, netavark, aardvark-dns"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    podman podman-compose netavark aardvark-dns catatonit uidmap >/dev/null
fi

mkdir -p /etc/containers/containers.conf.d
conf=/etc/containers/containers.conf.d/50-kiln.conf
# rootful podman raises every container's RLIMIT_NOFILE / RLIMIT_NPROC to 1048576 / 4194304;
# without CAP_SYS_RESOURCE (this sandbox) runc then fails: "error setting rlimit type 7/6:
# operation not permitted". Give containers this shell's hard limits instead (nproc at most pid_max).
nofile=$(ulimit -Hn); nproc=$(ulimit -Hu); pidmax=$(cat /proc/sys/kernel/pid_max)
[ "$nofile" = unlimited ] && nofile=1048576
{ [ "$nproc" = unlimited ] || [ "$nproc" -gt "$pidmax" ]; } && nproc=$pidmax
want='[containers]
default_ulimits = ["nofile='"$nofile:$nofile"'", "nproc='"$nproc:$nproc"'"]

[network]
network_backend = "netavark"
default_subnet = "10.88.0.0/16"
default_subnet_pools = [{"base" = "10.89.0.0/16", "size" = 24}]
'
changed=0
if [ ! -f "$conf" ] || [ "$(cat "$conf")" != "$want" ]; then
  printf '%s' "$want" >"$conf"
  changed=1
fi
# the package ships a CNI config for a backend we do not use; netavark ignores it, podman warns
[ -f /etc/cni/net.d/87-podman-bridge.conflist ] && mv /etc/cni/net.d/87-podman-bridge.conflist /etc/cni/net.d/87-podman-bridge.conflist.unused

# a running service read the old settings: restart the one this script started (by its pid)
PIDFILE=/run/podman/kiln-service.pid
if [ "$changed" = 1 ] && [ -f "$PIDFILE" ] && ping_podman; then
  pid=$(cat "$PIDFILE")
  if [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = podman ]; then
    say "settings changed: restarting the podman service (pid $pid)"
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
fi

if ! ping_podman; then
  say "starting podman system service on $SOCK (log: $LOG)"
  mkdir -p "$(dirname "$SOCK")"
  setsid nohup podman system service --time=0 "unix://$SOCK" >>"$LOG" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 100); do ping_podman && break; sleep 0.1; done
  ping_podman || { say "podman service did not answer on $SOCK"; tail -20 "$LOG" >&2; exit 1; }
fi

missing=()
for img in "${IMAGES[@]}"; do
  podman image exists "$img" || missing+=("$img")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "copying ${missing[*]} from dockerd"
  docker save "${missing[@]}" | podman load -q >/dev/null
fi
say "ready: $(podman version --format '{{.Server.Version}}' 2>/dev/null || podman --version) at unix://$SOCK"
