package scenarios

import (
	"strings"
	"testing"
)

// TestStopMustBeUTF8: a stop sequence that is not UTF-8 text (a byte
// 0xff from --stop $'\xff') is refused at its index: every API takes it in
// JSON, which cannot hold the byte, so U+FFFD was sent and recorded in its
// place, a stop sequence other than the one asked for.
func TestStopMustBeUTF8(t *testing.T) {
	s, err := Load("t.yaml", []byte("name: t\nload: {concurrency: 1, requests: 1}\n"))
	if err != nil {
		t.Fatal(err)
	}
	s.Workload.Stop = Stop{"ok", "a\xffb"}
	err = s.Validate()
	if want := "workload.stop[1]: not UTF-8 text"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("stop %q: %v; want %q", s.Workload.Stop, err, want)
	}
	s.Workload.Stop = Stop{"é", "\x04", "</s>"}
	if err := s.Validate(); err != nil {
		t.Errorf("stop %q: %v", s.Workload.Stop, err)
	}
}
