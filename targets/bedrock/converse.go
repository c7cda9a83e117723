package bedrock

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/schemas"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"
	"github.com/aws/smithy-go"

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
	if ic.MaxTokens != nil || ic.Temperature != nil {
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
func (t *Target) readEvents(ctx context.Context, body io.Reader, schema *smithy.Schema, handle func(smithy.Deserializable)) error {
	p := newProtocol()
	br := &targets.ErrReader{R: body}
	for {
		ev, err := p.DeserializeEventMessage(schema, bedrockruntime.TypeRegistry, br)
		if br.Err != nil {
			return t.redactor(ctx).err(fmt.Errorf("bedrock: read stream: %w", targets.WithCause(ctx, br.Err)))
		}
		if err == io.EOF {
			return io.EOF
		}
		if err != nil {
			var ae smithy.APIError
			if errors.As(err, &ae) {
				return t.streamError(ctx, ae)
			}
			return &targets.ProtocolError{Msg: "bedrock: " + t.redactor(ctx).clip(err.Error())}
		}
		handle(ev)
	}
}

// converseDecoder turns ConverseStream events into Chunks.
type converseDecoder struct {
	events int
	finish string
	usage  *targets.Usage
	server *targets.ServerTiming
}

func (d *converseDecoder) final() targets.Final {
	return targets.Final{Usage: d.usage, FinishReason: d.finish, Server: d.server}
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
