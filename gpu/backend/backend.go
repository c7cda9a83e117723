// Package backend opens a gpu.Sampler by name. It is the one table of
// backends (no init() registration); it lives apart from package gpu
// because every backend imports gpu.
package backend

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"strings"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/gpu/dcgm"
	"github.com/inferbench/inferbench/gpu/mock"
	"github.com/inferbench/inferbench/gpu/nvml"
	"github.com/inferbench/inferbench/gpu/smi"
)

// Backend names, as --gpu-backend takes them.
const (
	Auto   = "auto"    // NVML if it initializes, else nvidia-smi if on PATH
	NVML   = "nvml"    // go-nvml on this host (cgo build)
	DCGM   = "dcgm"    // scrape a dcgm-exporter URL (Options.URL)
	SMI    = "smi"     // nvidia-smi on this host
	AMDSMI = "amd-smi" // amd-smi, else rocm-smi, on this host
	Mock   = "mock"    // the mock engine at Options.URL (its base URL)
	None   = "none"    // telemetry off
)

// Names lists the accepted backend names, for flag help and errors.
func Names() []string { return []string{Auto, NVML, DCGM, SMI, AMDSMI, Mock, None} }

// Options configures Open. The zero value fits the local backends.
type Options struct {
	// URL is the dcgm-exporter metrics URL (dcgm) or the mock engine's
	// base URL (mock); other backends ignore it.
	URL string
	// HTTPClient makes dcgm and mock scrapes; nil means prom.Fetch's own
	// (redirects within the origin only, no gzip asked for).
	HTTPClient *http.Client
	// Run runs nvidia-smi / amd-smi; nil means smi.Exec, after checking
	// the tool is on PATH.
	Run smi.Runner
	// OpenNVML opens the NVML backend; nil means nvml.Open. Tests replace it.
	OpenNVML func() (gpu.Sampler, error)
	// LookPath finds a program on PATH; nil means exec.LookPath.
	LookPath func(string) (string, error)
}

// Open returns the Sampler named by name ("" means Auto). For None it
// returns gpu.ErrDisabled. When the backend cannot run here the error
// wraps gpu.ErrUnavailable and says why, so a run can carry on with
// telemetry off; an unknown name or a missing URL is a plain error.
func Open(ctx context.Context, name string, opts Options) (gpu.Sampler, error) {
	openNVML := opts.OpenNVML
	if openNVML == nil {
		openNVML = nvml.Open
	}
	lookPath := opts.LookPath
	if lookPath == nil {
		lookPath = exec.LookPath
	}
	switch name {
	case "", Auto:
		s, nvErr := openNVML()
		if nvErr == nil {
			return s, nil
		}
		if _, err := lookPath("nvidia-smi"); err != nil {
			// One line, what is missing and what to do: a GPU elsewhere, or
			// none to watch.
			return nil, fmt.Errorf("%w; nvidia-smi is not on PATH either (a GPU on another host: the dcgm backend with its exporter's URL; no GPU to watch: backend none)", nvErr)
		}
		return wrap(smi.NewNvidiaSMI(runner(opts)))
	case NVML:
		return openNVML()
	case SMI:
		if opts.Run == nil {
			if _, err := lookPath("nvidia-smi"); err != nil {
				return nil, gpu.Unavailable("smi: nvidia-smi is not on PATH")
			}
		}
		return wrap(smi.NewNvidiaSMI(runner(opts)))
	case AMDSMI:
		if opts.Run != nil {
			return wrap(smi.NewAMDSMI(opts.Run, false))
		}
		switch {
		case has(lookPath, "amd-smi"):
			return wrap(smi.NewAMDSMI(smi.Exec, false))
		case has(lookPath, "rocm-smi"):
			return wrap(smi.NewAMDSMI(smi.Exec, true))
		}
		return nil, gpu.Unavailable("amd-smi: neither amd-smi nor rocm-smi is on PATH")
	case DCGM:
		if opts.URL == "" {
			return nil, errors.New("gpu backend dcgm: needs the exporter's metrics URL, e.g. http://HOST:9400/metrics")
		}
		return wrap(dcgm.New(opts.URL, opts.HTTPClient))
	case Mock:
		if opts.URL == "" {
			return nil, errors.New("gpu backend mock: needs the mock engine's base URL, e.g. http://127.0.0.1:8000")
		}
		return wrap(mock.New(opts.URL, opts.HTTPClient))
	case None:
		return nil, gpu.ErrDisabled
	}
	return nil, fmt.Errorf("unknown gpu backend %q (want one of %s)", name, strings.Join(Names(), ", "))
}

func runner(opts Options) smi.Runner {
	if opts.Run != nil {
		return opts.Run
	}
	return smi.Exec
}

func has(lookPath func(string) (string, error), name string) bool {
	_, err := lookPath(name)
	return err == nil
}

// wrap turns a constructor's (*T, error) into (gpu.Sampler, error) with a
// nil interface on error, never a non-nil interface holding a nil pointer.
func wrap[S gpu.Sampler](s S, err error) (gpu.Sampler, error) {
	if err != nil {
		return nil, err
	}
	return s, nil
}
