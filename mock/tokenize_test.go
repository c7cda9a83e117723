package mock

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets/tokenize"
)

// postJSON posts body to the server and decodes the answer into v.
func postJSON(t *testing.T, url, body string, v any) int {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s %s: %q: %v", url, body, b, err)
		}
	}
	return resp.StatusCode
}

// TestTokenizeCountsWhatPromptsCount: for every text, /tokenize in each
// shape (and the clients of targets/tokenize) gives the prompt_tokens the
// completions and chat endpoints report for it.
func TestTokenizeCountsWhatPromptsCount(t *testing.T) {
	ts := httptest.NewServer(newServer(t, Config{OutputTokens: 1}))
	defer ts.Close()
	for _, text := range []string{"", "one", "Count from 1 to 5", "  lead and trail  ", "tabs\tand\nnew\r\nlines", "über 中文 😀", strings.Repeat("w ", 700)} {
		q, _ := json.Marshal(text)
		var comp struct {
			Usage struct {
				PromptTokens int `json:"prompt_tokens"`
			} `json:"usage"`
		}
		postJSON(t, ts.URL+"/v1/completions", `{"prompt": `+string(q)+`, "max_tokens": 1}`, &comp)
		want := comp.Usage.PromptTokens
		if want != len(strings.Fields(text)) {
			t.Fatalf("%q: completions counted %d", text, want)
		}
		var chat struct {
			Usage struct {
				PromptTokens int `json:"prompt_tokens"`
			} `json:"usage"`
		}
		postJSON(t, ts.URL+"/v1/chat/completions", `{"messages": [{"role": "user", "content": `+string(q)+`}], "max_tokens": 1}`, &chat)

		var v struct {
			Count       int   `json:"count"`
			MaxModelLen *int  `json:"max_model_len"`
			Tokens      []int `json:"tokens"`
		}
		postJSON(t, ts.URL+"/tokenize", `{"model": "m", "prompt": `+string(q)+`, "add_special_tokens": true}`, &v)
		var vc struct {
			Count int `json:"count"`
		}
		postJSON(t, ts.URL+"/tokenize", `{"model": "m", "messages": [{"role": "user", "content": [{"type": "text", "text": `+string(q)+`}]}]}`, &vc)
		var l struct {
			Tokens []int `json:"tokens"`
		}
		postJSON(t, ts.URL+"/tokenize", `{"content": `+string(q)+`, "add_special": true}`, &l)
		var g []struct {
			ID          int
			Text        string
			Start, Stop int
		}
		postJSON(t, ts.URL+"/tgi/tokenize", `{"inputs": `+string(q)+`}`, &g)
		if v.Count != want || len(v.Tokens) != want || v.MaxModelLen == nil || vc.Count != chat.Usage.PromptTokens || len(l.Tokens) != want || len(g) != want {
			t.Errorf("%q: prompt_tokens %d (chat %d); /tokenize vLLM %d/%d tokens, chat %d, llama.cpp %d, TGI %d",
				text, want, chat.Usage.PromptTokens, v.Count, len(v.Tokens), vc.Count, len(l.Tokens), len(g))
		}
		for _, tok := range g {
			if text[tok.Start:tok.Stop] != tok.Text {
				t.Errorf("%q: TGI token %+v does not span its text", text, tok)
			}
		}
		for _, kind := range []tokenize.Kind{tokenize.VLLM, tokenize.SGLang, tokenize.LlamaCpp, tokenize.TGI} {
			base := ts.URL + "/v1"
			if kind == tokenize.TGI {
				base = ts.URL + "/tgi"
			}
			cl, err := tokenize.New(tokenize.Config{BaseURL: base, Kind: kind, Model: "m"})
			if err != nil {
				t.Fatal(err)
			}
			if n, err := cl.CountTokens(t.Context(), text); n != want || err != nil {
				t.Errorf("%q: %s client counted %d, %v; want %d", text, kind, n, err, want)
			}
		}
	}
}

// TestTokenizeErrors: wrong method, body and shape are refused as the
// servers refuse them; tokenizing is not a generation request.
func TestTokenizeErrors(t *testing.T) {
	s := newServer(t, Config{})
	ts := httptest.NewServer(s)
	defer ts.Close()
	resp, err := http.Get(ts.URL + "/tokenize")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", resp.StatusCode)
	}
	for body, want := range map[string]int{`{`: 400, `{"model": "m"}`: 400, `{"messages": [{"content": 3}]}`: 400} {
		if got := postJSON(t, ts.URL+"/tokenize", body, nil); got != want {
			t.Errorf("%s: %d, want %d", body, got, want)
		}
	}
	if got := postJSON(t, ts.URL+"/tgi/tokenize", `{"prompt": "x"}`, nil); got != http.StatusUnprocessableEntity {
		t.Errorf("TGI without inputs: %d", got)
	}
	postJSON(t, ts.URL+"/tokenize", `{"prompt": "a b"}`, nil)
	if n := s.Requests(); n != 0 {
		t.Errorf("tokenize calls counted as %d generation requests", n)
	}
}
