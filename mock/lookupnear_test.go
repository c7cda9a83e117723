package mock

import (
	"strings"
	"testing"
)

// TestLookupSaysDidYouMean: inferbench mock --gpu H100 listed the known
// GPUs with no "did you mean h100-sxm?", where run --gpu h100 says it:
// the mock's profiles are named through internal/typo, the suggester every
// other name inferbench reads uses. A name near none gets no guess.
func TestLookupSaysDidYouMean(t *testing.T) {
	if _, err := LookupGPU("H100"); err == nil || !strings.Contains(err.Error(), `unknown GPU "H100", did you mean h100-sxm? (known: `) {
		t.Errorf("LookupGPU(H100): %v; want did you mean h100-sxm", err)
	}
	if _, err := LookupModel("llama-3-8"); err == nil || !strings.Contains(err.Error(), `unknown model "llama-3-8", did you mean llama-3-8b? (known: `) {
		t.Errorf("LookupModel(llama-3-8): %v; want did you mean llama-3-8b", err)
	}
	if _, err := LookupGPU("zzzzzz"); err == nil || strings.Contains(err.Error(), "did you mean") {
		t.Errorf("LookupGPU(zzzzzz): %v; want no guess", err)
	}
}
