#!/usr/bin/env bash
# Makes the container tools the scripts in scripts/docker/ need available on a Debian host: Debian's docker.io
# (daemon and a CLI with built-in BuildKit, which the Dockerfile's secret mount needs) and mmdebstrap (builds the
# local base image), installed with apt when missing; then starts dockerd when no daemon answers. The daemon it
# starts has no bridge network and leaves iptables alone: every build and container here uses `--network host`,
# so nothing is ever sent to a container bridge address. Idempotent. Prints the docker CLI to use on stdout.
set -euo pipefail
missing=()
[ -x /usr/bin/docker ] && [ -x /usr/sbin/dockerd ] || missing+=(docker.io)
command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then echo "ensure-docker: need root to install: ${missing[*]}" >&2; exit 1; fi
  echo "ensure-docker: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
# Debian's CLI (20.10) builds with its built-in BuildKit; a newer CLI without the buildx plugin cannot.
docker_cli="${DOCKER:-/usr/bin/docker}"
if ! "$docker_cli" info >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then echo "ensure-docker: no Docker daemon answers and only root can start one" >&2; exit 1; fi
  log="${DOCKERD_LOG:-/var/log/dockerd.log}"
  echo "ensure-docker: starting dockerd (log: $log)" >&2
  setsid /usr/sbin/dockerd --bridge=none --iptables=false >"$log" 2>&1 < /dev/null &
  for _ in $(seq 1 60); do
    "$docker_cli" info >/dev/null 2>&1 && break
    sleep 0.5
  done
  "$docker_cli" info >/dev/null 2>&1 || { echo "ensure-docker: dockerd did not start; see $log" >&2; tail -20 "$log" >&2; exit 1; }
fi
echo "$docker_cli"
