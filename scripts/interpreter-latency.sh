#!/usr/bin/env bash
# Measures the alert latency each interpreter backend adds (built-in, runbook retrieval, an LLM
# behind a local chat-completions server), and how a hanging LLM endpoint treats a burst of
# alerts. Prints Markdown tables; docs/interpreter.md records a run.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

ensure_prerequisites
build_modules job
classpath="$FMAD_ROOT/job/target/test-classes:$(module_classpath job test)"
cd "$FMAD_ROOT"
exec java "${FMAD_JAVA_OPENS[@]}" -Xmx2g -Dai.djl.offline=true \
  -Dlog4j2.configurationFile="$FMAD_ROOT/scripts/log4j2-local.xml" \
  -cp "$classpath" io.fmad.job.interpret.InterpreterLatencyBenchmark runbooks
