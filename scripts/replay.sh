#!/usr/bin/env bash
# Writes NAB-format CSV files (timestamp,value) into a Kafka topic as MetricEvents, merged in
# event-time order. Works against any broker.
#
#   scripts/replay.sh --bootstrap-servers HOST:PORT --topic fmad-metrics --input PATH [--rate N]
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

ensure_prerequisites
build_modules
classpath=$(job_classpath)
exec java -Dlog4j2.configurationFile="$FMAD_ROOT/scripts/log4j2-local.xml" \
  -cp "$classpath" io.fmad.connectors.tools.ReplayTool "$@"
