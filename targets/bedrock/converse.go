package bedrock

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/schemas"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/eventstream"

	"github.com/inferbench/inferbench/targets"
)

// converseInput builds the ConverseStream request. The Converse API has no
// ignore_eos, minimum length or seed: Request.IgnoreEOS, MinTokens and Seed
// are not sent.
func converseInput(req targets.Request) *bedrockruntime.ConverseStreamInput {
	in := &bedrockruntime.ConverseStreamInput{ModelId: aws.String(req.Model)}
	for _, m := range req.Conversation() {
		switch m.Role {
		case targets.RoleSystem:
			in.System = append(in.System, &types.SystemContentBlockMemberText{Value: m.Content})
			continue
		case targets.RoleAssistant:
			in.Messages = append(in.Messages, types.Message{Role: types.ConversationRoleAssistant,
				Content: []types.ContentBlock{&types.ContentBlockMemberText{Value: m.Content}}})
		default:
			in.Messages = append(in.Messages, types.Message{Role: types.ConversationRoleUser,
				Content: []types.ContentBlock{&types.ContentBlockMemberText{Value: m.Content}}})
		}
	}
	var ic types.InferenceConfiguration
	if req.MaxTokens > 0 {
		ic.MaxTokens = aws.Int32(int32(min(req.MaxTokens, 1<<31-1)))
	}
	if req.Temperature != nil {
		ic.Temperature = aws.Float32(float32(*req.Temperature))
	}
	if len(req.Stop) > 0 {
		ic.StopSequences = req.Stop
	}
	if ic.MaxTokens != nil || ic.Temperature != nil || ic.StopSequences != nil {
		in.InferenceConfig = &ic
	}
	return in
}

// streamConverse sends a ConverseStream request and reads its events.
func (t *Target) streamConverse(ctx context.Context, req targets.Request, onChunk func(targets.Chunk)) (targets.Final, error) {
	var d converseDecoder
	err := t.stream(ctx, func(rctx context.Context) (io.Closer, error) {
		out, err := t.client.ConverseStream(rctx, converseInput(req), withProtocol(newProtocol()))
		if err != nil {
			return nil, err
		}
		return out.GetStream(), nil
	}, schemas.ConverseStreamOutput, func(ev smithy.Deserializable) {
		onChunk(d.event(ev))
	})
	if err == io.EOF {
		if d.finish == "" && d.usage == nil {
			return d.final(), &targets.ProtocolError{Msg: fmt.Sprintf("stream ended before messageStop and metadata, after %d events", d.events)}
		}
		return d.final(), nil
	}
	return d.final(), err
}

// readEvents decodes the event messages of body with the SDK's decoder, in
// this goroutine, and hands each to handle. It returns io.EOF at the end of
// the stream, the stream error an exception frame carries, a protocol error
// for bytes that are not events, or the transport's error (led by ctx's
// cause).
//
// A ConverseStream metadata event the SDK refuses is read again by
// converseMetadata, whose counts and latency are targets.Int: a server's
// number of the wrong shape (2^63, 3.7, "12") is not reported, instead of
// failing a request whose text all came.
func (t *Target) readEvents(ctx context.Context, body io.Reader, schema *smithy.Schema, handle func(smithy.Deserializable)) error {
	p := newProtocol()
	br := &targets.ErrReader{R: body}
	var tape *frameTape // the converse stream's current message
	r := io.Reader(br)
	if schema == schemas.ConverseStreamOutput {
		tape = &frameTape{r: br}
		r = tape
	}
	for {
		if tape != nil {
			tape.buf = tape.buf[:0]
		}
		ev, err := p.DeserializeEventMessage(schema, bedrockruntime.TypeRegistry, r)
		if br.Err != nil {
			return t.redactor(ctx).Err(fmt.Errorf("bedrock: read stream: %w", targets.WithCause(ctx, br.Err)))
		}
		if err == io.EOF {
			return io.EOF
		}
		if err != nil {
			var ae smithy.APIError
			if errors.As(err, &ae) {
				return t.streamError(ctx, ae)
			}
			ev = nil
			if tape != nil {
				ev = converseMetadata(tape.buf)
			}
			if ev == nil {
				return &targets.ProtocolError{Msg: "bedrock: " + t.redactor(ctx).Clip(err.Error())}
			}
		}
		handle(ev)
	}
}

// frameTape keeps the bytes read of the event message being decoded: the
// SDK's decoder reads a message's exact length, no further.
type frameTape struct {
	r   io.Reader
	buf []byte
}

func (t *frameTape) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.buf = append(t.buf, p[:n]...)
	return n, err
}

// converseMetadata decodes frame, a whole event message, when it is a
// metadata event whose usage and metrics are objects (or null), its counts
// and latency read as targets.Int: one that is no integer, or past the
// API's int32 for a count, is not reported (nil). Anything else is nil.
func converseMetadata(frame []byte) smithy.Deserializable {
	msg, err := eventstream.NewDecoder().Decode(bytes.NewReader(frame), nil)
	if err != nil || header(msg.Headers, eventstream.MessageTypeHeader) != eventstream.EventMessageType ||
		header(msg.Headers, eventstream.EventTypeHeader) != "metadata" {
		return nil
	}
	var m struct {
		Usage *struct {
			InputTokens  targets.Int `json:"inputTokens"`
			OutputTokens targets.Int `json:"outputTokens"`
		} `json:"usage"`
		Metrics *struct {
			LatencyMs targets.Int `json:"latencyMs"`
		} `json:"metrics"`
	}
	if json.Unmarshal(msg.Payload, &m) != nil {
		return nil
	}
	ev := &types.ConverseStreamMetadataEvent{}
	if u := m.Usage; u != nil {
		ev.Usage = &types.TokenUsage{InputTokens: int32Of(u.InputTokens), OutputTokens: int32Of(u.OutputTokens)}
	}
	if mt := m.Metrics; mt != nil && mt.LatencyMs.OK {
		ev.Metrics = &types.ConverseStreamMetrics{LatencyMs: aws.Int64(mt.LatencyMs.N)}
	}
	return ev
}

// header is a message header's text, "" when it has none.
func header(h eventstream.Headers, name string) string {
	if v := h.Get(name); v != nil {
		return v.String()
	}
	return ""
}

// int32Of is n as the SDK's *int32, nil when not reported or past int32.
func int32Of(n targets.Int) *int32 {
	if !n.OK || n.N != int64(int32(n.N)) {
		return nil
	}
	return aws.Int32(int32(n.N))
}

// converseDecoder turns ConverseStream events into Chunks.
type converseDecoder struct {
	events int
	finish string
	usage  *targets.Usage
	server *targets.ServerTiming
}

func (d *converseDecoder) final() targets.Final {
	// stopReason stop_sequence: one of inferenceConfig.stopSequences ended
	// the output (end_turn, max_tokens, … otherwise; types.StopReason).
	stopped := d.finish == string(types.StopReasonStopSequence)
	return targets.Final{Usage: d.usage, FinishReason: d.finish, StoppedBySequence: stopped, Server: d.server}
}

// event handles one decoded event.
func (d *converseDecoder) event(ev smithy.Deserializable) targets.Chunk {
	d.events++
	var c targets.Chunk
	switch e := ev.(type) {
	case *types.ContentBlockDeltaEvent:
		switch dl := e.Delta.(type) {
		case *types.ContentBlockDeltaMemberText:
			c.Content = dl.Value
		case *types.ContentBlockDeltaMemberReasoningContent:
			// Text only: redactedContent and the signature are not
			// generated text a reader sees.
			if r, ok := dl.Value.(*types.ReasoningContentBlockDeltaMemberText); ok {
				c.Reasoning = r.Value
			}
		case *types.ContentBlockDeltaMemberToolUse:
			c.ToolArgs = aws.ToString(dl.Value.Input)
		}
	case *types.MessageStopEvent:
		d.finish = string(e.StopReason)
	case *types.ConverseStreamMetadataEvent:
		if u := e.Usage; u != nil {
			d.usage = &targets.Usage{PromptTokens: int(aws.ToInt32(u.InputTokens)), CompletionTokens: int(aws.ToInt32(u.OutputTokens))}
			c.Usage = d.usage
		}
		if m := e.Metrics; m != nil && aws.ToInt64(m.LatencyMs) > 0 {
			d.server = &targets.ServerTiming{Total: time.Duration(aws.ToInt64(m.LatencyMs)) * time.Millisecond}
		}
	}
	// messageStart, contentBlockStart/Stop and unknown events carry nothing.
	return c
}
