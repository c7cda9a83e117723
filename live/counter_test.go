package live

import (
	"context"
	"sync"
	"testing"

	"github.com/inferbench/inferbench/targets"
)

// TestStreamedCountsEveryRequestsStripe: the streamed counter is the sum
// of the tokens of every request, whichever stripe each added to, with
// more requests at once than there are stripes, and a read while they
// stream never goes back.
func TestStreamedCountsEveryRequestsStripe(t *testing.T) {
	s := New(Options{})
	tt := s.Track(listTarget{{Content: "a", Tokens: 1}, {Content: "bc", Tokens: 2}, {Content: "", Tokens: 0}, {Content: "def", Tokens: 3}})
	const requests = 5*counterStripes + 3
	var wg sync.WaitGroup
	streaming, read := make(chan struct{}), make(chan struct{})
	go func() { // reads while the requests stream, until they are done
		defer close(read)
		last := int64(0)
		for {
			select {
			case <-streaming:
				return
			default:
			}
			n := s.streamed.Load()
			if n < last {
				t.Errorf("the streamed count went back from %d to %d", last, n)
				return
			}
			last = n
		}
	}()
	for range requests {
		wg.Go(func() { tt.Stream(context.Background(), targets.Request{}, func(targets.Chunk) {}) })
	}
	wg.Wait()
	close(streaming)
	<-read
	if got, want := s.streamed.Load(), int64(requests*6); got != want {
		t.Errorf("streamed %d tokens over %d requests; want %d", got, requests, want)
	}
	if snap := s.Snapshot(); snap.StreamedTokens != requests*6 {
		t.Errorf("the snapshot says %d streamed; want %d", snap.StreamedTokens, requests*6)
	}
}
