package bedrock_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/bedrock"
	"github.com/inferbench/inferbench/targets/targettest"
)

// FuzzStream feeds arbitrary bytes to the SDK's event-stream decoder and to
// the adapter's handling of ConverseStream events and of native chunks
// (each input goes through both APIs), seeded with the recorded streams: no
// panic, no negative token count, and only typed stream or protocol errors.
func FuzzStream(f *testing.F) {
	seeds := [][]byte{
		eventStream(f, "bedrock-converse-stream-raw-eventstream-base64"),
		eventStream(f, "bedrock-converse-stream-empty-text-delta-reasoning-decoded"),
		// {"type":"content_block_delta","delta":{"type":"text_delta","text":"Hi"}}
		encode(f, `chunk {"bytes":"eyJ0eXBlIjoiY29udGVudF9ibG9ja19kZWx0YSIsImRlbHRhIjp7InR5cGUiOiJ0ZXh0X2RlbHRhIiwidGV4dCI6IkhpIn19"}`,
			`!throttlingException {"message":"slow down"}`),
	}
	targettest.FuzzStream(f, "application/vnd.amazon.eventstream", seeds, func(c *http.Client) (targets.Target, error) {
		return bothAPIs{chat: newTarget(f, bedrock.Config{Endpoint: "http://fuzz.invalid", Client: c}),
			native: newTarget(f, bedrock.Config{Endpoint: "http://fuzz.invalid", Client: c, API: bedrock.Native})}, nil
	})
}

// bothAPIs streams one body through ConverseStream and then through the
// native API, and reports the first error that is not a stream or protocol
// error (else the first error).
type bothAPIs struct{ chat, native *bedrock.Target }

func (b bothAPIs) Stream(ctx context.Context, req targets.Request, onChunk func(targets.Chunk)) (targets.Final, error) {
	f1, err1 := b.chat.Stream(ctx, req, onChunk)
	req.Model = "anthropic.claude-3-haiku-20240307-v1:0"
	_, err2 := b.native.Stream(ctx, req, onChunk)
	for _, err := range []error{err1, err2} {
		var se *targets.StreamError
		var pe *targets.ProtocolError
		if err != nil && !errors.As(err, &se) && !errors.As(err, &pe) {
			return f1, err
		}
	}
	return f1, errors.Join(err1, err2)
}
