#!/usr/bin/env bash
# Self-test of .ci/integration.sh's logic with stubs (run by `make test`): no
# server is built. The stubs stand in for scripts/real-servers.sh, the registry
# probe and `go test`; each case sets how they behave and checks the exit status
# and what the script says:
#   - a failed build with every registry answering fails CI (NOT RUN, exit 1);
#   - a failed build with a registry down names it and passes (exit 0), or fails
#     under INFERBENCH_INTEGRATION_STRICT=1;
#   - a build past its cap fails CI and says 124;
#   - the two servers build in parallel after the shared source, and one after the
#     other with INFERBENCH_INTEGRATION_PARALLEL=0;
#   - once built, the tests' exit status is the script's.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

# The stub of scripts/real-servers.sh: STUB_FAIL names a step that fails,
# STUB_SLEEP a step that sleeps 5 s; every call is logged with its start time.
cat >"$tmp/servers" <<'EOF'
#!/usr/bin/env bash
echo "$1 start $(date +%s%N)" >>"$STUB_LOG"
[ "${STUB_SLEEP:-}" = "$1" ] && sleep 5
[ "${STUB_FAIL:-}" = "$1" ] && { echo "stub: $1 failed" >&2; exit 1; }
if [ "$1" = start ]; then
	mkdir -p "$INFERBENCH_REAL_STATE"
	echo "INFERBENCH_LLAMACPP_VERSION=stub" >"$INFERBENCH_REAL_STATE/servers.env"
fi
[ "$1" = build-llama ] || [ "$1" = build-ollama ] && sleep 1
echo "$1 end $(date +%s%N)" >>"$STUB_LOG"
exit 0
EOF
# The probe stub: STUB_DOWN is a substring of the URLs that do not answer.
cat >"$tmp/probe" <<'EOF'
#!/usr/bin/env bash
[ -n "${STUB_DOWN:-}" ] && [[ $1 == *"$STUB_DOWN"* ]] && exit 7
exit 0
EOF
# The go stub: exits STUB_TEST_RC.
cat >"$tmp/go" <<'EOF'
#!/usr/bin/env bash
echo "go $*" >>"$STUB_LOG"
exit "${STUB_TEST_RC:-0}"
EOF
chmod +x "$tmp/servers" "$tmp/probe" "$tmp/go"

# check NAME WANT_RC WANT_TEXT [VAR=VALUE ...]: runs integration.sh with the stubs
# and the variables given, and checks its exit status and that its output holds
# WANT_TEXT.
check() {
	local name=$1 want_rc=$2 want_text=$3
	shift 3
	: >"$tmp/log"
	local out rc
	out=$(env STUB_LOG="$tmp/log" INFERBENCH_REAL_STATE="$tmp/state" INFERBENCH_REAL_CACHE="$tmp/cache" \
		INFERBENCH_INTEGRATION_SERVERS="$tmp/servers" INFERBENCH_INTEGRATION_PROBE="$tmp/probe" \
		INFERBENCH_INTEGRATION_GO="$tmp/go" INFERBENCH_INTEGRATION_STRICT=0 "$@" \
		"$root/.ci/integration.sh" 2>&1)
	rc=$?
	if [ "$rc" -ne "$want_rc" ] || [[ $out != *"$want_text"* ]]; then
		echo "FAIL $name: exit $rc (want $want_rc), output should hold \"$want_text\":"
		printf '%s\n' "$out" | sed 's/^/    /'
		fails=$((fails + 1))
		return 1
	fi
	echo "ok   $name"
}

check "build fails, registries answer: NOT RUN fails CI" 1 "the cause is in the project" STUB_FAIL=build-ollama
check "build fails, npm down: NOT RUN names it, CI passes" 0 "npm (https://registry.npmjs.org" STUB_FAIL=source STUB_DOWN=registry.npmjs.org
check "registry down under STRICT=1 fails" 1 "INTEGRATION TESTS NOT RUN" STUB_FAIL=source STUB_DOWN=proxy.golang.org INFERBENCH_INTEGRATION_STRICT=1
check "build past its cap fails CI, says 124" 1 "exit 124" STUB_SLEEP=build-llama INFERBENCH_INTEGRATION_BUILD_TIMEOUT=2
check "build and tests pass" 0 "integration tests exit 0"
# The two builds overlap: build-ollama starts before build-llama ends, after the source.
order=$(awk '{print $1 "-" $2}' "$tmp/log" | tr '\n' ' ')
ll_end=$(awk '$1=="build-llama" && $2=="end" {print $3}' "$tmp/log")
ol_start=$(awk '$1=="build-ollama" && $2=="start" {print $3}' "$tmp/log")
if [[ $order != "source-start source-end "* ]] || [ -z "$ll_end" ] || [ -z "$ol_start" ] || [ "$ol_start" -ge "$ll_end" ]; then
	echo "FAIL parallel builds: calls $order"
	fails=$((fails + 1))
else
	echo "ok   the builds run in parallel after the source ($order)"
fi
check "sequential build on request" 0 "integration tests exit 0" INFERBENCH_INTEGRATION_PARALLEL=0
if ! grep -q '^build start' "$tmp/log" || grep -q '^build-llama' "$tmp/log"; then
	echo "FAIL sequential build: calls $(awk '{print $1}' "$tmp/log" | tr '\n' ' ')"
	fails=$((fails + 1))
fi
check "tests fail: CI fails" 3 "integration tests exit 3" STUB_TEST_RC=3
check "servers do not start: CI fails" 1 "did not start" STUB_FAIL=start

if [ "$fails" -ne 0 ]; then
	echo "integration_selftest: $fails case(s) failed"
	exit 1
fi
echo "integration_selftest: ok"
