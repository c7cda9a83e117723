package targettest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/inferbench/inferbench/targets"
)

// FuzzStream fuzzes an adapter's decoder: every input is served as the body
// of a 200 response with contentType, from memory (so there is no transport
// error), and the adapter must not panic, must report no negative token
// count, and must end with nil, a *targets.StreamError or a
// *targets.ProtocolError. newTarget builds the adapter on the given client.
func FuzzStream(f *testing.F, contentType string, seeds [][]byte, newTarget func(*http.Client) (targets.Target, error)) {
	f.Helper()
	for _, s := range seeds {
		f.Add(s)
	}
	tg, err := newTarget(&http.Client{Transport: bodyTransport{contentType}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ctx := context.WithValue(context.Background(), bodyKey{}, body)
		_, err := tg.Stream(ctx, targets.Request{Model: "m", Prompt: "p", MaxTokens: 8}, func(c targets.Chunk) {
			if c.Tokens < 0 {
				t.Errorf("negative Tokens %d", c.Tokens)
			}
		})
		var se *targets.StreamError
		var pe *targets.ProtocolError
		if err != nil && !errors.As(err, &se) && !errors.As(err, &pe) {
			t.Errorf("error %T %v; want nil, a StreamError or a ProtocolError", err, err)
		}
	})
}

// FuzzSeeds reads the testdata bodies matching pattern as fuzz seeds.
func FuzzSeeds(f *testing.F, files []string) [][]byte {
	f.Helper()
	var seeds [][]byte
	for _, p := range files {
		b, err := ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	return seeds
}

type bodyKey struct{}

// bodyTransport answers every request with the body carried by its context.
type bodyTransport struct{ contentType string }

func (b bodyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	body, _ := req.Context().Value(bodyKey{}).([]byte)
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {b.contentType}},
		Body: io.NopCloser(bytes.NewReader(body)), Request: req}, nil
}

// MetricFamilies splits a Prometheus text page into one seed per metric
// family (a block from each "# HELP" line, the lines before the first as a
// block of their own). A fuzzer mutates such seeds about a hundred times
// faster than a whole 58 KB vLLM page, and the parser reads a page a
// family at a time, so together they cover what the page does.
func MetricFamilies(page []byte) [][]byte {
	var out [][]byte
	for len(page) > 0 {
		i := bytes.Index(page[1:], []byte("\n# HELP "))
		if i < 0 {
			return append(out, page)
		}
		out = append(out, page[:i+2])
		page = page[i+2:]
	}
	return out
}
