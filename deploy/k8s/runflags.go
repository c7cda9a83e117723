package k8s

import (
	"fmt"
	"slices"

	"github.com/inferbench/inferbench/internal/cmdline"
	"github.com/inferbench/inferbench/scenarios"
)

// laid is what layRunFlags did with the run flags after --.
type laid struct {
	// flags are the run flags after --, as run reads them.
	flags cmdline.Given
	// whole is true when every flag given was laid over the scenario or
	// leaves it as it is: s is then the pods' scenario, as far as
	// validation judges it.
	whole bool
	// dataset is the last --dataset, the one run reads (readLaid).
	dataset datasetFlag
}

// datasetFlag is a --dataset FORMAT:FILE as scenarios.ParseDatasetFlag
// splits it, or why it refuses it; all empty where none was given.
type datasetFlag struct {
	format, file string
	err          error
}

// readLaid is the run flags after -- (given, as cmdline.ReadFlags read
// them), whole or not, with the last --dataset read, once, as run reads
// it: the manifest's check of the pods' files and of the trace's shards
// judge the one run takes (a --dataset trace:… before a --dataset
// jsonl:… is no trace).
func readLaid(given cmdline.Given, whole bool) laid {
	f := laid{flags: given, whole: whole}
	if given.IsSet("dataset") {
		d := &f.dataset
		d.format, d.file, d.err = scenarios.ParseDatasetFlag(given.String("dataset"))
	}
	return f
}

// trace is true for --dataset trace:…, arrivals from a file.
func (f laid) trace() bool { return f.dataset.format == "trace" }

// unjudged are the run flags that set nothing validation judges in the
// scenario.
var unjudged = []string{"server-version", "server-args", "no-probe", "spread", "quiet", "retries", "continuous-usage", "grace",
	"insecure", "http1", "force", "progress", "progress-interval", "live", "live-linger", "api-key-file", "tokenizer"}

// layRunFlags lays the run flags after -- (f, o.Args as readLaid read
// them) over s with run's own code
// (scenarios.LayRunFlags): the target's kind, URL, API and model and the
// load, refused as run refuses them, in run's words. A --url of the
// manifest's own replaces the target's URL, as the Job's args give it.
func layRunFlags(s *scenarios.Scenario, o Options, f *laid) error {
	if _, err := scenarios.LayRunFlags(s, f.flags, true); err != nil {
		return fmt.Errorf("k8s: after --, inferbench run: %w", err)
	}
	if o.URL != "" {
		s.Target.URL = o.URL
		s.Forget("target.url")
	}
	f.whole = true
	for flag := range f.flags.Words {
		f.whole = f.whole && (slices.Contains(scenarios.LaidRunFlags, flag) || slices.Contains(unjudged, flag))
	}
	return nil
}
