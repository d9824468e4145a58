#!/usr/bin/env bash
# Reproduce both models from scratch (about 4.5 h on 2 CPU cores). Work files go to $STT_MODEL_WORKDIR.
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
# The character LM for beam search (training sentences only), then its weights per model on the dev set.
$PY scripts/model/build_lm.py --fsdd --out models/nemo-ctc-en-conv-small/lm.arpa.gz
cp models/nemo-ctc-en-conv-small/lm.arpa.gz models/icefall-transducer-en-conv-small/lm.arpa.gz
npm run build
$PY scripts/model/tune_lm.py models/nemo-ctc-en-conv-small
$PY scripts/model/tune_lm.py models/icefall-transducer-en-conv-small
$PY scripts/model/make-fbank-fixtures.py
$PY scripts/model/make-testdata.py
$PY scripts/model/eval.py
