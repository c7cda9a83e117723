package openai_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/openai"
)

// TestHTMLErrorPageReadsAsText: a gateway's or proxy's HTML error page (a
// 502 from nginx in front of vLLM, a 503 from a load balancer) reads in the
// error, and so in the record, the report and the terminal, as the page's
// words, not its markup: the title and visible text, entities decoded,
// scripts, styles and comments dropped. The body itself is kept as it came.
func TestHTMLErrorPageReadsAsText(t *testing.T) {
	html := http.Header{"Content-Type": {"text/html"}}
	nginx := "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n"
	for _, tc := range []struct {
		name, body, want string
		status           int
	}{
		{"nginx 502", nginx, "http 502: 502 Bad Gateway nginx/1.25.3 (HTML page)", 502},
		{
			"script, style, comment, entities",
			"<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><style>body{color:red}</style>" +
				"<title>Service Unavailable</title><script>var a = '<b>x</b>';</script></head>" +
				"<body><!-- upstream: 10.0.0.7 --><h1>Service  Unavailable</h1>\n<p>Back &amp; running <i>soon</i>.</p>" +
				strings.Repeat("<!-- pad -->", 200) + "</body></html>",
			"http 503: Service Unavailable Back & running soon. (HTML page)", 503,
		},
		{"no text at all", "<html><head></head><body><script>x()</script></body></html>", "http 500 Internal Server Error (HTML page)", 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := replay(t, openai.Config{}, tc.status, html, tc.body, nil)
			var he *targets.HTTPError
			if !errors.As(r.Err, &he) {
				t.Fatalf("err %T %v, want *targets.HTTPError", r.Err, r.Err)
			}
			if got := he.Error(); got != tc.want {
				t.Errorf("error %q\nwant  %q", got, tc.want)
			}
			if !strings.HasPrefix(he.Body, targets.Printable(strings.TrimSpace(tc.body))[:20]) {
				t.Errorf("Body %q: want the page as it came", he.Body)
			}
		})
	}
}
