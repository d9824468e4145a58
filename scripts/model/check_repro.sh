#!/usr/bin/env bash
# Does this machine train exactly as the one that made the committed models? Runs the first steps of STAGE=11 (CTC,
# from the committed stage-10 export, two threads as it ran) in a scratch work directory that shares this one's
# data, and compares its losses and batch lengths with the committed stage-11 log
# (models/nemo-ctc-en-conv-small/training-log.txt). Equal lines mean the data (TTS shards, real clips, codec
# versions), the batches, the augmentation and the arithmetic all match; exit 1 when they differ.
#   bash scripts/model/check_repro.sh [STEPS]     (after run_real.sh's data step; STEPS a multiple of 50, default
#                                                  200: about 2 min on 2 idle cores)
set -euo pipefail
cd "$(dirname "$0")/../.."
export STT_MODEL_WORKDIR="${STT_MODEL_WORKDIR:-/work/model-work}"
STEPS="${1:-200}"
[ -d "$STT_MODEL_WORKDIR/data/real" ] || { echo "no $STT_MODEL_WORKDIR/data/real: run run_real.sh's data step first" >&2; exit 2; }
scratch="$(mktemp -d)"
pid=""
# the run and its training process (whose arguments name the scratch directory) end with this script
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null || true; pkill -f "$scratch" || true; sleep 1; rm -rf "$scratch"' EXIT
ln -s "$STT_MODEL_WORKDIR/data" "$scratch/data"
# the loss lines (step k of the stage's budget, loss, gradient norm, batch length) of a train_real.py log
loss_lines() { sed -n 's/.*step [0-9]* (\([0-9]*\)\/[0-9]*) loss \([0-9.]*\) lr [^ ]* gn \([0-9.]*\) T \([0-9]*\).*/\1 \2 \3 \4/p'; }
want="$(sed -n '/^== stage 11 /,/^== stage 12 /p' models/nemo-ctc-en-conv-small/training-log.txt | loss_lines |
  awk -v n="$STEPS" '$1 <= n')"
[ -n "$want" ] || { echo "no stage-11 loss lines in models/nemo-ctc-en-conv-small/training-log.txt" >&2; exit 2; }
STAGE=11 THREADS=2 STOP_AFTER=train STT_MODEL_WORKDIR="$scratch" bash scripts/model/run_real.sh ctc \
  > "$scratch/run.log" 2>&1 &
pid=$!
log="$scratch/ckpt/stage11-ctc/log.txt"
until [ -f "$log" ] && grep -q "($STEPS/" "$log"; do
  kill -0 "$pid" 2>/dev/null || { echo "the run ended early:" >&2; tail -n 20 "$scratch/run.log" >&2; exit 2; }
  sleep 5
done
got="$(loss_lines < "$log" | awk -v n="$STEPS" '$1 <= n')"
echo "step loss gn T: committed | this machine"
paste -d'|' <(echo "$want") <(echo "$got")
if [ "$want" = "$got" ]; then echo "identical: this machine reproduces the committed training"; exit 0; fi
echo "different: see models/README.md, Resuming work" >&2
exit 1
