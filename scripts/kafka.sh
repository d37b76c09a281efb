#!/usr/bin/env bash
# Starts a Kafka broker on 127.0.0.1 (port 9092 unless given) with fmad's topics, for the tools
# and for scripts/job.sh. Runs until Ctrl-C.
#
#   scripts/kafka.sh [PORT]
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

exec_module_main job compile io.fmad.job.local.LocalKafka "$@"
