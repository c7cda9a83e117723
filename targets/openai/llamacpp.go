package openai

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/inferbench/inferbench/targets"
)

// llama.cpp's native POST /completion (llama-server tools/server README;
// llamacpp-native-completion-stream): SSE events
// {"content","tokens":[ids],"stop":false,"tokens_predicted":n,…}, no
// [DONE]; the last has stop true, stop_type, tokens_evaluated and timings.

// nativeRequestJSON is the body of a streaming /completion request.
type nativeRequestJSON struct {
	Prompt      string   `json:"prompt"`
	NPredict    int      `json:"n_predict,omitempty"`
	Stream      bool     `json:"stream"`
	IgnoreEOS   bool     `json:"ignore_eos,omitempty"`
	Temperature *float64 `json:"temperature,omitempty"`
	Seed        *int64   `json:"seed,omitempty"`
	// Stop is llama-server's "stop", an array of stopping strings.
	Stop []string `json:"stop,omitempty"`
}

// nativeRequestBody encodes req for /completion. llama.cpp has no
// min_tokens: Request.MinTokens is not sent (IgnoreEOS with MaxTokens gives
// the exact length instead).
func nativeRequestBody(req targets.Request) ([]byte, error) {
	return json.Marshal(nativeRequestJSON{Prompt: req.FlatPrompt(), NPredict: max(req.MaxTokens, 0), Stream: true,
		IgnoreEOS: req.IgnoreEOS, Temperature: req.Temperature, Seed: req.Seed, Stop: req.Stop})
}

// nativeEventJSON is the part of a /completion event the adapter reads.
type nativeEventJSON struct {
	Content         string          `json:"content"`
	Tokens          []int           `json:"tokens"`
	Stop            bool            `json:"stop"`
	StopType        string          `json:"stop_type"`
	TokensPredicted targets.Int     `json:"tokens_predicted"`
	TokensEvaluated targets.Int     `json:"tokens_evaluated"`
	Timings         *timingsJSON    `json:"timings"`
	Error           json.RawMessage `json:"error"`
}

// nativeStop maps stop_type to the finish reasons of the OpenAI API.
var nativeStop = map[string]string{"limit": "length", "eos": "stop", "word": "stop"}

// nativeEvent handles one /completion event: it reports whether it was the
// last (stop true) or returns the error it carries.
//
// tokens_predicted is cumulative, so an event's Tokens is its increase. An
// event whose text is empty (a token that ends inside a UTF-8 sequence, the
// last event) carries no token: its count goes to the next event with text.
func (d *decoder) nativeEvent(data []byte, onChunk func(targets.Chunk)) (bool, error) {
	var e nativeEventJSON
	if err := d.json.decode(data, &e); err != nil {
		return false, d.redact.Undecodable(fmt.Sprintf("event %d", d.events), err, data)
	}
	d.events++
	if r := bytes.TrimSpace(e.Error); len(r) > 0 && !bytes.Equal(r, []byte("null")) {
		if se := d.streamError(data); se != nil {
			return false, se
		}
	}
	c := targets.Chunk{Content: e.Content}
	if c.Content != "" {
		switch {
		case e.TokensPredicted.OK:
			c.Tokens = d.increase(int(e.TokensPredicted.N), d.lastCompletion)
			d.lastCompletion = int(e.TokensPredicted.N)
		default:
			c.Tokens = len(e.Tokens)
		}
	}
	if !e.Stop {
		onChunk(c)
		return false, nil
	}
	d.finish = e.StopType
	if f, ok := nativeStop[e.StopType]; ok {
		d.finish = f
	}
	// Unlike the "stop" it maps to, stop_type tells a stopping string
	// ("word") from the model's end of generation ("eos").
	d.stopWord = e.StopType == "word"
	if e.TokensPredicted.OK {
		d.increase(int(e.TokensPredicted.N), d.lastCompletion) // the final count below the last: noted
		d.usage = &targets.Usage{PromptTokens: int(e.TokensEvaluated.N), CompletionTokens: int(e.TokensPredicted.N)}
		c.Usage = d.usage
	}
	if e.Timings != nil {
		d.server = e.Timings.server()
		d.cached = max(int(e.Timings.CacheN.N), 0)
	}
	onChunk(c)
	return true, nil
}
