package openai_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets/targettest"
)

var update = flag.Bool("update", false, "rewrite testdata/ from the shared fixtures")

// fixturesDir is where the recorded transcripts live, relative to this
// package, when the project sits beside ../shared.
const fixturesDir = "../../../shared/fixtures/protocols"

// testdataSource says how one testdata body is made from a fixture.
type testdataSource struct {
	name    string // testdata/<name>.txt
	fixture string // fixtures/protocols/<fixture>.txt
	note    string // how the body was extracted, for the file's header
	// extract returns the body; nil means targettest.Extract's Body.
	extract func(fixture []byte) ([]byte, error)
}

var testdataSources = []testdataSource{
	{name: "openai-chat-stream-include-usage", fixture: "openai-chat-stream-include-usage", note: "httprr response body"},
	{name: "openai-chat-nonstream", fixture: "openai-chat-nonstream", note: "httprr response body"},
	{name: "openai-error-400-invalid-request", fixture: "openai-error-400-invalid-request", note: "cassette dump response body"},
	{name: "openai-error-401-invalid-api-key", fixture: "openai-error-401-invalid-api-key", note: "bare body"},
	{name: "vllm-0.5-chat-stream-role-only-first-chunk-no-usage", fixture: "vllm-0.5-chat-stream-role-only-first-chunk-no-usage", note: "bare body; partial stream as in the issue"},
	{name: "vllm-omni-chat-stream-continuous-usage-partial", fixture: "vllm-omni-chat-stream-continuous-usage-partial", note: "curl output, events only; partial stream as in the PR comment"},
	{name: "vllm-error-400-flat", fixture: "vllm-error-bodies-400-flat-and-nested", note: "the first flat body", extract: firstJSONLine},
	{name: "llamacpp-chat-stream", fixture: "llamacpp-chat-stream", note: "raw HTTP, chunked encoding removed"},
	{name: "llamacpp-completions-stream", fixture: "llamacpp-completions-stream", note: "raw HTTP, chunked encoding removed"},
	{name: "llamacpp-completions-stream-no-include-usage", fixture: "llamacpp-completions-stream-no-include-usage", note: "raw HTTP, chunked encoding removed"},
	{name: "llamacpp-chat-error-400", fixture: "llamacpp-chat-error-400", note: "raw HTTP body"},
	{name: "llamacpp-native-completion-stream", fixture: "llamacpp-native-completion-stream", note: "raw HTTP, chunked encoding removed"},
	{name: "ollama-0.17.4-v1-chat-stream", fixture: "ollama-0.17.4-v1-chat-stream", note: "raw HTTP, chunked encoding removed"},
	{name: "ollama-0.17.4-v1-completions-stream", fixture: "ollama-0.17.4-v1-completions-stream", note: "raw HTTP, chunked encoding removed"},
	{name: "ollama-0.17.4-v1-chat-error-404", fixture: "ollama-0.17.4-v1-chat-error-404", note: "raw HTTP body"},
	{name: "groq-chat-stream-x_groq-usage", fixture: "groq-chat-stream-x_groq-usage", note: "VCR cassette body, with the researcher's elision line kept"},
	{name: "groq-error-429-rate-limit-body", fixture: "groq-error-429-rate-limit-body", note: "the bytes inside b'…' with the issue's line wraps joined by spaces", extract: pythonBytesBody},
	{name: "litellm-proxy-error-429-string-code", fixture: "litellm-proxy-error-429-string-code", note: "the JSON after 'API Error: 429 ' on the first line", extract: afterPrefix("API Error: 429 ")},
}

// firstJSONLine returns the first line that starts with '{'.
func firstJSONLine(b []byte) ([]byte, error) {
	for _, l := range bytes.Split(targettest.StripComments(b), []byte("\n")) {
		if bytes.HasPrefix(l, []byte("{")) {
			return append(l, '\n'), nil
		}
	}
	return nil, fmt.Errorf("no JSON line")
}

// pythonBytesBody returns what a Python bytes literal b'…\n' printed in a
// log held, with the line wraps a human added joined by single spaces.
func pythonBytesBody(b []byte) ([]byte, error) {
	s := string(targettest.StripComments(b))
	i := strings.Index(s, "b'")
	j := strings.LastIndex(s, `\n'`)
	if i < 0 || j < i {
		return nil, fmt.Errorf("no b'…' literal")
	}
	body := strings.ReplaceAll(s[i+2:j], "\n", " ")
	return []byte(body + "\n"), nil
}

func afterPrefix(prefix string) func([]byte) ([]byte, error) {
	return func(b []byte) ([]byte, error) {
		s := string(targettest.StripComments(b))
		line, _, _ := strings.Cut(s, "\n")
		body, ok := strings.CutPrefix(line, prefix)
		if !ok {
			return nil, fmt.Errorf("first line does not start with %q", prefix)
		}
		return []byte(body + "\n"), nil
	}
}

func (s testdataSource) body(fixture []byte) ([]byte, error) {
	if s.extract != nil {
		return s.extract(fixture)
	}
	resp, err := targettest.Extract(fixture)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// TestTestdataMatchesFixtures checks that each testdata body is what its
// fixture holds, and rewrites them with -update. It is skipped where the
// shared fixtures are not beside the project (the tests themselves read
// only testdata/).
func TestTestdataMatchesFixtures(t *testing.T) {
	if _, err := os.Stat(fixturesDir); err != nil {
		t.Skipf("shared fixtures not found: %v", err)
	}
	for _, src := range testdataSources {
		t.Run(src.name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(fixturesDir, src.fixture+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			body, err := src.body(raw)
			if err != nil {
				t.Fatalf("extract: %v", err)
			}
			path := filepath.Join("testdata", src.name+".txt")
			if *update {
				header := fmt.Sprintf("# source: ../shared/fixtures/protocols/%s.txt (%s)\n", src.fixture, src.note)
				if err := os.WriteFile(path, append([]byte(header), body...), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			got, err := targettest.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, body) {
				t.Errorf("%s differs from its fixture; run go test -run TestTestdataMatchesFixtures -update", path)
			}
		})
	}
}
