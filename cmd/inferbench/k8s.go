package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/deploy/k8s"
	"github.com/inferbench/inferbench/internal/cmdline"
	"github.com/inferbench/inferbench/session"
)

func k8sCommand() *cli.Command {
	return &cli.Command{
		Name:        "k8s",
		Usage:       "run sharded benchmarks on Kubernetes",
		Subcommands: []*cli.Command{k8sManifestCommand(), k8sCollectorCommand(), k8sTarCommand(), k8sHoldCommand()},
	}
}

func k8sManifestCommand() *cli.Command {
	var o k8s.Options
	var ref, model, startAt string
	return &cli.Command{
		Name:      "manifest",
		Usage:     "print a ConfigMap and an Indexed Job that run a scenario as N shards",
		UsageText: "inferbench k8s manifest --scenario FILE --shards N --image IMAGE [--model MODEL] [--name NAME] [--namespace NS] [--url URL] [--secret SECRET] [--pvc CLAIM] [--start-at TIME] [-- RUN_FLAGS…]",
		Description: `Prints YAML for kubectl apply -f -: a ConfigMap holding the scenario and an
Indexed Job (completionMode Indexed, parallelism and completions N) whose pod I
runs "inferbench run --shard I/N" on it and writes its run directory to
/results/NAME/shard-I on the PersistentVolumeClaim --pvc (ReadWriteMany when
the pods may land on several nodes). API keys come from --secret (its keys
become environment variables), never from the manifest. Arguments after --
are passed to every shard's run. Join the shards with inferbench merge.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "scenario", Required: true, Destination: &ref, Usage: "scenario: a shipped name or a YAML file (stored in the ConfigMap)"},
			&cli.IntFlag{Name: "shards", Required: true, Destination: &o.Shards, Usage: "number of shards (pods), each applying 1/N of the load"},
			&cli.StringFlag{Name: "image", Required: true, Destination: &o.Image, Usage: "container image with /inferbench (see the Dockerfile)"},
			&cli.StringFlag{Name: "namespace", Destination: &o.Namespace, Usage: "namespace of the objects (default: kubectl's)"},
			&cli.StringFlag{Name: "name", Value: "inferbench", Destination: &o.Name, Usage: "name of the Job (and NAME-scenario, the ConfigMap)"},
			&cli.StringFlag{Name: "url", Destination: &o.URL, Usage: "target URL as seen from the pods (overrides the scenario's)"},
			&cli.StringFlag{Name: "model", Destination: &model, Usage: "model the pods ask for (overrides the scenario's target.model; required when the scenario names none)"},
			&cli.StringFlag{Name: "start-at", Destination: &startAt, Usage: "common start time of the shards (RFC 3339); leave a few minutes for scheduling and image pulls"},
			&cli.StringFlag{Name: "pvc", Value: "inferbench-results", Destination: &o.PVC, Usage: "PersistentVolumeClaim the run directories are written to"},
			&cli.StringFlag{Name: "secret", Destination: &o.Secret, Usage: "Secret whose keys become the pods' environment (e.g. OPENAI_API_KEY)"},
		},
		Action: func(c *cli.Context) error {
			o.Args, o.StartAt, o.RunFlags = c.Args().Slice(), nil, runCommand(c.Context).Flags
			o.RunCheck = podRunCheck(c.Context)
			if startAt != "" {
				t, err := parseStartAt(startAt)
				if err != nil {
					return err
				}
				o.StartAt = &t
			}
			s, err := openScenario(ref)
			if err != nil {
				return usagef("%v", err)
			}
			b, err := k8s.ScenarioManifest(s, ref, model, o)
			if err != nil {
				return usagef("%v", err)
			}
			return writeManifest(c, b)
		},
	}
}

// podRunCheck is k8s.Options.RunCheck: a pod's command line (args, from
// "run") judged by inferbench run itself, as far as run judges it before it
// reads a file or the environment: its flags read and laid over the
// ConfigMap's scenario and validated (scenarioFromFlags), then checked
// with the scenario's defaults (runnable, as runOptionsFrom), the
// flag-only settings (session.Check, as FromScenario), its --shard
// (shardFrom, session.ShardRefusal) and the live view's flags (liveRunFrom,
// which listens on nothing). What run reads or opens is the pod's: the API
// key's file or variable, a dataset's, trace's or tokenizer's contents,
// the --live port. The pod's files (the scenario, and the claim's, each
// every pod's and none of this machine's, as k8s names them) are placed
// under a directory of their own, at the pod's path, an arg ending in one
// made to name it there; a claim file's stand-in is empty, which nothing
// here reads (run only looks for it); the errors name the files as the pod
// does.
func podRunCheck(ctx context.Context) func(args []string, files map[string][]byte) error {
	return func(args []string, files map[string][]byte) error {
		dir, err := os.MkdirTemp("", "inferbench-k8s-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		for p, data := range files {
			if err := place(dir+p, data); err != nil {
				return err
			}
		}
		args = append([]string{"inferbench"}, args...)
		for i, a := range args {
			for p := range files { // --scenario P, --tokenizer=P, --dataset FORMAT:P
				if strings.HasSuffix(a, p) {
					args[i] = strings.TrimSuffix(a, p) + dir + p
					break
				}
			}
		}
		run := runCommand(ctx)
		run.Action = func(c *cli.Context) error {
			s, err := scenarioFromFlags(c)
			if err != nil {
				return err
			}
			if err := runnable(c, s); err != nil {
				return err
			}
			if err := session.Check(s, runExtras(c)); err != nil {
				return runError(err)
			}
			o := &session.Options{BisectSteps: session.BisectSteps(&s.Load), Precision: s.Load.AdaptivePrecision()}
			if err := shardFrom(c, o); err != nil {
				return err
			}
			_, err = liveRunFrom(c)
			return err
		}
		app := &cli.App{Name: "inferbench", Writer: io.Discard, ErrWriter: io.Discard, Commands: []*cli.Command{run},
			ExitErrHandler: func(*cli.Context, error) {}, OnUsageError: func(_ *cli.Context, err error, _ bool) error { return usagef("%v", err) }}
		if err := app.RunContext(ctx, args); err != nil {
			// The files as the pod names them.
			return usagef("%s", strings.ReplaceAll(err.Error(), dir, ""))
		}
		return nil
	}
}

// place writes the file p holding data, and its directories.
func place(p string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o600)
}

func k8sCollectorCommand() *cli.Command {
	var o k8s.CollectorOptions
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
			&cli.StringFlag{Name: "image", Required: true, Destination: &o.Image, Usage: "container image with /inferbench (the Job's)"},
			&cli.StringFlag{Name: "namespace", Destination: &o.Namespace, Usage: "namespace of the pod (default: kubectl's)"},
			&cli.StringFlag{Name: "name", Value: "inferbench", Destination: &o.Name, Usage: "name of the Job whose results are collected (the pod is NAME-collect)"},
			&cli.StringFlag{Name: "pvc", Value: "inferbench-results", Destination: &o.PVC, Usage: "PersistentVolumeClaim the run directories were written to"},
			&cli.DurationFlag{Name: "hold", Value: k8s.DefaultHold, Destination: &o.Hold, Usage: "how long the pod waits before it exits on its own"},
		},
		Action: func(c *cli.Context) error {
			if err := cmdline.NoArgs(c, "k8s collector"); err != nil {
				return err
			}
			b, err := k8s.CollectorManifest(o)
			if err != nil {
				return usagef("%v", err)
			}
			return writeManifest(c, b)
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
				return usagef("k8s tar takes one directory (%d given)", c.NArg())
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
			if err := cmdline.NoArgs(c, "k8s hold"); err != nil {
				return err
			}
			if d := c.Duration("for"); d <= 0 {
				return usagef("k8s hold: --for must be more than 0, got %v", d)
			}
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

// writeManifest writes a manifest to stdout.
func writeManifest(c *cli.Context, b []byte) error {
	if _, err := c.App.Writer.Write(b); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return nil
}
