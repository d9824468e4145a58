#!/usr/bin/env bash
# Stages 7 to 17: fine-tune the models on real recorded speech (../shared/data) mixed with synthetic speech.
# Resumable: every step skips work already done (data shards exist, training resumes from last.pt), so running
# it again after an interruption continues where it stopped. Budgets are in steps; the result does not depend on
# the machine's speed.
#   STAGE=7: from the stage-6 models (commit ea2bbce), 500 steps, half of every batch real speech
#   STAGE=8: from the stage-7 CTC model (commit ac35744), 4,000 steps, 60% real speech, peak lr 4e-4
#   STAGE=9: from the stage-8 CTC checkpoint (run STAGE=8 first), 1,300 steps, 45% real speech, peak lr 3e-4:
#            more synthetic speech again, to win back the held-out TTS voices stage 8 lost
#   STAGE=10: from the stage-9 CTC checkpoint, 2,500 steps, 45% real speech, peak lr 3e-4, and the natural TTS
#            voices (SVOX Pico, RHVoice, MBROLA: models/README.md, license decision) in the synthetic share
#   STAGE=11: from the stage-10 CTC checkpoint, 4,500 steps, 50% real speech, and half of the real clips given a
#            quiet lead-in and tail (--p-pad 0.5: Speech Commands words are cut tight, users' clips are not)
#   STAGE=12: a deeper encoder: the stage-11 CTC model grown from 16 to 32 blocks (5.0 M parameters; the 16 new
#            blocks start as identities, so training starts exactly at stage 11), 6,000 steps as stage 11
#   STAGE=13 (transducer): from the stage-7 transducer checkpoint, stage 11's recipe (50% real speech, the
#            natural voices, --p-pad 0.5, the LM with the real training transcripts), 6,000 steps, and a
#            16 kbit/s MP3 version of the real clips beside the Opus one (30% of real clips coded, was 15%)
#   STAGE=14: the CTC model's turn with the MP3 version: from the stage-12 CTC checkpoint (32 blocks), stage 13's
#            recipe, 6,000 steps
#   STAGE=15: stage 14 with a wider encoder: every block's feed-forward layer 2x -> 4x the model width (9.8 M
#            parameters; the new units start silent, so training starts exactly at stage 12): the issue's 8-15 M,
#            to compare with stage 14 step for step
#   STAGE=16: stage 14 with BPE word pieces (256, learnt from the training transcripts: word_pieces.py) for
#            characters; the encoder from stage 12, a new output layer that first learns alone (the 300 warm-up
#            steps); step for step against stage 14
#   STAGE=17 (transducer): the two levers that won for the CTC model, deeper (stage 12) and word pieces (stage
#            16): the stage-13 transducer grown from 16 to 32 blocks (the new blocks start as identities, as stage
#            12's) with stage 16's 256 BPE word pieces (a new decoder embedding and joiner output that first learn
#            alone; 5.18 M parameters), 6,000 steps of stage 13's recipe
#   STAGE=8 bash scripts/model/run_real.sh [ctc|rnnt|all]     (STEPS / ANNEAL / INIT_REV override a stage's;
#                                                             STOP_AFTER=train leaves models/ alone; THREADS=1
#                                                             runs two stages side by side on two cores)
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/model/model_id.sh
export STT_MODEL_WORKDIR="${STT_MODEL_WORKDIR:-/work/model-work}"
PY=/usr/bin/python3
KINDS="${1:-ctc}"; [ "$KINDS" = all ] && KINDS="ctc rnnt"
STAGE="${STAGE:-8}"
case "$STAGE" in
  7) D_STEPS=500; D_ANNEAL=200; D_INIT=ea2bbce; LR=5e-4; REAL_FRAC=0.5 ;;
  8) D_STEPS=4000; D_ANNEAL=1000; D_INIT=ac35744; LR=4e-4; REAL_FRAC=0.6 ;;
  9) D_STEPS=1300; D_ANNEAL=900; D_INIT=ckpt:stage8; LR=3e-4; REAL_FRAC=0.45 ;;
  10) D_STEPS=2500; D_ANNEAL=1000; D_INIT=ckpt:stage9; LR=3e-4; REAL_FRAC=0.45; D_SYNTH='*train*-*.npz' ;;
  11) D_STEPS=4500; D_ANNEAL=1500; D_INIT=ckpt:stage10; LR=3e-4; REAL_FRAC=0.5; D_SYNTH='*train*-*.npz'; P_PAD=0.5 ;;
  12) D_STEPS=6000; D_ANNEAL=2000; D_INIT=ckpt:stage11; LR=3e-4; REAL_FRAC=0.5; D_SYNTH='*train*-*.npz'; P_PAD=0.5; BLOCKS=32 ;;
  13) D_STEPS=6000; D_ANNEAL=2000; D_INIT=ckpt:stage7; LR=3e-4; REAL_FRAC=0.5; D_SYNTH='*train*-*.npz'; P_PAD=0.5
      CODECS=opus6k,mp3-16k; P_CODEC=0.3
      [ "$KINDS" = rnnt ] || { echo "STAGE=13 is the transducer's: run_real.sh rnnt" >&2; exit 2; } ;;
  14|15) D_STEPS=6000; D_ANNEAL=2000; D_INIT=ckpt:stage12; LR=3e-4; REAL_FRAC=0.5; D_SYNTH='*train*-*.npz'; P_PAD=0.5
      BLOCKS=32; CODECS=opus6k,mp3-16k; P_CODEC=0.3; [ "$STAGE" = 15 ] && EXPAND=4
      [ "$KINDS" = ctc ] || { echo "STAGE=$STAGE is the CTC model's: run_real.sh ctc" >&2; exit 2; } ;;
  16) D_STEPS=6000; D_ANNEAL=2000; D_INIT=ckpt:stage12; LR=3e-4; REAL_FRAC=0.5; D_SYNTH='*train*-*.npz'; P_PAD=0.5
      BLOCKS=32; CODECS=opus6k,mp3-16k; P_CODEC=0.3; WORD_PIECES=256
      [ "$KINDS" = ctc ] || { echo "STAGE=16 is the CTC model's: run_real.sh ctc" >&2; exit 2; } ;;
  17) D_STEPS=6000; D_ANNEAL=2000; D_INIT=ckpt:stage13; LR=3e-4; REAL_FRAC=0.5; D_SYNTH='*train*-*.npz'; P_PAD=0.5
      BLOCKS=32; CODECS=opus6k,mp3-16k; P_CODEC=0.3; WORD_PIECES=256
      [ "$KINDS" = rnnt ] || { echo "STAGE=17 is the transducer's: run_real.sh rnnt" >&2; exit 2; } ;;
  *) echo "unknown STAGE $STAGE (7 to 17)" >&2; exit 2 ;;
esac
STEPS="${STEPS:-$D_STEPS}"; ANNEAL="${ANNEAL:-$D_ANNEAL}"; SYNTH="${SYNTH:-${D_SYNTH:-train*-*.npz}}"
CK="$STT_MODEL_WORKDIR/ckpt/stage$STAGE"
# the tool versions the committed models were built with (scripts/model/versions.txt); a difference is reported,
# not fatal (other versions give close, not bit-identical, results)
grep -v '^sherpa\|^onnxruntime' scripts/model/versions.txt | while read -r pkg ver; do
  have="$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null || echo missing)"
  [ "$have" = "$ver" ] || echo "note: $pkg $have (the models were built with $ver)" >&2
done
# 1. data: held-out TTS test set, TTS dev set, 8,000 synthetic training utterances (8 shards, ~11 min on 2 busy
#    cores), FSDD split; then the real sets (decoded, split by speaker, Opus 6 kbit/s and MP3 16 kbit/s variants)
nice -n 19 $PY scripts/model/gen_data.py --jobs 2 --max-train 8000
nice -n 19 $PY scripts/model/real_data.py --jobs 2
# from stage 10: the natural voices too (bash scripts/model/setup-natural-voices.sh installs them, as root)
if [ "$STAGE" -ge 10 ]; then
  nice -n 19 $PY scripts/model/gen_data.py --jobs 2 --natural-only --natural-renders 6000 --natural-test 450
fi
# 2. training from the models this stage starts from (the commit named above, whatever models/ holds now),
#    resuming from $CK-<kind>/last.pt
INIT_REV="${INIT_REV:-$D_INIT}"
INIT="$STT_MODEL_WORKDIR/init-${INIT_REV/:/-}"
# The commit whose models/ holds a stage's final checkpoint as finish_stage.sh exported it: training starts from
# that export either way (below), so a machine without the checkpoint (a new work directory) starts from the
# committed files, the same weights. Stage 8 was never committed: STAGE=9 needs its checkpoint.
# a model folder's ONNX files and tokens as commit $1 holds them, into $INIT/$2 (tokens.txt last: it marks a folder
# complete)
extract_models() {
  mkdir -p "$INIT/$2"
  for f in model.onnx encoder.onnx decoder.onnx joiner.onnx tokens.txt; do
    if git cat-file -e "$1:models/$2/$f" 2>/dev/null; then git show "$1:models/$2/$f" > "$INIT/$2/$f"; fi
  done
}
committed_export() {
  case "$1" in
    stage7-rnnt) echo 42c86bc ;; stage9-ctc) echo 2c81e6d ;; stage10-ctc) echo 6327498 ;; stage11-ctc) echo fc148fe ;;
    stage12-ctc) echo 88599a7 ;; stage13-rnnt) echo 1389e72 ;; stage16-ctc) echo 6515211 ;;
  esac
}
if [[ "$INIT_REV" == ckpt:* ]]; then
  # a stage that starts from an earlier stage's checkpoint (not a commit): export it once as the model folder
  prev="${INIT_REV#ckpt:}"
  for kind in $KINDS; do
    id="$(model_id "$kind")"
    [ -f "$INIT/$id/tokens.txt" ] && continue
    last="$STT_MODEL_WORKDIR/ckpt/$prev-$kind/last.pt"
    if [ -f "$last" ]; then $PY scripts/model/export.py --kind "$kind" --ckpt "$last" --out "$INIT/$id"; continue; fi
    rev="$(committed_export "$prev-$kind")"
    [ -n "$rev" ] || { echo "run $prev first: no $last" >&2; exit 2; }
    echo "no $last: starting from its export committed in $rev (models/$id)" >&2
    extract_models "$rev" "$id"
  done
fi
for id in "$(model_id ctc)" "$(model_id rnnt)"; do
  [[ "$INIT_REV" == ckpt:* ]] && break
  extract_models "$INIT_REV" "$id"
done
for kind in $KINDS; do
  init="$INIT/$(model_id "$kind")"; extra="--max-utt-sec 12"; [ "$kind" = rnnt ] && extra="--max-utt-sec 8"
  nice -n 19 $PY scripts/model/train_real.py --kind "$kind" --blocks "${BLOCKS:-16}" --expand "${EXPAND:-2}" --word-pieces "${WORD_PIECES:-0}" --init-onnx "$init" --steps "$STEPS" --anneal-steps "$ANNEAL" \
    --peak-lr "$LR" --real-frac "$REAL_FRAC" --p-pad "${P_PAD:-0}" --codecs "${CODECS:-opus6k}" --p-codec "${P_CODEC:-0.15}" --synth "$SYNTH" --threads "${THREADS:-2}" --eval-every 1000 --ckpt-dir "$CK-$kind" $extra
done
# 3. export, int8, LM weights on dev, fixtures, manifest, eval (into models/: STOP_AFTER=train stops before, to
#    compare a stage's checkpoint with the committed models first: STAGE=N bash scripts/model/try_stage.sh KIND)
[ "${STOP_AFTER:-}" = train ] && exit 0
bash scripts/model/finish_stage.sh "$STAGE" "$CK" $KINDS
