package scenarios

import (
	"strings"
	"testing"
)

// TestLoadRefusesNumbersMeantAsText: a text field (a model name, a file)
// written as a plain number took the number's text, not what was written:
// model: 3.10 asked the server for model "3.1", 1.0 for
// "1", 0x1F for "31", 1_000 for "1000", and dataset file 2024.10 looked for
// a file 2024.1. Each is refused at its place, saying to quote it; a
// number whose text is what was written (model: 123) is left alone.
func TestLoadRefusesNumbersMeantAsText(t *testing.T) {
	const load = "load: {concurrency: 1, requests: 2}\n"
	for _, c := range []struct{ yaml, want string }{
		{"name: t\ntarget: {model: 3.10}\n" + load, `s.yaml:2:17: target.model: 3.10 is read as the number 3.1: quote it ("3.10") for the text`},
		{"name: t\ntarget: {model: 1.0}\n" + load, `s.yaml:2:17: target.model: 1.0 is read as the number 1: quote it ("1.0") for the text`},
		{"name: t\ntarget: {model: 0x1F}\n" + load, `s.yaml:2:17: target.model: 0x1F is read as the number 31: quote it ("0x1F") for the text`},
		{"name: t\ntarget: {model: 1_000}\n" + load, `s.yaml:2:17: target.model: 1_000 is read as the number 1000: quote it ("1_000") for the text`},
		{"name: t\nworkload: {dataset: {file: 2024.10}}\n" + load, `s.yaml:2:28: workload.dataset.file: 2024.10 is read as the number 2024.1: quote it ("2024.10") for the text`},
		{"name: t\ntarget: {model: .inf}\n" + load, `s.yaml:2:17: target.model: .inf is read as the number +Inf: quote it (".inf") for the text`},
	} {
		_, err := Load("s.yaml", []byte(c.yaml))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q:\n got %v\nwant %s", c.yaml, err, c.want)
		}
	}
	s, err := Load("s.yaml", []byte("name: t\ntarget: {model: 123}\n"+load))
	if err != nil {
		t.Fatalf("model: 123: %v", err)
	}
	if s.Target.Model != "123" {
		t.Errorf("model: 123 read %q", s.Target.Model)
	}
}
