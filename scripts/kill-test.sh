#!/usr/bin/env bash
# Failure test of exactly-once output. It starts the session cluster of scripts/cluster.sh on free
# ports and writes a generated stream to a topic once: MetricGenerator's FMAD_KILL_KEYS hosts (300)
# with two values each, FMAD_KILL_DAYS days (7) of five-minute points, a fixed seed and start.
#   Run A: the job reads that topic as bounded input, with checkpoints every 2 s, and finishes
#          without failures.
#   Run B: the same input, another alerts topic, transactional-id prefix and consumer group. While
#          it runs, the TaskManager is killed with SIGKILL FMAD_KILL_COUNT times (3), and a new
#          TaskManager process is started after each kill. Kill i comes once the watermark has
#          passed i/(FMAD_KILL_COUNT + 1) of the input's event-time span and the restarted job has
#          completed a checkpoint, so the kills are spread over the input at any machine speed.
# Both alerts topics are then read with read_committed and compared alert for alert: alert id,
# status, incident id, sequence, key, window end, the score's bits, and a SHA-256 of each whole
# record. The test fails on any lost, duplicated, unexpected or differing alert, when run B
# restarted fewer times than it was killed or did not restore a checkpoint each time, and on an
# UnsatisfiedLinkError in a Flink log. Results go to target/kill-test/results.txt, both dumps with
# every alert as JSON to alerts-a.json and alerts-b.json beside it. The input is generated, so the
# test needs no data set. FMAD_KILL_COUNT=0 compares two failure-free runs, which checks that the
# job's output is deterministic.
#
#   scripts/kill-test.sh
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
KEYS="${FMAD_KILL_KEYS:-300}"
DAYS="${FMAD_KILL_DAYS:-7}"
KILLS="${FMAD_KILL_COUNT:-3}"
SEED=42
PARALLELISM=2
# Seconds a run may take from submit to FINISHED.
JOB_TIMEOUT_SECONDS=1200

export FMAD_CLUSTER_DIR="$ROOT/target/kill-test"
# The job sets no restart strategy, so Flink's default applies: with checkpointing, exponential
# delay without an attempt limit. A bounded fixed delay makes a job that cannot recover fail the
# test instead of restarting until the timeout. Each kill costs one attempt; the rest are margin
# for a restart that fails while the new TaskManager is still starting. A 2 s heartbeat lets the
# JobManager notice a killed TaskManager within a few seconds instead of tens of seconds (Flink
# 2.2 defaults: 10 s interval, 50 s timeout, and 2 failed heartbeat RPCs mark a TaskManager lost).
export FMAD_CLUSTER_EXTRA_CONFIG="restart-strategy.type: fixed-delay
restart-strategy.fixed-delay.attempts: $((KILLS * 3 + 3))
restart-strategy.fixed-delay.delay: 1 s
heartbeat.interval: 2000
heartbeat.timeout: 20000"

fail() {
  printf '[kill-test] FAILED: %s\n' "$*" >&2
  exit 1
}

note() { printf '[kill-test] %s\n' "$*" >&2; }

source "$ROOT/scripts/lib/ports.sh"
export_free_cluster_ports

# The functions of cluster.sh, with the settings above.
source "$ROOT/scripts/cluster.sh"

METRICS_TOPIC=kill-metrics
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"

rm -rf "$CLUSTER_DIR"
mkdir -p "$CLUSTER_DIR"
results="$CLUSTER_DIR/results.txt"
trap cmd_stop EXIT

started=$SECONDS
cmd_start

tools_java io.fmad.job.local.FailureTestTool topics --bootstrap-servers "$BOOTSTRAP" --partitions 2 \
  "$METRICS_TOPIC" kill-alerts-a kill-alerts-b kill-dead-letters-a kill-dead-letters-b
produced=$(tools_java io.fmad.job.local.FailureTestTool produce --bootstrap-servers "$BOOTSTRAP" \
  --topic "$METRICS_TOPIC" --keys "$KEYS" --days "$DAYS" --seed "$SEED")
note "$produced"
events=$(printf '%s' "$produced" | awk '{ print $2 }')
first_event_ms=$(printf '%s' "$produced" | awk '{ print $(NF - 3) }')
last_event_ms=$(printf '%s' "$produced" | awk '{ print $(NF - 1) }')

# Submits one run and prints its job id: submit_run a|b.
submit_run() {
  cmd_submit --job.name "fmad-kill-$1" --job.parallelism "$PARALLELISM" \
    --kafka.topic.metrics "$METRICS_TOPIC" --kafka.starting-offsets EARLIEST --kafka.bounded true \
    --kafka.topic.alerts "kill-alerts-$1" --kafka.topic.dead-letters "kill-dead-letters-$1" \
    --kafka.transactional-id-prefix "fmad-kill-$1" --kafka.group-id "fmad-kill-$1" \
    --checkpoint.interval "2 s"
}

# Succeeds when every task of the job runs.
all_tasks_running() {
  [ "$(curl -sf "$REST_URL/jobs/$1" | jq -r '[.vertices[].status] | all(. == "RUNNING")')" = true ]
}

# Prints the number of checkpoints of the job that completed and that the job restored from.
checkpoints_completed() {
  curl -sf "$REST_URL/jobs/$1/checkpoints" | jq -r '.counts.completed'
}

checkpoints_restored() {
  curl -sf "$REST_URL/jobs/$1/checkpoints" | jq -r '.counts.restored'
}

# Prints how often the job restarted. The JobManager refreshes the value about once a second.
job_restarts() {
  curl -sf "$REST_URL/jobs/$1/metrics?get=numRestarts" | jq -r '.[0].value // empty'
}

# Waits until the job has restarted more than the given number of times: wait_for_restart JOB N.
# Until the JobManager notices that the TaskManager is gone, the job's tasks still look RUNNING.
wait_for_restart() {
  local job_id="$1" before="$2" deadline=$((SECONDS + START_TIMEOUT)) count
  while count=$(job_restarts "$job_id"); [ "${count:-0}" -le "$before" ]; do
    [ $SECONDS -lt $deadline ] || fail "job $job_id did not restart within $START_TIMEOUT s of a kill; see $CLUSTER_DIR/log/jobmanager.log"
    sleep 0.5
  done
}

# Prints how far the watermark of the job's sliding-window operator has come, in whole percent of
# the input's event-time span: the lowest watermark of its subtasks, 0 before the first one.
event_time_percent() {
  local job_id="$1" vertex watermark
  vertex=$(curl -sf "$REST_URL/jobs/$job_id" | jq -r '[.vertices[] | select(.name | test("sliding-window"))][0].id')
  watermark=$(curl -sf "$REST_URL/jobs/$job_id/vertices/$vertex/watermarks" | jq -r '[.[].value | tonumber] | min // empty')
  awk -v watermark="${watermark:-0}" -v first="$first_event_ms" -v last="$last_event_ms" \
    'BEGIN { p = (watermark - first) * 100 / (last - first); printf "%d", (p < 0 ? 0 : p) }'
}

# Waits until the watermark has passed the given percent of the event-time span and the job has
# completed more checkpoints than given, or fails when the job ends first:
# wait_for_progress JOB PERCENT CHECKPOINTS.
wait_for_progress() {
  local job_id="$1" percent="$2" checkpoints="$3" deadline=$((SECONDS + JOB_TIMEOUT_SECONDS)) state
  until [ "$(event_time_percent "$job_id")" -ge "$percent" ] \
      && [ "$(checkpoints_completed "$job_id")" -gt "$checkpoints" ]; do
    state=$(job_state "$job_id")
    [ "$state" = RUNNING ] \
      || fail "job $job_id is $state before its watermark passed $percent % of the input; the kills need a longer run, raise FMAD_KILL_DAYS or FMAD_KILL_KEYS"
    [ $SECONDS -lt $deadline ] || fail "job $job_id did not pass $percent % of the input within $JOB_TIMEOUT_SECONDS s"
    sleep 0.5
  done
}

# Waits until the job's tasks all run, or fails when the job ends or the timeout passes.
wait_for_tasks() {
  local job_id="$1" deadline=$((SECONDS + START_TIMEOUT)) state
  until all_tasks_running "$job_id"; do
    state=$(job_state "$job_id")
    case "$state" in
      FINISHED | FAILED | CANCELED) fail "job $job_id is $state before all its tasks ran; see $CLUSTER_DIR/log/" ;;
    esac
    [ $SECONDS -lt $deadline ] || fail "the tasks of job $job_id did not all run within $START_TIMEOUT s; see $CLUSTER_DIR/log/"
    sleep 0.5
  done
}

# Waits until the job finishes, or fails when it fails, is canceled or runs past the timeout.
wait_for_finish() {
  local job_id="$1" deadline="$2" state
  while state=$(job_state "$job_id"); [ "$state" != FINISHED ]; do
    case "$state" in
      FAILED | CANCELED)
        curl -sf "$REST_URL/jobs/$job_id/exceptions" | jq -r '.exceptionHistory.entries[0].stacktrace // empty' \
          | head -n 30 >&2 || true
        fail "job $job_id is $state; the last exception is above, the logs are in $CLUSTER_DIR/log/"
        ;;
    esac
    [ $SECONDS -lt "$deadline" ] || fail "job $job_id did not finish within $JOB_TIMEOUT_SECONDS s of its submit"
    sleep 1
  done
}

# Kills the TaskManager with SIGKILL, reaps it, and starts a new one as a process supervisor
# would: kill_taskmanager N.
kill_taskmanager() {
  local pid
  pid=$(running_pid taskmanager)
  [ -n "$pid" ] || fail "no TaskManager runs before kill $1"
  kill -9 "$pid"
  # The TaskManager is a child of this shell, so reaping it lets running_pid see that it is gone.
  wait "$pid" 2>/dev/null || true
  mv "$CLUSTER_DIR/log/taskmanager.out" "$CLUSTER_DIR/log/taskmanager-killed-$1.out"
  note "kill $1: sent SIGKILL to TaskManager PID $pid"
  start_taskmanager
}

# Run A: no failures.
note "run A: bounded run without failures"
a_started=$SECONDS
job_a=$(submit_run a)
wait_for_tasks "$job_a"
a_tasks_started=$SECONDS
wait_for_finish "$job_a" $((a_started + JOB_TIMEOUT_SECONDS))
a_seconds=$((SECONDS - a_started))
a_task_seconds=$((SECONDS - a_tasks_started))
note "run A: job $job_a finished in $a_seconds s, $a_task_seconds s of them with all tasks running"

# Run B: kill the TaskManager KILLS times, spread over the input's event time. Each kill waits for
# a checkpoint that the restarted job completed, so that every restart restores one.
note "run B: the same input, with $KILLS kills"
b_started=$SECONDS
job_b=$(submit_run b)
kill_times=()
kill_percents=()
for kill in $(seq 1 "$KILLS"); do
  wait_for_tasks "$job_b"
  wait_for_progress "$job_b" $((kill * 100 / (KILLS + 1))) "$(checkpoints_completed "$job_b")"
  kill_times+=("$((SECONDS - b_started))")
  kill_percents+=("$(event_time_percent "$job_b")")
  restarts_before=$(job_restarts "$job_b")
  kill_taskmanager "$kill"
  wait_for_restart "$job_b" "${restarts_before:-0}"
done
wait_for_finish "$job_b" $((b_started + JOB_TIMEOUT_SECONDS))
b_seconds=$((SECONDS - b_started))
restarts=$(job_restarts "$job_b")
restored=$(checkpoints_restored "$job_b")
note "run B: job $job_b finished in $b_seconds s after $restarts restarts"

tools_java io.fmad.job.local.FailureTestTool dump --bootstrap-servers "$BOOTSTRAP" --topic kill-alerts-a \
  --output "$CLUSTER_DIR/alerts-a.tsv" --records "$CLUSTER_DIR/alerts-a.json" >&2
tools_java io.fmad.job.local.FailureTestTool dump --bootstrap-servers "$BOOTSTRAP" --topic kill-alerts-b \
  --output "$CLUSTER_DIR/alerts-b.tsv" --records "$CLUSTER_DIR/alerts-b.json" >&2
comparison_status=0
tools_java io.fmad.job.local.FailureTestTool compare --expected "$CLUSTER_DIR/alerts-a.tsv" \
  --actual "$CLUSTER_DIR/alerts-b.tsv" >"$CLUSTER_DIR/comparison.txt" || comparison_status=$?
comparison() { awk -v name="$1" '$1 == name { print $2 }' "$CLUSTER_DIR/comparison.txt"; }

# The causes of run B's restarts, as the JobManager recorded them.
curl -sf "$REST_URL/jobs/$job_b/exceptions" \
  | jq -r '.exceptionHistory.entries[] | "  \(.exceptionName): \(.stacktrace | split("\n")[0] | .[0:160])"' \
    >"$CLUSTER_DIR/restart-causes.txt" || true

# Prints how many records of a status the dump of run A has.
status_count() { awk -F'\t' -v status="$1" '$2 == status' "$CLUSTER_DIR/alerts-a.tsv" | wc -l; }

{
  printf 'events              %s\n' "$events"
  printf 'keys                %s\n' "$KEYS"
  printf 'parallelism         %s\n' "$PARALLELISM"
  printf 'alerts in A         %s\n' "$(comparison alerts_expected)"
  printf 'alerts in B         %s\n' "$(comparison alerts_actual)"
  printf 'A by status         OPEN %s, UPDATE %s, RESOLVED %s\n' \
    "$(status_count OPEN)" "$(status_count UPDATE)" "$(status_count RESOLVED)"
  printf 'lost                %s\n' "$(comparison lost)"
  printf 'duplicated          %s\n' "$(comparison duplicated)"
  printf 'unexpected          %s\n' "$(comparison unexpected)"
  printf 'differing           %s\n' "$(comparison differing)"
  printf 'kills               %s, at %s s into run B, at %s %% of the event time\n' "$KILLS" \
    "$(IFS=,; printf '%s' "${kill_times[*]}")" "$(IFS=,; printf '%s' "${kill_percents[*]}")"
  printf 'restarts            %s\n' "$restarts"
  printf 'checkpoint restores %s\n' "$restored"
  printf 'run A wall time     %s s\n' "$a_seconds"
  printf 'run B wall time     %s s\n' "$b_seconds"
  printf 'test wall time      %s s\n' "$((SECONDS - started))"
  printf 'restart causes:\n'
  cat "$CLUSTER_DIR/restart-causes.txt"
} >"$results"
cat "$results" >&2
grep '^#' "$CLUSTER_DIR/comparison.txt" >&2 || true

if grep -l 'UnsatisfiedLinkError' "$CLUSTER_DIR"/log/*.log "$CLUSTER_DIR"/log/*.out >/dev/null 2>&1; then
  fail "UnsatisfiedLinkError in $(grep -l 'UnsatisfiedLinkError' "$CLUSTER_DIR"/log/*.log "$CLUSTER_DIR"/log/*.out | paste -sd' ' -)"
fi
[ "$(comparison alerts_expected)" -gt 0 ] \
  || fail "run A wrote no alerts, so the comparison proves nothing; see $CLUSTER_DIR/log/taskmanager.log"
[ "$comparison_status" -eq 0 ] \
  || fail "the alerts of run B differ from those of run A; $CLUSTER_DIR/comparison.txt lists the first differences"
[ -n "$restarts" ] && [ "$restarts" -ge "$KILLS" ] \
  || fail "run B restarted ${restarts:-an unknown number of} times, fewer than its $KILLS kills"
[ "$restored" -ge "$KILLS" ] \
  || fail "run B restored a checkpoint $restored times, fewer than its $KILLS kills"
note "passed"
