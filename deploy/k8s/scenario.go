package k8s

import (
	"errors"
	"fmt"

	"github.com/inferbench/inferbench/scenarios"
	"github.com/inferbench/inferbench/session"
	"github.com/inferbench/inferbench/targets"
)

// ScenarioManifest checks that scenario s (called ref) can run as o.Shards
// pods, with model (when set) over its target.model, and returns the
// manifest (Manifest) with the scenario in its ConfigMap. Every error is
// the caller's input.
func ScenarioManifest(s *scenarios.Scenario, ref, model string, o Options) ([]byte, error) {
	if err := scenarioFiles(s); err != nil {
		// And what scenarios validate finds in its tokenizer (one of a
		// model no tokenizer is built for), so that the copy given the
		// pods instead is not refused by each of them; the dataset and the
		// trace, refused, are not read.
		_, terr := s.Tokenizer()
		return nil, errors.Join(err, terr)
	}
	// The scenario travels in the ConfigMap: its URL must not carry a key
	// either (user info is already refused by the scenario's checks).
	if c := targets.URLCredential(s.Target.URL); c != "" {
		return nil, fmt.Errorf("scenario %s: target.url holds a credential (%s), which the ConfigMap would show: put the key in the Secret (--secret) and name its variable in target.api_key_env", ref, c)
	}
	if c := targets.URLCredential(s.GPU.URL); c != "" {
		return nil, fmt.Errorf("scenario %s: gpu.url holds a credential (%s), which the ConfigMap would show: give the exporter's URL without it", ref, c)
	}
	// The pods' run refuses a target.url that is not a server root; a
	// --url replaces it, and Objects checks that one.
	if _, given := argURL(o.Args); o.URL == "" && !given {
		if err := checkBaseURL(s.Target.URL); err != nil {
			return nil, fmt.Errorf("scenario %s: target.url: %w", ref, err)
		}
	}
	if model != "" {
		s.Target.Model = model
	}
	if s.Target.Model == "" {
		return nil, fmt.Errorf("scenario %s names no model (target.model): give --model, or every pod's run fails", ref)
	}
	// Said in each pod's args as well as in the ConfigMap's scenario, so
	// that kubectl describe shows what the pods ask for.
	bare := len(o.Args) == 0
	o.Args = append([]string{"--model", s.Target.Model}, o.Args...)
	var err error
	if o.Scenario, err = scenarios.Marshal(s); err != nil {
		return nil, err
	}
	given, givenErr := readArgs(o) // once: the manifest takes them
	// Judged as scenarios validate judges it (scenarios.ValidateFiles):
	// its defaults applied, then validated again and its data files read
	// (none by now: scenarioFiles), with the run flags after -- laid over
	// it as in every pod. It was only loaded, so a level every pod's run
	// refuses (one the default warm-up takes whole) passed. With a flag
	// layRunFlags does not lay, the pods' run judges the whole. s is not
	// written again after this.
	f := readLaid(given, bare)
	if givenErr != nil {
		return manifest(o, f, givenErr) // which says why, with whatever else is wrong
	}
	if o.RunFlags != nil {
		if err := layRunFlags(s, o, &f); err != nil {
			return nil, err
		}
		// The kind and what it speaks, as run judges them once its flags
		// are laid (the file's were judged when it was opened).
		known := session.ScenarioKnown()
		if err := errors.Join(s.CheckKind(known.Kinds), s.CheckTarget(known.Target)); err != nil {
			return nil, scenarios.FlagNamed(f.flags, true, err)
		}
	}
	if err := checkStop(s, given); err != nil {
		return nil, err
	}
	s.ApplyDefaults()
	if f.whole {
		if err := errors.Join(s.Validate(), s.CheckData()); err != nil {
			return nil, scenarios.FlagNamed(f.flags, true, err)
		}
	}
	if err := checkShards(s, o.Shards, f); err != nil {
		return nil, err
	}
	return manifest(o, f, nil)
}
