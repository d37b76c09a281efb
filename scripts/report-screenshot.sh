#!/usr/bin/env bash
# Opens an evaluation report in headless Chromium, checks that its script drew every plot without an error,
# and saves a screenshot. Installs Debian's chromium when it is missing (needs root or sudo).
#
#   scripts/report-screenshot.sh REPORT.html OUT.png [WIDTHxHEIGHT]
#
# The window size defaults to 1400x3000 CSS pixels. The screenshot shows the top of the page at that size, so a
# taller window shows more plots.
# Exits non-zero when the page does not report <div id="rendered">, or reports <div id="render-error">.
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 REPORT.html OUT.png [WIDTHxHEIGHT]" >&2
  exit 2
fi
report=$(realpath "$1")
out=$(realpath -m "$2")
size=${3:-1400x3000}
if [ ! -f "$report" ]; then
  echo "Report not found: $report" >&2
  exit 2
fi
if ! [[ "$size" =~ ^[0-9]+x[0-9]+$ ]]; then
  echo "Invalid window size '$size'; expected WIDTHxHEIGHT, for example 1400x3000" >&2
  exit 2
fi

log() { printf '[report-screenshot] %s\n' "$*" >&2; }

if ! command -v chromium >/dev/null 2>&1; then
  log "installing Debian's chromium with apt-get"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium
fi

profile=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$profile" "$work"' EXIT

# Flags that turn off Chromium's background requests (updates, sync, first-run setup). The report itself forbids
# the page any request with its Content-Security-Policy.
chromium_flags=(
  --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --disable-default-apps --disable-extensions
  --hide-scrollbars --user-data-dir="$profile" --enable-logging=stderr --v=0
)

# Seconds that one Chromium run may take, so a page whose script never returns fails instead of hanging.
timeout_seconds=120

log "rendering $report"
timeout "$timeout_seconds" chromium "${chromium_flags[@]}" --window-size="${size/x/,}" --dump-dom "file://$report" \
  >"$work/dom.html" 2>"$work/dom.log" || {
  log "chromium --dump-dom failed or timed out after ${timeout_seconds} s:"
  tail -n 20 "$work/dom.log" >&2
  exit 1
}
if grep -q '<div id="render-error">' "$work/dom.html"; then
  log "the report's script failed: $(grep -o '<div id="render-error">[^<]*' "$work/dom.html")"
  exit 1
fi
if grep -E 'Uncaught|Refused to' "$work/dom.log" >&2; then
  log "the page logged a JavaScript error or a blocked request (lines above)"
  exit 1
fi
if ! grep -q '<div id="rendered" hidden="">' "$work/dom.html"; then
  log "the report's script did not finish: no <div id=\"rendered\"> in the DOM"
  exit 1
fi
log "script finished: $(grep -o '<div id="rendered" hidden="">[^<]*' "$work/dom.html" | sed 's/.*>//')"

timeout "$timeout_seconds" chromium "${chromium_flags[@]}" --window-size="${size/x/,}" --screenshot="$out" "file://$report" \
  >"$work/shot.log" 2>&1 || {
  log "chromium --screenshot failed or timed out after ${timeout_seconds} s:"
  tail -n 20 "$work/shot.log" >&2
  exit 1
}
if [ ! -s "$out" ]; then
  log "chromium wrote no screenshot to $out"
  exit 1
fi
log "wrote $out"
