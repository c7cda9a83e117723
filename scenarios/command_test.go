package scenarios

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateFilesWritesNoEscapes: `scenarios validate` on a file whose
// unknown key holds an OSC title sequence, an ANSI colour and NULs writes
// them out (\x1b, \x00), never raw: its lines go to the terminal. The old
// code printed the key's path as the file spells it (run's exit path
// escaped the same error; validate did not).
func TestValidateFilesWritesNoEscapes(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "esc.yaml")
	body := "name: t\nload: {concurrency: 2, requests: 5}\n\x1b]0;pwned\x07\x1b[31m\x00foo: 1\n"
	if err := os.WriteFile(f, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := ValidateFiles(&out, []string{f}, Known{Kinds: []string{"openai", "vllm"}}); err == nil {
		t.Fatal("validate passed a file with an unknown key")
	}
	text := out.String()
	if strings.ContainsAny(text, "\x1b\x07\x00") {
		t.Errorf("validate wrote control characters:\n%q", text)
	}
	if !strings.Contains(text, `\x1b]0;pwned`) || !strings.Contains(text, "unknown key") {
		t.Errorf("validate's message does not show the key written out:\n%q", text)
	}
}

// TestOpenSymlinkLoopSaysSo: a scenario argument that is a looping symbolic
// link (no slash, no .yaml, so it could have been a shipped name) is there:
// the error names the loop, not "neither a shipped scenario ... nor a
// file", which the old code said of any name os.Stat failed on.
func TestOpenSymlinkLoopSaysSo(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.Symlink("loop2", "loop1"); err != nil {
		t.Skip(err)
	}
	if err := os.Symlink("loop1", "loop2"); err != nil {
		t.Fatal(err)
	}
	_, err := Open("loop1")
	if err == nil {
		t.Fatal("a symlink loop opened")
	}
	if strings.Contains(err.Error(), "nor a file") || !strings.Contains(err.Error(), "symbolic links") {
		t.Errorf("Open(symlink loop) = %q; want the loop named", err)
	}
	if _, err := Open("nosuchscenario"); err == nil || !strings.Contains(err.Error(), "nor a file") {
		t.Errorf("Open(absent name) = %v; want neither a shipped scenario nor a file", err)
	}
}

// TestValidateFilesSaysTheKindWithTheRest: an unknown kind is said with
// the file's other mistakes, in the file's order (it was said only once
// the rest was fixed).
func TestValidateFilesSaysTheKindWithTheRest(t *testing.T) {
	f := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(f, []byte("name: s\ntarget: {kind: vlm}\nload:\n  concurrency: -3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := ValidateFiles(&out, []string{f}, Known{Kinds: []string{"openai", "vllm"}}); err == nil {
		t.Fatal("a bad file validated")
	}
	want := f + `:2:16: target.kind: unknown kind "vlm" (did you mean "vllm"?)` + "\n" +
		f + ":4:16: load.concurrency: must be between 1 and 100000, got -3\n"
	if out.String() != want {
		t.Errorf("validate wrote\n%s\nwant\n%s", out.String(), want)
	}
}
