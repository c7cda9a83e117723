// Package replicate is the target adapter for Replicate's predictions API
// (https://replicate.com/docs/reference/http). One request is three HTTP
// calls:
//
//  1. POST /v1/models/{owner}/{name}/predictions (an official model),
//     /v1/predictions with "version" (owner/name:version), or
//     /v1/deployments/{owner}/{name}/predictions (deployments/owner/name),
//     with {"input": {"prompt", "max_tokens", "min_tokens", "temperature"},
//     "stream": true}; the answer (201) is the prediction, whose
//     urls.stream is its server-sent event stream.
//  2. GET urls.stream (Accept: text/event-stream): `output` events whose
//     data is plain text (the tokens), `error` events ({"detail"} or text),
//     and a `done` event ({} or {"reason": "canceled"|"error"}) that ends
//     it (Replicate docs "Streaming output",
//     https://replicate.com/docs/topics/predictions/streaming).
//  3. GET /v1/predictions/{id} after done: its metrics give the token
//     counts (input_token_count, output_token_count) and the server's
//     times (time_to_first_token, predict_time, total_time), as official
//     language models report them (Cog docs, "Metrics").
//
// Timing: the chunks are the stream's events; TTFB is the stream body's
// first byte (the create call is part of the time to first token, as a
// user waits for it too). The metrics call after done is not on the token
// path.
//
// Credentials: the API token goes to the API's own host (BaseURL) and to
// the stream URL the API returned in urls.stream, which is on another
// host (streaming.api.replicate.com) and which Replicate's documentation
// calls with the token; only if that URL is https or on the API's own
// host, so a token never crosses a network in clear text. Redirects keep
// net/http's rule: the Authorization header is dropped when a redirect
// leaves the host (and its subdomains). urls.get is not followed: the
// metrics call is built from BaseURL and the prediction id.
package replicate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/sse"
)

// DefaultBaseURL is Replicate's API.
const DefaultBaseURL = "https://api.replicate.com"

// Config configures a Target.
//
// BaseURL is the API root, e.g. https://api.replicate.com. APIKey is the
// API token, sent as "Authorization: Bearer" (see the package doc for
// where).
type Config struct {
	// Conn is the API root, token, client and extra headers.
	targets.Conn
}

// String describes the configuration without its key.
func (c Config) String() string { return c.Describe("replicate.Config") }

// GoString is String.
func (c Config) GoString() string { return c.String() }

// A Target streams Replicate predictions. Safe for concurrent use.
type Target struct {
	base *url.URL
	key  string
	ep   targets.Endpoint // the client, extra headers and key redactor
}

var _ targets.Target = (*Target)(nil)

// ForcesLength is true: Request.MinTokens goes out as min_tokens, which
// with max_tokens fixes the length on the models that take it (Meta's).
func (t *Target) ForcesLength() bool { return true }

// New returns a Target for cfg.
func New(cfg Config) (*Target, error) {
	u, err := targets.ParseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("replicate: %w", err)
	}
	u.Path = strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/v1")
	u.RawPath, u.RawQuery = "", ""
	// NewClient: redirects stay within the server's origin (targets/redirect.go).
	ep := targets.Endpoint{Name: "replicate", Client: targets.NewClient(cfg.Client), Header: cfg.Header.Clone(), Redact: targets.NewRedactor(cfg.APIKey)}
	return &Target{base: u, key: cfg.APIKey, ep: ep}, nil
}

// String names the API, never the key.
func (t *Target) String() string { return "replicate " + t.base.Redacted() }

// createURL returns the create endpoint for model and the version to put
// in the body, if any.
func (t *Target) createURL(model string) (string, string, error) {
	if model == "" {
		return "", "", targets.RequestErrorf("replicate: no model: give owner/name, owner/name:version or deployments/owner/name")
	}
	if name, version, ok := strings.Cut(model, ":"); ok {
		if name == "" || version == "" {
			return "", "", targets.RequestErrorf("replicate: model %q: want owner/name:version", model)
		}
		return t.base.String() + "/v1/predictions", version, nil
	}
	prefix := "/v1/models/"
	if rest, ok := strings.CutPrefix(model, "deployments/"); ok {
		prefix, model = "/v1/deployments/", rest
	}
	owner, name, ok := strings.Cut(model, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return "", "", targets.RequestErrorf("replicate: model %q: want owner/name (a Replicate model such as meta/meta-llama-3-8b-instruct), owner/name:version or deployments/owner/name", model)
	}
	return t.base.String() + prefix + url.PathEscape(owner) + "/" + url.PathEscape(name) + "/predictions", "", nil
}

// inputJSON is the input of Meta's official Llama models on Replicate
// (prompt, max_tokens, min_tokens, temperature); other models take
// their own names.
type inputJSON struct {
	Prompt      string   `json:"prompt"`
	MaxTokens   int      `json:"max_tokens,omitempty"`
	MinTokens   int      `json:"min_tokens,omitempty"`
	Temperature *float64 `json:"temperature,omitempty"`
	Seed        *int64   `json:"seed,omitempty"`
	// StopSequences is the one comma-separated string Meta's models take
	// ("A comma-separated list of sequences to stop generation at").
	StopSequences string `json:"stop_sequences,omitempty"`
}

type createJSON struct {
	Version string    `json:"version,omitempty"`
	Input   inputJSON `json:"input"`
	Stream  bool      `json:"stream"`
}

// predictionJSON is the part of a prediction the adapter reads.
type predictionJSON struct {
	ID     string          `json:"id"`
	Status string          `json:"status"`
	Error  json.RawMessage `json:"error"`
	URLs   struct {
		Stream string `json:"stream"`
	} `json:"urls"`
	// Metrics are targets.Int and targets.Float: one of the wrong shape
	// (2^63, 3.7 tokens, "12", 1e309 s) is not reported, and the others
	// still count.
	Metrics *struct {
		InputTokenCount  targets.Int   `json:"input_token_count"`
		OutputTokenCount targets.Int   `json:"output_token_count"`
		TimeToFirstToken targets.Float `json:"time_to_first_token"`
		PredictTime      targets.Float `json:"predict_time"`
		TotalTime        targets.Float `json:"total_time"`
	} `json:"metrics"`
}

// Stream creates a prediction, reads its stream and then its metrics. See
// targets.Target.
func (t *Target) Stream(ctx context.Context, req targets.Request, onChunk func(targets.Chunk)) (targets.Final, error) {
	var final targets.Final
	create, version, err := t.createURL(req.Model)
	if err != nil {
		return final, err
	}
	// A run's stop sequences are checked before it starts (the registry's
	// Kind.StopNoComma, scenarios' CheckStop). This guard stays for what
	// does not pass there, a Go caller of the Target: joined with the
	// others, such a sequence would be sent as two other ones, and the
	// output measured would end where nobody asked.
	for _, s := range req.Stop {
		if strings.Contains(s, ",") {
			return final, targets.RequestErrorf("replicate: stop sequence %q holds a comma, which Replicate's comma-separated stop_sequences cannot carry", s)
		}
	}
	body, err := json.Marshal(createJSON{Version: version, Stream: true, Input: inputJSON{Prompt: req.FlatPrompt(),
		MaxTokens: max(req.MaxTokens, 0), MinTokens: max(req.MinTokens, 0), Temperature: req.Temperature, Seed: req.Seed,
		StopSequences: strings.Join(req.Stop, ",")}})
	if err != nil {
		return final, fmt.Errorf("replicate: encode request: %w", err)
	}
	pred, err := t.create(ctx, create, body)
	if err != nil {
		return final, err
	}
	streamURL, err := t.checkStreamURL(pred.URLs.Stream)
	if err != nil {
		return final, err
	}
	final, err = t.stream(ctx, streamURL, onChunk)
	if err != nil {
		return final, err
	}
	// The done event of a prediction that succeeded says no reason: with
	// stop sequences sent, one may have ended it.
	final.StoppedBySequence = len(req.Stop) > 0
	t.metrics(ctx, pred.ID, predictionLimit(len(body)), &final)
	return final, nil
}

// predictionLimit bounds the read of a prediction, which echoes its input
// (the prompt, replies of a conversation) as JSON: a byte of what was sent
// is at most 6 there ("\u00XX", a rune's \uXXXX escapes), and 1 MiB is
// room for the rest (the output, logs, urls, metrics).
func predictionLimit(sent int) int64 { return 6*int64(sent) + 1<<20 }

// create posts the prediction and returns it.
func (t *Target) create(ctx context.Context, endpoint string, body []byte) (*predictionJSON, error) {
	hreq, err := t.newRequest(ctx, http.MethodPost, endpoint, body, "application/json")
	if err != nil {
		return nil, err
	}
	resp, err := t.send(ctx, hreq, "create prediction")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var p predictionJSON
	rd := &targets.ErrReader{R: io.LimitReader(resp.Body, predictionLimit(len(body)))}
	if err := json.NewDecoder(rd).Decode(&p); err != nil {
		if rd.Err != nil {
			// The connection failed inside the answer: no answer to judge.
			return nil, t.ep.Redact.Err(fmt.Errorf("replicate: read prediction: %w", targets.WithCause(ctx, targets.Plain(rd.Err))))
		}
		return nil, &targets.ProtocolError{Msg: "replicate: undecodable prediction: " + err.Error()}
	}
	if e := errorText(p.Error); e != "" || p.Status == "failed" {
		return nil, &targets.StreamError{Type: "prediction " + p.Status, Message: t.ep.Redact.Clip(e)}
	}
	if p.ID == "" {
		return nil, &targets.ProtocolError{Msg: "replicate: the prediction has no id"}
	}
	return &p, nil
}

// checkStreamURL applies the credential rule to the stream URL the API
// returned: it must exist (the model must stream), and be https or on the
// API's own host.
func (t *Target) checkStreamURL(s string) (*url.URL, error) {
	if s == "" {
		return nil, &targets.ProtocolError{Msg: "replicate: the prediction has no urls.stream: the model does not stream its output"}
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return nil, &targets.ProtocolError{Msg: "replicate: urls.stream is not a URL"}
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && u.Host == t.base.Host) {
		return nil, &targets.ProtocolError{Msg: fmt.Sprintf("replicate: urls.stream %s is neither https nor on the API's host: the token is not sent there", u.Redacted())}
	}
	return u, nil
}

// newRequest returns a request to url with the extra headers, Accept
// accept, the token, and, when body is not nil, body as JSON.
func (t *Target) newRequest(ctx context.Context, method, url string, body []byte, accept string) (*http.Request, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	r, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return nil, fmt.Errorf("replicate: new request: %w", err)
	}
	for k, vs := range t.ep.Header {
		r.Header[k] = vs
	}
	r.Header.Set("Accept", accept)
	if t.key != "" {
		r.Header.Set("Authorization", "Bearer "+t.key)
	}
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	return r, nil
}

// send sends r and returns the response of a 2xx answer, whose status it
// tells ctx's response hook (targets.Responded), as every answer's; the
// caller closes its body. A transport error is led by what the call was
// ("open stream") and by ctx's cause, and redacted; a non-2xx answer is its
// HTTPError, a body compressed though not asked for targets.EncodingError's.
func (t *Target) send(ctx context.Context, r *http.Request, what string) (*http.Response, error) {
	resp, err := t.ep.Client.Do(r)
	if err != nil {
		return nil, t.ep.Redact.Err(fmt.Errorf("replicate: %s: %w", what, targets.WithCause(ctx, targets.RefusedRedirect(err))))
	}
	targets.Responded(ctx, resp.StatusCode)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		return nil, targets.ReadHTTPError(resp, t.ep.Redact, decodeError)
	}
	if err := targets.EncodingError(resp); err != nil {
		resp.Body.Close()
		return nil, err
	}
	return resp, nil
}

// stream reads the prediction's event stream to its done event.
func (t *Target) stream(ctx context.Context, u *url.URL, onChunk func(targets.Chunk)) (targets.Final, error) {
	var final targets.Final
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	hreq, err := t.newRequest(rctx, http.MethodGet, u.String(), nil, "text/event-stream")
	if err != nil {
		return final, err
	}
	hreq.Header.Set("Cache-Control", "no-store")
	resp, err := t.send(ctx, hreq, "open stream")
	if err != nil {
		return final, err
	}
	defer resp.Body.Close()
	if !targets.IsEventStream(resp.Header.Get("Content-Type")) {
		return final, targets.NotStreaming(resp, "text/event-stream")
	}
	events := 0
	// The done event is read, what follows drained, by ReadEvents.
	err = t.ep.ReadEvents(ctx, sse.NewReader(targets.FirstByteBody(ctx, resp.Body)), resp.Body, cancel, func(ev sse.Event) (bool, error) {
		if ev.Data == nil && ev.Type == "" {
			return false, nil
		}
		events++
		switch ev.Type {
		case "output":
			// Plain text, as sent: SSE joins a multi-line token with "\n".
			onChunk(targets.Chunk{Content: string(ev.Data)})
		case "error":
			return false, &targets.StreamError{Type: "error", Message: t.ep.Redact.Clip(errorText(ev.Data))}
		case "done":
			var d struct {
				Reason string `json:"reason"`
			}
			if data := bytes.TrimSpace(ev.Data); len(data) > 0 {
				if err := json.Unmarshal(data, &d); err != nil {
					return false, t.ep.Redact.Undecodable("done event", err, data)
				}
			}
			if d.Reason != "" {
				return false, &targets.StreamError{Type: "done", Code: d.Reason, Message: "the prediction ended: " + d.Reason}
			}
			final.FinishReason = "done"
			onChunk(targets.Chunk{})
			return true, nil
		default:
			onChunk(targets.Chunk{})
		}
		return false, nil
	})
	if err == io.EOF {
		return final, &targets.ProtocolError{Msg: fmt.Sprintf("replicate: stream ended before its done event, after %d events", events)}
	}
	return final, err
}

// metricsWait bounds the metrics call after the stream: it is bookkeeping,
// not the request, and must not hold a worker long.
const metricsWait = 5 * time.Second

// metrics reads the finished prediction's token counts and times into
// final, reading at most limit bytes of it (predictionLimit); a prediction not yet marked succeeded, or a failed call, leaves
// final as it is (output tokens are then counted from events).
func (t *Target) metrics(ctx context.Context, id string, limit int64, final *targets.Final) {
	ctx, cancel := context.WithTimeout(ctx, metricsWait)
	defer cancel()
	hreq, err := t.newRequest(ctx, http.MethodGet, t.base.String()+"/v1/predictions/"+url.PathEscape(id), nil, "application/json")
	if err != nil {
		return
	}
	resp, err := t.ep.Client.Do(hreq)
	if err != nil {
		return
	}
	defer resp.Body.Close()
	var p predictionJSON
	if resp.StatusCode != http.StatusOK || json.NewDecoder(io.LimitReader(resp.Body, limit)).Decode(&p) != nil || p.Metrics == nil {
		return
	}
	m := p.Metrics
	if m.OutputTokenCount.N > 0 {
		final.Usage = &targets.Usage{CompletionTokens: int(m.OutputTokenCount.N), PromptTokens: int(m.InputTokenCount.N)}
	}
	st := targets.ServerTiming{TTFT: seconds(m.TimeToFirstToken), Total: seconds(m.TotalTime)}
	if ttft, predict := seconds(m.TimeToFirstToken), seconds(m.PredictTime); predict > ttft && ttft > 0 {
		st.Decode = predict - ttft
	}
	if st != (targets.ServerTiming{}) {
		final.Server = &st
	}
}

// seconds converts a number of seconds to a Duration; one not reported,
// negative or absurd gives 0.
func seconds(s targets.Float) time.Duration {
	if !(s.F > 0) || s.F > 1e6 {
		return 0
	}
	return time.Duration(s.F * float64(time.Second))
}

// errorText returns an error as Replicate writes it: a JSON string, an
// object with detail (or title), or plain text.
func errorText(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var o struct {
		Detail string `json:"detail"`
		Title  string `json:"title"`
	}
	if json.Unmarshal(raw, &o) == nil && (o.Detail != "" || o.Title != "") {
		if o.Detail != "" {
			return o.Detail
		}
		return o.Title
	}
	return string(raw)
}

// decodeError reads Replicate's error body, an RFC 7807 problem
// {"title", "detail", "status"} (or {"detail"} alone).
func decodeError(b []byte, he *targets.HTTPError) bool {
	var p struct {
		Title  string `json:"title"`
		Detail string `json:"detail"`
	}
	if json.Unmarshal(b, &p) != nil || (p.Title == "" && p.Detail == "") {
		return false
	}
	he.Code, he.Message = p.Title, p.Detail
	if he.Message == "" {
		he.Message = p.Title
	}
	return true
}
