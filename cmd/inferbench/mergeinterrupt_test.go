package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// writeBigShard writes shard index of 2 under root with n small records
// (ids local·2+index), as `run --shard index/2` would have.
func writeBigShard(t *testing.T, root string, index, n int) string {
	t.Helper()
	dir := filepath.Join(root, "shard"+string(rune('0'+index)))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	end := start.Add(time.Minute)
	m := &rundir.Manifest{Tool: "inferbench", Version: "test", Host: rundir.Host{Name: "h", CPUs: 2},
		Target:   rundir.TargetInfo{Kind: "vllm", URL: "http://x", API: "chat", Model: "m"},
		Scenario: json.RawMessage(`{"name":"t"}`),
		Load:     rundir.LoadInfo{Profile: "concurrency", Concurrency: 8, Requests: 2 * n, Seed: 1},
		Start:    start, End: &end, ExitState: rundir.ExitComplete, Records: int64(n),
		Shard: &rundir.Shard{Index: index, Count: 2, IDs: rundir.IDScheme}}
	if err := rundir.WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	rw, err := rundir.CreateRecordWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		s := int64(i) * int64(time.Millisecond)
		ft, e := s+int64(50*time.Millisecond), s+int64(200*time.Millisecond)
		r := &rundir.Record{ID: uint64(2*i + index), Stage: rundir.StageMeasure, Level: 8, ScheduledNS: s, SentNS: s,
			FirstByteNS: ft, FirstTokenNS: ft, EndNS: e, DoneNS: e, Chunks: [][2]int64{{ft, 1}, {e, 1}},
			OutputTokens: 2, InputTokens: 10, OK: true, Status: 200}
		if err := rw.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestMergeSIGINTLeavesNoRun: a real inferbench merge gets SIGINT while it
// writes the merged records: it exits 130 and leaves no --out directory
// (it made it), so nothing reads as a run, and the same merge run again
// makes the whole run. Before, the process was ended by main's one-second
// bound with a cut requests.jsonl and no run.json in --out, which `report`
// read as a run and a second merge refused ("already holds a run").
func TestMergeSIGINTLeavesNoRun(t *testing.T) {
	if testing.Short() {
		t.Skip("real processes")
	}
	const n = 60000
	root := t.TempDir()
	s0, s1 := writeBigShard(t, root, 0, n), writeBigShard(t, root, 1, n)
	out := filepath.Join(root, "merged")
	cmd := inferbenchCmd(t, "merge", "--out", out, "-q", s0, s1)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// Mid-way is when the merged requests.jsonl, wherever the merge writes
	// it, holds 256 KiB (of some 20 MB).
	for mid := false; !mid; {
		select {
		case err := <-exited:
			t.Fatalf("merge ended before it was signalled (%v): make the shards larger\n%s", err, stderr.String())
		case <-time.After(time.Millisecond):
		}
		filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
			if err == nil && d.Name() == rundir.RecordsFile {
				if fi, err := d.Info(); err == nil && fi.Size() >= 256<<10 {
					mid = true
				}
			}
			return nil
		})
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := <-exited
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Fatalf("merge after SIGINT: %v; want exit %d\n%s", err, exitInterrupted, stderr.String())
	}
	if entries, err := os.ReadDir(out); !errors.Is(err, os.ErrNotExist) {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("interrupted merge left %s holding %v (%v); want no directory", out, names, err)
	}
	again := inferbenchCmd(t, "merge", "--out", out, "-q", s0, s1)
	if b, err := again.CombinedOutput(); err != nil {
		t.Fatalf("second merge: %v\n%s", err, b)
	}
	m, err := rundir.ReadManifest(out)
	if err != nil || m.Records != 2*n || m.ExitState != rundir.ExitComplete {
		t.Fatalf("second merge's run.json: %v %+v; want %d records, complete", err, m, 2*n)
	}
	if _, err := os.Stat(filepath.Join(out, rundir.SummaryFile)); err != nil {
		t.Errorf("second merge: %v", err)
	}
}
