#!/usr/bin/env bash
# Writes NAB-format CSV files (timestamp,value) into a Kafka topic as MetricEvents, merged in
# event-time order. Works against any broker.
#
#   scripts/replay.sh --bootstrap-servers HOST:PORT --topic fmad-metrics --input PATH [--rate N]
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

exec_module_main job compile io.fmad.connectors.tools.ReplayTool "$@"
