package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/sse"
)

// The Responses API (POST /v1/responses with "stream": true; OpenAI API
// reference "Streaming events",
// https://platform.openai.com/docs/api-reference/responses-streaming). Each
// event is `event: TYPE` and `data: {"type": TYPE, "sequence_number", …}`;
// there is no [DONE]: the stream ends after response.completed,
// response.incomplete or response.failed, each carrying the whole response
// object with its usage {input_tokens, output_tokens,
// output_tokens_details.reasoning_tokens}. Token events:
//
//	response.output_text.delta                         content
//	response.refusal.delta                             content (visible text)
//	response.reasoning_text.delta,
//	response.reasoning_summary_text.delta              reasoning
//	response.function_call_arguments.delta,
//	response.custom_tool_call_input.delta              tool arguments
//
// every other event (created, in_progress, output_item.added/done,
// content_part.added/done, *.done, …) carries none. An `error` event or
// response.failed is a stream error; response.incomplete is the normal end
// of a response cut by max_output_tokens (its reason is the finish reason).

// responsesRequestJSON is the body of a streaming Responses request. The
// API has no ignore_eos, minimum length, seed or stop sequences (its
// create-response parameters have no stop; Request.Stop is not sent, and
// the registry's Kind.Stop refuses it for this API before a run).
type responsesRequestJSON struct {
	Model           string   `json:"model,omitempty"`
	Input           any      `json:"input"` // a string, or a list of messages
	Stream          bool     `json:"stream"`
	MaxOutputTokens int      `json:"max_output_tokens,omitempty"`
	Temperature     *float64 `json:"temperature,omitempty"`
}

func responsesRequestBody(req targets.Request) ([]byte, error) {
	var input any = req.Prompt
	if req.Messages != nil {
		input = messagesOf(req) // Responses takes role/content input items
	}
	return json.Marshal(responsesRequestJSON{Model: req.Model, Input: input, Stream: true,
		MaxOutputTokens: max(req.MaxTokens, 0), Temperature: req.Temperature})
}

// responsesEventJSON is the part of a Responses event the adapter reads.
type responsesEventJSON struct {
	Type     string `json:"type"`
	Delta    string `json:"delta"`
	Code     any    `json:"code"`
	Message  string `json:"message"`
	Response *struct {
		Status            string `json:"status"`
		IncompleteDetails *struct {
			Reason string `json:"reason"`
		} `json:"incomplete_details"`
		Error *struct {
			Code    any    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
		Usage *struct {
			InputTokens  targets.Int `json:"input_tokens"`
			OutputTokens targets.Int `json:"output_tokens"`
		} `json:"usage"`
	} `json:"response"`
	// Error is the nested form some servers use: {"type":"error","error":{…}}.
	Error *struct {
		Code    any    `json:"code"`
		Type    string `json:"type"`
		Message string `json:"message"`
	} `json:"error"`
}

// responsesDecoder turns Responses events into Chunks.
type responsesDecoder struct {
	redact targets.Redactor
	events int
	usage  *targets.Usage
	finish string
}

func (d *responsesDecoder) final() targets.Final {
	return targets.Final{Usage: d.usage, FinishReason: d.finish}
}

// readResponses reads a Responses stream to its terminal event.
func (t *Target) readResponses(ctx context.Context, resp *http.Response, cancel context.CancelFunc, onChunk func(targets.Chunk)) (targets.Final, error) {
	rd := sse.NewReader(resp.Body)
	d := responsesDecoder{redact: t.ep.Redact}
	err := t.ep.ReadEvents(ctx, rd, resp.Body, cancel, func(ev sse.Event) (bool, error) { return d.event(ev, onChunk) })
	if err == io.EOF {
		return d.final(), &targets.ProtocolError{Msg: fmt.Sprintf(
			"stream ended before response.completed, after %d events", d.events)}
	}
	return d.final(), err
}

// event handles one event: it reports whether it ended the response or
// returns the error it carries.
func (d *responsesDecoder) event(ev sse.Event, onChunk func(targets.Chunk)) (bool, error) {
	data := bytes.TrimSpace(ev.Data)
	if len(data) == 0 {
		return false, nil
	}
	if bytes.Equal(data, doneMarker) {
		// Not sent by OpenAI; a compatible server that adds it ends here.
		return true, nil
	}
	var e responsesEventJSON
	if err := json.Unmarshal(data, &e); err != nil {
		return false, d.redact.Undecodable(fmt.Sprintf("event %d", d.events), err, data)
	}
	d.events++
	typ := e.Type
	if typ == "" {
		typ = ev.Type
	}
	var c targets.Chunk
	switch typ {
	case "response.output_text.delta", "response.refusal.delta":
		c.Content = e.Delta
	case "response.reasoning_text.delta", "response.reasoning_summary_text.delta":
		c.Reasoning = e.Delta
	case "response.function_call_arguments.delta", "response.custom_tool_call_input.delta":
		c.ToolArgs = e.Delta
	case "error":
		code, msg, etype := scalarAny(e.Code), e.Message, ""
		if e.Error != nil {
			code, msg, etype = scalarAny(e.Error.Code), e.Error.Message, e.Error.Type
		}
		return false, d.streamError(code, etype, msg)
	case "response.failed":
		code, msg := "", "response failed"
		if r := e.Response; r != nil && r.Error != nil {
			code, msg = scalarAny(r.Error.Code), r.Error.Message
		}
		return false, d.streamError(code, "response.failed", msg)
	case "response.completed", "response.incomplete":
		d.finish = "completed"
		if r := e.Response; r != nil {
			if r.Status != "" {
				d.finish = r.Status
			}
			if r.IncompleteDetails != nil && r.IncompleteDetails.Reason != "" {
				d.finish = r.IncompleteDetails.Reason
			}
			if u := r.Usage; u != nil {
				d.usage = &targets.Usage{PromptTokens: int(u.InputTokens.N), CompletionTokens: int(u.OutputTokens.N)}
				c.Usage = d.usage
			}
		}
		onChunk(c)
		return true, nil
	}
	onChunk(c)
	return false, nil
}

// streamError builds the StreamError of an error event; a code that is an
// HTTP status (or names one) gives its status.
func (d *responsesDecoder) streamError(code, typ, msg string) *targets.StreamError {
	se := &targets.StreamError{Code: d.redact.Clip(code), Type: d.redact.Clip(typ), Message: d.redact.Clip(msg)}
	if n, err := strconv.Atoi(code); err == nil && n >= 100 && n <= 599 {
		se.Status = n
	}
	return se
}

// scalarAny is a JSON scalar decoded into any, as text: "" for null.
func scalarAny(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return fmt.Sprint(x)
	}
	return ""
}
