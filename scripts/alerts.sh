#!/usr/bin/env bash
# Prints AnomalyAlerts from a Kafka topic, read with isolation.level=read_committed, one per line.
#
#   scripts/alerts.sh --bootstrap-servers HOST:PORT --topic fmad-alerts [--from-beginning]
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

exec_module_main job compile io.fmad.connectors.tools.AlertConsoleConsumer "$@"
