#!/usr/bin/env bash
# Builds fmad and runs every test: unit tests, operator harness tests, and the integration tests
# against an in-process Kafka broker and a Flink MiniCluster. Installs Java and Maven if missing.
# Tests that need the NAB data read it from ../shared/datasets (or $FMAD_DATASETS); they skip
# without it, and fail without it when CI is set.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

ensure_prerequisites
cd "$FMAD_ROOT"
mvn -B verify "$@"
