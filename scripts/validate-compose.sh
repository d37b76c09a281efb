#!/usr/bin/env bash
# Validates docker-compose.yml and deploy/ offline, without a Docker engine:
#   1. dclint checks docker-compose.yml against the Compose specification and its rules (pinned
#      image tags among them); any error or warning fails;
#   2. check-deploy.mjs checks that the Prometheus and Grafana files match the compose file, that
#      the dashboard JSON parses and that every metric its queries name is in docs/operations.md.
#
#   scripts/validate-compose.sh
#
# Needs Node.js 20.19 or newer and npm. On the first run, npm installs the pinned versions from
# scripts/compose-validation/package-lock.json into scripts/compose-validation/node_modules.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/scripts/compose-validation"

if ! (cd "$tools" && npm ls --depth=0 >/dev/null 2>&1); then
  echo "[validate-compose] installing dclint and yaml from package-lock.json" >&2
  (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error)
fi

echo "[validate-compose] dclint $("$tools/node_modules/.bin/dclint" --version) docker-compose.yml" >&2
"$tools/node_modules/.bin/dclint" --max-warnings 0 "$root/docker-compose.yml"

echo "[validate-compose] dclint found no problems" >&2
node "$tools/check-deploy.mjs" "$root"
