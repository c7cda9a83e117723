// Package dcgm is the gpu.Sampler that scrapes an NVIDIA dcgm-exporter
// Prometheus endpoint, for GPU hosts other than the one running inferbench.
// It also reads the mock engine's simulated GPUs, which are served in the
// same format (see gpu/mock).
//
// dcgm-exporter refreshes its values every --collect-interval, 30 s by
// default (dcgm-exporter pkg/cmd/app.go): scraping faster than that returns
// the same values again. Run the exporter with -c 500 or less for benchmark
// windows.
package dcgm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/internal/prom"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
)

// families are the dcgm-exporter families Parse reads (those with a
// limit); the page's other families are dropped unparsed (prom.Families),
// so that a field the exporter could not convert — printed as
// "ERROR - FAILED TO CONVERT TO STRING" where a number belongs
// (dcgm-exporter#394, #482) — does not fail the page.
var families = slices.Sorted(maps.Keys(limits))

// dcgm-exporter metric names (etc/default-counters.csv,
// etc/dcp-metrics-included.csv) and their units.
const (
	metricGPUUtil       = "DCGM_FI_DEV_GPU_UTIL"                 // %
	metricMemCopyUtil   = "DCGM_FI_DEV_MEM_COPY_UTIL"            // %
	metricFBUsed        = "DCGM_FI_DEV_FB_USED"                  // MiB
	metricFBFree        = "DCGM_FI_DEV_FB_FREE"                  // MiB
	metricFBReserved    = "DCGM_FI_DEV_FB_RESERVED"              // MiB
	metricFBTotal       = "DCGM_FI_DEV_FB_TOTAL"                 // MiB
	metricPower         = "DCGM_FI_DEV_POWER_USAGE"              // W, NVML's power usage (powerWindow)
	metricPowerInstant  = "DCGM_FI_DEV_POWER_USAGE_INSTANT"      // W, instantaneous
	metricComputeCap    = "DCGM_FI_DEV_CUDA_COMPUTE_CAPABILITY"  // major << 16 | minor
	metricEnergy        = "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION" // mJ, counter
	metricTemp          = "DCGM_FI_DEV_GPU_TEMP"                 // °C
	metricSMClock       = "DCGM_FI_DEV_SM_CLOCK"                 // MHz
	metricClocksEvent   = "DCGM_FI_DEV_CLOCKS_EVENT_REASONS"     // NVML bitmask
	metricThrottle      = "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS"   // older name, same mask
	metricEnforcedPower = "DCGM_FI_DEV_ENFORCED_POWER_LIMIT"     // W
)

// DefaultTimeout bounds one scrape when Scraper.Timeout is zero.
const DefaultTimeout = prom.DefaultTimeout

// A Scraper reads GPUs from a dcgm-exporter /metrics URL. Set URL; the
// other fields have working zero values. A Scraper makes one request per
// call; it remembers each GPU's last energy reading (staleEnergy) and is
// safe for concurrent use.
type Scraper struct {
	// URL is the full metrics URL, e.g. http://gpu-host:9400/metrics.
	URL string
	// Client makes the requests; nil means prom.Fetch's own (redirects
	// within the origin only, no gzip asked for).
	Client *http.Client
	// Timeout bounds each scrape; 0 means DefaultTimeout.
	Timeout time.Duration

	mu         sync.Mutex
	lastEnergy map[string]uint64 // by GPU (UUID, else index): the last counter read
	toldStale  map[string]bool   // the GPUs whose stale counter a sample has named
}

// staleEnergy leaves out of ss every energy counter equal to the GPU's on
// the last page while the GPU draws power, and names the first on each
// GPU. dcgm-exporter serves the values it collected last, every
// --collect-interval (30 s by default), to every scrape in between: a run
// sampling every 250 ms read the counter flat across whole levels,
// "power 300 W mean; energy 0 J (counter)". A GPU drawing 1 W or more
// advances its mJ counter every millisecond, so an unchanged counter is an
// old value, read at the wrong time; a reading of a new value is within one
// sampling interval of the exporter's collection. (The first reading's age
// cannot be told: it is kept, up to a collect interval old.)
func (s *Scraper) staleEnergy(ss []rundir.GPUSample) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lastEnergy == nil {
		s.lastEnergy, s.toldStale = map[string]uint64{}, map[string]bool{}
	}
	for i := range ss {
		smp := &ss[i]
		if smp.EnergyMJ == nil {
			continue
		}
		key := smp.UUID
		if key == "" {
			key = strconv.Itoa(smp.Index)
		}
		last, seen := s.lastEnergy[key]
		s.lastEnergy[key] = *smp.EnergyMJ
		if !seen || last != *smp.EnergyMJ || smp.PowerW == nil || *smp.PowerW < 1 {
			continue
		}
		smp.EnergyMJ = nil
		if !s.toldStale[key] {
			s.toldStale[key] = true
			gpu.AddError(smp, "energy counter unchanged since the last scrape at "+strconv.FormatFloat(*smp.PowerW, 'f', 1, 64)+
				" W: the exporter repeats old values (its --collect-interval, 30 s by default, is longer than the sampling interval; run it with -c 250); unchanged readings are left out")
		}
	}
}

var _ gpu.Sampler = (*Scraper)(nil)

// Devices scrapes the page once and returns its GPUs: index, UUID, model
// name, host, driver version, memory total, enforced power limit where
// exported, and MIG mode when GPU-instance labels show it is on.
func (s *Scraper) Devices(ctx context.Context) ([]rundir.GPUDevice, error) {
	page, err := s.scrape(ctx)
	if err != nil {
		return nil, err
	}
	return page.Devices, nil
}

// Sample scrapes the page once and appends one Sample per GPU on it.
func (s *Scraper) Sample(ctx context.Context, dst []rundir.GPUSample) ([]rundir.GPUSample, error) {
	page, err := s.scrape(ctx)
	if err != nil {
		return dst, err
	}
	s.staleEnergy(page.Samples)
	return append(dst, page.Samples...), nil
}

// Close does nothing: a Scraper holds no connection of its own.
func (s *Scraper) Close() error { return nil }

func (s *Scraper) scrape(ctx context.Context) (*Page, error) {
	page, err := prom.Fetch(ctx, s.Client, s.URL, s.Timeout, "dcgm scrape", Parse)
	if err == nil && len(page.Samples) == 0 {
		return nil, fmt.Errorf("dcgm scrape %s: no DCGM_FI_DEV_* series with a gpu or UUID label", targets.RedactURL(s.URL))
	}
	return page, err
}

// A Page is what one dcgm-exporter page says about its GPUs, in the order
// of their gpu label. Samples[i] describes Devices[i]; TNS is left zero.
type Page struct {
	Devices []rundir.GPUDevice
	Samples []rundir.GPUSample
}

// Parse reads a dcgm-exporter page in the Prometheus text format. It
// needs no HELP or TYPE lines and looks labels up by name, so label order
// and extra labels (pod, namespace, pci_bus_id) do not matter.
//
// A GPU is keyed by its UUID label, else by gpu plus Hostname. When a GPU
// has several series of one family — one per MIG GPU instance, each a copy
// of the device-wide value — the first is taken, never the sum; the
// framebuffer families are the exception, each instance's series its own
// memory: memory used is their sum and the total unknown. A family
// missing for a GPU (GPU_UTIL under MIG), or whose value no GPU can have
// (NaN, infinite, negative, past its limit), leaves that field nil; the
// latter are named in the sample's Error, and a GPU all of whose values
// are refused is still on the page.
func Parse(r io.Reader) (*Page, error) {
	fams, err := prom.Families(r, families...)
	if err != nil {
		return nil, fmt.Errorf("parse dcgm-exporter page: %w", err)
	}
	type entry struct {
		dev     rundir.GPUDevice
		smp     rundir.GPUSample
		vals    map[string]float64 // family name -> first value
		refused map[string]string  // family name -> the value refused
		// inst holds a framebuffer family's value per MIG GPU instance
		// (GPU_I_ID): those series are the instance's memory, not copies.
		inst map[string]map[string]float64
	}
	byKey := map[string]*entry{}
	for name, fam := range fams {
		for _, m := range fam.GetMetric() {
			v, ok := prom.Value(m)
			ok = ok && plausible(name, v)
			labels := labelMap(m)
			idx, err := strconv.Atoi(labels["gpu"])
			uuid := labels["UUID"]
			if err != nil && uuid == "" {
				continue // not a per-GPU series
			}
			if err != nil {
				idx = -1
			}
			host := labels["Hostname"]
			if host == "" {
				host = labels["hostname"]
			}
			key := uuid
			if key == "" {
				key = host + "/" + labels["gpu"]
			}
			e := byKey[key]
			if e == nil {
				e = &entry{vals: map[string]float64{}}
				e.dev = rundir.GPUDevice{Index: idx, UUID: uuid, Host: host}
				byKey[key] = e
			}
			if e.dev.Name == "" {
				e.dev.Name = labels["modelName"]
			}
			if e.dev.DriverVersion == "" {
				e.dev.DriverVersion = labels["DCGM_FI_DRIVER_VERSION"]
			}
			if labels["GPU_I_ID"] != "" {
				e.dev.MIGEnabled = gpu.Ptr(true)
			}
			if _, read := limits[name]; read && !ok {
				if e.refused == nil {
					e.refused = map[string]string{}
				}
				e.refused[name] = rawValue(m)
				continue
			}
			if gi := labels["GPU_I_ID"]; ok && gi != "" && framebuffer[name] {
				if e.inst == nil {
					e.inst = map[string]map[string]float64{}
				}
				if e.inst[name] == nil {
					e.inst[name] = map[string]float64{}
				}
				if _, seen := e.inst[name][gi]; !seen {
					e.inst[name][gi] = v
				}
				continue
			}
			if _, seen := e.vals[name]; ok && !seen {
				e.vals[name] = v
			}
		}
	}
	page := &Page{}
	entries := make([]*entry, 0, len(byKey))
	for _, e := range byKey {
		entries = append(entries, e)
	}
	slices.SortFunc(entries, func(a, b *entry) int {
		if c := a.dev.Index - b.dev.Index; c != 0 {
			return c
		}
		if a.dev.Host != b.dev.Host {
			if a.dev.Host < b.dev.Host {
				return -1
			}
			return 1
		}
		if a.dev.UUID < b.dev.UUID {
			return -1
		}
		if a.dev.UUID > b.dev.UUID {
			return 1
		}
		return 0
	})
	for _, e := range entries {
		// A MIG GPU's framebuffer: the sum over its instances, where the
		// page has no series for the whole GPU. The total is then unknown
		// (the instances made need not cover the GPU's memory).
		for name, byGI := range e.inst {
			if _, whole := e.vals[name]; whole {
				continue
			}
			var sum float64
			for _, v := range byGI {
				sum += v
			}
			if name != metricFBTotal && name != metricFBFree { // the instances' capacity
				e.vals[name] = sum
			}
		}
		fill(&e.dev, &e.smp, e.vals)
		e.smp.Error = refusal(e.refused, e.vals)
		page.Devices = append(page.Devices, e.dev)
		page.Samples = append(page.Samples, e.smp)
	}
	return page, nil
}

// framebuffer are the families that a MIG GPU's page gives per GPU
// instance, each series that instance's memory: in an A800 scrape with
// three 2g.20gb instances, 19957 MiB free and 10 MiB used on each, where
// the whole GPU beside it had 81226 MiB free (gqcn/johns-blog, the scrape
// testdata/telemetry's A800 page is an excerpt of).
var framebuffer = map[string]bool{metricFBUsed: true, metricFBFree: true, metricFBReserved: true, metricFBTotal: true}

// fill sets the device's and the sample's fields from the family values.
func fill(dev *rundir.GPUDevice, smp *rundir.GPUSample, vals map[string]float64) {
	const mib = 1 << 20
	smp.Index, smp.UUID, smp.Name = dev.Index, dev.UUID, dev.Name
	if v, ok := vals[metricGPUUtil]; ok {
		smp.UtilizationPct = gpu.Ptr(v)
	}
	if v, ok := vals[metricMemCopyUtil]; ok {
		smp.MemoryUtilizationPct = gpu.Ptr(v)
	}
	used, hasUsed := vals[metricFBUsed]
	if hasUsed {
		smp.MemoryUsedBytes = gpu.Ptr(uint64(used * mib))
	}
	if v, ok := vals[metricFBReserved]; ok {
		smp.MemoryReservedBytes = gpu.Ptr(uint64(v * mib))
	}
	// Total: FB_TOTAL when exported, else used + free (+ reserved): the
	// three partition the framebuffer.
	if v, ok := vals[metricFBTotal]; ok {
		smp.MemoryTotalBytes = gpu.Ptr(uint64(v * mib))
	} else if free, ok := vals[metricFBFree]; ok && hasUsed {
		total := used + free + vals[metricFBReserved]
		smp.MemoryTotalBytes = gpu.Ptr(uint64(total * mib))
	}
	dev.MemoryTotalBytes = smp.MemoryTotalBytes
	if v, ok := vals[metricPower]; ok {
		smp.PowerW = gpu.Ptr(v)
		smp.PowerWindowNS = int64(powerWindow(dev.Name, vals))
	} else if v, ok := vals[metricPowerInstant]; ok {
		smp.PowerW = gpu.Ptr(v)
	}
	if v, ok := vals[metricEnergy]; ok && v >= 0 {
		smp.EnergyMJ = gpu.Ptr(uint64(v))
	}
	if v, ok := vals[metricTemp]; ok {
		smp.TemperatureC = gpu.Ptr(v)
	}
	if v, ok := vals[metricSMClock]; ok {
		smp.SMClockMHz = gpu.Ptr(v)
	}
	mask, ok := vals[metricClocksEvent]
	if !ok {
		mask, ok = vals[metricThrottle]
	}
	if ok && mask >= 0 {
		smp.ClockEventReasons = gpu.ClockEventReasons(uint64(mask))
	}
	if v, ok := vals[metricEnforcedPower]; ok {
		dev.PowerLimitW = gpu.Ptr(v)
	}
}

// powerWindow is the span DCGM_FI_DEV_POWER_USAGE is the mean of, for the
// GPU named name whose page's values are vals. DCGM reads the field with
// NVML's nvmlDeviceGetPowerUsage (DcgmCacheManager, field 155,
// DCGM_FI_DEV_BOARD_POWER_WATTS: "Power usage for the device in Watts"),
// so it is NVML's reading: the mean over 1 s on Ampere (except GA100) and
// newer GPUs, instantaneous on GA100 and older (gpu.PowerWindowOf). The GPU's
// compute capability, where the page exports it (DCGM_FI_DEV_CUDA_COMPUTE_CAPABILITY,
// stored by DcgmCacheManager as major << 16 | minor; the field's header
// comment says the upper and lower 32 bits, read too), else its model
// name; 0, unknown, when neither tells.
// DCGM_FI_DEV_POWER_USAGE_INSTANT (field 157) is NVML_FI_DEV_POWER_INSTANT,
// instantaneous: read only where POWER_USAGE is absent, its span is 0.
func powerWindow(name string, vals map[string]float64) time.Duration {
	var major, minor int
	if v, ok := vals[metricComputeCap]; ok && v > 0 && v == math.Trunc(v) {
		c := uint64(v)
		shift := uint(16)
		if c >= 1<<32 {
			shift = 32
		}
		major, minor = int(c>>shift), int(c&(1<<shift-1))
	}
	return gpu.PowerWindowOf(major, minor, name)
}

// refusal says which of a GPU's values were refused (NaN, an infinity,
// negative or past its limit: plausible), family by family, leaving out a
// family another series of the GPU gave a value for (a MIG copy); "" when
// none was.
func refusal(refused map[string]string, vals map[string]float64) string {
	var out []string
	for name, v := range refused {
		if _, kept := vals[name]; !kept {
			out = append(out, strings.TrimPrefix(name, "DCGM_FI_DEV_")+" "+v)
		}
	}
	if len(out) == 0 {
		return ""
	}
	slices.Sort(out)
	return "values no GPU can have, left out: " + strings.Join(out, ", ")
}

// rawValue is a series' value as a number is written, whatever it is.
func rawValue(m *dto.Metric) string {
	v, ok := prom.RawValue(m)
	if !ok {
		return "(not a number)"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func labelMap(m *dto.Metric) map[string]string {
	out := make(map[string]string, len(m.GetLabel()))
	for _, lp := range m.GetLabel() {
		out[lp.GetName()] = lp.GetValue()
	}
	return out
}

// errNoURL is returned by New for an empty URL.
var errNoURL = errors.New("dcgm: no metrics URL (use --gpu-url http://HOST:9400/metrics)")

// New returns a Scraper for url, checking that url is absolute http(s).
func New(url string, client *http.Client) (*Scraper, error) {
	if url == "" {
		return nil, errNoURL
	}
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil || (req.URL.Scheme != "http" && req.URL.Scheme != "https") || req.URL.Host == "" {
		return nil, fmt.Errorf("dcgm: metrics URL %q: want http(s)://host:port/path", targets.RedactURL(url))
	}
	return &Scraper{URL: url, Client: client}, nil
}
