package gpu

import (
	"strings"
	"time"
)

// powerWindowOfName is the span a GPU's power reading is the mean of
// (powerWindow), for a GPU known only by its marketing name (dcgm-exporter's
// modelName: "NVIDIA H100 80GB HBM3", "NVIDIA A800-SXM4-80GB"), when no
// compute capability is at hand; false for a name the table below does
// not know. The name is read by its words (split at spaces, '-' and '_'),
// so "A30" is not read in "A3000".
func powerWindowOfName(name string) (time.Duration, bool) {
	words := strings.FieldsFunc(strings.ToUpper(name), func(r rune) bool { return r == ' ' || r == '-' || r == '_' })
	geforce := false
	for _, w := range words {
		if cc, ok := capabilityOfWord[w]; ok {
			return powerWindow(cc[0], cc[1]), true
		}
		geforce = geforce || w == "GEFORCE"
	}
	if geforce {
		// GeForce RTX 2080, 3090, 4090, 5090: the series is the first
		// digit (Turing 7.5, Ampere GA10x 8.6, Ada 8.9, Blackwell 12.0).
		// A GeForce's only: Quadro RTX 3000 to 8000 are all Turing.
		for _, w := range words {
			if len(w) == 4 && w[1] == '0' && strings.Trim(w, "0123456789") == "" {
				switch w[0] {
				case '2':
					return powerWindow(7, 5), true
				case '3':
					return powerWindow(8, 6), true
				case '4':
					return powerWindow(8, 9), true
				case '5':
					return powerWindow(12, 0), true
				}
			}
		}
	}
	return 0, false
}

// capabilityOfWord is the CUDA compute capability of the data-centre and
// workstation GPUs whose names carry their chip's word (NVIDIA's CUDA GPUs
// list): GA100 is 8.0 (A100, A800, A30), GA10x 8.6, Ada 8.9, Hopper 9.0,
// Blackwell 10.0 (B200, GB200) and 10.3 (B300, GB300).
var capabilityOfWord = map[string][2]int{
	"K80": {3, 7}, "P100": {6, 0}, "P40": {6, 1}, "P4": {6, 1},
	"V100": {7, 0}, "V100S": {7, 0}, "T4": {7, 5},
	"A100": {8, 0}, "A100X": {8, 0}, "A800": {8, 0}, "A30": {8, 0}, "A30X": {8, 0},
	"A10": {8, 6}, "A10G": {8, 6}, "A10M": {8, 6}, "A16": {8, 6}, "A2": {8, 6}, "A40": {8, 6},
	"A2000": {8, 6}, "A4000": {8, 6}, "A4500": {8, 6}, "A5000": {8, 6}, "A5500": {8, 6}, "A6000": {8, 6},
	"L4": {8, 9}, "L20": {8, 9}, "L40": {8, 9}, "L40S": {8, 9}, "ADA": {8, 9},
	"H100": {9, 0}, "H200": {9, 0}, "H800": {9, 0}, "H20": {9, 0}, "GH200": {9, 0},
	"B100": {10, 0}, "B200": {10, 0}, "GB200": {10, 0}, "B300": {10, 3}, "GB300": {10, 3},
	"BLACKWELL": {12, 0}, "QUADRO": {7, 5}, // Quadro: Turing (RTX 3000–8000) and older

}
