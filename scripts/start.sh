#!/usr/bin/env bash
# One command from a fresh clone to a running service on the embedded default model:
# system packages, npm dependencies (offline-safe onnxruntime-node install), build, start.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
export ONNXRUNTIME_NODE_INSTALL=skip
npm ci --no-audit --no-fund
exec npm start
