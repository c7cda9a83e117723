package loadgen

import (
	"errors"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// TestPromptSourceCarried: a prompt's length comes with its source from
// wherever the request is built: Synth's sized prompt is sized, its
// estimated one, the word prompt, a dataset's prompt and the spread probe's
// are estimated; a shard's request carries the unsharded workload's source;
// a session's first turn is sized, a later one (the conversation so far)
// estimated. Building a sized request allocates nothing for its source.
func TestPromptSourceCarried(t *testing.T) {
	synth := func(sized bool) func(uint64, int) (string, int, bool) {
		return func(id uint64, n int) (string, int, bool) { return "counted words", n + 1, sized }
	}
	sized := Workload{Model: "m", PromptTokens: 8, MaxTokens: 4, Synth: synth(true)}
	estimated := Workload{Model: "m", PromptTokens: 8, MaxTokens: 4, Synth: synth(false)}
	words := Workload{Model: "m", PromptTokens: 8, MaxTokens: 4}
	dataset := Workload{Model: "m", PromptTokens: 8, MaxTokens: 4, Synth: synth(true),
		Prompt: func(uint64) (string, int) { return "a dataset prompt", 3 }}
	for _, c := range []struct {
		name string
		w    Workload
		n    int
		want rundir.TokenSource
	}{
		{"sized", sized, 9, rundir.SourceSized},
		{"estimated by synth", estimated, 9, rundir.SourceEstimated},
		{"word prompt", words, 8, rundir.SourceEstimated},
		{"dataset", dataset, 3, rundir.SourceEstimated},
	} {
		if _, n, src := c.w.Request(5); n != c.n || src != c.want {
			t.Errorf("%s: Request: %d tokens, %q; want %d, %q", c.name, n, src, c.n, c.want)
		}
		if _, n, src := c.w.RequestWith(5, 20, 2); src != c.want || (c.n != 3 && n != 20+c.n-8) {
			t.Errorf("%s: RequestWith: %d tokens, %q; want %q", c.name, n, src, c.want)
		}
	}
	if _, _, src := sized.ProbeRequest(5); src != rundir.SourceEstimated {
		t.Errorf("the probe's prompt, never sized: %q", src)
	}
	for i := range 2 {
		r, err := New(&fakeTarget{}, sized, Concurrency(4), Requests(8), Shard(rundir.Shard{Index: i, Count: 2, Seed: ShardSeed(3, i)}))
		if err != nil {
			t.Fatal(err)
		}
		if _, n, src := r.workload.Request(1); n != 9 || src != rundir.SourceSized {
			t.Errorf("shard %d: %d tokens, %q; want 9 sized", i, n, src)
		}
	}
	s := sized
	s.Sessions = &Sessions{Turns: func(uint64) int { return 3 }}
	cv := s.newConversation(7)
	for k, want := range []rundir.TokenSource{rundir.SourceSized, rundir.SourceEstimated, rundir.SourceEstimated} {
		if _, n, src := s.turnRequest(cv, k+1, uint64(k)); src != want {
			t.Errorf("session turn %d: %d tokens, %q; want %q", k+1, n, src, want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _, _, _ = sized.Request(5) }); n != 0 {
		t.Errorf("a sized request allocates %v times; want 0", n)
	}
}

// TestSizedRecordWithoutUsage: the record of a request whose prompt was
// sized keeps that source when the server reports no prompt_tokens (it
// failed, or reports no usage), and takes the server's count when it does.
func TestSizedRecordWithoutUsage(t *testing.T) {
	for _, c := range []struct {
		name  string
		usage bool
		fail  bool
		want  rundir.TokenSource
		n     int
	}{
		{"failed", false, true, rundir.SourceSized, 8},
		{"no usage", false, false, rundir.SourceSized, 8},
		{"usage", true, false, rundir.SourceServer, 7}, // the fake server's count
	} {
		ft := &fakeTarget{Tokens: 2, Usage: c.usage}
		if c.fail {
			ft.Err = func(int64) error { return errors.New("refused") }
		}
		w := Workload{Model: "m", PromptTokens: 8, MaxTokens: 2,
			Synth: func(uint64, int) (string, int, bool) { return "counted", 8, true }}
		r, err := New(ft, w, Concurrency(1), Requests(2))
		if err != nil {
			t.Fatal(err)
		}
		var recs []*rundir.Record
		if _, err := r.Run(t.Context(), t.Context(), time.Now(), func(rec *rundir.Record) error { recs = append(recs, rec); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(recs) != 2 {
			t.Fatalf("%s: %d records", c.name, len(recs))
		}
		for _, rec := range recs {
			if rec.InputTokensSource != c.want || rec.InputTokens != c.n || rec.OK == c.fail {
				t.Errorf("%s: record %d (ok %v): input %d %q; want %d %q", c.name, rec.ID, rec.OK, rec.InputTokens, rec.InputTokensSource, c.n, c.want)
			}
		}
	}
}
