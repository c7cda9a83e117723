#!/usr/bin/env bash
# gpu-run-check.sh — a whole `inferbench run` with NVML telemetry on a
# machine with one NVIDIA GPU: the mock serves the requests on loopback while
# a bf16 matmul loads the GPU, so gpu.jsonl, the summary's GPU figures and
# the table can be checked against nvidia-smi sampled over the same time.
# Reads the GPU only; changes no setting. Needs bin/inferbench-nvml (make
# build-nvml) and OUT (an output folder).
set -uo pipefail
IB=${IB:-bin/inferbench-nvml}
OUT=${OUT:?set OUT}
mkdir -p "$OUT"
python3 - 45 >"$OUT/load.log" 2>&1 <<'PY' &
import sys, time, torch
a = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
b = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
torch.cuda.synchronize(); print("ready", flush=True)
end, n = time.time() + float(sys.argv[1]), 0
while time.time() < end:
    for _ in range(20): c = a @ b
    torch.cuda.synchronize(); n += 20
print(f"done: {n} matmuls", flush=True)
PY
LOAD=$!
for _ in $(seq 60); do grep -q ready "$OUT/load.log" 2>/dev/null && break; sleep 0.5; done
"$IB" mock --listen 127.0.0.1:0 --ttft 50ms --itl 10ms --output-tokens 64 >"$OUT/mock.log" 2>&1 &
MOCK=$!
for _ in $(seq 50); do URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$OUT/mock.log" | head -n1); [ -n "$URL" ] && break; sleep 0.1; done
nvidia-smi --query-gpu=timestamp,utilization.gpu,memory.used,power.draw,clocks.sm --format=csv -lms 500 >"$OUT/smi.csv" 2>&1 &
SMI=$!
echo "== inferbench run --gpu-backend nvml (mock at $URL, GPU under matmul load)"
"$IB" run --url "$URL" --model mock --concurrency 32 --requests 1000 --warmup 32 --max-tokens 64 \
	--gpu-backend nvml --gpu-interval 250ms --slo-ttft 200ms --out "$OUT/run" 2>&1 | tail -30
kill $SMI $MOCK 2>/dev/null; wait $LOAD
echo "== gpu.jsonl: $(wc -l <"$OUT/run/gpu.jsonl") samples; client.jsonl: $(wc -l <"$OUT/run/client.jsonl")"
echo "== run.json gpus"; python3 -c 'import json;m=json.load(open("'"$OUT"'/run/run.json"));print(m["gpu_backend"], json.dumps(m.get("gpus"))[:400])'
echo "== summary GPU level"; python3 -c 'import json;s=json.load(open("'"$OUT"'/run/summary.json"));print(json.dumps(s["levels"][0]["gpu"], indent=1)[:1500])'
echo "== nvidia-smi over the same time (mean util, power)"
python3 - "$OUT/smi.csv" <<'PY'
import sys
u, p = [], []
for line in open(sys.argv[1]):
    f = [x.strip() for x in line.split(",")]
    if len(f) < 5 or f[0].startswith("timestamp"): continue
    try: u.append(float(f[1].split()[0])); p.append(float(f[3].split()[0]))
    except ValueError: pass
print(f"nvidia-smi: {len(u)} readings, util mean {sum(u)/len(u):.1f}% max {max(u):.0f}%, power mean {sum(p)/len(p):.1f} W max {max(p):.1f} W")
PY
