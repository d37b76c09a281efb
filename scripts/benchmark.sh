#!/usr/bin/env bash
# Measures fmad against the pass-through limit of its Kafka I/O and against a Random Cut Forest
# per key, on this machine. It reports throughput and heap and checkpoint bytes per key (1,000 and
# 100,000 keys), event-to-alert latency at half of fmad's maximum throughput, and the encoder's
# windows/s by batch size (JMH). It starts its own Kafka broker on 127.0.0.1 and a local Flink
# MiniCluster. It needs about 16 GB of memory and took about 15 minutes on the 2-core development
# machine. Run it on an otherwise idle machine.
#
#   scripts/benchmark.sh                                   # everything, report in target/benchmarks/report.md
#   scripts/benchmark.sh --keys 1000 --rounds 5000 --variants pass-through,fmad --skip-latency --skip-jmh
#   scripts/benchmark.sh --set encoder.batch-size=256      # any fmad option
#
# docs/benchmarks.md explains the method and records results.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

cd "$FMAD_ROOT"
FMAD_HEAP="${FMAD_HEAP:-14g}" exec_module_main benchmarks compile io.fmad.benchmarks.BenchmarkHarness "$@"
