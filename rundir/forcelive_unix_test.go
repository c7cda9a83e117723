//go:build unix

package rundir

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/internal/proctest"
)

// TestForceRefusesRunStillGoing: `run --force --out D` while another run
// still wrote D (its run.json saying running, its process alive on this
// host) removed that run's files: the first run went on writing its 60
// records into files no longer in D, and D ended with the second run's 5
// records under the first's run.json ("run.json counts 61 records,
// requests.jsonl holds 5"). --force replaces a finished or dead run, never
// one still going; a run whose process is gone is replaced as before.
func TestForceRefusesRunStillGoing(t *testing.T) {
	host, alive, gone := proctest.Host(t), proctest.Alive(t), proctest.Gone(t)
	for _, c := range []struct {
		pid     int
		refused bool
	}{{alive, true}, {gone, false}} {
		dir := t.TempDir()
		rw, err := CreateRecordWriter(dir)
		if err != nil {
			t.Fatal(err)
		}
		rw.Write(&Record{ID: 1, Stage: StageMeasure, OK: true})
		rw.Close()
		if err := WriteManifest(dir, &Manifest{Tool: "inferbench", ExitState: ExitRunning, Host: Host{Name: host, PID: c.pid}}); err != nil {
			t.Fatal(err)
		}
		err = Create(dir, true)
		_, statErr := os.Stat(filepath.Join(dir, RecordsFile))
		if c.refused {
			if err == nil || !errors.Is(err, ErrOutTaken) || !strings.Contains(err.Error(), strconv.Itoa(c.pid)) {
				t.Errorf("pid %d alive: Create(force) = %v; want refused, naming the pid", c.pid, err)
			}
			if statErr != nil {
				t.Errorf("pid %d alive: the run's records were removed: %v", c.pid, statErr)
			}
			continue
		}
		if err != nil || statErr == nil {
			t.Errorf("pid %d gone: Create(force) = %v, records left: %v; want the dead run replaced", c.pid, err, statErr == nil)
		}
	}
}
