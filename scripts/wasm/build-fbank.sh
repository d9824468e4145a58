#!/usr/bin/env bash
# Rebuilds native/fbank/fbank.wasm (committed) from native/fbank/fbank.c with Debian's clang and lld.
# Not part of install, start or test: run it after changing fbank.c, then commit the .wasm.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v clang >/dev/null || ! command -v wasm-ld >/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq clang lld
fi
clang --target=wasm32 -O3 -msimd128 -nostdlib -fno-builtin -Wall -Wextra -Werror \
  -Wl,--no-entry -Wl,--export-dynamic -Wl,--initial-memory=1048576 -Wl,-z,stack-size=65536 \
  -o native/fbank/fbank.wasm native/fbank/fbank.c
echo "built native/fbank/fbank.wasm ($(stat -c %s native/fbank/fbank.wasm) bytes)"
