package history

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
)

// TestAddThroughALinkKeepsTheRunsOwnDirectory: a CI job that keeps a link
// to its newest run (runs/latest → runs/2026-12-04) and adds through it
// stored the link's path for every night: once the link moved on,
// `history show` named as night #1's run directory the one that now held
// night #2, and a history:latest baseline of one entry found the wrong
// run there and fell back to summaries. The entry now keeps the directory
// the link pointed at when the run was added.
func TestAddThroughALinkKeepsTheRunsOwnDirectory(t *testing.T) {
	root := t.TempDir()
	store := filepath.Join(root, "h.db")
	first, second := filepath.Join(root, "n1"), filepath.Join(root, "n2")
	day := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	writeRun(t, first, "nightly", 50, day, 1)
	writeRun(t, second, "nightly", 50, day.Add(24*time.Hour), 2)
	link := filepath.Join(root, "latest")
	point := func(dir string) {
		t.Helper()
		os.Remove(link)
		if err := os.Symlink(dir, link); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	point(first)
	if err := RunAdd(t.Context(), CommandOptions{Store: store, Args: []string{link}}, &out, &out); err != nil {
		t.Fatal(err)
	}
	point(second)
	s, err := Open(t.Context(), store)
	if err != nil {
		t.Fatal(err)
	}
	e, err := s.Get(t.Context(), 1)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	real, err := filepath.EvalSymlinks(first)
	if err != nil {
		t.Fatal(err)
	}
	if e.RunDir != real {
		t.Errorf("entry #1's run directory is %s; want the run's own, %s", e.RunDir, real)
	}
	// Night 2, gated through the link against the one night stored: the
	// stored run's requests, not its summary.
	cand, err := compare.LoadRun(link, report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := ResolveBaseline(t.Context(), store, "history:latest", cand)
	if err != nil {
		t.Fatal(err)
	}
	if b.Run == nil || strings.Contains(b.Label, "summaries") {
		t.Errorf("baseline %q: want night 1's run directory, request by request", b.Label)
	}
}
