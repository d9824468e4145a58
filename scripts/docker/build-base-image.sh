#!/usr/bin/env bash
# Builds a local Node.js base image from Debian packages, for hosts that cannot pull from any image registry:
# mmdebstrap makes a minimal Debian root file system with nodejs, npm and ca-certificates from Debian's apt
# mirror, and `docker import` turns it into an image. The Dockerfile takes it as `--build-arg BASE_IMAGE=...`.
# Such a base has no `node` user; the Dockerfile creates its own service user, so both bases work.
# Usage: build-base-image.sh [image-tag]   (default onnx-stt-base:trixie; env DEBIAN_SUITE, DEBIAN_MIRROR)
# Skips the build when the tag already exists, unless REBUILD_BASE=1.
set -euo pipefail
cd "$(dirname "$0")/../.."
tag="${1:-onnx-stt-base:trixie}"
suite="${DEBIAN_SUITE:-trixie}" # Node.js >= 20 (package.json engines): trixie's nodejs is 20.x; bookworm's 18.x is too old
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
docker_cli="$(bash scripts/docker/ensure-docker.sh)"
if [ "${REBUILD_BASE:-0}" != 1 ] && "$docker_cli" image inspect "$tag" >/dev/null 2>&1; then
  echo "build-base-image: $tag exists (REBUILD_BASE=1 rebuilds it)" >&2
  exit 0
fi
echo "build-base-image: mmdebstrap $suite -> docker import $tag" >&2
# The apt lists are dropped (apt-get update in the Dockerfile fetches fresh ones); docs and man pages are not unpacked.
mmdebstrap --variant=minbase --include=nodejs,npm,ca-certificates \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/*' \
  "$suite" - "$mirror" \
  | "$docker_cli" import --change 'CMD ["node"]' - "$tag" >/dev/null
"$docker_cli" run --rm --network host "$tag" node --version >&2
