package gpu

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/rundir"
)

// A Table writes the inventory for people (gpu list); Flush ends it.
type Table struct{ *tabwriter.Writer }

// NewTable returns a Table writing to w.
func NewTable(w io.Writer) Table { return Table{tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)} }

// Devices writes the header and one row per device.
func (tw Table) Devices(devs []rundir.GPUDevice) {
	fmt.Fprintln(tw, "INDEX\tNAME\tUUID\tMEMORY\tDRIVER\tCUDA\tPOWER LIMIT\tMIG\tHOST")
	for _, d := range devs {
		mig := "-"
		if d.MIGEnabled != nil {
			mig = map[bool]string{true: "on", false: "off"}[*d.MIGEnabled]
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d.Index, gpuDash(d.Name), gpuDash(d.UUID),
			gpuMiB(d.MemoryTotalBytes), gpuDash(d.DriverVersion), gpuDash(d.CUDAVersion), gpuNum(d.PowerLimitW, "%.0f W"), mig, gpuDash(d.Host))
	}
}

// WatchHeader is the header line of `gpu watch`'s table.
func WatchHeader() string {
	return fmt.Sprintf("%8s %3s %5s %18s %8s %12s %6s %6s  %s\n", "T(s)", "GPU", "UTIL%", "MEM USED/TOTAL MiB", "POWER W", "ENERGY J", "TEMP C", "SM MHz", "CLOCK EVENTS")
}

// WatchLine formats one sample as a row of `gpu watch`'s table.
func WatchLine(s *rundir.GPUSample) string {
	t := float64(s.TNS) / 1e9
	if s.IsGap() {
		return fmt.Sprintf("%8.3f %3s  error: %s\n", t, "-", printable.Text(s.Error))
	}
	mem := "-"
	if s.MemoryUsedBytes != nil || s.MemoryTotalBytes != nil {
		mem = strings.TrimSuffix(gpuMiB(s.MemoryUsedBytes), " MiB") + "/" + strings.TrimSuffix(gpuMiB(s.MemoryTotalBytes), " MiB")
	}
	var energy *float64
	if s.EnergyMJ != nil {
		energy = Ptr(float64(*s.EnergyMJ) / 1000)
	}
	reasons := "-"
	if s.ClockEventReasons != nil {
		reasons = "none"
		if len(s.ClockEventReasons) > 0 {
			reasons = strings.Join(s.ClockEventReasons, ",")
		}
	}
	line := fmt.Sprintf("%8.3f %3d %5s %18s %8s %12s %6s %6s  %s", t, s.Index, gpuNum(s.UtilizationPct, "%.0f"), mem,
		gpuNum(s.PowerW, "%.1f"), gpuNum(energy, "%.1f"), gpuNum(s.TemperatureC, "%.0f"), gpuNum(s.SMClockMHz, "%.0f"), reasons)
	if s.Error != "" {
		line += "  error: " + printable.Text(s.Error)
	}
	return line + "\n"
}

// gpuDash is s, a tool's or an exporter's text, written out
// (printable.Text: an escape sequence in a dcgm-exporter's modelName must
// not reach the terminal, nor a tab split the table's column), or "-" for
// none.
func gpuDash(s string) string {
	if s == "" {
		return "-"
	}
	return printable.Text(s)
}

func gpuNum(p *float64, format string) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprintf(format, *p)
}

// gpuMiB is a byte count in whole MiB, rounded to the nearest (half up),
// as nvidia-smi shows NVML's bytes: an H200 under load read 21194670080
// bytes used (20212.5 MiB), which nvidia-smi printed as 20213 and this
// table, truncating, as 20212.
func gpuMiB(b *uint64) string {
	if b == nil {
		return "-"
	}
	return fmt.Sprintf("%d MiB", (*b+1<<19)>>20)
}
