# The embedded model folder a model kind trains into (models/<id>): sourced by run_real.sh, finish_stage.sh and
# try_stage.sh.
model_id() { if [ "$1" = rnnt ]; then echo icefall-transducer-en-conv-small; else echo nemo-ctc-en-conv-small; fi; }
