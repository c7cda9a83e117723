package main

import (
	"strings"
	"testing"
)

// TestVersionFlag: `inferbench --version` and `-v` print what `inferbench
// version` prints, as people type it first; it was a usage error
// ("flag provided but not defined: -version").
func TestVersionFlag(t *testing.T) {
	want, _, err := runApp(t, "version")
	if err != nil || !strings.HasPrefix(want, "inferbench ") {
		t.Fatalf("version: %q, %v", want, err)
	}
	for _, flag := range []string{"--version", "-v"} {
		got, stderr, err := runApp(t, flag)
		if err != nil || got != want {
			t.Errorf("%s: %q (stderr %q), %v; want %q", flag, got, stderr, err, want)
		}
	}
}
