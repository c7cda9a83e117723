package bedrock_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/bedrock"
)

// TestErrorBodyThatStalls: an answer of 500 whose body stops half-way is
// an HTTP 500, its body read for at most targets.ErrorReadWait, as every
// adapter's (targets.ReadHTTPError): the SDK read it until the request's
// deadline, so a run recorded a timeout, with status 200 (the load
// generator's guess for a target that did not say), and the worker waited
// out its --timeout. On synctest's clock, so that the wait is exact.
func TestErrorBodyThatStalls(t *testing.T) {
	for api, model := range map[bedrock.API]string{bedrock.Chat: "m", bedrock.Native: "meta.llama3-8b-instruct-v1:0"} {
		synctest.Test(t, func(t *testing.T) {
			tr := &stallingError{}
			tg := newTarget(t, bedrock.Config{Endpoint: "http://127.0.0.1:1", API: api, BearerToken: "tok-123456789",
				Client: &http.Client{Transport: tr}})
			start := time.Now()
			r := stream(t, tg, t.Context(), targets.Request{Model: model, Prompt: "p"})
			if took := time.Since(start); took != targets.ErrorReadWait {
				t.Errorf("%s: returned after %v, want %v", api, took, targets.ErrorReadWait)
			}
			he, ok := errors.AsType[*targets.HTTPError](r.Err)
			if !ok || he.Status != 500 {
				t.Errorf("%s: got %v (%T), want an HTTP 500", api, r.Err, r.Err)
			}
		})
	}
}

// stallingError answers 500 with the start of an error body, then nothing
// until the body is closed.
type stallingError struct{}

func (stallingError) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 500, Status: "500 Internal Server Error", Request: req,
		Header: http.Header{"Content-Type": {"application/json"}, "X-Amzn-Errortype": {"InternalServerException"}},
		Body:   &stalledBody{rest: strings.NewReader(`{"message":"the upstr`), closed: make(chan struct{})}}, nil
}

type stalledBody struct {
	rest   io.Reader
	once   sync.Once
	closed chan struct{}
}

func (b *stalledBody) Read(p []byte) (int, error) {
	if n, _ := b.rest.Read(p); n > 0 {
		return n, nil
	}
	<-b.closed
	return 0, errors.New("read on closed body")
}

func (b *stalledBody) Close() error {
	b.once.Do(func() { close(b.closed) })
	return nil
}

// TestStatusTold: the load generator's response hook (targets.WithResponse)
// hears the answer's status, as PostStream tells it for the other adapters:
// it heard none, and a failure that is no HTTPError was recorded with the
// load generator's guess, 200.
func TestStatusTold(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tg := newTarget(t, bedrock.Config{Endpoint: "http://127.0.0.1:1", BearerToken: "tok-123456789",
			Client: &http.Client{Transport: &stallingError{}}})
		var told []int
		ctx := targets.WithResponse(t.Context(), func(status int) { told = append(told, status) })
		stream(t, tg, ctx, targets.Request{Model: "m", Prompt: "p"})
		if len(told) != 1 || told[0] != 500 {
			t.Errorf("statuses told %v; want [500]", told)
		}
	})
}
