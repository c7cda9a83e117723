package smi

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/rundir"
)

// SampleFields returns the query fields of one tick, by nvidia-smi
// --help-query-gpu names, in the order this package asks for them with
// --format=csv,noheader,nounits.
func SampleFields() []string {
	return []string{"index", "uuid", "name", "utilization.gpu", "utilization.memory",
		"memory.used", "memory.total", "power.draw", "temperature.gpu", "clocks.sm", fieldReasons}
}

// DeviceFields returns the query fields of the inventory, in order.
func DeviceFields() []string {
	return []string{"index", "uuid", "name", "memory.total", "driver_version",
		"enforced.power.limit", "mig.mode.current"}
}

// fieldLegacyReasons is the pre-R535 name of clocks_event_reasons.active.
const (
	fieldReasons       = "clocks_event_reasons.active"
	fieldLegacyReasons = "clocks_throttle_reasons.active"
)

// NvidiaSMI samples NVIDIA GPUs by running nvidia-smi --query-gpu. It is
// not safe for concurrent use.
type NvidiaSMI struct {
	run    Runner
	legacy bool // the driver only knows clocks_throttle_reasons.active
	// windows is the span each GPU's power.draw is the mean of
	// (gpu.PowerWindowOf its compute capability and name), decided on the
	// first reading of that GPU (its UUID and name) at its index.
	windows map[gpuAt]time.Duration
}

// gpuAt is one GPU at one index: another GPU there (a hot-swap, a driver
// reload, MIG reconfigured) has another UUID, or name, and its own span.
type gpuAt struct {
	index      int
	uuid, name string
}

var _ gpu.Sampler = (*NvidiaSMI)(nil)

// NewNvidiaSMI returns the nvidia-smi sampler. With run nil it uses Exec,
// and fails with an error wrapping gpu.ErrUnavailable when nvidia-smi is
// not on PATH.
func NewNvidiaSMI(run Runner) (*NvidiaSMI, error) {
	if run == nil {
		if err := lookPath("nvidia-smi"); err != nil {
			return nil, fmt.Errorf("smi: %w: %w", gpu.ErrUnavailable, err)
		}
		run = Exec
	}
	return &NvidiaSMI{run: run}, nil
}

// Close does nothing; each call runs its own process.
func (n *NvidiaSMI) Close() error { return nil }

// Devices runs one inventory query and, for the CUDA version, plain
// nvidia-smi (its banner is the only place that prints it); a failure of
// the latter leaves CUDAVersion empty.
func (n *NvidiaSMI) Devices(ctx context.Context) ([]rundir.GPUDevice, error) {
	out, err := n.query(ctx, DeviceFields())
	if err != nil {
		return nil, err
	}
	rows, err := ParseCSV(bytes.NewReader(out), DeviceFields())
	if err != nil {
		return nil, fmt.Errorf("nvidia-smi: %w", err)
	}
	cuda := ""
	if banner, err := n.run(ctx, "nvidia-smi"); err == nil {
		cuda = ParseCUDAVersion(banner)
	}
	devs := make([]rundir.GPUDevice, 0, len(rows))
	for _, row := range rows {
		d := DeviceFromRow(row)
		d.CUDAVersion = cuda
		devs = append(devs, d)
	}
	return devs, nil
}

// Sample runs one query and appends a Sample per GPU row.
func (n *NvidiaSMI) Sample(ctx context.Context, dst []rundir.GPUSample) ([]rundir.GPUSample, error) {
	fields := SampleFields()
	if n.legacy {
		fields = legacyFields()
	}
	out, err := n.query(ctx, fields)
	if err != nil && !n.legacy && ctx.Err() == nil {
		// Drivers before R535 reject the clocks_event_reasons name and fail
		// the whole query; retry once with the old name and keep it.
		if out2, err2 := n.query(ctx, legacyFields()); err2 == nil {
			n.legacy, out, err, fields = true, out2, nil, legacyFields()
		}
	}
	if err != nil {
		return dst, err
	}
	rows, err := ParseCSV(bytes.NewReader(out), fields)
	if err != nil {
		return dst, fmt.Errorf("nvidia-smi: %w", err)
	}
	if n.windows == nil {
		n.windows = map[gpuAt]time.Duration{}
	}
	// caps is asked at most once a tick, at the first GPU not seen before.
	var caps map[string][2]int
	var errs []error
	for _, row := range rows {
		s, rowErrs := sampleFromRow(row)
		if len(rowErrs) > 0 {
			addErrors(&s, rowErrs)
			errs = append(errs, fmt.Errorf("gpu %d: %w", s.Index, errors.Join(rowErrs...)))
		}
		if s.PowerW != nil {
			at := gpuAt{s.Index, s.UUID, s.Name}
			w, ok := n.windows[at]
			if !ok {
				if caps == nil {
					caps = n.capabilities(ctx)
				}
				cc := caps[s.UUID] // none for a row without a UUID: its name says
				w = gpu.PowerWindowOf(cc[0], cc[1], s.Name)
				n.windows[at] = w
			}
			s.PowerWindowNS = int64(w)
		}
		dst = append(dst, s)
	}
	if len(errs) > 0 {
		return dst, fmt.Errorf("nvidia-smi: %w", errors.Join(errs...))
	}
	return dst, nil
}

// capabilities asks each GPU's compute capability, by its UUID (a query
// of its own: drivers before compute_cap existed fail the whole query that
// names it). By UUID, not index: a GPU that took another's index between
// this query and the sample's is not given the other's. An empty map when
// the query fails, so that power's span is then the GPU's name's
// (gpu.PowerWindowOf).
func (n *NvidiaSMI) capabilities(ctx context.Context) map[string][2]int {
	caps := map[string][2]int{}
	fields := []string{"index", "uuid", "compute_cap"}
	out, err := n.query(ctx, fields)
	if err != nil {
		return caps
	}
	rows, err := ParseCSV(bytes.NewReader(out), fields)
	if err != nil {
		return caps
	}
	for _, row := range rows {
		uuid := row["uuid"]
		major, minor, ok := strings.Cut(row["compute_cap"], ".")
		ma, err1 := strconv.Atoi(major)
		mi, err2 := strconv.Atoi(minor)
		if uuid != "" && ok && err1 == nil && err2 == nil {
			caps[uuid] = [2]int{ma, mi}
		}
	}
	return caps
}

func legacyFields() []string {
	f := SampleFields()
	for i := range f {
		if f[i] == fieldReasons {
			f[i] = fieldLegacyReasons
		}
	}
	return f
}

func (n *NvidiaSMI) query(ctx context.Context, fields []string) ([]byte, error) {
	return n.run(ctx, "nvidia-smi", "--query-gpu="+strings.Join(fields, ","), "--format=csv,noheader,nounits")
}

// ParseCSV reads nvidia-smi --query-gpu output into one map per GPU row,
// keyed by field name. With fields nil the first line is the header
// (--format=csv), whose " [unit]" suffixes are dropped from the names;
// otherwise the rows have no header (noheader) and fields names the columns.
// Values are kept as printed, units included; "no value" spellings are
// left out of the map, so a missing key means absent.
func ParseCSV(r io.Reader, fields []string) ([]map[string]string, error) {
	all, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(bytes.NewReader(all))
	cr.TrimLeadingSpace = true
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	var rows []map[string]string
	for line := 1; ; line++ {
		from := cr.InputOffset()
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return rows, fmt.Errorf("csv: %w", err)
		}
		if fields == nil {
			fields = make([]string, len(rec))
			for i, h := range rec {
				name, _, _ := strings.Cut(strings.TrimSpace(h), " [")
				fields[i] = name
			}
			continue
		}
		raw := strings.TrimRight(string(all[from:cr.InputOffset()]), "\r\n")
		if len(rec) > len(fields) {
			rec = resplit(raw, fields)
		}
		if len(rec) != len(fields) {
			shown := raw
			if len(shown) > 200 {
				shown = shown[:200] + "…"
			}
			return rows, fmt.Errorf("csv line %d: %d values for %d fields: %s", line, len(rec), len(fields), printable.Text(shown))
		}
		row := make(map[string]string, len(rec))
		for i, v := range rec {
			v = strings.TrimSpace(v)
			if !isNull(v) {
				row[fields[i]] = v
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// resplit splits a line of nvidia-smi's CSV that has more values than
// fields. nvidia-smi does not quote, and separates by ", ": a decimal comma
// (631,95) has no space after it and stays in its value (which then fails
// to parse, and says so), and a name that holds ", " ("NVIDIA H100, 80GB"),
// the one free-text field, takes the parts past the count.
func resplit(raw string, fields []string) []string {
	rec := strings.Split(raw, ", ")
	for i := range rec {
		rec[i] = strings.TrimSpace(rec[i])
	}
	if ni := slices.Index(fields, "name"); ni >= 0 && len(rec) > len(fields) {
		end := ni + 1 + len(rec) - len(fields)
		rec = slices.Concat(rec[:ni], []string{strings.Join(rec[ni:end], ", ")}, rec[end:])
	}
	return rec
}

// SampleFromRow converts one parsed row into a Sample. A value is read in
// the unit printed with it (--format=csv), else nvidia-smi's unit for its
// field (nvidiaColumns: memory in MiB, power in W, clocks in MHz). The
// clock-event reasons are nvidia-smi's hex mask. A value that does not
// parse, is in a unit not known or is no GPU's is left absent and named in
// the error.
func SampleFromRow(row map[string]string) (rundir.GPUSample, error) {
	s, errs := sampleFromRow(row)
	return s, errors.Join(errs...)
}

// sampleFromRow is SampleFromRow with each value's error apart, for the
// sample's Error (addErrors).
func sampleFromRow(row map[string]string) (rundir.GPUSample, []error) {
	var s rundir.GPUSample
	var errs []error
	// num reads field's value, in its quantity's stored unit where it has
	// one (nvidiaColumns), else as a bare number (the index).
	num := func(field string) (float64, bool) {
		v, present := row[field]
		if !present {
			return 0, false
		}
		f, unit, ok := split(v)
		c, measured := nvidiaColumns[field]
		if !ok || (!measured && unit != "") {
			errs = append(errs, fmt.Errorf("%s: cannot parse %q", field, v))
			return 0, false
		}
		if measured {
			return c.q.value(&errs, field, f, unit, c.unit)
		}
		return f, true
	}
	if v, ok := num("index"); ok {
		s.Index = int(v)
	}
	s.UUID, s.Name = row["uuid"], row["name"]
	if v, ok := num("utilization.gpu"); ok {
		s.UtilizationPct = gpu.Ptr(v)
	}
	if v, ok := num("utilization.memory"); ok {
		s.MemoryUtilizationPct = gpu.Ptr(v)
	}
	if v, ok := num("memory.used"); ok {
		s.MemoryUsedBytes = gpu.Ptr(uint64(v))
	}
	if v, ok := num("memory.total"); ok {
		s.MemoryTotalBytes = gpu.Ptr(uint64(v))
	}
	if v, ok := num("memory.reserved"); ok {
		s.MemoryReservedBytes = gpu.Ptr(uint64(v))
	}
	if v, ok := num("power.draw"); ok {
		s.PowerW = gpu.Ptr(v)
	}
	if v, ok := num("temperature.gpu"); ok {
		s.TemperatureC = gpu.Ptr(v)
	}
	for _, f := range []string{"clocks.sm", "clocks.current.sm"} {
		if v, ok := num(f); ok {
			s.SMClockMHz = gpu.Ptr(v)
			break
		}
	}
	for _, f := range []string{fieldReasons, fieldLegacyReasons} {
		if v, present := row[f]; present {
			mask, err := strconv.ParseUint(v, 0, 64)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: cannot parse %q", f, v))
				break
			}
			s.ClockEventReasons = gpu.ClockEventReasons(mask)
			break
		}
	}
	return s, errs
}

// DeviceFromRow converts one parsed inventory row into a Device.
func DeviceFromRow(row map[string]string) rundir.GPUDevice {
	var d rundir.GPUDevice
	if v, ok := number(row["index"]); ok {
		d.Index = int(v)
	}
	d.UUID, d.Name, d.DriverVersion = row["uuid"], row["name"], row["driver_version"]
	// measured is field's value in its quantity's stored unit, where it is
	// present, in a unit known and a GPU's.
	measured := func(field string) (float64, bool) {
		f, unit, ok := split(row[field])
		if !ok {
			return 0, false
		}
		c := nvidiaColumns[field]
		return c.q.value(nil, field, f, unit, c.unit)
	}
	if v, ok := measured("memory.total"); ok {
		d.MemoryTotalBytes = gpu.Ptr(uint64(v))
	}
	for _, f := range []string{"enforced.power.limit", "power.limit"} {
		if v, ok := measured(f); ok {
			d.PowerLimitW = gpu.Ptr(v)
			break
		}
	}
	switch row["mig.mode.current"] {
	case "Enabled":
		d.MIGEnabled = gpu.Ptr(true)
	case "Disabled":
		d.MIGEnabled = gpu.Ptr(false)
	}
	return d
}

// cudaVersionRE matches the banner of plain nvidia-smi:
// "| NVIDIA-SMI 590.48.01   Driver Version: 590.48.01   CUDA Version: 13.1 |".
var cudaVersionRE = regexp.MustCompile(`CUDA Version:\s*([0-9][0-9.]*)`)

// ParseCUDAVersion returns the CUDA version printed in nvidia-smi's
// banner, or "" when there is none.
func ParseCUDAVersion(banner []byte) string {
	m := cudaVersionRE.FindSubmatch(banner)
	if m == nil {
		return ""
	}
	return string(m[1])
}
