package history

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/rundir/rundirtest"
)

// TestAddOfAMovedRunUpdatesItsDirectory: a run directory moved (an
// artifact unpacked elsewhere, runs/ renamed) and added again was
// "already in the history as #1" and the store kept the old path: show
// printed it with no word that it was gone, and a compare against
// history:1 fell back on the stored summary. history add of a stored run
// whose old directory no longer holds it updates the path and says so;
// show and list say when a run's directory is gone or holds another run.
func TestAddOfAMovedRunUpdatesItsDirectory(t *testing.T) {
	stores(t, func(t *testing.T, spec string) {
		ctx, root := t.Context(), t.TempDir()
		old, moved := filepath.Join(root, "n1"), filepath.Join(root, "moved", "n1")
		writeRun(t, old, "nightly", 50, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), 1)
		rundirtest.EditManifest(t, old, func(m *rundir.Manifest) { m.Host.Name = thisHost() }) // made here
		var stdout, stderr bytes.Buffer
		if err := RunAdd(ctx, CommandOptions{Store: spec, Args: []string{old}}, &stdout, &stderr); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(moved), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(old, moved); err != nil {
			t.Fatal(err)
		}
		stdout.Reset()
		if err := RunShow(ctx, CommandOptions{Store: spec, Args: []string{"1"}}, &stdout, &stderr); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(stdout.String(), old+" (gone") {
			t.Errorf("show of a run whose directory is gone:\n%s\nwant its run dir said gone", stdout.String())
		}
		stdout.Reset()
		if err := RunList(ctx, CommandOptions{Store: spec}, &stdout, &stderr); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(stdout.String(), old+" (gone)") {
			t.Errorf("list of a run whose directory is gone:\n%s\nwant its run dir said gone", stdout.String())
		}
		stdout.Reset()
		if err := RunAdd(ctx, CommandOptions{Store: spec, Args: []string{moved}}, &stdout, &stderr); err != nil {
			t.Fatal(err)
		}
		if want := "#1 moved: " + old + " -> " + moved; !strings.Contains(stdout.String(), want) {
			t.Errorf("history add of the moved run: %q; want %q", stdout.String(), want)
		}
		s := openStore(t, spec)
		e, err := s.Get(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if e.RunDir != moved {
			t.Errorf("stored run dir %s; want %s, where the run now is", e.RunDir, moved)
		}
		// Another run written where the first was: changed, not the run.
		writeRun(t, old, "nightly", 60, time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC), 2)
		if err := os.Rename(moved, filepath.Join(root, "again")); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(old, moved); err != nil {
			t.Fatal(err)
		}
		stdout.Reset()
		if err := RunShow(ctx, CommandOptions{Store: spec, Args: []string{"1"}}, &stdout, &stderr); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(stdout.String(), moved+" (changed") {
			t.Errorf("show of a run whose directory holds another run:\n%s\nwant its run dir said changed", stdout.String())
		}
		// The directory it was moved to holds another run (#2) now.
		if err := RunAdd(ctx, CommandOptions{Store: spec, Args: []string{moved}}, &stdout, &stderr); err != nil {
			t.Fatal(err)
		}
		again := filepath.Join(root, "again")
		stdout.Reset()
		if err := RunAdd(ctx, CommandOptions{Store: spec, Args: []string{again}}, &stdout, &stderr); err != nil {
			t.Fatal(err)
		}
		if want := "#1 moved: " + moved + " -> " + again; !strings.Contains(stdout.String(), want) {
			t.Errorf("history add of the run moved again: %q; want %q", stdout.String(), want)
		}
		// A copy: the stored directory still holds the run, and stays.
		copied := filepath.Join(root, "copy")
		if err := os.CopyFS(copied, os.DirFS(again)); err != nil {
			t.Fatal(err)
		}
		stdout.Reset()
		if err := RunAdd(ctx, CommandOptions{Store: spec, Args: []string{copied}}, &stdout, &stderr); err != nil {
			t.Fatal(err)
		}
		if want := "already in the history as #1"; !strings.Contains(stdout.String(), want) || strings.Contains(stdout.String(), "moved") {
			t.Errorf("history add of a copy of #1: %q; want %q", stdout.String(), want)
		}
		if e, err = s.Get(ctx, 1); err != nil {
			t.Fatal(err)
		}
		if e.RunDir != again {
			t.Errorf("after adding a copy, #1's run dir = %s; want %s kept", e.RunDir, again)
		}
	})
}

// TestRunsOfAnotherHostAreNotJudgedHere: a store shared by several
// machines (PostgreSQL) holds runs whose directories lie on other hosts'
// disks. This host cannot see them: list marked every one of them gone,
// and history add of a copy of one re-pointed the store to the copy. A run
// made on another host (run.json's host.name) is neither marked nor moved.
func TestRunsOfAnotherHostAreNotJudgedHere(t *testing.T) {
	stores(t, func(t *testing.T, spec string) {
		ctx, root := t.Context(), t.TempDir()
		there, copied := filepath.Join(root, "n1"), filepath.Join(root, "copy", "n1")
		writeRun(t, there, "nightly", 50, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), 1)
		rundirtest.EditManifest(t, there, func(m *rundir.Manifest) { m.Host.Name = "runner-" + thisHost() })
		var stdout, stderr bytes.Buffer
		if err := RunAdd(ctx, CommandOptions{Store: spec, Args: []string{there}}, &stdout, &stderr); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(copied), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(there, copied); err != nil { // gone from here: it was the other host's
			t.Fatal(err)
		}
		stdout.Reset()
		if err := RunList(ctx, CommandOptions{Store: spec}, &stdout, &stderr); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(stdout.String(), "(gone)") {
			t.Errorf("list of another host's run:\n%s\nwant it not judged here", stdout.String())
		}
		stdout.Reset()
		if err := RunAdd(ctx, CommandOptions{Store: spec, Args: []string{copied}}, &stdout, &stderr); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(stdout.String(), "moved") {
			t.Errorf("history add of a copy of another host's run: %q; want it left where that host stored it", stdout.String())
		}
		e, err := openStore(t, spec).Get(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if e.RunDir != there {
			t.Errorf("run dir %s; want %s, the other host's", e.RunDir, there)
		}
	})
}
