#!/usr/bin/env bash
# The main job on the mock: qualify an A100-80GB against an H100-SXM serving
# Llama-3-8B. For each GPU profile it starts the mock's simulated engine,
# runs the `qualify` scenario against it with the mock's GPU telemetry, then
# writes the qualification report (Markdown, HTML, JSON, CSV, every figure,
# the cost table and the crossover at a stated volume) and prints its path.
#
# Usage: scripts/demo.sh [path/to/inferbench]
# Environment: DEMO_DIR (default demo-runs), DEMO_SCENARIO (default qualify),
# DEMO_TOKENS_PER_DAY (the crossover's volume, default 100000000).
set -euo pipefail
bin=${1:-bin/inferbench}
out=${DEMO_DIR:-demo-runs}
scenario=${DEMO_SCENARIO:-qualify}
volume=${DEMO_TOKENS_PER_DAY:-100000000}
model=llama-3-8b
gpus=(a100-80gb h100-sxm)

stamp=$(date -u +%Y%m%dT%H%M%SZ)
root="$out/qualify-$stamp"
mkdir -p "$root"
began=$SECONDS

mock_pid=""
cleanup() {
	if [ -n "$mock_pid" ]; then
		kill "$mock_pid" 2>/dev/null || true
		wait "$mock_pid" 2>/dev/null || true
	fi
}
trap cleanup EXIT

# step prints a progress line with the time since the demo began.
step() { printf '\n== [%3ds] %s\n' "$((SECONDS - began))" "$*"; }

# start_mock LOG ARGS...: starts `inferbench mock` on a free loopback port
# in this shell (so cleanup can stop it) and sets mock_url once it listens.
start_mock() {
	local log=$1; shift
	"$bin" mock --listen 127.0.0.1:0 "$@" >"$log" 2>&1 &
	mock_pid=$!
	for _ in $(seq 100); do
		mock_url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -n1 || true)
		if [ -n "$mock_url" ]; then
			return 0
		fi
		if ! kill -0 "$mock_pid" 2>/dev/null; then
			break
		fi
		sleep 0.1
	done
	echo "mock did not start:" >&2; cat "$log" >&2; return 1
}

# stop_mock stops the mock and waits for it to exit.
stop_mock() {
	cleanup
	mock_pid=""
}

"$bin" scenarios show "$scenario" >"$root/scenario.yaml" 2>/dev/null || true
n=0
for gpu in "${gpus[@]}"; do
	n=$((n + 1))
	step "[$n/${#gpus[@]}] $gpu: mock engine serving $model, scenario $scenario (a result line per load level)"
	start_mock "$root/mock-$gpu.log" --gpu "$gpu" --model "$model" --seed 1
	# stderr: the live progress and a result line per level as it ends;
	# stdout (the full results table) is kept for the end.
	"$bin" run --scenario "$scenario" --target vllm --url "$mock_url" --model "$model" \
		--gpu-backend mock --out "$root/$gpu" >"$root/table-$gpu.txt"
	stop_mock
done

step "results: requests and throughput per level (full tables: $root/table-*.txt)"
for gpu in "${gpus[@]}"; do
	echo "-- $gpu"
	# the run's header and its per-level table: up to the second blank line
	awk 'NF == 0 { if (++blank == 2) exit } { print }' "$root/table-$gpu.txt"
	grep -E '^capacity at SLO' "$root/table-$gpu.txt" || true
done

step "qualification report: ${gpus[1]} against ${gpus[0]}, crossover at $volume tokens/day"
"$bin" report --out "$root/report" --tokens-per-day "$volume" "$root/${gpus[0]}" "$root/${gpus[1]}" >"$root/report.log"
# each run's capacity line follows its "== NAME (DIR)" header: name it
awk '/^== / { run = $2 } /^capacity at SLO/ { print run " " $0; next } /^(verdict|note|report written)/' "$root/report.log" | grep . || cat "$root/report.log"

step "done"
echo "run directories: $root/${gpus[0]} $root/${gpus[1]} (each with summary.json)"
echo "report:          $root/report/report.html"
echo "                 $root/report/report.md, report.json, levels.csv, plots/*.svg|png"
