#!/usr/bin/env bash
# Evaluates fmad and the baselines (Random Cut Forest, windowed z-score) on the NAB corpus with
# NAB's scoring, and writes per-row results, a summary table and an HTML report.
#
#   scripts/evaluate.sh                              # whole corpus, found via $FMAD_DATASETS or ../shared/datasets
#   scripts/evaluate.sh --subset realKnownCause/    # files whose name starts with the prefix
#   scripts/evaluate.sh --detectors fmad --detector.threshold 0.999
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

ensure_prerequisites
build_modules evaluation
classpath=$(module_classpath evaluation runtime)

export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-1}"  # TensorFlow start-up notices
exec java "${FMAD_JAVA_OPENS[@]}" -Xmx6g \
  -Dai.djl.offline=true \
  -Dlog4j2.configurationFile="$FMAD_ROOT/scripts/log4j2-local.xml" \
  -cp "$classpath" io.fmad.evaluation.EvaluateCommand "$@"
