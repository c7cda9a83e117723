package tokenize

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets"
)

// words gives each whitespace-separated word an id (its length), with the
// BOS 1 first when bos: the stand-in tokenizer of these fake servers.
func words(s string, bos bool) []int {
	var ids []int
	if bos {
		ids = append(ids, 1)
	}
	for _, w := range strings.Fields(s) {
		ids = append(ids, 100+len(w))
	}
	return ids
}

// fakeServer answers POST /tokenize in one server's documented shape and
// records the body it got.
func fakeServer(t *testing.T, kind Kind, got *map[string]any) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/tokenize" || r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		b, _ := io.ReadAll(r.Body)
		var req map[string]any
		if err := json.Unmarshal(b, &req); err != nil {
			t.Errorf("body %q: %v", b, err)
		}
		*got = req
		w.Header().Set("Content-Type", "application/json")
		switch kind {
		case VLLM, SGLang:
			ids := words(req["prompt"].(string), req["add_special_tokens"] == true)
			json.NewEncoder(w).Encode(map[string]any{"count": len(ids), "max_model_len": 4096, "tokens": ids})
		case LlamaCpp:
			ids := words(req["content"].(string), req["add_special"] == true)
			json.NewEncoder(w).Encode(map[string]any{"tokens": ids})
		case TGI:
			type tok struct {
				ID          int    `json:"id"`
				Text        string `json:"text"`
				Start, Stop int
			}
			var toks []tok
			for _, id := range words(req["inputs"].(string), true) {
				toks = append(toks, tok{ID: id, Text: "x"})
			}
			json.NewEncoder(w).Encode(toks)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestShapes: each client sends its server's request and reads its answer.
func TestShapes(t *testing.T) {
	text := "the quick  brown fox"
	want := []int{1, 103, 105, 105, 103}
	for _, c := range []struct {
		kind Kind
		body map[string]any
	}{
		{VLLM, map[string]any{"model": "m", "prompt": text, "add_special_tokens": true}},
		{SGLang, map[string]any{"model": "m", "prompt": text, "add_special_tokens": true}},
		{LlamaCpp, map[string]any{"content": text, "add_special": true, "parse_special": true}},
		{TGI, map[string]any{"inputs": text}},
	} {
		t.Run(string(c.kind), func(t *testing.T) {
			var got map[string]any
			srv := fakeServer(t, c.kind, &got)
			cl, err := New(Config{BaseURL: srv.URL + "/v1", Kind: c.kind, Model: "m"})
			if err != nil {
				t.Fatal(err)
			}
			n, err := cl.CountTokens(t.Context(), text)
			if err != nil || n != len(want) {
				t.Fatalf("CountTokens = %d, %v; want %d", n, err, len(want))
			}
			if !mapsEqual(got, c.body) {
				t.Errorf("request body %v, want %v", got, c.body)
			}
			ids, err := cl.Tokenize(t.Context(), text)
			if err != nil || !slices.Equal(ids, want) {
				t.Errorf("Tokenize = %v, %v; want %v", ids, err, want)
			}
		})
	}
}

func mapsEqual(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestErrors: a server without the endpoint is ErrNotAvailable, so the
// caller falls back; other failures are not; the key never shows.
func TestErrors(t *testing.T) {
	const key = "sk-secret-1234567890"
	for _, c := range []struct {
		name        string
		kind        Kind
		status      int
		body        string
		notAvail    bool
		wantMessage string
	}{
		{"fastapi 404", VLLM, 404, `{"detail":"Not Found"}`, true, "Not Found"},
		{"vllm model", VLLM, 404, `{"object":"error","message":"The model ` + "`x`" + ` does not exist.","type":"NotFoundError","param":null,"code":404}`, true, "does not exist"},
		{"tgi no fast tokenizer", TGI, 404, `{"error":"No fast tokenizer available","error_type":"tokenizer"}`, true, "No fast tokenizer"},
		{"bare 404", LlamaCpp, 404, ``, true, "404"},
		{"405", SGLang, 405, `{"detail":"Method Not Allowed"}`, true, "Method Not Allowed"},
		{"501", LlamaCpp, 501, `{"error":{"code":501,"message":"This server does not support tokenization","type":"not_supported_error"}}`, true, "does not support"},
		{"400", VLLM, 400, `{"error":{"message":"prompt too long","type":"BadRequestError","code":400}}`, false, "prompt too long"},
		{"500 echoes the key", VLLM, 500, `{"message":"bad header Bearer ` + key + `"}`, false, "[REDACTED]"},
		{"401", VLLM, 401, `{"error":"Unauthorized"}`, false, "Unauthorized"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Authorization") != "Bearer "+key {
					t.Errorf("Authorization %q", r.Header.Get("Authorization"))
				}
				w.WriteHeader(c.status)
				io.WriteString(w, c.body)
			}))
			defer srv.Close()
			cl, err := New(Config{BaseURL: srv.URL, Kind: c.kind, APIKey: key})
			if err != nil {
				t.Fatal(err)
			}
			_, err = cl.CountTokens(t.Context(), "hello")
			if err == nil {
				t.Fatal("no error")
			}
			if errors.Is(err, ErrNotAvailable) != c.notAvail {
				t.Errorf("errors.Is(%v, ErrNotAvailable) = %v, want %v", err, !c.notAvail, c.notAvail)
			}
			var he *targets.HTTPError
			if !errors.As(err, &he) || he.Status != c.status {
				t.Errorf("error %v is not the HTTP %d", err, c.status)
			}
			if !strings.Contains(err.Error(), c.wantMessage) || strings.Contains(err.Error(), key) {
				t.Errorf("error %q: want it to say %q and not the key", err, c.wantMessage)
			}
		})
	}
}

// TestBadResponses: answers that break the shape are protocol errors.
func TestBadResponses(t *testing.T) {
	for _, c := range []struct {
		kind Kind
		body string
		want string
	}{
		{VLLM, `{"count": 3, "tokens": [1, 2]}`, "count 3 but 2 tokens"},
		{VLLM, `{"max_model_len": 9}`, "no count and no tokens"},
		{VLLM, `not json`, "invalid character"},
		{LlamaCpp, `{"tokens": ["a"]}`, "neither an id"},
		{LlamaCpp, `{}`, "no tokens"},
		{TGI, `{"error": "x"}`, "cannot unmarshal"},
		{TGI, `[{"text": "a"}]`, "no id"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, c.body) }))
		cl, _ := New(Config{BaseURL: srv.URL, Kind: c.kind})
		_, err := cl.CountTokens(t.Context(), "x")
		var pe *targets.ProtocolError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %q: error %v, want a protocol error saying %q", c.kind, c.body, err, c.want)
		}
		srv.Close()
	}
	// A count without ids is taken as it is; with_pieces objects are read.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "tokenize") {
			io.WriteString(w, `{"count": 7, "max_model_len": 9}`)
		}
	}))
	defer srv.Close()
	cl, _ := New(Config{BaseURL: srv.URL, Kind: VLLM})
	if n, err := cl.CountTokens(t.Context(), "x"); n != 7 || err != nil {
		t.Errorf("count only: %d, %v", n, err)
	}
	pieces := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"tokens": [{"id": 5, "piece": "a"}, {"id": 6, "piece": [195]}]}`)
	}))
	defer pieces.Close()
	cl, _ = New(Config{BaseURL: pieces.URL, Kind: LlamaCpp})
	if ids, err := cl.Tokenize(t.Context(), "x"); !slices.Equal(ids, []int{5, 6}) || err != nil {
		t.Errorf("pieces: %v, %v", ids, err)
	}
}

// TestConfig: bad configurations name their field; the key stays hidden.
func TestConfig(t *testing.T) {
	if _, err := New(Config{BaseURL: "ftp://x", Kind: VLLM}); err == nil || !strings.Contains(err.Error(), "scheme") {
		t.Errorf("scheme: %v", err)
	}
	if _, err := New(Config{BaseURL: "http://x", Kind: "ollama"}); err == nil || !strings.Contains(err.Error(), `kind "ollama"`) {
		t.Errorf("kind: %v", err)
	}
	c := Config{BaseURL: "http://u:pw@x/v1", Kind: VLLM, APIKey: "sk-1"}
	if s := c.String(); strings.Contains(s, "sk-1") || strings.Contains(s, "pw") {
		t.Errorf("String() = %s", s)
	}
	cl, err := New(Config{BaseURL: "http://x:8000/v1/", Kind: VLLM})
	if err != nil || cl.url != "http://x:8000/tokenize" {
		t.Errorf("url %q, %v", cl.url, err)
	}
}

// TestCancel: a cancelled context ends the call with its cause.
func TestCancel(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)
	cl, _ := New(Config{BaseURL: srv.URL, Kind: VLLM})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := cl.CountTokens(ctx, "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}
