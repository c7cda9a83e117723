#!/usr/bin/env bash
# reference-client.sh: inferbench beside a reference client of the field
# (scripts/refclient/): the official OpenAI Node SDK on an OpenAI-compatible
# server, or the official Ollama JavaScript library on Ollama's native API,
# one request at a time, alternating ROUNDS times so that both see the same
# machine. It prints each round's TTFT and TPOT p50/p90 from both clients
# and the mean prompt length in the server's tokens (inferbench's from
# summary.json). Same definitions on both sides
# (docs/design.md); different prompts of about the same length (both unique per
# request, so no prompt cache answers).
#
# Usage: scripts/reference-client.sh [URL [MODEL]]
#   REFCLIENT_CLIENT: openai (the default; inferbench --target llamacpp) or
#   ollama (inferbench --target ollama). With no URL it starts the real
#   servers of scripts/real-servers.sh (built once, cached) and uses the
#   small model on llama-server (openai) or on Ollama (ollama); needs node
#   and npm. REFCLIENT_ROUNDS (3), REFCLIENT_REQUESTS (40),
#   REFCLIENT_MAX_TOKENS (64), REFCLIENT_TARGET: the inferbench --target for
#   URL (default by client).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
rounds=${REFCLIENT_ROUNDS:-3} n=${REFCLIENT_REQUESTS:-40} max=${REFCLIENT_MAX_TOKENS:-64}
client=${REFCLIENT_CLIENT:-openai}
case $client in
openai) kind=${REFCLIENT_TARGET:-llamacpp} urlvar=INFERBENCH_LLAMACPP_SMALL_URL label=openai-node ;;
ollama) kind=${REFCLIENT_TARGET:-ollama} urlvar=INFERBENCH_OLLAMA_URL label=ollama-js ;;
*) echo "reference-client.sh: REFCLIENT_CLIENT=$client: want openai or ollama" >&2; exit 2 ;;
esac
url=${1:-} model=${2:-}
out=$(mktemp -d) started=0
cleanup() {
	rm -rf "$out"
	[ "$started" = 0 ] || scripts/real-servers.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
if [ -z "$url" ]; then
	started=1
	scripts/real-servers.sh start
	url=$(sed -n "s/^$urlvar=//p" "${INFERBENCH_REAL_STATE:-${INFERBENCH_REAL_CACHE:-$HOME/.cache/inferbench-real}/state}/servers.env")
	model=small
fi
: "${model:=mock}"
command -v node >/dev/null && command -v npm >/dev/null || { echo "reference-client.sh: needs node and npm" >&2; exit 2; }
js=${INFERBENCH_REAL_CACHE:-$HOME/.cache/inferbench-real}/refclient
mkdir -p "$js"
cp scripts/refclient/package.json scripts/refclient/bench.mjs "$js/"
(cd "$js" && npm install --no-audit --no-fund --silent >/dev/null)
make -s build
# inferbench sizes its prompts in the server's tokens; 60 random words make a
# prompt of about the same length in the Node client's requests.
row() { node -e 'const [w,f]=process.argv.slice(1);const j=JSON.parse(require("fs").readFileSync(f));const l=j.levels?j.levels[0]:j;const g=(m)=>[m.p50,m.p90].map(x=>x.toFixed(2).padStart(9)).join("");const p=l.lengths?l.lengths.input_mean:l.prompt_tokens_mean;console.log(w.padEnd(22)+g(l.ttft_ms)+g(l.tpot_ms)+p.toFixed(1).padStart(9))' "$@"; }
printf '%-22s%9s%9s%9s%9s%9s\n' ms 'TTFT p50' p90 'TPOT p50' p90 'prompt'
for r in $(seq "$rounds"); do
	node "$js/bench.mjs" "$client" "$url" "$model" "$n" "$max" 60 >"$out/node-$r.json"
	row "round $r $label" "$out/node-$r.json"
	bin/inferbench run --target "$kind" --url "$url" --model "$model" -c 1 -n "$n" --warmup 2 \
		--prompt-tokens 128 --max-tokens "$max" --spread 0 --out "$out/ib-$r" >/dev/null 2>"$out/ib-$r.log" || { cat "$out/ib-$r.log" >&2; exit 1; }
	row "round $r inferbench" "$out/ib-$r/summary.json"
done
