package targettest_test

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/inferbench/inferbench/targets/targettest"
)

func TestDechunk(t *testing.T) {
	got, err := targettest.Dechunk([]byte("5\r\nhello\r\n1;ext=1\r\n,\r\n6\n world\n0\r\n\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"hello", ",", " world"}, strs(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range []string{"zz\r\nx", "5\r\nhel", "2\r\nhiX"} {
		if _, err := targettest.Dechunk([]byte(bad)); err == nil {
			t.Errorf("Dechunk(%q) accepted", bad)
		}
	}
}

func strs(bs [][]byte) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = string(b)
	}
	return out
}

func TestExtractFormats(t *testing.T) {
	cases := []struct {
		name, in string
		status   int
		ctype    string
		body     string
		pieces   []string
	}{
		{
			name:   "raw chunked",
			in:     "# SOURCE: x\nHTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n8\r\ndata: a\n\r\n9\r\n\ndata: b\n\r\n0\r\n\r\n",
			status: 200, ctype: "text/event-stream", body: "data: a\n\ndata: b\n", pieces: []string{"data: a\n", "\ndata: b\n"},
		},
		{
			name:   "raw with Content-Length",
			in:     "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}trailing",
			status: 400, ctype: "application/json", body: `{"a":1}`,
		},
		{
			name:   "httprr",
			in:     "httprr trace v1\n6 42\nGET /\nHTTP/2.0 429 Too Many Requests\r\nA: b\r\n\r\n{}",
			status: 429, body: "{}",
		},
		{
			name:   "VCR",
			in:     "interactions:\n- request:\n    method: POST\n  response:\n    body:\n      string: |+\n        data: x\n\n    headers:\n      content-type:\n      - text/event-stream\n    status:\n      code: 200\n",
			status: 200, ctype: "text/event-stream", body: "data: x\n\n",
		},
		{
			name:   "VCR parsed_body",
			in:     "interactions:\n- response:\n    parsed_body:\n      message: bad model\n    status:\n      code: 400\n",
			status: 400, body: `{"message":"bad model"}`,
		},
		{
			name:   "dump",
			in:     "=== interaction 0 ===\n>>> POST u\n<<< HTTP 401 Unauthorized\n<<< content-type: application/json\n<<< [body bytes follow verbatim]\n{\"e\":1}\n[note: x]\n=== end interaction ===\n",
			status: 401, ctype: "application/json", body: "{\"e\":1}\n",
		},
		{
			name:   "curl output",
			in:     "$ curl http://h -d '{\n\"a\": 1\n}'\ndata: {\"b\":2}\n\n",
			status: 200, ctype: "text/event-stream", body: "data: {\"b\":2}\n\n",
		},
		{name: "bare JSON", in: "{\"error\":\"x\"}\n", body: "{\"error\":\"x\"}\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := targettest.Extract([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != tc.status || r.Header.Get("Content-Type") != tc.ctype || string(r.Body) != tc.body {
				t.Errorf("got %d %q %q, want %d %q %q", r.Status, r.Header.Get("Content-Type"), r.Body, tc.status, tc.ctype, tc.body)
			}
			if tc.pieces != nil {
				if diff := cmp.Diff(tc.pieces, strs(r.Pieces)); diff != "" {
					t.Errorf("pieces (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestExtractSharedFixtures extracts every recorded transcript, where the
// shared fixtures sit beside the project: each must yield a body, and the
// ones with a recorded status must yield it.
func TestExtractSharedFixtures(t *testing.T) {
	files, _ := filepath.Glob("../../../shared/fixtures/protocols/*.txt")
	if len(files) == 0 {
		t.Skip("shared fixtures not found")
	}
	wantStatus := map[string]int{
		"openai-chat-stream-include-usage.txt": 200, "llamacpp-chat-stream.txt": 200, "llamacpp-chat-error-400.txt": 400,
		"groq-chat-stream-x_groq-usage.txt": 200, "openai-error-400-invalid-request.txt": 400,
		"ollama-0.17.4-v1-chat-error-404.txt": 404, "vllm-omni-chat-stream-continuous-usage-partial.txt": 200,
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r, err := targettest.Extract(b)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		if len(r.Body) == 0 {
			t.Errorf("%s: empty body", filepath.Base(f))
		}
		if s, ok := wantStatus[filepath.Base(f)]; ok && r.Status != s {
			t.Errorf("%s: status %d, want %d", filepath.Base(f), r.Status, s)
		}
	}
}

func TestSplits(t *testing.T) {
	body := []byte("data: one\n\ndata: two\r\n\r\ndata: three\r\rtail")
	for name, split := range map[string]targettest.Split{
		"whole": targettest.Whole, "by-event": targettest.ByEvent, "mid-line": targettest.MidLine, "every-4": targettest.Every(4), "every-0": targettest.Every(0),
	} {
		pieces := split(body)
		if !bytes.Equal(bytes.Join(pieces, nil), body) {
			t.Errorf("%s: pieces do not join to the body", name)
		}
	}
	if diff := cmp.Diff([]string{"data: one\n\n", "data: two\r\n\r\n", "data: three\r\r", "tail"}, strs(targettest.ByEvent(body))); diff != "" {
		t.Errorf("ByEvent (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"data", ": one\n\n", "data", ": two\r\n\r\n"}, strs(targettest.MidLine([]byte("data: one\n\ndata: two\r\n\r\n")))); diff != "" {
		t.Errorf("MidLine (-want +got):\n%s", diff)
	}
}

// TestServer: the replay server sends status, headers and body, and keeps
// what it received.
func TestServer(t *testing.T) {
	resp := &targettest.Response{Status: 429, Header: http.Header{"Retry-After": {"3"}, "Content-Length": {"999"}}, Body: []byte(`{"e":1}`)}
	srv := targettest.NewServer(t, targettest.Replay{Response: resp, Split: targettest.Every(2)})
	r, err := http.Post(srv.URL+"/v1/x", "application/json", strings.NewReader(`{"q":1}`))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	if r.StatusCode != 429 || r.Header.Get("Retry-After") != "3" || string(b) != `{"e":1}` {
		t.Errorf("got %d %v %q", r.StatusCode, r.Header, b)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Path != "/v1/x" || string(reqs[0].Body) != `{"q":1}` || reqs[0].Method != "POST" {
		t.Errorf("requests %+v", reqs)
	}
}

func TestServerAbort(t *testing.T) {
	srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 200, Body: []byte("data: a\n\n")}, Abort: true})
	r, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	if string(b) != "data: a\n\n" || err != io.ErrUnexpectedEOF {
		t.Errorf("read %q, %v; want the body then io.ErrUnexpectedEOF", b, err)
	}
}
