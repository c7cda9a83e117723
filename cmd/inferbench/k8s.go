package main

import (
	"fmt"
	"io"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/deploy/k8s"
	"github.com/inferbench/inferbench/scenarios"
)

// Flag names of `k8s manifest` (a contract: extend, never rename).
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
)

// k8sManifestOptions is everything `k8s manifest` needs.
type k8sManifestOptions struct {
	ScenarioRef string
	k8s.Options
}

func k8sCommand() *cli.Command {
	return &cli.Command{
		Name:  "k8s",
		Usage: "run sharded benchmarks on Kubernetes",
		Subcommands: []*cli.Command{{
			Name:      "manifest",
			Usage:     "print a ConfigMap and an Indexed Job that run a scenario as N shards",
			UsageText: "inferbench k8s manifest --scenario FILE --shards N --image IMAGE [--namespace NS] [--url URL] [--pvc CLAIM] [--start-at TIME] [-- RUN_FLAGS…]",
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
				&cli.StringFlag{Name: flagK8sStartAt, Usage: "common start time of the shards (RFC 3339); leave a few minutes for scheduling and image pulls"},
				&cli.StringFlag{Name: flagK8sPVC, Value: "inferbench-results", Usage: "PersistentVolumeClaim the run directories are written to"},
				&cli.StringFlag{Name: flagK8sSecret, Usage: "Secret whose keys become the pods' environment (e.g. OPENAI_API_KEY)"},
			},
			Action: func(c *cli.Context) error {
				o := &k8sManifestOptions{ScenarioRef: c.String(flagK8sScenario), Options: k8s.Options{
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
		}},
	}
}

// runK8sManifest checks the scenario and prints the manifest.
func runK8sManifest(o *k8sManifestOptions, stdout io.Writer) error {
	s, err := scenarios.Open(o.ScenarioRef)
	if err != nil {
		return usagef("%v", err)
	}
	if s.Workload.Dataset != nil || s.Load.Trace != nil {
		return usagef("scenario %s reads a dataset or trace file, which the pods would not have: only the scenario travels in the ConfigMap", o.ScenarioRef)
	}
	if s.Load.CapacitySearch != nil && s.Load.CapacitySearch.Bisect && o.Shards > 1 {
		return usagef("scenario %s bisects for capacity, which sharded runs cannot (each shard would pick its own levels): remove load.capacity_search", o.ScenarioRef)
	}
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
