package main

import (
	"io"
	"strings"
	"testing"
)

// watch on a run that has ended prints one result line per level, judged by
// run.json's SLO, on stderr only, and exits.
func TestWatchFinishedRun(t *testing.T) {
	a100, _ := reportRuns(t)
	out, errOut, err := runApp(t, "watch", "--poll", "10ms", a100)
	if err != nil {
		t.Fatal(err)
	}
	if out != "" {
		t.Errorf("stdout %q; want nothing (progress goes to stderr)", out)
	}
	lines := strings.Split(strings.TrimRight(errOut, "\n"), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], "streams      ok failed") {
		t.Errorf("stderr:\n%s\nwant a header and 4 result lines", errOut)
	}
	if _, _, err := runApp(t, "watch", a100, a100); err == nil || !strings.Contains(err.Error(), "one RUN_DIR") {
		t.Errorf("two directories: %v; want a usage error", err)
	}
	// A poll that re-reads the files in a loop, and a negative linger,
	// are refused (they were taken: --poll 1ns held a CPU).
	for args, want := range map[[2]string]string{
		{"--poll", "1ns"}:        "--poll must be at least 10ms, got 1ns",
		{"--poll", "9ms"}:        "--poll must be at least 10ms, got 9ms",
		{"--live-linger", "-1s"}: "--live-linger must not be negative, got -1s",
	} {
		_, _, err := runApp(t, "watch", args[0], args[1], a100)
		if code := exitCode(err, io.Discard); code != exitUsage || err.Error() != want {
			t.Errorf("watch %s: %v (exit %d); want a usage error %q", strings.Join(args[:], " "), err, code, want)
		}
	}
}
