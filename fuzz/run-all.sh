#!/usr/bin/env bash
# Runs every fuzz target for a bounded time on a copy of its seed corpus; fails on any crash.
set -euo pipefail
build=${1:-build-fuzz}
seconds=${2:-30}
here=$(cd "$(dirname "$0")" && pwd)
status=0
for bin in "$build"/fuzz/*_fuzz; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin" _fuzz)
  work=$(mktemp -d)
  [ -d "$here/corpus/$name" ] && cp -r "$here/corpus/$name/." "$work/"
  echo "fuzz: $name for ${seconds}s"
  if ! "$bin" -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=10 -print_final_stats=1 "$work" > "$work.log" 2>&1; then
    tail -50 "$work.log"; status=1
  else
    grep -E "stat::number_of_executed_units" "$work.log" || true
  fi
  rm -rf "$work" "$work.log"
done
exit $status
