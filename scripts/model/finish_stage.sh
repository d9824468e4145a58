#!/usr/bin/env bash
# Step 3 of a training stage: the stage's checkpoints become the model folders of the repository it runs in.
# Export, int8, training log, the character LM, its weights tuned on dev, golden outputs, manifest, eval.
# run_real.sh calls it on this repository; try_stage.sh on a worktree, to compare a stage with the committed
# models before it replaces them.
#   bash scripts/model/finish_stage.sh STAGE CKPT_PREFIX KIND...     (from the repository root it writes)
#     CKPT_PREFIX: $STT_MODEL_WORKDIR/ckpt/stage<N> (the checkpoints are in <prefix>-<kind>/last.pt)
#     EVAL_ARGS: more eval.py arguments; EVAL_JSON: its table (default $STT_MODEL_WORKDIR/eval/eval-stage<N>.json)
set -euo pipefail
STAGE="$1"; CK="$2"; shift 2; KINDS="$*"
export STT_MODEL_WORKDIR="${STT_MODEL_WORKDIR:-/work/model-work}"
PY=/usr/bin/python3
. "$(dirname "$0")/model_id.sh"
model_dir() { echo "models/$(model_id "$1")"; }
for kind in $KINDS; do
  out="$(model_dir "$kind")"
  $PY scripts/model/export.py --kind "$kind" --ckpt "$CK-$kind/last.pt" --out "$out"
  for f in "$out"/{model,encoder,decoder,joiner}.onnx; do if [ -f "$f" ]; then $PY scripts/model/quantize.py "$f"; fi; done
  { echo "== stage $STAGE (train_real.py, $CK-$kind/log.txt)"; cat "$CK-$kind/log.txt"; } >> "$out/training-log.txt"
  # from stage 11 the character LM also learns the real sets' training transcripts (the transducer's from 13)
  if [ "$STAGE" -ge 11 ]; then $PY scripts/model/build_lm.py --fsdd --real --order 8 --out "$out/lm.arpa.gz"; fi
done
npm run build
for kind in $KINDS; do
  $PY scripts/model/tune_lm.py "$(model_dir "$kind")" --n 150 --real-dev 100 --scales 0.4,0.6,0.8 --bonuses 0.5,1.5,2.5
done
$PY scripts/model/make-testdata.py --no-audio
$PY scripts/model/manifest.py
# shellcheck disable=SC2086  # EVAL_ARGS is a list of arguments
$PY scripts/model/eval.py --real-max 150 ${EVAL_ARGS:-} --json "${EVAL_JSON:-$STT_MODEL_WORKDIR/eval/eval-stage$STAGE.json}"
