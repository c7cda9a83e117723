package cost

import "testing"

// A run's GPU is found by its nvidia-smi name (GPUBySMIName, the first GPU
// that lists it): a prices file that gave a new GPU a name h100-sxm lists
// loaded, and every H100 run was still priced as h100-sxm, the new entry
// never reached. Two GPUs listing one name are refused at the later one.
func TestPricesFileRefusesAnSMINameTwoGPUsList(t *testing.T) {
	prices := "gpus:\n  - id: h100-sxm-owned-rack\n    name: H100 in our rack\n    smi_names: [\"NVIDIA H100 80GB HBM3\"]\n" +
		"    memory_gb: 80\n    memory_mib: 81080\n    bandwidth_gb_per_s: 3350\n    tdp_w: 700\n    source: our rack\n    date: \"2026-12\"\n    offers: []\n"
	refusedAt(t, prices, "4:", "h100-sxm")
	mustLoad(t, "gpus:\n  - id: h100-sxm\n    smi_names: [\"NVIDIA H100 80GB HBM3\", \"NVIDIA H100 80GB HBM3 (custom)\"]\n")
}
