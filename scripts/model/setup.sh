#!/usr/bin/env bash
# Install everything the model factory needs (Debian packages only; run as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
  python3 python3-numpy python3-torch python3-torchaudio python3-onnx python3-sentencepiece \
  espeak-ng flite festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts sox libsox-fmt-all ffmpeg \
  pocketsphinx pocketsphinx-en-us pocketsphinx-testdata \
  fortunes fortunes-min
# The natural TTS voices (SVOX Pico, RHVoice, MBROLA: contrib/non-free) only when asked: the default data needs
# none of them; gen_data.py --natural-renders does (license decision in models/README.md).
if [ "${NATURAL_VOICES:-0}" = 1 ]; then bash "$(dirname "$0")/setup-natural-voices.sh"; fi
# Node.js: keep whatever install is already there (a NodeSource nodejs conflicts with Debian's npm).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  apt-get install -y --no-install-recommends nodejs npm
fi
# sherpa-onnx-node is used to verify/evaluate the exported models. The service repo lists it as a
# devDependency; outside the repo, install it into a scratch directory:
if ! node -e "require.resolve('sherpa-onnx-node')" >/dev/null 2>&1; then
  mkdir -p "${SHERPA_NODE_DIR:-/tmp/sherpa-check}"
  (cd "${SHERPA_NODE_DIR:-/tmp/sherpa-check}" && [ -f package.json ] || npm init -y >/dev/null; npm i sherpa-onnx-node)
fi
echo "setup done"
