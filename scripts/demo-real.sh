#!/usr/bin/env bash
# The qualification flow of `make demo`, against two real servers on this CPU instead of the
# mock: llama.cpp's llama-server and Ollama serving the same generated 58 M-parameter llama
# model (tools/ggufgen, "small"), each with 4 parallel sequences. For each it sweeps the
# concurrency 1 → 8 with a TTFT SLO, then writes the qualification report "llama.cpp vs
# Ollama on this CPU" (Markdown, HTML, JSON, CSV, figures) and prints its path.
# Servers come from scripts/real-servers.sh (the first run builds them, ~10-15 min; cached).
#
# Usage: scripts/demo-real.sh [path/to/inferbench]
# Environment: DEMO_DIR (default demo-runs), DEMO_REQUESTS (measured requests per level, default 24).
set -euo pipefail
bin=${1:-bin/inferbench}
out=${DEMO_DIR:-demo-runs}
requests=${DEMO_REQUESTS:-24}
cd "$(dirname "$0")/.."
state=${INFERBENCH_REAL_STATE:-$HOME/.cache/inferbench-real/state}

stamp=$(date -u +%Y%m%dT%H%M%SZ)
root="$out/real-$stamp"
mkdir -p "$root"
began=$SECONDS
step() { printf '\n== [%3ds] %s\n' "$((SECONDS - began))" "$*"; }

trap 'scripts/real-servers.sh stop >/dev/null 2>&1 || true' EXIT
step "provisioning and starting llama-server and Ollama on 127.0.0.1 (cached builds)"
scripts/real-servers.sh start
set -a
# shellcheck disable=SC1091
. "$state/servers.env"
set +a

# Same workload on both: raw-prompt completions, 32-token prompts, 64 output tokens
# (the model never emits EOS), concurrency 1, 2, 4, 8; capacity at TTFT p95 <= 1 s.
common=(--model small --api completions --sweep 1,2,4,8 -n "$requests" --warmup 2
	--max-tokens 64 --prompt-tokens 32 --slo-ttft 1s --gpu-backend none --quiet)

step "[1/2] llama-server $INFERBENCH_LLAMACPP_VERSION (-np 4): sweep 1 → 8"
"$bin" run --target llamacpp --url "$INFERBENCH_LLAMACPP_SMALL_URL" "${common[@]}" --out "$root/llama.cpp"
step "[2/2] ollama $INFERBENCH_OLLAMA_VERSION (OLLAMA_NUM_PARALLEL=4): sweep 1 → 8"
"$bin" run --target ollama --url "$INFERBENCH_OLLAMA_URL" "${common[@]}" --out "$root/ollama"
scripts/real-servers.sh stop

step "qualification report: Ollama against llama.cpp, same model, this CPU"
"$bin" report --out "$root/report" "$root/llama.cpp" "$root/ollama" | tee "$root/report.log"

step "done"
echo "run directories: $root/llama.cpp $root/ollama (each with summary.json; requests.jsonl has the servers' own timings)"
echo "report:          $root/report/report.html"
echo "                 $root/report/report.md, report.json, levels.csv, plots/*.svg|png"
