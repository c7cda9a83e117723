package cost

import (
	"errors"
	"fmt"
)

// A QuoteRequest asks for the cost of a measured throughput on catalog GPU
// offers (the cost command).
type QuoteRequest struct {
	// Throughput is what was measured; Basis says where it came from
	// ("capacity at SLO (level 16)", "throughput given on the command line").
	Throughput Throughput
	Basis      string
	// Energy is the GPUs' measured energy over the window, nil if unknown.
	Energy *Energy
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
	switch {
	case q.GPU != "":
		g, err := c.GPU(q.GPU)
		if err != nil {
			return nil, quoteErrorf("--gpu: %w", err)
		}
		gpuList = append(gpuList, g)
	case rg != nil:
		gpuList = append(gpuList, rg.GPU)
		out.Notes = append(out.Notes, fmt.Sprintf("GPU %s from run.json (%s)", rg.GPU.ID, rg.From))
		if rg.Warning != "" {
			out.Notes = append(out.Notes, "warning: "+rg.Warning)
		}
	default:
		for i := range c.GPUs {
			gpuList = append(gpuList, &c.GPUs[i])
		}
		out.Notes = append(out.Notes, "the run's GPU is not known (pass --gpu): each row prices the measured throughput at that GPU's offer; only the GPU that ran it is a measurement")
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
		} else {
			for i := range g.Offers {
				offers = append(offers, &g.Offers[i])
			}
		}
		for _, of := range offers {
			row, err := Evaluate(q.Throughput, gpus, PriceOf(g, of), q.Energy)
			if err != nil {
				return nil, fmt.Errorf("cost: %s %s: %w", g.ID, of.ID, err)
			}
			out.Rows = append(out.Rows, row)
		}
	}
	if len(out.Rows) == 0 {
		return nil, quoteErrorf("no catalog offer matches --gpu %q --offer %q", q.GPU, q.Offer)
	}
	return out, nil
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

// MonthOf prices one GPU-month of gpuID on offer (an id or kind).
func (c *Catalog) MonthOf(gpuID, offer string) (GPUMonth, error) {
	g, err := c.GPU(gpuID)
	if err != nil {
		return GPUMonth{}, quoteErrorf("--gpu: %w", err)
	}
	of, err := g.Offer(offer)
	if err != nil {
		return GPUMonth{}, quoteErrorf("--offer: %w", err)
	}
	p := PriceOf(g, of)
	perGPUHour := p.USDPerGPUHour + EnergyUSDPerHour(p.WattsPerGPU, p.PUE, p.USDPerKWh)
	note := fmt.Sprintf("GPU month: %s %s (%s, %s) at %s/GPU-hour × %d h (%s, %s)", g.ID, of.ID, of.Kind, of.Provider, USD(perGPUHour), HoursPerMonth, of.Source, of.Date)
	if of.Confidence == "low" {
		note += " [low confidence]"
	}
	return GPUMonth{USD: perGPUHour * HoursPerMonth, Note: note}, nil
}

// APIPrice resolves an API price per 1M tokens: pricePerM when positive,
// else the catalog model's 3:1 blended price (BlendedUSDPer1M). The string
// says where it came from.
func (c *Catalog) APIPrice(pricePerM float64, model string) (float64, string, error) {
	if pricePerM < 0 {
		return 0, "", quoteErrorf("--api-price-per-m must not be negative, got %v", pricePerM)
	}
	if pricePerM > 0 {
		if err := within("--api-price-per-m", pricePerM, zero, maxAPIPer1M); err != nil {
			return 0, "", err
		}
		return pricePerM, "--api-price-per-m", nil
	}
	a, err := c.API(model)
	if err != nil {
		return 0, "", quoteErrorf("--api-model: %w", err)
	}
	p := BlendedUSDPer1M(a.USDPer1MInput, a.USDPer1MOutput)
	return p, fmt.Sprintf("%s blended 3:1 from %s in / %s out per 1M (%s, %s)", a.ID, USD(a.USDPer1MInput), USD(a.USDPer1MOutput), a.Source, a.Date), nil
}

// DailyTokens resolves a volume: tokens per day, or requests per day ×
// tokens per request.
func DailyTokens(tokensPerDay, requestsPerDay, tokensPerRequest float64) (float64, error) {
	switch {
	case tokensPerDay != 0 && (requestsPerDay != 0 || tokensPerRequest != 0):
		return 0, quoteErrorf("pass --tokens-per-day or --requests-per-day with --tokens-per-request, not both")
	case tokensPerDay < 0 || requestsPerDay < 0 || tokensPerRequest < 0:
		return 0, quoteErrorf("volumes must not be negative")
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
