package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"testing"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
)

// TestClassify: every class from the error that makes it, wrapped as the
// adapters wrap them, so that the one place errors become classes answers
// by type and never by message.
func TestClassify(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("adapter: %w", err) }
	for _, tc := range []struct {
		err  error
		want rundir.ErrorClass
	}{
		{nil, ""},
		{wrap(errRequestTimeout), rundir.Timeout},
		{wrap(context.DeadlineExceeded), rundir.Timeout},
		{&url.Error{Op: "Post", URL: "u", Err: os.ErrDeadlineExceeded}, rundir.Timeout}, // net.Error with Timeout()
		{wrap(context.Canceled), rundir.Canceled},
		{wrap(&targets.HTTPError{Status: 429}), rundir.RateLimited},
		{wrap(&targets.HTTPError{Status: 404}), rundir.HTTP4xx},
		{wrap(&targets.HTTPError{Status: 503}), rundir.HTTP5xx},
		{wrap(&targets.StreamError{Code: "rate_limit_exceeded"}), rundir.RateLimited},
		{wrap(&targets.StreamError{Message: "CUDA out of memory"}), rundir.StreamErr},
		{wrap(&targets.ProtocolError{Msg: "bad JSON"}), rundir.Protocol},
		{wrap(targets.RequestErrorf("replicate: model %q: want owner/name", "mock")), rundir.Request},
		{&url.Error{Op: "Post", URL: "u", Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}}, rundir.Connection},
		{wrap(io.ErrUnexpectedEOF), rundir.Connection},
	} {
		if got := Classify(tc.err); got != tc.want {
			t.Errorf("Classify(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

// TestCausedErrorSaysTheCauseOnce: a request's error once the run stopped
// names the cause once, whether or not the transport's error already did,
// and is both the cause and the error.
func TestCausedErrorSaysTheCauseOnce(t *testing.T) {
	cause := errors.New("interrupted by signal interrupt")
	inner := fmt.Errorf("vllm: read stream: %w", cause)
	for _, c := range []struct {
		err  error
		want string
	}{
		{inner, "vllm: read stream: interrupted by signal interrupt"},
		{errors.New("vllm: read stream: use of closed connection"), "interrupted by signal interrupt: vllm: read stream: use of closed connection"},
	} {
		e := causedError{cause: cause, err: c.err}
		if e.Error() != c.want || !errors.Is(e, cause) || !errors.Is(e, c.err) {
			t.Errorf("%q: is cause %v, is err %v; want %q, both", e.Error(), errors.Is(e, cause), errors.Is(e, c.err), c.want)
		}
	}
}
