# Port helpers of the tests that start a cluster beside others on this machine. Source it; do not
# run it.

# Succeeds when a process accepts connections on the port of 127.0.0.1.
listening() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Prints a TCP port on 127.0.0.1 that nothing listens on, and whose successor is free too (the
# Kafka controller takes the next port).
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 30000))
    if ! listening "$port" && ! listening $((port + 1)); then
      printf '%s' "$port"
      return
    fi
  done
}

# Exports free ports for scripts/cluster.sh, keeping any that the environment already sets.
export_free_cluster_ports() {
  export FMAD_CLUSTER_KAFKA_PORT="${FMAD_CLUSTER_KAFKA_PORT:-$(free_port)}"
  export FMAD_CLUSTER_REST_PORT="${FMAD_CLUSTER_REST_PORT:-$(free_port)}"
  export FMAD_CLUSTER_RPC_PORT="${FMAD_CLUSTER_RPC_PORT:-$(free_port)}"
  local prometheus_port
  prometheus_port=$(free_port)
  export FMAD_CLUSTER_PROMETHEUS_PORTS="${FMAD_CLUSTER_PROMETHEUS_PORTS:-$prometheus_port-$((prometheus_port + 1))}"
}
