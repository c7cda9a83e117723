package typo

import "testing"

// TestShortNamesNeedCloserTypos: two edits turn most of a short name into
// another, so a name under five characters is near one only within one
// edit, or where it is the other with letters left out (sdev for stddev,
// h2 for h200). `run --host` and `run --port` were asked "did you mean
// --out?" (two edits each), a flag that has nothing to do with them. A
// swap of two letters is one edit (--rul is --url; olama and lolama
// both ollama), as people type them.
func TestShortNamesNeedCloserTypos(t *testing.T) {
	flags := []string{"out", "url", "model", "rate", "sweep", "force", "c", "n"}
	for key, want := range map[string]string{
		"host": "", "port": "", "rul": "url", "ulr": "url", "mdoel": "model", "modle": "model",
		"rtae": "rate", "swep": "sweep", "frce": "force", "z": "c", "ou": "out", "otu": "out",
	} {
		if got := Nearest(key, flags); got != want {
			t.Errorf("Nearest(%q) = %q; want %q", key, got, want)
		}
	}
	for key, want := range map[string]string{"sdev": "stddev", "h2": "h200", "lolama": "ollama", "olama": "ollama", "vlm": "vllm"} {
		if got := Nearest(key, []string{"stddev", "h200", "ollama", "vllm"}); got != want {
			t.Errorf("Nearest(%q) = %q; want %q", key, got, want)
		}
	}
}
