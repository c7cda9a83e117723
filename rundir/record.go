package rundir

import "time"

// A Record is one line of requests.jsonl: one request, from its scheduled
// time to its last byte. Times are nanoseconds from the run's start (the
// monotonic origin in run.json); a time field is absent (zero) when the
// request never reached it. Field names are a public contract (docs/design.md):
// add fields freely, never rename one. ttft_ns and e2e_ns, which restated
// FirstTokenNS − SentNS and EndNS − SentNS beside the one definition of
// each (report/metrics.go), are no longer written; readers skip them in
// older files.
type Record struct {
	// ID numbers requests in the order they were scheduled, from 0.
	ID uint64 `json:"id"`
	// Stage is warmup, measure, cooldown or probe; only measure counts in metrics.
	Stage Stage `json:"stage"`
	// Level is the load level the request ran under (concurrency, or request rate).
	Level float64 `json:"level"`
	// Worker is the closed-loop worker that sent it.
	Worker int `json:"worker"`
	// ScheduledNS is when the request was due. Closed loop: when its worker
	// became free. Always present (0 is a valid offset).
	ScheduledNS int64 `json:"scheduled_ns"`
	// SentNS is when the request was handed to the HTTP client.
	SentNS int64 `json:"sent_ns"`
	// ConnectNS is how long the request waited for a new connection (name
	// lookup, dial, TLS handshake) before it could be written: a part of
	// its TTFT that a kept connection does not have. 0 (absent) when it was
	// sent on a kept one, or when the target does not say (an SDK's client).
	ConnectNS int64 `json:"connect_ns,omitempty"`
	// HeadersNS is when the first byte of the final response's headers
	// arrived. After a 1xx interim response (100 Continue, 103 Early
	// Hints) it is when the client handed the final response over, a few
	// microseconds after its headers' last byte: the client tells of no
	// later first byte. Absent when no final response came, or when one
	// came after an interim one and the target does not tell of it (an
	// SDK's client).
	HeadersNS int64 `json:"headers_ns,omitempty"`
	// FirstByteNS is when the first byte of the response body was read,
	// before any event is decoded (a comment or ping counts); for a target
	// that does not report it, when its first event, whatever it carried,
	// was decoded.
	FirstByteNS int64 `json:"first_byte_ns,omitempty"`
	// FirstTokenNS is when the first event carrying a generated token on any
	// channel was read.
	FirstTokenNS int64 `json:"first_token_ns,omitempty"`
	// FirstContentNS is when the first event carrying visible content was read.
	FirstContentNS int64 `json:"first_content_ns,omitempty"`
	// EndNS is when the last token-bearing event was read; for a request
	// with no token it is when the request ended.
	EndNS int64 `json:"end_ns,omitempty"`
	// DoneNS is when the response was complete (terminator or error).
	DoneNS int64 `json:"done_ns,omitempty"`
	// Chunks lists every token-bearing event as [offset_ns, tokens]: tokens
	// is the count the server gave for the event, or 1 when it gave none.
	Chunks [][2]int64 `json:"chunks"`
	// InputTokens and OutputTokens are the request's token counts, with where
	// each came from (TokenSource: the server's usage, else for input the
	// prompt's length as sized or estimated, for output the tokens counted).
	InputTokens        int         `json:"input_tokens"`
	OutputTokens       int         `json:"output_tokens"`
	InputTokensSource  TokenSource `json:"input_tokens_source,omitempty"`
	OutputTokensSource TokenSource `json:"output_tokens_source,omitempty"`
	// RequestedInputTokens and RequestedOutputTokens are what the workload
	// asked for: the intended prompt length and max_tokens.
	RequestedInputTokens  int `json:"requested_input_tokens,omitempty"`
	RequestedOutputTokens int `json:"requested_output_tokens,omitempty"`
	// CachedInputTokens is how many of the prompt's tokens the server said
	// it answered from its prompt cache (OpenAI
	// usage.prompt_tokens_details.cached_tokens, llama.cpp timings.cache_n);
	// 0 when it said none or nothing.
	CachedInputTokens int `json:"cached_input_tokens,omitempty"`
	// FinishReason is the server's stop reason, if it gave one.
	FinishReason string `json:"finish_reason,omitempty"`
	// OK is true when the request completed without error.
	OK bool `json:"ok"`
	// Status is the HTTP status code the server sent: the final response's
	// (not a 1xx interim one; 101 Switching Protocols is final), whether
	// the request then succeeded or not; 0 when no response came. A target
	// whose client does not report it (Bedrock's SDK, Replicate's stream)
	// is recorded 200 when a response came and was not an error status.
	Status int `json:"status,omitempty"`
	// ErrorClass says why the request failed; empty when it did not.
	ErrorClass ErrorClass `json:"error_class,omitempty"`
	// Error is the error message, with secrets redacted.
	Error string `json:"error,omitempty"`
	// RetryAfterMS is the server's retry hint on a rate-limited answer.
	RetryAfterMS int64 `json:"retry_after_ms,omitempty"`
	// Attempt numbers the sends of one request from 0 (see Runner.Retries).
	Attempt int `json:"attempt,omitempty"`
	// Resent is how many times the HTTP client sent this attempt again on
	// its own, unasked and unseen by Attempt: net/http resends a request
	// the server did not process (HTTP/2 REFUSED_STREAM, or a GOAWAY
	// before the stream was processed: at once, then after 1, 2, 4 … s),
	// and one whose kept-alive connection turned out closed as it was
	// written (HTTP/1.1, targets.PostStream's replayable POST). It is the
	// sends (connections got for it) less the responses that came, so a
	// followed redirect is not counted. The attempt's times, from SentNS,
	// include the failed sends and the waits between them. 0 (absent) when
	// it was sent once, or when the target does not say (an SDK's client).
	Resent int `json:"resent,omitempty"`
	// Server is the server's own account of the request's time (Groq
	// x_groq, Ollama durations, llama.cpp timings), beside the client's.
	Server *ServerTiming `json:"server,omitempty"`
	// Retried marks a failed attempt that was sent again: it is counted
	// apart, not as a failure of the request.
	Retried bool `json:"retried,omitempty"`
	// ChunksCoalesced counts the token-bearing events past MaxChunks that
	// were added to the last Chunks entry instead of getting their own:
	// token counts, E2E and TPOT stay exact, per-event ITL detail of the
	// tail is lost. 0 for any stream under a million events.
	ChunksCoalesced int64 `json:"chunks_coalesced,omitempty"`
	// UsageDecreased marks a stream whose server's cumulative output
	// count (a continuous usage, llama.cpp's predicted_n, Gemini's
	// usageMetadata) went down from one event to a later one, which no
	// generation does (a token generated is not taken back): the
	// per-event counts taken from its increases (Chunks) are not to be
	// trusted, and a reader drops them (BoundOutputTokens). false
	// (absent) when it never went down or the server gave no such count.
	UsageDecreased bool `json:"usage_decreased,omitempty"`
	// Session identifies the multi-turn session the request belongs to
	// (unique within the run); Turn is its turn in that session, from 1.
	// Both are 0 for a single-turn request (no --turns).
	Session uint64 `json:"session,omitempty"`
	Turn    int    `json:"turn,omitempty"`
	// PrefixGroup is the shared prefix the prompt started with, numbered
	// from 1 (--shared-prefix-tokens, --prefix-groups); 0 (absent) when the
	// prompt had none.
	PrefixGroup int `json:"prefix_group,omitempty"`
}

// MaxChunks is the most Chunks entries a record keeps. An entry is at most
// 42 bytes of JSON, so a record stays well under MaxRecordLine (64 MiB)
// however long the stream (max tokens can be asked up to 2^24): the writer
// and the reader agree on every record the harness writes.
const MaxChunks = 1 << 20

// Stage is the part of a run a request belongs to.
type Stage string

// The stages of a run. Only StageMeasure counts in metrics.
const (
	StageWarmup   Stage = "warmup"
	StageMeasure  Stage = "measure"
	StageCooldown Stage = "cooldown"
	// StageProbe is the request an auto start spread sends alone before a
	// closed-loop level to time it (loadgen.AutoSpread); never measured.
	StageProbe Stage = "probe"
)

// TokenSource says where a token count came from.
type TokenSource string

const (
	// SourceServer: the server's usage report.
	SourceServer TokenSource = "server"
	// SourceCounted: counted from the stream's token-bearing events.
	SourceCounted TokenSource = "counted"
	// SourceEstimated: estimated without the server: a word count taken as
	// the token count, a calibrated word count (--prompt-sizing's
	// calibrated and estimated), a dataset's length, a session turn's
	// conversation so far.
	SourceEstimated TokenSource = "estimated"
	// SourceSized (input only): the prompt's length as the run's prompt
	// sizing built and counted it, by the server's tokenize endpoint or a
	// local tokenizer.json (--prompt-sizing server-tokenize or tokenizer):
	// exact for the prompt's text, special tokens the server adds to it
	// included, but not a chat template's tokens around it. It stands where
	// the server reported no prompt_tokens (a failed request, a server
	// that reports no usage); a prompt whose exact build failed during the
	// load is estimated.
	SourceSized TokenSource = "sized"
	// SourceEvents (output only): the server reported fewer output tokens
	// than its stream had token-bearing events, a count that is provably
	// wrong (an event carrying text carries at least one new token); the
	// count is the events', a lower bound of the truth (BoundOutputTokens).
	// It is a bounded record's, as a reader bounds it: requests.jsonl
	// keeps the server's count.
	SourceEvents TokenSource = "events"
)

// TokenSources lists every token source a record is written with. A
// reader takes any other value as it is (a newer writer's). SourceEvents
// is not among them: it is the source of a count bounded as it is read
// (BoundOutputTokens), which no writer writes.
func TokenSources() []TokenSource {
	return []TokenSource{SourceServer, SourceCounted, SourceEstimated, SourceSized}
}

// MaxTokensPerEvent is the most output tokens a server's count may give
// each token-bearing event of a request's stream before a report warns
// (OutputBound.Many). Several tokens to an event is legitimate: speculative
// decoding accepts up to its draft length and one more at a step (vLLM's
// num_speculative_tokens and EAGLE's are set from 1 to about 10), a
// server's stream interval sends that many steps' tokens at once (vLLM's
// and SGLang's --stream-interval, 1 by default), and reasoning tokens a
// hosted model counts but does not stream add to them. Past 16 a server
// doing neither says more tokens than it streamed, and every token rate
// of the run rests on its word: 5 events and 5,000 tokens read 94,000
// output tokens/s and a TPOT of 0.00 ms. The count is kept (it may be
// true), the level warns.
const MaxTokensPerEvent = 16

// An OutputBound is how a record's output-token count stands against its
// stream (BoundOutputTokens).
type OutputBound struct {
	// Events is the record's token-bearing events: its Chunks entries and
	// those coalesced into the last one (ChunksCoalesced).
	Events int64
	// Below is the server's output count when it was below Events and the
	// record's count became Events (SourceEvents); 0 when it was not.
	Below int
	// Dropped says the per-event counts the server gave (a cumulative
	// usage's increases, Chunk.Tokens) were dropped: each event counts 1,
	// as for a server that gives none. They are when they sum past the
	// server's final count (a cumulative usage that went down and up
	// again, or whose last value is above the final one, does this), and
	// when the cumulative count went down (Decreased) wherever they sum.
	Dropped bool
	// SumOver says the per-event counts summed past the server's final
	// count (dropped for it: Dropped).
	SumOver bool
	// Decreased says the server's cumulative output count went down
	// during the stream (Record.UsageDecreased), which no generation
	// does: its per-event counts are dropped where any was past one.
	Decreased bool
}

// PerEvent returns the record's output tokens per token-bearing event,
// 0 when it had none.
func (b OutputBound) PerEvent(r *Record) float64 { return b.PerEventOf(r.OutputTokens) }

// PerEventOf returns out output tokens per token-bearing event, 0 when
// there was none.
func (b OutputBound) PerEventOf(out int) float64 {
	if b.Events == 0 {
		return 0
	}
	return float64(out) / float64(b.Events)
}

// Many reports whether r's output tokens are more than MaxTokensPerEvent
// for each of its token-bearing events, by the server's count.
func (b OutputBound) Many(r *Record) bool {
	return r.OutputTokensSource == SourceServer && b.ManyOf(r.OutputTokens)
}

// ManyOf reports whether out, a server's output count, is more than
// MaxTokensPerEvent for each token-bearing event.
func (b OutputBound) ManyOf(out int) bool {
	return b.Events > 0 && int64(out) > MaxTokensPerEvent*b.Events
}

// BoundCounts is the rule of BoundOutputTokens on a stream's counts, the
// one place it lives (docs/design.md, "Output tokens"): events
// token-bearing events, whose per-event counts (each at least 1, as a
// record's Chunks hold them) sum to sum, out the server's output count
// (none: 0), and decreased whether the cumulative count those per-event
// counts came from went down (Record.UsageDecreased). The server's count
// is taken on purpose over the events' (an event may carry several
// tokens), but not below what the stream shows:
//
//   - Per-event counts that sum past the server's count, or that came
//     from a cumulative count that went down, are dropped (Dropped) where
//     any was given: they sum past one an event. Each event then counts 1.
//   - A server count below the events becomes the events' count (Below).
func BoundCounts(events, sum int64, out int, decreased bool) OutputBound {
	b := OutputBound{Events: events}
	if events == 0 || out <= 0 {
		return b // no count to judge
	}
	b.Decreased, b.SumOver = decreased, sum > int64(out)
	if !b.SumOver && !decreased {
		return b // the usual case
	}
	b.Dropped = sum > events
	if int64(out) < events {
		b.Below = out
	}
	return b
}

// BoundOutputTokens judges r's output-token count against its stream
// (BoundCounts): a server count is bounded by its record's token-bearing
// events, its Chunks entries and those coalesced into the last one
// (ChunksCoalesced: loadgen's cap, which adds each event's count to the
// last entry, so the entries' counts sum past one an event exactly when
// the server gave a count of its own).
//
//   - Dropped per-event counts (past the count, or of a cumulative count
//     that went down: UsageDecreased) become 1 an event, the last
//     entry's as many as the events it holds.
//   - A count below the events becomes the events' count, SourceEvents.
//
// It returns r itself when neither applies, else a changed copy (with its
// own Chunks when they changed): r is never modified. A record whose
// count is not the server's (a bounded one among them) is not judged.
func (r *Record) BoundOutputTokens() (*Record, OutputBound) {
	events := int64(len(r.Chunks)) + max(r.ChunksCoalesced, 0)
	if r.OutputTokensSource != SourceServer || events == 0 {
		return r, OutputBound{Events: events}
	}
	var sum int64
	for _, c := range r.Chunks {
		sum += max(c[1], 1)
	}
	b := BoundCounts(events, sum, r.OutputTokens, r.UsageDecreased)
	if !b.Dropped && b.Below == 0 {
		return r, b // one pass, nothing allocated
	}
	c := *r
	if b.Dropped {
		last := len(r.Chunks) - 1
		c.Chunks = make([][2]int64, len(r.Chunks))
		for i, ch := range r.Chunks {
			c.Chunks[i] = [2]int64{ch[0], 1}
		}
		c.Chunks[last][1] = events - int64(last)
	}
	if b.Below > 0 {
		c.OutputTokens, c.OutputTokensSource = int(events), SourceEvents
	}
	return &c, b
}

// ServerTiming is what a server reported about its own handling of one
// request (record "server"). Every field is optional: zero means the server
// did not report it. It mirrors targets.ServerTiming field for field, so the
// load generator converts one into the other; it is declared again here
// because the run directory imports no network package.
type ServerTiming struct {
	// Queue is the time the request waited before the server started on it.
	Queue time.Duration `json:"queue_ns,omitempty"`
	// Load is the time spent loading the model for this request.
	Load time.Duration `json:"load_ns,omitempty"`
	// Prompt is the time spent processing the prompt (prefill).
	Prompt time.Duration `json:"prompt_ns,omitempty"`
	// Decode is the time spent generating the output tokens.
	Decode time.Duration `json:"decode_ns,omitempty"`
	// Total is the server's end-to-end time for the request.
	Total time.Duration `json:"total_ns,omitempty"`
	// TTFT is the server's own time to first token, when it reports one.
	TTFT time.Duration `json:"ttft_ns,omitempty"`
}

// ErrorClass says why a request failed. The zero value means it did not.
type ErrorClass string

// The error classes (docs/design.md). loadgen.Classify is the one place an
// error becomes one of them.
const (
	// RateLimited: HTTP 429, or an in-stream error that says so.
	RateLimited ErrorClass = "rate_limited"
	// HTTP4xx: any other 4xx answer (bad request, auth, not found), or a
	// redirect refused (targets.CheckRedirect: to another origin, or one
	// that would resend the request without its body).
	HTTP4xx ErrorClass = "http_4xx"
	// HTTP5xx: a 5xx answer (server error, overloaded, unavailable).
	HTTP5xx ErrorClass = "http_5xx"
	// StreamErr: an error event inside a stream that began with 200.
	StreamErr ErrorClass = "stream_error"
	// Timeout: the request ran past its deadline (--timeout).
	Timeout ErrorClass = "timeout"
	// Connection: the transport failed: refused, reset, TLS refused, the
	// connection closed before the response or cut mid-body; an HTTP/2
	// stream the server reset (INTERNAL_ERROR, CANCEL, REFUSED_STREAM …)
	// or whose connection it closed.
	Connection ErrorClass = "connection"
	// Protocol: the response broke its protocol (bad JSON, a stream cut
	// before its terminator, no token at all), or HTTP itself (a status
	// line, header or chunked encoding net/http cannot read, headers over
	// its bound, conflicting lengths; HTTP/2 frames that break it:
	// PROTOCOL_ERROR, FLOW_CONTROL_ERROR, FRAME_SIZE_ERROR,
	// COMPRESSION_ERROR).
	Protocol ErrorClass = "protocol"
	// Canceled: the run was stopped (Ctrl-C) while the request was in flight.
	Canceled ErrorClass = "canceled"
	// Request: the adapter could not build the request from the settings
	// (targets.RequestError: a model name the API has no place for), so
	// nothing was sent.
	Request ErrorClass = "request"
)

// ErrorClasses lists every class, in the order reports show them.
func ErrorClasses() []ErrorClass {
	return []ErrorClass{RateLimited, HTTP4xx, HTTP5xx, StreamErr, Timeout, Connection, Protocol, Canceled, Request}
}
