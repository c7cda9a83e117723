package k8s

import (
	"fmt"
	"slices"
	"strings"

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
	// trace is true for --dataset trace:…, arrivals from a file.
	trace bool
}

// unjudged are the run flags that set nothing validation judges in the
// scenario.
var unjudged = []string{"server-version", "server-args", "no-probe", "spread", "quiet", "retries", "continuous-usage", "grace",
	"insecure", "http1", "force", "progress", "progress-interval", "live", "live-linger", "api-key-file", "tokenizer"}

// layRunFlags lays the run flags after -- (given, o.Args as
// cmdline.ReadFlags read them) over s with run's own code
// (scenarios.LayRunFlags): the target's kind, URL, API and model and the
// load, refused as run refuses them, in run's words. A --url of the
// manifest's own replaces the target's URL, as the Job's args give it.
func layRunFlags(s *scenarios.Scenario, o Options, given cmdline.Given) (laid, error) {
	f := laid{flags: given, whole: true}
	if _, err := scenarios.LayRunFlags(s, f.flags, true); err != nil {
		return f, fmt.Errorf("k8s: after --, inferbench run: %w", err)
	}
	if o.URL != "" {
		s.Target.URL = o.URL
		s.Forget("target.url")
	}
	for _, v := range given.Words["dataset"] {
		f.trace = f.trace || strings.HasPrefix(v, "trace:")
	}
	for flag := range given.Words {
		f.whole = f.whole && (slices.Contains(scenarios.LaidRunFlags, flag) || slices.Contains(unjudged, flag))
	}
	return f, nil
}
