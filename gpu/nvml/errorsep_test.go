//go:build cgo && linux

package nvml

import (
	"strings"
	"testing"
	"time"

	nv "github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/dgxa100"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/server"
)

// A sample's Error lists its reasons one way, "; " between them, as
// gpu.AddError (which Watch uses after a backend) writes them: NVML's
// joined its own with newlines, so one Error could mix "\n" and "; ".
func TestSampleErrorOneSeparator(t *testing.T) {
	srv := dgxa100.New()
	(&load{start: time.Now(), powerLimitW: 400}).instrument(srv)
	d := srv.Devices[0].(*server.Device)
	d.GetPowerUsageFunc = func() (uint32, nv.Return) { return 0, nv.ERROR_UNKNOWN }
	d.GetTemperatureFunc = func(nv.TemperatureSensors) (uint32, nv.Return) { return 0, nv.ERROR_GPU_IS_LOST }
	s, err := New(srv)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, _ := s.Sample(t.Context(), nil)
	if want := "power: ERROR_UNKNOWN; temperature: ERROR_GPU_IS_LOST"; got[0].Error != want {
		t.Errorf("device 0: Error %q; want %q", got[0].Error, want)
	}
	if strings.Contains(got[1].Error, "\n") || got[1].Error != "" {
		t.Errorf("device 1: Error %q; want none", got[1].Error)
	}
}
