package bedrock

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/schemas"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"
	"github.com/aws/smithy-go"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/anthropic"
)

// InvokeModelWithResponseStream sends the model family's own request body
// and streams `chunk` events whose payload {"bytes": base64} holds the
// family's own event JSON. Bedrock adds "amazon-bedrock-invocationMetrics"
// (inputTokenCount, outputTokenCount, invocationLatency, firstByteLatency)
// to the last one. The families read here, from the Bedrock user guide's
// "Inference request parameters and response fields for foundation models"
// (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters.html):
//
//	anthropic  Messages API body with anthropic_version bedrock-2023-05-31;
//	           events as Anthropic's own stream (message_start,
//	           content_block_delta, message_delta, message_stop)
//	meta       {"prompt","max_gen_len","temperature"}; events
//	           {"generation","prompt_token_count","generation_token_count","stop_reason"};
//	           also imported models (Custom Model Import serves the Llama format)
//	mistral    {"prompt","max_tokens","temperature"}; events {"outputs":[{"text","stop_reason"}]}
//	titan      {"inputText","textGenerationConfig":{"maxTokenCount","temperature"}};
//	           events {"outputText","totalOutputTextTokenCount","completionReason"}
//
// The prompt is sent as given: no chat template is applied for the
// families that take raw text (meta, mistral, titan).

// family is a model family of the native API.
type family string

const (
	familyAnthropic family = "anthropic"
	familyMeta      family = "meta"
	familyMistral   family = "mistral"
	familyTitan     family = "titan"
)

// familyOf names the family of a model id, inference profile id
// (us.anthropic.…) or ARN; "" when the native API has no body for it.
func familyOf(model string) family {
	m := strings.ToLower(model)
	switch {
	case strings.Contains(m, "anthropic."):
		return familyAnthropic
	case strings.Contains(m, "meta."), strings.Contains(m, ":imported-model/"), strings.Contains(m, ":custom-model-deployment/"):
		return familyMeta
	case strings.Contains(m, "mistral."):
		return familyMistral
	case strings.Contains(m, "amazon.titan-text"), strings.Contains(m, "amazon.titan-tg1"):
		return familyTitan
	}
	return ""
}

// NativeNoStop names the model family whose native request body has no
// stop-sequence field, for model: Meta's Llama models (prompt, temperature,
// top_p, max_gen_len; Bedrock user guide, "Meta Llama models"), imported
// models among them; "" where the family's body takes stop sequences or
// the native API has no body for the model. A request with stop sequences
// for such a model is refused (nativeBody): checks before a run ask here.
func NativeNoStop(model string) string {
	if familyOf(model) == familyMeta {
		return "Meta's Llama models"
	}
	return ""
}

// DefaultAnthropicMaxTokens is the max_tokens sent to an Anthropic model
// when Request.MaxTokens is 0 (anthropic.MaxTokens): the Messages API
// requires it.
const DefaultAnthropicMaxTokens = anthropic.DefaultMaxTokens

// nativeBody encodes req in the model family's request format.
func nativeBody(f family, req targets.Request) ([]byte, error) {
	var body any
	switch f {
	case familyAnthropic:
		system, msgs := anthropic.Messages(req)
		body = struct {
			Version     string              `json:"anthropic_version"`
			MaxTokens   int                 `json:"max_tokens"`
			System      string              `json:"system,omitempty"`
			Messages    []anthropic.Message `json:"messages"`
			Temperature *float64            `json:"temperature,omitempty"`
			Stop        []string            `json:"stop_sequences,omitempty"`
		}{"bedrock-2023-05-31", anthropic.MaxTokens(req), system, msgs, req.Temperature, req.Stop}
	case familyMeta:
		if len(req.Stop) > 0 {
			return nil, targets.RequestErrorf("bedrock: the native body of %s has no stop sequences (prompt, temperature, top_p, max_gen_len): use API chat (ConverseStream), which sends them", NativeNoStop(req.Model))
		}
		body = struct {
			Prompt      string   `json:"prompt"`
			MaxGenLen   int      `json:"max_gen_len,omitempty"`
			Temperature *float64 `json:"temperature,omitempty"`
		}{req.FlatPrompt(), max(req.MaxTokens, 0), req.Temperature}
	case familyMistral:
		body = struct {
			Prompt      string   `json:"prompt"`
			MaxTokens   int      `json:"max_tokens,omitempty"`
			Temperature *float64 `json:"temperature,omitempty"`
			Stop        []string `json:"stop,omitempty"`
		}{req.FlatPrompt(), max(req.MaxTokens, 0), req.Temperature, req.Stop}
	case familyTitan:
		type genConfig struct {
			MaxTokenCount int      `json:"maxTokenCount,omitempty"`
			Temperature   *float64 `json:"temperature,omitempty"`
			StopSequences []string `json:"stopSequences,omitempty"`
		}
		body = struct {
			InputText string    `json:"inputText"`
			Config    genConfig `json:"textGenerationConfig"`
		}{req.FlatPrompt(), genConfig{max(req.MaxTokens, 0), req.Temperature, req.Stop}}
	default:
		return nil, targets.RequestErrorf("bedrock: the native API has no request body for model %q (anthropic, meta, imported, mistral and titan-text models have one): use API chat (ConverseStream)", req.Model)
	}
	return json.Marshal(body)
}

// streamNative sends an InvokeModelWithResponseStream request and reads
// its chunk events.
func (t *Target) streamNative(ctx context.Context, req targets.Request, onChunk func(targets.Chunk)) (targets.Final, error) {
	fam := familyOf(req.Model)
	body, err := nativeBody(fam, req)
	if err != nil {
		return targets.Final{}, err
	}
	d := nativeDecoder{redact: func() targets.Redactor { return t.redactor(ctx) }, family: fam, stopSent: len(req.Stop) > 0}
	var perr error
	err = t.stream(ctx, func(rctx context.Context) (io.Closer, error) {
		out, err := t.client.InvokeModelWithResponseStream(rctx, &bedrockruntime.InvokeModelWithResponseStreamInput{
			ModelId: aws.String(req.Model), Body: body,
			ContentType: aws.String("application/json"), Accept: aws.String("application/json"),
		}, withProtocol(newProtocol()))
		if err != nil {
			return nil, err
		}
		return out.GetStream(), nil
	}, schemas.ResponseStream, func(ev smithy.Deserializable) {
		if perr != nil {
			return
		}
		c, err := d.event(ev)
		if err != nil {
			perr = err
			return
		}
		onChunk(c)
	})
	if perr != nil {
		return d.final(), perr
	}
	if err == io.EOF {
		if d.finish == "" && d.usage == nil {
			return d.final(), &targets.ProtocolError{Msg: fmt.Sprintf("stream ended without a stop reason or invocation metrics, after %d chunks", d.events)}
		}
		return d.final(), nil
	}
	return d.final(), err
}

// nativeChunkJSON is every field of the families' events the adapter reads.
// Its counts and times are targets.Int: one that is no integer (2^63, 3.7,
// "12") is not reported, and the chunk still counts.
type nativeChunkJSON struct {
	// anthropic
	Type    string           `json:"type"`
	Delta   *anthropic.Delta `json:"delta"`
	Message *struct {
		Usage *anthropic.Usage `json:"usage"`
	} `json:"message"`
	Usage *anthropic.Usage `json:"usage"`
	// meta
	Generation           *string     `json:"generation"`
	PromptTokenCount     targets.Int `json:"prompt_token_count"`
	GenerationTokenCount targets.Int `json:"generation_token_count"`
	StopReason           *string     `json:"stop_reason"`
	// mistral
	Outputs []struct {
		Text       string  `json:"text"`
		StopReason *string `json:"stop_reason"`
	} `json:"outputs"`
	// titan
	OutputText                *string     `json:"outputText"`
	TotalOutputTextTokenCount targets.Int `json:"totalOutputTextTokenCount"`
	CompletionReason          *string     `json:"completionReason"`
	// every family: Bedrock's account of the invocation, on the last chunk
	Metrics *struct {
		InputTokenCount   targets.Int `json:"inputTokenCount"`
		OutputTokenCount  targets.Int `json:"outputTokenCount"`
		InvocationLatency targets.Int `json:"invocationLatency"`
		FirstByteLatency  targets.Int `json:"firstByteLatency"`
	} `json:"amazon-bedrock-invocationMetrics"`
}

// nativeDecoder turns chunk events into Chunks.
type nativeDecoder struct {
	// redact returns what removes the target's credentials from an
	// error's text, asked for only when there is one (t.redactor).
	redact func() targets.Redactor
	events int
	finish string
	usage  *targets.Usage
	server *targets.ServerTiming
	input  int
	// lastOut is the last cumulative output count of a family that sends
	// one per chunk (meta, titan), from which each chunk's tokens are known;
	// decreased is set when one went below it (Final.UsageDecreased).
	lastOut   int
	decreased bool
	// family is the model's, whose words the finish is in; stopSent says
	// the request sent stop sequences.
	family   family
	stopSent bool
}

func (d *nativeDecoder) final() targets.Final {
	return targets.Final{Usage: d.usage, FinishReason: d.finish, StoppedBySequence: d.stoppedBySequence(), Server: d.server, UsageDecreased: d.decreased}
}

// stoppedBySequence says whether the family's finish says the output may
// have ended at a stop sequence (targets.Final.StoppedBySequence).
func (d *nativeDecoder) stoppedBySequence() bool {
	switch d.family {
	case familyAnthropic:
		// The Messages API's stop_reason, as on Anthropic's own API.
		return d.finish == "stop_sequence"
	case familyMistral:
		// stop_reason "stop" or "length" (Bedrock user guide, "Mistral AI
		// text completion"): "stop" is the model's end and a stop
		// sequence alike.
		return d.stopSent && d.finish == "stop"
	case familyTitan:
		// completionReason STOP_CRITERIA_MET: "the response was truncated
		// because the stop criteria was reached"; FINISH (FINISHED in the
		// guide) is the model's own end, LENGTH maxTokenCount's (Bedrock
		// user guide, "Amazon Titan Text models",
		// https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-text.html).
		return d.finish == "STOP_CRITERIA_MET"
	}
	// Meta's body has no stop sequences: a request with them is refused
	// (nativeBody).
	return false
}

// event handles one decoded event of the response stream.
func (d *nativeDecoder) event(ev smithy.Deserializable) (targets.Chunk, error) {
	var c targets.Chunk
	part, ok := ev.(*types.PayloadPart)
	if !ok {
		return c, nil // unknown events carry nothing
	}
	d.events++
	data := bytes.TrimSpace(part.Bytes)
	if len(data) == 0 {
		return c, nil
	}
	var e nativeChunkJSON
	if err := json.Unmarshal(data, &e); err != nil {
		return c, d.redact().Undecodable(fmt.Sprintf("chunk %d", d.events-1), err, data)
	}
	if e.Type == "error" {
		return c, &targets.StreamError{Type: "error", Message: d.redact().Clip(string(data))}
	}
	// anthropic
	if dl := e.Delta; dl != nil {
		dl.AddTo(&c)
		if dl.StopReason != "" {
			d.finish = dl.StopReason
		}
	}
	if e.Message != nil && e.Message.Usage != nil && e.Message.Usage.InputTokens.OK {
		d.input = int(e.Message.Usage.InputTokens.N)
	}
	if e.Type == "message_delta" && e.Usage != nil && e.Usage.OutputTokens.OK {
		d.usage = &targets.Usage{PromptTokens: d.input, CompletionTokens: int(e.Usage.OutputTokens.N)}
		c.Usage = d.usage
	}
	// meta
	if e.Generation != nil {
		c.Content = *e.Generation
		if e.PromptTokenCount.OK {
			d.input = int(e.PromptTokenCount.N)
		}
		d.cumulative(&c, e.GenerationTokenCount)
		if e.StopReason != nil && *e.StopReason != "" {
			d.finish = *e.StopReason
		}
	}
	// mistral
	for _, o := range e.Outputs {
		c.Content += o.Text
		if o.StopReason != nil && *o.StopReason != "" {
			d.finish = *o.StopReason
		}
	}
	// titan
	if e.OutputText != nil {
		c.Content = *e.OutputText
		d.cumulative(&c, e.TotalOutputTextTokenCount)
		if e.CompletionReason != nil && *e.CompletionReason != "" {
			d.finish = *e.CompletionReason
		}
	}
	if m := e.Metrics; m != nil {
		d.usage = &targets.Usage{PromptTokens: int(m.InputTokenCount.N), CompletionTokens: int(m.OutputTokenCount.N)}
		c.Usage = d.usage
		st := targets.ServerTiming{Total: millis(m.InvocationLatency.N), TTFT: millis(m.FirstByteLatency.N)}
		if st != (targets.ServerTiming{}) {
			d.server = &st
		}
		if d.finish == "" {
			// The metrics come only on the last chunk: the invocation ended.
			d.finish = "end"
		}
	}
	return c, nil
}

// cumulative sets c.Tokens from a cumulative output count: the increase
// since the last one. An event with no text carries no token; its count
// goes to the next event with text.
func (d *nativeDecoder) cumulative(c *targets.Chunk, n targets.Int) {
	if !n.OK || c.Content == "" {
		return
	}
	if int(n.N) < d.lastOut {
		d.decreased = true
	}
	c.Tokens = max(int(n.N)-d.lastOut, 0)
	d.lastOut = int(n.N)
}

// millis converts a latency in milliseconds to a Duration; a negative one,
// or one past what a Duration holds, gives 0 (not reported).
func millis(ms int64) time.Duration {
	if ms < 0 || ms > math.MaxInt64/int64(time.Millisecond) {
		return 0
	}
	return time.Duration(ms) * time.Millisecond
}
