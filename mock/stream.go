package mock

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/inferbench/inferbench/internal/tick"
)

// generation is what the mock decided to produce for one request, whatever
// the protocol.
type generation struct {
	model        string
	promptTokens int
	outputTokens int
	// capped is true when the response stops at the length cap ("length",
	// "max_tokens", "MAX_TOKENS"), false when the simulated model stopped
	// by itself ("stop", "end_turn", "STOP").
	capped bool
	// stopped is the stop sequence that ended the output ("" when none
	// did): Anthropic's stop_sequence, vLLM's stop_reason, TGI's
	// "stop_sequence", llama.cpp's stopping_word (applyStop).
	stopped string
	// held is how many tokens were generated but not sent: the one a stop
	// sequence starts in, whose text is held back (vLLM, llama.cpp and
	// Ollama count it in their usage and send none of its text); 0 when
	// no stop sequence ended the output, and on TGI's APIs, which send
	// that token (applyStopTGI).
	held         int
	includeUsage bool // OpenAI: send the usage-only chunk before [DONE]
	continuous   bool // OpenAI/vLLM: cumulative usage on every chunk
	details      bool // TGI: details object on the last event
	// prefix is the prompt's block hashes for the engine's prefix cache
	// (OpenAI chat and completions in engine mode); nil otherwise.
	prefix *blockHasher
	// received is when the request arrived: the origin its tokens are
	// paced from (fixedPlan) and its TTFT metric's, and of the latencies a
	// wire reports as the server's own (Bedrock's invocation metrics,
	// Ollama's durations, Groq's x_groq times). serveGeneration sets it once
	// the body is parsed; a clock started at the parse would leave out the
	// time the body took to arrive and any pause before the parse, and
	// report less than the client saw.
	received time.Time
	// firstToken is when token 0 was due and went out (streamed) or was
	// ready (not streamed): the end of the prompt's processing, for the
	// wires that report it (llama.cpp's timings). Zero until then.
	firstToken time.Time
}

// applyStop ends g's output where its text first meets one of stop, as
// vLLM's stop checker does (vllm/engine/output_processor/stop_checker.py):
// after each token from the min_tokens-th on (none is checked before), the
// stop sequences, in their order, are looked for where they would end in
// that token's text; the first found ends the output before it, and the
// finish is a stop, whatever ignore_eos said (it ignores the EOS token
// only). The mock's tokens are whole words: the output keeps the tokens
// before the one the stop sequence starts in (a stop sequence that starts
// inside a word drops that word's start too; vLLM would send it), and its
// usage counts that token too (generated): it was generated, and the
// stream ends once it was.
func (g *generation) applyStop(stop []string, minTokens int) {
	if len(stop) == 0 || g.outputTokens <= 0 {
		return
	}
	var text []byte
	starts := make([]int, 0, g.outputTokens) // where each token's text starts
	for k := range g.outputTokens {
		starts = append(starts, len(text))
		text = append(text, tokenText(k)...)
		if k+1 < minTokens {
			continue
		}
		for _, s := range stop {
			if s == "" {
				continue
			}
			from := max(starts[k]-len(s)+1, 0)
			i := bytes.Index(text[from:], []byte(s))
			if i < 0 {
				continue
			}
			// The token the stop sequence starts in: the last that starts
			// at or before it. The tokens before it are the output.
			j, _ := slices.BinarySearch(starts, from+i+1)
			g.outputTokens, g.held, g.capped, g.stopped = j-1, 1, false, s
			return
		}
	}
}

// generated is how many output tokens the model generated: those sent and
// the one a stop sequence held back. Usage counts them.
func (g *generation) generated() int { return g.outputTokens + g.held }

// finish returns the OpenAI-family finish_reason.
func (g *generation) finish() string {
	if g.capped {
		return "length"
	}
	return "stop"
}

// A protocol is one request/response format served at one route.
type protocol struct {
	// parse decodes a request body into a call; an error is answered 400
	// with the protocol's error body.
	parse func(s *Server, r *http.Request, body []byte, seq int64) (*call, error)
	// writeError writes the protocol's error body with status. Retry-After
	// is set before it (preResponseFault); retryAfter is for a body that
	// carries the wait too (Gemini's RetryInfo).
	writeError errorWriter
}

// A call is one parsed generation request.
type call struct {
	g      generation
	stream bool
	wire   wire
}

// A wire renders one response in its protocol. The byte-appending methods
// append to b and return it; they are called from the handler goroutine only.
type wire interface {
	// header sets the streamed response's headers.
	header(h http.Header)
	// start is written and flushed on receipt (role chunk, message_start…); may append nothing.
	start(b []byte) []byte
	// token is the event carrying token k (from 0).
	token(b []byte, k int) []byte
	// end is everything after the last token, terminator included.
	end(b []byte) []byte
	// streamError is the protocol's in-stream error event (and the
	// terminator, where the protocol sends one after an error).
	streamError(b []byte, status int, msg string) []byte
	// malformed is an event whose JSON is cut short.
	malformed(b []byte) []byte
	// body writes the complete non-streamed response.
	body(w http.ResponseWriter)
}

// maxRequestBody caps how much of a request body the mock reads (bytes).
const maxRequestBody = 32 << 20

// oversizedBytes is the padding of an oversized-line fault: bigger than
// bufio.Scanner's default 64 KiB token and than 1 MiB buffers.
const oversizedBytes = 1<<20 + 1

// serveGeneration answers one generation request of protocol p.
func (s *Server) serveGeneration(w http.ResponseWriter, r *http.Request, received time.Time, seq int64, p *protocol) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if err != nil {
		p.writeError(w, http.StatusBadRequest, fmt.Sprintf("reading body: %v", err), 0)
		return
	}
	c, err := p.parse(s, r, body, seq)
	if err != nil {
		p.writeError(w, http.StatusBadRequest, err.Error(), 0)
		return
	}
	c.g.received = received
	f, ok := s.preResponseFault(w, r, p.writeError,
		"mock: rate limit reached (injected fault)", "mock: service unavailable, model overloaded (injected fault)")
	if !ok {
		return
	}
	g := &c.g
	var src tokenSource
	if s.engine != nil {
		if !s.engine.admissible(g.promptTokens, g.generated()) {
			p.writeError(w, http.StatusBadRequest, fmt.Sprintf(
				"This model's maximum context length is %d tokens. However, you requested %d tokens (%d in the messages, %d in the completion). Please reduce the length of the messages or completion.",
				s.engine.model.MaxModelLen, g.promptTokens+g.outputTokens, g.promptTokens, g.outputTokens), 0)
			return
		}
		src = s.engine.submit(g.promptTokens, max(g.generated(), 1), g.prefix)
	} else {
		src = &fixedSource{plan: fixedPlan{origin: received, ttft: s.cfg.TTFT, itl: s.cfg.ITL}}
	}
	defer src.release()
	s.metrics.begin(g.promptTokens)
	defer s.metrics.end()
	ctx := r.Context()
	if !c.stream {
		if g.generated() > 0 && !src.wait(ctx, 0) {
			return
		}
		g.firstToken = time.Now()
		if !src.wait(ctx, max(g.generated()-1, 0)) {
			return
		}
		s.metrics.firstToken(time.Since(received))
		s.metrics.tokens(g.generated())
		c.wire.body(w)
		return
	}
	s.stream(w, ctx, received, c, src, f)
}

// stream writes a streamed response: start on receipt, token k when the
// source has it (flushing only before waiting, so tokens due together go
// out in one write), the tail right after the last token. A mid-stream
// fault fires once f.after tokens are out.
func (s *Server) stream(w http.ResponseWriter, ctx context.Context, received time.Time, c *call, src tokenSource, f fault) {
	c.wire.header(w.Header())
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	buf := make([]byte, 0, 1024)
	buf = c.wire.start(buf[:0])
	if len(buf) > 0 {
		if _, err := w.Write(buf); err != nil {
			return
		}
	}
	if rc.Flush() != nil {
		return
	}
	n := c.g.outputTokens
	dirty, pad := false, false
	for k := 0; k <= n; k++ {
		if f.midStream() && k == min(f.after, n) {
			if f.kind == FaultOversized {
				// Token k's event goes out padded past any default line
				// limit, with a field clients ignore.
				pad = true
			} else {
				if dirty && rc.Flush() != nil {
					return
				}
				if !s.midStreamFault(w, rc, ctx, c, f) {
					return
				}
				dirty = false
			}
		}
		if k == n {
			break
		}
		if !src.ready(k) {
			if dirty {
				if rc.Flush() != nil {
					return
				}
				dirty = false
			}
			if !src.wait(ctx, k) {
				return
			}
		} else if ctx.Err() != nil {
			return
		}
		if k == 0 {
			c.g.firstToken = time.Now()
			s.metrics.firstToken(c.g.firstToken.Sub(received))
		}
		if pad {
			buf, pad = paddedTokenEvent(c.wire, buf[:0], k, oversizedBytes), false
		} else {
			buf = c.wire.token(buf[:0], k)
		}
		if _, err := w.Write(buf); err != nil {
			return
		}
		s.metrics.tokens(1)
		dirty = true
	}
	if c.g.held > 0 {
		// The token a stop sequence starts in: the stream ends once it was
		// generated (at its time, not the last sent token's; on receipt
		// for none sent), its text held back, its count in the usage.
		if dirty && !src.ready(n) && rc.Flush() != nil {
			return // the tokens sent go out before the wait, as in the loop
		}
		if !src.wait(ctx, n) {
			return
		}
		if n == 0 {
			c.g.firstToken = time.Now()
			s.metrics.firstToken(c.g.firstToken.Sub(received))
		}
		s.metrics.tokens(c.g.held)
	}
	buf = c.wire.end(buf[:0])
	if _, err := w.Write(buf); err != nil {
		return
	}
	_ = rc.Flush()
}

// midStreamFault acts out fault f; it reports whether the stream goes on.
func (s *Server) midStreamFault(w http.ResponseWriter, rc *http.ResponseController, ctx context.Context, c *call, f fault) bool {
	switch f.kind {
	case FaultErrorEvent:
		_, _ = w.Write(c.wire.streamError(nil, http.StatusInternalServerError, "mock: generation failed (injected fault)"))
		_ = rc.Flush()
		return false
	case FaultDisconnect:
		_ = rc.Flush()
		abortConnection(rc)
		return false
	case FaultStall:
		return tick.Sleep(ctx, f.duration)
	case FaultMalformed:
		_, err := w.Write(c.wire.malformed(nil))
		return err == nil && rc.Flush() == nil
	}
	return true
}

// padEvent inserts a padding field of n bytes after the first '{' of ev's JSON.
func padEvent(ev []byte, n int) []byte {
	i := 0
	for i < len(ev) && ev[i] != '{' {
		i++
	}
	if i == len(ev) {
		return ev
	}
	out := make([]byte, 0, len(ev)+n+32)
	out = append(out, ev[:i+1]...)
	out = append(out, `"mock_padding":"`...)
	for range n {
		out = append(out, 'x')
	}
	out = append(out, `",`...)
	return append(out, ev[i+1:]...)
}

// abortConnection drops the connection without finishing the response
// (no terminating chunk): hijack where the transport allows it, else abort
// the handler as net/http documents (http.ErrAbortHandler).
func abortConnection(rc *http.ResponseController) {
	if conn, _, err := rc.Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	panic(http.ErrAbortHandler)
}
