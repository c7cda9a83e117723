package targets

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/inferbench/inferbench/targets/sse"
)

// An Endpoint is what an adapter sends its streaming requests with: the
// client, the header sent with every request (credentials included) and
// the redactor of its key. Name (the adapter's, e.g. "ollama") leads its
// errors.
type Endpoint struct {
	Name   string
	Client *http.Client
	Header http.Header
	Redact Redactor
}

// NewEndpoint returns the Endpoint of an adapter's configuration: a client
// whose redirects stay within the server's origin (NewClient of client),
// the header NewHeader(extra, accept), and key, when not empty, sent as
// keyHeader: "Authorization: Bearer <key>" when keyHeader is
// "Authorization", the key itself otherwise (X-Api-Key).
func NewEndpoint(name string, client *http.Client, extra http.Header, accept, keyHeader, key string) Endpoint {
	e := Endpoint{Name: name, Client: NewClient(client), Header: NewHeader(extra, accept), Redact: NewRedactor(key)}
	switch {
	case key == "":
	case keyHeader == "Authorization":
		e.Header.Set(keyHeader, "Bearer "+key)
	default:
		e.Header.Set(keyHeader, key)
	}
	return e
}

// Open posts body to url (PostStream) and returns the response of a 2xx
// answer whose Content-Type isStream accepts (IsEventStream when nil); the
// caller closes its body. Otherwise the body is closed and the error is
// returned: a transport error led by the Endpoint's name and redacted,
// httpError's of a non-2xx answer (a ProtocolError of a 1xx one: 101
// Switching Protocols), EncodingError's of a compressed body not asked
// for, or NotStreaming's, naming the Accept header's type, of a 2xx answer
// of another type.
func (e *Endpoint) Open(ctx context.Context, url string, body []byte, httpError func(*http.Response) error, isStream func(ct string) bool) (*http.Response, error) {
	resp, err := PostStream(ctx, e.Client, url, e.Header, body)
	if err != nil {
		return nil, e.Redact.Err(fmt.Errorf("%s: %w", e.Name, err))
	}
	if resp.StatusCode < 200 {
		// 101 Switching Protocols: the body is the upgraded connection,
		// which no deadline bounds; nothing of it is read.
		resp.Body.Close()
		return nil, &ProtocolError{Msg: fmt.Sprintf("HTTP %d %s to a streaming POST: not read", resp.StatusCode, http.StatusText(resp.StatusCode))}
	}
	if resp.StatusCode > 299 {
		defer resp.Body.Close()
		return nil, httpError(resp)
	}
	if err := EncodingError(resp); err != nil {
		resp.Body.Close()
		return nil, err
	}
	if isStream == nil {
		isStream = IsEventStream
	}
	if !isStream(resp.Header.Get("Content-Type")) {
		resp.Body.Close()
		return nil, NotStreaming(resp, e.Header.Get("Accept"))
	}
	return resp, nil
}

// A StreamReader reads the stream of resp, a response Open returned,
// calling onChunk for each chunk. cancel ends the request (for Drain); ctx
// is the request's, whose cause read errors carry (ReadErr).
type StreamReader func(ctx context.Context, resp *http.Response, cancel context.CancelFunc, onChunk func(Chunk)) (Final, error)

// Stream opens a stream (Open) under a context of its own, which read is
// handed the cancel func of, and returns read's answer; then the body is
// closed and the context cancelled. Open's error comes with a zero Final.
func (e *Endpoint) Stream(ctx context.Context, url string, body []byte, httpError func(*http.Response) error, isStream func(ct string) bool, read StreamReader, onChunk func(Chunk)) (Final, error) {
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	resp, err := e.Open(rctx, url, body, httpError, isStream)
	if err != nil {
		return Final{}, err
	}
	defer resp.Body.Close()
	return read(ctx, resp, cancel, onChunk)
}

// ReadErr wraps an error met reading the stream, led by the Endpoint's name
// and ctx's cause when ctx has ended (WithCause), and redacted.
func (e *Endpoint) ReadErr(ctx context.Context, err error) error {
	return e.Redact.Err(fmt.Errorf("%s: read stream: %w", e.Name, WithCause(ctx, Plain(err))))
}

// NextEvent returns rd's next event. At the end of the stream it returns
// io.EOF; an event over rd's size limit is a ProtocolError, and any other
// read error comes through ReadErr.
func (e *Endpoint) NextEvent(ctx context.Context, rd *sse.Reader) (sse.Event, error) {
	ev, err := rd.Next()
	if err != nil && err != io.EOF {
		err = e.eventErr(ctx, err)
	}
	return ev, err
}

// ReadEvents reads rd's events (NextEvent) and hands each to event, which
// reports whether it ended the stream or returns the error it carried.
// After the event that ended it, what is left of body (rd's source) is
// drained (Drain, with cancel) and ReadEvents returns nil; at the end of
// the stream before such an event it returns io.EOF, for the caller to
// judge, or, when the body held no data event but other lines (a proxy's
// HTML page sent as an event stream), a ProtocolError quoting their start.
func (e *Endpoint) ReadEvents(ctx context.Context, rd *sse.Reader, body io.Reader, cancel context.CancelFunc, event func(sse.Event) (bool, error)) error {
	data, other := false, "" // a data event came; the start of the first lines outside SSE
	for {
		ev, err := e.NextEvent(ctx, rd)
		if err == io.EOF && !data && other != "" {
			return &ProtocolError{Msg: fmt.Sprintf("the body held no SSE data event: it began %q", other)}
		}
		if err != nil {
			return err
		}
		if ev.Data != nil {
			data = true
		} else if raw := bytes.TrimSpace(ev.Raw); other == "" && len(raw) > 0 {
			other = Snippet(e.Redact.Redact(string(raw)))
		}
		done, err := event(ev)
		if err != nil {
			return err
		}
		if done {
			Drain(body, cancel)
			return nil
		}
	}
}

func (e *Endpoint) eventErr(ctx context.Context, err error) error {
	if errors.Is(err, sse.ErrEventTooLarge) {
		return &ProtocolError{Msg: err.Error()}
	}
	return e.ReadErr(ctx, err)
}
