#!/usr/bin/env bash
# Prints AnomalyAlerts from a Kafka topic as a read_committed consumer sees them, one per line.
#
#   scripts/alerts.sh --bootstrap-servers HOST:PORT --topic fmad-alerts [--from-beginning]
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

ensure_prerequisites
build_modules
classpath=$(job_classpath)
exec java -Dlog4j2.configurationFile="$FMAD_ROOT/scripts/log4j2-local.xml" \
  -cp "$classpath" io.fmad.connectors.tools.AlertConsoleConsumer "$@"
