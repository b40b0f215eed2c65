#!/bin/bash
# The whole demo's CPU time, for two checkouts one after the other (the baseline first), each in
# a fresh data folder whose migrated template is made before the timed run:
#
#   bash bench/demo_time.sh /path/to/baseline/checkout /path/to/changed/checkout
#
# Prints user CPU, wall and peak memory of each `kopdes demo --no-serve`, and the ratio.
set -euo pipefail
export UV_PYTHON_DOWNLOADS=never
results=()
for tree in "$@"; do
    data=$(mktemp -d /tmp/kopdes-demo-time.XXXXXX)
    (cd "$tree" && KOPDES_DATA_DIR=$data uv run kopdes demo --no-serve --limit 0 > "$data/prep.log" 2>&1)
    rm -f "$data"/kopdes.sqlite3*
    (cd "$tree" && KOPDES_DATA_DIR=$data /usr/bin/time -f "%U %e %M" -o "$data/time.txt" \
        uv run kopdes demo --no-serve > "$data/out.log" 2>&1)
    read -r user wall rss < "$data/time.txt"
    echo "$tree: ${user} s user CPU, ${wall} s wall, $((rss / 1024)) MB peak"
    results+=("$user")
    rm -rf "$data"
done
if [ "${#results[@]}" -ge 2 ]; then
    python3 -c "import sys; a, b = map(float, sys.argv[1:3]); print(f'ratio {b / a:.2f} (second / first)')" "${results[0]}" "${results[1]}"
fi
