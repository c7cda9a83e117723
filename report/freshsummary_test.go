package report

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestRunPricedLevelRefusesAStaleSummary: the cost commands price a run
// from summary.json, so one that is not the summary of requests.jsonl as
// it is is refused with the command that recomputes it: missing beside the
// records (a killed run), or counting 3 records when the file holds 5.
// The same 3 records with a repeated line, or with a last line cut short,
// are still the summary's 3 (the report leaves those out too), and a
// summary.json shared without its records is priced as it is. Before, a
// stale summary was priced silently, and a missing one was "open …: no
// such file or directory".
func TestRunPricedLevelRefusesAStaleSummary(t *testing.T) {
	dir := t.TempDir()
	var lines []string
	for i := range 5 {
		rec := &rundir.Record{ID: uint64(i), Stage: rundir.StageMeasure, Level: 4, SentNS: int64(100 * (i + 1)), OK: true}
		b, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b)+"\n")
	}
	records := func(s string) {
		if err := os.WriteFile(filepath.Join(dir, rundir.RecordsFile), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	three := strings.Join(lines[:3], "")
	records(three)
	if _, err := RunPricedLevel(dir); err == nil || !strings.Contains(err.Error(), "has no summary.json") ||
		!strings.Contains(err.Error(), "inferbench report "+dir) {
		t.Errorf("no summary.json beside requests.jsonl: %v; want it said, with the command that writes it", err)
	}
	summary := `{"records":3,"levels":[{"level":4,"output_tokens_per_s":200,"total_tokens_per_s":600,"requests_per_s":2,"window_s":10}]}`
	if err := os.WriteFile(filepath.Join(dir, rundir.SummaryFile), []byte(summary), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"the same records":      three,
		"a repeated line":       three + lines[1],
		"a last line cut short": three + lines[3][:20],
	} {
		records(body)
		if rl, err := RunPricedLevel(dir); err != nil || rl.Throughput.OutputTokensPerS != 200 {
			t.Errorf("%s: RunPricedLevel = %+v, %v; want the summary's level", name, rl, err)
		}
	}
	records(strings.Join(lines, ""))
	want := filepath.Join(dir, rundir.SummaryFile) + " is stale: it summarizes 3 records, " +
		filepath.Join(dir, rundir.RecordsFile) + " holds 5: `inferbench report " + dir + "` recomputes it"
	if _, err := RunPricedLevel(dir); err == nil || err.Error() != want {
		t.Errorf("5 records behind a summary of 3: %v\nwant %s", err, want)
	}
	os.Remove(filepath.Join(dir, rundir.RecordsFile))
	if _, err := RunPricedLevel(dir); err != nil {
		t.Errorf("summary.json alone: %v; want it priced as it is", err)
	}
}

// TestRunPricedLevelCarriesTheEnergy: the priced level's GPU energy reaches
// the cost command (cost --run), which prices owned hardware's power with
// it as the report's cost table does; before, cost --run saw no energy and
// priced the catalog's draw (TDP) instead.
func TestRunPricedLevelCarriesTheEnergy(t *testing.T) {
	dir := t.TempDir()
	summary := `{"levels":[{"level":16,"output_tokens_per_s":1720,"total_tokens_per_s":7806,"requests_per_s":13,"window_s":6.0078,` +
		`"gpu":{"gpus":1,"samples":24,"energy_j":2056.0,"energy_source":"counter"}}]}`
	if err := os.WriteFile(filepath.Join(dir, rundir.SummaryFile), []byte(summary), 0o644); err != nil {
		t.Fatal(err)
	}
	rl, err := RunPricedLevel(dir)
	if err != nil || rl.EnergyJ != 2056.0 || rl.WindowS != 6.0078 {
		t.Errorf("RunPricedLevel = %+v, %v; want energy 2056 J over 6.0078 s", rl, err)
	}
}
