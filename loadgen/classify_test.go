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
