#!/usr/bin/env bash
# A stage trained with STOP_AFTER=train, finished in a worktree of this repository's HEAD
# ($STT_MODEL_WORKDIR/wt-stage<N>, models/ here untouched) and compared with another stage's eval:
#   STAGE=15 [COMPARE_WITH=12] bash scripts/model/try_stage.sh ctc|rnnt
# finish_stage.sh runs there (export, int8, LM, LM weights, golden outputs, manifest) and evaluates that model
# alone (greedy, int8 and the service's default decoding; no pocketsphinx: its rows are the same for every stage)
# into $STT_MODEL_WORKDIR/eval/eval-stage<N>.json; then compare_evals.py prints both side by side. If the stage
# wins, run_real.sh with the same STAGE (without STOP_AFTER) writes the same files into models/ here.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/model/model_id.sh
export STT_MODEL_WORKDIR="${STT_MODEL_WORKDIR:-/work/model-work}"
KIND="${1:?usage: STAGE=N bash scripts/model/try_stage.sh ctc|rnnt}"
STAGE="${STAGE:?STAGE=N}"
CK="$STT_MODEL_WORKDIR/ckpt/stage$STAGE"
[ -f "$CK-$KIND/last.pt" ] || { echo "no $CK-$KIND/last.pt: train the stage first" >&2; exit 2; }
WT="$STT_MODEL_WORKDIR/wt-stage$STAGE"
if [ -d "$WT" ]; then git -C "$WT" checkout -q -f --detach "$(git rev-parse HEAD)"
else git worktree add -q --detach "$WT" HEAD; fi
[ -e "$WT/node_modules" ] || ln -s "$PWD/node_modules" "$WT/node_modules"
id="$(model_id "$KIND")"
json="$STT_MODEL_WORKDIR/eval/eval-stage$STAGE.json"
(cd "$WT" && EVAL_ARGS="--no-baseline --models $WT/models/$id" EVAL_JSON="$json" \
  bash scripts/model/finish_stage.sh "$STAGE" "$CK" "$KIND")
if [ -n "${COMPARE_WITH:-}" ]; then
  /usr/bin/python3 scripts/model/compare_evals.py "$STT_MODEL_WORKDIR/eval/eval-stage$COMPARE_WITH.json" "$json"
fi
