#!/usr/bin/env bash
# Real LLM servers on this CPU for the integration tests and `make demo-real`:
# llama.cpp's llama-server and Ollama, serving tiny llama models that
# tools/ggufgen generates. Recipes, versions and quirks:
# docs/notes/real-servers.md (§1 llama-server, §3 Ollama).
#
# Usage:
#   scripts/real-servers.sh provision   build (or find cached) binaries, generate the models
#   scripts/real-servers.sh start       provision, then start both servers on free 127.0.0.1 ports
#   scripts/real-servers.sh stop        stop the servers that `start` started (by PID)
#   scripts/real-servers.sh env         print the environment file of the running servers
#   scripts/real-servers.sh source|build-llama|build-ollama   one step of the build (.ci/integration.sh
#                                       runs the two builds in parallel after the shared source)
#
# Binaries are cached under $INFERBENCH_REAL_CACHE (default ~/.cache/inferbench-real) in one
# folder per name and version (llama-server-<node-llama-cpp version>, ollama-<version>), so a
# second run on the same machine takes seconds. Builds run under `nice`.
#
# `start` writes $INFERBENCH_REAL_STATE/servers.env (default $cache/state; PIDs and logs beside it):
#   INFERBENCH_LLAMACPP_URL        llama-server, tiny model, 8 slots
#   INFERBENCH_LLAMACPP_SMALL_URL  llama-server, small model, 4 slots
#   INFERBENCH_LLAMACPP_ANY_URL    llama-server, tiny model without the no-EOS trick, 2 slots
#   INFERBENCH_OLLAMA_URL          ollama serve (OLLAMA_NUM_PARALLEL=4), models "tiny" and "small"
#   INFERBENCH_REAL_MODELS, INFERBENCH_LLAMACPP_VERSION, INFERBENCH_OLLAMA_VERSION
set -euo pipefail

LLAMA_NPM_VERSION=${LLAMA_NPM_VERSION:-3.22.1} # node-llama-cpp: llama.cpp tag v0.5.0 (notes §1; 3.21.1 truncates streams, §4.2)
OLLAMA_VERSION=${OLLAMA_VERSION:-0.17.4}
cache=${INFERBENCH_REAL_CACHE:-$HOME/.cache/inferbench-real}
state=${INFERBENCH_REAL_STATE:-$cache/state}
root=$(cd "$(dirname "$0")/.." && pwd)
nice_cmd=(nice -n 15)

llama_dir=$cache/llama-server-$LLAMA_NPM_VERSION
ollama_dir=$cache/ollama-$OLLAMA_VERSION
models=$cache/models

log() { printf '[real-servers %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# need_cmake installs Debian's cmake when it is missing (root or sudo).
need_cmake() {
	command -v cmake >/dev/null && return 0
	log "installing cmake from Debian"
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq >/dev/null
	$sudo apt-get install -y -qq --no-install-recommends cmake >/dev/null
}

# llama_source clones the llama.cpp tree that node-llama-cpp's npm tarball carries as a git
# bundle into $llama_dir/src (kept: the model generator reads its vocab GGUF, Ollama's cgo
# build its vendor/ headers).
llama_source() {
	[ -f "$llama_dir/src/.done" ] && return 0
	rm -rf "$llama_dir/src" "$llama_dir/tmp"
	mkdir -p "$llama_dir/tmp"
	log "fetching node-llama-cpp@$LLAMA_NPM_VERSION (llama.cpp source bundle)"
	(cd "$llama_dir/tmp" && npm pack --loglevel=error "node-llama-cpp@$LLAMA_NPM_VERSION" >/dev/null &&
		tar xzf "node-llama-cpp-$LLAMA_NPM_VERSION.tgz" package/llama/gitRelease.bundle package/llama/llama.cpp.info.json)
	git -c advice.detachedHead=false clone -q "$llama_dir/tmp/package/llama/gitRelease.bundle" "$llama_dir/src"
	cp "$llama_dir/tmp/package/llama/llama.cpp.info.json" "$llama_dir/src/"
	rm -rf "$llama_dir/tmp" "$llama_dir/src/.git"
	touch "$llama_dir/src/.done"
}

# build_llama builds llama-server with the notes' flags (no web UI download, no OpenSSL,
# static, native CPU) into $llama_dir/llama-server.
build_llama() {
	[ -x "$llama_dir/llama-server" ] && return 0
	need_cmake
	llama_source
	log "building llama-server (node-llama-cpp@$LLAMA_NPM_VERSION; ~5 min on 2 cores)"
	local b=$llama_dir/build # kept until the binary is copied: a build cut short resumes
	"${nice_cmd[@]}" cmake -S "$llama_dir/src" -B "$b" -DCMAKE_BUILD_TYPE=Release \
		-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
		-DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_UI=OFF \
		-DLLAMA_OPENSSL=OFF -DBUILD_SHARED_LIBS=OFF -DGGML_NATIVE=ON >"$llama_dir/cmake.log" 2>&1 ||
		{ tail -20 "$llama_dir/cmake.log" >&2; return 1; }
	"${nice_cmd[@]}" cmake --build "$b" --target llama-server -j"$(nproc)" >"$llama_dir/build.log" 2>&1 ||
		{ tail -40 "$llama_dir/build.log" >&2; return 1; }
	cp "$b/bin/llama-server" "$llama_dir/llama-server.tmp"
	mv "$llama_dir/llama-server.tmp" "$llama_dir/llama-server"
	rm -rf "$b"
	"$llama_dir/llama-server" --version 2>&1 | grep -i version >&2 || true
}

# build_ollama builds Ollama from the Go module proxy. The module zip has no vendor/
# folders, so cgo gets the headers (nlohmann, miniaudio, stb) from the llama.cpp tree
# (notes §3); -march=native gives ggml its SIMD (4x faster). AMX is left out: on a CPU
# that has it (Sapphire Rapids and later) -march=native defines __AMX_INT8__, and ggml-cpu
# then calls ggml_backend_amx_buffer_type, whose file (ggml-cpu/amx/) go build never
# compiles: the link failed with "undefined reference to ggml_backend_amx_buffer_type()".
build_ollama() {
	[ -x "$ollama_dir/ollama" ] && return 0
	llama_source
	log "building ollama v$OLLAMA_VERSION from the Go module proxy (~3-6 min on 2 cores)"
	mkdir -p "$ollama_dir"
	local noamx="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
	(cd "$ollama_dir" &&
		GOFLAGS=-modcacherw GOBIN="$ollama_dir/bin" \
			CGO_ENABLED=1 \
			CGO_CPPFLAGS="-I$llama_dir/src/vendor" \
			CGO_CFLAGS="-O3 -march=native $noamx" CGO_CXXFLAGS="-O3 -march=native $noamx" \
			"${nice_cmd[@]}" go install \
			-ldflags "-X github.com/ollama/ollama/version.Version=$OLLAMA_VERSION" \
			"github.com/ollama/ollama@v$OLLAMA_VERSION") >"$ollama_dir/build.log" 2>&1 ||
		{ tail -40 "$ollama_dir/build.log" >&2; return 1; }
	mv "$ollama_dir/bin/ollama" "$ollama_dir/ollama"
	rmdir "$ollama_dir/bin" 2>/dev/null || true
}

# gen_models writes the models with tools/ggufgen (deterministic: same bytes every run).
gen_models() {
	llama_source
	mkdir -p "$models"
	local vocab=$llama_dir/src/models/ggml-vocab-llama-spm.gguf
	local gen=$models/.ggufgen
	(cd "$root" && go build -o "$gen" ./tools/ggufgen)
	"$gen" -vocab "$vocab" -size tiny -out "$models/tiny.gguf"
	"$gen" -vocab "$vocab" -size tiny -any-token -out "$models/tiny-any.gguf"
	"$gen" -vocab "$vocab" -size small -out "$models/small.gguf"
}

provision() {
	mkdir -p "$cache"
	local t0=$SECONDS
	build_llama
	build_ollama
	gen_models
	log "provisioned in $((SECONDS - t0)) s: $llama_dir/llama-server, $ollama_dir/ollama, $models"
}

# free_port prints a free TCP port on 127.0.0.1 (the kernel picks it).
free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
		echo $((20000 + RANDOM % 20000))
}

# wait_http URL PID NAME: waits up to 60 s for URL to answer 200 while PID lives.
wait_http() {
	local url=$1 pid=$2 name=$3
	for _ in $(seq 600); do
		if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
		kill -0 "$pid" 2>/dev/null || { log "$name exited"; return 1; }
		sleep 0.1
	done
	log "$name did not answer $url"
	return 1
}

# start_llama NAME MODEL SLOTS: starts llama-server on a free port with SLOTS parallel slots
# (continuous batching is on by default) of 2048 tokens of context each; sets port_NAME.
start_llama() {
	local name=$1 model=$2 np=$3 port
	port=$(free_port)
	"$llama_dir/llama-server" -m "$models/$model.gguf" --host 127.0.0.1 --port "$port" \
		-np "$np" -c $((np * 2048)) -t "$(nproc)" --no-webui --metrics -a "$model" >"$state/$name.log" 2>&1 &
	echo $! >"$state/$name.pid"
	wait_http "http://127.0.0.1:$port/health" "$!" "$name"
	printf -v "port_${name//-/_}" '%s' "$port"
}

start() {
	provision
	stop 2>/dev/null || true
	mkdir -p "$state"
	# tiny, 8 slots: functional tests and the harness-overhead check at concurrency 8 (no
	# server-side queueing); small, 4 slots: the sweep 1→4→8 shows batching, then queueing;
	# tiny-any: the model without the no-EOS trick (notes §4.2).
	start_llama llama-tiny tiny 8
	start_llama llama-small small 4
	start_llama llama-any tiny-any 2
	local op
	op=$(free_port)
	mkdir -p "$state/ollama-models" "$state/ollama-home"
	OLLAMA_HOST=127.0.0.1:$op OLLAMA_MODELS=$state/ollama-models HOME=$state/ollama-home \
		OLLAMA_NUM_PARALLEL=4 OLLAMA_KEEP_ALIVE=-1 OLLAMA_MAX_LOADED_MODELS=2 \
		"$ollama_dir/ollama" serve >"$state/ollama.log" 2>&1 &
	echo $! >"$state/ollama.pid"
	wait_http "http://127.0.0.1:$op/" "$!" ollama
	local m
	for m in tiny small; do
		printf 'FROM %s\nTEMPLATE """{{ .Prompt }}"""\n' "$models/$m.gguf" >"$state/Modelfile.$m"
		OLLAMA_HOST=127.0.0.1:$op HOME=$state/ollama-home \
			"$ollama_dir/ollama" create "$m" -f "$state/Modelfile.$m" >>"$state/ollama-create.log" 2>&1 ||
			{ log "ollama create $m failed"; tail -5 "$state/ollama-create.log" >&2; return 1; }
	done
	cat >"$state/servers.env" <<EOF
INFERBENCH_LLAMACPP_URL=http://127.0.0.1:$port_llama_tiny
INFERBENCH_LLAMACPP_SMALL_URL=http://127.0.0.1:$port_llama_small
INFERBENCH_LLAMACPP_ANY_URL=http://127.0.0.1:$port_llama_any
INFERBENCH_OLLAMA_URL=http://127.0.0.1:$op
INFERBENCH_REAL_MODELS=$models
INFERBENCH_LLAMACPP_VERSION="$("$llama_dir/llama-server" --version 2>&1 | sed -n 's/^version: //p' | head -n1) $(sed -n 's/.*"tag": "\(.*\)".*/\1/p' "$llama_dir/src/llama.cpp.info.json")"
INFERBENCH_OLLAMA_VERSION=$OLLAMA_VERSION
EOF
	log "servers up: $(tr '\n' ' ' <"$state/servers.env")"
}

stop() {
	local f pid
	for f in "$state"/*.pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		if kill -0 "$pid" 2>/dev/null; then
			kill "$pid" 2>/dev/null || true
			for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
			kill -9 "$pid" 2>/dev/null || true
		fi
		rm -f "$f"
	done
	rm -f "$state/servers.env"
}

case ${1:-} in
provision) provision ;;
start) start ;;
stop) stop ;;
env) cat "$state/servers.env" ;;
build)
	build_llama
	build_ollama
	;;
source) mkdir -p "$cache" && llama_source ;;
build-llama) mkdir -p "$cache" && build_llama ;;
build-ollama) mkdir -p "$cache" && build_ollama ;;
*) echo "usage: $0 provision|start|stop|env|build|source|build-llama|build-ollama" >&2; exit 2 ;;
esac
