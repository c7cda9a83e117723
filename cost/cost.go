package cost

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Throughput is what a serving box sustained, normally at its capacity at
// SLO (report.Capacity). Zero means not measured; only OutputTokensPerS is
// required.
type Throughput struct {
	OutputTokensPerS float64 `json:"output_tokens_per_s"`
	TotalTokensPerS  float64 `json:"total_tokens_per_s,omitempty"`
	RequestsPerS     float64 `json:"requests_per_s,omitempty"`
}

// Energy is the GPU energy measured over a window of a run (the NVML energy
// counter's difference, summed over the run's GPUs).
type Energy struct {
	Joules  float64 `json:"joules"`
	WindowS float64 `json:"window_s"`
}

// Price is what one GPU costs per hour, however it is had.
type Price struct {
	// GPU and Offer name the catalog entries, empty for a price given on the
	// command line.
	GPU        string    `json:"gpu,omitempty"`
	Offer      string    `json:"offer,omitempty"`
	Kind       OfferKind `json:"offer_kind,omitempty"`
	Provider   string    `json:"provider,omitempty"`
	Confidence string    `json:"confidence,omitempty"`
	Source     string    `json:"source,omitempty"`
	Date       string    `json:"date,omitempty"`
	// USDPerGPUHour is the rental price, or for owned hardware the
	// amortised capital cost, per GPU-hour, energy excluded.
	USDPerGPUHour float64 `json:"usd_per_gpu_hour"`
	// WattsPerGPU, PUE and USDPerKWh price the electricity of owned
	// hardware; zero for a rented GPU (the rent includes power).
	WattsPerGPU float64 `json:"watts_per_gpu,omitempty"`
	PUE         float64 `json:"pue,omitempty"`
	USDPerKWh   float64 `json:"usd_per_kwh,omitempty"`
}

// PriceOf returns the hourly price of offer o of GPU g. For an owned offer
// the capital cost is amortised (OwnedUSDPerGPUHour) and the power terms are
// kept to price energy; its draw is the offer's watts, else the GPU's TDP.
func PriceOf(g *GPU, o *Offer) Price {
	p := Price{GPU: g.ID, Offer: o.ID, Kind: o.Kind, Provider: o.Provider, Confidence: o.Confidence, Source: o.Source, Date: o.Date, USDPerGPUHour: o.USDPerGPUHour}
	if o.Kind == Owned {
		p.USDPerGPUHour = OwnedUSDPerGPUHour(o.CapexUSDPerGPU, o.AmortizationMonths)
		p.WattsPerGPU = o.WattsPerGPU
		if p.WattsPerGPU == 0 {
			p.WattsPerGPU = g.TDPW
		}
		p.PUE, p.USDPerKWh = o.PUE, o.USDPerKWh
	}
	return p
}

// DutyCost is the cost per unit of work at one utilization of an always-on
// box.
type DutyCost struct {
	Utilization          float64 `json:"utilization"`
	USDPer1MOutputTokens float64 `json:"usd_per_1m_output_tokens"`
	USDPer1MTotalTokens  float64 `json:"usd_per_1m_total_tokens,omitempty"`
}

// Costs is what a box of GPUs costs per unit of work at a measured
// throughput. JSON keys are snake_case and a public contract.
type Costs struct {
	Price
	GPUs int `json:"gpus"`
	// EnergyUSDPerHour is the electricity of the whole box per hour (owned
	// hardware only); EnergyBasis says where its power came from: measured
	// (energy over the run's window) or tdp (the catalog's draw: an upper
	// estimate, since TDP is not draw).
	EnergyUSDPerHour float64 `json:"energy_usd_per_hour,omitempty"`
	EnergyBasis      string  `json:"energy_basis,omitempty"`
	AverageW         float64 `json:"average_w,omitempty"`
	// USDPerHour is the whole box per hour, energy included;
	// USDPerMonth is that always on (730 h).
	USDPerHour  float64 `json:"usd_per_hour"`
	USDPerMonth float64 `json:"usd_per_month"`
	Throughput
	USDPer1MOutputTokens float64 `json:"usd_per_1m_output_tokens"`
	USDPer1MTotalTokens  float64 `json:"usd_per_1m_total_tokens,omitempty"`
	USDPerRequest        float64 `json:"usd_per_request,omitempty"`
	USDPer1KRequests     float64 `json:"usd_per_1k_requests,omitempty"`
	// DutyCycle is the cost at 10, 25, 50 and 100 % utilization.
	DutyCycle []DutyCost `json:"duty_cycle"`
}

// Evaluate prices throughput tp served by gpus GPUs at price p. For owned
// hardware, energy is the measured energy of the box over a window of the
// run; nil prices the power at the catalog's draw instead.
func Evaluate(tp Throughput, gpus int, p Price, energy *Energy) (Costs, error) {
	if gpus < 1 {
		return Costs{}, fmt.Errorf("gpus must be at least 1, got %d", gpus)
	}
	if !(tp.OutputTokensPerS > 0) {
		return Costs{}, errors.New("output tokens per second must be positive: nothing was served")
	}
	if !(p.USDPerGPUHour >= 0) || math.IsInf(p.USDPerGPUHour, 0) {
		return Costs{}, fmt.Errorf("usd per gpu-hour must be a finite amount, not negative, got %v", p.USDPerGPUHour)
	}
	c := Costs{Price: p, GPUs: gpus, Throughput: tp}
	hourly := float64(gpus) * p.USDPerGPUHour
	if p.PUE > 0 {
		switch {
		case energy != nil && energy.WindowS > 0:
			c.AverageW = AverageWatts(energy.Joules, energy.WindowS)
			c.EnergyBasis = "measured"
		default:
			c.AverageW = float64(gpus) * p.WattsPerGPU
			c.EnergyBasis = "tdp"
		}
		c.EnergyUSDPerHour = EnergyUSDPerHour(c.AverageW, p.PUE, p.USDPerKWh)
		hourly += c.EnergyUSDPerHour
	}
	c.USDPerHour = hourly
	c.USDPerMonth = hourly * HoursPerMonth
	c.USDPer1MOutputTokens = USDPer1MTokens(hourly, tp.OutputTokensPerS)
	c.USDPer1MTotalTokens = USDPer1MTokens(hourly, tp.TotalTokensPerS)
	c.USDPerRequest = USDPerRequest(hourly, tp.RequestsPerS)
	c.USDPer1KRequests = c.USDPerRequest * 1000
	// A rate so small (1e-320 tokens/s) that its price per unit overflows:
	// a cost of +Inf shows as "-" and cannot be written as JSON.
	for _, v := range []float64{c.USDPerMonth, c.USDPer1MOutputTokens, c.USDPer1MTotalTokens, c.USDPer1KRequests} {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return Costs{}, fmt.Errorf("throughput too small to price (%v output tokens/s, %v total, %v requests/s): the cost per unit passes what a number holds",
				tp.OutputTokensPerS, tp.TotalTokensPerS, tp.RequestsPerS)
		}
	}
	for _, u := range DutyCycles {
		c.DutyCycle = append(c.DutyCycle, DutyCost{
			Utilization:          u,
			USDPer1MOutputTokens: AtDutyCycle(c.USDPer1MOutputTokens, u),
			USDPer1MTotalTokens:  AtDutyCycle(c.USDPer1MTotalTokens, u),
		})
	}
	return c, nil
}

// CostsTable lays out cost rows, one per GPU offer, for people, with a note
// under it tracing each row's price to its source (priceSourceNote).
func CostsTable(title string, rows []Costs, notes []string) *Table {
	t := &Table{Title: title, Notes: notes, Columns: []string{
		"gpu", "offer", "kind", "gpus", "$/gpu-h", "$/h", "$/month",
		"$/1M out", "$/1M total", "$/1k req", "$/1M out @50%", "@25%", "@10%",
	}}
	for _, c := range rows {
		offer := c.Offer
		if c.Confidence == "low" {
			offer += " (low confidence)"
		}
		if n := priceSourceNote(c); n != "" {
			t.Notes = append(t.Notes, "price: "+n)
		}
		if c.EnergyBasis != "" {
			offer += " +energy(" + c.EnergyBasis + ")"
			// $/gpu-h is the offer's price; $/h adds the box's power, so
			// the two differ for owned hardware at one GPU: say by what.
			t.Notes = append(t.Notes, energyNote(c))
		}
		duty := map[float64]float64{}
		for _, d := range c.DutyCycle {
			duty[d.Utilization] = d.USDPer1MOutputTokens
		}
		t.Rows = append(t.Rows, []string{
			dash(c.GPU), dash(offer), dash(string(c.Kind)), fmt.Sprint(c.GPUs), USD(c.USDPerGPUHour), USD(c.USDPerHour), USD(c.USDPerMonth),
			USD(c.USDPer1MOutputTokens), USD(c.USDPer1MTotalTokens), USD(c.USDPer1KRequests),
			USD(duty[0.5]), USD(duty[0.25]), USD(duty[0.1]),
		})
	}
	return t
}

// priceSourceNote traces a row's $/GPU-hour to where it came from: the
// offer, its exact price (the tables round it to three decimals), its
// source and date ("a100-80gb aws-p4de-od: $3.4309/GPU-hour, from …,
// 2026-11-09"); "" for a price given on the command line.
func priceSourceNote(c Costs) string {
	if c.Offer == "" {
		return ""
	}
	src := strings.TrimSpace(c.Source)
	if src == "" {
		src = "no source given"
	}
	return fmt.Sprintf("%s %s: $%s/GPU-hour, from %s, %s", c.GPU, c.Offer, exact(c.USDPerGPUHour), src, cmp.Or(c.Date, "undated"))
}

// exact writes a price to six significant digits, without an exponent and
// without the float noise of a derived price (3.4309 × 0.64 = 2.19578).
func exact(v float64) string {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 6, 64), 64)
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// energyNote says what an owned row's $/h adds to its GPUs' price: the
// electricity, from the power it is priced at.
func energyNote(c Costs) string {
	from := "at the catalog's draw"
	if c.EnergyBasis == "measured" {
		from = "measured"
	}
	gpus := "1 GPU"
	if c.GPUs != 1 {
		gpus = fmt.Sprintf("%d GPUs", c.GPUs)
	}
	return fmt.Sprintf("%s %s: $/h is $/gpu-h × %s + electricity %s/h (%.0f W %s × PUE %.2f, $%s/kWh)",
		c.GPU, c.Offer, gpus, USD(c.EnergyUSDPerHour), c.AverageW, from, c.PUE, strconv.FormatFloat(c.USDPerKWh, 'f', -1, 64))
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
