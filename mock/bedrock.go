package mock

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
)

// Amazon Bedrock runtime. POST /model/{modelId}/converse-stream
// (ConverseStream) and /model/{modelId}/invoke-with-response-stream
// (InvokeModelWithResponseStream) answer in the AWS event-stream binary
// framing (application/vnd.amazon.eventstream), each message with the
// headers :event-type, :content-type application/json and :message-type
// event, and a JSON payload padded with a "p" field as Bedrock pads it
// (bedrock-converse-stream-raw-eventstream-base64). The frames are encoded
// with the AWS SDK's own event-stream encoder, so the prelude, header and
// message CRCs are the SDK's. ConverseStream sends messageStart, one
// contentBlockDelta per token, contentBlockStop, messageStop and metadata
// (usage and latencyMs); InvokeModelWithResponseStream sends `chunk` events
// whose {"bytes": base64} holds the model family's own event JSON
// (Anthropic, Meta Llama, Mistral, Titan), the last with
// "amazon-bedrock-invocationMetrics". Errors before the stream are
// {"message"} with the exception in X-Amzn-Errortype; an error inside the
// stream is an exception frame (:message-type exception, :exception-type
// modelStreamErrorException).

// bedrockRoute returns the protocol for a /model/… path, nil for other
// operations.
func bedrockRoute(_ string, r *http.Request) *protocol {
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), "/model/")
	if !ok {
		return nil
	}
	i := strings.LastIndexByte(rest, '/')
	if i <= 0 {
		return nil
	}
	model, err := url.PathUnescape(rest[:i])
	if err != nil || model == "" {
		return nil
	}
	var native bool
	switch rest[i+1:] {
	case "converse-stream":
	case "invoke-with-response-stream":
		native = true
	default:
		return nil
	}
	return &protocol{
		parse: func(s *Server, _ *http.Request, body []byte, seq int64) (*call, error) {
			return parseBedrock(s, body, seq, model, native)
		},
		writeError: writeBedrockError,
	}
}

// bedrockFamily is the request and event format of a model for
// InvokeModelWithResponseStream.
type bedrockFamily int

const (
	bedrockConverse bedrockFamily = iota
	bedrockAnthropic
	bedrockMeta
	bedrockMistral
	bedrockTitan
)

// bedrockFamilyOf names the family of a model id as targets/bedrock does.
func bedrockFamilyOf(model string) (bedrockFamily, bool) {
	m := strings.ToLower(model)
	switch {
	case strings.Contains(m, "anthropic."):
		return bedrockAnthropic, true
	case strings.Contains(m, "meta."), strings.Contains(m, ":imported-model/"):
		return bedrockMeta, true
	case strings.Contains(m, "mistral."):
		return bedrockMistral, true
	case strings.Contains(m, "amazon.titan-text"):
		return bedrockTitan, true
	}
	return 0, false
}

// bedrockRequest holds every request field of the formats the mock reads.
type bedrockRequest struct {
	// Converse
	Messages []struct {
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	InferenceConfig struct {
		MaxTokens     *int     `json:"maxTokens"`
		StopSequences []string `json:"stopSequences"`
	} `json:"inferenceConfig"`
	// anthropic (and messages above), mistral
	MaxTokens     *int     `json:"max_tokens"`
	StopSequences []string `json:"stop_sequences"` // anthropic
	Stop          []string `json:"stop"`           // mistral
	// meta, mistral
	Prompt    *string `json:"prompt"`
	MaxGenLen *int    `json:"max_gen_len"`
	// titan
	InputText *string `json:"inputText"`
	Config    struct {
		MaxTokenCount *int     `json:"maxTokenCount"`
		StopSequences []string `json:"stopSequences"`
	} `json:"textGenerationConfig"`
}

func parseBedrock(s *Server, body []byte, seq int64, model string, native bool) (*call, error) {
	var req bedrockRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, fmt.Errorf("Malformed input request: %v, please reformat your input and try again.", err)
	}
	c := &call{stream: true}
	c.g.model = model
	fam := bedrockConverse
	var maxTokens *int
	var stop []string
	if native {
		f, ok := bedrockFamilyOf(model)
		if !ok {
			return nil, fmt.Errorf("The provided model identifier is invalid.")
		}
		fam = f
	}
	switch fam {
	case bedrockConverse, bedrockAnthropic:
		if len(req.Messages) == 0 {
			return nil, fmt.Errorf("A conversation must start with a user message. Try again with a conversation that starts with a user message.")
		}
		for _, m := range req.Messages {
			n, err := countBedrockContent(m.Content)
			if err != nil {
				return nil, fmt.Errorf("Malformed input request: %v", err)
			}
			c.g.promptTokens += n
		}
		maxTokens, stop = req.InferenceConfig.MaxTokens, req.InferenceConfig.StopSequences
		if fam == bedrockAnthropic {
			stop = req.StopSequences
			if req.MaxTokens == nil {
				return nil, fmt.Errorf("Malformed input request: #: required key [max_tokens] not found, please reformat your input and try again.")
			}
			maxTokens = req.MaxTokens
		}
	case bedrockMeta, bedrockMistral:
		if req.Prompt == nil {
			return nil, fmt.Errorf("Malformed input request: #: required key [prompt] not found, please reformat your input and try again.")
		}
		c.g.promptTokens = countWords(*req.Prompt)
		maxTokens = req.MaxGenLen
		if fam == bedrockMistral {
			maxTokens, stop = req.MaxTokens, req.Stop
		}
	case bedrockTitan:
		if req.InputText == nil {
			return nil, fmt.Errorf("Malformed input request: #: required key [inputText] not found, please reformat your input and try again.")
		}
		c.g.promptTokens = countWords(*req.InputText)
		maxTokens, stop = req.Config.MaxTokenCount, req.Config.StopSequences
	}
	if err := s.decideLength(&c.g, maxTokens, 0, false, stop); err != nil {
		return nil, err
	}
	c.wire = &bedrockWire{g: &c.g, fam: fam, reqID: fmt.Sprintf("mock-%016x", seq), enc: eventstream.NewEncoder()}
	return c, nil
}

// countBedrockContent counts the words of a message's content: an array of
// {"text"} blocks (Converse) or a string or array of parts (Anthropic).
func countBedrockContent(raw json.RawMessage) (int, error) {
	return countContentWords(raw)
}

type bedrockWire struct {
	g     *generation
	fam   bedrockFamily
	reqID string
	// firstMs is latencyMs when the first token event was built (Bedrock's
	// firstByteLatency); 0 before it.
	firstMs int64
	enc     *eventstream.Encoder
}

func (bw *bedrockWire) header(h http.Header) {
	h.Set("Content-Type", "application/vnd.amazon.eventstream")
	h.Set("X-Amzn-Requestid", bw.reqID)
}

// bytesWriter appends what is written to a byte slice.
type bytesWriter struct{ b []byte }

func (w *bytesWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// frame appends one event message with payload, as Bedrock writes it:
// :event-type, :content-type, :message-type.
func (bw *bedrockWire) frame(b []byte, eventType string, payload []byte) []byte {
	return bw.encode(b, eventstream.Message{Headers: eventstream.Headers{
		{Name: ":event-type", Value: eventstream.StringValue(eventType)},
		{Name: ":content-type", Value: eventstream.StringValue("application/json")},
		{Name: ":message-type", Value: eventstream.StringValue("event")},
	}, Payload: payload})
}

func (bw *bedrockWire) encode(b []byte, msg eventstream.Message) []byte {
	w := &bytesWriter{b: b}
	// Encoding into memory cannot fail.
	_ = bw.enc.Encode(w, msg)
	return w.b
}

// padding is the "p" field's value for event k: Bedrock pads each payload
// with a random-length string of letters and digits (a side-channel
// mitigation); the mock's length is fixed by k, so runs repeat.
func padding(k int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	return alphabet[:1+(k*7)%len(alphabet)]
}

func (bw *bedrockWire) start(b []byte) []byte {
	switch bw.fam {
	case bedrockConverse:
		return bw.frame(b, "messageStart", []byte(`{"p":"`+padding(0)+`","role":"assistant"}`))
	case bedrockAnthropic:
		b = bw.chunk(b, fmt.Sprintf(`{"type":"message_start","message":{"id":"msg_bdrk_%s","type":"message","role":"assistant","model":%s,"content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":%d,"output_tokens":1}}}`,
			bw.reqID, jsonString(bw.g.model), bw.g.promptTokens))
		return bw.chunk(b, `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`)
	}
	return b
}

// chunk appends an InvokeModelWithResponseStream chunk event carrying the
// family event ev.
func (bw *bedrockWire) chunk(b []byte, ev string) []byte {
	payload := `{"bytes":"` + base64.StdEncoding.EncodeToString([]byte(ev)) + `","p":"` + padding(len(ev)) + `"}`
	return bw.frame(b, "chunk", []byte(payload))
}

func (bw *bedrockWire) token(b []byte, k int) []byte {
	return bw.paddedToken(b, k, 0)
}

// paddedToken is token k's event with pad extra bytes in its padding field.
func (bw *bedrockWire) paddedToken(b []byte, k, pad int) []byte {
	if bw.firstMs == 0 {
		bw.firstMs = bw.latencyMs()
	}
	text := tokenJSON(k)
	n := strconv.Itoa(k + 1)
	var ev string
	switch bw.fam {
	case bedrockConverse:
		p := padding(k + 1)
		if pad > 0 {
			p = strings.Repeat("x", pad)
		}
		return bw.frame(b, "contentBlockDelta", []byte(`{"contentBlockIndex":0,"delta":{"text":`+text+`},"p":"`+p+`"}`))
	case bedrockAnthropic:
		ev = `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":` + text + `}}`
	case bedrockMeta:
		prompt := "null"
		if k == 0 {
			prompt = strconv.Itoa(bw.g.promptTokens)
		}
		ev = `{"generation":` + text + `,"prompt_token_count":` + prompt + `,"generation_token_count":` + n + `,"stop_reason":null}`
	case bedrockMistral:
		ev = `{"outputs":[{"text":` + text + `,"stop_reason":null}]}`
	case bedrockTitan:
		ev = `{"outputText":` + text + `,"index":0,"totalOutputTextTokenCount":` + n + `,"completionReason":null,"inputTextTokenCount":` + strconv.Itoa(bw.g.promptTokens) + `}`
	}
	if pad > 0 {
		ev = `{"mock_padding":"` + strings.Repeat("x", pad) + `",` + ev[1:]
	}
	return bw.chunk(b, ev)
}

// latencyMs is the time from receipt to now in whole milliseconds, as
// Bedrock reports it, rounded up so that work done is never reported as 0.
func (bw *bedrockWire) latencyMs() int64 {
	return (time.Since(bw.g.received) + time.Millisecond - 1).Milliseconds()
}

// invocationMetrics is Bedrock's account of the invocation on the last
// chunk; the mock's latencies are its own: from receipt to now, and to the
// first token event.
func (bw *bedrockWire) invocationMetrics() string {
	ms := bw.latencyMs()
	first := bw.firstMs
	if first == 0 {
		first = ms
	}
	return fmt.Sprintf(`"amazon-bedrock-invocationMetrics":{"inputTokenCount":%d,"outputTokenCount":%d,"invocationLatency":%d,"firstByteLatency":%d}`,
		bw.g.promptTokens, bw.g.generated(), ms, first)
}

func (bw *bedrockWire) end(b []byte) []byte {
	out := strconv.Itoa(bw.g.generated())
	switch bw.fam {
	case bedrockConverse:
		stop := bw.finish("end_turn", "max_tokens", "stop_sequence")
		b = bw.frame(b, "contentBlockStop", []byte(`{"contentBlockIndex":0,"p":"`+padding(3)+`"}`))
		b = bw.frame(b, "messageStop", []byte(`{"p":"`+padding(2)+`","stopReason":"`+stop+`"}`))
		return bw.frame(b, "metadata", []byte(fmt.Sprintf(`{"metrics":{"latencyMs":%d},"p":"%s","usage":{"inputTokens":%d,"outputTokens":%d,"totalTokens":%d}}`,
			bw.latencyMs(), padding(5), bw.g.promptTokens, bw.g.generated(), bw.g.promptTokens+bw.g.generated())))
	case bedrockAnthropic:
		stop, seq := bw.finish("end_turn", "max_tokens", "stop_sequence"), "null"
		if stop == "stop_sequence" {
			q, _ := json.Marshal(bw.g.stopped)
			seq = string(q)
		}
		b = bw.chunk(b, `{"type":"content_block_stop","index":0}`)
		b = bw.chunk(b, `{"type":"message_delta","delta":{"stop_reason":"`+stop+`","stop_sequence":`+seq+`},"usage":{"output_tokens":`+out+`}}`)
		return bw.chunk(b, `{"type":"message_stop",`+bw.invocationMetrics()+`}`)
	case bedrockMeta:
		// Meta's native body takes no stop sequences: no third word.
		return bw.chunk(b, `{"generation":"","prompt_token_count":null,"generation_token_count":`+out+`,"stop_reason":"`+bw.finish("stop", "length", "stop")+`",`+bw.invocationMetrics()+`}`)
	case bedrockMistral:
		return bw.chunk(b, `{"outputs":[{"text":"","stop_reason":"`+bw.finish("stop", "length", "stop")+`"}],`+bw.invocationMetrics()+`}`)
	case bedrockTitan:
		// Titan's completionReason: LENGTH at maxTokenCount,
		// STOP_CRITERIA_MET where a stop sequence ended the output ("the
		// response was truncated because the stop criteria was reached"),
		// else the model's own end, FINISH (the guide spells it FINISHED):
		// Bedrock user guide, "Amazon Titan Text models",
		// https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-text.html.
		stop := bw.finish("FINISH", "LENGTH", "STOP_CRITERIA_MET")
		return bw.chunk(b, `{"outputText":"","index":0,"totalOutputTextTokenCount":`+out+`,"completionReason":"`+stop+`",`+bw.invocationMetrics()+`}`)
	}
	return b
}

// finish is the family's word for how the output ended: by the model, at
// the length asked for, or at one of the request's stop sequences.
func (bw *bedrockWire) finish(model, length, stopSequence string) string {
	switch {
	case bw.g.capped:
		return length
	case bw.g.stopped != "":
		return stopSequence
	}
	return model
}

// streamError is an exception frame; Bedrock then ends the stream.
func (bw *bedrockWire) streamError(b []byte, status int, msg string) []byte {
	payload := fmt.Sprintf(`{"message":%s,"originalStatusCode":%d}`, jsonString(msg), status)
	return bw.encode(b, eventstream.Message{Headers: eventstream.Headers{
		{Name: ":exception-type", Value: eventstream.StringValue("modelStreamErrorException")},
		{Name: ":content-type", Value: eventstream.StringValue("application/json")},
		{Name: ":message-type", Value: eventstream.StringValue("exception")},
	}, Payload: []byte(payload)})
}

// malformed is a well-framed event whose JSON payload is cut short.
func (bw *bedrockWire) malformed(b []byte) []byte {
	if bw.fam == bedrockConverse {
		return bw.frame(b, "contentBlockDelta", []byte(`{"contentBlockIndex":0,"delta":{"text":"`))
	}
	return bw.chunk(b, `{"type":"content_block_delta","index":0,"delta":{"type":"text_de`)
}

// body is never used: both operations stream.
func (bw *bedrockWire) body(w http.ResponseWriter) {
	writeBedrockError(w, http.StatusBadRequest, "mock: this operation streams", 0)
}

// bedrockException names the exception Bedrock answers with a status.
var bedrockException = statusNames{other: "InternalServerException", byStatus: map[int]string{
	http.StatusBadRequest:         "ValidationException",
	http.StatusForbidden:          "AccessDeniedException",
	http.StatusNotFound:           "ResourceNotFoundException",
	http.StatusRequestTimeout:     "ModelTimeoutException",
	http.StatusFailedDependency:   "ModelErrorException",
	http.StatusTooManyRequests:    "ThrottlingException",
	http.StatusServiceUnavailable: "ServiceUnavailableException",
}}

// writeBedrockError answers {"message"} with the exception's name in
// X-Amzn-Errortype, as the runtime does (bedrock-invoke-error-403-access-denied).
func writeBedrockError(w http.ResponseWriter, status int, msg string, _ time.Duration) {
	h := http.Header{}
	h.Set("X-Amzn-Errortype", bedrockException.of(status)+":http://internal.amazon.com/coral/com.amazon.bedrock/")
	h.Set("X-Amzn-Requestid", "mock-"+strconv.FormatInt(time.Now().UnixNano(), 16))
	writeJSON(w, status, map[string]string{"message": msg}, h)
}

// jsonString quotes s as a JSON string.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// A padder writes token k's event padded by n bytes of a field clients
// ignore, for protocols whose framing padEvent's textual insertion would
// break (a length-prefixed binary frame).
type padder interface {
	paddedToken(b []byte, k, n int) []byte
}

// paddedTokenEvent is token k's event of w padded by n bytes.
func paddedTokenEvent(w wire, b []byte, k, n int) []byte {
	if p, ok := w.(padder); ok {
		return p.paddedToken(b, k, n)
	}
	return padEvent(w.token(b, k), n)
}
