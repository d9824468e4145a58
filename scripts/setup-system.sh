#!/usr/bin/env bash
# Installs the system packages the service and its tests need (Debian/Ubuntu): ffmpeg decodes every
# non-WAV upload; the tests also drive the server with curl, make a throwaway TLS certificate with
# openssl and open the live-captions page in headless Chromium. Idempotent; does nothing when everything is present.
set -euo pipefail
missing=()
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# bzip2 compresses the model archives the `models pull` tests serve (sherpa-onnx publishes .tar.bz2).
command -v bzip2 >/dev/null 2>&1 || missing+=(bzip2)
# Deploy tests: nginx (scale-out behind a load balancer), docker-compose 1.29 and promtool (config validation),
# and Compose v2 as a Docker CLI plugin (scripts/deploy/install-compose-v2.sh; bookworm has only 1.29).
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
bash "$(dirname "$0")/deploy/install-compose-v2.sh" || echo "setup-system: Compose v2 not installed (the compose test checks 1.29 only)" >&2
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "setup-system: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup-system: need root (or sudo) to install: ${missing[*]}; install them and re-run" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
