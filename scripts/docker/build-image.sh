#!/usr/bin/env bash
# Builds the service image with `--network host` (no container bridge is involved in the build).
# Usage: build-image.sh [--cuda] [tag]      (default tag onnx-stt:latest, or onnx-stt:cuda with --cuda)
# Environment:
#   BASE_IMAGE  Node.js base for both stages (default onnx-stt-base:trixie, built from Debian packages by
#               build-base-image.sh when missing; set node:24-trixie-slim to use the official image).
#   CUDA_BASE_IMAGE  runtime base of the --cuda variant (Dockerfile.cuda; its default is NVIDIA's CUDA 12 + cuDNN 9
#               runtime image, which needs a registry: here use BASE_IMAGE again to check that the build works).
#   CA_BUNDLE   PEM bundle trusted during `npm ci` (default /etc/ssl/certs/ca-certificates.crt when present; empty:
#               none), passed as the BuildKit secret `ca_bundle`, for networks with a TLS-intercepting proxy.
#   CONTEXT     `worktree` (default): the checkout as it is; `git`: the committed tree (git archive HEAD), so
#               uncommitted edits never end up in the image.
set -euo pipefail
cd "$(dirname "$0")/../.."
dockerfile=Dockerfile
default_tag=onnx-stt:latest
if [ "${1:-}" = "--cuda" ]; then dockerfile=Dockerfile.cuda; default_tag=onnx-stt:cuda; shift; fi
tag="${1:-$default_tag}"
base="${BASE_IMAGE:-onnx-stt-base:trixie}"
docker_cli="$(bash scripts/docker/ensure-docker.sh)"
if [ "$base" = onnx-stt-base:trixie ]; then bash scripts/docker/build-base-image.sh "$base"; fi
args=(--network host --progress plain -f "$dockerfile" -t "$tag" --build-arg "BASE_IMAGE=$base")
if [ -n "${CUDA_BASE_IMAGE:-}" ]; then args+=(--build-arg "CUDA_BASE_IMAGE=$CUDA_BASE_IMAGE"); fi
ca="${CA_BUNDLE-/etc/ssl/certs/ca-certificates.crt}"
if [ -n "$ca" ] && [ -s "$ca" ]; then args+=(--secret "id=ca_bundle,src=$ca"); fi
echo "build-image: $dockerfile -> $tag (base $base)" >&2
if [ "${CONTEXT:-worktree}" = git ]; then
  echo "build-image: context = git HEAD $(git rev-parse --short HEAD)" >&2
  git archive --format=tar HEAD | DOCKER_BUILDKIT=1 "$docker_cli" build "${args[@]}" -
else
  DOCKER_BUILDKIT=1 "$docker_cli" build "${args[@]}" .
fi
