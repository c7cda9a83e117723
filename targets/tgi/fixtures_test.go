package tgi_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/targettest"
	"github.com/inferbench/inferbench/targets/tgi"
)

// result is what one stream gave (targettest.Result).
type result = targettest.Result

func stream(t *testing.T, cfg tgi.Config, req targets.Request) result {
	return targettest.Stream(t, tgi.New, cfg, req)
}

// TestFixtures replays each TGI transcript through the adapter and checks the
// output tokens, the first token-bearing event and the error class. Chunk
// indexes count the events the adapter delivers, from 0. Expected values were
// counted by reading each testdata file (how, beside each case).
func TestFixtures(t *testing.T) {
	sse := http.Header{"Content-Type": {"text/event-stream"}}
	js := http.Header{"Content-Type": {"application/json"}}
	text := http.Header{"Content-Type": {"text/plain; charset=utf-8"}}
	cases := []struct {
		name   string
		api    tgi.API
		status int
		header http.Header
		// want
		tokens      int    // output tokens: server usage, else counted
		tokenChunks int    // tokens counted from events
		firstIndex  int    // index of the first token-bearing chunk, -1 none
		firstText   string // its text
		finish      string
		usage       *targets.Usage
		class       rundir.ErrorClass
		code        string // HTTPError.Code
	}{
		// 20 events (grep -c '^data:'), index 1..20, one token each, the
		// first "\n"; the 20th carries generated_text (the end) and
		// details null: no usage, 20 counted tokens.
		{name: "tgi-generate_stream-20-tokens-no-details", status: 200, header: sse,
			tokens: 20, tokenChunks: 20, firstIndex: 0, firstText: "\n"},
		// One event: token " ", generated_text "", details
		// {finish_reason length, generated_tokens 1} (no input_length).
		{name: "tgi-generate_stream-details-single-token", status: 200, header: sse,
			tokens: 1, tokenChunks: 1, firstIndex: 0, firstText: " ", finish: "length",
			usage: &targets.Usage{CompletionTokens: 1}},
		{name: "tgi-generate-422-validation-error", status: 422, header: js,
			firstIndex: -1, class: rundir.HTTP4xx, code: "validation"},
		// Axum's text/plain rejection, through the Messages API it came from.
		{name: "tgi-chat-422-text-plain-deserialize-error", api: tgi.Chat, status: 422, header: text,
			firstIndex: -1, class: rundir.HTTP4xx},
		// 21 events: 20 with role + content ("Deep" " learning" … " to"),
		// no role-only chunk, then delta {} finish "length"; no usage and
		// no [DONE] (TGI 1.4.3): the finish_reason ends it.
		{name: "tgi-1.4.3-chat-stream", api: tgi.Chat, status: 200, header: sse,
			tokens: 20, tokenChunks: 20, firstIndex: 0, firstText: "Deep", finish: "length"},
	}
	splits := []struct {
		name  string
		split targettest.Split
	}{
		{"by-event", targettest.ByEvent},
		{"mid-line", targettest.MidLine},
		{"7-bytes", targettest.Every(7)},
		{"whole", targettest.Whole},
	}
	for _, tc := range cases {
		for _, sp := range splits {
			t.Run(tc.name+"/"+sp.name, func(t *testing.T) {
				resp := &targettest.Response{Status: tc.status, Header: tc.header, Body: targettest.Testdata(t, tc.name)}
				srv := targettest.NewServer(t, targettest.Replay{Response: resp, Split: sp.split})
				r := stream(t, tgi.Config{Conn: targets.Conn{BaseURL: srv.URL}, API: tc.api}, targets.Request{Model: "m", Prompt: "p", MaxTokens: 20})

				if got := loadgen.Classify(r.Err); got != tc.class {
					t.Errorf("error class %q, want %q (err: %v)", got, tc.class, r.Err)
				}
				if got := r.OutputTokens(); got != tc.tokens {
					t.Errorf("output tokens %d, want %d", got, tc.tokens)
				}
				if got := r.TokenChunks(); got != tc.tokenChunks {
					t.Errorf("counted tokens %d, want %d", got, tc.tokenChunks)
				}
				i, text := r.FirstToken()
				if i != tc.firstIndex || text != tc.firstText {
					t.Errorf("first token chunk #%d %q, want #%d %q", i, text, tc.firstIndex, tc.firstText)
				}
				if r.Err == nil && r.Final.FinishReason != tc.finish {
					t.Errorf("finish reason %q, want %q", r.Final.FinishReason, tc.finish)
				}
				if tc.usage != nil && (r.Final.Usage == nil || *r.Final.Usage != *tc.usage) {
					t.Errorf("usage %+v, want %+v", r.Final.Usage, tc.usage)
				}
				if tc.class != "" && tc.status != 200 {
					var he *targets.HTTPError
					if !errors.As(r.Err, &he) || he.Status != tc.status || he.Code != tc.code || he.Message+he.Body == "" {
						t.Errorf("error %#v, want HTTPError status %d code %q with a message", r.Err, tc.status, tc.code)
					}
				}
			})
		}
	}
}
