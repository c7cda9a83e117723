package live

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inferbench/inferbench/internal/chromiumtest"
	"github.com/inferbench/inferbench/report"
)

// measureScript runs after the page's own script, lays the page out at
// width px (headless Chromium keeps a window at least 500 px wide: the
// root element is given the phone's width instead; page.css has no media
// query that this would miss) and writes on <body data-overflow> how far
// its elements reach past that width (px, 0 when they fit), and on <body
// data-wide> which do. An element inside a box that scrolls sideways (the
// levels table's) is that box's to show.
func measureScript(width int) string {
	return `(function () {
  var vw = ` + strconv.Itoa(width) + `, wide = [];
  document.documentElement.style.width = vw + 'px';
  var over = 0;
  document.querySelectorAll('body *').forEach(function (e) {
    for (var p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return; // scrolls in its box
    }
    var r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > vw + 0.5) {
      over = Math.max(over, Math.round(r.right - vw));
      wide.push((e.id || e.tagName.toLowerCase()) + ' to ' + Math.round(r.right) + ' px');
    }
  });
  document.body.setAttribute('data-overflow', String(over));
  document.body.setAttribute('data-wide', wide.join(', '));
})();`
}

// measureServer is holdServer with measureScript at the end of <body>,
// allowed by its hash in the page's content security policy.
func measureServer(t *testing.T, sv *Server, hold time.Duration, width int) string {
	t.Helper()
	script := measureScript(width)
	h := sha256.Sum256([]byte(script))
	hash := "'sha256-" + base64.StdEncoding.EncodeToString(h[:]) + "'"
	inner := holdServer(t, sv, hold, "<script>"+script+"</script>")
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		resp, err := http.Get(strings.TrimSuffix(inner, "/") + r.URL.Path)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		if csp := w.Header().Get("Content-Security-Policy"); csp != "" {
			w.Header().Set("Content-Security-Policy", strings.Replace(csp, "script-src ", "script-src "+hash+" ", 1))
		}
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	})
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	return hs.URL + "/"
}

// TestPageFitsAPhone: on a phone's 390 px the page's charts and levels
// table stay within the screen (the table scrolls sideways in its box if
// it must); before, every chart kept a 420 px column
// and the page scrolled sideways, the right end of each time axis (the
// level running, the latest seconds) off the screen.
func TestPageFitsAPhone(t *testing.T) {
	bin := chromiumtest.Path(t)
	s := New(Options{Run: "phone", SLO: report.SLO{TTFT: time.Second}})
	sv := startServer(t, s, ServerOptions{Interval: 200 * time.Millisecond})
	ctx, stop := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	wg.Go(func() { feedSynthetic(ctx, s) })
	defer wg.Wait()
	defer stop()
	time.Sleep(2 * time.Second) // level 4 done, 8 running: the table has rows

	if strings.Contains(pageCSS, "@media") {
		t.Fatal("page.css has a media query: a root element set to a phone's width does not apply it; measure otherwise")
	}
	for _, width := range []int{390, 1280} {
		dom, console := chromiumtest.Run(t, bin, measureServer(t, sv, 500*time.Millisecond, width), "--dump-dom",
			"--window-size="+strconv.Itoa(max(width, 500))+",2400", "--hide-scrollbars")
		attrs := bodyAttrs(dom)
		if attrs["data-errors"] != "[]" || len(console) > 0 {
			t.Errorf("%d px: page errors %s, console %q; want none", width, attrs["data-errors"], console)
		}
		over, ok := attrs["data-overflow"]
		if !ok {
			t.Fatalf("%d px: the measuring script did not run:\n%s", width, dom)
		}
		if over != "0" || attrs["data-wide"] != "" {
			t.Errorf("%d px: the page reaches %s px past the screen's right edge (%s); want it within", width, over, attrs["data-wide"])
		}
	}
}
