// Package gemini is the target adapter for the Google Gemini API: POST
// /v1beta/models/MODEL:streamGenerateContent?alt=sse, authenticated by the
// x-goog-api-key header. The stream is server-sent events separated by CRLF,
// one GenerateContentResponse per event, with no [DONE]: the last event has
// a finishReason and the stream ends.
//
// Token rules (docs/notes/protocols.md §9): events carry many tokens each, and
// usageMetadata on every event is cumulative, so an event's Chunk.Tokens is
// the increase of candidatesTokenCount + thoughtsTokenCount (thoughts are
// output too, though not counted in candidatesTokenCount). Parts with
// "thought": true are reasoning; function calls are tool arguments. An event
// with empty text is not a token event even when the count rises. An error
// after HTTP 200 arrives as a pretty-printed JSON object outside SSE framing
// (sse.Event.Raw); it is a stream error with its code.
//
// Without alt=sse Gemini streams one JSON array instead; a server that
// answers that way (application/json starting with '[') is read element by
// element, with the same rules and accepting enums written as integers.
package gemini

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/sse"
)

// Config configures a Target. The zero value of each field but BaseURL is
// usable.
//
// BaseURL is the API root, e.g. https://generativelanguage.googleapis.com;
// the Target adds /v1beta/models/MODEL:streamGenerateContent?alt=sse (a
// root that already ends in /v1beta or /v1 keeps its version). APIKey is
// sent as the x-goog-api-key header (over any in Header), never in the
// URL.
type Config struct {
	// Conn is the API root, key, client and extra headers.
	targets.Conn
	// Token, when set, returns the OAuth 2.0 access token each request
	// sends as "Authorization: Bearer" (Vertex AI, targets/vertex); errors
	// are redacted of the token sent.
	Token func(context.Context) (string, error)
}

// String describes the configuration without its API key.
func (c Config) String() string { return c.Describe("gemini.Config") }

// GoString is String, so that %#v does not print the API key either.
func (c Config) GoString() string { return c.String() }

// A Target streams generations from the Gemini API. It is safe for
// concurrent use.
type Target struct {
	base  string           // up to and including the API version, no trailing slash
	ep    targets.Endpoint // the client, header and key redactor
	token func(context.Context) (string, error)
}

var _ targets.Target = (*Target)(nil)

// New returns a Target for cfg, or an error naming the field that is wrong.
func New(cfg Config) (*Target, error) {
	u, ep, err := cfg.Endpoint("gemini", "text/event-stream", "X-Goog-Api-Key")
	if err != nil {
		return nil, err
	}
	if u.RawQuery != "" {
		// Not shown: the query may hold ?key=.
		return nil, errors.New("gemini: base URL has a query: give the key as the API key, not ?key=")
	}
	path := strings.TrimRight(u.Path, "/")
	if !strings.HasSuffix(path, "/v1beta") && !strings.HasSuffix(path, "/v1") && !strings.HasSuffix(path, "/publishers/google") {
		// Vertex AI's roots end in …/locations/L/publishers/google.
		path += "/v1beta"
	}
	u.Path, u.RawPath = path, ""
	return &Target{base: u.String(), ep: ep, token: cfg.Token}, nil
}

// String names the API root, never the API key.
func (t *Target) String() string { return "gemini " + targets.RedactURL(t.base) }

// URL returns the endpoint the Target posts to for model.
func (t *Target) URL(model string) string {
	model = strings.TrimPrefix(model, "models/")
	return t.base + "/models/" + url.PathEscape(model) + ":streamGenerateContent?alt=sse"
}

// requestJSON is the body of a streamGenerateContent request.
type requestJSON struct {
	SystemInstruction *contentJSON          `json:"systemInstruction,omitempty"`
	Contents          []contentJSON         `json:"contents"`
	GenerationConfig  *generationConfigJSON `json:"generationConfig,omitempty"`
}

type contentJSON struct {
	Role  string     `json:"role"`
	Parts []partJSON `json:"parts"`
}

type partJSON struct {
	Text string `json:"text"`
}

type generationConfigJSON struct {
	MaxOutputTokens int      `json:"maxOutputTokens,omitempty"`
	Temperature     *float64 `json:"temperature,omitempty"`
	Seed            *int64   `json:"seed,omitempty"`
	StopSequences   []string `json:"stopSequences,omitempty"`
}

// requestBody encodes req. Gemini has no ignore_eos or minimum length:
// Request.IgnoreEOS and MinTokens are not sent.
func requestBody(req targets.Request) ([]byte, error) {
	var body requestJSON
	for _, m := range req.Conversation() {
		switch m.Role {
		case targets.RoleSystem:
			if body.SystemInstruction == nil {
				body.SystemInstruction = &contentJSON{}
			}
			body.SystemInstruction.Parts = append(body.SystemInstruction.Parts, partJSON{Text: m.Content})
		case targets.RoleAssistant:
			body.Contents = append(body.Contents, contentJSON{Role: "model", Parts: []partJSON{{Text: m.Content}}})
		default:
			body.Contents = append(body.Contents, contentJSON{Role: "user", Parts: []partJSON{{Text: m.Content}}})
		}
	}
	gc := generationConfigJSON{MaxOutputTokens: max(req.MaxTokens, 0), Temperature: req.Temperature, Seed: req.Seed, StopSequences: req.Stop}
	if gc.MaxOutputTokens != 0 || gc.Temperature != nil || gc.Seed != nil || len(gc.StopSequences) > 0 {
		body.GenerationConfig = &gc
	}
	return json.Marshal(body)
}

// Stream sends req and calls onChunk for each response of the stream. See
// targets.Target.
func (t *Target) Stream(ctx context.Context, req targets.Request, onChunk func(targets.Chunk)) (targets.Final, error) {
	if t.token == nil {
		return t.stream(ctx, req, onChunk)
	}
	tok, err := t.token(ctx)
	switch {
	case err != nil && ctx.Err() != nil:
		return targets.Final{}, t.ep.Redact.Err(fmt.Errorf("%s: access token: %w", t.ep.Name, targets.WithCause(ctx, err)))
	case err != nil:
		// No token, no request: the server was not reached (it read
		// "unreachable" once, for credentials that were never set up).
		return targets.Final{}, t.ep.Redact.Err(targets.RequestErrorf("%s: no access token: %v", t.ep.Name, err))
	}
	// A copy of the target for this request: its header carries the
	// token, its redactor removes it.
	tt := *t
	tt.ep.Header = t.ep.Header.Clone()
	tt.ep.Header.Set("Authorization", "Bearer "+tok)
	tt.ep.Redact = t.ep.Redact.With(tok)
	return tt.stream(ctx, req, onChunk)
}

func (t *Target) stream(ctx context.Context, req targets.Request, onChunk func(targets.Chunk)) (targets.Final, error) {
	if req.Model == "" {
		return targets.Final{}, targets.RequestErrorf("gemini: no model: the model is part of the URL")
	}
	body, err := requestBody(req)
	if err != nil {
		return targets.Final{}, fmt.Errorf("gemini: encode request: %w", err)
	}
	isStream := func(ct string) bool { return isJSON(ct) || isEventStream(ct) }
	final, err := t.ep.Stream(ctx, t.URL(req.Model), body, t.httpError, isStream, t.read, onChunk)
	// finishReason STOP is "natural stop point of the model or provided
	// stop sequence" (FinishReason, the Gemini and Vertex AI API
	// references): with stop sequences sent it may be either.
	final.StoppedBySequence = len(req.Stop) > 0 && final.FinishReason == "STOP"
	return final, err
}

// read reads the stream, a JSON array or alt=sse events as its
// Content-Type says, to its end.
func (t *Target) read(ctx context.Context, resp *http.Response, cancel context.CancelFunc, onChunk func(targets.Chunk)) (targets.Final, error) {
	d := decoder{redact: t.ep.Redact}
	var err error
	if isJSON(resp.Header.Get("Content-Type")) {
		err = t.readArray(ctx, resp.Body, &d, onChunk)
	} else {
		err = t.readSSE(ctx, resp.Body, &d, onChunk)
	}
	if err != nil {
		return d.final(), err
	}
	targets.Drain(resp.Body, cancel)
	return d.final(), nil
}

// readSSE reads an alt=sse stream to its end (ReadEvents: no event ends
// it, so nothing is drained there; read drains).
func (t *Target) readSSE(ctx context.Context, body io.Reader, d *decoder, onChunk func(targets.Chunk)) error {
	err := t.ep.ReadEvents(ctx, sse.NewReader(body), body, func() {}, func(e sse.Event) (bool, error) {
		if e.Data == nil {
			// Lines outside SSE framing: Gemini's mid-stream error object.
			if se := d.rawError(e.Raw); se != nil {
				return false, se
			}
			return false, nil
		}
		if data := bytes.TrimSpace(e.Data); len(data) > 0 {
			return false, d.event(data, onChunk)
		}
		return false, nil
	})
	if err == io.EOF {
		if d.finish != "" {
			return nil
		}
		return &targets.ProtocolError{Msg: fmt.Sprintf("stream ended without a finishReason, after %d events", d.events)}
	}
	return err
}

// readArray reads a stream written as one JSON array, element by element:
// each element is delivered as soon as it is complete.
//
// An element may be at most sse.DefaultMaxEventSize bytes, the SSE path's
// limit on an event: json.Decoder holds the value it decodes whole, so an
// element that never ends (an endless string) would otherwise hold memory
// until the request's deadline.
func (t *Target) readArray(ctx context.Context, body io.Reader, d *decoder, onChunk func(targets.Chunk)) error {
	br := &targets.ErrReader{R: body}
	lr := &elementLimit{r: br, max: sse.DefaultMaxEventSize}
	dec := json.NewDecoder(lr)
	tok, err := dec.Token()
	if err != nil {
		return t.arrayErr(ctx, br, err)
	}
	if tok != json.Delim('[') {
		return &targets.ProtocolError{Msg: "HTTP 200 with one JSON object, not a stream: the server did not stream the response"}
	}
	for dec.More() {
		lr.start = dec.InputOffset()
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return t.arrayErr(ctx, br, err)
		}
		if err := d.event(raw, onChunk); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing ']'
		return t.arrayErr(ctx, br, err)
	}
	return nil
}

// arrayErr sorts an error of the JSON-array reader: the transport's
// (connection, timeout, canceled), bytes that are not the array, or a body
// that ended cleanly before the array did (protocol).
func (t *Target) arrayErr(ctx context.Context, br *targets.ErrReader, err error) error {
	if errors.Is(err, errElementTooLarge) {
		return &targets.ProtocolError{Msg: fmt.Sprintf("JSON array stream: %v: more than %d bytes", err, sse.DefaultMaxEventSize)}
	}
	if br.Err != nil {
		return t.ep.ReadErr(ctx, br.Err)
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	if errors.As(err, &se) || errors.As(err, &te) {
		return &targets.ProtocolError{Msg: "undecodable JSON array stream: " + err.Error()}
	}
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return &targets.ProtocolError{Msg: "JSON array stream ended before its closing bracket"}
	}
	return t.ep.ReadErr(ctx, err)
}

// errElementTooLarge is elementLimit's error.
var errElementTooLarge = errors.New("element too large")

// elementLimit reads r for a json.Decoder, at most max bytes past start,
// the decoder's InputOffset where the element being decoded began; beyond
// them it fails with errElementTooLarge. The decoder's buffer holds no more
// than what was read past its InputOffset, so it stays within max.
type elementLimit struct {
	r          io.Reader
	read       int64 // bytes read from r
	start, max int64
}

func (l *elementLimit) Read(p []byte) (int, error) {
	room := l.start + l.max - l.read
	if room <= 0 {
		return 0, errElementTooLarge
	}
	if int64(len(p)) > room {
		p = p[:room]
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	return n, err
}

// responseJSON is the part of a GenerateContentResponse the adapter reads.
type responseJSON struct {
	Candidates []struct {
		Content *struct {
			Parts []struct {
				Text         string          `json:"text"`
				Thought      bool            `json:"thought"`
				FunctionCall json.RawMessage `json:"functionCall"`
			} `json:"parts"`
		} `json:"content"`
		// FinishReason is a string ("STOP") or, with enum-encoding=int, a
		// number (1).
		FinishReason json.RawMessage `json:"finishReason"`
	} `json:"candidates"`
	// UsageMetadata's counts are targets.Int: one that is no integer is
	// not reported, and the event still counts.
	UsageMetadata *struct {
		PromptTokenCount     targets.Int `json:"promptTokenCount"`
		CandidatesTokenCount targets.Int `json:"candidatesTokenCount"`
		ThoughtsTokenCount   targets.Int `json:"thoughtsTokenCount"`
	} `json:"usageMetadata"`
	Error *errorJSON `json:"error"`
}

// errorJSON is Google's error object: {"code", "message", "status",
// "details": [{"@type", "retryDelay", …}]}.
type errorJSON struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Status  string `json:"status"`
	Details []struct {
		Type       string `json:"@type"`
		RetryDelay string `json:"retryDelay"`
	} `json:"details"`
}

// retryDelay returns the RetryInfo detail's delay ("7s"), 0 if none.
func (e *errorJSON) retryDelay() time.Duration {
	for _, d := range e.Details {
		if strings.HasSuffix(d.Type, "google.rpc.RetryInfo") {
			if v, err := time.ParseDuration(d.RetryDelay); err == nil && v > 0 {
				return v
			}
		}
	}
	return 0
}

// finishReasons names FinishReason's integer values
// (google.ai.generativelanguage.v1beta Candidate.FinishReason).
var finishReasons = []string{"FINISH_REASON_UNSPECIFIED", "STOP", "MAX_TOKENS", "SAFETY", "RECITATION", "OTHER"}

// decoder turns the responses of one stream into Chunks.
type decoder struct {
	redact targets.Redactor
	events int
	usage  *targets.Usage
	finish string

	// lastOut is the last cumulative output count (candidates + thoughts);
	// textBeforeCount is set when text came while no output count had been
	// reported, which makes the first count a summary of several events
	// (gemini-2.0 reports it one event late, the JSON-array stream only at
	// the end) rather than the tokens of the event that carries it.
	lastOut         int
	textBeforeCount bool
	sawCount        bool
	// lastCand and lastThoughts are the last candidatesTokenCount and
	// thoughtsTokenCount reported; decreased is set when a reported one
	// went below the last (Final.UsageDecreased). A count left out (the
	// JSON-array stream gives it only at the end) is no decrease.
	lastCand, lastThoughts int64
	decreased              bool
}

func (d *decoder) final() targets.Final {
	return targets.Final{Usage: d.usage, FinishReason: d.finish, UsageDecreased: d.decreased}
}

// fell notes a reported cumulative count n below the last one reported,
// *last, and makes n the last.
func (d *decoder) fell(n targets.Int, last *int64) {
	if !n.OK {
		return
	}
	if n.N < *last {
		d.decreased = true
	}
	*last = n.N
}

// event handles one response.
func (d *decoder) event(data []byte, onChunk func(targets.Chunk)) error {
	var r responseJSON
	if err := json.Unmarshal(data, &r); err != nil {
		return d.redact.Undecodable(fmt.Sprintf("event %d", d.events), err, data)
	}
	d.events++
	if r.Error != nil {
		return d.streamError(r.Error)
	}
	var c targets.Chunk
	finished := d.finish != "" // text after the end is no generated token
	for _, cand := range r.Candidates {
		if cand.Content != nil && !finished {
			for _, p := range cand.Content.Parts {
				switch {
				case p.Thought:
					c.Reasoning += p.Text
				default:
					c.Content += p.Text
				}
				if fc := bytes.TrimSpace(p.FunctionCall); len(fc) > 0 && !bytes.Equal(fc, []byte("null")) {
					c.ToolArgs += string(fc)
				}
			}
		}
		if f := finishReason(cand.FinishReason); f != "" {
			d.finish = f
		}
	}
	hasText := c.Content != "" || c.Reasoning != "" || c.ToolArgs != ""
	if u := r.UsageMetadata; u != nil {
		out := int(u.CandidatesTokenCount.N) + int(u.ThoughtsTokenCount.N)
		d.fell(u.CandidatesTokenCount, &d.lastCand)
		d.fell(u.ThoughtsTokenCount, &d.lastThoughts)
		if hasText && out == 0 && !d.sawCount {
			d.textBeforeCount = true
		}
		if out > d.lastOut {
			if hasText && (d.sawCount || !d.textBeforeCount) {
				c.Tokens = out - d.lastOut
			}
			d.lastOut, d.sawCount = out, true
		}
		c.Usage = &targets.Usage{PromptTokens: int(u.PromptTokenCount.N), CompletionTokens: out}
		d.usage = c.Usage
	} else if hasText && !d.sawCount {
		d.textBeforeCount = true
	}
	onChunk(c)
	return nil
}

// finishReason reads a finishReason written as a string or an integer.
func finishReason(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		return targets.Scalar(raw)
	}
	n, err := strconv.Atoi(string(raw)) // null is no number either
	if err != nil {
		return ""
	}
	if n > 0 && n < len(finishReasons) {
		return finishReasons[n]
	}
	if n == 0 {
		return ""
	}
	return string(raw)
}

// streamError turns an error object met after HTTP 200 into a StreamError;
// its status string ("UNAVAILABLE", "RESOURCE_EXHAUSTED") is the code.
func (d *decoder) streamError(e *errorJSON) *targets.StreamError {
	return &targets.StreamError{Status: e.Code, Code: d.redact.Clip(e.Status), Message: d.redact.Clip(e.Message)}
}

// rawError decodes the error object Gemini writes outside SSE framing, or a
// Vertex-style array of them; nil when raw is something else.
func (d *decoder) rawError(raw []byte) *targets.StreamError {
	if e := decodeError(raw); e != nil {
		return d.streamError(e)
	}
	return nil
}

// decodeError reads {"error": {…}} or [{"error": {…}}]; nil when b is
// neither.
func decodeError(b []byte) *errorJSON {
	b = bytes.TrimSpace(b)
	var one struct {
		Error *errorJSON `json:"error"`
	}
	if len(b) > 0 && b[0] == '[' {
		var many []json.RawMessage
		if json.Unmarshal(b, &many) != nil || len(many) == 0 {
			return nil
		}
		b = many[0]
	}
	if json.Unmarshal(b, &one) != nil || one.Error == nil || (one.Error.Code == 0 && one.Error.Message == "" && one.Error.Status == "") {
		return nil
	}
	return one.Error
}

// httpError builds the error of a non-2xx response: its status, the error
// object's status string as the code and its message, and the retry hint
// from Retry-After or, as Gemini gives it, the body's RetryInfo.retryDelay.
func (t *Target) httpError(resp *http.Response) error {
	return targets.ReadHTTPError(resp, t.ep.Redact, func(b []byte, he *targets.HTTPError) bool {
		e := decodeError(b)
		if e == nil {
			return false
		}
		he.Code, he.Message = e.Status, e.Message
		if he.RetryAfter == 0 {
			he.RetryAfter = e.retryDelay()
		}
		return true
	})
}

func mediaType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// isEventStream reports whether a Content-Type is text/event-stream; a
// missing one is given the benefit of the doubt.
func isEventStream(ct string) bool { return ct == "" || mediaType(ct) == "text/event-stream" }

func isJSON(ct string) bool { return mediaType(ct) == "application/json" }
