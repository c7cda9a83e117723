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
		`{"choices":[{"index":0,"delta":{"role":"assistant","content":null,"refusal":"I can't"}}]}`,
		`{"choices":[{"index":0,"delta":{"content":"","refusal":null}}]}`,
		`{"choices":[{"text":" world","index":0,"logprobs":null,"finish_reason":"length","stop_reason":"<|im_end|>"}]}`,
		// stop_reason (vLLM) and matched_stop (SGLang): a stop string
		// (escapes resolved), a token id, null, or a value of no known
		// meaning, as encoding/json reads them (stopReasonJSON).
		`{"choices":[{"index":0,"text":"","finish_reason":"stop","stop_reason":"\n\nUser:"}]}`,
		`{"choices":[{"index":0,"delta":{},"finish_reason":"stop","matched_stop":151645}]}`,
		`{"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null,"matched_stop":null}]}`,
		`{"choices":[{"index":0,"delta":{},"finish_reason":"stop","stop_reason":-1.5e3,"matched_stop":"\u0020\ud83d\ude00"}]}`,
		`{"choices":[{"index":0,"delta":{},"finish_reason":"stop","stop_reason":[151645],"matched_stop":{"a":true}}]}`,
		`{"choices":[{"index":0,"delta":{},"finish_reason":"stop","stop_reason":true,"matched_stop":false}]}`,
		`{"choices":[]}`,
		` { "choices" : [ { "delta" : { "content" : "héllo ✓" } } ] , "metrics" : {"a":[1,-2.5e3,true,false,null]} } `,
		`{"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":16,"total_tokens":26}}`,
		`{"choices":[],"usage":{"completion_tokens":4,"prompt_tokens":31,"total_tokens":35,"prompt_tokens_details":{"cached_tokens":0}}}`,
		`{"choices":[],"usage":{"prompt_tokens":3,"prompt_tokens_details":{"cached_tokens":2,"audio_tokens":0}}}`,
		`{"choices":[],"usage":{"prompt_tokens":3,"prompt_tokens_details":null}}`,
		`{"choices":[],"usage":{"prompt_tokens":3,"prompt_tokens_details":{"cached_tokens":null}}}`,
		`{"choices":[],"usage":{"prompt_tokens":null,"completion_tokens":-3}}`,
		`{"choices":[],"usage":{}}`,
		`{"usage":null,"choices":[]}`,
		// A count that is no integer that fits is not reported
		// (targets.Int), as encoding/json reads it.
		`{"choices":[],"usage":{"prompt_tokens":1.0,"completion_tokens":2}}`,
		`{"choices":[],"usage":{"prompt_tokens":1e2}}`,
		`{"choices":[],"usage":{"prompt_tokens":99999999999999999999}}`,
		`{"choices":[],"usage":{"completion_tokens":9223372036854775808,"prompt_tokens":-9223372036854775809}}`,
		`{"choices":[],"usage":{"completion_tokens":1e309,"prompt_tokens":"12","total_tokens":3.7}}`,
		`{"choices":[],"usage":{"prompt_tokens":"\u0031"}}`,
		`{"choices":[],"usage":{"completion_tokens":true,"prompt_tokens":{"a":[1]},"prompt_tokens_details":{"cached_tokens":[]}}}`,
		// Escapes in the text are resolved as encoding/json resolves them.
		`{"choices":[{"delta":{"content":"line\nbreak"}}]}`,
		`{"choices":[{"index":0,"delta":{"content":"\"\\\/\b\f\n\r\t","reasoning_content":"a\tb","refusal":"\u2019"},"finish_reason":"\u0073top"}]}`,
		`{"choices":[{"text":"\u00e9\u00E9 \ud83d\ude00 \uD83D\uDE00 \u0000 é✓\n"}]}`,
		`{"choices":[{"delta":{"reasoning":"\ud800 \udc00 \ud800\u0041 \ud83d\ud83d\ude00 \ude00\ud83d \ud800\n \ud800"}}]}`,
		`{"choices":[{"delta":{"content":"\\u0041\\\\"}}]}`,
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
		`{"choices":[{"delta":{"tool_calls":[{"function":{"arguments":"{}"}}]}}]}`, // tool calls
		`{"choices":[],"usage":"12"}`,                                  // a usage that is no object
		`{"choices":[],"usage":{"Prompt_Tokens":1}}`,                   // case-folded key
		`{"choices":[],"usage":{"prompt_tokens":1,"prompt_tokens":2}}`, // repeated key
		`{"choices":[],"usage":null,"usage":null}`,                     // repeated usage
		`{"error":{"message":"x"}}`,
		`{"choices":[{"delta":{"Content":"x"}}]}`,                // case-folded key
		`{"choices":[{"Stop_Reason":"x"}]}`,                      // case-folded key
		`{"choices":[{"matched_stop":null,"matched_stop":"x"}]}`, // repeated key
		"{\"choices\":[{\"stop_reason\":\"\xff\"}]}",             // invalid UTF-8
		`{"choices":[{"delta":{"content":"a","content":"b"}}]}`,  // repeated key
		`{"choices":[{"delta":{"content":1}}]}`,                  // wrong type
		`{"choices":[{"delta":{"content":"\xff"}}]}`,             // invalid UTF-8
		"{\"choices\":[{\"delta\":{\"content\":\"a\\n\xff\"}}]}", // invalid UTF-8 beside an escape
		`{"choices":[{"delta":{"content":"\q"}}]}`, `{"choices":[{"delta":{"content":"\u12"}}]}`, `{"choices":[{"delta":{"content":"a\`,
		"{\"choices\":[{\"delta\":{\"content\":\"a\\n\x01\"}}]}", // a control character
		`{"choices":[{"delta":{"con\u0074ent":"x"}}]}`,           // an escaped key
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
	f.Add([]byte(`{"choices":[{"index":0,"delta":{"content":null,"refusal":"I can\u2019t"}}]}`))
	f.Add([]byte(`{"choices":[],"usage":{"prompt_tokens":1e309,"completion_tokens":"12","prompt_tokens_details":{"cached_tokens":3.7}}}`))
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

// TestTemplateDecode: a stream's token chunks after the first are decoded
// by the template, and every event — hit or miss — decodes as
// encoding/json decodes it; events that only look like the template
// (a quote or an escape inside the text, a different tail) are scanned.
func TestTemplateDecode(t *testing.T) {
	const head = `{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"`
	const tail = `"},"logprobs":null,"finish_reason":null}]}`
	events := []struct {
		data string
		hit  bool
	}{
		{`{"id":"c","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}`, false},
		{head + `Hello` + tail, false}, // a new shape: scanned, becomes the template
		{head + ` world` + tail, true},
		{head + `` + tail, true},
		{head + `héllo ✓` + tail, true},
		{head + `a"},"x":"` + tail, false},                              // a quote inside: not plain, scanned (and a repeated key)
		{head + `line\nbreak` + tail, false},                            // an escape: scanned
		{head + "\xff" + tail, false},                                   // invalid UTF-8: encoding/json
		{head + `x"},"logprobs":null,"finish_reason":"stop"}]}`, false}, // another tail
		{head + `again` + tail, false},                                  // the template now has the other tail
		{head + `and again` + tail, true},
		{`{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"length"}]}`, false},
	}
	var tm template
	for i, e := range events {
		hits := tm.hits
		var ev eventJSON
		ok := tm.decode([]byte(e.data), &ev)
		if hit := tm.hits > hits; hit != e.hit {
			t.Errorf("event %d %q: template hit %v, want %v", i, e.data, hit, e.hit)
		}
		slow, err := slowDecode([]byte(e.data))
		if !ok {
			if err == nil && e.hit {
				t.Errorf("event %d refused", i)
			}
			continue
		}
		if err != nil {
			t.Fatalf("event %d %q accepted, encoding/json refuses it: %v", i, e.data, err)
		}
		if !reflect.DeepEqual(&ev, slow) {
			t.Errorf("event %d %q = %+v; encoding/json gives %+v", i, e.data, ev, *slow)
		}
	}
	// The completions API's "text" varies the same way.
	tm.reset()
	for i, s := range []string{"a", "bc", ""} {
		data := `{"id":"x","choices":[{"index":0,"text":"` + s + `","logprobs":null,"finish_reason":null}],"usage":null}`
		var ev eventJSON
		if !tm.decode([]byte(data), &ev) || ev.Choices[0].Text != s {
			t.Fatalf("text event %d: %+v", i, ev)
		}
	}
	if tm.hits != 2 {
		t.Errorf("text events: %d template hits, want 2", tm.hits)
	}
	// Ollama repeats a zero usage in every chunk: the template carries it,
	// a new Usage each event as encoding/json gives.
	tm.reset()
	var prev *eventJSON
	for i, s := range []string{"a", "b", "c"} {
		data := `{"id":"x","choices":[{"text":"` + s + `","index":0,"finish_reason":null}],"usage":{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}}`
		ev := &eventJSON{}
		slow, _ := slowDecode([]byte(data))
		if !tm.decode([]byte(data), ev) || !reflect.DeepEqual(ev, slow) {
			t.Fatalf("usage event %d: %+v; encoding/json gives %+v", i, ev, slow)
		}
		if prev != nil && prev.Usage == ev.Usage {
			t.Fatalf("usage event %d shares its Usage with the one before", i)
		}
		prev = ev
	}
	if tm.hits != 2 {
		t.Errorf("usage events: %d template hits, want 2", tm.hits)
	}
}

// FuzzTemplateDecode: after any first event, a second event decoded through
// the template decodes exactly as encoding/json decodes it.
func FuzzTemplateDecode(f *testing.F) {
	const head = `{"id":"c","choices":[{"index":0,"delta":{"content":"`
	f.Add([]byte(head+`a"}}]}`), []byte(head+`b"}}]}`))
	f.Add([]byte(`{"choices":[{"text":"a","finish_reason":null}]}`), []byte(`{"choices":[{"text":"a\"","finish_reason":null}]}`))
	// Seed with consecutive data events of the recorded streams.
	files, _ := filepath.Glob("testdata/*")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		r := sse.NewReader(bytes.NewReader(targettest.StripComments(b)))
		var prev []byte
		for {
			ev, err := r.Next()
			if err != nil {
				break
			}
			if len(ev.Data) > 0 {
				cur := append([]byte(nil), ev.Data...)
				if prev != nil {
					f.Add(prev, cur)
				}
				prev = cur
			}
		}
	}
	f.Fuzz(func(t *testing.T, first, second []byte) {
		var tm template
		var ev eventJSON
		tm.decode(first, &ev)
		ev.reset()
		if !tm.decode(second, &ev) {
			return
		}
		slow, err := slowDecode(bytes.TrimSpace(second))
		if err != nil {
			t.Fatalf("accepted %q after %q, encoding/json refuses it: %v", second, first, err)
		}
		if len(ev.Choices) == 0 && len(slow.Choices) == 0 {
			ev.Choices, slow.Choices = nil, nil // a reused event keeps an empty slice
		}
		if !reflect.DeepEqual(&ev, slow) {
			t.Fatalf("decode(%q) after %q = %+v; encoding/json gives %+v", second, first, ev, *slow)
		}
	})
}
