#!/usr/bin/env bash
# Reproduce both models from scratch (about 9 h on 2 CPU cores). Work files go to $STT_MODEL_WORKDIR.
set -euo pipefail
cd "$(dirname "$0")/../.."
export STT_MODEL_WORKDIR="${STT_MODEL_WORKDIR:-/work/model-work}"
PY=/usr/bin/python3
bash scripts/model/setup.sh
$PY scripts/model/gen_data.py --jobs 2 --extra-renders 1
nice -n 10 $PY scripts/model/train.py --kind ctc  --minutes 125 --anneal-minutes 62 --threads 1 --eval-every 8 &
nice -n 10 $PY scripts/model/train.py --kind rnnt --minutes 125 --anneal-minutes 62 --threads 1 --max-utt-sec 8 --eval-every 8 &
wait
# Stage 2: resume from last.pt; 73 min at the 1/sqrt level, anneal to 0.54x, then FSDD x6 while annealing to the end.
nice -n 10 $PY scripts/model/train.py --kind ctc  --minutes 123 --anneal-minutes 50 --stop-minutes 96 --threads 1 --eval-every 10 &
nice -n 10 $PY scripts/model/train.py --kind rnnt --minutes 123 --anneal-minutes 50 --stop-minutes 96 --threads 1 --max-utt-sec 8 --eval-every 10 &
wait
nice -n 10 $PY scripts/model/train.py --kind ctc  --minutes 27 --anneal-minutes 27 --anneal-scale 0.54 --fsdd-repeat 6 --threads 1 --eval-every 10 &
nice -n 10 $PY scripts/model/train.py --kind rnnt --minutes 27 --anneal-minutes 27 --anneal-scale 0.54 --fsdd-repeat 6 --threads 1 --max-utt-sec 8 --eval-every 10 &
wait
$PY scripts/model/export.py --kind ctc  --ckpt "$STT_MODEL_WORKDIR/ckpt/ctc/last.pt"  --out models/nemo-ctc-en-conv-small
$PY scripts/model/export.py --kind rnnt --ckpt "$STT_MODEL_WORKDIR/ckpt/rnnt/last.pt" --out models/icefall-transducer-en-conv-small
# Stage 3: continue from the exported stage-2 models (train.py --init-onnx: the ONNX weights, BatchNorms frozen,
# the lr schedule at the exported step), on a data directory with train0's first 20 shards (19,016 utterances in
# the run that made the committed models), FSDD x4; 75 min annealing linearly from 0.6x of the 1/sqrt level.
S3="$STT_MODEL_WORKDIR/stage3"
mkdir -p "$S3/data"
for f in "$STT_MODEL_WORKDIR"/data/{dev,test}-* "$STT_MODEL_WORKDIR"/data/fsdd_* "$STT_MODEL_WORKDIR"/data/train0-0[01]?.*; do
  ln -sf "$f" "$S3/data/"
done
STT_MODEL_WORKDIR="$S3" nice -n 10 $PY scripts/model/train.py --kind ctc  --init-onnx models/nemo-ctc-en-conv-small --minutes 75 --anneal-minutes 75 --anneal-scale 0.6 --fsdd-repeat 4 --threads 1 --eval-every 15 &
STT_MODEL_WORKDIR="$S3" nice -n 10 $PY scripts/model/train.py --kind rnnt --init-onnx models/icefall-transducer-en-conv-small --minutes 75 --anneal-minutes 75 --anneal-scale 0.6 --fsdd-repeat 4 --threads 1 --max-utt-sec 8 --eval-every 15 &
wait
$PY scripts/model/export.py --kind ctc  --ckpt "$S3/ckpt/ctc/last.pt"  --out models/nemo-ctc-en-conv-small
$PY scripts/model/export.py --kind rnnt --ckpt "$S3/ckpt/rnnt/last.pt" --out models/icefall-transducer-en-conv-small
# Stage 4: resume stage 3's last.pt (weights and optimizer state) for 100 min, annealing from 0.5x, on every train0
# shard (37,098 sentences) plus 6,000 utterances by Festival's voices (kal, ked, slt HTS; shards trainfest-*).
$PY scripts/model/gen_data.py --jobs 2 --festival-renders 6000
for f in "$STT_MODEL_WORKDIR"/data/train0-* "$STT_MODEL_WORKDIR"/data/trainfest-*; do
  ln -sf "$f" "$S3/data/"
done
STT_MODEL_WORKDIR="$S3" nice -n 10 $PY scripts/model/train.py --kind ctc  --minutes 100 --anneal-minutes 100 --anneal-scale 0.5 --fsdd-repeat 4 --threads 1 --eval-every 15 &
STT_MODEL_WORKDIR="$S3" nice -n 10 $PY scripts/model/train.py --kind rnnt --minutes 100 --anneal-minutes 100 --anneal-scale 0.5 --fsdd-repeat 4 --threads 1 --max-utt-sec 8 --eval-every 15 &
wait
$PY scripts/model/export.py --kind ctc  --ckpt "$S3/ckpt/ctc/last.pt"  --out models/nemo-ctc-en-conv-small
$PY scripts/model/export.py --kind rnnt --ckpt "$S3/ckpt/rnnt/last.pt" --out models/icefall-transducer-en-conv-small
# Stage 5: grow both encoders from 10 to 16 blocks (train.py --init-ckpt with --blocks 16: the trained blocks
# spread out, six identity blocks whose last projection starts at zero between them, so training starts exactly
# where stage 4 ended; onnx_init.load_grown) and train 122 min annealing from 0.8x, fresh optimizer.
S5="$STT_MODEL_WORKDIR/stage5"
mkdir -p "$S5/data"
for f in "$S3"/data/*; do ln -sf "$(readlink -f "$f")" "$S5/data/"; done
STT_MODEL_WORKDIR="$S5" nice -n 10 $PY scripts/model/train.py --kind ctc  --blocks 16 --init-ckpt "$S3/ckpt/ctc/last.pt" --minutes 122 --anneal-minutes 122 --anneal-scale 0.8 --fsdd-repeat 4 --threads 1 --eval-every 15 &
STT_MODEL_WORKDIR="$S5" nice -n 10 $PY scripts/model/train.py --kind rnnt --blocks 16 --init-ckpt "$S3/ckpt/rnnt/last.pt" --minutes 122 --anneal-minutes 122 --anneal-scale 0.8 --fsdd-repeat 4 --threads 1 --max-utt-sec 8 --eval-every 15 &
wait
$PY scripts/model/export.py --kind ctc  --ckpt "$S5/ckpt/ctc/last.pt"  --out models/nemo-ctc-en-conv-small
$PY scripts/model/export.py --kind rnnt --ckpt "$S5/ckpt/rnnt/last.pt" --out models/icefall-transducer-en-conv-small
# Stage 6: resume stage 5's last.pt (weights and optimizer state) in a fresh work dir for 115 / 112 min,
# annealing from 0.5x.
S6="$STT_MODEL_WORKDIR/stage6"
mkdir -p "$S6/data" "$S6/ckpt/ctc" "$S6/ckpt/rnnt"
for f in "$S5"/data/*; do ln -sf "$(readlink -f "$f")" "$S6/data/"; done
cp "$S5/ckpt/ctc/last.pt" "$S6/ckpt/ctc/"
cp "$S5/ckpt/rnnt/last.pt" "$S6/ckpt/rnnt/"
STT_MODEL_WORKDIR="$S6" nice -n 19 $PY scripts/model/train.py --kind ctc  --blocks 16 --minutes 115 --anneal-minutes 115 --anneal-scale 0.5 --fsdd-repeat 4 --threads 1 --eval-every 15 &
STT_MODEL_WORKDIR="$S6" nice -n 19 $PY scripts/model/train.py --kind rnnt --blocks 16 --minutes 112 --anneal-minutes 112 --anneal-scale 0.5 --fsdd-repeat 4 --threads 1 --max-utt-sec 8 --eval-every 15 &
wait
$PY scripts/model/export.py --kind ctc  --ckpt "$S6/ckpt/ctc/last.pt"  --out models/nemo-ctc-en-conv-small
$PY scripts/model/export.py --kind rnnt --ckpt "$S6/ckpt/rnnt/last.pt" --out models/icefall-transducer-en-conv-small
# The int8 variants (weight-only, per output channel) of every exported file.
for f in models/nemo-ctc-en-conv-small/model.onnx models/icefall-transducer-en-conv-small/{encoder,decoder,joiner}.onnx; do
  $PY scripts/model/quantize.py "$f"
done
# The character LM for beam search (training sentences only), then its weights per model on the dev set.
$PY scripts/model/build_lm.py --fsdd --order 8 --out models/nemo-ctc-en-conv-small/lm.arpa.gz
cp models/nemo-ctc-en-conv-small/lm.arpa.gz models/icefall-transducer-en-conv-small/lm.arpa.gz
npm run build
$PY scripts/model/tune_lm.py models/nemo-ctc-en-conv-small --scales 0.4,0.5,0.6,0.7,0.8 --bonuses 0.5,1.0,1.5,2.0,2.5
$PY scripts/model/tune_lm.py models/icefall-transducer-en-conv-small --scales 0.4,0.5,0.6,0.7,0.8 --bonuses 0.5,1.0,1.5,2.0,2.5
$PY scripts/model/make-fbank-fixtures.py
$PY scripts/model/make-testdata.py
$PY scripts/model/eval.py
