package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

// BareResult is what the bare client measured.
type BareResult struct {
	// Requests completed without error, and Errors.
	Requests, Errors int64
	// Tokens is the number of token-bearing events read.
	Tokens int64
	// TTFTNS is each completed request's time to its first token event.
	TTFTNS []int64
	// SendLagNS is each request's lateness against its schedule (open loop).
	SendLagNS []int64
	// Elapsed is the measured time.
	Elapsed time.Duration
}

// BareClient is the least a Go client can do to benchmark a streaming
// OpenAI-compatible server: post, read lines, note when the first token
// line arrived. No records, no metrics, no JSON decoding. `calibrate` runs
// it beside the real harness so every figure has this machine's floor next
// to it. It is not used for measurements of servers.
type BareClient struct {
	Client *http.Client
	// URL is the full endpoint URL; Body the request body sent each time.
	URL  string
	Body []byte
}

// tokenLine reports whether an SSE line carries generated content: a data
// line with a non-empty "content" (the role chunk's content is empty).
func tokenLine(line []byte) bool {
	i := bytes.Index(line, []byte(`"content":"`))
	return i >= 0 && i+11 < len(line) && line[i+11] != '"'
}

// one sends one request and returns its TTFT and token count.
func (b *BareClient) one(ctx context.Context) (ttft time.Duration, tokens int64, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.URL, bytes.NewReader(b.Body))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	t0 := time.Now()
	resp, err := b.Client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	br := bufio.NewReaderSize(resp.Body, 16<<10)
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 && tokenLine(line) {
			if tokens == 0 {
				ttft = time.Since(t0)
			}
			tokens++
		}
		if err == io.EOF {
			return ttft, tokens, nil
		}
		if err != nil {
			return ttft, tokens, err
		}
	}
}

// ClosedLoop runs concurrency workers back to back for d, all starting at once.
func (b *BareClient) ClosedLoop(ctx context.Context, concurrency int, d time.Duration) BareResult {
	return b.ClosedLoopSpread(ctx, concurrency, d, 0)
}

// OpenLoop sends at the due times of schedule (offsets from the start),
// each request on its own goroutine, and records each send's lateness.
func (b *BareClient) OpenLoop(ctx context.Context, schedule []time.Duration) BareResult {
	var (
		res BareResult
		mu  sync.Mutex
		wg  sync.WaitGroup
	)
	res.SendLagNS = make([]int64, 0, len(schedule))
	start := time.Now()
	pace := newPacer() // the harness's own wait, so the floor is the send path's
	defer pace.stop()
	for _, due := range schedule {
		if pace.wait(ctx, start.Add(due)) != nil {
			break
		}
		wg.Go(func() {
			// Stamped where the harness stamps a record's sent time: in the
			// request's goroutine, as it hands the request to the client.
			// Stamped in this loop, before the goroutine ran, a burst of
			// 1,000 due at once read 0.8 ms against the harness's 210 ms.
			lag := time.Since(start) - due
			ttft, tok, err := b.one(ctx)
			mu.Lock()
			defer mu.Unlock()
			res.SendLagNS = append(res.SendLagNS, lag.Nanoseconds())
			if err != nil {
				res.Errors++
				return
			}
			res.Requests++
			res.Tokens += tok
			res.TTFTNS = append(res.TTFTNS, ttft.Nanoseconds())
		})
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	return res
}

// ClosedLoopSpread is ClosedLoop with worker i starting i·spread/N late, so
// workers do not run in lockstep (as the harness spreads them).
func (b *BareClient) ClosedLoopSpread(ctx context.Context, concurrency int, d, spread time.Duration) BareResult {
	var (
		res BareResult
		mu  sync.Mutex
		wg  sync.WaitGroup
	)
	start := time.Now()
	end := start.Add(d)
	for i := range concurrency {
		wg.Go(func() {
			time.Sleep(time.Duration(int64(spread) * int64(i) / int64(concurrency)))
			for time.Now().Before(end) && ctx.Err() == nil {
				ttft, tok, err := b.one(ctx)
				mu.Lock()
				if err != nil {
					res.Errors++
				} else {
					res.Requests++
					res.Tokens += tok
					res.TTFTNS = append(res.TTFTNS, ttft.Nanoseconds())
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	return res
}

// HoldOpen opens n streams at once and waits for them all, reporting how
// many ended without error, how many were in flight on average from the
// first send to the last end (Σ stream durations / that span, as the
// harness's MeanInFlight counts its own) and the largest live heap (the
// runtime/metrics figure client.jsonl samples) seen every 20 ms while they
// ran. The heap is the whole process's: call it with little else alive.
func (b *BareClient) HoldOpen(ctx context.Context, n int) (ok int64, meanInFlight float64, peakHeap uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	heap := func() uint64 {
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			return sample[0].Value.Uint64()
		}
		return 0
	}
	done := make(chan struct{})
	var watch sync.WaitGroup
	watch.Go(func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			peakHeap = max(peakHeap, heap())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	var (
		wg     sync.WaitGroup
		count  atomic.Int64
		busyNS atomic.Int64
	)
	start := time.Now()
	for range n {
		wg.Go(func() {
			t0 := time.Now()
			if _, _, err := b.one(ctx); err == nil {
				count.Add(1)
			}
			busyNS.Add(time.Since(t0).Nanoseconds())
		})
	}
	wg.Wait()
	if span := time.Since(start); span > 0 { // the last stream's end
		meanInFlight = float64(busyNS.Load()) / float64(span.Nanoseconds())
	}
	close(done)
	watch.Wait()
	return count.Load(), meanInFlight, peakHeap
}
