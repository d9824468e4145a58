#!/usr/bin/env bash
# One command from a fresh clone to the whole test suite: system packages, npm dependencies, then
# `npm test` (build, type-check of sources and tests, jest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
export ONNXRUNTIME_NODE_INSTALL=skip
npm ci --no-audit --no-fund
npm test
