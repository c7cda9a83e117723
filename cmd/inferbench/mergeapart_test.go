package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// apartShard writes shard index of 2 that started at start and measured
// level 4 for 4.8 s, with one request.
func apartShard(t *testing.T, dir string, index int, start time.Time) string {
	t.Helper()
	out := filepath.Join(dir, fmt.Sprintf("s%d", index))
	if err := rundir.Create(out, false); err != nil {
		t.Fatal(err)
	}
	end := start.Add(5 * time.Second)
	m := &rundir.Manifest{Tool: "inferbench", Version: "test", Host: rundir.Host{Name: "h", CPUs: 2},
		Target:   rundir.TargetInfo{Kind: "vllm", URL: "http://x", API: "chat", Model: "mock"},
		Scenario: json.RawMessage(`{"name":"t"}`), Load: rundir.LoadInfo{Profile: "concurrency", Concurrency: 4, Requests: 2},
		Start: start, End: &end, ExitState: rundir.ExitComplete, Records: 1,
		Shard:  &rundir.Shard{Index: index, Count: 2, IDs: rundir.IDScheme},
		Levels: []rundir.LevelSpan{{Level: 4, EndNS: int64(4800 * time.Millisecond)}}}
	if err := rundir.WriteManifest(out, m); err != nil {
		t.Fatal(err)
	}
	rw, err := rundir.CreateRecordWriter(out)
	if err != nil {
		t.Fatal(err)
	}
	ms := int64(time.Millisecond)
	r := &rundir.Record{ID: uint64(index), Stage: rundir.StageMeasure, Level: 4, ScheduledNS: ms, SentNS: ms, FirstByteNS: 50 * ms,
		FirstTokenNS: 50 * ms, EndNS: 240 * ms, DoneNS: 240 * ms, Chunks: [][2]int64{{50 * ms, 1}, {240 * ms, 1}}, OutputTokens: 2, InputTokens: 5, OK: true, Status: 200}
	if err := rw.Write(r); err != nil {
		t.Fatal(err)
	}
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestMergeShardsApart: shards started 32 s apart (each measuring 4.8 s)
// are refused, exit 2, on one line naming both; --accept-apart merges them
// and the merged run's report says it on one line.
func TestMergeShardsApart(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 12, 6, 13, 0, 0, 0, time.UTC)
	s0, s1 := apartShard(t, dir, 0, t0), apartShard(t, dir, 1, t0.Add(32*time.Second))
	_, stderr, code := mergeApp(t, "--out", filepath.Join(dir, "m"), s0, s1)
	if code != exitUsage || !strings.Contains(stderr, "did not run at once") || !strings.Contains(stderr, s0) || !strings.Contains(stderr, s1) ||
		strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("merge of shards 32 s apart: exit %d, %q; want 2 and one line naming both shards", code, stderr)
	}
	stdout, stderr, code := mergeApp(t, "--out", filepath.Join(dir, "m"), "--accept-apart", s0, s1)
	if code != 0 || strings.Count(stdout, "not run at once") != 1 {
		t.Errorf("merge --accept-apart: exit %d, stdout %q, stderr %q; want 0 and the table saying it once", code, stdout, stderr)
	}
	// Shards 100 ms apart are one load.
	s0b, s1b := apartShard(t, t.TempDir(), 0, t0), apartShard(t, t.TempDir(), 1, t0.Add(100*time.Millisecond))
	if _, stderr, code := mergeApp(t, "--out", filepath.Join(dir, "ok"), s0b, s1b); code != 0 {
		t.Errorf("merge of shards 100 ms apart: exit %d, %s", code, stderr)
	}
}
