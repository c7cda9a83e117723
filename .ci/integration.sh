#!/usr/bin/env bash
# CI: the integration tests against real LLM servers on this CPU (issue #13):
# llama.cpp's llama-server and Ollama, built once and cached per version under
# ~/.cache/inferbench-real, serving tiny models from tools/ggufgen. Run after `make test`.
#
# Time budget (issue #20 item 26). CI has 90 minutes; this script's share is what the
# rest leaves under ~80: make test ~10 min, make fuzz ~5, installing chromium and
# PostgreSQL ~3, starting the servers ≤ 2, the tests ≤ 6 (their timeout) → the cold build
# is capped at 45 min (2700 s). A cold build took 31 min on a loaded 2-core box when the
# two ran one after the other (llama-server 10, Ollama 21); after fetching the llama.cpp
# source both need, they now build in parallel (INFERBENCH_INTEGRATION_PARALLEL=0 for one
# after the other), which overlaps Ollama's module downloads with llama-server's compile.
# A warm cache takes seconds.
#
# NOT RUN fails CI: when provisioning fails or runs past its cap, the tests did not run,
# and that is a failure of the project (a build that broke, a cap too small) unless the
# cause is outside it: a registry the build needs (npm, the Go module proxy, Debian for
# cmake) does not answer. Then the script names the registry and exits 0, unless
# INFERBENCH_INTEGRATION_STRICT=1 (what `make test-integration` sets) asks for 1 anyway.
# Once the servers are built, the tests run and pass or fail honestly; a server that
# does not start with the generated models is a failure too.
#
# Environment: INFERBENCH_INTEGRATION_BUILD_TIMEOUT (s, default 2700),
# INFERBENCH_INTEGRATION_TEST_TIMEOUT (go test -timeout, default 6m),
# INFERBENCH_INTEGRATION_PARALLEL (default 1). For .ci/integration_selftest.sh:
# INFERBENCH_INTEGRATION_SERVERS (default scripts/real-servers.sh),
# INFERBENCH_INTEGRATION_PROBE (a command taking a URL, exit 0 when it answers; default curl),
# INFERBENCH_INTEGRATION_GO (default go).
set -uo pipefail
cd "$(dirname "$0")/.."
build_cap=${INFERBENCH_INTEGRATION_BUILD_TIMEOUT:-2700}
test_cap=${INFERBENCH_INTEGRATION_TEST_TIMEOUT:-6m}
strict=${INFERBENCH_INTEGRATION_STRICT:-0}
parallel=${INFERBENCH_INTEGRATION_PARALLEL:-1}
servers=${INFERBENCH_INTEGRATION_SERVERS:-scripts/real-servers.sh}
probe=${INFERBENCH_INTEGRATION_PROBE:-probe_url}
gocmd=${INFERBENCH_INTEGRATION_GO:-go}
began=$SECONDS

say() { printf '[integration %4ds] %s\n' "$((SECONDS - began))" "$*"; }

stop_servers() { "$servers" stop >/dev/null 2>&1 || true; }
trap stop_servers EXIT
trap 'exit 143' TERM INT

# probe_url exits 0 when url answers HTTP at all (any status): the registry is reachable.
probe_url() {
	if command -v curl >/dev/null; then
		curl -sS -m 15 -o /dev/null "$1" 2>/dev/null
		return
	fi
	local hostport=${1#*://}
	hostport=${hostport%%/*}
	timeout 15 bash -c "exec 3<>/dev/tcp/${hostport%%:*}/443" 2>/dev/null
}

# registries lists the registries the build fetches from, as "name url" lines.
registries() {
	local goproxy=${GOPROXY:-https://proxy.golang.org}
	goproxy=${goproxy%%,*}
	case $goproxy in http://* | https://*) ;; *) goproxy=https://proxy.golang.org ;; esac
	echo "npm https://registry.npmjs.org/node-llama-cpp"
	echo "go-module-proxy ${goproxy%/}/github.com/ollama/ollama/@v/list"
	command -v cmake >/dev/null || echo "debian http://deb.debian.org/debian/dists/"
}

# unreachable prints the registries that do not answer, one per line.
unreachable() {
	local name url
	while read -r name url; do
		"$probe" "$url" || echo "$name ($url)"
	done < <(registries)
}

# build runs the build under the cap: the shared source, then both servers, in
# parallel unless told otherwise. Exit status 124 means over the cap.
build() {
	local deadline=$((SECONDS + build_cap)) rc
	if [ "$parallel" != 1 ]; then
		timeout -k 30 "$build_cap" "$servers" build
		return
	fi
	timeout -k 30 "$build_cap" "$servers" source || return
	local left=$((deadline - SECONDS))
	[ "$left" -gt 0 ] || return 124
	timeout -k 30 "$left" "$servers" build-llama &
	local p1=$!
	timeout -k 30 "$left" "$servers" build-ollama &
	local p2=$!
	wait "$p1"
	rc=$?
	local rc2=0
	wait "$p2" || rc2=$?
	[ "$rc" -ne 0 ] && return "$rc"
	return "$rc2"
}

not_run() {
	local rc=$1 down
	down=$(unreachable)
	local why="provisioning the real servers failed (exit $rc after $((SECONDS - began)) s; 124 means over the ${build_cap} s cap)"
	if [ -n "$down" ]; then
		cat <<EOF

############################################################################
##  INTEGRATION TESTS NOT RUN: $why.
##  Cause outside the project: these registries do not answer:
$(printf '%s\n' "$down" | sed 's/^/##    /')
##  The next run resumes from what was built.
############################################################################

EOF
		if [ "$strict" = 1 ]; then exit 1; fi
		exit 0
	fi
	cat <<EOF

############################################################################
##  INTEGRATION TESTS NOT RUN: $why.
##  Every registry the build needs answers, so the cause is in the project
##  (a build that broke, or a cap too small): this fails CI. See the output
##  above and the build logs under ${INFERBENCH_REAL_CACHE:-$HOME/.cache/inferbench-real}/*/ .
############################################################################

EOF
	exit 1
}

say "provisioning llama-server and Ollama (cached after the first run; cap ${build_cap}s, parallel=$parallel)"
build
rc=$?
[ "$rc" -eq 0 ] || not_run "$rc"
say "provisioned"

if ! timeout -k 10 120 "$servers" start; then
	say "FAILED: the servers did not start with the generated models; logs:"
	tail -n 20 "${INFERBENCH_REAL_STATE:-$HOME/.cache/inferbench-real/state}"/*.log 2>/dev/null
	exit 1
fi
env_file=${INFERBENCH_REAL_STATE:-$HOME/.cache/inferbench-real/state}/servers.env
set -a
# shellcheck disable=SC1090
. "$env_file"
set +a
say "servers up: llama-server ${INFERBENCH_LLAMACPP_VERSION:-?}, ollama ${INFERBENCH_OLLAMA_VERSION:-?}"

"$gocmd" test -tags integration -count=1 -timeout "$test_cap" -v ./integration/
rc=$?
say "integration tests exit $rc"
exit "$rc"
