# Shared helpers of the scripts under scripts/. Source it; do not run it.

FMAD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Java module flags that Flink 2 needs on Java 17 for Kryo and its reflection-based serializers.
FMAD_JAVA_OPENS=(
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
)

log() { printf '[fmad] %s\n' "$*" >&2; }

# Installs a JDK 17 and Maven from Debian's packages when either is missing (needs root or sudo).
ensure_prerequisites() {
  local missing=()
  command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null 2>&1 || missing+=(maven)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} with apt-get"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
  fi
  local version
  version=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
  if [ "${version%%.*}" -lt 17 ] 2>/dev/null; then
    log "Java ${version} found; fmad needs Java 17 or newer (set JAVA_HOME or PATH)"
    exit 1
  fi
}

# Builds and installs a module (default: job) and the modules it needs, without running tests.
build_modules() {
  local module="${1:-job}"
  log "building fmad module $module (mvn install, tests skipped)"
  local build_log="$FMAD_ROOT/target/build.log"
  mkdir -p "$FMAD_ROOT/target"
  if ! (cd "$FMAD_ROOT" && mvn -B -Dstyle.color=never -pl "$module" -am install -DskipTests >"$build_log" 2>&1); then
    tail -n 40 "$build_log" >&2
    log "build failed; the whole log is in $build_log"
    exit 1
  fi
}

# Prints a module's classpath for a Maven scope. compile also takes the runtime-scope dependencies,
# so that a main class runs with provided (Flink) and runtime-only (Jackson's Kotlin module, say)
# dependencies both present.
module_classpath() {
  local module="$1" scope="$2"
  local file="$FMAD_ROOT/$module/target/classpath-$scope.txt"
  (cd "$FMAD_ROOT" && mvn -B -q -Dstyle.color=never -pl "$module" dependency:build-classpath \
      -Dmdep.outputFile="$file" -DincludeScope="$scope" >/dev/null 2>&1)
  local classpath
  classpath=$(cat "$file")
  if [ "$scope" = compile ]; then
    local runtime_file="$FMAD_ROOT/$module/target/classpath-runtime.txt"
    (cd "$FMAD_ROOT" && mvn -B -q -Dstyle.color=never -pl "$module" dependency:build-classpath \
        -Dmdep.outputFile="$runtime_file" -DincludeScope=runtime >/dev/null 2>&1)
    classpath=$(printf '%s:%s' "$classpath" "$(cat "$runtime_file")" | tr ':' '\n' | awk 'NF && !seen[$0]++' | paste -sd: -)
  fi
  printf '%s:%s' "$FMAD_ROOT/$module/target/classes" "$classpath"
}

# Runs a main class of a module's build on this machine's JVM, with Flink's module flags, offline
# model loading and the scripts' log configuration: exec_module_main MODULE SCOPE CLASS [ARGS...].
exec_module_main() {
  local module="$1" scope="$2" main_class="$3"
  shift 3
  ensure_prerequisites
  build_modules "$module"
  local classpath
  classpath=$(module_classpath "$module" "$scope")
  export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-1}"  # TensorFlow start-up notices
  exec java "${FMAD_JAVA_OPENS[@]}" -Xmx"${FMAD_HEAP:-4g}" \
    -Dai.djl.offline=true \
    -Dlog4j2.configurationFile="$FMAD_ROOT/scripts/log4j2-local.xml" \
    -cp "$classpath" "$main_class" "$@"
}
