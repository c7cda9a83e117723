package k8s

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/inferbench/inferbench/scenarios"
)

// runFlags are the run flags after -- as cmdline.ParseFlags read them
// (each flag's words under its first name), read as a scenarios.Flags: a
// value is its flag's last word, as run takes it; a flag not given reads
// as its zero value, which LayRunFlags over a scenario file never reads.
type runFlags map[string][]string

func (g runFlags) IsSet(name string) bool { return len(g[name]) > 0 }

func (g runFlags) String(name string) string {
	if v := g[name]; len(v) > 0 {
		return v[len(v)-1]
	}
	return ""
}

// Int reads the value as every pod's run does: a leading zero is decimal
// (cmdline's Reorder rewrites 010 as 10), 0x10 and 1_000 Go's.
func (g runFlags) Int(name string) int {
	v := g.String(name)
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		n, _ = strconv.ParseInt(v, 0, 64)
	}
	return int(n)
}

func (g runFlags) Float64(name string) float64 {
	x, _ := strconv.ParseFloat(g.String(name), 64)
	return x
}

func (g runFlags) Duration(name string) time.Duration {
	d, _ := time.ParseDuration(g.String(name))
	return d
}

func (g runFlags) Bool(name string) bool {
	b, _ := strconv.ParseBool(g.String(name))
	return b
}

// laid is what layRunFlags did with the run flags after --.
type laid struct {
	// flags are the run flags after --.
	flags runFlags
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
// cmdline.ParseFlags read them) over s with run's own code
// (scenarios.LayRunFlags): the target's kind, URL, API and model and the
// load, refused as run refuses them, in run's words. A --url of the
// manifest's own replaces the target's URL, as the Job's args give it.
func layRunFlags(s *scenarios.Scenario, o Options, given map[string][]string) (laid, error) {
	f := laid{flags: given, whole: true}
	if _, err := scenarios.LayRunFlags(s, f.flags, true); err != nil {
		return f, fmt.Errorf("k8s: after --, inferbench run: %w", err)
	}
	if o.URL != "" {
		s.Target.URL = o.URL
		s.Forget("target.url")
	}
	for _, v := range given["dataset"] {
		f.trace = f.trace || strings.HasPrefix(v, "trace:")
	}
	for flag := range given {
		f.whole = f.whole && (slices.Contains(scenarios.LaidRunFlags, flag) || slices.Contains(unjudged, flag))
	}
	return f, nil
}
