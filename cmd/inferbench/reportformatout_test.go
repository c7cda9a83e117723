package main

import (
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportFormatWithoutOut: --format picks the report files --out writes;
// report --format md RUN without --out printed the terminal table and wrote
// nothing, the md asked for silently dropped. It is refused, naming --out;
// with --out, and without --format, report is as it was.
func TestReportFormatWithoutOut(t *testing.T) {
	a100, _ := reportRuns(t)
	_, _, err := runApp(t, "report", "--format", "md", a100)
	if code := exitCode(err, io.Discard); code != exitUsage || !strings.HasPrefix(err.Error(), "--format: the report files (md)") || !strings.Contains(err.Error(), "--out") {
		t.Errorf("report --format md without --out: %v (exit %d); want a usage error naming --out", err, code)
	}
	if _, stderr, err := runApp(t, "report", a100); err != nil {
		t.Errorf("report without --format: %v\n%s", err, stderr)
	}
	if _, stderr, err := runApp(t, "report", "--format", "md", "--out", filepath.Join(t.TempDir(), "rep"), a100); err != nil {
		t.Errorf("report --format md --out: %v\n%s", err, stderr)
	}
}
