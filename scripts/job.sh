#!/usr/bin/env bash
# Runs the fmad job (io.fmad.job.FmadJob) in this JVM on a local Flink MiniCluster, against any
# Kafka broker, with the given job options, until it is stopped or its bounded input ends.
#
#   scripts/job.sh --kafka.bootstrap-servers 127.0.0.1:9092 [--config fmad.yaml] [--OPTION VALUE ...]
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

exec_module_main job compile io.fmad.job.local.LocalJob "$@"
