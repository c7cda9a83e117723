package openai

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/inferbench/inferbench/targets/sse"
	"github.com/inferbench/inferbench/targets/targettest"
)

// slowDecode is the reference: encoding/json into a fresh eventJSON.
func slowDecode(data []byte) (*eventJSON, error) {
	var ev eventJSON
	var dec eventDecoder
	err := dec.decode(data, &ev)
	return &ev, err
}

// TestFastDecodeAgrees: for token chunks of every shape the fast path takes,
// it gives exactly what encoding/json gives; the shapes it must refuse are
// refused.
func TestFastDecodeAgrees(t *testing.T) {
	accept := []string{
		`{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}],"usage":null}`,
		`{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}`,
		`{"choices":[{"index":0,"delta":{},"finish_reason":"stop","stop_reason":163586}]}`,
		`{"choices":[{"index":0,"delta":{"reasoning_content":"think","content":null}}]}`,
		`{"choices":[{"index":0,"delta":{"reasoning":"r"}}],"obfuscation":"x\"y\u00e9"}`,
		`{"choices":[{"text":" world","index":0,"logprobs":null,"finish_reason":"length","stop_reason":"<|im_end|>"}]}`,
		`{"choices":[]}`,
		` { "choices" : [ { "delta" : { "content" : "héllo ✓" } } ] , "metrics" : {"a":[1,-2.5e3,true,false,null]} } `,
	}
	for _, s := range accept {
		var fast eventJSON
		if !fastDecode([]byte(s), &fast) {
			t.Errorf("fastDecode refused %s", s)
			continue
		}
		slow, err := slowDecode(bytes.TrimSpace([]byte(s)))
		if err != nil {
			t.Fatalf("reference failed on %s: %v", s, err)
		}
		if !reflect.DeepEqual(&fast, slow) {
			t.Errorf("fastDecode(%s) = %+v; encoding/json gives %+v", s, fast, *slow)
		}
	}
	refuse := []string{
		`{"choices":[{"delta":{"content":"line\nbreak"}}]}`,                        // escape: left to encoding/json
		`{"choices":[{"delta":{"tool_calls":[{"function":{"arguments":"{}"}}]}}]}`, // tool calls
		`{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}}`,         // usage
		`{"error":{"message":"x"}}`,
		`{"choices":[{"delta":{"Content":"x"}}]}`,               // case-folded key
		`{"choices":[{"delta":{"content":"a","content":"b"}}]}`, // repeated key
		`{"choices":[{"delta":{"content":1}}]}`,                 // wrong type
		`{"choices":[{"delta":{"content":"\xff"}}]}`,            // invalid UTF-8
		`{"choices":[]} x`, `{"choices":[{]}`, `{"a":01}`, `{"a":-}`, `{"a":1.}`, `{"a":"\x"}`, `{"a":tru}`,
	}
	for _, s := range refuse {
		var ev eventJSON
		if fastDecode([]byte(s), &ev) {
			t.Errorf("fastDecode accepted %q", s)
		}
	}
}

// FuzzFastDecode: whenever the fast path accepts an event, encoding/json
// accepts it too and decodes the same values.
func FuzzFastDecode(f *testing.F) {
	f.Add([]byte(`{"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}],"usage":null}`))
	f.Add([]byte(`{"choices":[{"text":"a","finish_reason":"length"}],"x":[1,{"y":"\u0041"}]}`))
	// Seed with every data event of the recorded OpenAI-family streams.
	files, _ := filepath.Glob("testdata/*")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		r := sse.NewReader(bytes.NewReader(targettest.StripComments(b)))
		for {
			ev, err := r.Next()
			if err != nil {
				break
			}
			if len(ev.Data) > 0 {
				f.Add(append([]byte(nil), ev.Data...))
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var fast eventJSON
		if !fastDecode(data, &fast) {
			return
		}
		slow, err := slowDecode(bytes.TrimSpace(data))
		if err != nil {
			t.Fatalf("fast path accepted %q, encoding/json refuses it: %v", data, err)
		}
		if !reflect.DeepEqual(&fast, slow) {
			t.Fatalf("fastDecode(%q) = %+v; encoding/json gives %+v", data, fast, *slow)
		}
	})
}
