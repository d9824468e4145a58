#!/usr/bin/env bash
# One command from a fresh clone to the whole test suite: system packages, npm dependencies, then
# `npm test` (build, type-check of sources and tests, jest), closing with one plain summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
export ONNXRUNTIME_NODE_INSTALL=skip
npm ci --no-audit --no-fund
results="$(mktemp -t jest-results.XXXXXX.json)"
status=0
npm test -- --json --outputFile="$results" || status=$?
node -e '
  const fs = require("fs");
  let r = {};
  try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch {}
  const passed = r.numPassedTests ?? 0;
  const failed = (r.numFailedTests ?? 0) + (r.numRuntimeErrorTestSuites ?? 0);
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`jest: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
' "$results"
rm -f "$results"
exit "$status"
