package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/inferbench/inferbench/cost"
	"github.com/inferbench/inferbench/report/compare"
	"github.com/inferbench/inferbench/scenarios"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/registry"
)

// ScenarioKnown is what a scenario's names are checked against as it
// loads: the registry's target kinds, the adapters' reading of a server
// root and the regression gate's metrics and limits (scenarios.Known).
func ScenarioKnown() scenarios.Known {
	return scenarios.Known{Kinds: registry.Kinds(), GateLimit: compare.CheckLimit,
		BaseURL: targets.CheckBaseURL, Target: kindFacts, Stop: StopFacts, GPU: catalogGPU}
}

// catalogGPU reads a stated GPU, ID[xN], against the GPU catalog, for a
// scenario's cost.gpu (run's --gpu: checkGPUStated).
func catalogGPU(stated string) error {
	cat, err := cost.Load("")
	if err != nil {
		return err
	}
	_, _, err = cat.ParseGPUSpec(stated)
	return err
}

// kindFacts is what the registry says a kind can do, for scenarios'
// CheckTarget: its APIs, and whether its server has a tokenize endpoint.
func kindFacts(kind string) (apis []string, tokenize, ok bool) {
	k, ok := registry.Lookup(kind)
	return k.APIs, k.Engine != nil && k.Engine.Tokenize != "", ok
}

// ProbeOptions is everything `targets probe` needs.
type ProbeOptions struct {
	Kind, URL, Model, API string
	// KeyEnv is the variable the key is read from, "" when none is read;
	// KeyFile, when set, a file it is read from instead (ReadKeyFile).
	KeyEnv, KeyFile string
	Timeout         time.Duration
}

// ProbeFailure is probe's answer that the target does not work (the
// command's question answered: exit 1), as opposed to an error in how it
// was asked.
type ProbeFailure struct{ Err error }

func (e *ProbeFailure) Error() string { return e.Err.Error() }
func (e *ProbeFailure) Unwrap() error { return e.Err }

// ProbeEndpoint builds the target, probes it (Probe) and writes the
// verdict to stdout; a target that does not work is a *ProbeFailure.
func ProbeEndpoint(ctx context.Context, o ProbeOptions, stdout io.Writer) error {
	// The user's to fix, before anything is sent: a deadline already
	// past read as the server's silence ("no answer in time", exit 1).
	if o.Timeout <= 0 {
		return inputf("--timeout must be positive, got %s", o.Timeout)
	}
	if strings.TrimSpace(o.Model) == "" {
		return inputf("--model: is required: the name of the model the server serves")
	}
	var apiKey string // never printed
	switch {
	case o.KeyFile != "":
		key, err := ReadKeyFile(o.KeyFile)
		if err != nil {
			return inputf("--api-key-file: %v", err)
		}
		apiKey, o.KeyEnv = key, ""
	case o.KeyEnv != "":
		key, err := targets.EnvKey(o.KeyEnv)
		if err != nil {
			return inputf("--api-key-env %s: %v", o.KeyEnv, err)
		}
		apiKey = key
	}
	if msg := scenarios.CheckTargetURL(o.URL); o.URL != "" && msg != "" {
		return &InputError{Err: fmt.Errorf("--url: %s", msg)} // as run says it: a password in it too
	}
	client := httpClient(&Options{})
	defer client.CloseIdleConnections()
	target, err := registry.New(o.Kind, registry.Options{URL: o.URL, APIKey: apiKey, API: o.API, Client: client})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	secrets := &Options{URL: o.URL, APIKey: Secret(apiKey)}
	res, err := Probe(ctx, target, o.Model, secrets.redactor())
	if err != nil {
		if apiKey == "" && o.KeyEnv != "" && IsKeyRejection(err) {
			err = fmt.Errorf("%w (no key sent: $%s is empty)", err, o.KeyEnv)
		}
		if ctx.Err() != nil && errors.Is(err, context.Canceled) || errors.As(err, new(*targets.RequestError)) {
			return err // not asked well: the run was stopped, or nothing could be sent (exit 2)
		}
		return &ProbeFailure{Err: err}
	}
	res.Write(stdout, ProbeSubject{Kind: o.Kind, Model: o.Model, KeyEnv: o.KeyEnv, KeySent: apiKey != ""})
	return nil
}
