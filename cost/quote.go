package cost

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/inferbench/inferbench/internal/printable"
)

// A QuoteRequest asks for the cost of a measured throughput on catalog GPU
// offers (the cost command).
type QuoteRequest struct {
	// Throughput is what was measured; Basis says where it came from
	// ("capacity at SLO (level 16)", "throughput given on the command line").
	Throughput Throughput
	Basis      string
	// Energy is the GPUs' measured energy over the window, nil if unknown.
	// EnergyFromRun says it is the run's own reading (not given on the
	// command line): a draw measured on the run's GPU, which prices no
	// other GPU's electricity.
	Energy        *Energy
	EnergyFromRun bool
	// GPU is a catalog GPU id; "" takes RunGPUNames' first name (the GPU
	// that ran it, by its nvidia-smi name), else every catalog GPU.
	GPU          string
	RunGPUNames  []string
	RunGPUStated string
	// GPUs serve the throughput; 0 takes the run's count, else 1.
	GPUs int
	// Offer is an offer id or kind; "" prices every offer.
	Offer string
	// USDPerGPUHour, when set, replaces the catalog.
	USDPerGPUHour float64
}

// A Quote is the priced rows and what the reader must know about them.
type Quote struct {
	RunDir string `json:"run_dir,omitempty"`
	// Basis says which throughput was priced.
	Basis      string     `json:"basis"`
	Level      *float64   `json:"level,omitempty"`
	Throughput Throughput `json:"throughput"`
	Energy     *Energy    `json:"energy,omitempty"`
	Rows       []Costs    `json:"rows"`
	Notes      []string   `json:"notes"`
	// Simulated says the run priced was simulated (RunLevel.Simulated).
	Simulated bool `json:"simulated,omitempty"`
	// Incomplete says the run priced did not complete (RunLevel.Incomplete).
	Incomplete string `json:"incomplete,omitempty"`
}

// ErrQuote marks a request the catalog cannot answer as asked (an unknown
// GPU or offer): the caller's input is wrong.
var ErrQuote = errors.New("cost")

// quoteError is an error of ErrQuote's kind whose message is its own: the
// command's name leads the line ("inferbench: …"), not the package's.
type quoteError struct{ err error }

func (e *quoteError) Error() string        { return e.err.Error() }
func (e *quoteError) Unwrap() error        { return e.err }
func (e *quoteError) Is(target error) bool { return target == ErrQuote }

// quoteErrorf is fmt.Errorf as an ErrQuote.
func quoteErrorf(format string, args ...any) error {
	return &quoteError{err: fmt.Errorf(format, args...)}
}

// Quote prices q on the catalog: every offer of the chosen GPUs (or the one
// offer asked for), each row with its offer kind, provider and source.
func (c *Catalog) Quote(q QuoteRequest) (*Quote, error) {
	out := &Quote{Basis: q.Basis, Throughput: q.Throughput, Energy: q.Energy, Rows: []Costs{}, Notes: []string{}}
	gpus := q.GPUs
	rg, err := c.ResolveRunGPU(q.RunGPUStated, q.RunGPUNames)
	if err != nil {
		return nil, quoteErrorf("run.json gpu_stated: %w", err)
	}
	if gpus == 0 {
		gpus = max(1, len(q.RunGPUNames))
		if rg != nil {
			gpus = max(1, rg.Count)
		}
	}
	var gpuList []*GPU
	energy := q.Energy
	from := "--gpu " + q.GPU // how the one GPU priced was chosen
	switch {
	case q.GPU != "":
		g, err := c.flagGPU(q.GPU)
		if err != nil {
			return nil, quoteErrorf("--gpu: %w", err)
		}
		gpuList = append(gpuList, g)
	case rg != nil:
		gpuList = append(gpuList, rg.GPU)
		from = fmt.Sprintf("the run's GPU, %s (run.json, %s),", rg.GPU.ID, rg.From)
		out.Notes = append(out.Notes, fmt.Sprintf("GPU %s from run.json (%s)", rg.GPU.ID, rg.From))
		if rg.Warning != "" {
			out.Notes = append(out.Notes, "warning: "+rg.Warning)
		}
	default:
		for i := range c.GPUs {
			gpuList = append(gpuList, &c.GPUs[i])
		}
		out.Notes = append(out.Notes, "the run's GPU is not known (pass --gpu): each row prices the measured throughput at that GPU's offer; only the GPU that ran it is a measurement")
		if q.EnergyFromRun && energy != nil && energy.WindowS > 0 {
			// A 450 W RTX 4090 was priced at the 675 W a GH200 drew.
			out.Notes = append(out.Notes, fmt.Sprintf("the run measured %s W on its GPU, which is not in the catalog: each owned row prices its own GPU's draw instead (its TDP, an upper estimate, or its offer's stated draw)",
				num(energy.Joules/energy.WindowS)))
			energy = nil
		}
	}
	if len(gpuList) == 1 && len(gpuList[0].Offers) == 0 {
		return nil, quoteErrorf("%s has no offers in the catalog, so no price: pass --usd-per-gpu-hour instead of --gpu, or add an offer for it in a --prices file", from)
	}
	for _, g := range gpuList {
		var offers []*Offer
		if q.Offer != "" {
			of, err := g.Offer(q.Offer)
			if err != nil {
				if len(gpuList) == 1 {
					return nil, quoteErrorf("--offer: %w", err)
				}
				continue
			}
			offers = append(offers, of)
			var ask *OfferAsked // the long note of one GPU
			if len(gpuList) == 1 {
				ask = &OfferAsked{Offer: q.Offer, Advice: "leave --offer out for every offer, or pass --offer ID"}
			}
			if note := othersOfKind(g, of, q.Offer, ask); note != "" {
				out.Notes = append(out.Notes, note)
			}
		} else {
			for i := range g.Offers {
				offers = append(offers, &g.Offers[i])
			}
		}
		if note := energyAboveBoard(g, gpus, energy, offers); note != "" {
			out.Notes = append(out.Notes, note)
		}
		for _, of := range offers {
			row, err := Evaluate(q.Throughput, gpus, PriceOf(g, of), energy)
			if err != nil {
				return nil, fmt.Errorf("cost: %s %s: %w", g.ID, of.ID, err)
			}
			out.Rows = append(out.Rows, row)
		}
	}
	if len(out.Rows) == 0 {
		// Only every catalog GPU can leave no row: one GPU answers above.
		if q.Offer == "" {
			return nil, quoteErrorf("no catalog GPU has an offer, so no price: pass --usd-per-gpu-hour, or add offers in a --prices file")
		}
		return nil, quoteErrorf("--offer %s: no catalog GPU has an offer of that id or kind (pass --gpu ID to see one GPU's offers)", q.Offer)
	}
	return out, nil
}

// boardPowerSlack is how far above its GPUs' board power (TDP) a measured
// average may go before energyAboveBoard says so: a GPU's average stays
// under its limit, and twice it leaves room for a box's host.
const boardPowerSlack = 2

// energyAboveBoard warns, where an owned offer of g is priced with measured
// energy, that the energy's average power is more than boardPowerSlack
// times the gpus' board power: --energy-joules 1e6 over one second priced
// one H100 at a megawatt ($202.56 an hour of electricity), a kJ-for-J or
// ms-for-s slip nothing pointed at.
func energyAboveBoard(g *GPU, gpus int, energy *Energy, offers []*Offer) string {
	if energy == nil || !(energy.WindowS > 0) || g.TDPW <= 0 ||
		!slices.ContainsFunc(offers, func(o *Offer) bool { return o.Kind == Owned }) {
		return ""
	}
	w, board := energy.Joules/energy.WindowS, float64(max(gpus, 1))*g.TDPW
	if w <= boardPowerSlack*board {
		return ""
	}
	return fmt.Sprintf("warning: the energy measured is an average of %s W, %s times the %s W board power of %s: check --energy-joules and --energy-window-s (J and s)",
		num(w), num(w/board), num(board), fmt.Sprintf("%d × %s", max(gpus, 1), g.ID))
}

// othersOfKind says, when the offer priced was asked by its kind (asked)
// and g has more offers of it than the first (of), the rule that picked it
// (the first of the kind in catalog order: DefaultOffer) and the offers it
// passed over: one row of AWS's A100 at $3.431 a GPU-hour read as what
// "on-demand" costs, beside six other on-demand A100 offers from $1.39, and
// a user's own quote added with --prices ($2.00) was passed over unnamed.
// One GPU priced (ask non-nil) gets a sentence that ask leads and ends:
// the offers not used, cheapest first, an offer a --prices file added
// marked as the user's in the one list; with every GPU priced (ask nil)
// it is one shorter line per GPU.
func othersOfKind(g *GPU, of *Offer, asked string, ask *OfferAsked) string {
	if string(of.Kind) != asked {
		return "" // an offer id: that offer was asked for
	}
	others := g.Alternatives(of)
	if len(others) == 0 {
		return ""
	}
	if ask == nil {
		low := cheapest(others)
		at := fmt.Sprintf("at %s/GPU-hour (%s)", USD(low.USDPerGPUHour), low.ID)
		if len(others) > 1 {
			at = "the cheapest " + at
		}
		var mine []string
		for _, o := range others {
			if o.AddedBy != "" {
				mine = append(mine, fmt.Sprintf("%s (%s/GPU-hour, from %s: --offer %s prices it)", o.ID, USD(o.USDPerGPUHour), o.AddedBy, o.ID))
			}
		}
		yours := ""
		if len(mine) > 0 {
			yours = "; not used, though your --prices file adds it: " + strings.Join(mine, ", ")
		}
		return fmt.Sprintf("%s: %d more %s, %s%s", g.ID, len(others), printable.Plural(len(others), asked+" offer"), at, yours)
	}
	slices.SortStableFunc(others, func(a, b *Offer) int { return cmp.Compare(a.USDPerGPUHour, b.USDPerGPUHour) })
	var unused []string
	for _, o := range others {
		u := fmt.Sprintf("%s %s", o.ID, USD(o.USDPerGPUHour))
		if o.AddedBy != "" {
			u += fmt.Sprintf(" (yours, from %s: --offer %s prices it)", o.AddedBy, o.ID)
		}
		unused = append(unused, u)
	}
	s := fmt.Sprintf("%s prices %s's first %s offer in catalog order, %s (the shipped catalog lists a hyperscaler's list price first; a --prices file's new offers come after); not used, cheapest first: %s",
		ask.by(), g.ID, asked, of.ID, strings.Join(unused, ", "))
	if ask.Advice != "" {
		s += "; " + ask.Advice
	}
	return s
}

// An OfferAsked is the offer a command prices, an id or kind, with what
// the note on the other offers of its kind (othersOfKind) says of it: who
// chose it and how to price another, each command in its own words (cost
// prices every offer without --offer, crossover one offer whatever).
type OfferAsked struct {
	Offer string
	// By leads the note: "--offer on-demand", "the default offer kind,
	// on-demand,"; "" is "--offer OFFER".
	By string
	// Advice ends it: how to price another offer with the command's
	// flags; "" for none.
	Advice string
}

// by is who chose the offer, as the note says it.
func (a *OfferAsked) by() string {
	return cmp.Or(a.By, "--offer "+a.Offer)
}

// Table is the quote as a table, its basis and notes below.
func (q *Quote) Table() *Table {
	notes := append([]string{"throughput: " + q.Basis}, q.Notes...)
	return markSimulated(CostsTable("Cost per GPU offer", q.Rows, notes), q.Simulated)
}

// A GPUMonth is one catalog GPU's month (HoursPerMonth) on one offer,
// energy included for owned hardware, with the note that says so.
type GPUMonth struct {
	USD  float64
	Note string
}

// MonthOf prices one GPU-month of gpuID on ask's offer (an id or kind).
func (c *Catalog) MonthOf(gpuID string, ask OfferAsked) (GPUMonth, error) {
	offer := ask.Offer
	g, err := c.flagGPU(gpuID)
	if err != nil {
		return GPUMonth{}, quoteErrorf("--gpu: %w", err)
	}
	if len(g.Offers) == 0 {
		return GPUMonth{}, quoteErrorf("gpu %s has no offers in the catalog, so no price for its month: pass --gpu-month-usd, or add an offer for it in a --prices file", g.ID)
	}
	of, err := g.Offer(offer)
	if err != nil {
		return GPUMonth{}, quoteErrorf("--offer: %w", err)
	}
	p := PriceOf(g, of)
	energy := EnergyUSDPerHour(p.WattsPerGPU, p.PUE, p.USDPerKWh)
	perGPUHour := p.USDPerGPUHour + energy
	note := fmt.Sprintf("GPU month: %s %s (%s, %s) at %s/GPU-hour × %d h", g.ID, of.ID, of.Kind, of.Provider, USD(perGPUHour), HoursPerMonth)
	if p.PUE > 0 {
		// An owned box's electricity, always on at its offer's draw, else
		// at the GPU's TDP: an upper estimate (cost --run prices the draw
		// its run measured instead).
		draw := fmt.Sprintf("the offer's %s W", num(p.WattsPerGPU))
		if of.WattsPerGPU == 0 {
			draw = fmt.Sprintf("%s W, the GPU's TDP: an upper estimate, TDP is not draw", num(p.WattsPerGPU))
		}
		// Four decimals, so that the parts add up to the hour as written
		// ($1.475 + $0.142 read $1.617 beside its $1.616).
		note += fmt.Sprintf(": $%.4f capital + $%.4f electricity (%s; × PUE %s at $%s/kWh)",
			p.USDPerGPUHour, energy, draw, num(p.PUE), strconv.FormatFloat(p.USDPerKWh, 'g', -1, 64))
	}
	note += fmt.Sprintf(" (%s, %s)", of.Source, of.Date)
	if of.Confidence == "low" {
		note += " [low confidence]"
	}
	if others := othersOfKind(g, of, offer, &ask); others != "" {
		note += "; " + others
	}
	return GPUMonth{USD: perGPUHour * HoursPerMonth, Note: note}, nil
}

// A TokenMix is how a volume's tokens are billed by an API: the input
// tokens' share of it, and the share of those read from the provider's
// prompt cache at its cached-input price. From says where the input share
// came from: empty for the 3:1 default. Warning, when set, says the share
// given is not the one the run being priced was measured at.
type TokenMix struct {
	InputShare  float64 `json:"input_share"`
	CachedShare float64 `json:"cached_input_share,omitempty"`
	From        string  `json:"from,omitempty"`
	Warning     string  `json:"warning,omitempty"`
}

// DefaultMix is the 3:1 mix, nothing cached.
func DefaultMix() TokenMix { return TokenMix{InputShare: DefaultInputShare} }

// Price is API a's price per 1M tokens at the mix:
//
//	input price = (1 − cached) × input + cached × cached input
//	price       = share × input price + (1 − share) × output
//
// An error when a share is cached and the catalog has no cached-input
// price for a.
func (m TokenMix) Price(a API) (float64, error) {
	in := a.USDPer1MInput
	if m.CachedShare > 0 {
		if !m.Prices(a) {
			return 0, quoteErrorf("%s: the catalog has no cached-input price (give one as usd_per_1m_cached_input in --prices, or pass --api-price-per-m)", a.ID)
		}
		in = (1-m.CachedShare)*a.USDPer1MInput + m.CachedShare*a.USDPer1MCachedInput
	}
	return MixedUSDPer1M(in, a.USDPer1MOutput, m.InputShare), nil
}

// Prices reports whether the mix can price a: nothing cached, or a
// cached-input price in the catalog.
func (m TokenMix) Prices(a API) bool {
	return m.CachedShare == 0 || a.USDPer1MCachedInput > 0
}

// String says how a price was mixed: "blended 3:1", "at 80 % input
// tokens (the measured mix of RUN)", each followed by ", 50 % of input tokens
// cached" when some are.
func (m TokenMix) String() string {
	s := "blended 3:1"
	if m.From != "" {
		s = fmt.Sprintf("at %s input tokens (%s)", sharePercent(m.InputShare), m.From)
	}
	if m.CachedShare > 0 {
		s += fmt.Sprintf(", %s of input tokens cached", sharePercent(m.CachedShare))
	}
	return s
}

// sharePercent writes a share as a percent to two decimals, trailing
// zeros left off ("80 %", "79.85 %"), and to three significant digits
// under 1 % and over 99 % ("0.0123 %"): a price mixed at the share is
// recomputed from the words to within a tenth of a cent per 1M tokens
// (at GPT-4o's $2.50 and $10, 0.005 % of the share is $0.0004), where the
// whole percent it was written as read "80 %" beside a price mixed at
// 79.85 %, $4.012, that 80 % makes $4.000.
func sharePercent(v float64) string {
	p := 100 * v
	if p >= 1 && p <= 99 {
		return strconv.FormatFloat(math.Round(p*100)/100, 'f', -1, 64) + " %"
	}
	return strconv.FormatFloat(p, 'g', 3, 64) + " %"
}

// APIPrice resolves an API price per 1M tokens: pricePerM when positive,
// else the catalog model's input, cached-input and output prices at mix.
// The string says where it came from.
func (c *Catalog) APIPrice(pricePerM float64, model string, mix TokenMix) (float64, string, error) {
	if pricePerM < 0 {
		return 0, "", notPositive("--api-price-per-m", pricePerM)
	}
	if pricePerM > 0 {
		if err := within("--api-price-per-m", pricePerM, zero, maxAPIPer1M); err != nil {
			return 0, "", err
		}
		if mix.From == "--input-share" || mix.CachedShare > 0 {
			// The mix prices a catalog API's input, cached and output
			// tokens; beside a whole price it was dropped without a word.
			return 0, "", quoteErrorf("--api-price-per-m is a whole price per 1M tokens, and --input-share and --cached-input-share mix a catalog API's prices (--api-model): drop one")
		}
		return pricePerM, "--api-price-per-m", nil
	}
	a, err := c.API(model)
	if err != nil {
		return 0, "", quoteErrorf("--api-model: %w", err)
	}
	p, err := mix.Price(*a)
	if err != nil {
		return 0, "", err
	}
	return p, fmt.Sprintf("%s %s from %s", a.ID, mix, APIPrices(*a, mix.CachedShare > 0)), nil
}

// APIPrices writes an API's prices and their source: "$2.500 in / $10.00
// out per 1M (source, date)", with the cached-input price when asked.
func APIPrices(a API, cached bool) string {
	in := USD(a.USDPer1MInput) + " in"
	if cached {
		in += " (" + USD(a.USDPer1MCachedInput) + " cached)"
	}
	return fmt.Sprintf("%s / %s out per 1M (%s, %s)", in, USD(a.USDPer1MOutput), a.Source, a.Date)
}

// ResolveMix is the token mix an API is priced at. The input share: the
// one given (--input-share, 0 when not given), else the measured run's (tp,
// from the run dir), else 3:1. The cached share (--cached-input-share) is
// the share of input tokens read from the provider's prompt cache.
//
// A share given for a measured run that is not the run's own (half a
// percentage point apart is the same) is used, with a Warning: the GPUs
// are sized by the run's total tokens/s on its own workload, and another
// mix (a decode-heavy one serves fewer tokens/s) is not what they were
// measured serving.
func ResolveMix(given, cached float64, tp *Throughput, run string) (TokenMix, error) {
	if cached != 0 && !(cached > 0 && cached <= 1) {
		return TokenMix{}, quoteErrorf("--cached-input-share must be above 0 and at most 1 (the share of input tokens read from the API's prompt cache), got %v", cached)
	}
	m := DefaultMix()
	switch {
	case given != 0:
		if !(given > 0 && given < 1) {
			return TokenMix{}, quoteErrorf("--input-share must be above 0 and below 1 (the input tokens' share of the volume), got %v", given)
		}
		m = TokenMix{InputShare: given, From: "--input-share"}
		if tp == nil {
			break
		}
		if measured, ok := InputShare(tp.TotalTokensPerS, tp.OutputTokensPerS); ok && math.Abs(given-measured) >= 0.005 {
			m.Warning = fmt.Sprintf("warning: the GPUs' capacity was measured at %s input tokens (%s); the API is priced at %s (--input-share): "+
				"self-hosting is sized by the run's workload, not the stated mix; measure a run at that mix to compare like with like",
				sharePercent(measured), run, sharePercent(given))
		}
	case tp != nil:
		if s, ok := InputShare(tp.TotalTokensPerS, tp.OutputTokensPerS); ok {
			m = TokenMix{InputShare: s, From: "the measured mix of " + run}
		}
	}
	m.CachedShare = cached
	return m, nil
}

// DailyTokens resolves a volume: tokens per day, or requests per day ×
// tokens per request.
func DailyTokens(tokensPerDay, requestsPerDay, tokensPerRequest float64) (float64, error) {
	switch {
	case tokensPerDay != 0 && (requestsPerDay != 0 || tokensPerRequest != 0):
		return 0, quoteErrorf("pass --tokens-per-day or --requests-per-day with --tokens-per-request, not both")
	case tokensPerDay < 0 || requestsPerDay < 0 || tokensPerRequest < 0:
		for _, v := range []struct {
			flag string
			v    float64
		}{{"--tokens-per-day", tokensPerDay}, {"--requests-per-day", requestsPerDay}, {"--tokens-per-request", tokensPerRequest}} {
			if v.v < 0 {
				return 0, notPositive(v.flag, v.v)
			}
		}
	case tokensPerDay > 0, requestsPerDay > 0 && tokensPerRequest > 0:
		if err := checkDaily(tokensPerDay, requestsPerDay, tokensPerRequest); err != nil {
			return 0, err
		}
		if tokensPerDay > 0 {
			return tokensPerDay, nil
		}
		return requestsPerDay * tokensPerRequest, nil
	}
	return 0, quoteErrorf("pass --tokens-per-day N, or --requests-per-day and --tokens-per-request")
}
