package merge

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// shardTelemetry is two whole lines of each telemetry file of a shard.
var shardTelemetry = map[string][2]string{
	rundir.GPUFile:    {`{"t_ns":0,"index":0,"uuid":"GPU-a","power_w":300}`, `{"t_ns":1000000000,"index":0,"uuid":"GPU-a","power_w":310}`},
	rundir.ServerFile: {`{"t_ns":0,"engine":"vllm","requests_running":1}`, `{"t_ns":1000000000,"engine":"vllm","requests_running":2}`},
	rundir.ClientFile: {`{"t_ns":0,"cpu_s":1,"cores":2}`, `{"t_ns":1000000000,"cpu_s":1.5,"cores":2}`},
}

// twoShards makes two shards with every telemetry file whole, then writes
// file of shard 0 as body; it returns the shards' directories and root.
func twoShards(t *testing.T, file, body string) (s0, s1, root string) {
	t.Helper()
	root = t.TempDir()
	s0 = writeShard(t, root, "s0", shardSpec{index: 0, count: 2, start: t0, records: []*rundir.Record{rec(0, 0, 100, 300)}})
	s1 = writeShard(t, root, "s1", shardSpec{index: 1, count: 2, start: t0, records: []*rundir.Record{rec(1, 0, 100, 300)}})
	for _, dir := range []string{s0, s1} {
		for f, l := range shardTelemetry {
			if err := os.WriteFile(filepath.Join(dir, f), []byte(l[0]+"\n"+l[1]+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.WriteFile(filepath.Join(s0, file), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return s0, s1, root
}

// TestMergeRefusesABadTelemetryLine: a line of a shard's gpu.jsonl,
// server.jsonl or client.jsonl that does not decode, and is no cut last
// line, fails the merge with an error naming the file and the line, as a
// bad line of requests.jsonl does. Before, in gpu.jsonl and server.jsonl it
// silently ended the file's read: shard 0's file was cut short at the bad
// line, or (a bad first line) shard 1's used instead, and merge exited 0.
func TestMergeRefusesABadTelemetryLine(t *testing.T) {
	for file, l := range shardTelemetry {
		for _, c := range []struct {
			body string
			line int
		}{
			{l[0] + "\ngarbage\n" + l[1] + "\n", 2},      // in the middle: the file was cut there
			{"garbage\n" + l[0] + "\n" + l[1] + "\n", 1}, // first: shard 1's was used
			{l[0] + "\n" + `{"t_ns":1.5}` + "\n", 2},     // whole, but no t_ns of a sample
		} {
			s0, s1, root := twoShards(t, file, c.body)
			out := filepath.Join(root, "out")
			_, err := Merge(Options{Dirs: []string{s0, s1}, Out: out})
			want := fmt.Sprintf("%s line %d: ", filepath.Join(s0, file), c.line)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s %q: merge: %v; want an error naming %q", file, c.body, err, want)
			}
			if _, serr := os.Stat(filepath.Join(out, file)); err != nil && serr == nil {
				t.Errorf("%s %q: a refused merge left %s", file, c.body, file)
			}
		}
	}
}

// TestMergeKeepsLinesBeforeACutTelemetryLine: a shard's telemetry file
// whose last line was cut short (a run killed mid-write) is merged with the
// lines before it and a warning naming the file and the line, in
// gpu.jsonl, server.jsonl and client.jsonl alike, as requests.jsonl's cut
// last line is. Before, a cut client.jsonl failed the merge and a cut
// gpu.jsonl or server.jsonl lost its last line without a word.
func TestMergeKeepsLinesBeforeACutTelemetryLine(t *testing.T) {
	for file, l := range shardTelemetry {
		cut := l[1][:len(l[1])/2]
		s0, s1, root := twoShards(t, file, l[0]+"\n"+l[1]+"\n"+cut)
		out := filepath.Join(root, "out")
		res, err := Merge(Options{Dirs: []string{s0, s1}, Out: out})
		if err != nil {
			t.Fatalf("%s cut short: merge: %v", file, err)
		}
		want := "shard 0/2: " + filepath.Join(s0, file) + ":3: the last line is incomplete (run cut short?): unexpected end of JSON input; left out"
		if !slices.Contains(res.Warnings, want) || !slices.Contains(res.Manifest.Merged.Warnings, want) {
			t.Errorf("%s cut short: warnings %q, run.json's %q; want %q in both", file, res.Warnings, res.Manifest.Merged.Warnings, want)
		}
		b, err := os.ReadFile(filepath.Join(out, file))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if want := 2; file == rundir.ClientFile {
			want = 4 // shard 0's two and shard 1's two
			if len(lines) != want {
				t.Errorf("%s cut short: merged %d lines; want %d", file, len(lines), want)
			}
		} else if len(lines) != want || !strings.Contains(lines[1], `"t_ns":1000000000`) {
			t.Errorf("%s cut short: merged %q; want shard 0's 2 whole lines", file, lines)
		}
		if file == rundir.GPUFile && res.Manifest.Merged.GPUFrom != 0 || file == rundir.ServerFile && res.Manifest.Merged.ServerFrom != 0 {
			t.Errorf("%s cut short: taken from shard %d (gpu) %d (server); want shard 0", file, res.Manifest.Merged.GPUFrom, res.Manifest.Merged.ServerFrom)
		}
	}
}
