package cost

import (
	"io"
	"strings"
	"testing"
)

// --gpu-memory-utilization out of (0, 1] was said as "--fit: memory
// utilization must be in (0, 1]", naming a flag the user did not mistype.
func TestGuideNamesTheMemoryUtilizationFlag(t *testing.T) {
	for _, o := range []GuideOptions{
		{Fit: "llama-3-8b", Precision: BF16, MemoryUtil: 1.5},
		{Fit: "llama-3-8b", Precision: BF16, MemoryUtil: -0.1},
	} {
		err := RunGuide(io.Discard, o)
		if err == nil || !strings.HasPrefix(err.Error(), "--gpu-memory-utilization") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%+v: %v; want one line naming --gpu-memory-utilization", o, err)
		}
	}
	if err := RunGuide(io.Discard, GuideOptions{Fit: "llama-3-8b", Precision: BF16, MemoryUtil: 1}); err != nil {
		t.Errorf("--gpu-memory-utilization 1: %v", err)
	}
}
