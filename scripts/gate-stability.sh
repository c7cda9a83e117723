#!/usr/bin/env bash
# Gate stability (issue #20 item 14): N+1 identical runs of a scenario (default
# nightly) against the fixed-timing mock, one after the other on this machine, and
# `inferbench compare` of each run against the one before: N gates between identical
# servers, which must all pass (exit 0). Prints each gate's exit status and the
# changes of the gated latency metrics, then how many passed.
#
# Usage: scripts/gate-stability.sh [BIN] [N] [SCENARIO]   (defaults bin/inferbench 10 nightly)
# The mock is `inferbench mock` with its default fixed timing (TTFT 50 ms, ITL 10 ms).
set -euo pipefail
bin=${1:-bin/inferbench}
n=${2:-10}
scenario=${3:-nightly}
work=$(mktemp -d)
trap 'kill "$mock_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

"$bin" mock --listen 127.0.0.1:0 >"$work/mock.out" 2>&1 &
mock_pid=$!
for _ in $(seq 50); do
	url=$(sed -n 's/^listening on //p' "$work/mock.out")
	[ -n "$url" ] && break
	sleep 0.1
done
[ -n "$url" ] || { echo "the mock did not start:"; cat "$work/mock.out"; exit 2; }

passed=0
for i in $(seq 0 "$n"); do
	"$bin" run --scenario "$scenario" --target vllm --url "$url" --model m --gpu-backend none \
		--out "$work/run-$i" -q >/dev/null 2>"$work/run-$i.err" || { echo "run $i failed:"; cat "$work/run-$i.err"; exit 2; }
	[ "$i" -eq 0 ] && continue
	rc=0
	"$bin" compare --format json "$work/run-$((i - 1))" "$work/run-$i" >"$work/cmp-$i.json" 2>/dev/null || rc=$?
	changes=$(python3 - "$work/cmp-$i.json" <<'PY' 2>/dev/null || echo "(no json)"
import json, sys
r = json.load(open(sys.argv[1]))
out = []
for row in r.get("rows", []):
    if row.get("metric") in ("ttft_p95", "tpot_p95", "e2e_p95", "output_tokens_per_s"):
        out.append("%s %+.1f%% [%+.1f, %+.1f] %s" % (row["metric"], 100 * row["change"], 100 * row["ci_low"], 100 * row["ci_high"], row["verdict"]))
print("; ".join(out))
PY
)
	echo "gate $i: exit $rc: $changes"
	[ "$rc" -eq 0 ] && passed=$((passed + 1))
done
echo "gate-stability: $passed of $n gates passed (scenario $scenario, $(nproc) cores)"
[ "$passed" -eq "$n" ]
