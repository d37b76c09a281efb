#!/usr/bin/env bash
# Scores detector variants on the NAB corpus, seconds per variant: the encoder runs once, then
# the job's detector code is replayed over its output for each variant.
#
#   scripts/tune.sh                                                      # the shipped defaults
#   scripts/tune.sh --variant detector.cooldown=100 --variant detector.cooldown=200
#   scripts/tune.sh --encoder.model classpath:io/fmad/models/fmad-ts-fm/2 \
#     --variant 'detector.signals=reconstruction,forecast'           # the model alone
#   scripts/tune.sh --subset realKnownCause/ --variant detector.warm-up=400
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

FMAD_HEAP=6g exec_module_main evaluation runtime io.fmad.evaluation.TuneCommand "$@"
