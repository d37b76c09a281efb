#!/usr/bin/env bash
# End-to-end test of the cluster packaging: starts the session cluster of scripts/cluster.sh on
# free ports, replays one NAB series into the metrics topic, submits the job jar and waits for an
# alert on the alerts topic (read_committed). Then it cancels and resubmits the job
# FMAD_E2E_RESUBMITS times (5) and checks after each run that
#   - the new run wrote at least one alert,
#   - the TaskManager log has no UnsatisfiedLinkError,
#   - the TaskManager's metaspace, read over REST after a full GC with the job canceled, grows
#     less than FMAD_E2E_METASPACE_TOLERANCE_MB (8) from the first canceled run to the last. One
#     job's classes take about 18 MB, so a class loader that is never collected fails the test.
# It also checks that no class is in both the job jar and the runtime bundle. Results go to
# target/cluster-e2e/results.txt.
#
# The NAB corpus is read from $FMAD_DATASETS/nab, else from shared/datasets/nab beside the
# working directory or one of its parents. Without it the test is skipped, and fails when CI is
# set.
#
#   scripts/cluster-e2e.sh
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RESUBMITS="${FMAD_E2E_RESUBMITS:-5}"
METASPACE_TOLERANCE_MB="${FMAD_E2E_METASPACE_TOLERANCE_MB:-8}"
# A short series with a labeled failure; its first alert comes about 10 % into the series.
SERIES="realKnownCause/ec2_request_latency_system_failure.csv"
ALERT_TIMEOUT_SECONDS=240

export FMAD_CLUSTER_DIR="$ROOT/target/cluster-e2e"

fail() {
  printf '[cluster-e2e] FAILED: %s\n' "$*" >&2
  exit 1
}

note() { printf '[cluster-e2e] %s\n' "$*" >&2; }

find_nab() {
  if [ -n "${FMAD_DATASETS:-}" ]; then
    [ -d "$FMAD_DATASETS/nab/data" ] \
      || fail "FMAD_DATASETS is set to '$FMAD_DATASETS', which has no nab/data folder; point it at the folder that contains nab/, or unset it"
    printf '%s' "$FMAD_DATASETS/nab"
    return
  fi
  local dir
  dir=$(pwd)
  while :; do
    if [ -d "$dir/shared/datasets/nab/data" ]; then
      printf '%s' "$dir/shared/datasets/nab"
      return
    fi
    [ "$dir" != / ] || return 0
    dir=$(dirname "$dir")
  done
}

nab=$(find_nab)
if [ -z "$nab" ]; then
  message="NAB data not found: set FMAD_DATASETS to the folder holding nab/, or place it at ../shared/datasets/nab next to the repository"
  [ -z "${CI:-}" ] || fail "$message (CI is set, so the test fails instead of skipping)"
  note "SKIPPED: $message"
  exit 0
fi

source "$ROOT/scripts/lib/ports.sh"
export_free_cluster_ports

# The functions of cluster.sh, with the settings above.
source "$ROOT/scripts/cluster.sh"

rm -rf "$CLUSTER_DIR"
mkdir -p "$CLUSTER_DIR"
results="$CLUSTER_DIR/results.txt"
console_pid=""
stop_all() {
  # The alert console of a failed run may still wait for an alert.
  if [ -n "$console_pid" ]; then
    kill "$console_pid" 2>/dev/null || true
  fi
  cmd_stop
}
trap stop_all EXIT

started=$SECONDS
cmd_start

# A class in both places would be loaded by each job's child-first class loader as well as by
# lib/'s, and DJL's natives cannot load twice in one JVM.
jar tf "$JOB_JAR" | grep '\.class$' | sort -u >"$CLUSTER_DIR/job-classes.txt"
for jar in "$RUNTIME_DIR"/*.jar; do
  jar tf "$jar" | grep '\.class$' || true
done | sort -u >"$CLUSTER_DIR/runtime-classes.txt"
duplicates=$(comm -12 "$CLUSTER_DIR/job-classes.txt" "$CLUSTER_DIR/runtime-classes.txt" | wc -l)
[ "$duplicates" -eq 0 ] \
  || fail "$duplicates classes are in both the job jar and the runtime bundle, for example $(comm -12 "$CLUSTER_DIR/job-classes.txt" "$CLUSTER_DIR/runtime-classes.txt" | head -n 1)"

tools_java io.fmad.connectors.tools.ReplayTool --bootstrap-servers "127.0.0.1:$KAFKA_PORT" \
  --topic fmad-metrics --input "$nab/data/$SERIES" >&2

taskmanager_id=$(curl -sf "$REST_URL/taskmanagers" | jq -r '.taskmanagers[0].id')
taskmanager_pid=$(running_pid taskmanager)

# Prints a TaskManager metric over REST. The JobManager caches metrics for
# metrics.fetcher.update-interval, so a value read right after a change may be old.
taskmanager_metric() {
  curl -sf "$REST_URL/taskmanagers/$taskmanager_id/metrics?get=$1" | jq -r '.[0].value // empty'
}

# Runs two full GCs in the TaskManager, which also unload the classes of collected class loaders,
# then waits for the JobManager to fetch metrics again. The second GC collects what was reachable
# only from objects that waited for finalization or a cleaner during the first.
collect_garbage() {
  jcmd "$taskmanager_pid" GC.run >/dev/null
  sleep 1
  jcmd "$taskmanager_pid" GC.run >/dev/null
  sleep 3
}

printf 'run  first_alert_s  metaspace_used_mb  classes_loaded  classes_unloaded\n' >"$results"
first_metaspace=""
for run in $(seq 0 "$RESUBMITS"); do
  # The console starts at the end of the topic, so it only reads alerts of this run.
  alert_file="$CLUSTER_DIR/alerts-$run.txt"
  tools_java io.fmad.connectors.tools.AlertConsoleConsumer --bootstrap-servers "127.0.0.1:$KAFKA_PORT" \
    --topic fmad-alerts --max-alerts 1 --timeout-seconds "$ALERT_TIMEOUT_SECONDS" >"$alert_file" 2>&1 &
  console_pid=$!
  sleep 4

  submitted_ns=$(date +%s%N)
  # The series is one key, so one of the topic's two partitions stays empty, and the watermark
  # waits watermark.idleness (30 s by default) for it before any window closes.
  job_id=$(cmd_submit --kafka.starting-offsets EARLIEST --checkpoint.interval "2 s" \
    --watermark.idleness "2 s" --interpreter.runbooks "$FMAD_ROOT/runbooks")
  wait "$console_pid" || fail "run $run: the alert console failed; see $alert_file"
  console_pid=""
  alerted_ns=$(date +%s%N)
  grep -q 'score=' "$alert_file" \
    || fail "run $run (job $job_id): no alert within $ALERT_TIMEOUT_SECONDS s of the submit; see $alert_file and $CLUSTER_DIR/log/taskmanager.log"
  first_alert=$(awk -v a="$alerted_ns" -v s="$submitted_ns" 'BEGIN { printf "%.1f", (a - s) / 1e9 }')

  cmd_cancel "$job_id"
  if grep -q 'UnsatisfiedLinkError' "$CLUSTER_DIR/log/taskmanager.log"; then
    fail "run $run: UnsatisfiedLinkError in $CLUSTER_DIR/log/taskmanager.log: $(grep -m 1 'UnsatisfiedLinkError' "$CLUSTER_DIR/log/taskmanager.log")"
  fi

  collect_garbage
  metaspace=$(taskmanager_metric Status.JVM.Memory.Metaspace.Used)
  loaded=$(taskmanager_metric Status.JVM.ClassLoader.ClassesLoaded)
  unloaded=$(taskmanager_metric Status.JVM.ClassLoader.ClassesUnloaded)
  [ -n "$metaspace" ] || fail "run $run: the TaskManager reported no Status.JVM.Memory.Metaspace.Used"
  metaspace_mb=$(awk -v b="$metaspace" 'BEGIN { printf "%.1f", b / 1048576 }')
  printf '%-4s %-14s %-18s %-15s %s\n' "$run" "$first_alert" "$metaspace_mb" "$loaded" "$unloaded" >>"$results"
  note "run $run: job $job_id, first alert after $first_alert s, metaspace $metaspace_mb MB after cancel and GC"
  [ -n "$first_metaspace" ] || first_metaspace=$metaspace
done

growth_mb=$(awk -v a="$metaspace" -v b="$first_metaspace" 'BEGIN { printf "%.1f", (a - b) / 1048576 }')
printf '\nmetaspace growth from run 0 to run %s: %s MB (tolerance %s MB); %s s in all\n' \
  "$RESUBMITS" "$growth_mb" "$METASPACE_TOLERANCE_MB" "$((SECONDS - started))" >>"$results"
cat "$results" >&2
awk -v g="$growth_mb" -v t="$METASPACE_TOLERANCE_MB" 'BEGIN { exit !(g < t) }' \
  || fail "TaskManager metaspace grew by $growth_mb MB over $RESUBMITS resubmits, more than $METASPACE_TOLERANCE_MB MB: class loaders of canceled jobs are not collected; take a heap dump (jcmd PID GC.heap_dump) and look for paths to ChildFirstClassLoader"
note "passed"
