package triton_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/targettest"
	"github.com/inferbench/inferbench/targets/triton"
)

var splits = []struct {
	name  string
	split targettest.Split
}{
	{"by-event", targettest.ByEvent}, {"mid-line", targettest.MidLine}, {"7-bytes", targettest.Every(7)}, {"whole", targettest.Whole},
}

func TestFixture(t *testing.T) {
	body := string(targettest.Testdata(t, "triton-generate-stream-docs"))
	for _, sp := range splits {
		t.Run(sp.name, func(t *testing.T) {
			srv := targettest.ReplayOnce(t, 200, http.Header{"Content-Type": {"text/event-stream; charset=utf-8"}}, body, sp.split)
			r := targettest.Stream(t, triton.New, triton.Config{Conn: targets.Conn{BaseURL: srv.URL}}, targets.Request{Model: "ensemble", Prompt: "What is ML?", MaxTokens: 4})
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			want := []targets.Chunk{{Content: " Machine"}, {Content: " learning"}, {Content: " is"}, {Content: " a"}}
			if diff := cmp.Diff(want, r.Chunks); diff != "" {
				t.Errorf("chunks (-want +got):\n%s", diff)
			}
			if r.Final.Usage != nil || r.Final.FinishReason != "end" || r.OutputTokens() != 4 {
				t.Errorf("final %+v, output %d", r.Final, r.OutputTokens())
			}
			req := srv.Requests()[0]
			var body map[string]any
			json.Unmarshal(req.Body, &body)
			want2 := map[string]any{"text_input": "What is ML?", "max_tokens": 4.0, "bad_words": "", "stop_words": "", "stream": true}
			if req.Path != "/v2/models/ensemble/generate_stream" || !cmp.Equal(body, want2) {
				t.Errorf("%s %v", req.Path, body)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	tok := `data: {"model_name":"ensemble","text_output":" a"}` + "\n\n"
	cases := []struct {
		name   string
		status int
		body   string
		abort  bool
		class  rundir.ErrorClass
		tokens int
	}{
		{name: "error before the stream", status: 400, body: `{"error":"Request for unknown model: 'nope' is not found"}`, class: rundir.HTTP4xx},
		{name: "error in the stream", status: 200, body: tok + `data: {"error":"Executor failed"}` + "\n\n", class: rundir.StreamErr, tokens: 1},
		{name: "undecodable", status: 200, body: tok + `data: {"text_output":` + "\n\n", class: rundir.Protocol, tokens: 1},
		{name: "connection cut", status: 200, body: tok, abort: true, class: rundir.Connection, tokens: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ct := "text/event-stream"
			if tc.status != 200 {
				ct = "application/json"
			}
			srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: tc.status, Header: http.Header{"Content-Type": {ct}}, Body: []byte(tc.body)}, Abort: tc.abort})
			r := targettest.Stream(t, triton.New, triton.Config{Conn: targets.Conn{BaseURL: srv.URL}}, targets.Request{Model: "ensemble", Prompt: "p"})
			if got := loadgen.Classify(r.Err); got != tc.class {
				t.Errorf("class %q, want %q (%v)", got, tc.class, r.Err)
			}
			if r.TokenChunks() != tc.tokens {
				t.Errorf("tokens %d", r.TokenChunks())
			}
			var he *targets.HTTPError
			if tc.status == 400 && (!errors.As(r.Err, &he) || he.Message == "") {
				t.Errorf("err %#v", r.Err)
			}
		})
	}
}

// FuzzStream feeds arbitrary bodies to the generate_stream decoder.
func FuzzStream(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txt")
	targettest.FuzzStream(f, "text/event-stream", targettest.FuzzSeeds(f, files), func(c *http.Client) (targets.Target, error) {
		return triton.New(triton.Config{Conn: targets.Conn{BaseURL: "http://fuzz.invalid", Client: c}})
	})
}
