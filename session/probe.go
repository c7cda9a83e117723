package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
)

// ProbeMaxTokens is the output cap of the probe's one request.
const ProbeMaxTokens = 8

// probePrompt is the probe's prompt: short, and answered in a few tokens by
// any chat or completion model.
const probePrompt = "Say hello."

// ProbeResult is what the probe's one request showed.
type ProbeResult struct {
	// Events is the number of events the stream delivered; TokenEvents
	// those that carried a token, Counted their tokens (Chunk.Tokens or 1)
	// as the server gave them (a run may drop them: tokens).
	Events, TokenEvents, Counted int
	// TTFT is the time from sending to the first token event; Total to the
	// end of the stream.
	TTFT, Total time.Duration
	// Usage is the server's final usage, nil if it reported none.
	Usage *targets.Usage
	// DroppedOutput is the output count the server reported that no
	// stream has (negative, or past loadgen's bound), dropped as a run
	// drops it; 0 when none was.
	DroppedOutput int
	// Server is the server's own timing, nil if it reported none.
	Server       *targets.ServerTiming
	FinishReason string
	// Model is the model the response named, "" when it named none
	// (targets.Final.Model).
	Model string
	// Bound is how the server's output count stands against the stream,
	// judged as a report judges a record (rundir.BoundCounts); zero when
	// the server reported none.
	Bound rundir.OutputBound
}

// tokens is the stream's tokens as a run counts them: Counted, or one an
// event where the server's final count dropped the per-event counts.
func (r *ProbeResult) tokens() int {
	if r.Bound.Dropped {
		return r.TokenEvents
	}
	return r.Counted
}

// UsageReported reports whether the server gave an output token count, so
// that a run's output tokens will be the server's, not counted from events.
func (r *ProbeResult) UsageReported() bool { return r.Usage != nil && r.Usage.CompletionTokens > 0 }

// PastMaxTokens returns the output tokens the probe got (the server's count
// when it reported one a run's table does not doubt: countSuspect; else
// the stream's, tokens) and whether they exceed ProbeMaxTokens, the cap it
// asked for: the server ignored the cap, so a run would do other work than
// its scenario asks.
func (r *ProbeResult) PastMaxTokens() (int, bool) {
	n := r.tokens()
	if r.UsageReported() && !r.countSuspect() {
		n = max(n, r.Usage.CompletionTokens)
	}
	return n, n > ProbeMaxTokens
}

// Probe sends one short streaming request to target and says what came
// back. Its error is one line saying what is wrong, for a person: the
// endpoint is unreachable, the key was rejected, the model or endpoint does
// not exist, the answer is not a stream, or the stream carried no token. A
// run calls it first, so that a wrong key stops it with that line instead
// of hundreds of failed records. What the server wrote that the verdict
// shows (its error, its content type, the model it names) has redact's
// credentials removed, as a record's error has: a hostile server can echo
// the key anywhere.
func Probe(ctx context.Context, target targets.Target, model string, redact targets.Redactor) (*ProbeResult, error) {
	res := &ProbeResult{}
	start := time.Now()
	var limit time.Duration // how long the probe may wait, said if it waits that long
	if dl, ok := ctx.Deadline(); ok {
		limit = dl.Sub(start).Round(time.Millisecond)
	}
	final, err := target.Stream(ctx, targets.Request{Model: model, Prompt: probePrompt, MaxTokens: ProbeMaxTokens}, func(c targets.Chunk) {
		res.Events++
		if !c.HasToken() {
			return
		}
		if res.TokenEvents == 0 {
			res.TTFT = time.Since(start)
		}
		res.TokenEvents++
		k := loadgen.EventTokens(c.Tokens)
		res.Counted += k
	})
	res.Total = time.Since(start)
	said := 0
	if final.Usage != nil {
		said = final.Usage.CompletionTokens
	}
	loadgen.DropAbsurd(&final) // judged as a run would record it
	if final.Usage != nil && said != 0 && final.Usage.CompletionTokens == 0 {
		res.DroppedOutput = said
	}
	// The server's words are shown as the probe's verdict: made printable.
	res.Usage, res.Server = final.Usage, final.Server
	res.FinishReason, res.Model = redact.Clip(final.FinishReason), redact.Clip(final.Model)
	if res.UsageReported() {
		res.Bound = rundir.BoundCounts(int64(res.TokenEvents), int64(res.Counted), res.Usage.CompletionTokens, final.UsageDecreased)
	}
	if err != nil {
		perr := probeError(redact.Err(err), postedURL(target, model), limit, res.TokenEvents)
		if n, past := res.PastMaxTokens(); past {
			// Whatever the outcome: a stream that ran past its cap and then
			// timed out is the server ignoring the cap.
			perr = fmt.Errorf("%w; the stream had run past its max tokens (%d > %d): the server ignores the output cap", perr, n, ProbeMaxTokens)
		}
		return res, perr
	}
	if res.TokenEvents == 0 {
		return res, fmt.Errorf("probe: stream works but carried no token (%d events): check the model and the API", res.Events)
	}
	return res, nil
}

// probeError turns a Stream error into the one line probe reports; a 404
// names posted, the URL the request went to, when known; a timeout says
// how long the probe waited (limit, when its context had a deadline), and
// whether the stream had begun (tokens, its token-bearing events).
func probeError(err error, posted string, limit time.Duration, tokens int) error {
	var he *targets.HTTPError
	var se *targets.StreamError
	var pe *targets.ProtocolError
	switch {
	case errors.As(err, &he):
		what := "server error"
		switch {
		case he.Status == http.StatusUnauthorized || he.Status == http.StatusForbidden:
			what = "key rejected"
		case he.Status == http.StatusNotFound && posted != "":
			return fmt.Errorf("probe: model or endpoint not found: %w (posted to %s)", err, posted)
		case he.Status == http.StatusNotFound:
			what = "model or endpoint not found"
		case he.Status == http.StatusTooManyRequests:
			what = "rate limited"
		case he.Status < 500:
			what = "request refused"
		}
		return fmt.Errorf("probe: %s: %w", what, err)
	case errors.As(err, &se):
		return fmt.Errorf("probe: the stream began, then failed: %w", err)
	case errors.As(err, &pe):
		return fmt.Errorf("probe: not a usable stream: %w", err)
	case errors.As(err, new(*targets.RequestError)):
		return fmt.Errorf("probe: nothing sent: %w", err)
	}
	switch loadgen.Classify(err) {
	case rundir.Timeout:
		switch {
		case limit <= 0:
			return fmt.Errorf("probe: no answer in time: %w", err)
		case tokens > 0:
			return fmt.Errorf("probe: no end to the stream in %s (%d token events): %w", limit, tokens, err)
		}
		return fmt.Errorf("probe: no answer in %s: %w", limit, err)
	case rundir.Canceled:
		return err
	case rundir.Protocol: // the server answered, breaking HTTP/1.1 or HTTP/2
		return fmt.Errorf("probe: the answer broke HTTP: %w", err)
	}
	return fmt.Errorf("probe: unreachable: %w", err)
}

// postedURL is the URL target posts model's requests to, redacted, where
// the adapter says ("" otherwise): a 404 names it, so a doubled or wrong
// path shows.
func postedURL(t targets.Target, model string) string {
	switch u := t.(type) {
	case interface{ URL() string }:
		return targets.RedactURL(u.URL())
	case interface{ URL(model string) string }:
		return targets.RedactURL(u.URL(model))
	}
	return ""
}

// IsKeyRejection reports whether err is a 401 or 403 answer.
func IsKeyRejection(err error) bool {
	var he *targets.HTTPError
	return errors.As(err, &he) && (he.Status == http.StatusUnauthorized || he.Status == http.StatusForbidden)
}

// ProbeSubject is what a probe's verdict names besides its result: the
// model asked for and how the key was given.
type ProbeSubject struct {
	// Kind is the target kind probed (the output cap's advice names
	// Ollama only to the generic OpenAI kind: report.CapIgnoredWhy).
	Kind  string
	Model string
	// KeyEnv is the variable the key came from ("" when none is read);
	// KeySent whether a key was sent.
	KeyEnv  string
	KeySent bool
}

// Write writes the verdict for people, one line per question.
func (r *ProbeResult) Write(w io.Writer, o ProbeSubject) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "reachable\tyes\n")
	switch {
	case o.KeySent:
		fmt.Fprintf(tw, "key accepted\tyes ($%s)\n", o.KeyEnv)
	case o.KeyEnv != "":
		fmt.Fprintf(tw, "key accepted\tno key sent ($%s is empty); the server did not ask for one\n", o.KeyEnv)
	default:
		fmt.Fprintf(tw, "key accepted\tno key needed\n")
	}
	fmt.Fprintf(tw, "model present\t%s\n", r.ModelVerdict(o.Model))
	fmt.Fprintf(tw, "streaming works\tyes: %d events, %d with tokens, first token after %s\n",
		r.Events, r.TokenEvents, r.TTFT.Round(time.Microsecond))
	if r.UsageReported() {
		fmt.Fprintf(tw, "usage reported\t%s\n", r.usageVerdict())
	} else if r.DroppedOutput != 0 {
		fmt.Fprintf(tw, "usage reported\tno usable count: the server said %d output tokens, which no stream has (dropped): output tokens will be counted from events (%d here)\n",
			r.DroppedOutput, r.Counted)
	} else {
		fmt.Fprintf(tw, "usage reported\tno: output tokens will be counted from events (%d here)\n", r.Counted)
	}
	fmt.Fprintf(tw, "output cap\t%s\n", r.capVerdict(o.Kind))
	if s := r.Server; s != nil {
		var parts []string
		for _, p := range []struct {
			name string
			d    time.Duration
		}{{"queue", s.Queue}, {"load", s.Load}, {"prompt", s.Prompt}, {"decode", s.Decode}, {"total", s.Total}, {"ttft", s.TTFT}} {
			if p.d > 0 {
				parts = append(parts, fmt.Sprintf("%s %s", p.name, p.d.Round(time.Microsecond)))
			}
		}
		fmt.Fprintf(tw, "server timings\tyes: %s\n", strings.Join(parts, ", "))
	} else {
		fmt.Fprintf(tw, "server timings\tno\n")
	}
	tw.Flush()
}

// countSuspect reports whether the server's output count is more than
// rundir.MaxTokensPerEvent for each token-bearing event: kept by a run, and
// warned of by its table (rundir.OutputBound.ManyOf, the report's rule).
func (r *ProbeResult) countSuspect() bool {
	return r.UsageReported() && r.Bound.ManyOf(r.Usage.CompletionTokens)
}

// capVerdict is the output cap line's verdict, for kind's target. A count
// a run's table warns of (countSuspect) is not taken as a fact: whether
// the server ignores the cap is then said by the stream's tokens where
// they are past it, and in doubt where they are not.
func (r *ProbeResult) capVerdict(kind string) string {
	n, past := r.PastMaxTokens() // the stream's tokens where the count is suspect
	if !r.countSuspect() {
		if past {
			return fmt.Sprintf("NO: asked for %d, got %d: the server ignores the output cap%s, so a run would do other work than its scenario", ProbeMaxTokens, n, report.CapIgnoredWhy(kind))
		}
		return fmt.Sprintf("yes: %d of at most %d", n, ProbeMaxTokens)
	}
	u, b := r.Usage.CompletionTokens, r.Bound
	if past {
		return fmt.Sprintf("NO: asked for %d, its stream carried %d tokens (the server counted %d, %.1f per token-bearing event, more than %d, a count a run's table warns of): the server ignores the output cap%s, so a run would do other work than its scenario",
			ProbeMaxTokens, n, u, b.PerEventOf(u), rundir.MaxTokensPerEvent, report.CapIgnoredWhy(kind))
	}
	return fmt.Sprintf("unsure: asked for %d, the server counted %d, %.1f per token-bearing event (%d events), more than %d, a count a run's table warns of; its stream carried %d tokens, within the cap: if the count is right, the server ignores the output cap%s, so a run would do other work than its scenario",
		ProbeMaxTokens, u, b.PerEventOf(u), b.Events, rundir.MaxTokensPerEvent, n, report.CapIgnoredWhy(kind))
}

// usageVerdict is the usage line's verdict on a server that reported an
// output count: taken, or what its stream contradicts (Bound).
func (r *ProbeResult) usageVerdict() string {
	u, b := r.Usage, r.Bound
	var s string
	switch {
	case b.Below > 0:
		s = fmt.Sprintf("yes, but wrong: %d prompt, %d output tokens, fewer than the %d events that carried tokens (an event with text carries a token): output tokens will be the events' count (%d here), a lower bound",
			u.PromptTokens, u.CompletionTokens, b.Events, b.Events)
	case b.ManyOf(u.CompletionTokens): // the server's count, kept
		s = fmt.Sprintf("yes: %d prompt, %d output tokens, %.1f per token-bearing event (%d events), more than %d: speculative decoding, a stream interval or unstreamed reasoning tokens do this legitimately; otherwise the server's count is wrong, and so will every token rate of a run be: output tokens will be the server's count",
			u.PromptTokens, u.CompletionTokens, b.PerEventOf(u.CompletionTokens), b.Events, rundir.MaxTokensPerEvent)
	default:
		s = fmt.Sprintf("yes: %d prompt, %d output tokens: output tokens will be the server's count", u.PromptTokens, u.CompletionTokens)
	}
	past := b.Dropped && b.SumOver
	if past {
		s += fmt.Sprintf("; its per-event counts (a cumulative usage's increases) sum to %d, past its final count: each event will count one token", r.Counted)
	}
	if b.Decreased {
		s += "; its cumulative count went down during the stream, which is impossible (a token generated is not taken back)"
		if !past {
			s += ": its per-event counts (the increases) are not to be trusted, each event will count one token"
		}
	}
	return s
}

// ModelVerdict says whether the response came from the model asked for,
// judged by the model the response names: "yes" when it names that model
// (or a dated snapshot of it, "gpt-4o" answered as "gpt-4o-2024-08-06",
// or Ollama's ":latest" tag of it); "no" when it names another, as
// llama-server does, which ignores the request's model and answers as its
// own alias; "not checked" when the response names none.
func (r *ProbeResult) ModelVerdict(asked string) string {
	named := r.Model
	switch {
	case named == "":
		return fmt.Sprintf("not checked: the response names no model (%s asked)", asked)
	case sameModel(asked, named) && named == asked:
		return fmt.Sprintf("yes (%s)", asked)
	case sameModel(asked, named):
		return fmt.Sprintf("yes (%s, answered as %s)", asked, named)
	}
	return fmt.Sprintf("no: asked for %s, the response names %s (the server serves that model whatever is asked)", asked, named)
}

// sameModel reports whether a response naming named answers a request
// for asked.
func sameModel(asked, named string) bool {
	return named == asked || strings.HasPrefix(named, asked+"-") ||
		strings.TrimSuffix(named, ":latest") == strings.TrimSuffix(asked, ":latest")
}

// warnOtherModel says once, before a run, when the probe's response names
// another model than the one asked for (llama-server answers as whatever
// it loaded): the run measures that model.
func warnOtherModel(r *ProbeResult, asked string, log io.Writer) {
	if r != nil && r.Model != "" && !sameModel(asked, r.Model) {
		fmt.Fprintf(log, "inferbench: warning: asked for model %s, the response names %s (the server serves that model whatever is asked): the run measures %s\n",
			asked, r.Model, r.Model)
	}
}
