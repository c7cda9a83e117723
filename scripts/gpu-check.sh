#!/usr/bin/env bash
# gpu-check.sh — check inferbench's GPU telemetry against nvidia-smi on one
# NVIDIA GPU under a ~40 s bf16 matmul load. Run from the repo root with a
# cgo build at bin/inferbench-nvml (make build-nvml) and OUT set to an
# output folder. Takes about 1–2 minutes. It reads the GPU only: it changes
# no GPU setting (no clocks, power limits, persistence or MIG).
#
#   OUT=/tmp/gpu-check scripts/gpu-check.sh
#
# Writes to $OUT: list.txt, smi-L.txt, smi-idle.csv, watch-idle.txt,
# load.log, watch.jsonl, watch.err, smi-load.csv, summary.txt.
set -uo pipefail

IB=${IB:-bin/inferbench-nvml}
OUT=${OUT:?set OUT to an output folder}
LOAD_S=${LOAD_S:-40}
mkdir -p "$OUT"

say() { printf '\n== %s\n' "$*"; }

[[ -x $IB ]] || { echo "gpu-check: $IB not found or not executable (make build-nvml)" >&2; exit 1; }
command -v nvidia-smi >/dev/null || { echo "gpu-check: nvidia-smi not on PATH" >&2; exit 1; }

say "inferbench gpu list"
timeout 30 "$IB" gpu list 2>&1 | tee "$OUT/list.txt"

say "nvidia-smi -L"
timeout 30 nvidia-smi -L 2>&1 | tee "$OUT/smi-L.txt"

say "nvidia-smi idle"
timeout 30 nvidia-smi --query-gpu=timestamp,index,name,utilization.gpu,memory.used,memory.reserved,memory.total,power.draw,clocks.sm,temperature.gpu,clocks_event_reasons.active \
	--format=csv 2>&1 | tee "$OUT/smi-idle.csv"

say "inferbench gpu watch, idle, 2 ticks"
timeout 30 "$IB" gpu watch --interval 500ms --count 2 2>&1 | tee "$OUT/watch-idle.txt"

say "load: bf16 matmul 8192x8192 for ${LOAD_S}s"
LOAD_PID=""
if python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
	python3 - "$LOAD_S" >"$OUT/load.log" 2>&1 <<'PY' &
import sys, time, torch
a = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
b = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
c = a @ b
torch.cuda.synchronize()
print("ready", flush=True)
end, n = time.time() + float(sys.argv[1]), 0
while time.time() < end:
    for _ in range(20):
        c = a @ b
    torch.cuda.synchronize()
    n += 20
print(f"done: {n} matmuls, {n * 2 * 8192**3 / float(sys.argv[1]) / 1e12:.0f} TFLOP/s", flush=True)
PY
	LOAD_PID=$!
	for _ in $(seq 60); do  # wait for CUDA init and the first matmul, at most 30 s
		grep -q ready "$OUT/load.log" 2>/dev/null && break
		kill -0 "$LOAD_PID" 2>/dev/null || break
		sleep 0.5
	done
	grep -q ready "$OUT/load.log" || echo "gpu-check: load did not start; see $OUT/load.log" >&2
	sleep 2  # let utilization and power settle
else
	echo "gpu-check: python3 with CUDA torch not found: sampling without load" | tee "$OUT/load.log" >&2
fi

say "sampling during load: inferbench gpu watch and nvidia-smi -lms 500, 40 ticks"
nvidia-smi --query-gpu=timestamp,utilization.gpu,memory.used,power.draw,clocks.sm,temperature.gpu \
	--format=csv -lms 500 >"$OUT/smi-load.csv" 2>&1 &
SMI_PID=$!
timeout 60 "$IB" gpu watch --interval 500ms --count 40 --format jsonl >"$OUT/watch.jsonl" 2>"$OUT/watch.err"
echo "inferbench gpu watch exit: $?"
kill "$SMI_PID" 2>/dev/null
wait "$SMI_PID" 2>/dev/null
if [[ -n $LOAD_PID ]]; then
	wait "$LOAD_PID"
	cat "$OUT/load.log"
fi
echo "watch.jsonl: $(wc -l <"$OUT/watch.jsonl") lines; smi-load.csv: $(wc -l <"$OUT/smi-load.csv") lines"

say "summary (same period; readings are ~0.5 s apart, so the two series are not aligned tick by tick)"
python3 - "$OUT/watch.jsonl" "$OUT/smi-load.csv" <<'PY' | tee "$OUT/summary.txt"
import json, sys

def stats(xs):
    return (sum(xs) / len(xs), max(xs), len(xs)) if xs else None

ib = {"util %": [], "mem used MiB": [], "power W": [], "sm MHz": [], "temp C": []}
energy, gaps, reasons = [], 0, {}
for line in open(sys.argv[1]):
    line = line.strip()
    if not line:
        continue
    s = json.loads(line)
    if s.get("index", 0) < 0:
        gaps += 1
        continue
    for key, field, scale in (("util %", "utilization_pct", 1), ("mem used MiB", "memory_used_bytes", 1 / 2**20),
                              ("power W", "power_w", 1), ("sm MHz", "sm_clock_mhz", 1), ("temp C", "temperature_c", 1)):
        if field in s:
            ib[key].append(s[field] * scale)
    if "energy_mj" in s:
        energy.append((s["t_ns"], s["energy_mj"]))
    for r in s.get("clock_event_reasons", []):
        reasons[r] = reasons.get(r, 0) + 1

smi = {"util %": [], "mem used MiB": [], "power W": [], "sm MHz": [], "temp C": []}
for line in open(sys.argv[2]):
    parts = [p.strip() for p in line.split(",")]
    if len(parts) != 6 or parts[0].startswith("timestamp"):
        continue
    def num(v):
        try:
            return float(v.split()[0])
        except (ValueError, IndexError):
            return None
    for key, v in zip(("util %", "mem used MiB", "power W", "sm MHz", "temp C"), parts[1:]):
        x = num(v)
        if x is not None:
            smi[key].append(x)

print(f"{'quantity':<14}{'inferbench mean':>16}{'max':>10}{'n':>5}   {'nvidia-smi mean':>16}{'max':>10}{'n':>5}")
for key in ib:
    a, b = stats(ib[key]), stats(smi[key])
    fa = f"{a[0]:>16.1f}{a[1]:>10.1f}{a[2]:>5d}" if a else f"{'-':>16}{'-':>10}{0:>5d}"
    fb = f"{b[0]:>16.1f}{b[1]:>10.1f}{b[2]:>5d}" if b else f"{'-':>16}{'-':>10}{0:>5d}"
    print(f"{key:<14}{fa}   {fb}")
print(f"inferbench gaps: {gaps}; clock event reasons (readings): {reasons or '-'}")
if len(energy) >= 2:
    (t0, e0), (t1, e1) = energy[0], energy[-1]
    j, s = (e1 - e0) / 1000, (t1 - t0) / 1e9
    print(f"energy counter: {j:.1f} J over {s:.1f} s = {j / s:.1f} W mean (vs mean of power readings {stats(ib['power W'])[0]:.1f} W)")
PY
