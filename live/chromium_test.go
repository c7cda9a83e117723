package live

import (
	"context"
	"encoding/json"
	"image/png"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inferbench/inferbench/internal/chromiumtest"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// feedSynthetic feeds s a sweep (levels 4 then 8, each 1.5 s), GPU
// telemetry of two devices, engine metrics and a few failures, until ctx
// ends.
func feedSynthetic(ctx context.Context, s *State) {
	rng := rand.New(rand.NewPCG(1, 2))
	now := func() int64 { return time.Since(s.start).Nanoseconds() }
	level := 4.0
	s.LevelStarted(LevelPlan{Level: level, Requests: 150, Warmup: 4})
	levelStart := time.Now()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if level == 4 && time.Since(levelStart) > 1500*time.Millisecond {
			s.LevelFinished(4, nil)
			level = 8
			s.LevelStarted(LevelPlan{Level: level, Requests: 100000})
		}
		ttft := int64(float64(80+level*10)*(0.8+0.4*rng.Float64())) * ms
		tpot := int64(float64(15+level)*(0.9+0.2*rng.Float64())*1e3) * int64(time.Microsecond)
		t := now()
		r := rec(level, t-ttft-63*tpot, ttft, tpot, 64)
		if i%17 == 5 {
			r = failed(level, t-200*ms, 200*ms, rundir.HTTP5xx)
		}
		s.Add(r)
		// As a tracked target would: the level's streams in flight, and
		// the tokens they streamed in these 10 ms.
		s.tracked.Store(true)
		s.inFlight.Store(int64(level) - int64(i%2))
		s.streamed.Add(int64(level) * 10 * ms / tpot)
		if i%10 == 0 {
			var ss []rundir.GPUSample
			for d := range 2 {
				util := 60 + 30*rng.Float64()
				mem := uint64((50 + 10*d + rng.IntN(5)) << 30)
				power := 300 + 200*rng.Float64()
				ss = append(ss, rundir.GPUSample{TNS: t, Index: d, UtilizationPct: &util, MemoryUsedBytes: &mem, PowerW: &power})
			}
			s.GPU(ss)
			run, wait, kv := level, float64(rng.IntN(6)), 0.3+0.4*rng.Float64()
			s.Server(rundir.ServerSample{TNS: t, Engine: "vllm", RequestsRunning: &run, RequestsWaiting: &wait, KVCacheUsage: &kv})
		}
	}
}

// holdServer serves the live server's routes on its own origin, with the
// page changed in one way: an image at the end of <body>, from this
// origin, that the server answers after hold. Chromium writes the DOM or
// the screenshot at the page's load event, which waits for the image:
// the page meanwhile receives live events. extra is added before </body>
// too (a test's foreign load).
func holdServer(t *testing.T, sv *Server, hold time.Duration, extra string) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/hold", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(hold):
		case <-r.Context().Done():
		}
		w.Header().Set("Content-Type", "image/gif")
		w.Write([]byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			sv.http.Handler.ServeHTTP(w, r)
			return
		}
		rr := httptest.NewRecorder()
		sv.http.Handler.ServeHTTP(rr, r)
		for k, v := range rr.Header() {
			w.Header()[k] = v
		}
		page := strings.Replace(rr.Body.String(), "</body>", extra+`<img src="hold" alt="">`+"</body>", 1)
		io.WriteString(w, page)
	})
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	return hs.URL + "/"
}

var (
	bodyTag  = regexp.MustCompile(`<body[^>]*>`)
	attrRe   = regexp.MustCompile(`([a-z-]+)="([^"]*)"`)
	spanText = func(id string) *regexp.Regexp { return regexp.MustCompile(`id="` + id + `"[^>]*>([^<]*)<`) }
)

func bodyAttrs(dom string) map[string]string {
	m := map[string]string{}
	for _, a := range attrRe.FindAllStringSubmatch(bodyTag.FindString(dom), -1) {
		m[a[1]] = strings.NewReplacer("&quot;", `"`, "&amp;", "&").Replace(a[2])
	}
	return m
}

// TestPageInChromium: after a few seconds of a synthetic run the page,
// in headless Chromium, shows a non-zero request count, charts drawn with
// data, GPU and engine charts, the levels table, live events received; it
// logs no console error and loads nothing from another origin (its CSP
// forbids it, and the page reports any refusal on <body data-errors>).
func TestPageInChromium(t *testing.T) {
	bin := chromiumtest.Path(t)
	s := New(Options{Run: "chromium-demo", SLO: report.SLO{TTFT: time.Second}})
	sv := startServer(t, s, ServerOptions{Interval: 200 * time.Millisecond})
	ctx, stop := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	wg.Go(func() { feedSynthetic(ctx, s) })
	defer wg.Wait()
	defer stop()
	time.Sleep(2 * time.Second)

	_, page := get(t, sv.URL())
	checkSelfContained(t, page)

	url := holdServer(t, sv, 2500*time.Millisecond, "")
	dom, console := chromiumtest.Run(t, bin, url, "--dump-dom")
	attrs := bodyAttrs(dom)
	if attrs["data-errors"] != "[]" || len(console) > 0 {
		t.Errorf("page errors %s, console %q; want none", attrs["data-errors"], console)
	}
	if n, _ := strconv.Atoi(attrs["data-events"]); n < 2 {
		t.Errorf("the page handled %q live events; want several", attrs["data-events"])
	}
	if m := spanText("requests").FindStringSubmatch(dom); m == nil || m[1] == "0" {
		t.Errorf("request count %q; want non-zero", m)
	}
	for _, c := range []string{"rps", "inflight", "ttft", "tpot", "outtps", "errors", "gpu-util", "gpu-mem", "gpu-power", "queue", "kv"} {
		m := regexp.MustCompile(`id="chart-` + c + `"[^>]*data-points="(\d+)"`).FindStringSubmatch(dom)
		if m == nil || m[1] == "0" {
			t.Errorf("chart %s drew %v points; want some", c, m)
		}
	}
	// The captions name the spans of the State's windows (5 s, 2 s).
	for id, want := range map[string]string{"cap-rps": "Requests completed per second (last 5 s)", "cap-ttft": "TTFT, ms (last 5 s)",
		"cap-tpot": "TPOT, ms (last 5 s)", "cap-outtps": "Output tokens streamed per second (last 2 s)"} {
		if m := spanText(id).FindStringSubmatch(dom); m == nil || m[1] != want {
			t.Errorf("caption %s reads %q; want %q", id, m, want)
		}
	}
	for _, fig := range []string{"fig-gpu-util", "fig-queue", "fig-kv"} {
		if strings.Contains(dom, `id="`+fig+`" class="hidden"`) {
			t.Errorf("%s hidden though the run has its telemetry", fig)
		}
	}
	if !strings.Contains(dom, "<tr><td>4</td><td>done</td>") ||
		!strings.Contains(dom, "<td>8</td><td>running</td>") {
		t.Errorf("levels table lacks level 4 done and level 8 running:\n%s", regexp.MustCompile(`(?s)<tbody id="level-rows">.*?</tbody>`).FindString(dom))
	}
	// Level 4's TTFT p95 is marked where it rests on fewer samples than a
	// p95 needs, as the terminal's result line marks it.
	snap := s.Snapshot()
	if r := snap.Levels[0].Result; r == nil || !r.HasTTFT {
		t.Errorf("level 4's result %+v; want a TTFT", r)
	} else if m := regexp.MustCompile(`<tr><td>4</td><td>done</td><td>[^<]*</td><td>\d+</td><td>\d+</td><td>([^<]*)</td>`).FindStringSubmatch(dom); m == nil ||
		strings.HasSuffix(m[1], "*") != r.TTFTThin {
		t.Errorf("level 4's TTFT p95 cell %q; want marked %v (%d ok)", m, r.TTFTThin, r.OK)
	}

	// A screenshot: the charts' lines are there in pixels.
	shot := filepath.Join(t.TempDir(), "live.png")
	chromiumtest.Run(t, bin, url, "--screenshot="+shot, "--window-size=1400,1900", "--hide-scrollbars")
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	blue := 0 // the p50 / first series colour, #1f77b4
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near8(r, 0x1f) && near8(g, 0x77) && near8(bl, 0xb4) {
				blue++
			}
		}
	}
	if blue < 500 {
		t.Errorf("%d pixels of the first series' colour in the screenshot; want the chart lines (≥ 500)", blue)
	}
	if dst := os.Getenv("INFERBENCH_LIVE_SCREENSHOT"); dst != "" {
		b, _ := os.ReadFile(shot)
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			t.Error(err)
		}
	}

	// The first Ctrl-C: the page's state and the running level say
	// "stopping" (they said "running" until the run had ended).
	s.Stopping(5 * time.Second)
	dom, _ = chromiumtest.Run(t, bin, holdServer(t, sv, 2500*time.Millisecond, ""), "--dump-dom")
	if m := spanText("state").FindStringSubmatch(dom); m == nil || !strings.HasPrefix(m[1], "stopping (Ctrl-C)") {
		t.Errorf("after Stopping the page's state reads %q; want stopping (Ctrl-C)…", m)
	}
	if !strings.Contains(dom, "<td>8</td><td>stopping</td>") {
		t.Errorf("after Stopping the levels table lacks level 8 stopping:\n%s", regexp.MustCompile(`(?s)<tbody id="level-rows">.*?</tbody>`).FindString(dom))
	}
}

func near8(v uint32, want int) bool { d := int(v>>8) - want; return d >= -6 && d <= 6 }

// TestChromiumCatchesForeignLoad: a page that tries to load from another
// origin is refused by the policy and reports it, so the test above can fail.
func TestChromiumCatchesForeignLoad(t *testing.T) {
	bin := chromiumtest.Path(t)
	s := New(Options{Run: "foreign"})
	sv := startServer(t, s, ServerOptions{})
	url := holdServer(t, sv, 100*time.Millisecond, `<img src="http://192.0.2.1/x.png" alt="">`)
	dom, _ := chromiumtest.Run(t, bin, url, "--dump-dom")
	var errs []string
	if err := json.Unmarshal([]byte(bodyAttrs(dom)["data-errors"]), &errs); err != nil || len(errs) == 0 ||
		!strings.Contains(strings.Join(errs, ";"), "192.0.2.1") {
		t.Errorf("page errors %q (%v); want the foreign image reported", errs, err)
	}
}
