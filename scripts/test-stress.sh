#!/usr/bin/env bash
# The whole jest suite, three times in a row, while two CPU-bound processes keep the machine busy:
# proof that no test depends on the machine being idle. Prints each run's wall time; exits non-zero
# at the first red run. Usage: npm run test:stress [-- RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"

burners=()
stop_burners() { for pid in "${burners[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap stop_burners EXIT INT TERM
for _ in 1 2; do
  node -e 'for (;;) Math.sqrt(Math.random());' &
  burners+=("$!")
done

npm run build --silent
for run in $(seq 1 "$runs"); do
  started=$(date +%s)
  if ! npm run jest --silent -- --silent >"/tmp/tollgate-stress-$run.log" 2>&1; then
    echo "run $run/$runs: FAILED after $(($(date +%s) - started)) s (log: /tmp/tollgate-stress-$run.log)"
    grep -E "(FAIL|Tests:)" "/tmp/tollgate-stress-$run.log" || true
    exit 1
  fi
  echo "run $run/$runs: green in $(($(date +%s) - started)) s ($(grep -E 'Tests:' "/tmp/tollgate-stress-$run.log"))"
done
