package scenarios

import (
	"testing"
)

// TestLoadTakesAYAMLDirective: a file that opens with a %YAML directive
// (YAML 1.2 §6.8.1; some generators write one) is one scenario; it was
// refused with "one scenario per file: document 2 is extra".
func TestLoadTakesAYAMLDirective(t *testing.T) {
	const body = "name: t\ntarget: {url: \"http://h:1\", model: m}\nload: {concurrency: 2, requests: 4}\n"
	s, err := Load("s.yaml", []byte("%YAML 1.2\n---\n"+body))
	if err != nil || s.Load.Concurrency != 2 {
		t.Fatalf("Load = %+v, %v; want the scenario", s, err)
	}
	_, err = Load("s.yaml", []byte("%YAML 1.2\n---\nname: t\nload: {concurrency: -1, requests: 4}\n"))
	if want := "s.yaml:4:21: load.concurrency: must be between 1 and 100000, got -1"; err == nil || err.Error() != want {
		t.Errorf("Load = %v; want %s", err, want)
	}
}

// TestLoadCountsDocumentsWithoutTheDirective: the extra document is
// numbered as its reader counts them, the directive aside.
func TestLoadCountsDocumentsWithoutTheDirective(t *testing.T) {
	_, err := Load("s.yaml", []byte("%YAML 1.2\n---\nname: t\n---\nname: u\n"))
	if want := "s.yaml:5:5: one scenario per file: document 2 is extra"; err == nil || err.Error() != want {
		t.Errorf("Load = %v; want %s", err, want)
	}
}
