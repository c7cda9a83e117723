#!/usr/bin/env bash
# Runs each fuzz target (package:Target arguments) for FUZZTIME, minimizing
# new inputs for at most FUZZMINIMIZE. Called by `make fuzz`.
#
# A duration FUZZTIME can end in a spurious "--- FAIL ... context deadline
# exceeded" from Go 1.26's fuzz coordinator when the time runs out while a
# worker is mid-call (golang/go#75804, fixed in Go 1.27): nothing failed and no
# input is written. Such a run, and only such a run, is retried once; a second
# one fails. Anything else that fails (a written failing input, a panic, a
# t.Error) fails at once. A count (FUZZTIME=20000x, as CI gives) has no
# deadline and cannot hit the race.
set -uo pipefail
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-60s}
FUZZMINIMIZE=${FUZZMINIMIZE:-2s}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# deadline_flake LOG: true when the failure in LOG is the coordinator's
# shutdown race alone.
deadline_flake() {
	grep -q 'context deadline exceeded' "$1" &&
		! grep -qE 'Failing input written|panic:|_test\.go:[0-9]+:' "$1"
}

for t in "$@"; do
	pkg=${t%%:*} name=${t##*:}
	for try in 1 2; do
		echo "fuzz $pkg $name"
		"$GO" test -run='^$' -fuzz="^$name\$" -fuzztime="$FUZZTIME" \
			-fuzzminimizetime="$FUZZMINIMIZE" "$pkg" 2>&1 | tee "$log"
		rc=${PIPESTATUS[0]}
		[ "$rc" -eq 0 ] && break
		if [ "$try" -eq 1 ] && deadline_flake "$log"; then
			echo "fuzz: $pkg $name: 'context deadline exceeded' with no failing input (golang/go#75804); running it again" >&2
			continue
		fi
		exit "$rc"
	done
done
