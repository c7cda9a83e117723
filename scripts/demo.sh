#!/usr/bin/env bash
# The main job on the mock: start the simulated server, benchmark it, print
# the results table and leave the run directory under $DEMO_DIR.
# Usage: scripts/demo.sh [path/to/inferbench]
set -euo pipefail
bin=${1:-bin/inferbench}
out=${DEMO_DIR:-demo-runs}
mkdir -p "$out"
stamp=$(date -u +%Y%m%dT%H%M%SZ)

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# start_mock LOG ARGS...: starts `inferbench mock` on a free loopback port and
# prints its URL once it listens.
start_mock() {
	local log=$1; shift
	"$bin" mock --listen 127.0.0.1:0 "$@" >"$log" 2>&1 &
	pids+=($!)
	for _ in $(seq 100); do
		if url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -n1) && [ -n "$url" ]; then
			echo "$url"; return 0
		fi
		sleep 0.1
	done
	echo "mock did not start:" >&2; cat "$log" >&2; return 1
}

url=$(start_mock "$out/mock-$stamp.log" --ttft 50ms --itl 10ms --output-tokens 64)
run="$out/fixed-$stamp"
echo "== mock (fixed timing: TTFT 50 ms, ITL 10 ms, 64 tokens) at $url"
"$bin" run --target vllm --url "$url" --model demo-model --concurrency 16 --requests 200 --warmup 16 \
	--max-tokens 64 --prompt-tokens 128 --slo-ttft 200ms --out "$run"
echo
echo "run directory: $run"
ls -l "$run"
