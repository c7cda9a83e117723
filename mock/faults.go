package mock

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/inferbench/inferbench/internal/tick"
)

// FaultKind names one kind of injected fault.
type FaultKind string

// The fault kinds. The first three answer before streaming with the
// protocol's own error body; slow-headers delays the response headers; the
// rest act after Config.FaultAfterTokens tokens of a streamed response.
const (
	// Fault429 answers 429 with Retry-After.
	Fault429 FaultKind = "429"
	// Fault500 answers 500.
	Fault500 FaultKind = "500"
	// Fault503 answers 503 with Retry-After.
	Fault503 FaultKind = "503"
	// FaultSlowHeaders waits FaultDuration before sending the headers.
	FaultSlowHeaders FaultKind = "slow-headers"
	// FaultErrorEvent sends the protocol's in-stream error event and ends.
	FaultErrorEvent FaultKind = "error-event"
	// FaultDisconnect drops the connection without finishing the response.
	FaultDisconnect FaultKind = "disconnect"
	// FaultStall stops sending for FaultDuration, then goes on.
	FaultStall FaultKind = "stall"
	// FaultMalformed sends one event whose JSON is cut short, then goes on.
	FaultMalformed FaultKind = "malformed"
	// FaultOversized pads one token event past 1 MiB on a single line.
	FaultOversized FaultKind = "oversized"
)

// FaultKinds lists every fault kind, in the order rates are drawn.
func FaultKinds() []FaultKind {
	return []FaultKind{Fault429, Fault500, Fault503, FaultSlowHeaders, FaultErrorEvent, FaultDisconnect, FaultStall, FaultMalformed, FaultOversized}
}

// FaultHeader is the request header that aims a fault at one request:
// "KIND[; after=N][; for=DURATION][; retry-after=DURATION]", e.g.
// "stall; after=5; for=2s". "none" disables random faults for the request.
const FaultHeader = "X-Mock-Fault"

// FaultRates maps a fault kind to the probability (0..1) that a request
// gets it. Rates must sum to at most 1; one uniform draw per request picks
// at most one fault.
type FaultRates map[FaultKind]float64

// Validate checks kinds and rates.
func (fr FaultRates) Validate() error {
	sum := 0.0
	for k, r := range fr {
		if !slices.Contains(FaultKinds(), k) {
			return fmt.Errorf("unknown fault kind %q (known: %s)", k, joinKinds())
		}
		if math.IsNaN(r) || r < 0 || r > 1 {
			return fmt.Errorf("fault rate %s=%v is outside [0, 1]", k, r)
		}
		sum += r
	}
	if sum > 1+1e-9 {
		return fmt.Errorf("fault rates sum to %v, more than 1", sum)
	}
	return nil
}

func joinKinds() string {
	var s []string
	for _, k := range FaultKinds() {
		s = append(s, string(k))
	}
	return strings.Join(s, ", ")
}

// ParseFaultRates parses "KIND=RATE[,KIND=RATE…]", e.g. "429=0.05,stall=0.01".
func ParseFaultRates(s string) (FaultRates, error) {
	fr := FaultRates{}
	if strings.TrimSpace(s) == "" {
		return fr, nil
	}
	for part := range strings.SplitSeq(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, fmt.Errorf("fault rate %q: want KIND=RATE", part)
		}
		r, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, fmt.Errorf("fault rate %q: %v", part, err)
		}
		fr[FaultKind(k)] += r
	}
	if err := fr.Validate(); err != nil {
		return nil, err
	}
	return fr, nil
}

// fault is the fault chosen for one request; kind "" is none.
type fault struct {
	kind       FaultKind
	after      int
	duration   time.Duration
	retryAfter time.Duration
}

// midStream reports whether the fault acts inside a streamed response.
func (f fault) midStream() bool {
	switch f.kind {
	case FaultErrorEvent, FaultDisconnect, FaultStall, FaultMalformed, FaultOversized:
		return true
	}
	return false
}

// faultRNG draws random faults; guarded by Server.faultMu.
type faultRNG struct{ r *rand.Rand }

func newFaultRNG(seed int64) faultRNG {
	return faultRNG{r: rand.New(rand.NewPCG(uint64(seed)^0x5eed, uint64(seed)))}
}

// pickFault returns the fault for request r: the one its FaultHeader names,
// else one drawn from the configured rates.
func (s *Server) pickFault(r *http.Request) (fault, error) {
	f := fault{after: s.cfg.FaultAfterTokens, duration: s.cfg.FaultDuration, retryAfter: s.cfg.RetryAfter}
	if h := r.Header.Get(FaultHeader); h != "" {
		return parseFaultHeader(h, f)
	}
	if len(s.cfg.Faults) == 0 {
		return f, nil
	}
	s.faultMu.Lock()
	u := s.faultRNG.r.Float64()
	s.faultMu.Unlock()
	acc := 0.0
	for _, k := range FaultKinds() {
		acc += s.cfg.Faults[k]
		if u < acc {
			f.kind = k
			return f, nil
		}
	}
	return f, nil
}

// An errorWriter answers a request with one protocol's error body
// (protocol.writeError).
type errorWriter func(w http.ResponseWriter, status int, msg string, retryAfter time.Duration)

// preResponseFault picks r's fault and acts out the kinds that come before
// any response: 429, 500 and 503 answered with writeError's body (the
// first and last with Retry-After, set here for every protocol), and
// slow-headers' wait; an unreadable fault header is answered 400. It
// reports whether the request goes on to its response, with the fault for
// the mid-stream kinds. tooMany and unavailable are the 429's and the
// 503's messages, in the service's words.
func (s *Server) preResponseFault(w http.ResponseWriter, r *http.Request, writeError errorWriter, tooMany, unavailable string) (fault, bool) {
	f, err := s.pickFault(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error(), 0)
		return f, false
	}
	answer := func(status int, msg string, retryAfter time.Duration) (fault, bool) {
		setRetryAfter(w.Header(), retryAfter)
		writeError(w, status, msg, retryAfter)
		return f, false
	}
	switch f.kind {
	case Fault429:
		return answer(http.StatusTooManyRequests, tooMany, f.retryAfter)
	case Fault500:
		return answer(http.StatusInternalServerError, "mock: internal server error (injected fault)", 0)
	case Fault503:
		return answer(http.StatusServiceUnavailable, unavailable, f.retryAfter)
	case FaultSlowHeaders:
		return f, tick.Sleep(r.Context(), f.duration)
	}
	return f, true
}

// parseFaultHeader parses an X-Mock-Fault value over the defaults in f.
func parseFaultHeader(h string, f fault) (fault, error) {
	parts := strings.Split(h, ";")
	kind := FaultKind(strings.TrimSpace(parts[0]))
	if kind == "none" {
		return f, nil
	}
	if !slices.Contains(FaultKinds(), kind) {
		return f, fmt.Errorf("%s: unknown fault kind %q (known: %s)", FaultHeader, kind, joinKinds())
	}
	f.kind = kind
	for _, p := range parts[1:] {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok {
			return f, fmt.Errorf("%s: parameter %q: want NAME=VALUE", FaultHeader, p)
		}
		var err error
		switch k {
		case "after":
			f.after, err = strconv.Atoi(v)
			if err == nil && f.after < 0 {
				err = errors.New("negative")
			}
		case "for":
			f.duration, err = parseNonNegDuration(v)
		case "retry-after":
			f.retryAfter, err = parseNonNegDuration(v)
		default:
			err = errors.New("unknown parameter")
		}
		if err != nil {
			return f, fmt.Errorf("%s: parameter %q: %v", FaultHeader, p, err)
		}
	}
	return f, nil
}

func parseNonNegDuration(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err == nil && d < 0 {
		err = errors.New("negative")
	}
	return d, err
}

// statusNames names an error by its HTTP status, in one protocol's words.
type statusNames struct {
	byStatus map[int]string
	other    string // the name of any other status
}

// of returns status's name.
func (n statusNames) of(status int) string {
	if name, ok := n.byStatus[status]; ok {
		return name
	}
	return n.other
}

// setRetryAfter sets Retry-After when d is positive.
func setRetryAfter(h http.Header, d time.Duration) {
	if d > 0 {
		h.Set("Retry-After", retrySeconds(d))
	}
}

// retrySeconds is d in whole seconds, rounded up (RFC 9110 delay-seconds):
// Retry-After's value, and the wait of a body that carries it too.
func retrySeconds(d time.Duration) string {
	return strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10)
}
