package k8s

import (
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"
)

// TestManifestRefuseStartAtPast: a --start-at already past was written into
// the Job; each pod then started as soon as it was scheduled (run warns and
// starts at once), and merge refused the shards as not run at once. It is
// refused, saying by how much it is past and suggesting a time the pods
// can make; one ahead is taken.
func TestManifestRefuseStartAtPast(t *testing.T) {
	now := time.Date(2026, 12, 6, 15, 40, 10, 0, time.UTC)
	o := Options{Image: "i", Shards: 2, PVC: "p", Now: now}
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), "2532 days ago"},
		{now.Add(-90 * time.Second), "1m30s ago"},
		{now, "0s ago"},
	} {
		o.StartAt = &c.at
		_, err := manifestOf(t, o)
		for _, w := range []string{"--start-at " + c.at.Format(time.RFC3339), c.want, "pull", "2026-12-06T15:44:00Z"} {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("--start-at %s: err %v; want it refused, saying %q", c.at, err, w)
			}
		}
	}
	at := now.Add(3 * time.Minute)
	o.StartAt = &at
	if _, err := manifestOf(t, o); err != nil {
		t.Errorf("--start-at 3 minutes ahead: %v", err)
	}
}

// TestManifestRefuseStartAtPastAfterDashes: --start-at after -- goes into
// every pod's args as well, and was not judged.
func TestManifestRefuseStartAtPastAfterDashes(t *testing.T) {
	now := time.Date(2026, 12, 6, 15, 40, 10, 0, time.UTC)
	o := Options{Image: "i", Shards: 2, PVC: "p", Now: now,
		RunFlags: []cli.Flag{&cli.StringFlag{Name: "start-at"}, &cli.StringFlag{Name: "model"}}}
	for _, args := range [][]string{{"--start-at", "2020-01-01T00:00:00Z"}, {"--start-at=2026-12-06T15:40:00Z"}} {
		o.Args = args
		if _, err := manifestOf(t, o); err == nil || !strings.Contains(err.Error(), "--start-at") || !strings.Contains(err.Error(), "ago") {
			t.Errorf("%q: err %v; want it refused as past", args, err)
		}
	}
	o.Args = []string{"--start-at", "2026-12-06T15:45:00Z"}
	if _, err := manifestOf(t, o); err != nil {
		t.Errorf("%q: %v", o.Args, err)
	}
}
