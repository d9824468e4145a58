#!/bin/bash
# Experiment (3 December 2026, not adopted; see models/README.md, "A general English word LM"): the CTC model
# with CMU's generic US English word trigram (pocketsphinx-en-us: 72,547 words, 2.05 M bigrams, 1.67 M trigrams,
# BSD-2) in place of its character LM. Converts the LM to ARPA, tunes its weights on the dev set as tune_lm.py
# does for the committed LM, and evaluates the test sets.
#   bash scripts/model/experiments/cmu_word_lm.sh [MODEL_DIR]   (default models/nemo-ctc-en-conv-small)
# Needs: pocketsphinx-en-us, libsphinxbase-dev, gcc, curl (the sphinxbase source for two private headers).
set -euo pipefail
cd "$(dirname "$0")/../../.."
W="${STT_MODEL_WORKDIR:-/work/model-work}"
MODEL="$(realpath "${1:-models/nemo-ctc-en-conv-small}")"
X="$W/lmx"
mkdir -p "$X"
SRC=sphinxbase_0.8+5prealpha+1.orig.tar.gz
[ -f "$X/$SRC" ] || curl -fsSL -o "$X/$SRC" "http://deb.debian.org/debian/pool/main/s/sphinxbase/$SRC"
echo "f72bdb59e50b558bed47cc2105777200d2b246a0f328e913de16a9b22f9a246f  $X/$SRC" | sha256sum -c --quiet
[ -d "$X/sphinxbase-5prealpha" ] || tar -C "$X" -xzf "$X/$SRC"
I="$X/sphinxbase-5prealpha"
gcc -O1 -o "$X/trie_to_arpa" scripts/model/experiments/trie_to_arpa.c -I"$I/src/libsphinxbase" -I"$I/include" -lsphinxbase
"$X/trie_to_arpa" /usr/share/pocketsphinx/model/en-us/en-us.lm.bin "$X/cmu-en-us.arpa" 2> >(grep -v '^INFO' >&2)
D="$X/$(basename "$MODEL")-cmu"
mkdir -p "$D"
for f in model.onnx tokens.txt; do ln -sf "$MODEL/$f" "$D/$f"; done
gzip -c "$X/cmu-en-us.arpa" > "$D/lm.arpa.gz"
npm run build >/dev/null
python3 scripts/model/tune_lm.py "$D" --n 150 --real-dev 100 --scales 0.6,0.8,1.0,1.3 --bonuses 0.5,1.5,2.5,3.5 --penalties 5,10
python3 scripts/model/eval.py --no-baseline --real-max 150 --models "$D" --json "$W/eval/eval-$(basename "$D").json"
