package main

import (
	"fmt"
	"io"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/deploy/k8s"
	"github.com/inferbench/inferbench/scenarios"
	"github.com/inferbench/inferbench/targets"
)

// Flag names of `k8s manifest` and `k8s collector` (a contract: extend, never rename).
const (
	flagK8sScenario  = "scenario"
	flagK8sShards    = "shards"
	flagK8sImage     = "image"
	flagK8sNamespace = "namespace"
	flagK8sName      = "name"
	flagK8sURL       = "url"
	flagK8sStartAt   = "start-at"
	flagK8sPVC       = "pvc"
	flagK8sSecret    = "secret"
	flagK8sHold      = "hold"
	flagK8sModel     = "model"
)

// k8sManifestOptions is everything `k8s manifest` needs.
type k8sManifestOptions struct {
	ScenarioRef string
	// Model overrides the scenario's target.model; one of them must name
	// a model, or every pod's run would fail.
	Model string
	k8s.Options
}

func k8sCommand() *cli.Command {
	return &cli.Command{
		Name:        "k8s",
		Usage:       "run sharded benchmarks on Kubernetes",
		Subcommands: []*cli.Command{k8sManifestCommand(), k8sCollectorCommand(), k8sTarCommand(), k8sHoldCommand()},
	}
}

func k8sManifestCommand() *cli.Command {
	return &cli.Command{
		Name:      "manifest",
		Usage:     "print a ConfigMap and an Indexed Job that run a scenario as N shards",
		UsageText: "inferbench k8s manifest --scenario FILE --shards N --image IMAGE [--model MODEL] [--namespace NS] [--url URL] [--pvc CLAIM] [--start-at TIME] [-- RUN_FLAGS…]",
		Description: `Prints YAML for kubectl apply -f -: a ConfigMap holding the scenario and an
Indexed Job (completionMode Indexed, parallelism and completions N) whose pod I
runs "inferbench run --shard I/N" on it and writes its run directory to
/results/NAME/shard-I on the PersistentVolumeClaim --pvc (ReadWriteMany when
the pods may land on several nodes). API keys come from --secret (its keys
become environment variables), never from the manifest. Arguments after --
are passed to every shard's run. Join the shards with inferbench merge.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: flagK8sScenario, Required: true, Usage: "scenario: a shipped name or a YAML file (stored in the ConfigMap)"},
			&cli.IntFlag{Name: flagK8sShards, Required: true, Usage: "number of shards (pods), each applying 1/N of the load"},
			&cli.StringFlag{Name: flagK8sImage, Required: true, Usage: "container image with /inferbench (see the Dockerfile)"},
			&cli.StringFlag{Name: flagK8sNamespace, Usage: "namespace of the objects (default: kubectl's)"},
			&cli.StringFlag{Name: flagK8sName, Value: "inferbench", Usage: "name of the Job (and NAME-scenario, the ConfigMap)"},
			&cli.StringFlag{Name: flagK8sURL, Usage: "target URL as seen from the pods (overrides the scenario's)"},
			&cli.StringFlag{Name: flagK8sModel, Usage: "model the pods ask for (overrides the scenario's target.model; required when the scenario names none)"},
			&cli.StringFlag{Name: flagK8sStartAt, Usage: "common start time of the shards (RFC 3339); leave a few minutes for scheduling and image pulls"},
			&cli.StringFlag{Name: flagK8sPVC, Value: "inferbench-results", Usage: "PersistentVolumeClaim the run directories are written to"},
			&cli.StringFlag{Name: flagK8sSecret, Usage: "Secret whose keys become the pods' environment (e.g. OPENAI_API_KEY)"},
		},
		Action: func(c *cli.Context) error {
			o := &k8sManifestOptions{ScenarioRef: c.String(flagK8sScenario), Model: c.String(flagK8sModel), Options: k8s.Options{
				Name: c.String(flagK8sName), Namespace: c.String(flagK8sNamespace), Image: c.String(flagK8sImage),
				Shards: c.Int(flagK8sShards), URL: c.String(flagK8sURL), PVC: c.String(flagK8sPVC), Secret: c.String(flagK8sSecret),
				Args: c.Args().Slice()}}
			if s := c.String(flagK8sStartAt); s != "" {
				t, err := time.Parse(time.RFC3339, s)
				if err != nil {
					return usagef("--%s: want an RFC 3339 time such as 2026-11-27T10:00:00Z, got %q", flagK8sStartAt, s)
				}
				o.StartAt = &t
			}
			return runK8sManifest(o, c.App.Writer)
		},
	}
}

func k8sCollectorCommand() *cli.Command {
	return &cli.Command{
		Name:      "collector",
		Usage:     "print a pod that mounts the results claim read-only, for k8s tar to stream the run directories out",
		UsageText: "inferbench k8s collector --image IMAGE [--namespace NS] [--name NAME] [--pvc CLAIM] [--hold DURATION]",
		Description: `Prints YAML for kubectl apply -f -: a pod NAME-collect mounting the claim
--pvc read-only at /results and waiting (inferbench k8s hold) for --hold. The
image has no shell and no tar, so kubectl cp cannot copy out of it; instead:

  kubectl exec NAME-collect -- /inferbench k8s tar /results/NAME | tar -x -C runs

then delete the pod.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: flagK8sImage, Required: true, Usage: "container image with /inferbench (the Job's)"},
			&cli.StringFlag{Name: flagK8sNamespace, Usage: "namespace of the pod (default: kubectl's)"},
			&cli.StringFlag{Name: flagK8sName, Value: "inferbench", Usage: "name of the Job whose results are collected (the pod is NAME-collect)"},
			&cli.StringFlag{Name: flagK8sPVC, Value: "inferbench-results", Usage: "PersistentVolumeClaim the run directories were written to"},
			&cli.DurationFlag{Name: flagK8sHold, Value: k8s.DefaultHold, Usage: "how long the pod waits before it exits on its own"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("k8s collector takes no arguments, got %q", c.Args().Slice())
			}
			b, err := k8s.CollectorManifest(k8s.CollectorOptions{Name: c.String(flagK8sName), Namespace: c.String(flagK8sNamespace),
				Image: c.String(flagK8sImage), PVC: c.String(flagK8sPVC), Hold: c.Duration(flagK8sHold)})
			if err != nil {
				return usagef("%v", err)
			}
			if _, err := c.App.Writer.Write(b); err != nil {
				return fmt.Errorf("write manifest: %w", err)
			}
			return nil
		},
	}
}

func k8sTarCommand() *cli.Command {
	return &cli.Command{
		Name:      "tar",
		Usage:     "write a directory to stdout as a tar archive (run in the collector pod through kubectl exec)",
		UsageText: "inferbench k8s tar DIR > runs.tar",
		Description: `Writes DIR as a tar archive whose entries are named BASE/... (BASE is DIR's
last element): directories and regular files, in lexical order; anything else
is left out with a warning. Unpack with tar -x -C runs to get runs/BASE.`,
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("k8s tar takes one directory, got %d arguments", c.NArg())
			}
			skipped, err := k8s.WriteTar(c.App.Writer, c.Args().First())
			for _, p := range skipped {
				fmt.Fprintf(c.App.ErrWriter, "inferbench: k8s tar: left out %s (not a regular file or directory)\n", p)
			}
			if err != nil {
				return fmt.Errorf("k8s tar: %w", err)
			}
			return nil
		},
	}
}

func k8sHoldCommand() *cli.Command {
	return &cli.Command{
		Name:      "hold",
		Usage:     "wait until stopped or for --for (the collector pod's command)",
		UsageText: "inferbench k8s hold [--for DURATION]",
		Flags: []cli.Flag{
			&cli.DurationFlag{Name: "for", Value: k8s.DefaultHold, Usage: "exit after this long"},
		},
		Action: func(c *cli.Context) error {
			t := time.NewTimer(c.Duration("for"))
			defer t.Stop()
			select {
			case <-c.Context.Done(): // SIGTERM from kubectl delete
			case <-t.C:
			}
			return nil
		},
	}
}

// runK8sManifest checks the scenario and prints the manifest.
func runK8sManifest(o *k8sManifestOptions, stdout io.Writer) error {
	s, err := openScenario(o.ScenarioRef)
	if err != nil {
		return usagef("%v", err)
	}
	if s.Workload.Dataset != nil || s.Load.Trace != nil {
		return usagef("scenario %s reads a dataset or trace file, which the pods would not have: only the scenario travels in the ConfigMap", o.ScenarioRef)
	}
	if s.Load.CapacitySearch != nil && s.Load.CapacitySearch.Bisect && o.Shards > 1 {
		return usagef("scenario %s bisects for capacity, which sharded runs cannot (each shard would pick its own levels): remove load.capacity_search", o.ScenarioRef)
	}
	// The scenario travels in the ConfigMap: its URL must not carry a key
	// either (user info is already refused by the scenario's checks).
	if c := targets.URLCredential(s.Target.URL); c != "" {
		return usagef("scenario %s: target.url holds a credential (%s), which the ConfigMap would show: put the key in the Secret (--secret) and name its variable in target.api_key_env", o.ScenarioRef, c)
	}
	if o.Model != "" {
		s.Target.Model = o.Model
	}
	if s.Target.Model == "" {
		return usagef("scenario %s names no model (target.model): give --%s, or every pod's run fails", o.ScenarioRef, flagK8sModel)
	}
	// Said in each pod's args as well as in the ConfigMap's scenario, so
	// that kubectl describe shows what the pods ask for.
	o.Args = append([]string{"--model", s.Target.Model}, o.Args...)
	if o.Scenario, err = scenarios.Marshal(s); err != nil {
		return err
	}
	b, err := k8s.Manifest(o.Options)
	if err != nil {
		return usagef("%v", err)
	}
	_, err = stdout.Write(b)
	if err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return nil
}
