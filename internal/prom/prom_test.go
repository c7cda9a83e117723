package prom

import (
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// TestValue: each kind's value from a parsed page; NaN and +Inf are none.
func TestValue(t *testing.T) {
	page := `# TYPE g gauge
g 1.5
# TYPE c counter
c 7
u 3
# TYPE h histogram
h_bucket{le="+Inf"} 2
h_sum 4.25
h_count 2
# TYPE s summary
s_sum 9
s_count 1
# TYPE n gauge
n NaN
# TYPE i gauge
i +Inf
`
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]float64{"g": 1.5, "c": 7, "u": 3, "h": 4.25, "s": 9, "n": math.NaN(), "i": math.NaN()} {
		v, ok := Value(fams[name].GetMetric()[0])
		if math.IsNaN(want) {
			if ok {
				t.Errorf("%s: value %v; want none", name, v)
			}
			continue
		}
		if !ok || v != want {
			t.Errorf("%s: %v, %v; want %v", name, v, ok, want)
		}
	}
}

// TestFetchSaysWhatTheServerAnswered: a failed scrape's error carries the
// server's message (an engine's JSON error, the mock's "no simulated GPU"),
// or the start of another body on one line, escapes shown, not sent.
func TestFetchSaysWhatTheServerAnswered(t *testing.T) {
	for body, want := range map[string]string{
		`{"error": {"message": "no simulated GPU in fixed-timing mode", "type": "NotFoundError"}}`: "scrape URL: HTTP 404: no simulated GPU in fixed-timing mode",
		`{"detail": "Not Found"}`:                     "URL: HTTP 404: Not Found",
		"<html>\n<body>nope\x1b[2J</body>\n</html>\n": `URL: HTTP 404: <html> <body>nope\x1b[2J</body> </html>`,
		"": "URL: HTTP 404",
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, body)
		}))
		_, err := Fetch(t.Context(), srv.Client(), srv.URL, 0, "scrape", func(io.Reader) (int, error) { return 0, nil })
		srv.Close()
		want = strings.Replace(want, "URL", srv.URL, 1)
		if err == nil || !strings.HasSuffix(err.Error(), want) {
			t.Errorf("body %q: error %v; want it to end %q", body, err, want)
		}
	}
}
