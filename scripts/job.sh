#!/usr/bin/env bash
# Runs the fmad job (io.fmad.job.FmadJob) in this JVM on a local Flink MiniCluster, against any
# Kafka broker, with the given job options, until it is stopped or its bounded input ends.
#
#   scripts/job.sh --kafka.bootstrap-servers 127.0.0.1:9092 [--config fmad.yaml] [--OPTION VALUE ...]
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

ensure_prerequisites
build_modules
classpath=$(job_classpath)

export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-1}"  # TensorFlow start-up notices
exec java "${FMAD_JAVA_OPENS[@]}" -Xmx4g \
  -Dai.djl.offline=true \
  -Dlog4j2.configurationFile="$FMAD_ROOT/scripts/log4j2-local.xml" \
  -cp "$classpath" io.fmad.job.local.LocalJob "$@"
