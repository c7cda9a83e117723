#!/usr/bin/env bash
# Checks scripts/fuzz.sh's reading of a failed fuzz run with a fake `go`
# that answers each call from a script of outcomes: the coordinator's
# deadline flake alone is retried once; a failing input, or the flake
# twice, fails. Run by `make test`.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/go" <<'FAKE'
#!/usr/bin/env bash
n=$(cat "$STATE" 2>/dev/null || echo 0); echo $((n + 1)) >"$STATE"
outcome=$(sed -n "$((n + 1))p" "$OUTCOMES")
case "$outcome" in
pass) echo PASS; exit 0 ;;
flake) printf -- '--- FAIL: FuzzX (5.11s)\n    context deadline exceeded\nFAIL\n'; exit 1 ;;
crash) printf -- '--- FAIL: FuzzX (0.20s)\n    x_test.go:12: bad\n    Failing input written to testdata/fuzz/FuzzX/abc\n    context deadline exceeded\nFAIL\n'; exit 1 ;;
esac
FAKE
chmod +x "$tmp/go"
fail=0
# check NAME WANT_RC WANT_CALLS OUTCOME...: two targets, a and b.
check() {
	local name=$1 rc=$2 calls=$3
	shift 3
	printf '%s\n' "$@" >"$tmp/outcomes"
	rm -f "$tmp/state"
	STATE=$tmp/state OUTCOMES=$tmp/outcomes GO=$tmp/go FUZZTIME=5s "$here/fuzz.sh" a:FuzzX b:FuzzY >/dev/null 2>&1
	local got=$? n
	n=$(cat "$tmp/state")
	if [ "$got" -ne "$rc" ] || [ "$n" -ne "$calls" ]; then
		echo "fuzz.sh $name: exit $got after $n calls; want exit $rc after $calls" >&2
		fail=1
	fi
}
check "all pass" 0 2 pass pass
check "flake, then pass" 0 3 flake pass pass
check "failing input" 1 1 crash
check "flake twice" 1 2 flake flake
exit $fail
