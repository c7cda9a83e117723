package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/inferbench/inferbench/rundir"
)

// SummarizeRun recomputes the Summary of the run directory dir from its
// requests.jsonl alone. A last line cut short by a crash is skipped and
// reported in warnings; any other undecodable line is an error.
func SummarizeRun(dir string, slo SLO) (sum *Summary, warnings []string, err error) {
	return SummarizeRunEach(dir, slo, nil)
}

// SummarizeRunEach is SummarizeRun that also hands each record, after the
// summarizer has taken it, to each (when not nil), so that a caller needing
// more from the records (the report's figures) reads the file once: decoding
// the records is most of the time of a report over a large run. each must
// not keep the record, which the reader reuses.
func SummarizeRunEach(dir string, slo SLO, each func(*rundir.Record)) (sum *Summary, warnings []string, err error) {
	f, err := os.Open(filepath.Join(dir, rundir.RecordsFile))
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	s := NewSummarizer(slo)
	for rec, err := range rundir.ReadRecords(f) {
		if err != nil {
			var te *rundir.TruncatedError
			if errors.As(err, &te) {
				warnings = append(warnings, fmt.Sprintf("%s: %v", rundir.RecordsFile, err))
				break
			}
			return nil, warnings, fmt.Errorf("%s: %w", filepath.Join(dir, rundir.RecordsFile), err)
		}
		s.Add(rec)
		if each != nil {
			each(rec)
		}
	}
	sum = s.Close()
	if err := attachGPU(dir, sum); err != nil {
		warnings = append(warnings, err.Error())
	}
	if err := attachServer(dir, sum); err != nil {
		warnings = append(warnings, err.Error())
	}
	if err := attachClient(dir, sum); err != nil {
		warnings = append(warnings, err.Error())
	}
	return sum, warnings, nil
}

// attachGPU adds each level's GPU telemetry from dir/gpu.jsonl, if the run
// has one.
func attachGPU(dir string, sum *Summary) error {
	f, err := os.Open(filepath.Join(dir, rundir.GPUFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	defer f.Close()
	samples, err := rundir.ReadGPUSamples(f)
	if err != nil {
		return fmt.Errorf("%s: %w (GPU telemetry left out)", rundir.GPUFile, err)
	}
	if len(samples) == 0 {
		return nil
	}
	for i := range sum.Levels {
		l := &sum.Levels[i]
		g := SummarizeGPU(samples, l.StartNS, l.EndNS, l.OutputTokens)
		l.GPU = &g
	}
	return nil
}

// WriteSummaryFile writes sum as dir/summary.json.
func WriteSummaryFile(dir string, sum *Summary) error {
	b, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, rundir.SummaryFile), append(b, '\n'), 0o644)
}

// attachServer adds each level's server metrics from dir/server.jsonl, if
// the run has one.
func attachServer(dir string, sum *Summary) error {
	f, err := os.Open(filepath.Join(dir, rundir.ServerFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	defer f.Close()
	samples, err := rundir.ReadServerSamples(f)
	if err != nil {
		return fmt.Errorf("%s: %w (server metrics left out)", rundir.ServerFile, err)
	}
	if len(samples) == 0 {
		return nil
	}
	for i := range sum.Levels {
		l := &sum.Levels[i]
		s := SummarizeServer(samples, l.StartNS, l.EndNS)
		l.Server = &s
	}
	return nil
}

// attachClient adds each level's client self-telemetry and client-bound
// verdict from dir/client.jsonl, if the run has one.
func attachClient(dir string, sum *Summary) error {
	f, err := os.Open(filepath.Join(dir, rundir.ClientFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	defer f.Close()
	samples, err := rundir.ReadClientSamples(f)
	if err != nil {
		return fmt.Errorf("%w (client telemetry left out)", err)
	}
	closedLoop := false
	if m, err := rundir.ReadManifest(dir); err == nil {
		closedLoop = m.Load.Profile == "concurrency" || m.Load.Profile == "sweep"
	}
	// A merged run holds several clients (shards): each is judged on its
	// own samples.
	byShard := map[int][]rundir.ClientSample{}
	for _, s := range samples {
		if s.Shard != nil {
			byShard[*s.Shard] = append(byShard[*s.Shard], s)
		}
	}
	if len(byShard) > 0 {
		JudgeClientsPerShard(sum, byShard, closedLoop)
		return nil
	}
	for i := range sum.Levels {
		l := &sum.Levels[i]
		c := SummarizeClient(samples, l, closedLoop)
		l.Client = &c
	}
	return nil
}
