#!/usr/bin/env bash
# Starts a Kafka broker on 127.0.0.1 (port 9092 unless given) with fmad's topics, for the tools
# and for scripts/job.sh. Runs until Ctrl-C.
#
#   scripts/kafka.sh [PORT]
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

ensure_prerequisites
build_modules
classpath=$(job_classpath)

exec java -Dlog4j2.configurationFile="$FMAD_ROOT/scripts/log4j2-local.xml" \
  -cp "$classpath" io.fmad.job.local.LocalKafka "$@"
