#!/usr/bin/env bash
# Evaluates fmad and the baselines (Random Cut Forest, windowed z-score) on the NAB corpus with
# NAB's scoring, and writes per-row results, a summary table and an HTML report.
#
#   scripts/evaluate.sh                              # whole corpus, found via $FMAD_DATASETS or ../shared/datasets
#   scripts/evaluate.sh --subset realKnownCause/    # files whose name starts with the prefix
#   scripts/evaluate.sh --detectors fmad --detector.threshold 0.999
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

FMAD_HEAP=6g exec_module_main evaluation runtime io.fmad.evaluation.EvaluateCommand "$@"
