#!/usr/bin/env bash
# Runs the fmad job end to end on this machine: a Kafka broker on 127.0.0.1, the job on a local
# Flink MiniCluster with the shipped model, a generated stream (or NAB-format CSVs with
# --input PATH), and the alerts printed as they arrive. Installs Java and Maven if missing.
#
#   scripts/demo.sh                      # generated stream with injected anomalies
#   scripts/demo.sh --input ../shared/datasets/nab/data/realKnownCause
#   scripts/demo.sh --help               # every option
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

ensure_prerequisites
build_modules
classpath=$(job_classpath)

export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-1}"  # TensorFlow start-up notices
exec java "${FMAD_JAVA_OPENS[@]}" -Xmx4g \
  -Dai.djl.offline=true \
  -Dlog4j2.configurationFile="$FMAD_ROOT/scripts/log4j2-local.xml" \
  -cp "$classpath" io.fmad.job.local.LocalRunner "$@"
