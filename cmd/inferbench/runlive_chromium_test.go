package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/internal/chromiumtest"
	"github.com/inferbench/inferbench/mock"
)

// TestLivePageDuringRun: the page `run --live` serves, loaded in headless
// Chromium while the run measures the mock, shows a non-zero request count
// and its charts drawn with data, handles live events, and reports no error
// (console, script, or a load the page's policy refused). Skipped without
// Chromium unless INFERBENCH_REQUIRE_CHROMIUM is set (CI), as the live
// package's own page test is.
func TestLivePageDuringRun(t *testing.T) {
	bin := chromiumtest.Path(t)
	if testing.Short() {
		t.Skip("a browser during a run takes seconds")
	}
	mockURL := liveMock(t, mock.Config{TTFT: 10 * time.Millisecond, ITL: 5 * time.Millisecond, OutputTokens: 8})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- newApp(&stdout, &stderr).RunContext(ctx, []string{"inferbench", "run", "--target", "vllm", "--url", mockURL,
			"--model", "m", "-c", "4", "-n", "0", "--duration", "10m", "--max-tokens", "8", "--gpu-backend", "none",
			"--live", ":0", "--out", filepath.Join(t.TempDir(), "page-run")})
	}()
	defer func() { cancel(); <-done }()
	base := liveURL(t, &stderr, done)
	dom, console := dumpDuringRun(t, bin, base)
	attrs := map[string]string{}
	for _, a := range regexp.MustCompile(`([a-z-]+)="([^"]*)"`).FindAllStringSubmatch(regexp.MustCompile(`<body[^>]*>`).FindString(dom), -1) {
		attrs[a[1]] = strings.ReplaceAll(a[2], "&quot;", `"`)
	}
	if attrs["data-errors"] != "[]" || len(console) > 0 {
		t.Errorf("page errors %q, console %q; want none", attrs["data-errors"], console)
	}
	if n, _ := strconv.Atoi(attrs["data-events"]); n < 1 {
		t.Errorf("the page handled %q live events; want some", attrs["data-events"])
	}
	if m := regexp.MustCompile(`id="requests"[^>]*>([^<]*)<`).FindStringSubmatch(dom); m == nil || m[1] == "0" || m[1] == "" {
		t.Errorf("request count %q; want non-zero", m)
	}
	for _, c := range []string{"rps", "inflight", "ttft", "tpot", "outtps"} {
		m := regexp.MustCompile(`id="chart-` + c + `"[^>]*data-points="(\d+)"`).FindStringSubmatch(dom)
		if m == nil || m[1] == "0" {
			t.Errorf("chart %s drew %v points; want some", c, m)
		}
	}
}

// dumpDuringRun loads the live page at base in headless Chromium through a
// same-origin proxy that holds the page's load event for 2.5 s (an image
// served late), so the page follows /events before its DOM is dumped.
func dumpDuringRun(t *testing.T, bin, base string) (dom string, console []string) {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.FlushInterval = -1 // events as they come
	mux := http.NewServeMux()
	mux.Handle("/", proxy)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		resp, err := http.Get(base)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		page, _ := io.ReadAll(resp.Body)
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		io.WriteString(w, strings.Replace(string(page), "</body>", `<img src="hold" alt=""></body>`, 1))
	})
	mux.HandleFunc("GET /hold", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2500 * time.Millisecond):
		case <-r.Context().Done():
		}
		w.Header().Set("Content-Type", "image/gif")
		w.Write([]byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"))
	})
	hs := httptest.NewServer(mux)
	defer hs.Close()
	return chromiumtest.Run(t, bin, hs.URL+"/", "--dump-dom")
}
