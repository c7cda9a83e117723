package rundir

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTelemetryErrorNamesTheRunsFile: a line of server.jsonl that does not
// decode is named with the file's path, so that a report of several runs
// says whose it is (it said "server.jsonl line 2" of any of them). (Line 2
// is followed by another: a cut-short last line is a warning.)
func TestTelemetryErrorNamesTheRunsFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ServerFile), []byte("{}\n{\"bad\n{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rd := &Run{Dir: dir}
	_, err := rd.ServerSamples()
	if want := filepath.Join(dir, ServerFile) + " line 2: "; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("ServerSamples() = %v; want an error starting %q", err, want)
	}
}

// TestTelemetryLineTooLongNamesTheRunsFile: a telemetry line past MaxLine
// (gpu.jsonl a link to /dev/zero) is named with the run's path, its line
// and the bound, in words; it read "gpu.jsonl: read: bufio.Scanner: token
// too long", naming neither the run nor the line.
func TestTelemetryLineTooLongNamesTheRunsFile(t *testing.T) {
	dir := t.TempDir()
	body := "{}\n" + strings.Repeat("x", MaxLine+1) + "\n"
	if err := os.WriteFile(filepath.Join(dir, GPUFile), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	rd := &Run{Dir: dir}
	_, err := rd.GPUSamples()
	want := filepath.Join(dir, GPUFile) + " line 2: longer than 4 MiB (the bound of a telemetry line)"
	if err == nil || err.Error() != want {
		t.Errorf("GPUSamples() = %v; want %q", err, want)
	}
}

// TestRecordLineTooLongSpeaksNoGo: requests.jsonl's bound is said in words
// alone; it ended ": bufio.Scanner: token too long".
func TestRecordLineTooLongSpeaksNoGo(t *testing.T) {
	r := io.LimitReader(repeatReader('x'), MaxRecordLine+1)
	for _, err := range ReadRecords(r) {
		if err == nil || strings.Contains(err.Error(), "bufio") {
			t.Errorf("ReadRecords(a line past the bound) = %v; want the bound in words alone", err)
		}
		break
	}
}
