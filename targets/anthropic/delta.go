package anthropic

import "github.com/inferbench/inferbench/targets"

// Delta is the delta of a content_block_delta or message_delta event, as
// the Messages API writes it and Bedrock's Anthropic models relay it.
type Delta struct {
	Type        string `json:"type"`
	Text        string `json:"text"`
	Thinking    string `json:"thinking"`
	PartialJSON string `json:"partial_json"`
	StopReason  string `json:"stop_reason"`
}

// Usage is the usage of a message_start's message or of a message_delta,
// as the Messages API writes it and Bedrock's Anthropic models relay it. A
// count that is no integer (2^63, 3.7, "12") is not reported (targets.Int),
// and the event still counts.
type Usage struct {
	InputTokens  targets.Int `json:"input_tokens"`
	OutputTokens targets.Int `json:"output_tokens"`
}

// AddTo puts the generated text a content_block_delta carries into c: its
// text, thinking or tool-call arguments. Other deltas (signature_delta,
// citations_delta, message_delta's) carry none.
func (d *Delta) AddTo(c *targets.Chunk) {
	switch d.Type {
	case "text_delta":
		c.Content = d.Text
	case "thinking_delta":
		c.Reasoning = d.Thinking
	case "input_json_delta":
		c.ToolArgs = d.PartialJSON
	}
}
