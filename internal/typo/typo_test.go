package typo

import "testing"

// TestNearest: within two edits, the closest wins, the first on a tie;
// case is no edit (--target VLLM was four edits from vllm, and the message
// listed every kind instead of naming the one meant).
func TestNearest(t *testing.T) {
	kinds := []string{"openai", "tgi", "vllm", "ollama"}
	for key, want := range map[string]string{
		"VLLM": "vllm", "Ollama": "ollama", "vlm": "vllm", "TGI": "tgi", "bedrock": "",
		"opnai": "openai", "vllmxx": "vllm", "vllmxxx": "", "": "",
	} {
		if got := Nearest(key, kinds); got != want {
			t.Errorf("Nearest(%q) = %q; want %q", key, got, want)
		}
	}
	if got := Nearest("ab", []string{"abc", "abd"}); got != "abc" {
		t.Errorf("tie: %q; want the first, abc", got)
	}
	if got := Nearest("concurency", []string{"c", "concurrency", "max-concurrency"}); got != "concurrency" {
		t.Errorf("closest: %q; want concurrency", got)
	}
	// A start of a name comes before an edit: h100 is one edit from h200
	// but the start of h100-sxm (it suggested h200), a100 one from a10g; of several starts, the closest.
	gpus := []string{"h100-sxm", "h200", "a100-80gb", "a100-40gb", "a10g"}
	for key, want := range map[string]string{"h100": "h100-sxm", "A100": "a100-80gb", "a10": "a10g", "a10g": "a10g", "A100-": "a100-80gb", "h2": "h200", "h20": "h200"} {
		if got := Nearest(key, gpus); got != want {
			t.Errorf("Nearest(%q) = %q; want %q", key, got, want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"", "abc", 3}, {"kitten", "sitting", 3}, {"flaw", "lawn", 2}, {"abc", "abc", 0}} {
		if got := editDistance(tt.a, tt.b); got != tt.d {
			t.Errorf("editDistance(%q, %q) = %d; want %d", tt.a, tt.b, got, tt.d)
		}
		if got := editDistance(tt.b, tt.a); got != tt.d {
			t.Errorf("editDistance(%q, %q) = %d; want %d", tt.b, tt.a, got, tt.d)
		}
	}
}
