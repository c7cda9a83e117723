package cost

import (
	"strings"
	"testing"
)

// TestUnknownIDsSayTheNearest: an id one or two edits (or a case) away
// from a catalog entry is answered with that entry, as a mistyped flag or
// target kind is; the error listed every id and left the reader to spot
// h100-sxm in "h100-sxn", openai/gpt-4o in "openai/gpt4o". An id near none
// gets the list alone.
func TestUnknownIDsSayTheNearest(t *testing.T) {
	c := mustLoad(t, "")
	h100, err := c.GPU("h100-sxm")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"GPU", second(c.GPU("h100-sxn")), `unknown gpu "h100-sxn", did you mean h100-sxm? (known: `},
		{"GPU case", second(c.GPU("A100-80GB")), `unknown gpu "A100-80GB", did you mean a100-80gb? (known: `},
		{"API", second(c.API("openai/gpt4o")), `unknown api model "openai/gpt4o", did you mean openai/gpt-4o? (known: `},
		{"API without its provider", second(c.API("gpt-4o")), `unknown api model "gpt-4o", did you mean openai/gpt-4o or azure-openai/gpt-4o? (known: `},
		{"Model", second(c.Model("llama-3-8")), `unknown model "llama-3-8", did you mean llama-3-8b? (known: `},
		{"offer", second(h100.Offer("spto")), `gpu h100-sxm has no offer "spto", did you mean spot? (offers: `},
		{"far", second(c.GPU("tpu-v5")), `unknown gpu "tpu-v5" (known: `},
	} {
		if tt.err == nil || !strings.HasPrefix(tt.err.Error(), tt.want) {
			t.Errorf("%s: %v; want it to start %q", tt.name, tt.err, tt.want)
		}
	}
}
