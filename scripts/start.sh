#!/usr/bin/env bash
# One command from a fresh clone to a running service on the embedded default model: system packages,
# npm dependencies (offline-safe onnxruntime-node install), build, start. A second start is fast: npm ci
# runs only when package-lock.json or the Node.js version changed, the build only when the sources did.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
export ONNXRUNTIME_NODE_INSTALL=skip
install_key="$(node --version) $(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -d node_modules ] || [ "$(cat node_modules/.stt-install-key 2>/dev/null)" != "$install_key" ]; then
  npm ci --no-audit --no-fund
  echo "$install_key" > node_modules/.stt-install-key
fi
build_key="$install_key $(find src native web tsconfig.json tsconfig.build.json package.json -type f -print0 2>/dev/null | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
if [ ! -f dist/main.js ] || [ "$(cat dist/.stt-build-key 2>/dev/null)" != "$build_key" ]; then
  npm run build
  echo "$build_key" > dist/.stt-build-key
fi
exec node dist/main.js
