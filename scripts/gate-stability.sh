#!/usr/bin/env bash
# Gate stability (issue #20 item 14, docs/gating.md): identical runs of a scenario
# (default nightly) against the fixed-timing mock, one after the other on this machine,
# each gated by `inferbench compare`: N gates between identical servers, which must all
# pass (exit 0). Prints each gate's exit status and the changes of the gated metrics,
# then how many passed.
#
# Usage: scripts/gate-stability.sh [BIN] [N] [SCENARIO]   (defaults bin/inferbench 10 nightly)
# Environment:
#   GATE=run      (default) N+1 runs, each compared with the one before (compare A B)
#   GATE=history  3 runs seed a SQLite history, then N runs, each gated with
#                 --baseline history:median-of-7 (the prediction interval) and added when it passed
#   MOCK_ARGS     flags of `inferbench mock` (default: its fixed timing, TTFT 50 ms, ITL 10 ms;
#                 "--itl 1ms" makes each run ~10x shorter with the same TTFT)
set -euo pipefail
bin=${1:-bin/inferbench}
n=${2:-10}
scenario=${3:-nightly}
gate=${GATE:-run}
work=$(mktemp -d)
mock_pid=
trap '[ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null; rm -rf "$work"' EXIT

# shellcheck disable=SC2086
"$bin" mock --listen 127.0.0.1:0 ${MOCK_ARGS:-} >"$work/mock.out" 2>&1 &
mock_pid=$!
url=
for _ in $(seq 100); do
	url=$(sed -n 's/^listening on //p' "$work/mock.out")
	[ -n "$url" ] && break
	sleep 0.1
done
[ -n "$url" ] || { echo "the mock did not start:"; cat "$work/mock.out"; exit 2; }
export INFERBENCH_STORE=$work/history.db

# run makes run $1; exit 1 (an SLO missed: a busy machine) still leaves a run to gate.
run() {
	local rc=0
	"$bin" run --scenario "$scenario" --target vllm --url "$url" --model m --gpu-backend none \
		--out "$work/run-$1" -q >/dev/null 2>"$work/run-$1.err" || rc=$?
	[ "$rc" -le 1 ] || { echo "run $1 failed:"; cat "$work/run-$1.err"; exit 2; }
	[ "$rc" -eq 0 ] || echo "run $1: $(tail -1 "$work/run-$1.err")"
}

# changes prints the gated rows of a compare --format json file.
changes() {
	python3 - "$1" <<'PY' 2>/dev/null || echo "(no json)"
import json, sys
r = json.load(open(sys.argv[1]))
out = []
for row in r.get("rows", []):
    if row.get("metric") in ("ttft_p50", "ttft_p90", "ttft_p95", "tpot_p95", "e2e_p95", "output_tokens_per_s"):
        out.append("%s %+.1f%% [%+.1f, %+.1f] %s" % (row["metric"], 100 * row["change"],
            100 * (row["ci_low"] or 0), 100 * (row["ci_high"] or 0), row["verdict"]))
print("; ".join(out))
PY
}

passed=0
first=1
if [ "$gate" = history ]; then
	for i in 0 1 2; do
		run "seed-$i"
		"$bin" history add "$work/run-seed-$i" >/dev/null
	done
fi
for i in $(seq $((first - 1)) "$n"); do
	if [ "$gate" = run ] && [ "$i" -eq 0 ]; then
		run 0
		continue
	fi
	[ "$i" -eq 0 ] && continue
	run "$i"
	rc=0
	if [ "$gate" = history ]; then
		"$bin" compare --format json --baseline history:median-of-7 "$work/run-$i" >"$work/cmp-$i.json" 2>"$work/cmp-$i.err" || rc=$?
		# as README's nightly job: only a run that passed joins the history
		[ "$rc" -eq 0 ] && "$bin" history add "$work/run-$i" >/dev/null
	else
		"$bin" compare --format json "$work/run-$((i - 1))" "$work/run-$i" >"$work/cmp-$i.json" 2>"$work/cmp-$i.err" || rc=$?
	fi
	echo "gate $i: exit $rc: $(changes "$work/cmp-$i.json") $(head -c 300 "$work/cmp-$i.err")"
	[ "$rc" -eq 0 ] && passed=$((passed + 1))
done
echo "gate-stability: $passed of $n gates passed (GATE=$gate, scenario $scenario, mock ${MOCK_ARGS:-defaults}, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
[ "$passed" -eq "$n" ]
