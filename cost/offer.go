package cost

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// DefaultOfferKind is the offer kind every command prices a run at unless
// told otherwise (cost's headline row, crossover, report): renting on
// demand is the price anyone can check and pay today, without a term.
const DefaultOfferKind = OnDemand

// DefaultOffer is the one catalog rule for "the" price of g on an offer
// kind (or an offer id): the first offer of that kind in catalog order. The
// shipped catalog lists the hyperscaler's list price first where one exists
// (the reference a procurement quote is checked against); the other offers
// of the kind are alternatives (Alternatives), shown with their source and
// date.
func (g *GPU) DefaultOffer(kindOrID string) (*Offer, error) {
	return g.Offer(kindOrID)
}

// Alternatives are g's other offers of o's kind, in catalog order.
func (g *GPU) Alternatives(o *Offer) []*Offer {
	var out []*Offer
	for i := range g.Offers {
		if a := &g.Offers[i]; a.Kind == o.Kind && a.ID != o.ID {
			out = append(out, a)
		}
	}
	return out
}

// cheapest is the offer of offers with the lowest price a GPU-hour (the
// first of equals), nil for none.
func cheapest(offers []*Offer) *Offer {
	var best *Offer
	for _, o := range offers {
		if best == nil || o.USDPerGPUHour < best.USDPerGPUHour {
			best = o
		}
	}
	return best
}

// OfferLabel says which offer a price is, to print beside it: "on-demand,
// aws", or the offer id when the price carries no kind.
func (p Price) OfferLabel() string {
	switch {
	case p.Kind != "" && p.Provider != "":
		return string(p.Kind) + ", " + p.Provider
	case p.Kind != "":
		return string(p.Kind)
	}
	return p.Offer
}

// MaxGPUCount bounds N in a GPU stated as IDxN: a serving box of more
// GPUs than this is a typo (the largest NVLink domains hold 72 to 576).
const MaxGPUCount = 4096

// gpuSpecForm is the form a stated GPU takes, said with every refusal.
const gpuSpecForm = "the form is ID or IDxN, e.g. h100-sxm or h100-sxmx8"

// ParseGPUSpec reads a GPU as the user states it, ID[xN] ("h100-sxm",
// "h100-sxmx8"): the catalog GPU and the count, 1 without xN, at most
// MaxGPUCount. It is read as written, with no space: run.json records it
// so, and every reader of run.json parses it again.
func (c *Catalog) ParseGPUSpec(s string) (*GPU, int, error) {
	if g, err := c.GPU(s); err == nil {
		return g, 1, nil
	}
	if strings.ContainsFunc(s, unicode.IsSpace) {
		squeezed := strings.Join(strings.Fields(s), "")
		if _, _, err := c.ParseGPUSpec(squeezed); err == nil {
			return nil, 0, fmt.Errorf("%q has a space: %s (did you mean %s?)", s, gpuSpecForm, squeezed)
		}
		_, err := c.GPU(s)
		return nil, 0, fmt.Errorf("%w (%s, with no space)", err, gpuSpecForm)
	}
	if i := strings.LastIndex(s, "x"); i > 0 && isDigits(s[i+1:]) {
		g, err := c.GPU(s[:i])
		if err != nil {
			return nil, 0, fmt.Errorf("%w (%s)", err, gpuSpecForm)
		}
		n, err := strconv.Atoi(s[i+1:])
		if err != nil || n < 1 || n > MaxGPUCount {
			return nil, 0, fmt.Errorf("%q counts %s GPUs: N in IDxN is 1 to %d", s, s[i+1:], MaxGPUCount)
		}
		return g, n, nil
	}
	_, err := c.GPU(s)
	return nil, 0, fmt.Errorf("%w (%s)", err, gpuSpecForm)
}

// flagGPU is the catalog GPU a cost command's --gpu names, by its id. The
// form a run states its GPU in (ParseGPUSpec: IDxN) is refused with the
// flag the count belongs in, --gpus: "did you mean a100-80gb?" alone for
// a100-80gbx2 led to one GPU priced where two were meant. An id with a
// space around it is refused naming the space: "did you mean h100-sxm?"
// for "h100-sxm " read as the same word.
func (c *Catalog) flagGPU(id string) (*GPU, error) {
	g, err := c.GPU(id)
	if err == nil {
		return g, nil
	}
	squeezed := strings.Join(strings.Fields(id), "")
	pg, n, perr := c.ParseGPUSpec(squeezed)
	switch {
	case perr != nil:
		return nil, err
	case squeezed != id && n == 1 && pg.ID == squeezed:
		return nil, fmt.Errorf("unknown gpu %q: it has a space; pass --gpu %s", id, pg.ID)
	default:
		return nil, fmt.Errorf("unknown gpu %q: the GPU count goes in --gpus here (run --gpu's IDxN form is not read): pass --gpu %s --gpus %d", id, pg.ID, n)
	}
}

// isDigits reports whether s is one or more ASCII digits.
func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// A RunGPU is the catalog GPU a run is priced on and where it came from.
type RunGPU struct {
	GPU   *GPU
	Count int
	// From is "stated by the user" (--gpu, recorded in run.json) or
	// "telemetry" (the GPU inventory in run.json).
	From string
	// Warning is set when the stated GPU and telemetry disagree;
	// Contradicted is telemetry's GPU when it is another than the stated.
	Warning      string
	Contradicted *GPU
}

// Where the GPU of a run came from (RunGPU.From).
const (
	FromUser      = "stated by the user"
	FromTelemetry = "telemetry"
)

// ResolveRunGPU is the one rule every command that takes a run uses to pick
// its GPU: the GPU stated by the user (run.json gpu_stated, ID[xN]) when
// there is one, else the first telemetry GPU the catalog knows by its
// nvidia-smi name; detected holds telemetry's names, one per device. A
// stated GPU that telemetry contradicts wins, with a warning. nil when
// neither names a catalog GPU.
func (c *Catalog) ResolveRunGPU(stated string, detected []string) (*RunGPU, error) {
	var tel *GPU
	if len(detected) > 0 {
		tel = c.GPUBySMIName(detected[0])
	}
	if stated != "" {
		g, n, err := c.ParseGPUSpec(stated)
		if err != nil {
			return nil, err
		}
		r := &RunGPU{GPU: g, Count: n, From: FromUser}
		switch {
		case tel != nil && tel.ID != g.ID:
			r.Contradicted = tel
			r.Warning = statedNotSeen(stated, tel, detected[0]) + ": priced as stated"
		case len(detected) > 0 && len(detected) != n:
			r.Warning = fmt.Sprintf("the GPU stated by the user (%s) counts %d, telemetry saw %d: priced as stated", stated, n, len(detected))
		}
		return r, nil
	}
	if tel != nil {
		return &RunGPU{GPU: tel, Count: len(detected), From: FromTelemetry}, nil
	}
	return nil, nil
}

// statedNotSeen says that the GPU stated by the user is not the catalog
// GPU tel that telemetry saw by its nvidia-smi name seen: the one wording
// of the warning of a run priced as stated (ResolveRunGPU) and of the
// refusal of a --gpu that contradicts a run (RefuseStatedGPU).
func statedNotSeen(stated string, tel *GPU, seen string) string {
	return fmt.Sprintf("the GPU stated by the user (%s) is not the one telemetry saw (%s, %q)", stated, tel.ID, seen)
}

// RefuseStatedGPU is the refusal of a GPU stated on the command line
// (--gpu) for the run in dir when the GPU its telemetry recorded
// (detected, nvidia-smi names) is another catalog GPU: pricing the run as
// stated would price a measurement of one GPU at another's hour, as
// `report --gpu h100-sxm --gpu a100-80gb` with the runs in the other order
// did, with a warning only. Said as run says it (statedNotSeen). nil when
// nothing is stated, telemetry recorded no GPU (a server on another
// machine: the user's word is the only one), or telemetry's name is not in
// the catalog (the stated GPU is how such a run is priced).
func (c *Catalog) RefuseStatedGPU(stated, dir string, detected []string) error {
	r, err := c.ResolveRunGPU(stated, detected)
	if err != nil || r == nil || r.Contradicted == nil {
		return nil
	}
	return quoteErrorf("--gpu %s: %s: %s: not priced; state %s, or leave --gpu out to take telemetry's",
		stated, dir, statedNotSeen(stated, r.Contradicted, detected[0]), r.Contradicted.ID)
}
