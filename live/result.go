package live

import (
	"encoding/json"

	"github.com/inferbench/inferbench/report"
)

// Verdict is a level's result against the SLOs.
type Verdict string

// Verdicts. VerdictNone: no latency objective was set.
const (
	VerdictNone Verdict = ""
	VerdictPass Verdict = "pass"
	VerdictFail Verdict = "fail"
)

// Result is the one-line result of a finished level. Latencies are in ms.
type Result struct {
	Level float64 `json:"level"`
	// OK and Failed count the measured requests.
	OK     int `json:"ok"`
	Failed int `json:"failed"`
	// TTFTP50 is the level's median TTFT, TTFTP95 and TPOTP95 its 95th
	// percentiles; HasTTFT and HasTPOT say whether any request defined them.
	TTFTP50 float64 `json:"ttft_p50_ms"`
	TTFTP95 float64 `json:"ttft_p95_ms"`
	TPOTP95 float64 `json:"tpot_p95_ms"`
	HasTTFT bool    `json:"has_ttft"`
	HasTPOT bool    `json:"has_tpot"`
	// TTFTThin and TPOTThin say their p95 rests on fewer samples than a
	// p95 needs (report.SmallSample), TTFTP50Thin the median (fewer than
	// 20): marked report.SmallSampleMark, as the table marks it.
	TTFTP50Thin bool `json:"ttft_p50_thin,omitempty"`
	TTFTThin    bool `json:"ttft_p95_thin,omitempty"`
	TPOTThin    bool `json:"tpot_p95_thin,omitempty"`
	// OutputTokensPerS and RequestsPerS are over the level's steady state,
	// or its measured window when it has none (report.Level's).
	OutputTokensPerS float64 `json:"output_tokens_per_s"`
	RequestsPerS     float64 `json:"requests_per_s"`
	// SLO is the verdict (report.MeetsSLO), Reasons why it failed.
	SLO     Verdict  `json:"slo"`
	Reasons []string `json:"reasons,omitempty"`
	// ClientBound is the level's client verdict, when the summary has one.
	ClientBound bool `json:"client_bound,omitempty"`
	// Resent counts the measured requests the HTTP client sent again on
	// its own (report.Level.ResentRequests, of OK + Failed): their TTFT
	// holds the failed sends.
	Resent int `json:"resent,omitempty"`
	// Note qualifies the result (e.g. an objective not judged live).
	Note string `json:"note,omitempty"`
	// Stop is why an adaptive level stopped (adaptive.go), empty otherwise.
	Stop string `json:"stop,omitempty"`
}

// MarshalJSON writes r's fields and "notes": the texts that qualify the
// result on the terminal's result line after its verdict and reasons
// ("CLIENT-BOUND", "(resent by the HTTP client: 9 of 80)", why an adaptive
// level stopped, the note), so that the live page shows what the terminal
// shows, written once. Reading it back ignores "notes".
func (r Result) MarshalJSON() ([]byte, error) {
	type fields Result // Result's fields, without this method
	var notes []string
	for _, q := range r.qualifiers() {
		notes = append(notes, q.text)
	}
	return json.Marshal(struct {
		fields
		Notes []string `json:"notes,omitempty"`
	}{fields(r), notes})
}

// ResultOf is the result line of a level's summary judged by slo: the
// values report computed, the verdict report.MeetsSLO gives.
func ResultOf(l *report.Level, slo report.SLO) Result {
	r := Result{Level: l.Level, OK: l.Requests.OK, Failed: l.Requests.Failed,
		TTFTP50: l.TTFTMS.P50, TTFTP95: l.TTFTMS.P95, TPOTP95: l.TPOTMS.P95, HasTTFT: l.TTFTMS.N > 0, HasTPOT: l.TPOTMS.N > 0,
		TTFTP50Thin: report.SmallSample(l.TTFTMS.N, 50), TTFTThin: report.SmallSample(l.TTFTMS.N, 95), TPOTThin: report.SmallSample(l.TPOTMS.N, 95),
		OutputTokensPerS: l.OutputTokensPerS, RequestsPerS: l.RequestsPerS, Resent: l.ResentRequests}
	if !slo.IsZero() {
		met, why := report.MeetsSLO(l, slo)
		r.SLO, r.Reasons = VerdictFail, why
		if met {
			r.SLO = VerdictPass
		}
	}
	if l.Client != nil {
		r.ClientBound = l.Client.Bound
	}
	return r
}
