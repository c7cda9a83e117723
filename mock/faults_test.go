package mock

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

const faultBody = `{"messages":[{"role":"user","content":"hi"}],"stream":true,"max_tokens":10}`

func TestFaultsBeforeStream(t *testing.T) {
	s := newServer(t, Config{OutputTokens: 10})
	for _, tc := range []struct {
		path, header string
		status       int
		retryAfter   string
		body         string
	}{
		{"/v1/chat/completions", "429; retry-after=3s", 429, "3", `"type":"RateLimitError"`},
		{"/v1/chat/completions", "500", 500, "", `"code":500`},
		{"/v1/chat/completions", "503", 503, "1", `"type":"ServiceUnavailableError"`},
		{"/openai/v1/chat/completions", "429", 429, "1", `"code":"rate_limit_exceeded"`},
		{"/v1/messages", "503", 503, "1", `"type":"overloaded_error"`},
		{"/api/generate", "503", 503, "1", `server busy`},
		{"/generate_stream", "429", 429, "1", `"error_type":"overloaded"`},
		{"/v1beta/models/g:streamGenerateContent?alt=sse", "429; retry-after=7s", 429, "7", `"retryDelay":"7s"`},
		{"/v1/chat/completions", "bogus", 400, "", "unknown fault kind"},
		// The routes outside serveGeneration's table and the other error
		// bodies share preResponseFault: the status, Retry-After (rounded
		// up) and each one's own body.
		{"/v1/models/o/n/predictions", "429; retry-after=2500ms", 429, "3", `"detail":"Request was throttled. (injected fault)"`},
		{"/v1/models/o/n/predictions", "500", 500, "", `"title":"Internal Server Error"`},
		{"/v1/predictions", "bogus", 400, "", "unknown fault kind"},
		{"/v2/models/e/generate_stream", "503; retry-after=2s", 503, "2", `{"error":"mock: service unavailable, model overloaded (injected fault)"}`},
		{"/v1/projects/p/locations/l/publishers/google/models/g:streamGenerateContent?alt=sse", "429", 429, "1", `[{"error":{"code":429,`},
		{"/model/m/converse-stream", "503", 503, "1", `{"message":"mock: service unavailable, model overloaded (injected fault)"}`},
	} {
		body := faultBody
		switch {
		case strings.HasPrefix(tc.path, "/v1/messages"):
			body = `{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"stream":true}`
		case strings.HasPrefix(tc.path, "/api/"):
			body = `{"model":"m","prompt":"hi"}`
		case strings.HasPrefix(tc.path, "/generate"):
			body = `{"inputs":"hi"}`
		case strings.HasPrefix(tc.path, "/v1beta"), strings.HasPrefix(tc.path, "/v1/projects/"):
			body = `{"contents":[{"parts":[{"text":"hi"}]}]}`
		case strings.HasSuffix(tc.path, "/predictions"):
			body = `{"version":"v","input":{"prompt":"hi"},"stream":true}`
		case strings.HasPrefix(tc.path, "/v2/"):
			body = `{"text_input":"a b","max_tokens":3}`
		case strings.HasPrefix(tc.path, "/model/"):
			body = `{"messages":[{"role":"user","content":[{"text":"a"}]}]}`
		}
		rec := httptest.NewRecorder()
		req := post(t.Context(), tc.path, body)
		req.Header.Set(FaultHeader, tc.header)
		s.ServeHTTP(rec, req)
		if rec.Code != tc.status || rec.Header().Get("Retry-After") != tc.retryAfter || !strings.Contains(rec.Body.String(), tc.body) {
			t.Errorf("%s %s: %d retry-after %q %s", tc.path, tc.header, rec.Code, rec.Header().Get("Retry-After"), rec.Body.String())
		}
	}
}

func TestFaultsMidStream(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// The early-role shape: the role chunk on receipt, a finish chunk.
		s := newServer(t, Config{ITL: 10 * time.Millisecond, OutputTokens: 10, ChatStream: ChatStreamEarlyRole})
		run := func(header string) (*flushRecorder, time.Duration) {
			rec := newFlushRecorder()
			req := post(t.Context(), "/v1/chat/completions", faultBody)
			req.Header.Set(FaultHeader, header)
			start := time.Now()
			s.ServeHTTP(rec, req)
			return rec, time.Since(start)
		}
		rec, _ := run("error-event; after=3")
		evs := rec.events(t)
		if len(evs) != 1+3+2 || !strings.HasPrefix(evs[4].data, `{"error":{`) || evs[5].data != "[DONE]" {
			t.Errorf("error-event: %q", rec.all())
		}
		rec, d := run("stall; after=4; for=2s")
		// Token 3 goes out at +30ms, then 2s of silence; tokens keep their
		// absolute due times, so the overdue rest follows at once.
		if got := len(rec.events(t)); got != 1+10+2 || d != 2*time.Second+30*time.Millisecond {
			t.Errorf("stall: %d events in %v, want 13 in 2.03s", got, d)
		}
		if at := rec.flushes[5].at.Sub(rec.flushes[4].at); at != 2*time.Second {
			t.Errorf("stall: gap before token 4 is %v", at)
		}
		rec, _ = run("malformed; after=2")
		evs = rec.events(t)
		if len(evs) != 1+10+3 || evs[3].data != `{"id":"chatcmpl-mock0000000000000003","object":"chat.completion.chunk","created":`+strconv.FormatInt(s.created, 10)+`,"model":"mock","choices":[{"index":0,"delta":{"content":"` {
			t.Errorf("malformed: %d events, event 3 %q", len(evs), evs[3].data)
		}
		rec, _ = run("oversized; after=1")
		evs = rec.events(t)
		if len(evs) != 1+10+2 || len(evs[2].data) < oversizedBytes || eventKind(t, evs[2].data) != "token" {
			t.Errorf("oversized: %d events, event 2 %d bytes", len(evs), len(evs[2].data))
		}
		_, d = run("slow-headers; for=300ms")
		if d != 300*time.Millisecond { // tokens were due from receipt: all overdue once headers go

			t.Errorf("slow-headers: took %v", d)
		}
	})
}

// TestFaultDisconnect checks over a real connection that the stream stops
// after k tokens without its terminator and the client sees a broken body.
func TestFaultDisconnect(t *testing.T) {
	ts := httptest.NewServer(newServer(t, Config{OutputTokens: 10}))
	defer ts.Close()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, ts.URL+"/v1/chat/completions", strings.NewReader(faultBody))
	req.Header.Set(FaultHeader, "disconnect; after=3")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	tokens := 0
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok && eventKind(t, d) == "token" {
			tokens++
		}
	}
	if tokens != 3 || sc.Err() == nil || !strings.Contains(sc.Err().Error(), io.ErrUnexpectedEOF.Error()) {
		t.Errorf("%d tokens, read error %v; want 3 and unexpected EOF", tokens, sc.Err())
	}
}

func TestFaultRates(t *testing.T) {
	if _, err := ParseFaultRates("429=0.5,stall=0.6"); err == nil {
		t.Error("rates summing to 1.1 accepted")
	}
	if _, err := ParseFaultRates("429=-0.1"); err == nil || !strings.Contains(err.Error(), "outside [0, 1]") {
		t.Errorf("negative rate: %v", err)
	}
	if _, err := ParseFaultRates("teapot=0.1"); err == nil {
		t.Error("unknown kind accepted")
	}
	fr, err := ParseFaultRates("500=0.25")
	if err != nil {
		t.Fatal(err)
	}
	// Seeded: the same seed gives the same faulted requests; about a quarter fail.
	count := func(seed int64) (n int, pattern string) {
		s := newServer(t, Config{OutputTokens: 1, Faults: fr, Seed: seed})
		for range 400 {
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, post(t.Context(), "/v1/chat/completions", faultBody))
			if rec.Code == 500 {
				n++
				pattern += "x"
			} else {
				pattern += "."
			}
		}
		return n, pattern
	}
	n1, p1 := count(7)
	_, p2 := count(7)
	if p1 != p2 {
		t.Error("same seed, different faults")
	}
	if n1 < 70 || n1 > 130 {
		t.Errorf("%d of 400 requests faulted at rate 0.25", n1)
	}
}
