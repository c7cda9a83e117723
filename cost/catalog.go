package cost

import (
	"cmp"
	"embed"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/inferbench/inferbench/internal/typo"
	"github.com/inferbench/inferbench/internal/yamlguard"
)

// embedded holds the shipped catalogs. It is read-only data, not state.
//
//go:embed catalog/*.yaml
var embedded embed.FS

// embeddedFiles are the shipped catalog files, in load order.
var embeddedFiles = []string{"catalog/gpus.yaml", "catalog/apis.yaml", "catalog/models.yaml"}

// Catalog is every price and spec the cost model uses: the shipped catalogs
// merged with an optional user file. Field names are the YAML keys.
type Catalog struct {
	GPUs      []GPU      `json:"gpus"`
	Providers []Provider `json:"providers"`
	APIs      []API      `json:"apis"`
	Models    []Model    `json:"models"`
}

// GPU is one GPU product, its specs and how it can be had.
type GPU struct {
	// ID is the catalog key (h100-sxm, a100-80gb, …), as given to --gpu.
	ID   string `json:"id"`
	Name string `json:"name"`
	// SMINames are the names nvidia-smi / amd-smi report for this product,
	// used to recognise the GPU of a run.
	SMINames []string `json:"smi_names,omitempty"`
	// MemoryGB is the marketing memory size in GB; MemoryMiB the usable
	// memory in MiB (total minus reserved, where a reading was found).
	MemoryGB  float64 `json:"memory_gb"`
	MemoryMiB float64 `json:"memory_mib"`
	// BandwidthGBPerS is the peak memory bandwidth in GB/s (decimal).
	BandwidthGBPerS float64 `json:"bandwidth_gb_per_s"`
	// BF16TFLOPS is the dense BF16 tensor peak in TFLOP/s; 0 when unknown.
	BF16TFLOPS float64 `json:"bf16_tflops"`
	// TDPW is the board power limit in watts.
	TDPW float64 `json:"tdp_w"`
	// Interconnect, Cloud and Guide are prose for the GPU guide.
	Interconnect string `json:"interconnect,omitempty"`
	Cloud        string `json:"cloud,omitempty"`
	Guide        string `json:"guide,omitempty"`
	// Source and Date cite every spec number above.
	Source string `json:"source"`
	Date   string `json:"date"`
	// Offers are the ways to get this GPU, in catalog order; the first offer
	// of a kind is that kind's default.
	Offers []Offer `json:"offers"`
}

// OfferKind is how a GPU is paid for.
type OfferKind string

// Offer kinds.
const (
	OnDemand   OfferKind = "on-demand"
	Reserved1y OfferKind = "reserved-1y"
	Reserved3y OfferKind = "reserved-3y"
	Spot       OfferKind = "spot"
	Owned      OfferKind = "owned"
)

var offerKinds = []OfferKind{OnDemand, Reserved1y, Reserved3y, Spot, Owned}

// Offer is one price for one GPU. A rented offer has USDPerGPUHour, or
// BaseOffer and Multiplier (priced as that offer's price times Multiplier);
// an owned offer has capex, amortisation and power terms.
type Offer struct {
	ID       string    `json:"id"`
	Kind     OfferKind `json:"kind"`
	Provider string    `json:"provider"`
	Instance string    `json:"instance,omitempty"`
	// USDPerGPUHour is the rental price per GPU per hour in USD. For an offer
	// with a BaseOffer it is filled in when the catalog is loaded, and so is
	// Instance where it names none (the base's machine on other terms).
	USDPerGPUHour float64 `json:"usd_per_gpu_hour,omitempty"`
	BaseOffer     string  `json:"base_offer,omitempty"`
	Multiplier    float64 `json:"multiplier,omitempty"`
	// CapexUSDPerGPU is the purchase price per GPU in USD (including its
	// share of the host when the source says so), written off straight-line
	// over AmortizationMonths.
	CapexUSDPerGPU     float64 `json:"capex_usd_per_gpu,omitempty"`
	AmortizationMonths float64 `json:"amortization_months,omitempty"`
	// WattsPerGPU is the draw used when no measured energy is given; 0 means
	// the GPU's TDP.
	WattsPerGPU float64 `json:"watts_per_gpu,omitempty"`
	// USDPerKWh is the electricity price; PUE the facility's power usage
	// effectiveness (total power / IT power, ≥ 1).
	USDPerKWh float64 `json:"usd_per_kwh,omitempty"`
	PUE       float64 `json:"pue,omitempty"`
	// Confidence is "low" when the source is weak; empty otherwise.
	Confidence string `json:"confidence,omitempty"`
	Source     string `json:"source"`
	Date       string `json:"date"`
	// AddedBy names the --prices file that added this offer to the shipped
	// catalog (set on loading, never read from a file): a rule that passes
	// it over names it as the user's own.
	AddedBy string `json:"-" yaml:"-"`
}

// Provider is a company that sells inference per token, with what the
// decision framework needs to know about it. A false flag means no source
// read establishes it.
type Provider struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Kind is the deployment path it belongs to: cloud-api or
	// managed-inference.
	Kind Path `json:"kind"`
	// BAA: signs a HIPAA business associate agreement. EURegion: can keep
	// inference inside the EU. SOC2: holds a SOC 2 report.
	BAA      bool   `json:"baa"`
	EURegion bool   `json:"eu_region"`
	SOC2     bool   `json:"soc2"`
	Source   string `json:"source"`
	Date     string `json:"date"`
	// TargetKinds are the inferbench target kinds (--target) that measure
	// this provider's endpoints, so advice can say which paths a run can
	// compare.
	TargetKinds []string `json:"target_kinds,omitempty"`
}

// API is one model's price at one provider, in USD per 1M tokens.
type API struct {
	// ID is provider/model, as given to --api-model.
	ID             string  `json:"id"`
	Provider       string  `json:"provider"`
	Model          string  `json:"model"`
	OpenWeight     bool    `json:"open_weight"`
	USDPer1MInput  float64 `json:"usd_per_1m_input"`
	USDPer1MOutput float64 `json:"usd_per_1m_output"`
	// USDPer1MCachedInput is the price of an input token read from the
	// provider's prompt cache (OpenAI's "cached input", Anthropic's "cache
	// read"); 0 where no source read here states it. Cache writes
	// (Anthropic: 1.25× input, once per cache lifetime) are not priced.
	USDPer1MCachedInput float64 `json:"usd_per_1m_cached_input,omitempty"`
	Confidence          string  `json:"confidence,omitempty"`
	Source              string  `json:"source"`
	Date                string  `json:"date"`
}

// Model is what memory a model needs: its parameters and KV-cache shape.
type Model struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// ParamsB is the total parameter count in billions (all experts of an
	// MoE model, since all stay resident).
	ParamsB float64 `json:"params_b"`
	Layers  int     `json:"layers"`
	KVHeads int     `json:"kv_heads"`
	HeadDim int     `json:"head_dim"`
	Source  string  `json:"source"`
	Date    string  `json:"date"`
}

// GPU returns the GPU with the given id.
func (c *Catalog) GPU(id string) (*GPU, error) {
	return byID(c.GPUs, id, "gpu", func(g GPU) string { return g.ID })
}

// GPUBySMIName returns the GPU whose nvidia-smi / amd-smi name is name, or
// nil when none is.
func (c *Catalog) GPUBySMIName(name string) *GPU {
	return first(c.GPUs, func(g *GPU) bool { return slices.Contains(g.SMINames, name) })
}

// API returns the API price with the given id (provider/model).
func (c *Catalog) API(id string) (*API, error) {
	return byID(c.APIs, id, "api model", func(a API) string { return a.ID })
}

// Provider returns the provider with the given id, or nil.
func (c *Catalog) Provider(id string) *Provider {
	return first(c.Providers, func(p *Provider) bool { return p.ID == id })
}

// Model returns the model with the given id.
func (c *Catalog) Model(id string) (*Model, error) {
	return byID(c.Models, id, "model", func(m Model) string { return m.ID })
}

// byID returns the entry of xs whose idOf is id, or an error naming what
// was asked for, the nearest id and the known ones.
func byID[T any](xs []T, id, what string, idOf func(T) string) (*T, error) {
	if x := first(xs, func(x *T) bool { return idOf(*x) == id }); x != nil {
		return x, nil
	}
	known := ids(xs, idOf)
	return nil, fmt.Errorf("unknown %s %q%s (known: %s)", what, id, nearest(id, known), strings.Join(known, ", "))
}

// Offer selects an offer of g: by offer id, or by kind (the first offer of
// that kind in catalog order).
func (g *GPU) Offer(idOrKind string) (*Offer, error) {
	if o := first(g.Offers, func(o *Offer) bool { return o.ID == idOrKind }); o != nil {
		return o, nil
	}
	if o := first(g.Offers, func(o *Offer) bool { return string(o.Kind) == idOrKind }); o != nil {
		return o, nil
	}
	if len(g.Offers) == 0 {
		return nil, fmt.Errorf("gpu %s has no offers in the catalog (no price for it was sourced; a --prices file can add one)", g.ID)
	}
	names := append(ids(g.Offers, func(o Offer) string { return o.ID }), ids(g.Offers, func(o Offer) string { return string(o.Kind) })...)
	return nil, fmt.Errorf("gpu %s has no offer %q%s (offers: %s)", g.ID, idOrKind, nearest(idOrKind, names),
		strings.Join(ids(g.Offers, func(o Offer) string { return o.ID + " (" + string(o.Kind) + ")" }), ", "))
}

// nearest is ", did you mean X?" for the id of known within two edits of
// id (internal/typo, the rule every name inferbench reads follows), or for
// the ids that are id under a provider ("gpt-4o": openai/gpt-4o or
// azure-openai/gpt-4o), else "".
func nearest(id string, known []string) string {
	if s := typo.Nearest(id, known); s != "" {
		return ", did you mean " + s + "?"
	}
	var under []string
	for _, k := range known {
		if id != "" && strings.HasSuffix(k, "/"+id) {
			under = append(under, k)
		}
	}
	if len(under) > 0 {
		return ", did you mean " + strings.Join(under, " or ") + "?"
	}
	return ""
}

// first returns the first element of xs that match accepts, in place (a
// pointer into xs), or nil when none does.
func first[T any](xs []T, match func(*T) bool) *T {
	for i := range xs {
		if match(&xs[i]) {
			return &xs[i]
		}
	}
	return nil
}

func ids[T any](xs []T, id func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

// Load returns the shipped catalogs merged with the user file at pricesPath
// (none when empty). A user file has the catalog's shape with any subset of
// its fields: a list entry overrides the entry with the same id field by
// field, and a new id is appended. Every problem is reported as
// "file:line:col: message".
func Load(pricesPath string) (*Catalog, error) {
	var files []sourceFile
	for _, name := range embeddedFiles {
		b, err := embedded.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read embedded catalog: %w", err)
		}
		files = append(files, sourceFile{Name: "cost/" + name, Data: b})
	}
	if pricesPath != "" {
		b, err := yamlguard.ReadFile(pricesPath)
		if err != nil {
			return nil, fmt.Errorf("prices file: %w", err)
		}
		f := sourceFile{Name: pricesPath, Data: b, User: true}
		if fi, err := os.Stat(pricesPath); err == nil && fi.Mode().IsRegular() {
			f.Date = fi.ModTime().UTC().Format(time.DateOnly)
		}
		files = append(files, f)
	}
	return loadFiles(files)
}

var datePattern = regexp.MustCompile(`^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$`)

// problem is one validation failure: the YAML path of the offending value
// (map keys, and ids for list entries) and what is wrong with it. Related
// are the paths of the other values that make it one (an input price a
// cached-input price is checked against): the problem is said at whichever
// of them the latest file sets, so a value a prices file sets is not blamed
// on the shipped catalog.
type problem struct {
	path    []string
	msg     string
	related [][]string
}

// validate checks every entry and resolves derived offer prices. It returns
// the problems found, in catalog order.
func (c *Catalog) validate() []problem {
	var ps []problem
	add := func(path []string, format string, args ...any) {
		ps = append(ps, problem{path: slices.Clone(path), msg: fmt.Sprintf(format, args...)})
	}
	cited := func(path []string, source, date string) {
		if strings.TrimSpace(source) == "" {
			add(append(path, "source"), "source is required: every number needs one")
		}
		if !datePattern.MatchString(date) {
			add(append(path, "date"), "date %q must be YYYY, YYYY-MM or YYYY-MM-DD", date)
		}
	}
	positive := func(path []string, field string, v float64) {
		if !(v > 0) || math.IsInf(v, 0) {
			add(append(path, field), "%s must be a positive number, got %v", field, v)
		}
	}
	nonNegative := func(path []string, field string, v float64) {
		if !(v >= 0) || math.IsInf(v, 0) {
			add(append(path, field), "%s must not be negative, got %v", field, v)
		}
	}
	// atMost bounds a price as the same price on the command line is
	// (bounds.go): past it a number is a typo.
	atMost := func(path []string, field string, v float64, hi bound) {
		if v > hi.v {
			add(append(path, field), "%s %s is above %s: a typo?", field, typed(v), hi.words)
		}
	}
	confidence := func(path []string, v string) {
		if v != "" && v != "low" {
			add(append(path, "confidence"), `confidence must be "low" or empty, got %q`, v)
		}
	}
	seen := map[string]bool{}
	unique := func(path []string, id string) {
		if id == "" {
			add(path, "id is required")
		}
		key := strings.Join(path[:len(path)-1], "/") + "/" + id
		if seen[key] {
			add(path, "duplicate id %q", id)
		}
		seen[key] = true
	}

	smiOwner := map[string]string{} // nvidia-smi name → the GPU that lists it first
	for gi := range c.GPUs {
		g := &c.GPUs[gi]
		p := []string{"gpus", g.ID}
		unique(p, g.ID)
		for _, n := range g.SMINames {
			// A run's GPU is found by this name (GPUBySMIName): a second
			// GPU listing it would never be reached.
			if owner, ok := smiOwner[n]; ok && owner != g.ID {
				add(append(p, "smi_names"), "smi_names %q is listed by gpu %s too, and a run's GPU is found by it: one GPU per name", n, owner)
				continue
			}
			smiOwner[n] = g.ID
		}
		cited(p, g.Source, g.Date)
		positive(p, "memory_gb", g.MemoryGB)
		positive(p, "memory_mib", g.MemoryMiB)
		// The usable MiB are part of the marketing size; read as GiB it
		// bounds them ("80 GB" H100s report 81,559 MiB, 80 GiB is 81,920).
		if g.MemoryGB > 0 && g.MemoryMiB > g.MemoryGB*1024 {
			add(append(p, "memory_mib"), "memory_mib %s is more than memory_gb %s holds (%s MiB, reading GB as GiB): a typo?", typed(g.MemoryMiB), typed(g.MemoryGB), typed(g.MemoryGB*1024))
			ps[len(ps)-1].related = [][]string{append(slices.Clone(p), "memory_gb")}
		}
		positive(p, "bandwidth_gb_per_s", g.BandwidthGBPerS)
		nonNegative(p, "bf16_tflops", g.BF16TFLOPS)
		positive(p, "tdp_w", g.TDPW)
		for oi := range g.Offers {
			o := &g.Offers[oi]
			op := append(slices.Clone(p), "offers", o.ID)
			unique(op, o.ID)
			cited(op, o.Source, o.Date)
			confidence(op, o.Confidence)
			if !slices.Contains(offerKinds, o.Kind) {
				add(append(op, "kind"), "kind %q is not one of %v", o.Kind, offerKinds)
			}
			nonNegative(op, "usd_per_gpu_hour", o.USDPerGPUHour)
			atMost(op, "usd_per_gpu_hour", o.USDPerGPUHour, maxGPUHour)
			// A field the offer's kind does not price would be ignored:
			// said at its line (or at the kind, where a later file set that).
			unused := func(field string, set bool, format string, args ...any) {
				if set {
					add(append(op, field), "%s "+format+": it would be ignored", append([]any{field}, args...)...)
					ps[len(ps)-1].related = [][]string{append(slices.Clone(op), "kind")}
				}
			}
			if o.Kind == Owned {
				unused("usd_per_gpu_hour", o.USDPerGPUHour != 0, "does not price an owned offer, whose hour is capex_usd_per_gpu over amortization_months plus its power")
				unused("base_offer", o.BaseOffer != "", "prices a rented offer off another, not an owned one")
				unused("multiplier", o.Multiplier != 0, "prices a rented offer off its base_offer, not an owned one")
				positive(op, "capex_usd_per_gpu", o.CapexUSDPerGPU)
				positive(op, "amortization_months", o.AmortizationMonths)
				nonNegative(op, "watts_per_gpu", o.WattsPerGPU)
				nonNegative(op, "usd_per_kwh", o.USDPerKWh)
				if !(o.PUE >= 1) {
					add(append(op, "pue"), "pue must be at least 1, got %v", o.PUE)
				}
				// The owned hour is bounded as a rented one is (maxGPUHour):
				// past it, a 300-digit amount, or an overflow read as a
				// throughput too small to price.
				if o.CapexUSDPerGPU > 0 && o.AmortizationMonths > 0 {
					if capital := OwnedUSDPerGPUHour(o.CapexUSDPerGPU, o.AmortizationMonths); capital > maxGPUHour.v {
						add(append(op, "capex_usd_per_gpu"), "%s's capital cost, %s USD a GPU-hour (capex_usd_per_gpu %s over amortization_months %s × %d h), is above %s: a typo?",
							o.ID, typed(capital), typed(o.CapexUSDPerGPU), typed(o.AmortizationMonths), HoursPerMonth, maxGPUHour.words)
						ps[len(ps)-1].related = [][]string{append(slices.Clone(op), "amortization_months")}
					}
				}
				watts, drawn := o.WattsPerGPU, "watts_per_gpu"
				if watts == 0 {
					watts, drawn = g.TDPW, "the GPU's tdp_w"
				}
				if electricity := EnergyUSDPerHour(watts, o.PUE, o.USDPerKWh); watts >= 0 && o.PUE >= 1 && o.USDPerKWh >= 0 && !(electricity <= maxGPUHour.v) {
					add(append(op, "usd_per_kwh"), "%s's electricity, %s USD a GPU-hour (%s W, %s, × pue %s × usd_per_kwh %s), is above %s: a typo?",
						o.ID, typed(electricity), typed(watts), drawn, typed(o.PUE), typed(o.USDPerKWh), maxGPUHour.words)
					ps[len(ps)-1].related = [][]string{append(slices.Clone(op), "pue"), append(slices.Clone(op), "watts_per_gpu"), append(slices.Clone(p), "tdp_w")}
				}
				continue
			}
			for _, f := range []struct {
				field string
				v     float64
			}{{"capex_usd_per_gpu", o.CapexUSDPerGPU}, {"amortization_months", o.AmortizationMonths}, {"watts_per_gpu", o.WattsPerGPU}, {"usd_per_kwh", o.USDPerKWh}, {"pue", o.PUE}} {
				unused(f.field, f.v != 0, "prices only an owned offer (kind owned), and %s is %s (its rent includes power)", o.ID, o.Kind)
			}
			switch {
			case o.BaseOffer != "" && o.USDPerGPUHour != 0:
				add(append(op, "base_offer"), "set usd_per_gpu_hour or base_offer with multiplier, not both")
				ps[len(ps)-1].related = [][]string{append(slices.Clone(op), "usd_per_gpu_hour")}
			case o.BaseOffer != "":
				positive(op, "multiplier", o.Multiplier)
				base := -1
				for bi := range g.Offers {
					if g.Offers[bi].ID == o.BaseOffer {
						base = bi
					}
				}
				switch {
				case base < 0:
					add(append(op, "base_offer"), "base_offer %q is not an offer of gpu %s", o.BaseOffer, g.ID)
				case g.Offers[base].BaseOffer != "" || g.Offers[base].Kind == Owned:
					add(append(op, "base_offer"), "base_offer %q must be a rented offer with its own usd_per_gpu_hour", o.BaseOffer)
					bp := append(slices.Clone(p), "offers", o.BaseOffer)
					ps[len(ps)-1].related = [][]string{append(slices.Clone(bp), "kind"), append(slices.Clone(bp), "base_offer")}
				case o.Multiplier > 1 && (o.Kind == Reserved1y || o.Kind == Reserved3y || o.Kind == Spot) && g.Offers[base].USDPerGPUHour*o.Multiplier <= maxGPUHour.v:
					// A term or spot price off another is a discount (a price
					// past the bound is said as such below).
					add(append(op, "multiplier"), "multiplier %s would price a %s offer at %s times %s's: a discount is at most 1 (a percent? %s %% is %s)",
						typed(o.Multiplier), o.Kind, typed(o.Multiplier), o.BaseOffer, typed(o.Multiplier), typed(o.Multiplier/100))
					ps[len(ps)-1].related = [][]string{append(slices.Clone(op), "kind")}
				}
			case o.USDPerGPUHour == 0: // a negative one is refused above
				add(append(op, "usd_per_gpu_hour"), "usd_per_gpu_hour must be a positive number, got %v", o.USDPerGPUHour)
				unused("multiplier", o.Multiplier != 0, "needs base_offer, the offer whose price it multiplies")
			default:
				unused("multiplier", o.Multiplier != 0, "needs base_offer, the offer whose price it multiplies")
			}
		}
	}
	// Resolve derived prices once every base offer is known to be valid.
	for gi := range c.GPUs {
		g := &c.GPUs[gi]
		for oi := range g.Offers {
			o := &g.Offers[oi]
			if o.BaseOffer == "" || o.Kind == Owned {
				continue
			}
			for _, b := range g.Offers {
				if b.ID == o.BaseOffer && b.BaseOffer == "" {
					o.USDPerGPUHour = b.USDPerGPUHour * o.Multiplier
					// The same machine on other terms, unless it says.
					o.Instance = cmp.Or(o.Instance, b.Instance)
					if o.USDPerGPUHour > maxGPUHour.v && b.USDPerGPUHour <= maxGPUHour.v { // a base past it is refused above
						add([]string{"gpus", g.ID, "offers", o.ID, "multiplier"}, "%s's price %s USD a GPU-hour (%s × %s) is above %s: a typo?",
							o.ID, typed(o.USDPerGPUHour), b.ID, typed(o.Multiplier), maxGPUHour.words)
						ps[len(ps)-1].related = [][]string{{"gpus", g.ID, "offers", b.ID, "usd_per_gpu_hour"}}
					}
				}
			}
		}
	}
	for i := range c.Providers {
		pr := &c.Providers[i]
		p := []string{"providers", pr.ID}
		unique(p, pr.ID)
		cited(p, pr.Source, pr.Date)
		if pr.Kind != CloudAPI && pr.Kind != ManagedInference {
			add(append(p, "kind"), "kind %q must be %s or %s", pr.Kind, CloudAPI, ManagedInference)
		}
		for _, k := range pr.TargetKinds {
			if strings.TrimSpace(k) == "" || strings.ContainsAny(k, " \t,") {
				add(append(p, "target_kinds"), "target kind %q must be one word, as --target takes it", k)
			}
		}
	}
	for i := range c.APIs {
		a := &c.APIs[i]
		p := []string{"apis", a.ID}
		unique(p, a.ID)
		cited(p, a.Source, a.Date)
		confidence(p, a.Confidence)
		if c.Provider(a.Provider) == nil {
			add(append(p, "provider"), "provider %q is not in providers", a.Provider)
		}
		nonNegative(p, "usd_per_1m_input", a.USDPer1MInput)
		positive(p, "usd_per_1m_output", a.USDPer1MOutput)
		nonNegative(p, "usd_per_1m_cached_input", a.USDPer1MCachedInput)
		atMost(p, "usd_per_1m_input", a.USDPer1MInput, maxAPIPer1M)
		atMost(p, "usd_per_1m_output", a.USDPer1MOutput, maxAPIPer1M)
		atMost(p, "usd_per_1m_cached_input", a.USDPer1MCachedInput, maxAPIPer1M)
		if a.USDPer1MCachedInput > a.USDPer1MInput && a.USDPer1MInput >= 0 { // a negative input price is refused above
			add(append(p, "usd_per_1m_cached_input"), "a cached input token (%v per 1M) must not cost more than an input token (%v)", a.USDPer1MCachedInput, a.USDPer1MInput)
			ps[len(ps)-1].related = [][]string{append(slices.Clone(p), "usd_per_1m_input")}
		}
	}
	for i := range c.Models {
		m := &c.Models[i]
		p := []string{"models", m.ID}
		unique(p, m.ID)
		cited(p, m.Source, m.Date)
		positive(p, "params_b", m.ParamsB)
		positive(p, "layers", float64(m.Layers))
		positive(p, "kv_heads", float64(m.KVHeads))
		positive(p, "head_dim", float64(m.HeadDim))
	}
	return ps
}
