package live

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestView: the hookup a run uses draws progress, serves the page, routes
// other messages, and on Close prints the last results and stops serving.
func TestView(t *testing.T) {
	var out syncBuffer
	v, err := StartView(ViewOptions{State: Options{Run: "view"}, Stderr: &out,
		Progress: ProgressOptions{Mode: ModePlain, Refresh: 10 * time.Millisecond}, Serve: &ServerOptions{}})
	if err != nil {
		t.Fatal(err)
	}
	v.State.LevelStarted(LevelPlan{Level: 1, Requests: 2})
	v.State.Add(rec(1, 0, 10*ms, ms, 3))
	fmt.Fprintln(v.Stderr(), "inferbench: a message")
	if _, page := get(t, v.URL()); !strings.Contains(string(page), `"run":"view"`) {
		t.Error("the page does not hold the run")
	}
	url := v.URL()
	if err := v.Close(context.Background(), "complete"); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{"live view at " + url, "inferbench: a message\n", ResultHeader, "     1       1      0"} {
		if !strings.Contains(text, want) {
			t.Errorf("stderr lacks %q:\n%s", want, text)
		}
	}
	if _, err := httpGet(url); err == nil {
		t.Error("the server still answers after Close")
	}
	q, err := StartView(ViewOptions{Stderr: &out, Quiet: true})
	if err != nil {
		t.Fatal(err)
	}
	if q.Stderr() != &out || q.URL() != "" || q.Close(context.Background(), "complete") != nil {
		t.Error("a quiet view without a server is not a no-op")
	}
}

// TestViewSaysItLingers: with --live-linger the command stays up after the
// results, serving the final state; it says so, where, for how long and
// how to end it. It sat silent for the linger before. With nothing to
// linger over (its context already done) it says nothing.
func TestViewSaysItLingers(t *testing.T) {
	var out syncBuffer
	v, err := StartView(ViewOptions{Stderr: &out, Quiet: true, Serve: &ServerOptions{Linger: 20 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	url := v.URL()
	if err := v.Close(context.Background(), "complete"); err != nil {
		t.Fatal(err)
	}
	if want := "inferbench: live view stays up at " + url + " for 20ms (--live-linger; Ctrl-C ends it)\n"; !strings.Contains(out.String(), want) {
		t.Errorf("stderr %q; want %q", out.String(), want)
	}
	var quiet syncBuffer
	v, err = StartView(ViewOptions{Stderr: &quiet, Quiet: true, Serve: &ServerOptions{Linger: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	v.Close(ctx, "interrupted")
	if strings.Contains(quiet.String(), "stays up") {
		t.Errorf("stderr %q; want no linger line when there is nothing to linger over", quiet.String())
	}
}
