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
