#!/usr/bin/env bash
# The console's start to the search box ready: the time from launching
# `andon console` in an 80x24 tmux pane until the pane shows "Find
# identity", median of RUNS (default 5), on RUNBOOK:
#
#   cargo build --release
#   examples/console-start.sh RUNBOOK [RUNS] [CACHE_DIR]
#
# With CACHE_DIR (default: a fresh folder, filled by a first run that is
# not counted) the console reads the compiled image there: a warm start.
# The pane is read every 10 ms, so figures are good to about 15 ms. A
# measurement, not a test: nothing here passes or fails on time.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
andon="${ANDON:-$root/target/release/andon}"
runbook="$(realpath "${1:?usage: console-start.sh RUNBOOK [RUNS] [CACHE_DIR]}")"
runs="${2:-5}"
work="$(mktemp -d)"
cache="${3:-$work/cache}"
socket="andon-start-$$"
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
[ -x "$andon" ] || { echo "build first: cargo build --release" >&2; exit 2; }

# One start; prints milliseconds to the search box.
start() {
  local t0 t1
  t0=$(date +%s%N)
  tmux -L "$socket" new-session -d -x 80 -y 24 -s start -c "$work" \
    "$andon --cache-dir '$cache' console --log '$work/run.andonlog' '$runbook' --at 2026-03-06T02:10"
  for _ in $(seq 6000); do
    if tmux -L "$socket" capture-pane -p -t start 2>/dev/null | grep -q "Find identity"; then
      t1=$(date +%s%N)
      tmux -L "$socket" kill-server 2>/dev/null || true
      rm -f "$work/run.andonlog"*
      echo $(((t1 - t0) / 1000000))
      return 0
    fi
    sleep 0.01
  done
  echo "the console never showed its search box:" >&2
  tmux -L "$socket" capture-pane -p -t start >&2 || true
  exit 1
}

# Fill the image first when the cache is fresh.
[ -n "${3:-}" ] || start >/dev/null
times=()
for _ in $(seq "$runs"); do times+=("$(start)"); done
sorted=$(printf '%s\n' "${times[@]}" | sort -n | tr '\n' ' ')
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
echo "console start to the search box: median ${median} ms over ${runs} runs (${sorted}ms), load average $(cut -d' ' -f1-3 /proc/loadavg)"
