package openai_test

import (
	"bytes"
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets/targettest"
)

var update = flag.Bool("update", false, "rewrite testdata/ from the shared fixtures")

var testdataSources = []targettest.Source{
	{Name: "openai-chat-stream-include-usage", Note: "httprr response body"},
	{Name: "openai-chat-nonstream", Note: "httprr response body"},
	{Name: "openai-error-400-invalid-request", Note: "cassette dump response body"},
	{Name: "openai-error-401-invalid-api-key", Note: "bare body"},
	{Name: "vllm-0.5-chat-stream-role-only-first-chunk-no-usage", Note: "bare body; partial stream as in the issue"},
	{Name: "vllm-omni-chat-stream-continuous-usage-partial", Note: "curl output, events only; partial stream as in the PR comment"},
	{Name: "vllm-error-400-flat", Fixture: "vllm-error-bodies-400-flat-and-nested", Note: "the first flat body", Extract: firstJSONLine},
	{Name: "llamacpp-chat-stream", Note: "raw HTTP, chunked encoding removed"},
	{Name: "llamacpp-completions-stream", Note: "raw HTTP, chunked encoding removed"},
	{Name: "llamacpp-completions-stream-no-include-usage", Note: "raw HTTP, chunked encoding removed"},
	{Name: "llamacpp-chat-error-400", Note: "raw HTTP body"},
	{Name: "llamacpp-native-completion-stream", Note: "raw HTTP, chunked encoding removed"},
	{Name: "ollama-0.17.4-v1-chat-stream", Note: "raw HTTP, chunked encoding removed"},
	{Name: "ollama-0.17.4-v1-completions-stream", Note: "raw HTTP, chunked encoding removed"},
	{Name: "ollama-0.17.4-v1-chat-error-404", Note: "raw HTTP body"},
	{Name: "groq-chat-stream-x_groq-usage", Note: "VCR cassette body, with the researcher's elision line kept"},
	{Name: "groq-error-429-rate-limit-body", Note: "the bytes inside b'…' with the issue's line wraps joined by spaces", Extract: pythonBytesBody},
	{Name: "litellm-proxy-error-429-string-code", Note: "the JSON after 'API Error: 429 ' on the first line", Extract: afterPrefix("API Error: 429 ")},
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

// TestTestdataMatchesFixtures checks that each testdata body is what its
// fixture holds, and rewrites them with -update.
func TestTestdataMatchesFixtures(t *testing.T) {
	targettest.SyncTestdata(t, *update, testdataSources)
}
