package anthropic_test

import (
	"net/http"
	"path/filepath"
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/anthropic"
	"github.com/inferbench/inferbench/targets/targettest"
)

// FuzzStream feeds arbitrary bodies to the anthropic decoder, seeded with the
// recorded transcripts: no panic, no negative token count, and only typed
// stream or protocol errors.
func FuzzStream(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txt")
	targettest.FuzzStream(f, "text/event-stream", targettest.FuzzSeeds(f, files), func(c *http.Client) (targets.Target, error) {
		return anthropic.New(anthropic.Config{Conn: targets.Conn{BaseURL: "http://fuzz.invalid", Client: c}})
	})
}
