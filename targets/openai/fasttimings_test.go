package openai

import (
	"bytes"
	"reflect"
	"testing"
)

// TestFastDecodeTimings: llama-server's timings, on every event of a stream
// that asked for timings_per_token (b6406d3), are decoded by the fast path
// exactly as encoding/json decodes them; before, every such event fell back
// to encoding/json, 2.3 times the client's cost per event (2.8 → 6.5 µs in
// BenchmarkStream's memory transport, 2026-12-06).
func TestFastDecodeTimings(t *testing.T) {
	accept := []string{
		// An event of llama-server 0.5.0 (testdata/llamacpp-0.5.0-chat-stream-timings-per-token.txt).
		`{"choices":[{"finish_reason":null,"index":0,"delta":{"content":" shout"}}],"created":1796533192,"id":"chatcmpl-i6PP2xsfJ1i4DxoXS5yCfuCJ1jqQ1FOd","model":"tiny-any","system_fingerprint":"b0-unknown","object":"chat.completion.chunk","timings":{"cache_n":0,"prompt_n":18,"prompt_ms":2.512,"prompt_per_token_ms":0.13955555555555554,"prompt_per_second":7165.605095541401,"predicted_n":2,"predicted_ms":0.573,"predicted_per_token_ms":0.573,"predicted_per_second":1745.2006980802792}}`,
		`{"choices":[],"usage":{"completion_tokens":12,"prompt_tokens":28},"timings":{"cache_n":10,"predicted_n":12,"prompt_ms":3.019,"predicted_ms":10.932}}`,
		`{"choices":[],"timings":null}`,
		`{"choices":[],"timings":{}}`,
		`{"timings":{"predicted_n":1.0,"cache_n":"3","prompt_ms":"2","predicted_ms":-1e400,"x":[{"y":1}]},"choices":[]}`,
		`{"timings":{"predicted_n":null,"prompt_ms":null,"predicted_ms":1e309,"cache_n":99999999999999999999},"choices":[]}`,
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
			t.Errorf("fastDecode(%s) = %+v (timings %+v); encoding/json gives %+v (timings %+v)", s, fast, fast.Timings, *slow, slow.Timings)
		}
	}
	for _, s := range []string{
		`{"choices":[],"timings":{"predicted_n":1},"timings":{"prompt_ms":2}}`, // repeated: encoding/json merges them
		`{"choices":[],"timings":{"predicted_n":1,"predicted_n":2}}`,           // repeated key
		`{"choices":[],"timings":{"Predicted_N":1}}`,                           // case-folded key
		`{"choices":[],"Timings":{"predicted_n":1}}`,                           // case-folded key
		`{"choices":[],"timings":[1]}`,                                         // no object
		`{"choices":[],"timings":{"predicted_n":01}}`,                          // no JSON
	} {
		var ev eventJSON
		if fastDecode([]byte(s), &ev) {
			t.Errorf("fastDecode accepted %q", s)
		}
	}
}

// TestTemplateDecodeTimings: a template hit on an event that carries
// timings gives them, a new object each event as encoding/json gives.
func TestTemplateDecodeTimings(t *testing.T) {
	const head = `{"choices":[{"finish_reason":null,"index":0,"delta":{"content":"`
	const tail = `"}}],"model":"m","timings":{"cache_n":0,"prompt_ms":2.5,"predicted_n":3,"predicted_ms":1.5}}`
	var tm template
	var prev *eventJSON
	for i, s := range []string{"a", "b", "c"} {
		data := head + s + tail
		ev := &eventJSON{}
		slow, _ := slowDecode([]byte(data))
		if !tm.decode([]byte(data), ev) || !reflect.DeepEqual(ev, slow) {
			t.Fatalf("event %d: %+v (timings %+v); encoding/json gives %+v (timings %+v)", i, ev, ev.Timings, slow, slow.Timings)
		}
		if prev != nil && prev.Timings == ev.Timings {
			t.Fatalf("event %d shares its timings with the one before", i)
		}
		prev = ev
	}
	if tm.hits != 2 {
		t.Errorf("%d template hits, want 2", tm.hits)
	}
}
