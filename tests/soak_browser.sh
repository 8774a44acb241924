#!/usr/bin/env bash
# Soak test for the browser suites: run them RUNS times in a row (default 10) while
# SPINNERS background processes (default 2) each keep a CPU busy, as on a loaded CI
# machine; print each run's result and time, then the pass count. The spinners are
# started here and always stopped (trap), also on Ctrl-C or a failing run.
#
#   bash tests/soak_browser.sh            # 10 runs of `pytest -m browser`, 2 workers
#   bash tests/soak_browser.sh 3          # 3 runs
#   SELECT="tests/test_maps_browser.py" JOBS=0 bash tests/soak_browser.sh
#
# Logs: test-artifacts/soak/run_NN.log. Exit status 0 only when every run passed.
set -uo pipefail
cd "$(dirname "$0")/.."

RUNS="${1:-${RUNS:-10}}"
SPINNERS="${SPINNERS:-2}"
JOBS="${JOBS:-2}"
SELECT="${SELECT:--m browser}"
PY="${PY:-.venv/bin/python}"
LOGS=test-artifacts/soak
mkdir -p "$LOGS"

spinners=()
run_pid=""
stop_spinners() {
  for pid in "${spinners[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${spinners[@]}"; do wait "$pid" 2>/dev/null; done
  spinners=()
}
# pytest runs in the background, in its own process group, and is waited for, so
# Ctrl-C or a kill reaches this script at once: it stops that group (pytest and its
# workers; their JupyterLab servers and browsers follow them, see lab_server), and the
# EXIT trap stops the spinners.
interrupted() {
  echo "interrupted"
  if [ -n "$run_pid" ]; then kill -TERM -- "-$run_pid" 2>/dev/null; wait "$run_pid" 2>/dev/null; fi
  exit 130
}
trap stop_spinners EXIT
trap interrupted INT TERM

for _ in $(seq "$SPINNERS"); do
  ( while :; do :; done ) &
  spinners+=("$!")
done
echo "soak: $RUNS run(s) of pytest $SELECT (-n $JOBS) beside $SPINNERS CPU-spinning processes (pids ${spinners[*]}) on $(nproc) cores"

if [ "$JOBS" = 0 ]; then parallel=(-p no:xdist); else parallel=(-n "$JOBS" --dist loadfile --no-loadscope-reorder); fi
passed=0
for i in $(seq "$RUNS"); do
  log=$(printf '%s/run_%02d.log' "$LOGS" "$i")
  start=$(date +%s)
  # shellcheck disable=SC2086  # SELECT is a list of pytest arguments
  # job control on for this job only: pytest gets a process group of its own
  set -m
  "$PY" -m pytest -q -p no:cacheprovider "${parallel[@]}" $SELECT >"$log" 2>&1 &
  run_pid=$!
  set +m
  wait "$run_pid"
  rc=$?
  run_pid=""
  secs=$(( $(date +%s) - start ))
  summary=$(tail -n 1 "$log")
  if [ "$rc" = 0 ]; then
    passed=$((passed + 1))
    printf 'run %2d/%s: passed  %4d s  %s  (load %s)\n' "$i" "$RUNS" "$secs" "$summary" "$(cut -d' ' -f1 /proc/loadavg)"
  else
    printf 'run %2d/%s: FAILED  %4d s  %s  (load %s)\n' "$i" "$RUNS" "$secs" "$summary" "$(cut -d' ' -f1 /proc/loadavg)"
    grep -E '^(FAILED|ERROR) ' "$log" | sed 's/^/    /'
  fi
done
stop_spinners
echo "soak: $passed/$RUNS runs passed (logs in $LOGS/)"
[ "$passed" = "$RUNS" ]
