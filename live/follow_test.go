package live

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
)

// runDir is a run directory written the way a run writes it, by hand.
type runDir struct {
	t   *testing.T
	dir string
	m   *rundir.Manifest
	f   *os.File
}

func newRunDir(t *testing.T, slo scenarios.SLO, requests int) *runDir {
	t.Helper()
	sc, err := json.Marshal(scenarios.Scenario{SLO: slo})
	if err != nil {
		t.Fatal(err)
	}
	d := &runDir{t: t, dir: filepath.Join(t.TempDir(), "nightly-1")}
	if err := os.Mkdir(d.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	d.m = &rundir.Manifest{Tool: "inferbench", Start: time.Now().UTC(), ExitState: rundir.ExitRunning, Scenario: sc,
		Load: rundir.LoadInfo{Profile: "sweep", Requests: requests}}
	d.writeManifest()
	d.f, err = os.Create(filepath.Join(d.dir, rundir.RecordsFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.f.Close() })
	return d
}

func (d *runDir) writeManifest() {
	if err := rundir.WriteManifest(d.dir, d.m); err != nil {
		d.t.Fatal(err)
	}
}

func (d *runDir) write(s string) {
	if _, err := d.f.WriteString(s); err != nil {
		d.t.Fatal(err)
	}
}

func (d *runDir) record(r *rundir.Record) string {
	b, err := json.Marshal(r)
	if err != nil {
		d.t.Fatal(err)
	}
	return string(b) + "\n"
}

// TestFollow: a run directory written over 8 s (two levels, a line written
// in two halves, a failure) is followed to its end; the result lines are
// those report computes from the finished directory, and a progress line
// showed the level running.
func TestFollow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := newRunDir(t, scenarios.SLO{TTFT: scenarios.Duration(300 * time.Millisecond)}, 8)
		var out syncBuffer
		done := make(chan error, 1)
		go func() {
			done <- Follow(t.Context(), d.dir, &out, FollowOptions{Progress: ProgressOptions{Mode: ModePlain, Interval: time.Second}})
		}()
		start := time.Now()
		now := func() int64 { return time.Since(start).Nanoseconds() }
		for _, level := range []float64{2, 4} {
			for k := range 8 {
				time.Sleep(500 * time.Millisecond)
				var r *rundir.Record
				if level == 4 && k == 3 {
					r = failed(level, now()-100*ms, 100*ms, rundir.Connection)
				} else {
					ttft := int64(100*level) * ms * int64(k+1) / 4
					r = rec(level, now()-ttft-9*20*ms, ttft, 20*ms, 10)
				}
				r.ID = uint64(k)
				line := d.record(r)
				if k == 5 {
					// Half a line, read by a poll or two, then the rest.
					d.write(line[:len(line)/2])
					time.Sleep(600 * time.Millisecond)
					d.write(line[len(line)/2:])
					continue
				}
				d.write(line)
			}
		}
		d.m.ExitState = rundir.ExitComplete
		d.writeManifest()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		text := out.String()
		sum, _, err := report.SummarizeRun(d.dir, report.ManifestSLO(d.m.Scenario))
		if err != nil {
			t.Fatal(err)
		}
		slo := report.ManifestSLO(d.m.Scenario)
		for i := range sum.Levels {
			res := ResultOf(&sum.Levels[i], slo)
			want := join(resultRow(&res, followedPlan(d, res.Level), followedPlan(d, res.Level).unit()))
			if strings.Count(text, want+"\n") != 1 {
				t.Errorf("output lacks report's result line %q once:\n%s", want, text)
			}
		}
		if len(sum.Levels) != 2 || sum.Levels[1].Requests.Failed != 1 {
			t.Fatalf("report: %+v; want two levels, one failure", sum.Levels)
		}
		if !regexp.MustCompile(`inferbench: level 2 streams  \d/8 `).MatchString(text) {
			t.Errorf("no progress line of level 2:\n%s", text)
		}
		if strings.Contains(text, "warning") {
			t.Errorf("a warning for a line written in two halves:\n%s", text)
		}
	})
}

// TestFollowDecodeError: a line that is not a record stops the follower
// with file:line:col.
func TestFollowDecodeError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := newRunDir(t, scenarios.SLO{}, 3)
		d.write(d.record(rec(1, 0, ms, ms, 2)))
		d.write(`{"id": 1, "stage": "measure", "level": tru}` + "\n")
		f, err := NewFollower(t.Context(), d.dir, FollowOptions{})
		if err != nil {
			t.Fatal(err)
		}
		err = f.Run(t.Context())
		if err == nil || !regexp.MustCompile(`requests\.jsonl:2:43: invalid character '}' in literal true`).MatchString(err.Error()) {
			t.Errorf("error %v; want requests.jsonl:2:43: invalid character …", err)
		}
	})
}

// TestFollowWaitsForManifest: a directory without run.json yet is waited
// for, as long as the context lasts, and the wait is said once: `watch
// /etc` printed nothing and waited forever.
func TestFollowWaitsForManifest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		var warned []string
		_, err := NewFollower(ctx, dir, FollowOptions{Warn: func(s string) { warned = append(warned, s) }})
		if err == nil || !strings.Contains(err.Error(), "no run.json yet") {
			t.Errorf("error %v; want no run.json yet", err)
		}
		if want := dir + " has no run.json yet: waiting for a run to write it"; len(warned) != 1 || !strings.HasPrefix(warned[0], want) {
			t.Errorf("warnings %q; want one starting %q", warned, want)
		}
		if _, err := NewFollower(ctx, filepath.Join(dir, "typo", "run"), FollowOptions{}); err == nil || !strings.Contains(err.Error(), "no such file") {
			t.Errorf("error %v for a directory whose parent does not exist; want it at once", err)
		}
	})
}

// TestFollowWaitsForRunDir: a run directory that does not exist yet in a
// parent that does (a watcher started beside its run) is waited for, said
// once, and followed once the run creates it.
func TestFollowWaitsForRunDir(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := newRunDir(t, scenarios.SLO{}, 3)
		later := filepath.Join(t.TempDir(), "run")
		var warned []string
		go func() {
			time.Sleep(3 * time.Second)
			if err := os.Rename(d.dir, later); err != nil {
				t.Error(err)
			}
		}()
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		f, err := NewFollower(ctx, later, FollowOptions{Warn: func(s string) { warned = append(warned, s) }})
		if err != nil {
			t.Fatal(err)
		}
		if f.State() == nil || len(warned) != 1 || !strings.Contains(warned[0], "does not exist yet") {
			t.Errorf("warnings %q; want one saying the directory does not exist yet", warned)
		}
		ctx2, cancel2 := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel2()
		if _, err := NewFollower(ctx2, filepath.Join(t.TempDir(), "never"), FollowOptions{}); err == nil || !strings.Contains(err.Error(), "no run directory yet") {
			t.Errorf("error %v; want no run directory yet when the context ends", err)
		}
	})
}

// TestFollowClock: the follower's clock is the newest record's done
// offset advanced by local time, whatever the writer's wall clock said.
func TestFollowClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := newRunDir(t, scenarios.SLO{}, 3)
		d.m.Start = time.Now().Add(-time.Hour) // the writer's clock an hour behind
		d.writeManifest()
		d.write(d.record(rec(1, 1000*ms, 100*ms, 10*ms, 11))) // done at 1.2 s
		f, err := NewFollower(t.Context(), d.dir, FollowOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.poll(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		if got := f.State().Snapshot().NowNS; got != 1500*ms {
			t.Errorf("clock %v; want 1.5 s (1.2 s + 0.3 s read later)", time.Duration(got))
		}
	})
}

// TestFollowTelemetry: each telemetry file's lines reach the state as their
// sample type; a line that does not decode is reported with its file and
// line, and that file is no longer read.
func TestFollowTelemetry(t *testing.T) {
	d := newRunDir(t, scenarios.SLO{}, 3)
	for name, lines := range map[string]string{
		rundir.GPUFile:    `{"t_ns":1,"index":0,"power_w":300}` + "\n",
		rundir.ServerFile: `{"t_ns":1,"engine":"vllm","requests_waiting":3}` + "\n",
		rundir.ClientFile: `{"t_ns":1,"cores":4}` + "\n" + `{"t_ns":2,"cores":x}` + "\n" + `{"t_ns":3,"cores":8}` + "\n",
	} {
		if err := os.WriteFile(filepath.Join(d.dir, name), []byte(lines), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var warned []string
	f, err := NewFollower(t.Context(), d.dir, FollowOptions{Warn: func(s string) { warned = append(warned, s) }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.poll(); err != nil {
		t.Fatal(err)
	}
	snap := f.State().Snapshot()
	if len(snap.GPUs) != 1 || snap.GPUs[0].PowerW == nil || *snap.GPUs[0].PowerW != 300 {
		t.Errorf("GPUs %+v; want device 0 at 300 W", snap.GPUs)
	}
	if snap.Server == nil || snap.Server.Engine != rundir.EngineVLLM || snap.Server.RequestsWaiting == nil || *snap.Server.RequestsWaiting != 3 {
		t.Errorf("server %+v; want vllm with 3 waiting", snap.Server)
	}
	if c := f.State().clients; len(c) != 1 || c[0].Cores != 4 {
		t.Errorf("client samples %+v; want the one before the bad line (4 cores)", c)
	}
	if len(warned) != 1 || !regexp.MustCompile(`client\.jsonl:2: invalid character 'x'.*\(no longer followed\)$`).MatchString(warned[0]) {
		t.Errorf("warnings %q; want one: client.jsonl:2: invalid character 'x' … (no longer followed)", warned)
	}
}

// TestFollowEndedRunWithNoRecords: watching a run that ended before any
// request was recorded says so; it printed nothing and exited 0.
func TestFollowEndedRunWithNoRecords(t *testing.T) {
	d := newRunDir(t, scenarios.SLO{}, 3)
	d.m.ExitState = rundir.ExitInterrupted
	d.writeManifest()
	var out strings.Builder
	if err := Follow(t.Context(), d.dir, &out, FollowOptions{Progress: ProgressOptions{Mode: ModePlain, Interval: time.Second}}); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("Follow: %v; want ErrInterrupted (the run was)", err)
	}
	if want := d.dir + " ended (interrupted) with no request recorded"; !strings.Contains(out.String(), want) {
		t.Errorf("output %q; want %q", out.String(), want)
	}
}

// TestFollowLateRecordJoinsItsLevel: a record of a level already finished
// (a merged run whose shards crossed a level boundary apart) counts in that
// level and does not start a row of its own: level 1, level 4, a late
// level-1 record, level 4 again gave four rows (1, 4, 1, 4).
func TestFollowLateRecordJoinsItsLevel(t *testing.T) {
	d := newRunDir(t, scenarios.SLO{}, 3)
	for _, r := range []*rundir.Record{rec(1, 0, ms, ms, 2), rec(1, ms, ms, ms, 2), rec(4, 10*ms, ms, ms, 2),
		rec(1, 9*ms, ms, ms, 2), rec(4, 11*ms, ms, ms, 2), rec(4, 12*ms, ms, ms, 2)} {
		d.write(d.record(r))
	}
	d.m.ExitState = rundir.ExitComplete
	d.writeManifest()
	f, err := NewFollower(t.Context(), d.dir, FollowOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	s := f.State().Snapshot()
	var levels []float64
	for _, l := range s.Levels {
		levels = append(levels, l.Plan.Level)
	}
	if len(levels) != 2 || levels[0] != 1 || levels[1] != 4 || s.OK != 6 {
		t.Errorf("levels %v, %d ok; want [1 4] and all 6 counted", levels, s.OK)
	}
}

// TestFollowTraceETA: watching a trace replay, the level's total and the
// ETA's end come from run.json (load.requests, load.trace_last_due_s):
// two of four lines done at 0.5 s, the last due at 10 s; at 3 s the line
// reads 2/4 and about 7 s left. Before, it read "2 done" with no ETA.
// followPlain follows d with plain progress lines a second apart while
// feed writes to it (feed is given when following began), and returns what
// it printed. Call it in a synctest bubble.
func followPlain(t *testing.T, d *runDir, feed func(start time.Time)) string {
	var out syncBuffer
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- Follow(ctx, d.dir, &out, FollowOptions{Progress: ProgressOptions{Mode: ModePlain, Interval: time.Second}})
	}()
	feed(time.Now())
	cancel()
	<-done
	return out.String()
}

// TestFollowSaysStartingBeforeItsFirstRecord: a level is known to watch by
// its first record, written when that request ends; until then a line says
// how long ago the run started, where there was silence (a 6 s spread
// probe, or minutes of a long first request).
func TestFollowSaysStartingBeforeItsFirstRecord(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := newRunDir(t, scenarios.SLO{}, 4)
		text := followPlain(t, d, func(start time.Time) {
			time.Sleep(2500 * time.Millisecond)
			d.write(d.record(rec(0, time.Since(start).Nanoseconds()-200*ms, 100*ms, 10*ms, 5)))
			time.Sleep(1500 * time.Millisecond)
		})
		for _, want := range []string{"inferbench: starting  0:01  no request done yet\n", "inferbench: starting  0:02  no request done yet\n",
			"inferbench: level 0 streams  1/4 "} {
			if !strings.Contains(text, want) {
				t.Errorf("no line %q:\n%s", want, text)
			}
		}
		if i := strings.Index(text, "level 0"); i < 0 || strings.Contains(text[i:], "starting") {
			t.Errorf("starting after the level began:\n%s", text)
		}
	})
}

func TestFollowTraceETA(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := newRunDir(t, scenarios.SLO{}, 4)
		d.m.Load.Profile, d.m.Load.TraceLastDueS = "trace", 10
		d.writeManifest()
		text := followPlain(t, d, func(start time.Time) {
			time.Sleep(500 * time.Millisecond)
			for id := range 2 {
				r := rec(0, time.Since(start).Nanoseconds()-200*ms, 100*ms, 10*ms, 5)
				r.ID = uint64(id)
				d.write(d.record(r))
			}
			time.Sleep(3 * time.Second)
		})
		if !regexp.MustCompile(`trace  2/4 .*ETA 0:0[67]`).MatchString(text) {
			t.Errorf("no line of 2/4 with about 7 s left:\n%s", text)
		}
	})
}

// followedPlan is the plan a follower of d gives its level, as far as the
// result line names it.
func followedPlan(d *runDir, level float64) LevelPlan {
	return LevelPlan{Level: level, Profile: d.m.Load.Profile}
}
