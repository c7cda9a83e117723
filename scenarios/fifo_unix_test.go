//go:build unix

package scenarios

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A dataset, a trace or a length list named by a scenario that is a named
// pipe no program writes to is refused at once, naming the pipe: the run
// (which reads them) waited on it for ever, with no word. So is a scenario
// file that is one.
func TestDataFileFIFOWithoutWriter(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "data.jsonl")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	want := func(what string, err error) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), p+": a named pipe that no program writes to") {
			t.Errorf("%s of a pipe without a writer: %v, want the pipe named", what, err)
		}
	}
	_, err := ReadPromptsFile(p, FormatJSONL)
	want("ReadPromptsFile", err)
	_, err = ReadTraceFile(p)
	want("ReadTraceFile", err)
	sc := filepath.Join(dir, "s.yaml")
	body := "name: a\ntarget: {url: \"http://h:1\", model: m}\nworkload:\n  prompt_tokens: {dist: empirical, file: data.jsonl}\nload: {concurrency: 1, requests: 1}\n"
	if err := os.WriteFile(sc, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = LoadFile(sc)
	want("LoadFile (an empirical distribution's file)", err)
	if err != nil && !strings.Contains(err.Error(), "s.yaml:4:") {
		t.Errorf("the length list's error does not name the scenario's line: %v", err)
	}
	_, err = LoadFile(p)
	want("LoadFile (the scenario itself)", err)
}
