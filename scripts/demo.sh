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

exec_module_main job compile io.fmad.job.local.LocalRunner "$@"
